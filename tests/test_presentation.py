"""What researchers see besides the terminal table (issue 17): readable and raw Markdown, the time n and
its unreliable flag in every format, the overall row in CSV/JSON/Markdown, gate messages that name what
they check, and a clear word when a questionnaire export is given as a task log."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd
import pytest

from uxcli import pipeline

TWO_DESIGNS = "sample_sessions/layouts/attempts.csv"


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- time n and the unreliable flag ----------------------------------------------------------------------


def test_time_n_counts_the_completions_each_time_rests_on(cli):
    rows = as_json(cli("summary", TWO_DESIGNS, "--by", "task,variant", "-f", "json"))
    attempts = pd.read_csv(TWO_DESIGNS)
    # one completion time per participant and task: their first success with a time
    done = attempts[(attempts["outcome"] == "success") & (attempts["time"] > 0)]
    expected = done.drop_duplicates(["participant", "task", "variant"]).groupby(["task", "variant"]).size()
    for row in rows:
        n = int(expected.get((row["task"], row["variant"]), 0))
        assert row["time_n"] == n, row["task"]
        assert row["time_ci_unreliable"] is (0 < n < 5)
    assert any(r["time_ci_unreliable"] for r in rows)  # four participants per design: every interval is flagged


def test_time_n_columns_in_csv_follow_the_time_columns(cli):
    result = cli("summary", TWO_DESIGNS, "--by", "task,variant", "--overall", "-f", "csv")
    header = next(csv.reader(io.StringIO(result.stdout)))
    at = header.index("time_median_ci_high")
    assert header[at + 1 : at + 3] == ["time_n", "time_ci_unreliable"]
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["time_ci_unreliable"] for r in rows][-2:] == ["True", "False"]  # the overall row rests on 32


# --- Markdown: readable by default, the machine table with markdown-raw ----------------------------------


def test_markdown_is_the_readable_table_and_markdown_raw_the_machine_one(cli):
    readable = cli("summary", "sample_sessions/", "-f", "markdown")
    assert readable.exit_code == 0, readable.stderr
    lines = readable.stdout.splitlines()
    assert lines[0].startswith("| Task | n | Success |")
    assert "| find-product | 8 | 88% (51–100%) | 88% |" in readable.stdout
    assert "46s n=7 (31s–1m 8s)" in readable.stdout
    assert any(line.startswith("| *Overall* | *39* |") for line in lines)
    assert "95% intervals" in readable.stdout  # the notes go with the table
    raw = cli("summary", "sample_sessions/", "-f", "markdown-raw")
    assert raw.stdout.splitlines()[0].startswith("| task | attempts | participants |")
    assert "| 0.875 |" in raw.stdout and "%" not in raw.stdout


def test_md_suffix_writes_the_readable_table(cli, tmp_path):
    out = tmp_path / "summary.md"
    assert cli("summary", "sample_sessions/", "-o", out).exit_code == 0
    assert "88% (51–100%)" in out.read_text(encoding="utf-8")


# --- the overall row --------------------------------------------------------------------------------------


def test_overall_row_agrees_across_csv_json_and_markdown_raw(cli):
    rows = as_json(cli("summary", TWO_DESIGNS, "--by", "task,variant", "--overall", "-f", "json"))
    assert [r["overall"] for r in rows] == [False] * (len(rows) - 1) + [True]
    last = rows[-1]
    assert last["task"] == last["variant"] == "(all)"
    ungrouped = as_json(cli("summary", TWO_DESIGNS, "--by", "", "-f", "json"))
    assert len(ungrouped) == 1
    for key, value in ungrouped[0].items():  # the overall row is the ungrouped summary
        assert last[key] == value or (isinstance(value, float) and math.isclose(last[key], value)), key
    table = list(csv.DictReader(io.StringIO(cli("summary", TWO_DESIGNS, "--by", "task,variant", "--overall").stdout)))
    assert [r["overall"] for r in table][-2:] == ["False", "True"] and table[-1]["task"] == "(all)"
    assert table[-1]["success_rate"] == str(last["success_rate"])
    raw = cli("summary", TWO_DESIGNS, "--by", "task,variant", "--overall", "-f", "markdown-raw").stdout
    assert raw.splitlines()[-1].startswith("| (all) | (all) |") and raw.splitlines()[0].endswith("| overall |")
    # scripts filter it with the flag; without --overall the rows are the groups only
    plain = as_json(cli("summary", TWO_DESIGNS, "--by", "task,variant", "-f", "json"))
    assert len(plain) == len(rows) - 1 and "overall" not in plain[0]


# --- gate messages ----------------------------------------------------------------------------------------


def test_bound_gate_names_the_bound_and_its_estimate(cli):
    result = cli("summary", "sample_sessions/", "-f", "csv", "--fail-under", "time=checkout:60", "--gate-on", "bound")
    assert result.exit_code == 1
    frame = pd.read_csv(io.StringIO(result.stdout)).set_index("task")
    high, mean = frame.loc["checkout", "time_ci_high"], frame.loc["checkout", "time_geomean"]
    assert f'task "checkout": time upper 95% bound {high:.1f} s (geometric mean {mean:.1f} s) > 60.0 s' in result.stderr


def test_sus_gate_without_sus_says_where_sus_comes_from(cli):
    result = cli("summary", "sample_sessions/", "-f", "csv", "--fail-under", "sus=68")
    assert result.exit_code == 1
    assert "no SUS data: give YAML sessions with questionnaires: {sus: ...}" in result.stderr
    assert "uxcli sus FILE --fail-under sus=68" in result.stderr


# --- a questionnaire export given as the task log ---------------------------------------------------------


@pytest.mark.parametrize(
    "kind,file,expected",
    [
        ("sus", "sample_sessions/questionnaires/sus.csv", "chart sus needs a task log plus --sus FILE; sus.csv looks"),
        ("time", "sample_sessions/questionnaires/sus.csv", "chart time needs a task log; sus.csv looks like a"),
    ],
)
def test_chart_of_a_questionnaire_export_says_what_it_needs(cli, kind, file, expected):
    result = cli("chart", kind, file)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert expected in result.stderr and "questionnaire export" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_chart_of_a_broken_task_log_keeps_its_own_error(cli):
    result = cli("chart", "time", "tests/malformed/bad_timestamp.csv")
    assert result.exit_code == 1
    assert "bad_timestamp.csv:3" in result.stderr and "questionnaire" not in result.stderr


def test_library_overall_frame_has_the_flag_last():
    inputs = pipeline.load_inputs(pipeline.ReadOptions((TWO_DESIGNS,)))
    result = pipeline.summary(inputs, pipeline.SummaryOptions(by=("task", "variant")))
    frame = result.with_overall()
    assert list(frame.columns) == [*result.frame.columns, "overall"]
    assert frame["overall"].sum() == 1 and frame.iloc[-1]["task"] == pipeline.OVERALL_LABEL


# --- printed durations read back (the formats D1's parser reads) ------------------------------------------


@pytest.mark.parametrize("seconds", [0.04, 5.2, 9.96, 42, 83, 3599.6, 3600, 11575, 86399, 172805])
def test_printed_durations_read_back(seconds):
    from uxcli.readers.durations import parse_duration
    from uxcli.render.formatting import format_duration
    from uxcli.report.charts.common import _short_duration

    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, abs=0.05 if seconds < 9.95 else 0.5)
    assert parse_duration(_short_duration(seconds)) == pytest.approx(seconds, abs=0.5)  # chart ticks
