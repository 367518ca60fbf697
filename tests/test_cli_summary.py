"""`uxcli summary` end to end: published examples, every layout, formats, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import DATA, ROOT, SAMPLES

from uxcli.pipeline import TIME_N_COLUMNS
from uxcli.tasks.metrics import METRICS as TASK_METRICS

METRICS = (*TASK_METRICS, *TIME_N_COLUMNS)  # the summary's columns: the metrics and how many times each rests on

README_COUNTS = {  # sample_sessions/README.md, "What's in the data": attempts, successes, failures, abandons
    "find-product": (8, 7, 1, 0),
    "add-to-cart": (8, 8, 0, 0),
    "apply-coupon": (9, 5, 2, 2),
    "change-address": (8, 6, 2, 0),
    "checkout": (8, 6, 1, 1),
}
TASK_ORDER = list(README_COUNTS)


def as_json(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def counts(rows: list[dict]) -> dict[str, tuple]:
    return {r["task"]: (r["attempts"], r["successes"], r["failures"], r["abandons"]) for r in rows}


def single_error(result, exit_code: int = 1) -> str:
    """The one `error:` line; stdout must stay empty and no traceback may leak."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "unexpected" not in lines[0], "a bug path, not a reported input error"
    return lines[0]


# --- published examples through the whole pipeline ---------------------------------------------


def test_published_success_interval_4_of_5(cli):
    # Tullis & Albert, Measuring the User Experience; Sauro & Lewis, Quantifying the User
    # Experience (QUX, 2nd ed.) ch. 3: 4 of 5 users succeed -> adjusted Wald 95% CI .3596-.9796.
    rows = as_json(cli("summary", DATA / "v1_published.csv", "--format", "json"))
    row = next(r for r in rows if r["task"] == "checkout")
    assert (row["attempts"], row["successes"], row["failures"]) == (5, 4, 1)
    assert row["success_rate"] == pytest.approx(0.8)
    assert row["success_ci_low"] == pytest.approx(0.3596, abs=5e-4)
    assert row["success_ci_high"] == pytest.approx(0.9796, abs=5e-4)
    # no times were given: time metrics are null, not 0
    assert row["time_geomean"] is None and row["time_ci_low"] is None


def test_published_time_interval(cli):
    # MeasuringU task-time calculator (Sauro & Lewis, CHI 2010; QUX ch. 3): 55, 65, 75, 62, 45,
    # 135 s -> geometric mean 68.2 s, 95% log-t CI 46.0-101.2 s.
    rows = as_json(cli("summary", DATA / "v1_published.csv", "--format", "json"))
    row = next(r for r in rows if r["task"] == "search")
    assert row["time_geomean"] == pytest.approx(68.2, abs=0.05)
    assert row["time_ci_low"] == pytest.approx(46.0, abs=0.05)
    assert row["time_ci_high"] == pytest.approx(101.2, abs=0.05)
    assert row["time_median"] == pytest.approx(63.5)
    assert row["time_mean"] == pytest.approx(437 / 6)


def test_confidence_option_narrows_interval(cli):
    rows90 = as_json(cli("summary", DATA / "v1_published.csv", "-f", "json", "--confidence", "0.9"))
    rows95 = as_json(cli("summary", DATA / "v1_published.csv", "-f", "json"))
    a, b = rows90[1], rows95[1]
    assert b["time_ci_low"] < a["time_ci_low"] < a["time_geomean"] < a["time_ci_high"] < b["time_ci_high"]


# --- every layout gives the README's counts ----------------------------------------------------


@pytest.mark.parametrize("path", ["events.csv", "layouts/attempts.csv", "layouts/study.yaml", "messy/tool_export.csv"])
def test_layouts_give_readme_counts(cli, path):
    # the README's table counts attempts
    rows = as_json(cli("summary", f"sample_sessions/{path}", "--format", "json", "--unit", "attempt"))
    assert [r["task"] for r in rows] == TASK_ORDER  # groups keep first-appearance order
    assert counts(rows) == README_COUNTS


# README: 2 retries, each a failure then a success: P02 change-address and P07 apply-coupon. Per participant
# those are one success each, so one failure less and one participant less than README_COUNTS:
README_PARTICIPANTS = {  # participants, successes, failures, abandons
    "find-product": (8, 7, 1, 0),
    "add-to-cart": (8, 8, 0, 0),
    "apply-coupon": (8, 5, 1, 2),
    "change-address": (7, 6, 1, 0),
    "checkout": (8, 6, 1, 1),
}


