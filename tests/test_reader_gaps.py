"""Leftovers of issues 13 and 12 in the readers.

* ``--outcome`` / ``outcomes:`` recoding reaches wide and transposed matrices, with the attempt table's
  notes and errors (one error per distinct unknown word, its count and lines, a hint naming --outcome);
* YAML sessions number attempts within participant × session × condition × task (design.attempt_key);
* ``--assisted success|failure`` is honoured by compare, sum and report (and accepted by chart), each
  saying how assisted completions were counted;
* spreadsheet exports as they come (semicolons, BOM, cp1252, trailing empty columns, a blank line at
  the end, a Total row) read as the matrix they are.

The McNemar mid-p values are checked against scipy's binomial distribution (Fagerland, Lydersen & Laake
2013, BMC Med Res Methodol 13:91: mid-p = 2·P(X ≤ min(b, c)) − P(X = min(b, c)), X ~ Bin(b + c, ½)).
"""

from __future__ import annotations

import csv
import io

import pytest
from scipy import stats as sps

from uxcli.errors import InputError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8", bom: bool = False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def _outcomes(dataset, task: str) -> list[str]:
    attempts = dataset.attempts
    rows = attempts[attempts["task"].astype(str) == task]
    return [str(v) for v in rows["outcome"].astype(object)]


def _problems(dataset, severity: str) -> list:
    return [p for p in dataset.problems.items if p.severity == severity]


WIDE = (
    "participant,login,search\n"
    "P1,Réussi,yes\n"  # line 2
    "P2,no,Bizarre\n"  # line 3
    "P3,Réussi,yes\n"  # line 4
    "P4,yes,Completed with help\n"  # line 5
)


def test_wide_matrix_unknown_word_is_one_error_with_count_lines_and_outcome_hint(tmp_path):
    path = _write(tmp_path, "wide.csv", WIDE)
    dataset = read(ReadOptions(paths=(str(path),), layout="wide"))
    errors = _problems(dataset, "error")
    words = sorted(p.value for p in errors)
    assert words == ["Bizarre", "Réussi"]  # one error per distinct word, not per cell
    reussi = next(p for p in errors if p.value == "Réussi")
    assert reussi.column == "login" and reussi.line == 2
    assert "(2 rows, lines 2, 4)" in reussi.message
    assert "--outcome" in reussi.hint


def test_wide_matrix_recodes_words_as_attempt_tables_do(tmp_path):
    path = _write(tmp_path, "wide.csv", WIDE)
    recode = {"Réussi": "success", "Bizarre": "not-attempted"}
    dataset = read(ReadOptions(paths=(str(path),), layout="wide", outcomes=recode))
    assert not _problems(dataset, "error")
    assert _outcomes(dataset, "login") == ["success", "failure", "success", "success"]
    assert _outcomes(dataset, "search") == ["success", "success", "assisted"]  # P2's "Bizarre": no attempt
    notes = [p for p in _problems(dataset, "note") if p.column == "search"]
    assert any("1 row marked not attempted" in p.message and '"Bizarre"' in p.message for p in notes)
    assert any("1 assisted attempt" in p.message and "--assisted success" in p.message for p in notes)


def test_a_column_of_recoded_words_is_a_task_not_an_attribute(tmp_path):
    path = _write(tmp_path, "fr.csv", "participant,connexion,âge\nP1,oui,30\nP2,non,41\nP3,oui,25\n")
    with pytest.raises(InputError) as refused:
        read(ReadOptions(paths=(str(path),), layout="wide"))
    error = refused.value.problem
    assert error.column == "connexion" and '--outcome "oui=success"' in (error.hint or "")
    dataset = read(ReadOptions(paths=(str(path),), layout="wide", outcomes={"oui": "success", "non": "failure"}))
    assert not _problems(dataset, "error")
    assert _outcomes(dataset, "connexion") == ["success", "failure", "success"]
    assert set(dataset.attempts["task"].astype(str)) == {"connexion"}  # âge stays an attribute


def test_recoding_x_says_what_x_is_next_to_words(tmp_path):
    path = _write(tmp_path, "x.csv", "participant,login,search\nP1,yes,x\nP2,x,no\nP3,no,yes\n")
    refused = read(ReadOptions(paths=(str(path),), layout="wide"))
    assert any(p.value == "x" for p in _problems(refused, "error"))  # a tick or a cross? refused
    dataset = read(ReadOptions(paths=(str(path),), layout="wide", outcomes={"x": "failure"}))
    assert not _problems(dataset, "error")
    assert _outcomes(dataset, "login") == ["success", "failure", "failure"]


