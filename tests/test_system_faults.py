"""Sound when the system misbehaves (issue #15): full disks, size limits, closed streams, endless or
binary input, Ctrl-C at start-up, killed writers. Bounded by bytes, counts and exit codes, never by
the clock (subprocess timeouts are only a safety net against a hang)."""

from __future__ import annotations

import codecs
import errno
import io
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from uxcli.errors import InputError, OutputError, Problems
from uxcli.readers.sniff import MAX_COLUMNS, header_names
from uxcli.sources import (
    MAX_LINE_BYTES,
    READ_BLOCK,
    Source,
    _read_bounded,
    clean_stale_temps,
    expand_paths,
    to_utf8,
    write_atomic,
)

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "sample_sessions" / "events.csv"
SAFETY = 600  # seconds: only against a hang on a loaded machine, never asserted


def python_code(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python from the repository root, uxcli importable; text output captured."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=SAFETY,
    )


def uxcli(*args, stdin=None, env=None, preexec_fn=None, stdout=subprocess.PIPE, shell_tail=""):
    """Run `python -m uxcli ARGS` as a child process (its own signal handling and streams)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    command = [sys.executable, "-m", "uxcli", *map(str, args)]
    if shell_tail:  # e.g. ">&-": let a shell close a stream for the child
        command = ["sh", "-c", " ".join(f"'{c}'" for c in command) + " " + shell_tail]
    return subprocess.run(
        command,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=ROOT,
        preexec_fn=preexec_fn,
        timeout=SAFETY,
    )


class Endless(io.RawIOBase):
    """An endless input that counts the bytes handed out (like /dev/zero, but measurable)."""

    def __init__(self, unit: bytes) -> None:
        self.unit, self.given = unit, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = READ_BLOCK if size is None or size < 0 else size
        self.given += size
        return (self.unit * (size // len(self.unit) + 1))[:size]


# --- 1. a failed write to stdout ---------------------------------------------------------------


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_stdout_past_a_file_size_limit_is_exit_1(tmp_path, unbuffered):
    limit = 1024

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "o.csv"
    env = {"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}
    with out.open("wb") as handle:
        proc = uxcli("attempts", EVENTS, "-f", "csv", stdout=handle, env=env, preexec_fn=small_files)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "cannot write output: file too large" in err
    assert "report" not in err and "Traceback" not in err
    assert out.stat().st_size <= limit


def test_stdout_to_a_full_device(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        proc = uxcli("attempts", EVENTS, "-f", "csv", stdout=full)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "error: cannot write output: no space left on device"


# --- 2. endless and binary input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "message"),
    [(b"\x00", "binary"), (bytes(range(256)), "binary"), (b"a", "longer than"), (b",", "longer than")],
)
def test_endless_input_is_refused_within_a_bounded_read(unit, message):
    endless = Endless(unit)
    with pytest.raises(InputError, match=message) as caught:
        _read_bounded(endless, "<stdin>", None)
    assert caught.value.problem.file == "<stdin>" and caught.value.problem.line is not None
    assert endless.given <= MAX_LINE_BYTES + 2 * READ_BLOCK  # bytes read, not the clock


def test_a_long_line_is_refused_with_its_line_number():
    data = b"participant,task,outcome\nP1,a,yes\nP2," + b"x" * (MAX_LINE_BYTES + 10) + b",no\nP3,b,yes\n"
    with pytest.raises(InputError) as caught:
        _read_bounded(io.BytesIO(data), "big.csv", None)
    assert caught.value.problem.line == 3 and "longer than 1 MiB" in str(caught.value)


def _feed_fifo(path: Path, unit: bytes, counter: list[int], cap: int) -> None:
    try:
        with open(path, "wb") as fifo:
            block = unit * (65536 // len(unit))
            while counter[0] < cap:
                fifo.write(block)
                counter[0] += len(block)
    except (BrokenPipeError, OSError):
        pass


@pytest.mark.parametrize(
    ("command", "unit"), [("summary", b"\x00"), ("validate", b"\x00"), ("sus", b"\xff\x01"), ("summary", b"a")]
)
def test_endless_fifo_exits_1_having_read_little(tmp_path, command, unit):
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    written = [0]
    cap = 512 * READ_BLOCK  # the writer gives up here; a reader that read it all has failed the test
    feeder = threading.Thread(target=_feed_fifo, args=(fifo, unit, written, cap), daemon=True)
    feeder.start()
    proc = uxcli(command, fifo)
    feeder.join(SAFETY)
    err = proc.stderr.decode() + proc.stdout.decode()  # validate lists its problems on stdout
    assert proc.returncode == 1, err
    assert str(fifo) in err and ("binary" in err or "longer than" in err)
    assert written[0] <= MAX_LINE_BYTES + 8 * READ_BLOCK  # what the pipe could hold beyond what was read


def test_stdin_from_dev_zero_is_refused_in_bounded_memory():
    code = (
        "import resource, subprocess, sys\n"
        "with open('/dev/zero', 'rb') as zero:\n"
        "    proc = subprocess.run([sys.executable, '-m', 'uxcli', 'summary', '-'], stdin=zero,"
        " capture_output=True, timeout=600)\n"
        "print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(proc.stderr.decode())\n"
    )
    proc = python_code(code)
    returncode, peak_kb = map(int, proc.stdout.split())
    assert returncode == 1 and "<stdin>:1: looks like a binary file" in proc.stderr
    assert peak_kb < 600_000  # the import of pandas and pyarrow, not the endless input


# --- 3. absurd headers -------------------------------------------------------------------------


def test_too_many_columns_refused():
    header = "participant," + ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    with pytest.raises(InputError, match="10,001 columns") as caught:
        header_names(header, ",", "wide.csv", 1)
    assert caught.value.problem.line == 1
    assert len(header_names(",".join(f"c{i}" for i in range(MAX_COLUMNS)), ",", "ok.csv", 1)) == MAX_COLUMNS


def test_header_of_commas_refused_after_a_bounded_read():
    endless = Endless(b",")  # a header of commas, as long as it goes
    with pytest.raises(InputError, match="longer than"):
        _read_bounded(endless, "commas.csv", None)
    assert endless.given <= MAX_LINE_BYTES + 2 * READ_BLOCK


# --- 4. environment errors while writing -------------------------------------------------------


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.mark.parametrize(
    "args", [("report", EVENTS, "-o", "{out}/r.html"), ("chart", "success", EVENTS, "-o", "{out}/c.png")]
)
def test_read_only_output_is_one_plain_line(cli, tmp_path, monkeypatch, args):
    monkeypatch.setattr(tempfile, "mkstemp", _read_only)
    result = cli(*[str(a).format(out=tmp_path) for a in args])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert lines == [f"error: cannot write {tmp_path}/{Path(args[-1]).name}: read-only file system"]
    assert "report it" not in result.stderr


def test_output_file_past_a_size_limit(tmp_path):
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    out = tmp_path / "o.csv"
    proc = uxcli("attempts", EVENTS, "-o", out, preexec_fn=small_files)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == f"error: cannot write {out}: file too large"
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no partial output, no temporary file


def test_replace_failing_leaves_no_temporary(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", _read_only)
    with pytest.raises(OutputError, match="read-only file system"):
        write_atomic(tmp_path / "x.csv", lambda handle: handle.write(b"a\n"))
    assert list(tmp_path.iterdir()) == []


# --- 5. Ctrl-C at start-up, closed streams -----------------------------------------------------


def test_ctrl_c_while_importing_is_exit_130_without_traceback():
    # SIGINT arrives in the middle of the heavy imports (when typer is imported): deterministic
    code = (
        "import os, signal, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['uxcli', 'summary', 'sample_sessions/events.csv']\n"
        "from uxcli.cli.commands import main\n"
        "main()\n"
    )
    proc = python_code(code)
    assert proc.returncode == 130
    assert proc.stderr.strip() == "interrupted" and proc.stdout == ""


def test_handler_is_back_after_import():
    import uxcli.cli.commands  # noqa: F401

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_closed_stdout_is_a_plain_error():
    proc = uxcli("attempts", EVENTS, "-f", "csv", shell_tail=">&-")
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "error: cannot write output: standard output is closed"


def test_closed_stderr_keeps_errors_off_stdout():
    proc = uxcli("summary", "no-such-file.csv", shell_tail="2>&-")
    assert proc.returncode == 1 and proc.stdout == b""


# --- 6. a BOM file that is not UTF-8 -----------------------------------------------------------


def test_bom_csv_with_a_bad_byte_and_a_ragged_row(cli, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"participant,task,outcome\nP1,a,yes\nP2,b\xff,no\nP3,c,yes,extra\n")
    result = cli("summary", path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{path}:3: starts with a UTF-8 byte-order mark but is not valid UTF-8" in result.stderr


def test_bom_yaml_with_a_bad_byte(cli, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(codecs.BOM_UTF8 + b"participant: P1\ntasks:\n  - task: a\xff\n    outcome: success\n")
    result = cli("summary", path)
    assert result.exit_code == 1 and "UnicodeDecodeError" not in result.stderr
    assert f"{path}:3:" in result.stderr


# --- 7. temporary files of a killed writer -----------------------------------------------------


def test_killed_writer_leftover_is_cleaned_on_the_next_write(tmp_path):
    out = tmp_path / "out.csv"
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from uxcli.sources import write_atomic\n"
        "def fill(handle):\n"
        "    handle.write(b'x' * 100000); handle.flush()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        f"write_atomic(Path({str(out)!r}), fill)\n"
    )
    proc = python_code(code)
    assert proc.returncode == -signal.SIGKILL
    leftovers = list(tmp_path.glob(".out.csv.*.tmp"))
    assert len(leftovers) == 1 and not out.exists()
    live = tmp_path / f".out.csv.{os.getppid()}.abcdefgh.tmp"  # a writer that is still running
    live.write_bytes(b"")
    write_atomic(out, lambda handle: handle.write(b"a\n"))
    assert out.read_bytes() == b"a\n"
    assert sorted(tmp_path.iterdir()) == sorted([out, live])


def test_old_leftovers_without_a_pid_are_cleaned(tmp_path):
    out = tmp_path / "out.csv"
    old = tmp_path / ".out.csv.k2j4h5g6.tmp"  # the name before PIDs were written into it
    old.write_bytes(b"x")
    os.utime(old, (0, 0))
    other = tmp_path / ".other.csv.1.abc.tmp"  # another output's: not ours to touch
    other.write_bytes(b"x")
    assert clean_stale_temps(out) == [old]
    assert other.exists()


# --- 8. lone CR line ends and huge fields ------------------------------------------------------


def test_classic_mac_line_ends_read_like_lf(cli, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(EVENTS.read_bytes().replace(b"\n", b"\r"))
    mac = cli("summary", path, "-f", "csv")
    unix = cli("summary", EVENTS, "-f", "csv")
    assert mac.exit_code == 0 and mac.stdout == unix.stdout
    assert "lone carriage return" in mac.stderr and "appears twice" not in mac.stderr


def test_field_over_the_line_cap_names_file_and_line(cli, tmp_path):
    path = tmp_path / "big.csv"
    lines = EVENTS.read_bytes().split(b"\n")
    lines[4] = lines[4] + b"x" * (MAX_LINE_BYTES + 1)
    path.write_bytes(b"\n".join(lines))
    result = cli("summary", path)
    assert result.exit_code == 1
    assert f"{path}:5: a line is longer than 1 MiB" in result.stderr


# --- 9. emoji in chart labels ------------------------------------------------------------------


def test_emoji_label_warning_becomes_one_note(cli, tmp_path):
    path = tmp_path / "emoji.csv"
    path.write_text(EVENTS.read_text(encoding="utf-8").replace("find-product", "find \U0001f6d2"), encoding="utf-8")
    result = cli("chart", "success", path, "-o", tmp_path / "c.svg")
    assert result.exit_code == 0, result.stderr
    assert "UserWarning" not in result.stderr
    assert result.stderr.count("cannot draw \U0001f6d2 (U+1F6D2)") == 1


# --- also seen: odd directory entries, NUL bytes late in a file --------------------------------


def test_broken_symlink_and_fifo_in_a_directory_are_skipped_with_a_note(tmp_path):
    (tmp_path / "events.csv").write_bytes(EVENTS.read_bytes())
    (tmp_path / "gone.csv").symlink_to(tmp_path / "missing.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    notes = Problems()
    sources = expand_paths([str(tmp_path)], notes=notes)
    assert [s.name for s in sources] == [str(tmp_path / "events.csv")]
    messages = [str(p) for p in notes.notes]
    assert len(messages) == 2
    assert "gone.csv: skipped: a broken symbolic link" in messages[0]
    assert "pipe.csv: skipped: a named pipe (FIFO)" in messages[1]


def test_directory_notes_reach_the_command(cli, tmp_path):
    (tmp_path / "events.csv").write_bytes(EVENTS.read_bytes())
    os.mkfifo(tmp_path / "pipe.csv")
    result = cli("summary", tmp_path, "-f", "csv")
    assert result.exit_code == 0 and "pipe.csv: skipped: a named pipe (FIFO)" in result.stderr


def test_nul_byte_past_the_head_is_refused_with_its_line(tmp_path):
    text = EVENTS.read_bytes()
    while len(text) < 20_000:
        text += b"\n".join(text.split(b"\n")[1:])
    at = text.index(b"\n", 12_000) + 3
    path = tmp_path / "late.csv"
    path.write_bytes(text[:at] + b"\x00" + text[at:])
    with pytest.raises(InputError, match="NUL byte") as caught:
        to_utf8(Source(str(path), path), None, Problems())
    assert caught.value.problem.line == text.count(b"\n", 0, at) + 1
