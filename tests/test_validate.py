"""`uxcli validate`: every problem, not just the first; formats; exit codes; keep going across files."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import SAMPLES

from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read as read_options


def read(paths, **options):
    """read() on ReadOptions built from keywords, as the tests below spell it."""
    return read_options(ReadOptions(tuple(paths), **options))


COLUMNS = ["severity", "file", "line", "column", "value", "message", "hint"]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def problems(result) -> list[dict]:
    return json.loads(result.stdout)


CLEAN = "participant,task,timestamp,event\nP1,a,0,start\nP1,a,2,click\nP1,a,5,success\nP2,a,10,start\nP2,a,19,failure\n"


def test_clean_file_exits_0_with_empty_list(cli, tmp_path):
    result = cli("validate", write(tmp_path, "clean.csv", CLEAN), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert problems(result) == []
    assert result.stderr.startswith("ok: 1 file, 5 rows, 2 attempts: no problems found")


def test_sample_study_has_one_design_note(cli):
    result = cli("validate", SAMPLES / "events.csv", "-f", "json")
    assert result.exit_code == 0
    (note,) = problems(result)
    assert note["message"] == 'task "change-address" was attempted by 7 of 8 participants (not by "P03")'


def test_every_problem_is_listed_not_just_the_first(cli, tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "participant,task,outcome,time\n"
        "P1,a,yes,10\nP2,a,sucess,5\nP3,a,no,-4\nP4,a,yes,abc\nP5,a,yes,1,2\nP6,a,yes,3,4\n",
    )
    result = cli("validate", path, "-f", "json")
    assert result.exit_code == 1
    found = {(p["line"], p["column"]) for p in problems(result)}
    assert {(3, "outcome"), (4, "time"), (5, "time"), (6, None), (7, None)} <= found
    assert all(p["file"] == str(path) for p in problems(result))
    assert "5 errors" in result.stderr


def test_problem_fields_severity_where_column_value_hint(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,success\nP2,a,sucess\n")
    (problem,) = problems(cli("validate", path, "-f", "json"))
    assert list(problem) == COLUMNS
    assert problem == {
        "severity": "error",
        "file": str(path),
        "line": 3,
        "column": "outcome",
        "value": "sucess",
        "message": '"sucess" is not an outcome',
        "hint": 'did you mean "success"? Otherwise recode it: --outcome "sucess=CATEGORY"',
    }


def test_csv_format_has_the_same_columns(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,success\nP2,a,sucess\n")
    rows = list(csv.DictReader(io.StringIO(cli("validate", path, "-f", "csv").stdout)))
    assert list(rows[0]) == COLUMNS and rows[0]["line"] == "3" and rows[0]["severity"] == "error"


def test_table_format_lists_problems_with_locations(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,success\nP2,a,sucess\n")
    out = tmp_path / "problems.txt"
    result = cli("validate", path, "-f", "table", "-o", out)
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert f"{path}:3" in text and "sucess" in text and "did you mean" in text


def test_warnings_only_exit_0_and_strict_exit_1(cli, tmp_path):
    path = write(tmp_path, "e.csv", "participant,task,timestamp,event\nP1,a,0,start\nP1,a,2,clik\nP1,a,3,success\n")
    result = cli("validate", path, "-f", "json")
    assert result.exit_code == 0 and problems(result)[0]["severity"] == "warning"
    assert result.stderr.startswith("ok: ")
    strict = cli("validate", path, "-f", "json", "--strict")
    assert strict.exit_code == 1 and strict.stderr.startswith("failed: ") and "--strict" in strict.stderr


def test_keeps_going_across_files(cli, tmp_path):
    good = write(tmp_path, "good.csv", "participant,task,outcome\nP1,a,yes\n")
    empty = write(tmp_path, "empty.csv", "")
    bad = write(tmp_path, "bad.csv", "participant,task,outcome\nP1,a,maybe\n")
    result = cli("validate", empty, tmp_path / "missing.csv", bad, good, "-f", "json")
    assert result.exit_code == 1
    listed = [(p["file"], p["message"]) for p in problems(result)]
    # in command-line order, one problem per broken input, and the good file was still read
    assert [f for f, _ in listed] == [str(empty), str(tmp_path / "missing.csv"), str(bad)]
    assert "file is empty" in listed[0][1] and "no such file" in listed[1][1]
    assert "2 files" in result.stderr and "2 unreadable" in result.stderr


def test_read_keep_going_records_file_failures():
    dataset = read([str(SAMPLES / "events.csv"), "does/not/exist.csv"], keep_going=True)
    assert len(dataset.files) == 1 and len(dataset.attempts) == 41
    (problem,) = dataset.problems.errors
    assert problem.file == "does/not/exist.csv"


def test_ragged_rows_all_listed_and_counted(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        "participant,task,outcome\n" + "".join(f"P{i},a,yes{',x' if i % 3 == 0 else ''}\n" for i in range(1, 31)),
    )
    dataset = read([str(path)], keep_going=True)
    lines = [p.line for p in dataset.problems.errors]
    assert lines == [i + 1 for i in range(1, 31) if i % 3 == 0]
    account = dataset.files[0].account
    assert account.rows == 30 and account.used == 20
    assert account.set_aside == {"row with a different number of fields": 10}


def test_listing_is_capped_and_all_lifts_the_cap(cli, tmp_path):
    rows = "".join(f"P{i},a,yes,abc\n" for i in range(30))  # a bad time: one error per cell, capped
    path = write(tmp_path, "t.csv", "participant,task,outcome,time\n" + rows)
    capped = problems(cli("validate", path, "-f", "json"))
    assert len(capped) == 21 and capped[-1]["message"].startswith("10 more values is not")
    everything = problems(cli("validate", path, "-f", "json", "--all"))
    assert len(everything) == 30 and {p["line"] for p in everything} == set(range(2, 32))


def test_a_bad_outcome_word_is_one_error_with_its_count_and_lines(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\n" + "".join(f"P{i},a,maybe\n" for i in range(30)))
    (problem,) = problems(cli("validate", path, "-f", "json"))  # not one line per cell (issue 13)
    assert problem["message"] == '"maybe" is not an outcome (30 rows, lines 2, 3, 4, 5, 6, …)'
    assert problem["line"] == 2 and "--outcome" in problem["hint"]


def test_missing_column_names_found_columns_and_closest(cli, tmp_path):
    path = write(tmp_path, "t.csv", "Tester,Misson,Result\nP1,a,yes\n")
    (problem,) = problems(cli("validate", path, "-f", "json", "--layout", "attempts", "--map", "Tester=participant"))
    assert problem["line"] == 1
    assert "no task column" in problem["message"] and '"Tester", "Misson", "Result"' in problem["message"]
    assert problem["hint"] == 'did you mean "Misson"? map it with --map "Misson=task"'


def test_map_with_unknown_field_is_usage_error(cli):
    result = cli("validate", SAMPLES / "messy" / "tool_export.csv", "--map", "Tester ID=partcipant")
    assert result.exit_code == 2 and 'did you mean "participant"' in result.stderr


def test_map_naming_no_column_says_so(cli, tmp_path):
    path = write(tmp_path, "t.csv", "Tester ID,task,outcome\nP1,a,yes\n")
    # "Tester-Id" and "Tester ID" normalise alike, so this map works; a real typo is reported
    assert problems(cli("validate", path, "-f", "json", "--map", "Tester-Id=participant")) == []
    result = cli("validate", path, "-f", "json", "--map", "Testr=participant")
    (problem,) = problems(result)
    assert problem["message"] == '--map "Testr=participant" names a column that no input has'
    assert problem["hint"] == 'did you mean "Tester ID"?'
    # and when the field is then missing, the file's error says which --map did not match
    other = write(tmp_path, "u.csv", "Tester Nr,task,outcome\nP1,a,yes\n")
    (problem,) = problems(cli("validate", other, "-f", "json", "--map", "Tester No=participant"))
    assert problem["hint"] == '--map "Tester No=participant" names no column of this file; did you mean "Tester Nr"?'


def test_study_checks_retries_and_task_coverage(cli):
    result = cli("validate", SAMPLES / "layouts" / "attempts.csv", "-f", "json")
    assert result.exit_code == 0
    messages = [p["message"] for p in problems(result)]
    assert any('participant "P02" has another row for task "change-address"' in m for m in messages)
    assert any('task "change-address" was attempted by 7 of 8 participants (not by "P03")' in m for m in messages)


def test_attempt_column_marks_retries(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,attempt,outcome\nP1,a,1,no\nP1,a,2,yes\nP2,a,1,yes\n")
    assert problems(cli("validate", path, "-f", "json")) == []
    rows = json.loads(cli("attempts", path, "-f", "json").stdout)
    assert [r["attempt"] for r in rows] == [1, 2, 1]


def test_exclusion_rules_are_checked(cli, tmp_path):
    result = cli("validate", SAMPLES / "events.csv", "-f", "json", "--exclude", "participant=P3")
    (problem,) = [p for p in problems(result) if p["column"] == "participant"]
    assert problem["severity"] == "warning" and problem["hint"] == 'did you mean "P03"?'
    assert problem["message"] == '"P3" matches no attempt (--exclude participant=P3)'
    result = cli("validate", SAMPLES / "events.csv", "-f", "json", "--exclude", "partcipant=P03")
    (problem,) = [p for p in problems(result) if p["severity"] == "error"]
    assert problem["severity"] == "error" and 'did you mean "participant"' in problem["hint"]


def test_pseudonymize_hides_ids_in_problems(cli, tmp_path):
    path = write(
        tmp_path, "t.csv", "participant,variant,task,outcome\nAlice,A,a,yes\nAlice,B,b,yes\nBob,A,a,no\nBob,A,b,no\n"
    )
    result = cli("validate", path, "-f", "json", "--pseudonymize", "--salt", "k")
    text = result.stdout
    assert "Alice" not in text and "Bob" not in text and '"p-' in text


def test_verbose_lists_files_and_accounting(cli, tmp_path):
    result = cli("validate", SAMPLES / "events.csv", "-f", "json", "--verbose")
    assert "sample_sessions/events.csv: event log, 636 rows, all used" in result.stderr


def test_help_documents_exit_status(cli):
    result = cli("validate", "--help")
    assert result.exit_code == 0 and "Exit status" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_formats_on_clean_input_are_valid_and_empty(cli, tmp_path, fmt):
    result = cli("validate", write(tmp_path, "clean.csv", CLEAN), "-f", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        assert json.loads(result.stdout) == []
    else:
        assert result.stdout.splitlines()[0].count("severity") == 1


def test_within_subjects_variants_are_not_a_conflict(tmp_path):
    # Every participant tried both designs (within subjects): one id with two variants is the
    # plan here, so neither validate nor summary --strict may object to it.
    from typer.testing import CliRunner

    from uxcli.cli import app

    log = tmp_path / "within.csv"
    log.write_text(
        "participant,variant,task,outcome\nP1,A,a,yes\nP1,B,a,no\nP2,A,a,yes\nP2,B,a,yes\nP3,A,a,no\nP3,B,a,yes\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", str(log), "-f", "csv", "--strict"])
    assert "several variants" not in checked.stdout + checked.stderr
    strict = runner.invoke(app, ["summary", str(log), "-f", "csv", "--strict"])
    assert strict.exit_code == 0, strict.stderr
