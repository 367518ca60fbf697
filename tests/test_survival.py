"""Time-to-success with censoring (uxcli.survival, `uxcli survival`, chart "survival").

Worked example of issue #16, verified by hand and with scipy: successes at 45, 55, 62, 65, 75, 135 s, a
give-up at 120 s and a time-out (failure) at 180 s. Kaplan–Meier (Kaplan & Meier 1958): S = .875, .750,
.625, .500, .375 at 45–75 s, .1875 after 135 s; median 65 s; the 95% log-log interval of S(65) is .152–.775
(Kalbfleisch & Prentice 2002, eq. 1.12). Aalen–Johansen (Aalen & Johansen 1978; Putter et al. 2007):
cumulative incidence of success .125, .25, .375, .50, .625, then .75 (KM overstates: 1 − S = .8125).
Rummel (2014, JUS 10(1)): geometric mean 68.24 s ÷ completion rate .75 = 91.0 s.
"""

from __future__ import annotations

import csv
import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from uxcli.errors import OptionError
from uxcli.survival import SurvivalOptions, survival_of
from uxcli.survival.estimate import aalen_johansen, curve, first_below_half, units

SUCCESS_TIMES = [45, 55, 62, 65, 75, 135]
EXAMPLE = (
    "participant,task,outcome,time\n"
    + "".join(f"P{i + 1},checkout,success,{t}\n" for i, t in enumerate(SUCCESS_TIMES))
    + "P7,checkout,abandon,120\nP8,checkout,timed out,180\n"
)


def attempts_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["participant", "variant", "task", "attempt", "outcome", "time"])
    frame["session"] = pd.NA
    return frame


def example_attempts() -> pd.DataFrame:
    rows = [(f"P{i + 1}", "A", "checkout", 1, "success", float(t)) for i, t in enumerate(SUCCESS_TIMES)]
    rows += [("P7", "A", "checkout", 1, "abandon", 120.0), ("P8", "A", "checkout", 1, "failure", 180.0)]
    return attempts_frame(rows)


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


def test_worked_example_kaplan_meier_and_median() -> None:
    result = survival_of(example_attempts(), ["task"], SurvivalOptions())
    curves = result.curves.set_index("time")
    assert curves.loc[[45, 55, 62, 65, 75], "survival"].tolist() == pytest.approx([0.875, 0.75, 0.625, 0.5, 0.375])
    assert curves.loc[135, "survival"] == pytest.approx(0.1875)
    assert curves.loc[65, "survival_ci_low"] == pytest.approx(0.152, abs=5e-4)
    assert curves.loc[65, "survival_ci_high"] == pytest.approx(0.775, abs=5e-4)
    row = result.summary.iloc[0]
    assert row["median_time"] == 65
    assert (row["n"], row["successes"], row["give_ups"], row["censored"]) == (8, 6, 1, 1)
    # Brookmeyer–Crowley: the lower curve is .387 at 45 s; the upper never reaches .5 (.535 at the end)
    assert row["median_ci_low"] == 45 and np.isnan(row["median_ci_high"])


def test_worked_example_competing_risks_and_rummel() -> None:
    result = survival_of(example_attempts(), ["task"], SurvivalOptions())
    curves = result.curves.set_index("time")
    cif = curves.loc[[45, 55, 62, 65, 75, 120, 135], "cif_success"].tolist()
    assert cif == pytest.approx([0.125, 0.25, 0.375, 0.5, 0.625, 0.625, 0.75])
    row = result.summary.iloc[0]
    assert row["aj_success"] == pytest.approx(0.75)
    assert row["aj_give_up"] == pytest.approx(0.125)
    assert row["km_success"] == pytest.approx(0.8125)
    assert row["rummel_time"] == pytest.approx(91.0, abs=0.05)
    assert row["rummel_time"] == pytest.approx(stats.gmean(SUCCESS_TIMES) / 0.75)
    assert any(n.startswith("treatment: Kaplan–Meier") and "Aalen–Johansen" in n for n in result.notes)