@pytest.mark.parametrize("path", ["events.csv", "layouts/attempts.csv", "layouts/study.yaml", "messy/tool_export.csv"])
def test_layouts_count_participants_by_default(cli, path):
    rows = as_json(cli("summary", f"sample_sessions/{path}", "--format", "json"))
    assert {r["task"]: (r["participants"], r["successes"], r["failures"], r["abandons"]) for r in rows} == (
        README_PARTICIPANTS
    )
    assert counts(rows) == {t: (n, *README_PARTICIPANTS[t][1:]) for t, (n, *_) in README_COUNTS.items()}
    rate = {r["task"]: r["success_rate"] for r in rows}
    # JSON keeps 6 decimals
    assert rate == pytest.approx({t: s / n for t, (n, s, _, _) in README_PARTICIPANTS.items()}, abs=5e-7)
    # first try: the retried participants' first attempts failed
    first = {r["task"]: r["first_try_success_rate"] for r in rows}
    assert (first["apply-coupon"], first["change-address"], first["checkout"]) == pytest.approx(
        (4 / 8, 5 / 7, 6 / 8), abs=5e-7
    )


def test_participant_successes_match_the_wide_matrix(cli):
    # README: the wide matrix has one Y/N per participant x task for the final outcome (a retry ending in
    # success is Y): its Y counts are the participants' successes, its n the participants
    events = as_json(cli("summary", "sample_sessions/events.csv", "--format", "json"))
    wide = as_json(cli("summary", "sample_sessions/layouts/wide.csv", "--format", "json"))
    assert [(r["participants"], r["successes"]) for r in events] == [(r["attempts"], r["successes"]) for r in wide]
    assert [r["success_rate"] for r in events] == [r["success_rate"] for r in wide]


def test_wide_matrix_counts(cli):
    # README: one Y/N per participant x task for the final outcome (a retry that ends in success is
    # Y, an abandon is N); P03 change-address is empty and not counted.
    rows = as_json(cli("summary", "sample_sessions/layouts/wide.csv", "--format", "json"))
    assert counts(rows) == {
        "find-product": (8, 7, 1, 0),
        "add-to-cart": (8, 8, 0, 0),
        "apply-coupon": (8, 5, 3, 0),
        "change-address": (7, 6, 1, 0),
        "checkout": (8, 6, 2, 0),
    }
    assert all(r["time_geomean"] is None and r["clicks_mean"] is None and r["errors_total"] is None for r in rows)


def test_excel_eu_counts_and_values(cli):
    # README: same 41 attempts; outcomes yes/no, so an abandon is a failure ("no").
    rows = as_json(
        cli("summary", "sample_sessions/messy/attempts_excel_eu.csv", "--format", "json", "--unit", "attempt")
    )
    assert counts(rows) == {t: (n, s, f + a, 0) for t, (n, s, f, a) in README_COUNTS.items()}
    reference = as_json(cli("summary", "sample_sessions/layouts/attempts.csv", "--format", "json"))
    # decimal commas read as decimals: times, clicks and errors match the attempt table exactly
    for mine, ref in zip(rows, reference, strict=True):
        for metric in (
            "time_geomean",
            "time_mean",
            "time_ci_low",
            "time_ci_high",
            "clicks_mean",
            "errors_total",
            "error_rate",
        ):
            assert mine[metric] == ref[metric], (mine["task"], metric)


def test_readme_variant_claim(cli):
    # README: apply-coupon is 1 success in 4 in A and 4 in 5 attempts in B.
    rows = as_json(cli("summary", "sample_sessions/events.csv", "--by", "task,variant", "-f", "json"))
    coupon = {r["variant"]: (r["attempts"], r["successes"]) for r in rows if r["task"] == "apply-coupon"}
    assert coupon == {"A": (4, 1), "B": (5, 4)}
    assert list(rows[0]) == ["task", "variant", *METRICS]


OPTION_SETS = [
    [],
    ["--by", "task,variant"],
    ["--time-of", "all"],
    ["--by", "participant", "--time-of", "failed"],
    ["--by", "variant", "--confidence", "0.9"],
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(o) or "default")
def test_event_log_attempt_table_and_yaml_identical(cli, options):
    """The same 41 attempts, three layouts: every metric must be identical."""
    outputs = [
        as_json(cli("summary", f"sample_sessions/{p}", "-f", "json", *options))
        for p in ("events.csv", "layouts/attempts.csv", "layouts/study.yaml")
    ]
    # group columns and every metric (questionnaire columns, which only the YAML carries, aside)
    keys = [k for k in outputs[0][0] if k in METRICS or k in ("task", "variant", "participant")]
    assert len(keys) > len(METRICS)
    metrics = [[{k: r[k] for k in keys} for r in rows] for rows in outputs]
    assert metrics[0] == metrics[1]
    assert metrics[1] == metrics[2]


