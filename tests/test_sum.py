"""SUM (Sauro & Kindlund 2005): components against hand computations with scipy, specs, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, SAMPLES
from scipy import stats as st

from uxcli import stats
from uxcli.errors import OptionError
from uxcli.questionnaires.seq import ratings_from_sessions as seq_ratings
from uxcli.readers.read import load
from uxcli.tasks.per_task import parse_task_numbers
from uxcli.tasks.usability_metric import SUM_COLUMNS, single_usability_metric

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
    # completion keeps the adjusted-Wald interval of uxcli summary (Sauro & Lewis 2005)
    low, high = stats.adjusted_wald(2, 3, 0.90)
    assert (search["completion_ci_low"], search["completion_ci_high"]) == (pytest.approx(low), pytest.approx(high))
    for name in ("sum", *expected):
        assert search[f"{name}_ci_low"] <= search[name] <= search[f"{name}_ci_high"], name
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
    assert overall["sum_ci_low"] <= overall["sum"] <= overall["sum_ci_high"]
    assert overall["components"] == 4
    assert list(frame.columns) == SUM_COLUMNS


def test_options_override_the_study_metadata():
    frame, _, _ = run(time_specs={"search": 35.0}, opportunities={None: 2.0})
    search = frame.set_index("task").loc["search"]
    assert search["time"] == pytest.approx(st.norm.cdf((35 - 35) / np.std([40.0, 30.0], ddof=1)))  # 0.5
    assert search["errors"] == pytest.approx(1 - 4 / 6)
    assert frame.set_index("task").loc["pay", "components"] == 4


def test_confidence_default_is_90_percent():
    path = SAMPLES / "layouts" / "study.yaml"
    _, overall, _ = run(path)
    _, wide, _ = run(path, confidence=0.95)
    assert wide["sum_ci_low"] < overall["sum_ci_low"] and wide["sum_ci_high"] > overall["sum_ci_high"]


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
    # sample_sessions/questionnaires/seq.csv: every add-to-cart rating is 7 (sd 0), so satisfaction is left out there
    assert {name: t["components"] for name, t in tasks.items()} == {
        "find-product": 4,
        "add-to-cart": 3,
        "apply-coupon": 4,
        "change-address": 4,
        "checkout": 4,
    }
    assert "SEQ ratings all alike" in result.stderr
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


# --- identical ratings (issue "Statistical truth", item 2) ------------------------------------------


@pytest.mark.parametrize("rating", [5.0, 6.0])
def test_identical_seq_ratings_leave_satisfaction_out(rating):
    # four alike SEQ ratings have sd 0, so Φ((mean − 5.5)/sd) is undefined: before, satisfaction became
    # 0 (four 5s) or 1 (four 6s) and was averaged in; now it is left out with a note
    attempts = pd.DataFrame(
        {
            "participant": ["P1", "P2", "P3", "P4"],
            "task": "t",
            "outcome": ["success", "success", "success", "failure"],
            "time": [50.0, 70.0, 65.0, 90.0],
            "errors": [0.0, 1.0, 0.0, 2.0],
        }
    )
    ratings = pd.DataFrame({"participant": ["P1", "P2", "P3", "P4"], "task": "t", "seq": rating})
    frame, overall, notes = single_usability_metric(attempts, ratings, {}, time_specs={None: 80.0})
    row = frame.loc[0]
    times = np.array([50.0, 70.0, 65.0])  # completion times (successes)
    expected = [3 / 4, st.norm.cdf((80 - times.mean()) / times.std(ddof=1))]
    assert row["components"] == 2
    assert math.isnan(row["satisfaction"]) and math.isnan(row["satisfaction_ci_low"])
    assert row["sum"] == pytest.approx(np.mean(expected))
    assert any(n.startswith("satisfaction left out, SEQ ratings all alike") and n.endswith(": t") for n in notes)


def test_identical_times_leave_time_out():
    attempts = pd.DataFrame(
        {"participant": ["P1", "P2", "P3"], "task": "t", "outcome": "success", "time": 40.0, "errors": 0.0}
    )
    frame, _, notes = single_usability_metric(attempts, None, {}, time_specs={None: 60.0})
    assert frame.loc[0, "components"] == 1 and math.isnan(frame.loc[0, "time"])
    assert any(n.startswith("time left out, times all alike") for n in notes)


def test_interval_is_reproducible_and_does_not_depend_on_row_order():
    data = load([str(SAMPLES / "layouts" / "study.yaml")])
    ratings = seq_ratings(data.responses)
    first = single_usability_metric(data.attempts, ratings, data.study)
    shuffled = data.attempts.sample(frac=1.0, random_state=3).reset_index(drop=True)
    second = single_usability_metric(shuffled, ratings.iloc[::-1].reset_index(drop=True), data.study)
    assert first[1] == pytest.approx(second[1], rel=1e-12, nan_ok=True)


def test_all_successes_keep_the_binomial_uncertainty():
    # 8 of 8 succeed with no errors: every resample had SUM 1 and the interval was [1, 1]. Each resample
    # now draws its completion rate from Jeffreys' Beta(x + ½, n − x + ½) (here Beta(8.5, 0.5)); errors
    # stay 1, so the lower bound is (1 + the Beta quantile at the expanded tail level)/2 and the upper
    # bound the observed SUM (as the Jeffreys interval takes 1 at x = n, Brown, Cai & DasGupta 2001).
    ids = [f"P{i}" for i in range(8)]
    attempts = pd.DataFrame({"participant": ids, "task": "t", "outcome": "success", "time": 30.0, "errors": 0.0})
    frame, _, _ = single_usability_metric(attempts, None, {}, opportunities={None: 4.0})
    row = frame.loc[0]
    assert (row["components"], row["sum"], row["sum_ci_high"]) == (2, 1.0, 1.0)
    tail = st.norm.cdf(-math.sqrt(8 / 7) * st.t.ppf(0.95, 7))  # Hesterberg's expansion, 0.0214
    assert row["sum_ci_low"] == pytest.approx((1 + st.beta.ppf(tail, 8.5, 0.5)) / 2, abs=0.01)  # 0.863
    assert row["sum_ci_low"] < 0.9


# --- coverage of the 90% SUM interval (issue "Statistical truth", item 1) ---------------------------


def _simulated_study(rng, n, rho, mixing):
    """n participants, one attempt each: latent normals with correlation rho drive success (p .75),
    SEQ (round(5.3 + 1.3 z) clipped to 1..7), time (lognormal, median 60 s, σ .4) and errors (Poisson,
    mean .8 per attempt, its rate lognormal-mixed by `mixing`)."""
    cov = np.full((4, 4), rho) + (1 - rho) * np.eye(4)
    z = rng.standard_normal((n, 4)) @ np.linalg.cholesky(cov).T
    ids = [f"P{i}" for i in range(n)]
    attempts = pd.DataFrame(
        {
            "participant": ids,
            "task": "t",
            "outcome": np.where(z[:, 0] > st.norm.ppf(0.25), "success", "failure"),
            "time": np.exp(np.log(60) - 0.4 * z[:, 2]),
            "errors": rng.poisson(0.8 * np.exp(-mixing * z[:, 3] - mixing**2 / 2)).astype(float),
        }
    )
    ratings = pd.DataFrame({"participant": ids, "task": "t", "seq": np.clip(np.round(5.3 + 1.3 * z[:, 1]), 1, 7)})
    return attempts, ratings


def _true_sum():
    """The SUM of the simulated population, from its parameters (spec 90 s, 4 opportunities)."""
    values = np.arange(1, 8)
    cdf = st.norm.cdf((np.arange(1.5, 7) - 5.3) / 1.3)
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    mean, sd = probs @ values, math.sqrt(probs @ (values - probs @ values) ** 2)
    time_mean = math.exp(math.log(60) + 0.4**2 / 2)
    time_sd = time_mean * math.sqrt(math.exp(0.4**2) - 1)
    return np.mean([0.75, st.norm.cdf((mean - 5.5) / sd), st.norm.cdf((90 - time_mean) / time_sd), 1 - 0.8 / 4])


@pytest.mark.parametrize(("n", "rho", "mixing"), [(8, 0.0, 0.0), (8, 0.5, 0.5), (15, 0.0, 0.0), (15, 0.5, 0.5)])
def test_sum_interval_covers_the_true_sum_90_percent_of_the_time(n, rho, mixing):
    # Before: adjusted Wald on "Φ(z)·n of n" per component and averaged bounds covered 99-100% here.
    truth, sims = _true_sum(), 600
    rng = np.random.default_rng(1000 * n + int(10 * rho))
    covered = 0
    for _ in range(sims):
        attempts, ratings = _simulated_study(rng, n, rho, mixing)
        frame, _, _ = single_usability_metric(
            attempts, ratings, {}, time_specs={None: 90.0}, opportunities={None: 4.0}, time_of="all"
        )
        low, high = frame.loc[0, "sum_ci_low"], frame.loc[0, "sum_ci_high"]
        covered += low <= truth <= high
    assert 0.87 <= covered / sims <= 0.93
