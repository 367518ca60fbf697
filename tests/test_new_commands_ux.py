"""The new commands as a researcher meets them: tables that fit 80 columns without cutting a figure,
spreadsheet habits in problem matrices (a Total row or column), honest errors and notes.

Every CLI check looks at the exit code, stdout and stderr separately.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

# QUX 2nd ed. (Sauro & Lewis), table 7.5 style: a matrix of ticks as Excel saves it, with a Total row.
MATRIX = "Participant,Nav,Search,Filter\r\nP1,✓,✓,\r\nP2,✓,,✓\r\nP3,,✓,\r\n"
NAV_LOG = """participant,task,timestamp,event,target
P1,login,2026-11-03 10:00:00,start,home
P1,login,2026-11-03 10:00:05,click,login
P1,login,2026-11-03 10:00:12,success,done
P2,login,2026-11-03 10:05:00,start,home
P2,login,2026-11-03 10:05:04,click,help
P2,login,2026-11-03 10:05:09,click,home
P2,login,2026-11-03 10:05:14,click,login
P2,login,2026-11-03 10:05:30,success,done
P3,login,2026-11-03 10:09:00,start,home
P3,login,2026-11-03 10:09:06,click,search
P3,login,2026-11-03 10:09:40,abandon,search
"""
STUDY = "tasks:\n  login:\n    path: [home, login, done]\n    targets: [help]\n"
TWO_CONDITIONS = """participant,condition,task,time,outcome
P1,old,checkout,45,success
P2,old,checkout,120,abandoned
P3,old,checkout,180,timeout
P4,old,checkout,200,failure
P5,new,checkout,40,success
P6,new,checkout,55,success
P7,new,checkout,62,success
P8,new,checkout,90,abandoned
"""


@pytest.fixture
def narrow(monkeypatch):
    """An 80-column terminal for Rich (stdout is not a tty under the runner: -f table is asked for)."""
    monkeypatch.setenv("COLUMNS", "80")


def _write(path, text):
    path.write_bytes(text.encode("utf-8"))
    return path


def _fits(text: str) -> None:
    lines = text.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 80  # terminal cells: p̂ is one
    assert "…" not in text  # nothing cut


# --- problems: Total row and column -------------------------------------------------------------------


def test_total_row_is_set_aside_with_a_note_and_checked(cli, tmp_path) -> None:
    plain = cli("problems", _write(tmp_path / "plain.csv", MATRIX), "-f", "csv")
    total = cli("problems", _write(tmp_path / "total.csv", MATRIX + "Total,2,2,1\r\n"), "-f", "csv")
    assert plain.exit_code == 0 and total.exit_code == 0, total.stderr
    assert total.stdout == plain.stdout  # the same numbers: the Total row is no participant
    assert next(csv.DictReader(io.StringIO(total.stdout)))["participants"] == "3"
    assert "note: row 'Total' (line 5) set aside as totals, not a participant; it matches the ticks" in total.stderr
    assert "Total" not in total.stdout


def test_total_row_that_disagrees_says_so_and_uses_the_ticks(cli, tmp_path) -> None:
    result = cli("problems", _write(tmp_path / "m.csv", MATRIX + "Sum,2,3,1\r\n"), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["hits"] == 5
    assert "it differs from the ticks ('Search' 3 written, 2 counted): the ticks are used" in result.stderr


def test_total_column_is_set_aside(cli, tmp_path) -> None:
    text = "Participant,Nav,Search,Filter,Total\nP1,x,x,,2\nP2,x,,x,2\nP3,,x,,1\n"
    result = cli("problems", _write(tmp_path / "m.csv", text), "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["participants"], row["problems_met"], row["hits"]) == (3, 3, 5)
    assert "column 'Total' set aside as totals, not a problem; it matches the ticks" in result.stderr


def test_a_bad_tick_is_still_one_line_with_file_line_column(cli, tmp_path) -> None:
    path = _write(tmp_path / "m.csv", MATRIX + "P4,maybe,,\r\n")
    result = cli("problems", path, "-f", "csv")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:5" in lines[0] and 'column "Nav"' in lines[0] and "'maybe'" in lines[0]


def test_goal_with_a_decimal_keeps_it_in_the_column_name(cli, tmp_path) -> None:
    result = cli("problems", _write(tmp_path / "m.csv", MATRIX), "--goal", "0.975", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(",n_for_97.5")  # not rounded to n_for_98


def test_problems_table_has_readable_labels_and_a_full_width_caption(cli, tmp_path, narrow) -> None:
    result = cli("problems", _write(tmp_path / "m.csv", MATRIX), "-f", "table")
    assert result.exit_code == 0, result.stderr
    _fits(result.stdout)
    assert "p adjusted (Lewis 2001)" in result.stdout and "participants for 90% found" in result.stdout
    # the method line is not squeezed to the table's width
    assert any(
        line.startswith("p adjusted by Lewis (2001): the mean of the deflation") for line in result.stdout.splitlines()
    )


# --- survival ----------------------------------------------------------------------------------------


def test_survival_tables_fit_80_columns_without_cutting_a_figure(cli, narrow) -> None:
    for show in ("summary", "curve", "logrank"):
        result = cli("survival", "sample_sessions/", "--by", "task,variant", "--show", show, "-f", "table")
        assert result.exit_code == 0, result.stderr
        _fits(result.stdout)
        assert result.stderr == ""


def test_survival_logrank_table_shows_rounded_statistic_and_p(cli, tmp_path, narrow) -> None:
    log = _write(tmp_path / "two.csv", TWO_CONDITIONS)
    table = cli("survival", log, "--by", "task,condition", "--show", "logrank", "-f", "table")
    raw = cli("survival", log, "--by", "task,condition", "--show", "logrank", "-f", "json")
    assert table.exit_code == 0 and raw.exit_code == 0, table.stderr
    (test,) = json.loads(raw.stdout)
    row = next(line.split() for line in table.stdout.splitlines() if line.strip().startswith("checkout"))
    assert row[2:] == ["old", "vs", "new", "4", "/", "4", f"{test['statistic']:.3f}", f"{test['p_value']:.4f}"]
    assert raw.stderr.startswith("note: ") and not raw.stdout.startswith("note")


def test_survival_summary_marks_not_reached(cli, tmp_path, narrow) -> None:
    result = cli("survival", _write(tmp_path / "two.csv", TWO_CONDITIONS), "--by", "task,condition", "-f", "table")
    assert result.exit_code == 0, result.stderr
    old = next(line.split() for line in result.stdout.splitlines() if " old " in line)
    assert old[3:6] == ["1/1/2", "n/r", "45s–n/r"] and "n/r: not reached" in result.stdout


# --- navigation --------------------------------------------------------------------------------------


def test_navigation_table_has_labels_and_formatted_figures(cli, tmp_path, narrow) -> None:
    log, study = _write(tmp_path / "nav.csv", NAV_LOG), _write(tmp_path / "study.yaml", STUDY)
    result = cli("navigation", log, "--study", study, "-f", "table")
    assert result.exit_code == 0, result.stderr
    _fits(result.stdout)
    rows = {line[:34].strip(): line[34:].strip() for line in result.stdout.splitlines()[2:] if line.startswith("  ")}
    assert rows["lostness (0 best, > .5 lost)"] == "0.27"
    assert rows["path efficiency (R ÷ visits)"] == "80%"
    assert rows["success after wrong 1st click"] == "1/2" and rows["correct vs wrong: p"] == "0.480"
    assert "R from: expected path" in result.stdout


def test_navigation_splits_many_groups_into_tables_that_fit(cli, narrow) -> None:
    result = cli("navigation", "sample_sessions/", "--by", "task,variant", "-f", "table")
    assert result.exit_code == 0, result.stderr
    _fits(result.stdout)
    for task in ("find-product", "add-to-cart", "apply-coupon", "change-address", "checkout"):
        assert f"{task} / A" in result.stdout and f"{task} / B" in result.stdout
    assert result.stdout.count("Navigation (Smith 1996") == 1
    assert "left out: first click correct" in result.stdout  # rows with no value anywhere are named


def test_navigation_help_shows_the_study_example_whole(cli) -> None:
    result = cli("navigation", "--help")
    assert result.exit_code == 0
    assert "path: [home, login, done]" in result.stdout and "Example: uxcli navigation" in result.stdout


# --- plan --------------------------------------------------------------------------------------------


def test_plan_table_headers_fit(cli, narrow) -> None:
    result = cli("plan", "time", "--ratio", "0.8", "--sd", "0.5", "--design", "within", "-f", "table")
    assert result.exit_code == 0, result.stderr
    _fits(result.stdout)
    assert "per group" in result.stdout and "participants" in result.stdout


def test_plan_completion_from_a_log_leaves_out_a_task_at_100_percent(cli) -> None:
    result = cli("plan", "completion", "--from", "sample_sessions/events.csv", "--p2", "0.95", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    tasks = [r["task"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert "add-to-cart" not in tasks and len(tasks) == 4
    assert "note: task add-to-cart: observed completion 8/8 and p2 = 0.95" in result.stderr


def test_plan_from_data_with_no_plannable_task_is_one_error_line(cli, tmp_path) -> None:
    result = cli("plan", "completion", "--from", _write(tmp_path / "all.csv", "participant,task,outcome\nP1,t,success\n"),
                 "--p2", "0.9", "-f", "csv")  # fmt: skip
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith("error: none of the 1 task(s) in the --from data")


# --- export ------------------------------------------------------------------------------------------


def test_export_refuses_a_table_file_name(cli, tmp_path) -> None:
    target = tmp_path / "x.csv"
    result = cli("export", _write(tmp_path / "nav.csv", NAV_LOG), "-o", target)
    assert result.exit_code == 2 and result.stdout == "" and not target.exists()
    assert "export writes XES: use a .xes name" in result.stderr


def test_export_writes_xes_to_an_xes_file(cli, tmp_path) -> None:
    target = tmp_path / "x.xes"
    result = cli("export", _write(tmp_path / "nav.csv", NAV_LOG), "-o", target)
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    assert target.read_text(encoding="utf-8").count("<trace>") == 3


def test_total_row_of_a_transposed_matrix_is_no_problem(cli, tmp_path) -> None:
    text = "Problem,P1,P2,P3\nNav,x,x,\nSearch,x,,x\nTotal,2,1,1\n"
    result = cli("problems", _write(tmp_path / "t.csv", text), "--transpose", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["participants"], row["problems_met"], row["hits"]) == (3, 2, 4)
    assert "row 'Total' (line 4) set aside as totals, not a problem; it matches the ticks" in result.stderr