def test_yaml_summary_json_has_exactly_the_metric_names(cli):
    # the v1 contract: JSON objects are the group column(s) + exactly the metric names; the one
    # addition is seq_mean, which issue 4 joins to the task summary when sessions carry SEQ ratings
    rows = as_json(cli("summary", "sample_sessions/layouts/study.yaml", "-f", "json"))
    assert all(list(r) == ["task", *METRICS, "seq_mean"] for r in rows), sorted(set(rows[0]) - {"task", *METRICS})


def test_summary_without_seq_data_has_no_seq_column(cli):
    rows = as_json(cli("summary", "sample_sessions/layouts/attempts.csv", "-f", "json"))
    assert all(list(r) == ["task", *METRICS] for r in rows)


# --- output formats (golden files) -------------------------------------------------------------


@pytest.mark.parametrize("fmt,name", [("csv", "summary.csv"), ("json", "summary.json"), ("markdown", "summary.md")])
def test_summary_golden(cli, golden, fmt, name):
    result = cli("summary", "sample_sessions/", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_summary_table_golden(cli, golden, tmp_path):
    out = tmp_path / "summary.txt"
    result = cli("summary", "sample_sessions/", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "Overall" in text and "apply-coupon" in text
    golden("summary.txt", text)
    # --format table -o with another suffix writes the same table
    other = tmp_path / "summary.out"
    assert cli("summary", "sample_sessions/", "--format", "table", "-o", other).exit_code == 0
    assert other.read_text(encoding="utf-8") == text


def test_csv_and_json_agree(cli):
    rows = as_json(cli("summary", "sample_sessions/", "-f", "json"))
    result = cli("summary", "sample_sessions/", "-f", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(table[0]) == ["task", *METRICS]
    for j, c in zip(rows, table, strict=True):
        for key, value in j.items():
            assert ("" if value is None else str(value)) == c[key]


def test_json_has_group_columns_and_exactly_the_metrics(cli):
    rows = as_json(cli("summary", "sample_sessions/events.csv", "-f", "json", "--by", "participant"))
    assert [r["participant"] for r in rows] == [f"P0{i}" for i in range(1, 9)]
    assert all(list(r) == ["participant", *METRICS] for r in rows)


def test_default_format_off_a_terminal_is_csv(cli):
    result = cli("summary", "sample_sessions/events.csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == ",".join(["task", *METRICS])


# --- parity with the library -------------------------------------------------------------------


@pytest.mark.parametrize("by,time_of", [("task", "success"), ("task,variant", "success"), ("task", "all")])
def test_cli_json_equals_library(cli, by, time_of):
    import uxcli
    from uxcli.render.text import records

    rows = as_json(cli("summary", "sample_sessions/", "-f", "json", "--by", by, "--time-of", time_of))
    data = uxcli.load([str(SAMPLES)])
    expected = records(uxcli.summarize(data.attempts, by=by.split(","), time_of=time_of))
    assert [{k: v for k, v in r.items() if k not in TIME_N_COLUMNS} for r in rows] == expected


# --- stdin -------------------------------------------------------------------------------------


def test_stdin_event_log(cli):
    data = (SAMPLES / "events.csv").read_bytes()
    rows = as_json(cli("summary", "-", "-f", "json", input=data))
    assert rows == as_json(cli("summary", "sample_sessions/events.csv", "-f", "json"))


@pytest.mark.parametrize("layout", [["--layout", "yaml"], []], ids=["layout-yaml", "autodetect"])
def test_stdin_yaml(cli, layout):
    data = (SAMPLES / "layouts" / "study.yaml").read_bytes()
    rows = as_json(cli("summary", "-", "-f", "json", "--unit", "attempt", *layout, input=data))
    assert counts(rows) == README_COUNTS


def test_stdin_and_file_together(cli):
    data = (DATA / "v1_header_aliases.csv").read_bytes()
    rows = as_json(cli("summary", "sample_sessions/layouts/attempts.csv", "-", "-f", "json", input=data))
    assert [r["task"] for r in rows] == [*TASK_ORDER, "login"]
    assert counts(rows)["login"] == (2, 1, 1, 0)


# --- attempt tables, wide matrices, spreadsheet habits, header aliases ---------------------------


def test_attempt_table_clock_times_and_outcome_words(cli):
    rows = as_json(cli("summary", DATA / "v1_attempts_clock.csv", "-f", "json", "--time-of", "all"))
    (row,) = rows
    # yes/1/pass/true/Y -> success; no/0/fail/false/n -> failure ("no" is a failure, not an abandon)
    assert (row["attempts"], row["successes"], row["failures"], row["abandons"]) == (10, 5, 5, 0)
    # 1:05=65, 0:01:10=70, 1:02:03=3723, 45, 2:00=120, 30.5, 0:59=59, 1:00:00=3600, 10, 11
    times = [65, 70, 3723, 45, 120, 30.5, 59, 3600, 10, 11]
    assert row["time_mean"] == pytest.approx(sum(times) / 10)
    assert row["time_median"] == pytest.approx(62.0)


def test_missing_clicks_column_is_null_not_zero(cli):
    rows = as_json(cli("summary", DATA / "v1_published.csv", "-f", "json"))
    for row in rows:
        for metric in ("clicks_mean", "clicks_median", "errors_total", "errors_per_attempt", "error_rate"):
            assert row[metric] is None, metric
    result = cli("summary", DATA / "v1_published.csv", "-f", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["clicks_mean"] for r in table] == ["", ""]
    assert [r["errors_total"] for r in table] == ["", ""]
    assert table[0]["abandonment_rate"] == "0.0"  # a real zero stays 0


def test_wide_empty_cell_not_counted(cli):
    rows = as_json(cli("summary", DATA / "v1_wide_yn.csv", "-f", "json"))
    assert counts(rows) == {"Login": (4, 3, 1, 0), "Search": (3, 1, 2, 0), "Checkout": (3, 2, 1, 0)}


def test_wide_layout_forced(cli):
    rows = as_json(cli("summary", DATA / "v1_wide_yn.csv", "-f", "json", "--layout", "wide"))
    assert [r["task"] for r in rows] == ["Login", "Search", "Checkout"]


def test_spreadsheet_habits(cli):
    # UTF-8 BOM, ';' delimiter, decimal commas, CRLF, a ';;;;' row and blank lines at the end
    rows = as_json(cli("summary", DATA / "v1_excel_habits.csv", "-f", "json", "--time-of", "all"))
    (row,) = rows
    assert row["task"] == "login"
    assert (row["attempts"], row["successes"], row["failures"], row["abandons"]) == (4, 2, 1, 1)
    assert row["time_mean"] == pytest.approx((12.5 + 7.25 + 62.5 + 20) / 4)
    assert row["clicks_mean"] == pytest.approx(2.5)  # successful attempts: 3 and 2


def test_header_aliases(cli):
    rows = as_json(cli("summary", DATA / "v1_header_aliases.csv", "-f", "json", "--time-of", "all"))
    assert counts(rows) == {"login": (2, 1, 1, 0)}
    assert rows[0]["time_mean"] == pytest.approx(25.0)


@pytest.mark.parametrize("header", ["Time (s)", "time_s", "Seconds", "DURATION", "time-on-task", "TIME-ON-TASK"])
def test_time_header_aliases(cli, tmp_path, header):
    path = tmp_path / "t.csv"
    path.write_text(f"User_ID,Mission,outcome,{header}\nU1,m,success,42\n", encoding="utf-8")
    (row,) = as_json(cli("summary", path, "-f", "json"))
    assert row["task"] == "m" and row["time_mean"] == 42.0


@pytest.mark.parametrize(
    "participant", ["participant", "Participant ID", "user", "user_id", "Tester", "respondent", "ID"]
)
@pytest.mark.parametrize("task", ["task", "Task_ID", "task name", "MISSION"])
def test_label_header_aliases(cli, tmp_path, participant, task):
    path = tmp_path / "t.csv"
    path.write_text(f"{participant},{task},outcome\nU1,m,success\nU2,m,no\n", encoding="utf-8")
    (row,) = as_json(cli("summary", path, "-f", "json"))
    assert (row["task"], row["attempts"], row["successes"]) == ("m", 2, 1)


def test_several_paths_keep_task_order(cli, tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text("participant,task,outcome\nP1,zeta,success\nP1,alpha,success\n", encoding="utf-8")
    b.write_text("participant,task,outcome\nP2,mid,success\nP2,zeta,failure\n", encoding="utf-8")
    rows = as_json(cli("summary", a, b, "-f", "json"))
    assert [r["task"] for r in rows] == ["zeta", "alpha", "mid"]
    assert counts(rows)["zeta"] == (2, 1, 1, 0)


# --- bad input: exit 1, one error line naming file, line and column ----------------------------


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_non_numeric_time(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome,time\nP1,a,success,10:00\nP2,a,success,10:6O\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:3" in line and 'column "time"' in line and "10:6O" in line


def test_unknown_outcome_word(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,success\nP2,a,sucess\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:3" in line and 'column "outcome"' in line and "sucess" in line
    assert 'did you mean "success"' in line


def test_missing_required_column(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,tsk,outcome\nP1,a,success\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:1" in line
    assert '"participant", "tsk", "outcome"' in line  # the columns found
    assert 'did you mean "tsk"' in line  # the closest one


def test_missing_event_column_suggests_closest(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,timestmp,event\nP1,a,1,start\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert "timestamp" in line and 'did you mean "timestmp"' in line


def test_empty_file(cli, tmp_path):
    path = write(tmp_path, "t.csv", "")
    line = single_error(cli("summary", path, "-f", "json"))
    assert str(path) in line and "empty" in line


def test_header_only_file(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:1" in line and "no data rows" in line


@pytest.mark.parametrize(
    "text",
    ["participant,task,outcome\r\n\r\n\r\n", "participant;task;outcome\r\n;;\r\n;;\r\n"],
    ids=["blank-lines", "empty-delimiter-rows"],
)
def test_header_with_only_blank_rows_is_header_only(cli, tmp_path, text):
    # a spreadsheet export of an empty sheet: nothing to analyse is bad data, not an empty result
    path = write(tmp_path, "t.csv", text)
    line = single_error(cli("summary", path, "-f", "json"))
    assert str(path) in line


def test_directory_without_data_files(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("participant,task,outcome\n", encoding="utf-8")
    line = single_error(cli("summary", tmp_path, "-f", "json"))
    assert str(tmp_path) in line and ".csv" in line


def test_nonexistent_path(cli, tmp_path):
    line = single_error(cli("summary", tmp_path / "nope.csv", "-f", "json"))
    assert str(tmp_path / "nope.csv") in line and "no such file" in line


def test_invalid_yaml_names_line(cli, tmp_path):
    path = write(tmp_path, "s.yaml", "sessions:\n  - participant: P1\n    tasks: a: b\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:3" in line and "invalid YAML" in line


def test_yaml_unsafe_tag_refused(cli, tmp_path):
    marker = tmp_path / "pwned"
    path = write(tmp_path, "s.yaml", f"participant: !!python/object/apply:os.system ['touch {marker}']\ntasks: []\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert str(path) in line
    assert not marker.exists()


def test_ragged_row(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,success\nP2,a,success,extra\nP3,a,no\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:3" in line


def test_error_names_line_after_blank_and_quoted_lines(cli, tmp_path):
    path = write(tmp_path, "t.csv", 'participant,task,outcome\n\nP1,"a, b",success\nP2,a,maybe\n')
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:4" in line and "maybe" in line


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-inf"])
def test_non_finite_time_is_bad_data(cli, tmp_path, value):
    # "inf"/"nan" are not task times; they must be reported like any other bad time value
    path = write(tmp_path, "t.csv", f"participant,task,outcome,time\nP1,a,success,{value}\nP2,a,success,5\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:2" in line and 'column "time"' in line


def test_negative_time_is_bad_data(cli, tmp_path):
    path = write(tmp_path, "t.csv", "participant,task,outcome,time\nP1,a,success,-5\n")
    line = single_error(cli("summary", path, "-f", "json"))
    assert f"{path}:2" in line and 'column "time"' in line


# --- usage errors: exit 2 ----------------------------------------------------------------------


def test_unknown_by_column(cli):
    result = cli("summary", "sample_sessions/events.csv", "--by", "task,device", "-f", "json")
    line = single_error(result, exit_code=2)
    assert "device" in line


def test_bad_format_value(cli):
    result = cli("summary", "sample_sessions/events.csv", "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "xml" in result.stderr and "Traceback" not in result.stderr


def test_output_suffix_unknown_without_format(cli, tmp_path):
    out = tmp_path / "out.xyz"
    line = single_error(cli("summary", "sample_sessions/events.csv", "-o", out), exit_code=2)
    assert "out.xyz" in line and "--format" in line
    assert not out.exists()


def test_bad_layout_value(cli):
    result = cli("summary", "sample_sessions/events.csv", "--layout", "matrix")
    assert result.exit_code == 2 and result.stdout == ""


def test_no_paths_is_usage_error(cli):
    result = cli("summary")
    assert result.exit_code == 2 and result.stdout == ""


# --- -o ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix,check",
    [
        (".csv", lambda text: text.startswith("task,attempts,")),
        (".json", lambda text: json.loads(text)[0]["task"] == "find-product"),
        (".md", lambda text: text.startswith("| Task | n | Success |")),  # the readable table
    ],
)
def test_output_file_format_from_suffix(cli, tmp_path, suffix, check):
    out = tmp_path / f"metrics{suffix}"
    result = cli("summary", "sample_sessions/events.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert check(out.read_text(encoding="utf-8"))


def test_output_equals_stdout(cli, tmp_path):
    out = tmp_path / "m.json"
    assert cli("summary", "sample_sessions/", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == cli("summary", "sample_sessions/", "-f", "json").stdout


def test_output_onto_an_input_is_refused(cli, tmp_path):
    target = tmp_path / "attempts.csv"
    original = (SAMPLES / "layouts" / "attempts.csv").read_bytes()
    target.write_bytes(original)
    line = single_error(cli("summary", target, "-o", target), exit_code=2)
    assert "overwrite" in line
    assert target.read_bytes() == original


def test_output_into_an_input_directory_as_csv_is_refused(cli, tmp_path):
    (tmp_path / "a.csv").write_bytes((SAMPLES / "layouts" / "attempts.csv").read_bytes())
    result = cli("summary", tmp_path, "-o", tmp_path / "summary.csv")
    single_error(result, exit_code=2)
    assert not (tmp_path / "summary.csv").exists()


def test_failed_run_writes_no_output_file(cli, tmp_path):
    bad = write(tmp_path, "t.csv", "participant,task,outcome\nP1,a,maybe\n")
    out = tmp_path / "out.json"
    single_error(cli("summary", bad, "-o", out))
    assert not out.exists()


# --- entry points and import weight ------------------------------------------------------------


def run_python(*args, stdin=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, input=stdin, timeout=120)


def test_python_m_uxcli_help():
    proc = run_python("-m", "uxcli", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "summary" in proc.stdout and "attempts" in proc.stdout


def test_python_m_uxcli_summary_exit_codes():
    ok = run_python("-m", "uxcli", "summary", "sample_sessions/events.csv", "-f", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["task"] == "find-product"
    bad = run_python("-m", "uxcli", "summary", "does/not/exist.csv")
    assert bad.returncode == 1 and bad.stdout == "" and bad.stderr.startswith("error: ")
    usage = run_python("-m", "uxcli", "summary", "sample_sessions/events.csv", "--by", "nope")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_cli_import_does_not_load_pandas():
    proc = run_python("-c", "import uxcli.cli, sys; print('pandas' in sys.modules, 'scipy' in sys.modules)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


def test_library_import_does_not_load_typer_or_rich():
    proc = run_python("-c", "import uxcli, sys; print('typer' in sys.modules, 'rich' in sys.modules)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]


# --- issue "Statistical truth": median interval, opportunities, gates at the target, bound vs verdict --


def test_table_prints_the_medians_own_interval_from_n_25(cli, tmp_path):
    """Times of 30 successes: the table's headline is the median, and the interval beside it is the
    median's order-statistic interval (10th and 21st of 30, scipy.stats.binom), not the log-t one."""
    from scipy.stats import binom

    times = [20 + 3 * i for i in range(30)]  # 20, 23, ..., 107 s
    path = tmp_path / "t.csv"
    path.write_text("participant,task,outcome,time\n" + "".join(f"P{i},t,success,{t}\n" for i, t in enumerate(times)))
    (row,) = as_json(cli("summary", path, "-f", "json"))
    rank = next(k for k in range(31) if binom.cdf(k, 30, 0.5) >= 0.025)
    assert (row["time_median_ci_low"], row["time_median_ci_high"]) == (times[rank - 1], times[30 - rank])  # 47, 80
    out = tmp_path / "table.txt"
    assert cli("summary", path, "-o", out).exit_code == 0
    assert "1m 4s n=30 (47s–1m 20s)" in out.read_text()  # median 63.5 s; was the log-t interval of the geometric mean


def test_errors_per_opportunity_from_the_option_or_the_study(cli, tmp_path):
    """Σerrors / (attempts × opportunities) (reference "Errors"; Sauro & Kindlund 2005)."""
    path = tmp_path / "t.csv"
    path.write_text("participant,task,outcome,errors\nP1,a,success,1\nP2,a,failure,3\nP1,b,success,0\n")
    rows = as_json(cli("summary", path, "-f", "json", "--opportunities", "a=4", "--opportunities", "5"))
    assert [r["errors_per_opportunity"] for r in rows] == [4 / (2 * 4), 0.0]
    assert "errors_per_opportunity" not in as_json(cli("summary", path, "-f", "json"))[0]
    study = tmp_path / "study.yaml"
    study.write_text("tasks:\n  a:\n    error_opportunities: 8\n")
    rows = as_json(cli("summary", path, "-f", "json", "--study", study))
    assert rows[0]["errors_per_opportunity"] == 4 / (2 * 8) and rows[1]["errors_per_opportunity"] is None
    result = cli("summary", path, "--opportunities", "nope=3")
    assert result.exit_code != 0 and "no task 'nope'" in result.stderr


def test_time_gate_at_exactly_the_target_passes(cli, tmp_path):
    """exp(mean(ln 30)) = 30.000000000000004: "30.0 s > 30.0 s" failed the gate at 30."""
    path = tmp_path / "t.csv"
    path.write_text("participant,task,outcome,time\nP1,t,success,30\nP2,t,success,30\nP3,t,success,30\n")
    result = cli("summary", path, "-f", "json", "--fail-under", "time=30")
    assert result.exit_code == 0, result.stderr
    assert cli("summary", path, "-f", "json", "--fail-under", "time=29.9").exit_code == 1


def test_time_bound_gate_agrees_with_the_time_benchmark(cli, tmp_path):
    """--gate-on bound checks the upper log-t bound; --benchmark with a study time_limit reads the same
    bound: the gate passes iff the verdict is "faster" (MeasuringU, comparing task times to a benchmark)."""
    path = tmp_path / "t.csv"
    times = [55, 65, 75, 62, 45, 135]  # 68.2 s (46.0–101.2), MeasuringU time calculator
    path.write_text("participant,task,outcome,time\n" + "".join(f"P{i},t,success,{t}\n" for i, t in enumerate(times)))
    for target in (110, 95):
        study = tmp_path / f"study{target}.yaml"
        study.write_text(f"tasks:\n  t:\n    time_limit: {target}\n")
        result = cli("summary", path, "-f", "json", "--benchmark", "--study", study, "--gate-on", "bound",
                     "--fail-under", f"time={target}")  # fmt: skip
        (row,) = json.loads(result.stdout)
        faster = row["benchmark_time_verdict"].startswith("faster")
        assert faster == (target == 110) and (result.exit_code == 0) == faster
        assert (row["benchmark_time_p"] < 0.025) == faster


# --- retries: participants are the unit (issue: "Rates count attempts, not participants") ------------

# P1 fails twice then succeeds, P2 succeeds at once, P3 fails then abandons
RETRIES_CSV = """participant,task,outcome,time,clicks,errors
P1,search,failure,10,3,2
P1,search,failure,20,5,1
P1,search,success,30,4,0
P2,search,success,15,6,0
P3,search,failure,5,2,3
P3,search,abandon,7,1,1
"""


def test_retries_count_once_per_participant(cli, tmp_path):
    path = write(tmp_path, "retries.csv", RETRIES_CSV)
    (row,) = as_json(cli("summary", path, "-f", "json"))
    assert (row["attempts"], row["participants"], row["successes"], row["failures"], row["abandons"]) == (6, 3, 2, 0, 1)
    rates = (row["success_rate"], row["first_try_success_rate"], row["abandonment_rate"])
    assert rates == pytest.approx((2 / 3, 1 / 3, 1 / 3), abs=5e-7)  # JSON keeps 6 decimals
    # adjusted Wald (Sauro & Lewis, QUX ch. 3): (x + z²/2) / (n + z²) ± z·sqrt(p(1 − p)/(n + z²))
    z = 1.959963984540054
    for x, low, high in (
        (2, row["success_ci_low"], row["success_ci_high"]),
        (1, row["first_try_ci_low"], row["first_try_ci_high"]),
    ):
        p = (x + z * z / 2) / (3 + z * z)
        half = z * (p * (1 - p) / (3 + z * z)) ** 0.5
        assert (low, high) == pytest.approx((max(0, p - half), min(1, p + half)), abs=5e-7)
    assert row["errors_per_attempt"] == pytest.approx(7 / 6, abs=5e-7)  # errors stay per attempt
    assert row["time_mean"] == pytest.approx((30 + 15) / 2, abs=5e-7)  # P1's successful attempt, P2's
    (total,) = as_json(cli("summary", path, "-f", "json", "--time-of", "all"))
    assert total["time_mean"] == pytest.approx(
        (10 + 20 + 30 + 15 + 5 + 7) / 3, abs=5e-7
    )  # each participant's total time


def test_unit_attempt_gives_attempt_rates(cli, tmp_path):
    path = write(tmp_path, "retries.csv", RETRIES_CSV)
    (row,) = as_json(cli("summary", path, "-f", "json", "--unit", "attempt"))
    assert (row["attempts"], row["participants"], row["successes"], row["failures"], row["abandons"]) == (6, 3, 2, 3, 1)
    rates = (row["success_rate"], row["abandonment_rate"], row["first_try_success_rate"])
    assert rates == pytest.approx((2 / 6, 1 / 6, 1 / 3), abs=5e-7)
    assert row["time_mean"] == pytest.approx((30 + 15) / 2, abs=5e-7)  # the successful attempts
    (total,) = as_json(cli("summary", path, "-f", "json", "--unit", "attempt", "--time-of", "all"))
    assert total["time_mean"] == pytest.approx((10 + 20 + 30 + 15 + 5 + 7) / 6, abs=5e-7)  # every attempt's time
    bad = cli("summary", path, "--unit", "people")
    assert bad.exit_code == 2 and "--unit" in bad.stderr


def test_sample_without_retries_is_the_same_in_both_units(cli):
    for options in ([], ["--by", "task,variant"], ["--time-of", "all"], ["--benchmark"]):
        a = cli("summary", DATA / "v1_published.csv", "-f", "csv", *options)
        b = cli("summary", DATA / "v1_published.csv", "-f", "csv", "--unit", "attempt", *options)
        assert a.exit_code == 0 and a.stdout == b.stdout


def test_table_caption_says_what_the_rates_count(cli, tmp_path):
    out = tmp_path / "summary.txt"
    assert cli("summary", "sample_sessions/", "-o", out).exit_code == 0
    text = " ".join(out.read_text(encoding="utf-8").split())
    # README: the retries are P02's change-address and P07's apply-coupon
    assert "Rates per participant: 2 participants retried a task" in text
    assert cli("summary", "sample_sessions/", "-o", out, "--unit", "attempt").exit_code == 0
    assert "Rates per attempt (--unit attempt): 2 participants retried a task" in " ".join(out.read_text().split())
    assert cli("summary", DATA / "v1_published.csv", "-o", out).exit_code == 0
    assert "retried" not in out.read_text(encoding="utf-8")  # no retries, nothing to say
    # the n column is the rates' n: 8 participants for apply-coupon (9 attempts)
    assert cli("summary", "sample_sessions/events.csv", "-o", out).exit_code == 0
    coupon = next(line for line in out.read_text(encoding="utf-8").splitlines() if "apply-coupon" in line)
    assert coupon.split()[1:3] == ["8", "62%"]


def test_gate_on_bound_uses_participant_counts(cli, tmp_path):
    path = write(tmp_path, "retries.csv", RETRIES_CSV)
    # 2 of 3 participants: adjusted-Wald lower bound 0.2024 (2 of 6 attempts: 0.0925)
    result = cli("summary", path, "-f", "csv", "--fail-under", "success=0.15", "--gate-on", "bound")
    assert result.exit_code == 0, result.stderr
    result = cli(
        "summary", path, "-f", "csv", "--fail-under", "success=0.15", "--gate-on", "bound", "--unit", "attempt"
    )
    assert result.exit_code == 1 and "success rate lower 95% bound 0.09 (point estimate 0.33) < 0.15" in result.stderr


def test_benchmark_uses_participant_counts(cli, tmp_path):
    from scipy import stats as st

    path = write(tmp_path, "retries.csv", RETRIES_CSV)
    (row,) = as_json(cli("summary", path, "-f", "json", "--benchmark"))
    assert row["benchmark_success_p"] == pytest.approx(st.binomtest(2, 3, 0.78, alternative="greater").pvalue, abs=5e-7)
    (row,) = as_json(cli("summary", path, "-f", "json", "--benchmark", "--unit", "attempt"))
    assert row["benchmark_success_p"] == pytest.approx(st.binomtest(2, 6, 0.78, alternative="greater").pvalue, abs=5e-7)


def test_summary_does_not_import_scipy_stats():
    # scipy.stats takes most of a second to import; a summary needs only scipy.special's quantiles
    # (an option check once imported it through the Single Usability Metric module for a string parser)
    code = (
        "import sys; from uxcli.cli.commands import app\n"
        "try:\n    app(prog_name='uxcli', args=['summary', 'sample_sessions/events.csv', '-f', 'csv',"
        " '--opportunities', '3'])\nexcept SystemExit:\n    pass\n"
        "print('scipy.stats' in sys.modules, file=sys.stderr)"
    )
    proc = run_python("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("task,")
    assert proc.stderr.strip().splitlines()[-1] == "False"


def test_streamed_summary_states_the_design_as_read_whole(cli, tmp_path):
    """A summary computed while streaming says the design (conditions, within subjects) as the whole-file
    reader does: in the notes when grouped by the condition, and in --verbose's design line."""
    rows = ["participant,variant,task,timestamp,event"]
    for p in range(6):
        for t, (variant, event) in enumerate([("A", "start"), ("A", "success"), ("B", "start"), ("B", "failure")]):
            rows.append(f"P{p},{variant},T1,{10 * t + p},{event}")
    path = tmp_path / "within.csv"
    path.write_text("\n".join(rows) + "\n")
    said = {}
    for engine in ("stream", "whole"):
        grouped = cli("summary", path, "--by", "variant", "--format", "csv", "--engine", engine)
        verbose = cli("summary", path, "--format", "csv", "--engine", engine, "-v")
        assert grouped.exit_code == verbose.exit_code == 0
        said[engine] = (
            grouped.stdout,
            grouped.stderr,
            [line for line in verbose.stderr.splitlines() if "design" in line],
        )
    assert said["stream"] == said["whole"]
    assert "within subjects (6 participants did both)" in said["stream"][1]
