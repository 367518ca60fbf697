"""The streaming engine on stdin and on columnar logs (Parquet, Arrow IPC) gives the results of the same
log read from a CSV file (uxcli/readers/stream/__init__.py spool_stdin, uxcli/readers/stream/columnar.py).

stdin is copied to a temporary file block by block and streamed like a file; Parquet and Arrow files are
streamed batch by batch, every value read as the CSV of the table holds it. Each test asserts which
engine was used, so a silent fallback to the whole-file reader would fail it. No timing here.
"""

from __future__ import annotations

import dataclasses
import io
import sys
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from test_stream import make_log, quirky

import uxcli.readers.stream
import uxcli.readers.stream.columnar as columnar
import uxcli.readers.stream.engine as stream
import uxcli.sources as sources
from uxcli.errors import InputError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read as read_options
from uxcli.readers.stream.summary import SummaryRequest
from uxcli.tasks.metrics import summarize

QUIRKS = {"repeats": 4, "swaps": 4, "blanks": 0, "quotes": 0}


def read(paths, **options):
    return read_options(ReadOptions(tuple(paths), **options))


def _problems(dataset, rename=None):
    """Problems as tuples, with the file name replaced (the same log under another name)."""
    out = []
    for p in dataset.problems.items:
        fields = dataclasses.asdict(p)
        if rename and fields.get("file") == rename[0]:
            fields["file"] = rename[1]
        out.append(tuple(fields.values()))
    return out


def _accounts(dataset):
    return [(f.account.rows, dict(f.account.set_aside)) for f in dataset.files]


def assert_same(got, expected, rename):
    pd.testing.assert_frame_equal(got.attempts, expected.attempts, check_exact=True)
    assert _problems(got, rename) == _problems(expected)
    assert _accounts(got) == _accounts(expected)
    assert [f.lines(np.arange(3)).tolist() for f in got.files] == [
        f.lines(np.arange(3)).tolist() for f in expected.files
    ]


@pytest.fixture
def stdin(monkeypatch):
    """stdin(bytes): make sys.stdin hold these bytes (a fresh stdin object each time)."""

    def give(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    return give


@pytest.fixture(autouse=True)
def _small_blocks():
    size, rows = stream.BLOCK_SIZE, columnar.BATCH_ROWS
    stream.BLOCK_SIZE, columnar.BATCH_ROWS = 4096, 97  # attempts span blocks and batches
    yield
    stream.BLOCK_SIZE, columnar.BATCH_ROWS = size, rows


# --- stdin --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_stdin_streams_like_the_file(tmp_path, stdin, seed):
    data = quirky(make_log(seed, participants=20), seed, **QUIRKS)
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    expected = read([str(path)], engine="stream")
    stdin(data)
    got = read(["-"], engine="stream")
    assert [f.engine for f in got.files] == [f.engine for f in expected.files] == ["stream"]
    assert got.files[0].name == "<stdin>"
    assert_same(got, expected, ("<stdin>", str(path)))
    pd.testing.assert_frame_equal(summarize(got.attempts, ["task"]), summarize(expected.attempts, ["task"]))


def test_stdin_summarised_while_streaming(tmp_path, stdin):
    data = make_log(3, participants=12, interleave=False)
    path = tmp_path / "log.csv"
    path.write_text(data)
    request = SummaryRequest(["task"])
    expected = read([str(path)], engine="stream", summarize=request)
    stdin(data.encode())
    got = read(["-"], engine="stream", summarize=request)
    assert expected.grouped is not None and got.grouped is not None  # no attempts frame: statistics while streaming
    pd.testing.assert_frame_equal(got.grouped.summary(), expected.grouped.summary(), check_exact=True)


def test_stdin_that_falls_back_is_read_whole_from_the_copy(tmp_path, stdin):
    """A lone CR makes the engine give up: the whole-file reader then reads the copy, not an exhausted stdin."""
    data = make_log(5).replace("\n", "\r", 3).encode()
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    expected = read([str(path)], engine="whole")
    stdin(data)
    got = read(["-"], engine="stream", summarize=SummaryRequest(["task"]))  # tried as a summary, then read again
    assert [f.engine for f in got.files] == ["whole"]
    assert len(got.attempts) == len(expected.attempts) > 0
    assert_same(got, expected, ("<stdin>", str(path)))


def test_stdin_is_parsed_while_it_is_still_coming(tmp_path, monkeypatch):
    """The copy of stdin is read block by block as it grows: the engine derives its first blocks while
    stdin has not ended (a gate holds the rest back until then), and the result is the file's."""
    data = make_log(9, participants=150).encode()
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    expected = read([str(path)], engine="stream")
    early = threading.Event()  # the engine derived a block before stdin ended
    gate = 2 * stream.HEAD_BYTES  # past the head the engine reads its header from

    class Gate(io.RawIOBase):
        """The first bytes at once, the rest once the engine has been seen deriving."""

        given = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            if Gate.given >= gate:
                assert early.wait(60), "the engine derived nothing while stdin was open"
            piece = data[Gate.given : Gate.given + len(buffer)]
            buffer[: len(piece)] = piece
            Gate.given += len(piece)
            return len(piece)

    derive = stream._Engine.derive

    def watched(self, *args, **kwargs):
        if any(not filling.done for filling in sources.FILLING.values()):
            early.set()
        return derive(self, *args, **kwargs)

    monkeypatch.setattr(stream._Engine, "derive", watched)
    monkeypatch.setattr(uxcli.readers.stream, "SPOOL_BLOCK", 1024)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Gate(), buffer_size=1024)))
    got = read(["-"], engine="stream")
    assert early.is_set() and Gate.given == len(data) > gate
    assert [f.engine for f in got.files] == ["stream"]
    assert_same(got, expected, ("<stdin>", str(path)))


