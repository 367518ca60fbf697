"""Problem discovery (uxcli problems) and sample sizes (uxcli plan).

Sources of the worked examples:
- QUX: Sauro & Lewis, *Quantifying the User Experience*, 2nd ed. (2016), ch. 7, table 7.5 (4 participants ×
  7 problems, 20 hits: p̂ = .714, deflated .348, Good–Turing .625, adjusted .487, about 7.5 problems, 90%
  discovery needs 4) and the published discovery figures (p = .10 → 22 participants for 90%; p = .31 and
  n = 5 → 84%); ch. 6 for the adjusted-Wald sample sizes (±.20 → 21, ±.15 → 39, ±.10 → 93, ±.05 → 381).
- Lewis (2001), "Evaluation of procedures for adjusting problem-discovery rates estimated from small
  samples", IJHCI 13(4): the deflation and Good–Turing adjustments and their mean.
Power and sample size are checked against scipy.stats (norm, nct) computed here, independently of the
formulas in uxcli.planning.sample_size.
"""

from __future__ import annotations

import json
import math

import pytest
from scipy.stats import nct, norm, t

from uxcli.errors import InputError, OptionError
from uxcli.planning import DiscoveryOptions, PlanOptions, discovery, observe, plan, read_problems
from uxcli.planning.discovery import discovered, participants_for
from uxcli.planning.sample_size import log_time_n, margin_n, mcnemar_n, two_proportions_n

# A matrix with the figures of QUX table 7.5: 4 participants × 7 problems, 20 hits, one problem met once.
# Ticks and a blank cell, as researchers write them.
TABLE_7_5 = "participant,P1,P2,P3,P4,P5,P6,P7\nA,1,1,1,1,1,1,1\nB,1,1,1,1,1,0,0\nC,x,✓,1,1,,1,0\nD,1,1,1,0,0,0,0\n"


@pytest.fixture
def table_7_5(tmp_path):
    path = tmp_path / "problems.csv"
    path.write_text(TABLE_7_5, encoding="utf-8")
    return path


def test_qux_table_7_5_adjusted_p(table_7_5) -> None:
    result = discovery(read_problems(table_7_5))
    assert (result.n, result.problems_met, result.hits, result.once) == (4, 7, 20, 1)
    assert round(result.p_raw, 3) == 0.714
    assert round(result.p_deflated, 3) == 0.348
    assert round(result.p_good_turing, 3) == 0.625
    assert round(result.p, 3) == 0.487  # the book prints .48 from rounded inputs
    assert round(result.total_estimate, 1) == 7.5
    assert dict(zip(result.goals, result.needed, strict=True))[0.90] == 4
    assert "1 blank cell(s) read as 0 (problem not met)" in result.notes


def test_published_discovery_figures() -> None:
    assert participants_for(0.10, 0.90) == 22  # QUX ch. 7
    assert round(discovered(0.31, 5), 2) == 0.84  # Nielsen & Landauer's .31 and five users
    assert participants_for(0.5, 0.75) == 2  # an exact n is not rounded up: 1 − .5² = .75


def test_margin_of_error_adjusted_wald() -> None:
    assert [margin_n(m) for m in (0.20, 0.15, 0.10, 0.05)] == [21, 39, 93, 381]  # QUX ch. 6, p = .5, 95%
    frame = plan(PlanOptions("margin")).frame
    assert frame["participants"].tolist() == [21, 39, 93, 381]


def _z_power(p1: float, p2: float, n: int, alpha: float) -> float:
    """Power of the pooled two-sided z test of two proportions, n per group (normal approximation)."""
    pbar = (p1 + p2) / 2
    se0 = math.sqrt(2 * pbar * (1 - pbar) / n)
    se1 = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    z = norm.ppf(1 - alpha / 2)
    return norm.cdf((abs(p2 - p1) - z * se0) / se1) + norm.cdf((-abs(p2 - p1) - z * se0) / se1)


@pytest.mark.parametrize(("p1", "p2", "alpha", "power"), [(0.7, 0.9, 0.05, 0.8), (0.5, 0.6, 0.1, 0.9)])
def test_two_proportions_reach_the_power(p1, p2, alpha, power) -> None:
    n = two_proportions_n(p1, p2, alpha, power)
    assert _z_power(p1, p2, n, alpha) >= power > _z_power(p1, p2, n - 1, alpha)


def test_mcnemar_reaches_the_power() -> None:
    p1, p2, disc, alpha = 0.7, 0.9, 0.25, 0.05
    n = mcnemar_n(p1, p2, disc, alpha, 0.8)
    d = p2 - p1

    def power(k: int) -> float:  # Connor (1987): normal approximation of McNemar's test
        return norm.cdf((abs(d) * math.sqrt(k) - norm.ppf(1 - alpha / 2) * math.sqrt(disc)) / math.sqrt(disc - d * d))

    assert power(n) >= 0.8 > power(n - 1)
    with pytest.raises(OptionError, match="discordant share"):
        mcnemar_n(0.5, 0.9, 0.3)


