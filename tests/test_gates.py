"""Release gates: rule parsing, point vs bound, and the exit codes a CI pipeline relies on."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from uxcli.errors import OptionError
from uxcli.gates import check, parse_rule, parse_rules

STUDY = "sample_sessions/layouts/study.yaml"
EVENTS = "sample_sessions/events.csv"


# --- parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,metric,target,task",
    [
        ("success=0.8", "success", 0.8, None),
        ("success=80%", "success", 0.8, None),
        ("completion=0.9", "success", 0.9, None),
        ("success=apply-coupon:0.5", "success", 0.5, "apply-coupon"),
        ("time=checkout:120", "time", 120.0, "checkout"),
        ("time=checkout:120s", "time", 120.0, "checkout"),
        ("time=90", "time", 90.0, None),
        ("sus=68", "sus", 68.0, None),
        ("SEQ=5.5", "seq", 5.5, None),
        ("errors=0.5", "errors", 0.5, None),
        ("nps=0", "nps", 0.0, None),
        ("umux-lite=68", "umux", 68.0, None),
    ],
)
def test_parse_rule(text, metric, target, task):
    rule = parse_rule(text)
    assert (rule.metric.key, rule.target, rule.task, rule.text) == (metric, pytest.approx(target), task, text)


@pytest.mark.parametrize(
    "text,message",
    [
        ("success", "METRIC=TARGET"),
        ("speed=3", "METRIC=TARGET"),
        ("success=1.5", "fraction 0-1"),
        ("success=abc", "not a number"),
        ("time=:90", "task name before ':' is empty"),
        ("time=checkout:0", "must be positive"),
        ("sus=checkout:68", "study-wide, not per task"),
        ("sus=68%", "percent only makes sense"),
        ("success=nan", "not a number"),
    ],
)
def test_parse_rule_errors(text, message):
    with pytest.raises(OptionError, match=message):
        parse_rule(text)


# --- checking --------------------------------------------------------------------------------------

GROUPS = pd.DataFrame(
    {
        "task": ["a", "b"],
        "success_rate": [0.9, 0.56],
        "success_ci_low": [0.6, 0.27],
        "success_ci_high": [0.99, 0.81],
        "time_geomean": [50.0, 90.1],
        "time_ci_low": [40.0, 72.3],
        "time_ci_high": [60.0, 112.3],
    }
)


def test_point_estimate_is_the_default():
    failures, checks = check(parse_rules(["success=0.8"]), GROUPS, ["task"])
    assert checks == 2
    assert [str(f) for f in failures] == ['task "b": success rate 0.56 < 0.80 (rule success=0.8, point estimate)']


def test_bound_uses_the_pessimistic_end():
    failures, _ = check(parse_rules(["success=0.5"]), GROUPS, ["task"], mode="bound")
    assert [str(f) for f in failures] == [
        'task "b": success rate lower 95% bound 0.27 (point estimate 0.56) < 0.50 (rule success=0.5, lower bound of the 95% CI)'
    ]
    # time: lower is better, so the bound is the upper end of the interval
    failures, _ = check(parse_rules(["time=100"]), GROUPS, ["task"], mode="bound", confidence=0.9)
    assert [str(f) for f in failures] == [
        'task "b": time upper 90% bound 112.3 s (geometric mean 90.1 s) > 100.0 s (rule time=100, upper bound of the 90% CI)'
    ]
    assert check(parse_rules(["time=100"]), GROUPS, ["task"])[0] == []


def test_task_rule_checks_one_task():
    failures, checks = check(parse_rules(["time=b:80"]), GROUPS, ["task"])
    assert checks == 1
    assert str(failures[0]) == 'task "b": time (geometric mean) 90.1 s > 80.0 s (rule time=b:80, point estimate)'


def test_unknown_task_or_missing_task_grouping_is_a_usage_error():
    with pytest.raises(OptionError, match="no task 'bb'.*did you mean \"b\""):
        check(parse_rules(["time=bb:80"]), GROUPS, ["task"])
    with pytest.raises(OptionError, match="add task to --by"):
        check(parse_rules(["time=b:80"]), GROUPS.drop(columns="task").assign(variant=["A", "B"]), ["variant"])
    with pytest.raises(OptionError, match="--gate-on"):
        check(parse_rules(["time=80"]), GROUPS, ["task"], mode="median")


def test_missing_figure_fails_the_gate():
    failures, _ = check(parse_rules(["sus=68"]), GROUPS, ["task"], {})
    assert [str(f) for f in failures] == [
        "overall: no SUS mean to check (no SUS data: give YAML sessions with questionnaires: {sus: ...} answers, "
        "or check a survey export with: uxcli sus FILE --fail-under sus=68); could not be tested (rule sus=68, "
        "point estimate)"
    ]
    nan_time = GROUPS.assign(time_geomean=[math.nan, 10.0])
    failures, _ = check(parse_rules(["time=60"]), nan_time, ["task"])
    assert str(failures[0]).startswith('task "a": no time (geometric mean) to check')


def test_missing_bound_fails_the_gate_as_untested():
    # identical values have no interval (reference "Which estimate, which interval"): the bound is NaN
    no_bound = GROUPS.assign(time_ci_high=[math.nan, 112.3])
    failures, checks = check(parse_rules(["time=a:100"]), no_bound, ["task"], mode="bound")
    assert checks == 1
    assert [str(f) for f in failures] == [
        'task "a": time (geometric mean) 50.0 s has no upper bound of the 95% CI (too few values, or no '
        "variation); could not be tested (rule time=a:100, upper bound of the 95% CI)"
    ]
    assert check(parse_rules(["time=a:100"]), no_bound, ["task"])[0] == []  # the point estimate exists


def test_summary_gate_on_bound_fails_on_identical_times(cli, tmp_path):
    # times 30, 30, 30: before, a 30-30 s interval passed time=40 on the bound; now there is no bound
    path = tmp_path / "same.csv"
    path.write_text("participant,task,outcome,time,errors\nP1,t,success,30,0\nP2,t,success,30,0\nP3,t,success,30,0\n")
    result = cli("summary", path, "-f", "csv", "--fail-under", "time=40", "--gate-on", "bound")
    assert result.exit_code == 1
    assert "could not be tested (rule time=40, upper bound of the 95% CI)" in result.stderr
    errors = cli("summary", path, "-f", "csv", "--fail-under", "errors=0.5", "--gate-on", "bound")
    assert errors.exit_code == 1  # errors 0, 0, 0: no t interval either
    assert "errors per attempt 0.00 has no upper bound" in errors.stderr
    assert cli("summary", path, "-f", "csv", "--fail-under", "time=40").exit_code == 0  # point: 30 s <= 40 s


def test_grouped_rows_name_every_group_column():
    groups = GROUPS.assign(variant=["A", "B"])
    failures, _ = check(parse_rules(["success=0.8"]), groups, ["task", "variant"])
    assert str(failures[0]).startswith('task "b", variant "B": success rate 0.56')


# --- exit codes through the CLI --------------------------------------------------------------------


def test_summary_gate_passes_with_exit_0(cli):
    result = cli("summary", EVENTS, "-f", "csv", "--fail-under", "success=0.5")
    assert result.exit_code == 0, result.stderr
    assert "gates passed: 5 checks of success=0.5 on point estimates" in result.stderr


def test_summary_gate_fails_with_exit_1_and_still_writes_the_output(cli):
    plain = cli("summary", EVENTS, "-f", "csv")
    result = cli("summary", EVENTS, "-f", "csv", "--fail-under", "success=0.8", "--fail-under", "time=checkout:80")
    assert result.exit_code == 1
    assert result.stdout == plain.stdout  # the data are valid: the summary is complete
    lines = result.stderr.splitlines()
    assert lines == [
        # per participant (sample_sessions/README.md): apply-coupon 5 of 8 (P07 succeeded on a retry: 5 of 9
        # attempts); change-address 6 of 7 passes (P02 succeeded on a retry: 6 of 8 attempts)
        'gate failed: task "apply-coupon": success rate 0.62 < 0.80 (rule success=0.8, point estimate)',
        'gate failed: task "checkout": success rate 0.75 < 0.80 (rule success=0.8, point estimate)',
        'gate failed: task "checkout": time (geometric mean) 90.1 s > 80.0 s (rule time=checkout:80, point estimate)',
        "error: 3 of 6 gate checks failed",
    ]


def test_summary_gate_on_bound(cli):
    result = cli("summary", EVENTS, "-f", "csv", "--fail-under", "success=0.6", "--gate-on", "bound")
    assert result.exit_code == 1
    # 8 of 8 still has a lower bound of 0.63 at 95%: every task fails a 0.6 bound except add-to-cart
    assert result.stderr.count("gate failed") == 4
    assert "add-to-cart" not in result.stderr


def test_summary_gate_errors_seq_and_sus(cli):
    result = cli(
        "summary", STUDY, "-f", "csv", "--fail-under", "sus=68", "--fail-under", "seq=4", "--fail-under", "errors=1.5"
    )
    assert result.exit_code == 1
    assert 'task "apply-coupon": SEQ mean 3.25 < 4.00 (rule seq=4, point estimate)' in result.stderr
    assert 'task "apply-coupon": errors per attempt 1.78 > 1.50 (rule errors=1.5, point estimate)' in result.stderr
    assert "SUS" not in result.stderr  # 71.6 >= 68
    no_sus = cli("summary", EVENTS, "-f", "csv", "--fail-under", "sus=68")
    assert no_sus.exit_code == 1
    assert "overall: no SUS mean to check" in no_sus.stderr


def test_summary_gate_grouped_by_variant(cli):
    result = cli("summary", STUDY, "--by", "task,variant", "-f", "csv", "--fail-under", "success=apply-coupon:0.5")
    assert result.exit_code == 1
    assert 'task "apply-coupon", variant "A": success rate 0.25 < 0.50' in result.stderr


@pytest.mark.parametrize(
    "rule,message",
    [
        ("success=2", "fraction 0-1"),
        ("time=chekout:80", 'did you mean "checkout"'),
        ("speed=1", "METRIC=TARGET"),
    ],
)
def test_summary_bad_rule_exit_2(cli, rule, message):
    result = cli("summary", EVENTS, "-f", "csv", "--fail-under", rule)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_gate_on_needs_a_valid_choice(cli):
    result = cli("summary", EVENTS, "--gate-on", "median", "--fail-under", "success=0.5")
    assert result.exit_code == 2