def test_a_whole_read_of_stdin_waits_for_the_whole_copy(tmp_path, monkeypatch):
    """The whole-file reader keeps all it reads: on a copy of stdin it starts once the copy is complete, so
    endless text on stdin fills the spool file on disk (as the copy always did), not memory."""
    out = tmp_path / "copy"
    with open(out, "wb") as handle:
        handle.write(b"participant,task\n")
        handle.flush()
        filling = sources.Filling(io.BufferedReader(io.BytesIO(b"P1,T1\n" * 50)), handle, "<stdin>", 16)
        asked = []
        waited = filling.wait_for
        monkeypatch.setattr(filling, "wait_for", lambda size: asked.append(size) or waited(size))
        sources.FILLING[str(out)] = filling
        try:
            with sources.open_input(out, whole=True) as reader:
                assert asked == [sys.maxsize] and filling.done  # all copied before the first read
                assert reader.read() == b"participant,task\n" + b"P1,T1\n" * 50
        finally:
            del sources.FILLING[str(out)]


def test_an_error_while_copying_stdin_is_the_readers_error(tmp_path):
    """stdin failing half way (a broken pipe, a device error) is one plain InputError for the input."""

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError(5, "Input/output error")

    out = tmp_path / "copy"
    with open(out, "wb") as handle:
        handle.write(b"participant,task\n")
        handle.flush()
        filling = sources.Filling(io.BufferedReader(Broken()), handle, "<stdin>", 1024)
        sources.FILLING[str(out)] = filling
        try:
            with pytest.raises(InputError, match="<stdin>.*Input/output error|Input/output error"):
                with sources.open_input(out) as reader:
                    reader.read()
        finally:
            del sources.FILLING[str(out)]