def test_study_file_outcomes_reach_a_wide_matrix(cli, tmp_path):
    path = _write(tmp_path, "wide.csv", "participant,login,search\nP1,OK-ish,yes\nP2,no,OK-ish\nP3,yes,yes\n")
    study = _write(tmp_path, "study.yaml", 'outcomes:\n  "OK-ish": success\n')
    refused = cli("summary", path, "--format", "csv")
    assert refused.exit_code == 1 and '"OK-ish" is not an outcome' in refused.stderr
    result = cli("summary", path, "--format", "csv", "--study", study)
    assert result.exit_code == 0, result.stderr
    rows = {r["task"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["login"]["successes"] == "2" and rows["search"]["successes"] == "3"


def test_transposed_matrix_recodes_and_points_errors_at_the_cell(tmp_path):
    text = "task,P1,P2,P3\nlogin,OK-ish,yes,OK-ish\nsearch,yes,no,yes\ncheckout,Completed with help,N/A,yes\n"
    path = _write(tmp_path, "tr.csv", text)
    refused = read(ReadOptions(paths=(str(path),)))
    (error,) = _problems(refused, "error")
    # the word is on the login line (2), in participant columns P1 and P3 of the file as written
    assert error.line == 2 and error.column == "P1" and error.value == "OK-ish"
    assert "2 cells, columns P1, P3" in error.message and "--outcome" in error.hint
    dataset = read(ReadOptions(paths=(str(path),), outcomes={"OK-ish": "success"}))
    assert not _problems(dataset, "error")
    assert _outcomes(dataset, "login") == ["success", "success", "success"]
    assert _outcomes(dataset, "checkout") == ["assisted", "success"]
    lines = {p.message.split(":")[0]: p.line for p in _problems(dataset, "note") if p.message.startswith("task ")}
    assert lines['task "checkout"'] == 4  # notes point at the task's line


def test_yaml_attempts_count_within_the_condition(tmp_path):
    text = """
sessions:
  - participant: P1
    variant: A
    tasks:
      - {task: login, outcome: failure, time: 50}
      - {task: login, outcome: success, time: 30}
  - participant: P1
    variant: B
    tasks:
      - {task: login, outcome: success, time: 20}
"""
    path = _write(tmp_path, "s.yaml", text)
    attempts = read(ReadOptions(paths=(str(path),))).attempts
    numbered = list(zip(attempts["variant"].astype(str), attempts["attempt"].astype(int)))
    assert numbered == [("A", 1), ("A", 2), ("B", 1)]  # B is not a third try


AB = (
    "participant,variant,task,outcome,time\n"
    "P1,A,login,success,30\nP1,B,login,with help,40\n"
    "P2,A,login,failure,50\nP2,B,login,success,20\n"
    "P3,A,login,success,25\nP3,B,login,assisted,35\n"
)


def _mid_p(b: int, c: int) -> float:
    n, k = b + c, min(b, c)
    return min(1.0, 2 * sps.binom.cdf(k, n, 0.5) - sps.binom.pmf(k, n, 0.5))


@pytest.mark.parametrize(
    "assisted,rate_b,discordant,counted",
    [(None, 1 / 3, (2, 1), "as failures"), ("success", 1.0, (0, 1), "as successes (--assisted success)")],
)
def test_compare_honours_assisted(cli, tmp_path, assisted, rate_b, discordant, counted):
    path = _write(tmp_path, "ab.csv", AB)
    args = ["compare", path, "--format", "csv"] + (["--assisted", assisted] if assisted else [])
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout)) if r["metric"] == "success_rate")
    assert float(row["value_a"]) == pytest.approx(2 / 3)
    assert float(row["value_b"]) == pytest.approx(rate_b)
    assert float(row["p_value"]) == pytest.approx(_mid_p(*discordant))
    assert f"2 participant × task final outcomes were assisted: counted {counted}" in result.stderr


@pytest.mark.parametrize("assisted,completion", [(None, 3 / 6), ("success", 5 / 6)])
def test_sum_honours_assisted(cli, tmp_path, assisted, completion):
    path = _write(tmp_path, "ab.csv", AB)
    args = ["sum", path, "--format", "csv"] + (["--assisted", assisted] if assisted else [])
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout)) if r["task"] == "login")
    assert float(row["completion"]) == pytest.approx(completion)
    assert "2 assisted attempts: counted in completion and time as" in result.stderr


