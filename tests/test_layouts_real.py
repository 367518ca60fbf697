"""Real task-table layouts (issue 13): time-only tables, transposed matrices, wide time matrices, the
participant in the file name, and layout guessing that explains itself.

Each shape is written several ways (headers, encodings: UTF-8 with BOM, Windows-1252; delimiters: comma,
semicolon, tab). Expected numbers are computed here independently (scipy.stats.gmean, numpy), never read
back from uxcli.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from scipy.stats import gmean


def write(tmp_path, name: str, text: str, encoding: str = "utf-8", bom: bool = False):
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def rows(result) -> dict[str, dict[str, str]]:
    """The summary CSV on stdout, by task."""
    return {r["task"]: r for r in csv.DictReader(io.StringIO(result.stdout))}


def assert_close(text: str, expected: float) -> None:
    assert math.isclose(float(text), expected, rel_tol=1e-5), (text, expected)


# --- 1. time-only tables ----------------------------------------------------------------------------

TIME_ONLY = [
    (
        "t_comma.csv",
        "participant,task,Time (s)\nP1,login,30\nP2,login,45\nP3,login,60\nP1,search,12\n",
        "utf-8",
        False,
        {"login": [30, 45, 60], "search": [12]},
    ),
    (
        "t_semicolon.csv",
        "Participant;Task;Time (s)\nP1;Café;30,5\nP2;Café;41\nP3;Café;1:02\n",
        "cp1252",
        False,
        {"Café": [30.5, 41, 62]},
    ),
    (
        "t_tab.tsv",
        "participant\ttask\tduration_min\nP1\tlogin\t1.5\nP2\tlogin\t2\n",
        "utf-8",
        True,
        {"login": [90, 120]},
    ),
]


@pytest.mark.parametrize(("name", "text", "encoding", "bom", "times"), TIME_ONLY)
def test_time_only_table_has_time_metrics_and_empty_success(cli, tmp_path, name, text, encoding, bom, times):
    path = write(tmp_path, name, text, encoding, bom)
    args = ["summary", path, "-f", "csv"]  # the encoding is detected (UTF-8 with or without BOM, else cp1252)
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "no outcome column: times taken as completion times; success metrics are empty" in result.stderr
    found = rows(result)
    assert set(found) == set(times)
    for task, values in times.items():
        row = found[task]
        assert row["success_rate"] == ""  # empty, never 0
        assert row["success_ci_low"] == ""
        assert row["first_try_success_rate"] == ""
        assert int(row["participants"]) == len(values)
        assert_close(row["time_geomean"], float(gmean(values)))
        assert_close(row["time_median"], float(np.median(values)))
        assert_close(row["time_mean"], float(np.mean(values)))


def test_time_only_row_without_time_is_set_aside_with_a_warning(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,time\nP1,login,30\nP2,login,\nP3,login,50\n")
    result = cli("summary", path, "-f", "csv", "--verbose")
    assert result.exit_code == 0, result.stderr
    assert 't.csv:3: column "time"' in result.stderr and "empty time" in result.stderr
    assert "1 no time" in result.stderr
    assert rows(result)["login"]["participants"] == "2"
    assert_close(rows(result)["login"]["time_geomean"], float(gmean([30, 50])))


def test_table_with_outcomes_keeps_its_success_rate(cli, tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome,time\nP1,login,success,30\nP2,login,failure,40\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_close(rows(result)["login"]["success_rate"], 0.5)
    assert "no outcome column" not in result.stderr


def test_time_only_table_renders_as_a_table(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,time\nP1,login,30\nP2,login,40\n")
    result = cli("summary", path, "-f", "table")
    assert result.exit_code == 0, result.stderr
    assert "login" in result.stdout
    assert "Not shown (no data): Success" in result.stdout


# --- 2. transposed matrices -------------------------------------------------------------------------

TRANSPOSED = [
    ("tr_comma.csv", ",P1,P2,P3\nlogin,1,0,1\nsearch,1,1,0\n", "utf-8", False, {"login": (2, 3), "search": (2, 3)}),
    ("tr_semicolon.csv", "Task;P01;P02;P03;P04\nCafé;yes;no;yes;yes\n", "cp1252", False, {"Café": (3, 4)}),
    (
        "tr_tab.tsv",
        "\tUser 1\tUser 2\nlogin\tsuccess\tfailure\ncheckout\tfailure\tfailure\n",
        "utf-8",
        True,
        {"login": (1, 2), "checkout": (0, 2)},
    ),
]


@pytest.mark.parametrize(("name", "text", "encoding", "bom", "expected"), TRANSPOSED)
def test_transposed_matrix_is_detected(cli, tmp_path, name, text, encoding, bom, expected):
    path = write(tmp_path, name, text, encoding, bom)
    args = ["summary", path, "-f", "csv"]  # the encoding is detected (UTF-8 with or without BOM, else cp1252)
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "read as a transposed matrix" in result.stderr
    found = rows(result)
    assert list(found) == list(expected)  # tasks in row order
    for task, (successes, n) in expected.items():
        assert found[task]["successes"] == str(successes)
        assert found[task]["participants"] == str(n)
        assert_close(found[task]["success_rate"], successes / n)


def test_transposed_attempts_point_at_their_task_line(cli, tmp_path):
    path = write(tmp_path, "tr.csv", ",P1,P2\nlogin,1,0\nsearch,0,1\n")
    result = cli("attempts", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    by = {(r["participant"], r["task"]): r for r in found}
    assert by[("P1", "login")]["outcome"] == "success" and by[("P2", "login")]["outcome"] == "failure"
    assert by[("P2", "search")]["source"].endswith("tr.csv:3")


def test_transpose_option_reads_names_that_do_not_look_like_ids(cli, tmp_path):
    path = write(tmp_path, "tr.csv", "Task,Anna,Ben,Chloé\nlogin,pass,fail,pass\n")
    result = cli("summary", path, "--transpose", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert rows(result)["login"]["successes"] == "2"
    assert rows(result)["login"]["participants"] == "3"


def test_ambiguous_transposed_matrix_stops_and_suggests_transpose(cli, tmp_path):
    path = write(tmp_path, "amb.csv", ",P1,P2\nP3,1,0\nP4,0,1\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cannot tell the layout" in result.stderr and "--transpose" in result.stderr


def test_transposed_time_matrix(cli, tmp_path):
    path = write(tmp_path, "trt.csv", ",P1,P2,P3\nlogin (s),30,45,60\nsearch (s),10,,20\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = rows(result)
    assert set(found) == {"login", "search"}
    assert_close(found["login"]["time_geomean"], float(gmean([30, 45, 60])))
    assert_close(found["search"]["time_geomean"], float(gmean([10, 20])))
    assert found["login"]["success_rate"] == ""


# --- 3. wide time matrices --------------------------------------------------------------------------

WIDE_TIMES = [
    (
        "w_comma.csv",
        "participant,login_time,Time search,age\nP1,30,1:10,34\nP2,45,,41\nP3,60,50,29\n",
        "utf-8",
        False,
        {"login": [30, 45, 60], "search": [70, 50]},
    ),
    (
        "w_semicolon.csv",
        "Participant;Login (min);Suche (min)\nP1;1,5;0,5\nP2;2;1\n",
        "cp1252",
        False,
        {"Login": [90, 120], "Suche": [30, 60]},
    ),
    (
        "w_tab.tsv",
        "participant\tdesign A\tdesign B\nP1\t0:12.5\t0:20\nP2\t0:15\t0:25\nP3\t0:10\t0:30\n",
        "utf-8",
        True,
        {"design A": [12.5, 15, 10], "design B": [20, 25, 30]},
    ),
]


@pytest.mark.parametrize(("name", "text", "encoding", "bom", "times"), WIDE_TIMES)
def test_wide_time_matrix(cli, tmp_path, name, text, encoding, bom, times):
    path = write(tmp_path, name, text, encoding, bom)
    args = ["summary", path, "-f", "csv"]  # the encoding is detected (UTF-8 with or without BOM, else cp1252)
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "a wide time matrix" in result.stderr
    found = rows(result)
    assert list(found) == list(times)
    for task, values in times.items():
        assert found[task]["success_rate"] == ""
        assert found[task]["participants"] == str(len(values))
        assert_close(found[task]["time_geomean"], float(gmean(values)))
        assert_close(found[task]["time_median"], float(np.median(values)))


def test_wide_time_matrix_keeps_attributes_for_by(cli, tmp_path):
    path = write(tmp_path, "w.csv", "participant,login_time,device\nP1,30,mobile\nP2,50,desktop\nP3,40,mobile\n")
    result = cli("summary", path, "--by", "device", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = {r["device"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert_close(found["mobile"]["time_geomean"], float(gmean([30, 40])))
    assert "device is a participant attribute" in result.stderr


def test_success_matrix_is_still_a_success_matrix(cli, tmp_path):
    path = write(tmp_path, "w.csv", "participant,login,search\nP1,1,0\nP2,1,1\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_close(rows(result)["search"]["success_rate"], 0.5)
    assert "wide time matrix" not in result.stderr


# --- 4. the participant in the file name ------------------------------------------------------------


def test_participant_from_file_name(cli, tmp_path):
    write(tmp_path, "TimeTaskP7.csv", "task,time\nlogin,30\nsearch,12\n")
    write(tmp_path, "P08_session.csv", "task;time\nlogin;40\nsearch;15\n")
    write(tmp_path, "participant-12.csv", "task\ttime\nlogin\t50\n", bom=True)
    result = cli("attempts", tmp_path, "--participant-from-name", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted({r["participant"] for r in found}) == ["12", "P08", "P7"]
    assert 'participant "P7" taken from the file name' in result.stderr
    summary = cli("summary", tmp_path, "--participant-from-name", "-f", "csv")
    assert_close(rows(summary)["login"]["time_geomean"], float(gmean([30, 40, 50])))


def test_participant_from_name_refuses_two_files_with_one_id(cli, tmp_path):
    write(tmp_path, "P7.csv", "task,time\nlogin,30\n")
    write(tmp_path, "TimeTaskP7.csv", "task,time\nlogin,40\n")
    result = cli("summary", tmp_path, "--participant-from-name", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'participant "P7" comes from two files' in result.stderr


def test_participant_pattern(cli, tmp_path):
    write(tmp_path, "study2_session_3.csv", "task,outcome\nlogin,success\n")
    write(tmp_path, "study2_session_4.csv", "task,outcome\nlogin,failure\n")
    result = cli("attempts", tmp_path, "--participant-pattern", r"session_(\d+)", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert sorted(r["participant"] for r in csv.DictReader(io.StringIO(result.stdout))) == ["3", "4"]


def test_participant_from_name_without_id_is_an_error(cli, tmp_path):
    write(tmp_path, "session.csv", "task,time\nlogin,30\n")
    result = cli("summary", tmp_path / "session.csv", "--participant-from-name", "-f", "csv")
    assert result.exit_code == 1
    assert "no participant id in the file name" in result.stderr


# --- 5. layout guessing that explains itself --------------------------------------------------------


def test_validate_verbose_says_layout_and_mapping(cli, tmp_path):
    path = write(tmp_path, "r1.csv", "Tester,Task,Result,Time (s)\nP1,login,success,30\n")
    result = cli("validate", path, "--verbose", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "r1.csv: attempt table, 1 rows, all used; participant ← Tester, task ← Task, outcome ← Result, time ← " in (
        result.stderr
    )
    assert "time ← Time (s) [s]" in result.stderr
    summary = cli("summary", path, "--verbose", "-f", "csv")
    assert "r1.csv: attempt table; participant ← Tester, task ← Task" in summary.stderr


def test_attempt_table_that_is_also_a_matrix_stops(cli, tmp_path):
    path = write(
        tmp_path, "amb.csv", "participant,task,outcome,login,search\nP1,a,success,yes,no\nP2,a,failure,no,yes\n"
    )
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 1
    assert "cannot tell the layout" in result.stderr and "--layout attempts or --layout wide" in result.stderr
    chosen = cli("summary", path, "--layout", "attempts", "-f", "csv")
    assert chosen.exit_code == 0, chosen.stderr
    assert_close(rows(chosen)["a"]["success_rate"], 0.5)


def test_did_you_mean_skips_used_and_absurd_columns(cli, tmp_path):
    # "step" holds outcome words: never suggested as the participant
    path = write(tmp_path, "s.csv", "step,task,outcome\nsuccess,T1,success\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 1
    assert "step=participant" not in result.stderr
    # "task" is already the task: never suggested as the outcome
    path = write(tmp_path, "t.csv", "participant,task,notes\nP1,T1,fine\n")
    result = cli("summary", path, "-f", "csv")
    assert "task=outcome" not in result.stderr
    # a misspelt header with fitting values is still suggested
    path = write(tmp_path, "p.csv", "partcipant,task,outcome\nP1,T1,success\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 1
    assert '--map "partcipant=participant"' in result.stderr


def test_plain_numbers_under_plain_headers_need_the_layout(cli, tmp_path):
    # 12.5 under "design A" could be seconds, clicks or a rating: uxcli does not guess
    path = write(tmp_path, "w.csv", "participant,design A,design B\nP1,12.5,20\nP2,15,25\n")
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--layout wide-times" in result.stderr
    chosen = cli("summary", path, "--layout", "wide-times", "-f", "csv")
    assert chosen.exit_code == 0, chosen.stderr
    assert_close(rows(chosen)["design B"]["time_geomean"], float(gmean([20, 25])))


def test_transposed_plain_numbers_with_layout_wide_times(cli, tmp_path):
    path = write(tmp_path, "trt.csv", "Task;P1;P2\nlogin;30,5;45\nsearch;10;20\n")
    result = cli("summary", path, "--transpose", "--layout", "wide-times", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_close(rows(result)["login"]["time_geomean"], float(gmean([30.5, 45])))
    assert_close(rows(result)["search"]["time_median"], 15.0)


# --- times only, downstream: benchmark, compare, the library -----------------------------------------


def test_time_only_benchmark_is_not_tested(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,time\nP1,login,30\nP2,login,40\nP3,login,50\n")
    result = cli("summary", path, "--benchmark", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    row = rows(result)["login"]
    assert row["benchmark_success_p"] == ""  # no outcome: no binomial test (it was p = 1 against 0 of 3)
    assert row["benchmark_success_verdict"] == "too few answers to test"


def test_time_only_compare_compares_times_not_success(cli, tmp_path):
    from scipy.stats import ttest_ind

    text = "participant,task,variant,time\n" + "".join(
        f"P{i},login,{v},{t}\n"
        for i, (v, t) in enumerate([("A", 30), ("A", 40), ("B", 50), ("B", 60), ("A", 35), ("B", 55)])
    )
    path = write(tmp_path, "tv.csv", text)
    result = cli("compare", path, "--by", "variant", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = {r["metric"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert "success_rate" not in found  # no outcomes: nothing to compare (it was 0 vs 0, p = 1)
    expected = ttest_ind(np.log([50, 60, 55]), np.log([30, 40, 35]), equal_var=False).pvalue
    assert_close(found["time"]["p_value"], float(expected))
    assert_close(found["time"]["value_a"], float(gmean([30, 40, 35])))


def test_library_summary_of_unknown_outcomes_mixed_with_known():
    import pandas as pd

    from uxcli.tasks.attempts import OUTCOME_DTYPE
    from uxcli.tasks.metrics import summarize

    attempts = pd.DataFrame(
        {
            "participant": ["P1", "P2", "P3", "P1", "P2"],
            "session": pd.NA,
            "variant": pd.NA,
            "task": ["timed", "timed", "timed", "rated", "rated"],
            "attempt": 1,
            "outcome": pd.Categorical([None, None, None, "success", "failure"], dtype=OUTCOME_DTYPE),
            "time": [30.0, 40.0, 50.0, 20.0, 99.0],
            "clicks": np.nan,
            "errors": np.nan,
        }
    )
    table = summarize(attempts, ["task"]).set_index("task")
    assert math.isnan(table.loc["timed", "success_rate"]) and math.isnan(table.loc["timed", "first_try_success_rate"])
    assert table.loc["timed", "participants"] == 3
    assert table.loc["timed", "time_geomean"] == pytest.approx(float(gmean([30, 40, 50])))
    assert table.loc["rated", "success_rate"] == 0.5
    assert table.loc["rated", "time_geomean"] == pytest.approx(20.0)  # completion time: the success only


def test_wide_time_matrix_of_typed_durations_with_a_mean_row(cli, tmp_path):
    text = "participant,Login,Checkout\nP1,1m 23s,2 min\nP2,83.5 s,1:30\nMean,1m 23s,1:45\n"
    path = write(tmp_path, "typed.csv", text)
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = rows(result)
    assert found["Login"]["participants"] == "2"  # the Mean row is set aside, with a note
    assert "a totals row, set aside" in result.stderr
    assert_close(found["Login"]["time_geomean"], float(gmean([83, 83.5])))
    assert_close(found["Checkout"]["time_geomean"], float(gmean([120, 90])))


def test_attempt_table_with_yes_no_attributes_is_an_attempt_table(cli, tmp_path):
    # participants on several rows: an attempt table, whatever its other yes/no columns hold
    text = "participant,task,outcome,consent,recorded\nP1,a,success,yes,no\nP1,b,failure,yes,no\nP2,a,failure,no,yes\n"
    path = write(tmp_path, "yn.csv", text)
    result = cli("summary", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_close(rows(result)["a"]["success_rate"], 0.5)
