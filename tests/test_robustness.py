"""Survive any file: the malformed corpus, hostile YAML, stdin, output files, signals and pipes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

CORPUS = Path(__file__).resolve().parent / "malformed"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_corpus_matches_its_generator():
    # every file named in expected.json exists, and every data file in the folder is expected
    data_files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".yaml")}
    assert data_files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_summary(cli, name):
    """summary: the expected exit code, one `error:` line naming file:line, never a traceback."""
    case = EXPECTED[name]
    path = CORPUS / name
    result = cli("summary", path, "-f", "json")
    assert result.exit_code == case["summary"], (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "error: unexpected " not in result.stderr
    where = f"{path}:{case['line']}:" if case["line"] else f"{path}"
    lines = error_lines(result)
    if case["summary"] == 1:
        assert result.stdout == ""
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {where}"), lines[0]
        assert case["message"] in lines[0]
    elif case["validate_only"]:
        assert result.stderr == ""
    elif case["message"] and case["line"]:
        assert any(line.startswith(f"warning: {where}") and case["message"] in line for line in lines), lines
        json.loads(result.stdout)  # and the output is still there


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_validate(cli, name):
    """validate finds the problem (as JSON) and exits 1 on errors, 0 on warnings only."""
    case = EXPECTED[name]
    path = CORPUS / name
    result = cli("validate", path, "-f", "json")
    assert result.exit_code == case["validate"], (result.stdout, result.stderr)
    problems = json.loads(result.stdout)
    if case["message"]:
        assert any(
            case["message"] in f"{p['message']} ({p['hint']})" or case["message"] in p["message"] for p in problems
        ), problems
        if case["line"]:
            assert any(p["line"] == case["line"] and p["file"] == str(path) for p in problems), problems
    else:
        assert problems == []


def test_corpus_warnings_fail_with_strict(cli):
    for name, case in EXPECTED.items():
        if case["validate"] == 0 and case["message"]:
            assert cli("validate", CORPUS / name, "--strict", "-f", "json").exit_code == 1, name
            result = cli("summary", CORPUS / name, "--strict", "-f", "json")
            if not case["validate_only"]:  # a study-design note of validate, not a reading warning
                assert result.exit_code == 1 and error_lines(result)[0].startswith("error: "), name


def test_validate_whole_corpus_keeps_going(cli):
    result = cli("validate", CORPUS, "-f", "json")
    assert result.exit_code == 1
    files = {p["file"] for p in json.loads(result.stdout)}
    expected = {
        str(CORPUS / n) for n, c in EXPECTED.items() if c["message"] and c["line"] is not None or c["summary"] == 1
    }
    assert expected <= files | {None}
    assert "unreadable" in result.stderr


# --- YAML -----------------------------------------------------------------------------------------


def _peak_kb_loading(path: Path) -> tuple[int, str]:
    """Peak RSS (KiB) of a child process that imports uxcli and loads ``path``, and the error if any."""
    code = (
        "import resource, uxcli\n"
        "from uxcli.errors import InputError\n"
        "message = 'ok'\n"
        "try:\n"
        f"    uxcli.load([{str(path)!r}])\n"
        "except InputError as e:\n"
        "    message = str(e)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, message)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    peak_kb, message = proc.stdout.split(" ", 1)
    return int(peak_kb), message


def test_billion_laughs_refused_fast_and_small(tmp_path):
    """Refused by the loader's node count, with small memory (measured in a child process).

    The work is bounded by counting nodes, not by a clock: no wall-time assert on a shared machine.
    Memory is compared with a child that reads a tiny valid YAML file, so the bound does not move
    with what importing the libraries costs.
    """
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text("sessions:\n  - participant: P1\n    tasks:\n      - task: t\n        outcome: success\n")
    baseline_kb, ok = _peak_kb_loading(tiny)
    assert ok.strip() == "ok", ok
    peak_kb, message = _peak_kb_loading(CORPUS / "billion_laughs.yaml")
    assert "too many nodes" in message
    # the expanded document would be billions of nodes; refused, it costs at most 64 MiB more than a tiny file
    assert peak_kb - baseline_kb < 64 * 1024


def test_python_tags_never_execute(cli, tmp_path):
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system"):
        path = tmp_path / "s.yaml"
        path.write_text(f"participant: {tag} ['touch {marker}']\ntasks: []\n", encoding="utf-8")
        result = cli("summary", path, "-f", "json")
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert not marker.exists()
    study = tmp_path / "study.yaml"
    study.write_text(f"columns: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    result = cli("summary", SAMPLES / "events.csv", "--study", study, "-f", "json")
    assert result.exit_code == 1 and f"{study}:1" in result.stderr and not marker.exists()


def test_deeply_nested_yaml(cli, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("sessions: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = cli("summary", path, "-f", "json")
    assert result.exit_code == 1 and error_lines(result) == [
        f"error: {path}: YAML nesting is too deep (real study files nest a few levels)"
    ]


def test_yaml_with_control_characters(cli, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"sessions:\n  - participant: P1\x07\n")
    line = error_lines(cli("summary", path, "-f", "json"))[0]
    assert line.startswith(f"error: {path}:2:") and "not allowed" in line


# --- stdin, encodings, garbage --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,line,layout",
    [
        ("participant,task,timestamp,event\nP1,a,0,start\nP1,a,x,success\n", 3, "events"),
        ("participant,task,outcome\nP1,a,yes\nP2,a,perhaps\n", 3, "attempts"),
        ("Participant,Login\nP1,Y\nP2,Q\n", 3, "wide"),
        ("sessions:\n  - participant: P1\n    tasks:\n      - task: a\n        outcome: perhaps\n", 4, "yaml"),
    ],
)
def test_stdin_errors_name_stdin_and_line(cli, text, line, layout):
    result = cli("summary", "-", "-f", "json", input=text.encode("utf-8"))
    lines = error_lines(result)
    assert result.exit_code == 1 and len(lines) == 1
    assert lines[0].startswith(f"error: <stdin>:{line}:"), lines[0]


@pytest.mark.parametrize(
    "layout_text,column",
    [
        ("participant,task,timestamp,event\nP1,a,0,start\nP1,a,x,success\n", 'column "timestamp"'),
        ("participant,task,outcome\nP1,a,yes\nP2,a,perhaps\n", 'column "outcome"'),
        ("Participant,Login\nP1,Y\nP2,Q\n", 'column "Login"'),
    ],
)
def test_errors_name_the_column_in_every_csv_layout(cli, tmp_path, layout_text, column):
    path = tmp_path / "x.csv"
    path.write_text(layout_text, encoding="utf-8")
    (line,) = error_lines(cli("summary", path, "-f", "json"))
    assert line.startswith(f"error: {path}:3: {column}: ")


def test_utf16_excel_unicode_text_reads_like_utf8(cli):
    rows = json.loads(cli("summary", CORPUS / "utf16_unicode_text.csv", "-f", "json").stdout)
    assert (rows[0]["task"], rows[0]["attempts"], rows[0]["successes"]) == ("login", 2, 1)


def test_utf16_without_bom_and_from_stdin(cli):
    data = "participant,task,outcome\nP1,login,yes\n".encode("utf-16-le")
    rows = json.loads(cli("summary", "-", "-f", "json", input=data).stdout)
    assert rows[0]["attempts"] == 1


def test_wrong_explicit_encoding_names_line(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("participant,task,outcome\nP1,a,yes\nMüller,a,no\n".encode("latin-1"))
    (line,) = error_lines(cli("summary", path, "--encoding", "utf-8", "-f", "json"))
    assert line.startswith(f"error: {path}:3:") and "--encoding" in line
    ok = cli("summary", path, "--encoding", "latin-1", "-f", "json")
    assert ok.exit_code == 0 and ok.stderr == ""


def test_unknown_encoding_is_one_error(cli, tmp_path):
    (line,) = error_lines(cli("summary", SAMPLES / "events.csv", "--encoding", "klingon", "-f", "json"))
    assert "unknown encoding" in line


def test_random_binary_is_refused_not_decoded(cli, tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4000)))
    (line,) = error_lines(cli("summary", path, "-f", "json"))
    assert line.startswith(f"error: {path}") and "binary" in line


# --- output files ------------------------------------------------------------------------------------


def test_output_onto_study_or_exclusions_file_refused(cli, tmp_path):
    rules = tmp_path / "exclusions.yaml"
    rules.write_text("exclude:\n  - participant: P03\n", encoding="utf-8")
    before = rules.read_bytes()
    result = cli("summary", SAMPLES / "events.csv", "--exclusions", rules, "-o", rules, "-f", "csv")
    assert result.exit_code == 2 and "overwrite" in result.stderr
    assert rules.read_bytes() == before


def test_failed_run_leaves_no_file_and_no_temporary(cli, tmp_path):
    out = tmp_path / "out.csv"
    result = cli("attempts", CORPUS / "ragged_rows.csv", "-o", out)
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_validate_output_is_atomic_and_refuses_inputs(cli, tmp_path):
    target = tmp_path / "data.csv"
    target.write_bytes((CORPUS / "unknown_outcome.csv").read_bytes())
    result = cli("validate", target, "-o", target)
    assert result.exit_code == 2 and target.read_bytes() == (CORPUS / "unknown_outcome.csv").read_bytes()
    out = tmp_path / "problems.json"
    result = cli("validate", target, "-o", out)
    assert result.exit_code == 1  # errors found, and the report is written all the same
    assert json.loads(out.read_text(encoding="utf-8"))[0]["line"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "problems.json"]


# --- process behaviour ----------------------------------------------------------------------------------


def _uxcli(*args, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "uxcli", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw
    )


def test_ctrl_c_exits_130_without_traceback():
    proc = _uxcli("summary", "-", stdin=subprocess.PIPE)  # waits for stdin that never comes
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    proc.stdin.close()
    assert proc.returncode == 130
    assert b"Traceback" not in err and err.strip() == b"interrupted"


def test_ctrl_c_during_validate_exits_130():
    proc = _uxcli("validate", "-", stdin=subprocess.PIPE)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"Traceback" not in err


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="POSIX pipes")
def test_broken_pipe_is_quiet(tmp_path):
    big = tmp_path / "big.csv"
    big.write_text(
        "participant,task,outcome\n" + "".join(f"P{i},t{i % 7},yes\n" for i in range(100_000)), encoding="utf-8"
    )
    proc = subprocess.run(
        f"{sys.executable} -m uxcli attempts {big} -f csv | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.startswith("participant,")
    assert proc.stderr == ""