def test_report_honours_assisted(tmp_path):
    from uxcli import pipeline
    from uxcli.report.build import ReportOptions

    text = "participant,task,outcome\nP1,login,success\nP2,login,with help\nP3,login,failure\nP4,login,assisted\n"
    path = _write(tmp_path, "one.csv", text)
    inputs = pipeline.load_inputs(ReadOptions(paths=(str(path),)))
    rates = {}
    for how in ("failure", "success"):
        data = pipeline.report_data(inputs, ReportOptions(compare_by="", assisted=how, generated="-"))
        rates[how] = float(data.summary.loc[data.summary["task"].astype(str) == "login", "success_rate"].iloc[0])
    assert rates == {"failure": pytest.approx(1 / 4), "success": pytest.approx(3 / 4)}


def test_report_and_chart_accept_assisted(cli, tmp_path):
    path = _write(tmp_path, "ab.csv", AB)
    out = tmp_path / "r.md"
    result = cli("report", path, "-o", out, "--assisted", "success")
    assert result.exit_code == 0, result.stderr
    assert "counted as successes (--assisted success)" in out.read_text(encoding="utf-8")
    chart = cli("chart", "success", path, "-o", tmp_path / "c.svg", "--assisted", "success")
    assert chart.exit_code == 0, chart.stderr


# --- exports as a tired researcher saves them ---------------------------------------------------------


def test_excel_wide_export_semicolons_cp1252_trailing_columns_total_row(cli, tmp_path):
    text = (
        "Participant;Login;Search;Checkout;Age;;\r\n"
        "P1;Yes;No;Yes;34;;\r\n"
        "P2;No;Yes;Yes;28;;\r\n"
        "Renée;Yes;Yes;With help;41;;\r\n"
        "Total;2;2;2;;;\r\n"
        ";;;;;;\r\n"
    )
    path = _write(tmp_path, "wide.csv", text, encoding="cp1252")
    result = cli("validate", "-v", path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "column_6" not in result.stdout and "column_7" not in result.stdout  # trailing ;; are nothing
    assert "totals row, set aside" in result.stdout
    assert "2 set aside (1 blank row, 1 total row)" in result.stdout + result.stderr
    dataset = read(ReadOptions(paths=(str(path),)))
    assert sorted(set(dataset.attempts["participant"].astype(str))) == ["P1", "P2", "Renée"]
    assert len(dataset.attempts) == 9


def test_sheets_transposed_export_with_bom_trailing_columns_and_total_row(cli, tmp_path):
    text = "Task;P1;P2;P3;;\r\nLogin;Yes;No;Yes;;\r\nSearch;Yes;Yes;No;;\r\nTotal;2;2;2;;\r\n\r\n"
    path = _write(tmp_path, "tr.csv", text, bom=True)
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["task"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {"Login", "Search"}
    assert rows["Login"]["successes"] == "2" and rows["Login"]["attempts"] == "3"
    assert 'task "Total": a totals row' in result.stderr


def test_yaml_unknown_outcome_is_one_error_per_word_and_assisted_is_noted(tmp_path):
    text = """
sessions:
  - participant: P1
    tasks:
      - {task: login, outcome: Réussi}
      - {task: search, outcome: with help}
  - participant: P2
    tasks:
      - {task: login, outcome: Réussi}
      - {task: search, outcome: success}
"""
    path = _write(tmp_path, "s.yaml", text)
    dataset = read(ReadOptions(paths=(str(path),)))
    (error,) = _problems(dataset, "error")
    assert error.value == "Réussi" and error.line == 5 and "(2 tasks, lines 5, 9)" in error.message
    assert "--outcome" in error.hint
    notes = [p.message for p in _problems(dataset, "note")]
    assert any(m.startswith('1 assisted attempt ("with help")') for m in notes)
    recoded = read(ReadOptions(paths=(str(path),), outcomes={"Réussi": "success"}))
    assert not _problems(recoded, "error")
    assert _outcomes(recoded, "login") == ["success", "success"]


def test_transposed_time_export_points_attempts_at_their_task_line(cli, tmp_path):
    import warnings

    text = "Task;P1;P2;P3;;\r\nLogin (s);83,5;61;70;;\r\nSearch (s);40;;52,25;;\r\nTotal;123,5;61;122,25;;\r\n;;;;;\r\n"
    path = _write(tmp_path, "trt.csv", text, bom=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a task renamed from its header ("Login (s)") once cast NaN rows
        dataset = read(ReadOptions(paths=(str(path),)))
    attempts = dataset.attempts
    lines = dict(zip(attempts["task"].astype(str), attempts["_row"].astype(int)))
    assert lines == {"Login": 0, "Search": 1}  # data rows 0 and 1: lines 2 and 3
    assert sorted(attempts.loc[attempts["task"].astype(str) == "Search", "time"]) == [40.0, 52.25]
    result = cli("validate", "-v", path)
    assert "2 set aside (1 blank row, 1 total row)" in result.stdout + result.stderr
    assert "participants ← 3 header cells" in result.stdout + result.stderr