def test_kaplan_meier_matches_scipy_on_random_data() -> None:
    rng = np.random.default_rng(7)
    times = np.round(rng.exponential(90, 40) + 5)
    status = rng.choice(np.array(["success", "give_up", "censored"], dtype=object), 40, p=[0.6, 0.2, 0.2])
    table = curve(times, status, confidence=0.9)
    expected = stats.ecdf(stats.CensoredData(uncensored=times[status == "success"], right=times[status != "success"]))
    grid = table["time"].to_numpy()
    assert table["survival"].to_numpy() == pytest.approx(expected.sf.evaluate(grid))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined where S is 1 or 0
        ci = expected.sf.confidence_interval(0.9, method="log-log")
    ok = table["survival_ci_low"].notna().to_numpy()
    assert table["survival_ci_low"].to_numpy()[ok] == pytest.approx(ci.low.evaluate(grid)[ok])
    assert table["at_risk"].iloc[0] == 40 and table["time"].iloc[0] == 0


def test_aalen_johansen_without_give_ups_is_one_minus_kaplan_meier() -> None:
    times = np.array([3.0, 5, 5, 8, 9, 12, 12, 15])
    status = np.array(["success", "success", "censored", "success", "censored", "success", "success", "censored"])
    table = curve(times, status)
    assert table["cif_success"].to_numpy() == pytest.approx(1 - table["survival"].to_numpy())
    cif, give_up = aalen_johansen(np.array([4, 2]), np.array([1, 1]), np.array([1, 0]))
    assert cif.tolist() == pytest.approx([0.25, 0.5]) and give_up.tolist() == pytest.approx([0.25, 0.25])


def test_median_reads_exact_half_and_not_reached() -> None:
    grid = np.array([0.0, 10, 20])
    assert first_below_half(grid, np.array([1.0, 0.5 + 1e-15, 0.2])) == 10
    assert np.isnan(first_below_half(grid, np.array([1.0, 0.8, np.nan])))


def test_participant_unit_sums_attempts_until_first_success() -> None:
    rows = [
        ("P1", "A", "t", 1, "failure", 30.0),
        ("P1", "A", "t", 2, "success", 20.0),
        ("P1", "A", "t", 3, "success", 99.0),  # after the first success: not counted
        ("P2", "A", "t", 1, "failure", 10.0),
        ("P2", "A", "t", 2, "abandon", 15.0),
        ("P3", "A", "t", 1, "abandon", 10.0),
        ("P3", "A", "t", 2, "failure", np.nan),  # unknown time: set aside and counted
    ]
    records = units(attempts_frame(rows), ["task"])
    got = records.frame.set_index(records.frame.index)[["time", "status"]].values.tolist()
    assert got == [[50.0, "success"], [25.0, "give_up"]]
    assert records.unknown == 1
    per_attempt = units(attempts_frame(rows), ["task"], unit="attempt")
    assert len(per_attempt.frame) == 6 and per_attempt.unknown == 1
    result = survival_of(attempts_frame(rows), ["task"], SurvivalOptions())
    assert any("1 participant set aside" in n for n in result.notes)


def test_logrank_matches_scipy() -> None:
    a = [(f"A{i}", "A", "t", 1, "success" if i % 3 else "abandon", float(30 + 7 * i)) for i in range(10)]
    b = [(f"B{i}", "B", "t", 1, "success" if i % 4 else "failure", float(60 + 9 * i)) for i in range(10)]
    result = survival_of(attempts_frame(a + b), ["task", "variant"], SurvivalOptions(by=("task", "variant")))
    row = result.logrank.iloc[0]
    times_a, times_b = np.array([r[5] for r in a]), np.array([r[5] for r in b])
    ok_a, ok_b = np.array([r[4] == "success" for r in a]), np.array([r[4] == "success" for r in b])
    expected = stats.logrank(
        stats.CensoredData(uncensored=times_a[ok_a], right=times_a[~ok_a]),
        stats.CensoredData(uncensored=times_b[ok_b], right=times_b[~ok_b]),
    )
    assert (row["group_a"], row["group_b"], row["n_a"], row["n_b"]) == ("A", "B", 10, 10)
    assert row["p_value"] == pytest.approx(expected.pvalue)
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert list(result.summary["variant"]) == ["A", "B"]