def test_stdin_auto_spools_only_big_input(tmp_path, stdin, monkeypatch):
    data = make_log(6).encode()
    stdin(data)
    assert read(["-"]).files[0].engine == "whole"  # small: held in memory, read whole
    monkeypatch.setattr(uxcli.readers.stream, "AUTO_MIN_BYTES", len(data) // 2)
    stdin(data)
    assert read(["-"]).files[0].engine == "stream"
    stdin(data)
    assert read(["-"], engine="whole").files[0].engine == "whole"


def test_stdin_binary_refused_after_a_bounded_read(stdin):
    class Endless(io.RawIOBase):
        """Zero bytes without end, counting what was read."""

        given = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            Endless.given += len(buffer)
            buffer[:] = bytes(len(buffer))
            return len(buffer)

    sys.stdin = io.TextIOWrapper(io.BufferedReader(Endless()))
    try:
        with pytest.raises(InputError, match="binary"):
            read(["-"], engine="stream")
    finally:
        sys.stdin = sys.__stdin__
    assert Endless.given <= 2 * uxcli.readers.stream.SPOOL_BLOCK


def test_cli_stdin_output_equals_the_file(cli, tmp_path):
    data = quirky(make_log(7, participants=15), 7, **QUIRKS)
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    from_file = cli("summary", path, "--format", "csv", "--engine", "stream")
    from_stdin = cli("summary", "-", "--format", "csv", "--engine", "stream", input=data)
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout and from_file.stdout.count("\n") > 3


# --- Parquet and Arrow IPC ----------------------------------------------------------------------------


def _table(data: bytes) -> pa.Table:
    return pacsv.read_csv(pa.py_buffer(data))


def _write(table: pa.Table, path, kind: str) -> None:
    if kind == "parquet":
        pq.write_table(table, path, row_group_size=150)
    elif kind == "arrow":
        feather.write_feather(table, path, chunksize=130)
    else:  # the IPC stream format
        with pa.ipc.new_stream(str(path), table.schema) as writer:
            writer.write_table(table, max_chunksize=110)


@pytest.mark.parametrize("kind,suffix", [("parquet", ".parquet"), ("arrow", ".arrow"), ("stream", ".ipc")])
@pytest.mark.parametrize("iso", [False, True])
def test_columnar_logs_equal_their_csv(tmp_path, kind, suffix, iso):
    """The same log as CSV and as Parquet/Arrow: identical attempts, problems and accounting. With ISO
    times pyarrow stores them as zoned timestamps; they are read back as UTC instants, the same durations."""
    data = quirky(make_log(4, participants=25, iso=iso), 4, **QUIRKS)
    table = _table(data)
    assert pa.types.is_timestamp(table.schema.field("timestamp").type) == iso
    path = tmp_path / f"log{suffix}"
    _write(table, path, kind)
    as_csv = tmp_path / "log.csv"
    as_csv.write_bytes(columnar.as_csv(path, str(path)))
    expected = read([str(as_csv)], engine="whole")
    got = read([str(path)], engine="stream")
    assert [f.engine for f in got.files] == ["stream"]
    assert_same(got, expected, (str(path), str(as_csv)))
    assert read([str(path)], engine="whole").files[0].engine == "whole"  # converted to CSV text first
    assert_same(read([str(path)], engine="whole"), expected, (str(path), str(as_csv)))
    if not iso:  # the numbers are those of the original CSV: same attempts as reading it
        original = tmp_path / "original.csv"
        original.write_bytes(data)
        pd.testing.assert_frame_equal(got.attempts, read([str(original)]).attempts, check_exact=True)


@pytest.mark.parametrize("kind,suffix", [("parquet", ".parquet"), ("arrow", ".arrow")])
def test_rows_read_again_only_from_the_groups_holding_them(tmp_path, monkeypatch, kind, suffix):
    """A repeated row is read again from its row group (or record batch) alone, not by decoding the file."""
    table = _table(make_log(5, participants=40).encode())
    path = tmp_path / f"log{suffix}"
    _write(table, path, kind)  # groups of 150 or 130 rows
    monkeypatch.setattr(columnar, "BATCH_ROWS", 50)
    log = columnar.ColumnarLog(path, str(path))
    converted = []
    real = columnar.ColumnarLog._as_text
    monkeypatch.setattr(columnar.ColumnarLog, "_as_text", lambda self, *a: converted.append(1) or real(self, *a))
    rows = np.array([table.num_rows - 1, 3, 4])
    found = columnar.fetch_rows(log, rows)
    assert table.num_rows > 800 and len(converted) == 2  # the first batch and the last one
    expected = table.take(pa.array(rows)).to_pylist()
    for row, values in zip(rows.tolist(), expected):
        assert found[row] == tuple("" if v is None else str(v).strip() for v in values.values())


def test_columnar_summary_while_streaming(tmp_path):
    data = make_log(8, participants=30, interleave=False)
    path = tmp_path / "log.parquet"
    _write(_table(data.encode()), path, "parquet")
    original = tmp_path / "log.csv"
    original.write_text(data)
    request = SummaryRequest(["task", "variant"])
    got = read([str(path)], summarize=request)  # engine "auto": columnar files always stream
    assert got.grouped is not None and got.files[0].engine == "stream"
    expected = summarize(read([str(original)], engine="whole").attempts, ["task", "variant"])
    mine = got.grouped.summary()
    for column in ("task", "variant"):
        mine[column], expected[column] = mine[column].astype(object), expected[column].astype(object)
    pd.testing.assert_frame_equal(mine, expected, check_exact=True)


def test_columnar_types_become_csv_text(tmp_path):
    """Integer participant ids, dictionary labels, nulls and millisecond times: read as the CSV holds them."""
    table = pa.table(
        {
            "participant": pa.array([1, 1, 1, 2, 2, 2], pa.int64()),
            "task": pa.array(["a", "a", "a", "a", "a", "a"]).dictionary_encode(),
            "timestamp": pa.array([1000, 3000, 6500, 1000, 2000, 2500], pa.int64()),
            "event": ["start", "click", "success", "start", "click", "failure"],
            "note": ["x", None, "y", None, None, "z"],
        }
    )
    path = tmp_path / "log.parquet"
    pq.write_table(table, path, row_group_size=2)
    got = read([str(path)], engine="stream", time_unit="ms")
    assert got.files[0].engine == "stream"
    attempts = got.attempts
    assert attempts["participant"].astype(str).tolist() == ["1", "2"]
    assert attempts["time"].tolist() == [5.5, 1.5]
    assert attempts["outcome"].astype(str).tolist() == ["success", "failure"]
    text = columnar.as_csv(path, "log.parquet").decode()
    assert text.splitlines()[:3] == [
        "participant,task,timestamp,event,note",
        '1,"a",1000,"start","x"',
        '1,"a",3000,"click",""',
    ]


def test_damaged_columnar_file_is_one_plain_error(tmp_path):
    path = tmp_path / "log.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file")
    for engine in ("stream", "whole"):
        with pytest.raises(InputError, match="cannot read as Parquet") as caught:
            read([str(path)], engine=engine)
        assert caught.value.problem.file == str(path)
