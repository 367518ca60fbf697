"""Real exports: labels that look identical, numbers with commas, event logs without starts.

Each input is read with both engines (whole-file and streaming, small blocks so labels meet across
blocks) where it is an event log; the results must be the same, and exact.
"""

from __future__ import annotations

import dataclasses
import unicodedata

import pyarrow as pa
import pytest
from conftest import DATA

import uxcli.readers.stream.engine as stream
from uxcli.errors import InputError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read as read_options
from uxcli.readers.stream.codes import Labels
from uxcli.readers.stream.summary import SummaryRequest
from uxcli.tasks.metrics import summarize

REAL = DATA / "real_labels"
NFC_CAFE = unicodedata.normalize("NFC", "café")
NFD_CAFE = unicodedata.normalize("NFD", "café")
NFC_ZOE = unicodedata.normalize("NFC", "Zoë")


def read(path, **options):
    return read_options(ReadOptions((str(path),), keep_going=True, **options))


def problems(dataset) -> list[tuple]:
    return [(p.severity, p.message, p.file, p.line, p.column, p.value, p.hint) for p in dataset.problems.items]


@pytest.fixture
def small_blocks():
    size = stream.BLOCK_SIZE
    stream.BLOCK_SIZE = 64  # a few lines a block: the two forms of a label arrive in different blocks
    yield
    stream.BLOCK_SIZE = size


CASE_HINT = "--map renames columns, not values; write each one the same way everywhere"


def case_warning(name, spellings, where, count, what, file, line, value):
    return (
        "warning",
        f"{name} {spellings} differ only by case ({where}) and are counted as {count} {what}; "
        f"--map cannot merge them: fix the file, or leave them if they are different {what}",
        str(file),
        line,
        None,
        value,
        CASE_HINT,
    )


# --- labels: Unicode NFC, and case ---------------------------------------------------------------------


def test_nfc_and_nfd_labels_are_one_label_in_an_attempt_table():
    dataset = read(REAL / "labels_attempts.csv")
    attempts = dataset.attempts
    assert list(attempts["task"].cat.categories) == [NFC_CAFE, "Checkout", "checkout"]
    assert list(attempts["participant"].cat.categories) == ["P1", "P2", "P3", "P4", NFC_ZOE]
    assert list(attempts["device"].cat.categories) == ["iOS", "ios"]
    frame = summarize(attempts, ["task"])
    assert frame["task"].astype(str).tolist() == [NFC_CAFE, "Checkout", "checkout"]
    assert frame["attempts"].tolist() == [3, 2, 1]
    assert frame["successes"].tolist() == [2, 2, 0]
    path = REAL / "labels_attempts.csv"
    assert problems(dataset) == [
        case_warning("task", '"Checkout" and "checkout"', "lines 4, 5", 2, "tasks", path, 4, "checkout"),
        case_warning("device", '"iOS" and "ios"', "lines 2, 4", 2, 'values of "device"', path, 2, "ios"),
    ]


