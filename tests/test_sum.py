"""SUM (Sauro & Kindlund 2005): components against hand computations with scipy, specs, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import DATA, SAMPLES
from scipy import stats as st

from uxcli import stats
from uxcli.errors import OptionError
from uxcli.questionnaires.seq import ratings_from_sessions as seq_ratings
from uxcli.readers.read import load
from uxcli.tasks.usability_metric import SUM_COLUMNS, parse_task_numbers, single_usability_metric

SESSIONS = "tests/data/q_sessions.yaml"


def run(path=DATA / "q_sessions.yaml", **options):
    data = load([str(path)])
    return single_usability_metric(data.attempts, seq_ratings(data.responses), data.study, **options)


def test_four_components_against_scipy():
    frame, overall, notes = run()
    search = frame.set_index("task").loc["search"]
    # tests/data/q_sessions.yaml, task search: 2 of 3 succeed (times 40, 30; limit 60 s), SEQ 6, 2, 7,
    # 4 errors in 3 attempts with 4 opportunities each.
    seq = np.array([6.0, 2.0, 7.0])
    times = np.array([40.0, 30.0])
    expected = {
        "completion": 2 / 3,
        "satisfaction": st.norm.cdf((seq.mean() - 5.5) / seq.std(ddof=1)),  # SEQ spec 5.5 (7-point)
        "time": st.norm.cdf((60 - times.mean()) / times.std(ddof=1)),
        "errors": 1 - 4 / (3 * 4),
    }
    for name, value in expected.items():
        assert search[name] == pytest.approx(value), name
    assert search["components"] == 4
    assert search["sum"] == pytest.approx(np.mean(list(expected.values())))
    # each component's interval is adjusted Wald over its observations; SUM averages the bounds (90%)
    low, high = stats.adjusted_wald(2, 3, 0.90)
    assert (search["completion_ci_low"], search["completion_ci_high"]) == (pytest.approx(low), pytest.approx(high))
    lows = [search[f"{n}_ci_low"] for n in expected]
    assert search["sum_ci_low"] == pytest.approx(np.mean(lows))
    assert (search["time_spec"], search["opportunities"]) == (60.0, 4.0)


def test_missing_opportunities_gives_the_3_metric_version_and_a_note():
    frame, overall, notes = run()
    pay = frame.set_index("task").loc["pay"]
    assert pay["components"] == 3
    assert math.isnan(pay["errors"]) and math.isnan(pay["opportunities"])
    times = np.array([80.0, 95.0, 60.0])
    assert pay["time"] == pytest.approx(st.norm.cdf((90 - times.mean()) / times.std(ddof=1)))
    assert any(n.startswith("errors left out, no error opportunities") and n.endswith(": pay") for n in notes)


def test_overall_is_the_mean_of_the_task_sums():
    frame, overall, _ = run()
    assert overall["sum"] == pytest.approx(frame["sum"].mean())
    assert overall["sum_ci_low"] == pytest.approx(frame["sum_ci_low"].mean())
    assert overall["components"] == 4
    assert list(frame.columns) == SUM_COLUMNS


def test_options_override_the_study_metadata():
    frame, _, _ = run(time_specs={"search": 35.0}, opportunities={None: 2.0})
    search = frame.set_index("task").loc["search"]
    assert search["time"] == pytest.approx(st.norm.cdf((35 - 35) / np.std([40.0, 30.0], ddof=1)))  # 0.5
    assert search["errors"] == pytest.approx(1 - 4 / 6)
    assert frame.set_index("task").loc["pay", "components"] == 4


def test_confidence_default_is_90_percent():
    frame, _, _ = run()
    wide, _, _ = run(confidence=0.95)
    assert wide.loc[0, "sum_ci_low"] < frame.loc[0, "sum_ci_low"]


def test_without_satisfaction_or_specs():
    frame, _, notes = run(SAMPLES / "events.csv")
    assert set(frame["components"]) == {1}
    assert frame["sum"].tolist() == pytest.approx(frame["completion"].tolist())
    assert any(n.startswith("time left out, no spec limit") and n.endswith("every task") for n in notes)


def test_parse_task_numbers():
    assert parse_task_numbers(["checkout=120", "90s"], "--time-spec") == {"checkout": 120.0, None: 90.0}
    with pytest.raises(OptionError, match="TASK=NUMBER"):
        parse_task_numbers(["checkout=fast"], "--time-spec")
    with pytest.raises(OptionError, match="positive"):
        parse_task_numbers(["0"], "--opportunities")


def test_unknown_task_in_an_option():
    with pytest.raises(OptionError, match="no task 'serch'"):
        run(time_specs={"serch": 10.0})


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_json_and_csv(cli):
    result = cli("sum", SESSIONS, "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["tasks", "overall"]
    assert [t["task"] for t in doc["tasks"]] == ["search", "pay"]
    assert list(doc["tasks"][0]) == SUM_COLUMNS
    assert doc["overall"]["task"] is None
    assert "errors left out" in result.stderr
    csv_out = cli("sum", SESSIONS, "-f", "csv")
    assert csv_out.stdout.splitlines()[-1].startswith("(overall),")


def test_cli_options_and_ratings_file(cli):
    result = cli(
        "sum",
        "sample_sessions/events.csv",
        "--ratings",
        "sample_sessions/questionnaires/seq.csv",
        "--time-spec",
        "120",
        "--time-spec",
        "checkout=240",
        "--opportunities",
        "5",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    tasks = {t["task"]: t for t in json.loads(result.stdout)["tasks"]}
    assert {t["components"] for t in tasks.values()} == {4}
    assert tasks["checkout"]["time_spec"] == 240 and tasks["find-product"]["time_spec"] == 120
    # the satisfaction component from the SEQ CSV equals the one from the YAML sessions
    yaml = {
        t["task"]: t for t in json.loads(cli("sum", "sample_sessions/layouts/study.yaml", "-f", "json").stdout)["tasks"]
    }
    assert tasks["apply-coupon"]["satisfaction"] == yaml["apply-coupon"]["satisfaction"]


def test_cli_table(cli, tmp_path):
    out = tmp_path / "sum.txt"
    result = cli("sum", SESSIONS, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "SUM (CI)" in text and "Overall" in text and "90% intervals" in text


def test_cli_bad_option_exit_2(cli):
    result = cli("sum", SESSIONS, "--time-spec", "search=soon")
    assert result.exit_code == 2