@pytest.mark.parametrize("design", ["between", "within"])
def test_log_time_sample_size_reaches_the_power(design) -> None:
    ratio, sd, alpha = 0.8, 0.5, 0.05
    n = log_time_n(ratio, sd, alpha, 0.8, design, correlation=0.5)
    delta = abs(math.log(ratio))

    def power(k: int) -> float:
        if design == "between":
            df, ncp = 2 * k - 2, delta / (sd * math.sqrt(2 / k))
        else:
            df, ncp = k - 1, delta * math.sqrt(k) / (sd * math.sqrt(2 * (1 - 0.5)))
        crit = t.ppf(1 - alpha / 2, df)
        return nct.sf(crit, df, ncp) + nct.cdf(-crit, df, ncp)

    assert power(n) >= 0.8 > power(n - 1)
    normal = (norm.ppf(0.975) + norm.ppf(0.8)) ** 2 * (2 if design == "between" else 1) * sd**2 / delta**2
    assert math.ceil(normal) <= n <= math.ceil(normal) + 2  # the t test needs a little more than the z test


def test_long_list_with_severity_and_declared_participants(tmp_path) -> None:
    path = tmp_path / "long.tsv"
    path.write_text(
        "Participant\tProblem\tSeverity\nA\tsearch\thigh\nA\tsearch\thigh\nB\tsearch\thigh\nB\tlogin\tlow\nC\t\t\n",
        encoding="utf-8",
    )
    matrix = read_problems(path, participants=5)
    assert matrix.shape == "long" and matrix.n == 5 and matrix.problems == ("search", "login")
    assert matrix.severity == {"search": "high", "login": "low"}
    assert any("1 repeated" in note for note in matrix.notes)
    result = discovery(matrix)
    assert result.hits == 3 and result.p_raw == pytest.approx(3 / 10)
    assert result.problems()["severity"].tolist() == ["high", "low"]
    assert any("listed" in note for note in read_problems(path).notes)  # n from the list: said
    with pytest.raises(OptionError, match="fewer than the 3 participants"):
        read_problems(path, participants=2)


def test_transposed_matrix_and_unmet_problem(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("problem,A,B,C\nP1,1,1,0\nP2,0,1,0\nP3,0,0,0\n", encoding="utf-8")
    result = discovery(read_problems(path, transpose=True))
    assert result.n == 3 and result.problems_met == 2 and result.hits == 3
    assert any("nobody met set aside (P3)" in note for note in result.notes)


def test_bad_cell_names_file_line_and_column(tmp_path, cli) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("participant,P1,P2\nA,1,0\nB,1,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_problems(path)
    problem = info.value.problem
    assert (problem.line, problem.column, problem.value) == (3, "P2", "maybe")
    result = cli("problems", path, "-f", "csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"error: {path}:3: column \"P2\": 'maybe' is not a tick "
                                                  "(write 1 or x (met), 0 or leave blank (not met))"]  # fmt: skip


def test_cli_problems_matches_the_library(table_7_5, tmp_path, cli) -> None:
    result = cli("problems", table_7_5, "-f", "json", "--goal", "0.9")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    expected = discovery(read_problems(table_7_5), DiscoveryOptions(goals=(0.9,)))
    assert row["p_adjusted"] == pytest.approx(expected.p, abs=1e-6) and row["n_for_90"] == 4
    assert "note: 1 blank cell(s) read as 0" in result.stderr
    chart = tmp_path / "d.svg"
    curve = cli("problems", table_7_5, "--show", "curve", "-f", "csv", "--chart", chart)
    assert curve.exit_code == 0, curve.stderr
    assert curve.stdout.splitlines()[0] == "participants,discovered_adjusted,discovered_raw"
    assert "<svg" in chart.read_text(encoding="utf-8")


def test_cli_plan(table_7_5, cli) -> None:
    margin = cli("plan", "margin", "-f", "csv", "--margin", "0.1")
    assert margin.exit_code == 0 and margin.stdout.splitlines()[1] == "0.1,0.5,0.95,93"
    found = cli("plan", "discovery", "--from", table_7_5, "--goal", "0.9", "-f", "json")
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)[0]["participants"] == 4
    bad = cli("plan", "completion", "--p", "0.7", "-f", "csv")
    assert bad.exit_code == 2 and "--p2" in bad.stderr and bad.stdout == ""


def test_plan_from_a_task_log_uses_observed_values(cli) -> None:
    from uxcli.pipeline import load_inputs
    from uxcli.readers.options import ReadOptions

    observed = observe(load_inputs(ReadOptions(("sample_sessions/events.csv",))).dataset.attempts)
    first = observed[0]
    result = plan(PlanOptions("time", ratio=0.8), observed)
    assert result.frame["log_sd"].iloc[0] == pytest.approx(first.log_sd)
    assert result.frame["participants_per_group"].iloc[0] == log_time_n(0.8, first.log_sd)
    out = cli("plan", "margin", "--from", "sample_sessions/events.csv", "--margin", "0.1", "-f", "json")
    assert out.exit_code == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["task"] for r in rows] == [o.task for o in observed]
    assert rows[0]["p"] == pytest.approx(first.rate) and rows[0]["participants"] == margin_n(0.1, first.rate)


def test_discovery_chart() -> None:
    from matplotlib.figure import Figure

    from uxcli.report.charts import CHART_KINDS, draw, report_text
    from uxcli.report.charts.discovery import caption

    result = discovery(read_problems_from_text(TABLE_7_5))
    assert "discovery" in CHART_KINDS
    figure = draw("discovery", result)
    assert isinstance(figure, Figure) and len(figure.axes[0].lines) >= 2
    assert report_text("discovery", object()) is None  # a task log's report has no problem matrix
    assert "90%: 4" in caption(result).caption
    assert isinstance(draw("discovery", object()), Figure)  # reference curves for slides


def read_problems_from_text(text: str):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.csv"
        path.write_text(text, encoding="utf-8")
        return read_problems(path)