@pytest.mark.parametrize("engine", ["whole", "stream"])
def test_nfc_and_nfd_labels_are_one_label_in_an_event_log(engine, small_blocks):
    path = REAL / "labels_events.csv"
    dataset = read(path, engine=engine)
    assert dataset.files[0].engine == engine  # the streaming engine merges them itself: no fallback
    attempts = dataset.attempts
    assert attempts["participant"].astype(str).tolist() == [NFC_ZOE, "P2", "P3", "P4", NFC_ZOE]
    assert attempts["task"].astype(str).tolist() == [NFC_CAFE, NFC_CAFE, "Checkout", "checkout", "Checkout"]
    assert attempts["time"].tolist() == [12.0, 40.0, 20.0, 25.0, 15.0]
    assert attempts["clicks"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert problems(dataset) == [
        case_warning("task", '"Checkout" and "checkout"', "lines 7, 9", 2, "tasks", path, 7, "checkout")
    ]


def test_both_engines_agree_on_nfc_labels(small_blocks):
    path = REAL / "labels_events.csv"
    whole, streamed = read(path, engine="whole"), read(path, engine="stream")
    import pandas as pd

    pd.testing.assert_frame_equal(streamed.attempts, whole.attempts, check_exact=True)
    assert problems(streamed) == problems(whole)
    assert [len(streamed.attempts[c].cat.categories) for c in ("participant", "task")] == [4, 3]


def test_streaming_summary_merges_nfc_labels(tmp_path, small_blocks):
    """Without labels differing by case the summary is computed while streaming, NFC-merged."""
    path = tmp_path / "log.csv"
    path.write_text(
        "participant,task,timestamp,event\n"
        f"P1,{NFD_CAFE},0,start\nP1,{NFD_CAFE},10,success\n"
        f"P2,{NFC_CAFE},0,start\nP2,{NFC_CAFE},30,failure\n"
        f"P3,{NFD_CAFE},0,start\nP3,{NFD_CAFE},20,success\n",
        encoding="utf-8",
    )
    grouped = read(path, engine="stream", summarize=SummaryRequest(["task"]))
    assert grouped.grouped is not None
    frame = grouped.grouped.summary()
    assert frame["task"].astype(str).tolist() == [NFC_CAFE]
    assert (frame["attempts"].tolist(), frame["successes"].tolist()) == ([3], [2])
    assert frame["time_median"].tolist() == [15.0]


def test_streaming_summary_with_case_variants_reads_the_attempts(small_blocks):
    """Labels differing only by case: the warning comes from the attempts frame, so no streamed summary."""
    path = REAL / "labels_events.csv"
    grouped = read(path, engine="stream", summarize=SummaryRequest(["task"]))
    assert grouped.grouped is None
    assert problems(grouped) == problems(read(path, engine="whole"))


def test_labels_codes_merge_forms_across_chunks():
    labels = Labels()
    kelvin = "\u212a"  # KELVIN SIGN: its NFC form is the letter K
    first = pa.chunked_array([pa.array([NFD_CAFE, "K"]).dictionary_encode()])
    second = pa.chunked_array([pa.array([NFC_CAFE, kelvin, "x", NFD_CAFE]).dictionary_encode()])
    assert labels.codes(first).tolist() == [0, 1]
    assert labels.codes(second).tolist() == [0, 1, 2, 0]
    assert labels.names == [NFC_CAFE, "K", "x"]


def test_case_variants_across_files_name_each_file(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("participant,task,outcome\nP1,Search,success\n")
    b.write_text("participant,task,outcome\nP2,Cart,success\nP3,search,failure\n")
    dataset = read_options(ReadOptions((str(a), str(b))))
    assert problems(dataset) == [
        case_warning("task", '"Search" and "search"', f"{a}:2, {b}:3", 2, "tasks", a, 2, "search")
    ]


# --- numbers with commas -------------------------------------------------------------------------------


def test_thousands_separators_in_a_tab_file():
    path = REAL / "thousands.tsv"
    dataset = read(path)
    assert dataset.attempts["time"].tolist() == [1234.0, 2500.0, 900.0]
    assert dataset.attempts["clicks"].tolist() == [1100.0, 3.0, 12.0]
    reason = '"," is taken as a thousands separator in this column, since every comma in it is followed by '
    hint = 'if "," is the decimal mark here, write the numbers with a decimal point, e.g. 1.234'
    assert problems(dataset) == [
        ("warning", f'"1,234" read as 1234 (and 1 more value): {reason}exactly three digits', str(path), 2, "time",
         "1,234", hint),
        ("warning", f'"1,100" read as 1100: {reason}exactly three digits', str(path), 2, "clicks", "1,100", hint),
    ]  # fmt: skip


def test_thousands_separators_beside_a_decimal_point_need_no_note():
    dataset = read(REAL / "thousands_with_point.tsv")
    assert dataset.attempts["time"].tolist() == [1234.5, 2.25]
    assert problems(dataset) == []


def test_quoted_thousands_in_a_comma_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('participant,task,outcome,time\nP1,a,success,"1,234"\nP2,a,success,"12,345.5"\n')
    dataset = read(path)
    assert dataset.attempts["time"].tolist() == [1234.0, 12345.5]
    assert problems(dataset) == []


def test_decimal_commas_decided_for_the_column():
    """The same "1,234" is 1234 in a column of thousands, and 1.234 beside "12,5" (a decimal comma)."""
    decimals = read(REAL / "decimal_comma.tsv")
    assert decimals.attempts["time"].tolist() == [12.5, 1.234]
    assert problems(decimals) == []
    assert read(REAL / "thousands.tsv").attempts["time"].tolist() == [1234.0, 2500.0, 900.0]


def test_decimal_commas_beside_decimal_points_are_refused():
    path = REAL / "mixed_commas.tsv"
    assert problems(read(path)) == [
        (
            "error",
            '"12,5" is not a number',
            str(path),
            2,
            "time",
            "12,5",
            'this column writes decimals both with "," (12,5) and with "." (12.5): write them one way',
        )
    ]


def test_fractional_counts_are_refused():
    path = REAL / "fractional_counts.tsv"
    found = [(p.severity, p.message, p.line, p.column, p.value) for p in read(path).problems.items]
    assert found == [
        ("error", '"2.5" is not a whole number of clicks', 2, "clicks", "2.5"),
        ("error", '"1,5" is not a whole number of errors', 3, "errors", "1,5"),
    ]


# --- event logs without start events -------------------------------------------------------------------


NO_STARTS = (
    "has no start event among its 4 events, so no attempt can be derived: an attempt runs from a start to its "
    "success, failure or abandon"
)


@pytest.mark.parametrize("engine", ["whole", "stream"])
def test_event_log_without_starts_is_an_error(engine, tmp_path):
    path = REAL / "no_starts.csv"
    with pytest.raises(InputError) as info:
        read_options(ReadOptions((str(path),), engine=engine))
    problem = info.value.problem
    assert (problem.message, problem.file, problem.line, problem.column) == (NO_STARTS, str(path), None, None)
    assert problem.hint.startswith("add a start row (participant, task, the time the task was shown) before each")
    # validate lists it as the file's one problem, not one warning per event
    listed = read(path, engine=engine).problems.items
    assert [dataclasses.astuple(p)[:4] for p in listed] == [("error", NO_STARTS, str(path), None)]
    # one start is enough to keep the usual rule: events before a start are outside any attempt (warned)
    one = tmp_path / "log.csv"
    one.write_text("participant,task,timestamp,event\nP1,a,0,click\nP1,a,1,start\nP1,a,4,success\n")
    dataset = read(one, engine=engine)
    assert (dataset.attempts["time"].tolist(), dataset.attempts["clicks"].tolist()) == ([3.0], [0.0])
    assert [(p.severity, p.line) for p in dataset.problems.items] == [("warning", 2)]


@pytest.mark.parametrize("engine", ["whole", "stream"])
def test_summary_of_a_log_without_starts_exits_1(cli, engine):
    result = cli("summary", "tests/data/real_labels/no_starts.csv", "--engine", engine, "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: tests/data/real_labels/no_starts.csv: {NO_STARTS} (add a start row")
    assert len(result.stderr.strip().splitlines()) == 1


def test_case_variants_are_listed_up_to_the_limit(tmp_path):
    path = tmp_path / "t.csv"
    rows = [f"P{i},a,success\np{i},a,failure\n" for i in range(1, 23)]
    path.write_text("participant,task,outcome\n" + "".join(rows))
    found = read(path).problems.items
    assert len(found) == 21
    assert found[0].message.startswith(
        'participant "P1" and "p1" differ only by case (lines 2, 3) and are counted as 2'
    )
    assert (found[19].line, found[19].value) == (40, "p20")
    assert (found[20].message, found[20].file, found[20].line) == (
        "2 more: participant labels differing only by case",
        None,
        None,
    )