def test_options_check_themselves() -> None:
    with pytest.raises(OptionError, match="--unit"):
        SurvivalOptions(unit="session")
    with pytest.raises(OptionError, match="--confidence"):
        SurvivalOptions(confidence=1.5)


def test_cli_summary_csv(cli, example_file) -> None:
    result = cli("survival", example_file, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["task"], row["unit"], row["median_time"], row["median_ci_low"]) == (
        "checkout",
        "participant",
        "65.0",
        "45.0",
    )
    assert row["median_ci_high"] == ""
    assert float(row["aj_success"]) == pytest.approx(0.75) and float(row["km_success"]) == pytest.approx(0.8125)
    assert "note: treatment: Kaplan–Meier" in result.stderr and "Aalen–Johansen" in result.stderr


def test_cli_curve_json_and_table(cli, example_file) -> None:
    result = cli("survival", example_file, "--show", "curve", "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["time"] for r in records] == [0, 45, 55, 62, 65, 75, 120, 135, 180]
    assert records[-1]["cif_success"] == pytest.approx(0.75)
    shown = example_file.with_name("survival.txt")
    table = cli("survival", example_file, "-o", shown)  # .txt: the terminal table, 160 columns wide
    assert table.exit_code == 0, table.stderr
    text = shown.read_text(encoding="utf-8")
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("checkout"))
    assert row == ["checkout", "8", "6/1/1", "1m", "5s", "45s–n/r", "81%", "/", "75%", "1m", "31s"]
    assert "n/r: not reached" in text
    assert "treatment:" in text


def test_cli_bad_input_is_one_line_and_no_output(cli, tmp_path, example_file) -> None:
    result = cli("survival", example_file, "--by", "nosuch", "--format", "csv")
    assert result.exit_code == 2 and result.stdout == ""
    assert "cannot group by 'nosuch'" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,task,outcome,time\nP1,checkout,success,abc\n", encoding="utf-8")
    result = cli("survival", bad, "--format", "csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "bad.csv:2" in result.stderr


def test_cli_logrank_needs_two_groups(cli, example_file) -> None:
    result = cli("survival", example_file, "--by", "task,participant", "--show", "logrank", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("task,column,group_a")
    assert "no log-rank test for task checkout: participant has 8 values there, not 2" in result.stderr


def test_chart_draws_and_report_text() -> None:
    from matplotlib.figure import Figure

    from uxcli.report.charts import draw, report_text
    from uxcli.report.model import ReportData

    attempts = example_attempts()
    report = ReportData("t", "now", {}, [], pd.DataFrame({"task": ["checkout"]}), ["task", "variant"], attempts)
    figure = draw("survival", report)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    assert "checkout" in (ax.get_title(), ax.get_title("left"))
    steps = ax.lines[0]  # the Kaplan–Meier step line of condition A
    assert steps.get_ydata()[-1] == pytest.approx(0.1875)
    text = report_text("survival", report)
    from uxcli.render.formatting import format_duration

    assert text is not None and f"checkout · A: median {format_duration(65)}" in text.alt
    empty = ReportData("t", "now", {}, [], pd.DataFrame(), ["task"], attempts.iloc[0:0])
    assert report_text("survival", empty) is None


def test_report_chart_draws_one_line_per_compared_condition() -> None:
    from uxcli.report.charts import draw
    from uxcli.report.model import ReportData

    a = example_attempts()
    b = a.assign(variant="B", participant=a["participant"] + "b", time=a["time"] * 2)
    comparison = pd.DataFrame({"task": ["checkout"], "metric": ["time"], "group_a": ["A"], "group_b": ["B"]})
    attempts = pd.concat([a, b], ignore_index=True)
    report = ReportData(
        "t", "now", {}, [], pd.DataFrame({"task": ["checkout"]}), ["task"], attempts, comparison=comparison
    )
    ax = draw("survival", report).axes[0]
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert len(steps) == 2  # A and B
    assert steps[1].get_xdata()[-1] == pytest.approx(360)  # B's times doubled: the last at 2 × 180 s
