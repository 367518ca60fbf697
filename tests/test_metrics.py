"""uxcli.tasks.metrics.summarize on hand-built attempts frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from uxcli.errors import OptionError
from uxcli.tasks.metrics import METRICS, summarize

NAN = float("nan")


def frame(rows: list[tuple], task_categories: list[str] | None = None) -> pd.DataFrame:
    """rows: (participant, variant, task, outcome, time, clicks, errors)."""
    p, v, t, o, time, clicks, errors = (list(c) for c in zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "participant": pd.Categorical(p),
            "session": pd.Categorical([None] * len(rows)),
            "variant": pd.Categorical(v),
            "task": pd.Categorical(t, categories=task_categories),
            "attempt": np.ones(len(rows), dtype=np.int64),
            "outcome": pd.Categorical(o, categories=["success", "failure", "abandon"]),
            "time": np.asarray(time, float),
            "clicks": np.asarray(clicks, float),
            "errors": np.asarray(errors, float),
        }
    )


ROWS = [
    ("P1", "A", "a", "success", 10.0, 3, 0),
    ("P2", "A", "a", "success", 40.0, 5, 2),
    ("P3", "B", "a", "failure", 90.0, 9, 1),
    ("P4", "B", "a", "abandon", 200.0, 12, 3),
    ("P1", "A", "b", "success", 20.0, 4, 0),
]


def row(table: pd.DataFrame, **labels) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for name, value in labels.items():
        mask &= (table[name].astype(object) == value).to_numpy()
    (index,) = np.flatnonzero(mask)
    return table.iloc[index]


def test_columns_are_group_then_exactly_metrics():
    table = summarize(frame(ROWS))
    assert list(table.columns) == ["task", *METRICS]
    assert list(summarize(frame(ROWS), by=["task", "variant"]).columns) == ["task", "variant", *METRICS]
    for name in ("attempts", "successes", "failures", "abandons"):
        assert table[name].dtype == np.int64


def test_counts_rates_and_errors():
    a = row(summarize(frame(ROWS)), task="a")
    assert (a["attempts"], a["successes"], a["failures"], a["abandons"]) == (4, 2, 1, 1)
    assert a["success_rate"] == 0.5 and a["abandonment_rate"] == 0.25
    assert a["errors_total"] == 6 and a["errors_per_attempt"] == 1.5
    assert a["error_rate"] == 0.75  # 3 of 4 attempts had at least one error
    assert a["clicks_mean"] == 4.0 and a["clicks_median"] == 4.0  # successful attempts only: 3, 5


def test_time_of_selects_attempts():
    data = frame(ROWS)
    success = row(summarize(data, time_of="success"), task="a")
    failed = row(summarize(data, time_of="failed"), task="a")
    everything = row(summarize(data, time_of="all"), task="a")
    assert success["time_mean"] == 25.0 and success["time_median"] == 25.0
    assert success["time_geomean"] == pytest.approx(20.0)  # sqrt(10 * 40)
    assert failed["time_mean"] == 145.0 and failed["time_geomean"] == pytest.approx(math.sqrt(90 * 200))
    assert everything["time_mean"] == 85.0 and everything["time_median"] == 65.0
    # time_of does not change the other metrics
    for name in ("attempts", "success_rate", "errors_total", "clicks_mean"):
        assert success[name] == failed[name] == everything[name]


def test_log_t_interval_through_summarize():
    # MeasuringU task-time calculator (Sauro & Lewis, CHI 2010; QUX ch. 3): 55, 65, 75, 62, 45, 135 s
    # -> geometric mean 68.2, 95% CI 46.0-101.2.
    times = [55, 65, 75, 62, 45, 135]
    r = summarize(frame([(f"P{i}", "A", "t", "success", x, 1, 0) for i, x in enumerate(times)])).iloc[0]
    assert r["time_geomean"] == pytest.approx(68.2, abs=0.05)
    assert r["time_ci_low"] == pytest.approx(46.0, abs=0.05)
    assert r["time_ci_high"] == pytest.approx(101.2, abs=0.05)


def test_adjusted_wald_through_summarize():
    # Tullis & Albert; Sauro & Lewis QUX ch. 3: 4 of 5 -> adjusted Wald 95% CI .3596-.9796
    rows = [(f"P{i}", "A", "t", "success" if i < 4 else "failure", NAN, NAN, NAN) for i in range(5)]
    r = summarize(frame(rows)).iloc[0]
    assert r["success_ci_low"] == pytest.approx(0.3596, abs=5e-4)
    assert r["success_ci_high"] == pytest.approx(0.9796, abs=5e-4)


def test_nan_means_unknown_not_zero():
    rows = [("P1", "A", "a", "success", NAN, NAN, NAN), ("P2", "A", "a", "failure", NAN, NAN, NAN)]
    r = summarize(frame(rows)).iloc[0]
    for name in (
        "errors_total",
        "errors_per_attempt",
        "error_rate",
        "clicks_mean",
        "clicks_median",
        "time_geomean",
        "time_median",
        "time_mean",
        "time_ci_low",
        "time_ci_high",
    ):
        assert pd.isna(r[name]), name
    assert r["success_rate"] == 0.5 and r["abandonment_rate"] == 0.0


def test_partly_known_values_use_the_known_ones():
    rows = [
        ("P1", "A", "a", "success", 10.0, 4, 2),
        ("P2", "A", "a", "success", NAN, NAN, NAN),
        ("P3", "A", "a", "success", 40.0, 6, 0),
    ]
    r = summarize(frame(rows)).iloc[0]
    assert r["errors_total"] == 2 and r["errors_per_attempt"] == 1.0 and r["error_rate"] == 0.5
    assert r["clicks_mean"] == 5.0
    assert r["time_mean"] == 25.0 and r["time_geomean"] == pytest.approx(20.0)


def test_single_time_has_a_mean_but_no_interval():
    r = summarize(frame([("P1", "A", "a", "success", 30.0, 2, 0)])).iloc[0]
    assert r["time_geomean"] == pytest.approx(30.0) and r["time_median"] == 30.0
    assert math.isnan(r["time_ci_low"]) and math.isnan(r["time_ci_high"])


def test_no_successes_means_no_clicks_or_completion_time():
    r = summarize(frame([("P1", "A", "a", "failure", 30.0, 2, 1), ("P2", "A", "a", "abandon", 50.0, 2, 1)])).iloc[0]
    assert r["success_rate"] == 0.0 and r["success_ci_low"] == 0.0 and 0 < r["success_ci_high"] < 1
    assert math.isnan(r["clicks_mean"]) and math.isnan(r["time_geomean"])


def test_all_successes_interval_is_clipped():
    r = summarize(frame([(f"P{i}", "A", "a", "success", 10.0, 1, 0) for i in range(4)])).iloc[0]
    assert r["success_ci_high"] == 1.0 and r["success_ci_low"] < 1.0


def test_groups_keep_first_appearance_order():
    rows = [
        ("P1", "B", "zeta", "success", 1, 1, 0),
        ("P1", "A", "alpha", "success", 1, 1, 0),
        ("P2", "A", "zeta", "failure", 1, 1, 0),
        ("P2", "B", "mid", "success", 1, 1, 0),
    ]
    # categories deliberately alphabetical: order must still follow the rows
    table = summarize(frame(rows, task_categories=["alpha", "mid", "zeta"]))
    assert table["task"].astype(str).tolist() == ["zeta", "alpha", "mid"]
    by2 = summarize(frame(rows), by=["variant", "task"])
    assert list(zip(by2["variant"].astype(str), by2["task"].astype(str), strict=True)) == [
        ("B", "zeta"),
        ("A", "alpha"),
        ("A", "zeta"),
        ("B", "mid"),
    ]


def test_by_participant():
    table = summarize(frame(ROWS), by=["participant"])
    assert table["participant"].astype(str).tolist() == ["P1", "P2", "P3", "P4"]
    assert row(table, participant="P1")["attempts"] == 2


def test_missing_group_label_is_its_own_group():
    rows = [("P1", None, "a", "success", 1, 1, 0), ("P2", "A", "a", "failure", 1, 1, 0)]
    table = summarize(frame(rows), by=["variant"])
    assert len(table) == 2 and table["attempts"].tolist() == [1, 1]
    assert pd.isna(table["variant"].iloc[0])


def test_by_empty_gives_one_overall_row():
    table = summarize(frame(ROWS), by=[])
    assert list(table.columns) == METRICS
    assert len(table) == 1
    r = table.iloc[0]
    assert (r["attempts"], r["successes"], r["failures"], r["abandons"]) == (5, 3, 1, 1)
    assert r["clicks_mean"] == 4.0  # successes: 3, 5, 4


def test_confidence_changes_intervals():
    narrow = row(summarize(frame(ROWS), confidence=0.8), task="a")
    wide = row(summarize(frame(ROWS), confidence=0.99), task="a")
    assert wide["success_ci_low"] < narrow["success_ci_low"] < narrow["success_ci_high"] < wide["success_ci_high"]


@pytest.mark.parametrize(
    "kwargs", [{"by": ["device"]}, {"by": ["_file"]}, {"time_of": "failures"}, {"confidence": 1.5}, {"confidence": 0}]
)
def test_bad_options_are_option_errors(kwargs):
    with pytest.raises(OptionError):
        summarize(frame(ROWS), **kwargs)


def test_extra_column_can_be_grouped():
    data = frame(ROWS)
    data["device"] = pd.Categorical(["phone", "desk", "phone", "desk", "phone"])
    table = summarize(data, by=["device"])
    assert table["device"].astype(str).tolist() == ["phone", "desk"]
    assert table["attempts"].tolist() == [3, 2]


def test_empty_attempts_frame():
    from uxcli.tasks.attempts import empty_attempts

    table = summarize(empty_attempts())
    assert list(table.columns) == ["task", *METRICS] and len(table) == 0


# --- GroupStats: block by block gives the same numbers as all at once --------------------------------


@settings(max_examples=60, deadline=None)
@given(seed=hs.integers(0, 10_000), size=hs.integers(0, 300), blocks=hs.integers(1, 8))
def test_group_stats_in_blocks_in_any_order_equal_the_whole(seed, size, blocks):
    """The streaming reader feeds GroupStats a block at a time, in an order of its own: the summary
    must be bit-for-bit the one of the whole frame (values are sorted before any sum)."""
    from uxcli.tasks.metrics import GroupStats, group_stats, outcome_codes

    rng = np.random.default_rng(seed)
    attempts = pd.DataFrame(
        {
            "task": pd.Categorical(rng.choice(["a", "b", "c"], size)),
            "outcome": pd.Categorical(
                rng.choice(["success", "failure", "abandon"], size), categories=["success", "failure", "abandon"]
            ),
            "time": np.round(rng.lognormal(3, 1, size), 3),
            "clicks": rng.poisson(4, size).astype(float),
            "errors": np.where(rng.random(size) < 0.1, np.nan, rng.poisson(0.5, size)),
        }
    )
    whole = group_stats(attempts, ["task"], "all")
    pieces = GroupStats("all")
    group = whole.labels["task"].cat.codes.to_numpy()  # any id per group will do: use the label's code
    ids = {code: i for i, code in enumerate(group)}
    gid = np.array([ids[c] for c in attempts["task"].cat.codes.to_numpy()], dtype=np.int64)
    cuts = np.sort(rng.integers(0, size + 1, blocks - 1))
    parts = np.split(np.arange(size), cuts)
    for part in (parts[i] for i in rng.permutation(len(parts))):
        pieces.add(
            gid[part],
            part,
            outcome_codes(attempts)[part],
            attempts["errors"].to_numpy()[part],
            attempts["clicks"].to_numpy()[part],
            attempts["time"].to_numpy()[part],
        )
    pd.testing.assert_frame_equal(pieces.summary(whole.labels), whole.summary(), check_exact=True)
    pd.testing.assert_frame_equal(
        pieces.merged().summary(pd.DataFrame(index=range(min(size, 1)))), whole.overall().summary(), check_exact=True
    )


def test_medians_from_the_click_histogram():
    """Clicks are kept as a histogram of (group, value) counts; medians and means come out as numpy's."""
    from uxcli.tasks.metrics import group_stats

    clicks = [3, 9, 3, 4, 4, 4, 100, 0]
    attempts = frame([(f"P{i}", "A", "a", "success", 10.0 + i, c, 0) for i, c in enumerate(clicks)])
    grouped = group_stats(attempts, ["task"])
    assert len(grouped.stats.clicks.sorted(1)[0]) == 5  # distinct values, not one entry per attempt
    out = grouped.summary().iloc[0]
    assert out["clicks_median"] == np.median(clicks) and out["clicks_mean"] == np.mean(clicks)
    assert out["time_median"] == np.median(10.0 + np.arange(8))


# --- the median's own interval, the best point estimate (issue "Statistical truth") -------------------


def test_median_interval_is_the_binomial_order_statistic_interval():
    """Distribution-free interval for the median (QUX ch. 3; reference "Which estimate, which interval"):
    the ranks come from Binomial(n, 1/2), computed here with scipy. n = 30 at 95% -> the 10th and
    21st smallest values (coverage 95.7%), not the geometric mean's log-t interval."""
    from scipy.stats import binom

    rng = np.random.default_rng(7)
    times = np.round(np.exp(rng.normal(np.log(50), 0.4, 30)), 1)
    rows = [(f"P{i}", "A", "t", "success", float(t), 1, 0) for i, t in enumerate(times)]
    r = summarize(frame(rows)).iloc[0]
    n, alpha = 30, 0.05
    low_rank = next(k for k in range(n + 1) if binom.cdf(k, n, 0.5) >= alpha / 2)  # smallest k: F(k) >= 2.5%
    assert low_rank == 10 and 1 - 2 * binom.cdf(low_rank - 1, n, 0.5) == pytest.approx(0.957, abs=5e-4)
    ordered = np.sort(times)
    assert r["time_median_ci_low"] == ordered[low_rank - 1]
    assert r["time_median_ci_high"] == ordered[n - low_rank]  # the 21st smallest
    assert r["time_median_ci_low"] <= r["time_median"] <= r["time_median_ci_high"]


@pytest.mark.parametrize("n", [5, 6, 10, 25, 31, 100])
def test_median_interval_ranks_match_scipy_for_any_n(n):
    from scipy.stats import binom

    from uxcli.tasks.metrics import median_ranks

    expected = next(k for k in range(n + 1) if binom.cdf(k, n, 0.5) >= 0.05)  # 90%
    assert median_ranks(n, 0.90)[0] == expected
    rows = [(f"P{i}", "A", "t", "success", float(i + 1), 1, 0) for i in range(n)]
    r = summarize(frame(rows), confidence=0.90).iloc[0]
    if expected == 0:  # too few values for any pair of order statistics to reach 90%
        assert math.isnan(r["time_median_ci_low"]) and math.isnan(r["time_median_ci_high"])
    else:
        assert (r["time_median_ci_low"], r["time_median_ci_high"]) == (expected, n + 1 - expected)


def test_median_interval_undefined_for_five_times_at_95():
    # 0.5^5 = 3.1% > 2.5%: even [min, max] covers the median with only 93.75%
    rows = [(f"P{i}", "A", "t", "success", float(10 * (i + 1)), 1, 0) for i in range(5)]
    r = summarize(frame(rows)).iloc[0]
    assert math.isnan(r["time_median_ci_low"]) and math.isnan(r["time_median_ci_high"])


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (5, 5, 6 / 7),  # x/n = 1: Laplace (x+1)/(n+2) = 85.7% (Lewis & Sauro 2006)
        (1, 5, (1 + 1.959964**2 / 2) / (5 + 1.959964**2)),  # x/n <= .5: Wilson / adjusted-Wald centre, 33.0%
        (7, 10, 0.7),  # .5 < x/n < .9: x/n
        (19, 20, min(20 / 22, 19.5 / 21)),  # .9 <= x/n < 1: the smaller of Laplace and Jeffreys
    ],
)
def test_success_best_estimate_follows_lewis_sauro_2006(successes, n, expected):
    rows = [(f"P{i}", "A", "t", "success" if i < successes else "failure", 10.0, 1, 0) for i in range(n)]
    for confidence in (0.95, 0.90):  # a point estimate: the paper's 95% z, whatever the intervals use
        r = summarize(frame(rows), confidence=confidence).iloc[0]
        assert r["success_best_estimate"] == pytest.approx(expected, abs=1e-6)
        assert r["success_rate"] == successes / n  # the observed rate stays


def test_errors_total_is_an_integer_count():
    r = summarize(frame(ROWS)).iloc[0]
    assert str(summarize(frame(ROWS))["errors_total"].dtype) == "Int64" and r["errors_total"] == 6


# --- participants, not attempts, are the unit of the rates (issue: "Rates count attempts") ------------

# P1 fails twice then succeeds, P2 succeeds at once, P3 fails then abandons: 6 attempts by 3 participants.
RETRIES = [  # (participant, attempt, outcome, time, clicks, errors)
    ("P1", 1, "failure", 10.0, 3, 2),
    ("P1", 2, "failure", 20.0, 5, 1),
    ("P1", 3, "success", 30.0, 4, 0),
    ("P2", 1, "success", 15.0, 6, 0),
    ("P3", 1, "failure", 5.0, 2, 3),
    ("P3", 2, "abandon", 7.0, 1, 1),
]


def retries_frame(order: list[int] | None = None) -> pd.DataFrame:
    rows = [RETRIES[i] for i in (order or range(len(RETRIES)))]
    data = frame([(p, "A", "t", o, time, c, e) for p, _, o, time, c, e in rows])
    data["attempt"] = np.array([a for _, a, *_ in rows], dtype=np.int64)
    return data


def adjusted_wald(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Agresti & Coull (1998) as Sauro & Lewis (QUX ch. 3) give it: x + z²/2 over n + z², Wald around it."""
    p = (x + z * z / 2) / (n + z * z)
    half = z * math.sqrt(p * (1 - p) / (n + z * z))
    return max(0.0, p - half), min(1.0, p + half)


def test_rates_count_participants_with_retries():
    r = summarize(retries_frame()).iloc[0]
    assert (r["attempts"], r["participants"]) == (6, 3)
    # eventual success: P1 and P2; abandon: P3's last attempt; no participant ends on a failure
    assert (r["successes"], r["failures"], r["abandons"]) == (2, 0, 1)
    assert r["success_rate"] == 2 / 3 and r["abandonment_rate"] == 1 / 3
    assert (r["success_ci_low"], r["success_ci_high"]) == pytest.approx(adjusted_wald(2, 3), abs=1e-12)
    assert r["success_best_estimate"] == 2 / 3  # Lewis & Sauro 2006: 0.5 < p < 0.9, the observed rate
    assert r["first_try_success_rate"] == 1 / 3  # only P2's first attempt succeeded
    assert (r["first_try_ci_low"], r["first_try_ci_high"]) == pytest.approx(adjusted_wald(1, 3), abs=1e-12)
    # per attempt still: errors 2+1+0+0+3+1 = 7 over 6 attempts, 4 attempts with an error; clicks of the
    # two successful attempts (4, 6)
    assert (r["errors_total"], r["errors_per_attempt"], r["error_rate"]) == (7, 7 / 6, 4 / 6)
    assert (r["clicks_mean"], r["clicks_median"]) == (5.0, 5.0)
    # completion time: P1's successful (third) attempt 30 s, P2's 15 s
    assert r["time_geomean"] == pytest.approx(math.sqrt(30 * 15), rel=1e-12) and r["time_mean"] == 22.5


def test_unit_attempt_counts_every_attempt():
    r = summarize(retries_frame(), unit="attempt").iloc[0]
    assert (r["attempts"], r["participants"], r["successes"], r["failures"], r["abandons"]) == (6, 3, 2, 3, 1)
    assert r["success_rate"] == 2 / 6 and r["abandonment_rate"] == 1 / 6
    assert (r["success_ci_low"], r["success_ci_high"]) == pytest.approx(adjusted_wald(2, 6), abs=1e-12)
    assert r["first_try_success_rate"] == 1 / 3  # a share of participants either way
    assert r["time_mean"] == 22.5  # the two successful attempts: 30 s and 15 s


@pytest.mark.parametrize(
    "time_of,expected",
    [
        ("all", [10 + 20 + 30.0, 15.0, 5 + 7.0]),  # total time over all the participant's attempts
        ("failed", [5 + 7.0]),  # total time of the participants who never succeeded
    ],
)
def test_times_are_one_per_participant(time_of, expected):
    # ("success": P1's successful attempt 30 s, P2's 15 s: test_rates_count_participants_with_retries)
    r = summarize(retries_frame(), time_of=time_of).iloc[0]
    assert r["time_mean"] == pytest.approx(np.mean(expected), rel=1e-12)
    assert r["time_median"] == pytest.approx(np.median(expected), rel=1e-12)
    assert r["time_geomean"] == pytest.approx(math.exp(np.mean(np.log(expected))), rel=1e-12)


def test_first_success_gives_the_completion_time_and_final_abandon_wins():
    rows = [
        ("P1", 1, "success", 12.0),
        ("P1", 2, "success", 99.0),
        ("P2", 1, "success", 8.0),
        ("P2", 2, "abandon", 5.0),
    ]
    data = frame([(p, "A", "t", o, time, 1, 0) for p, _, o, time in rows])
    data["attempt"] = np.array([a for _, a, *_ in rows], dtype=np.int64)
    r = summarize(data).iloc[0]
    # P2 succeeded once, so it counts as a success (eventual success beats the final abandon)
    assert (r["participants"], r["successes"], r["abandons"], r["time_mean"]) == (2, 2, 0, 10.0)


def test_row_order_does_not_matter_and_attempt_numbers_say_which_came_first():
    shuffled = summarize(retries_frame([5, 2, 0, 3, 1, 4]))
    pd.testing.assert_frame_equal(shuffled, summarize(retries_frame()), check_exact=True)
    # P3's attempt 2 is the final one, though it comes first in the frame: P3 abandoned; P1 failed twice
    # before succeeding (in the frame's last rows): a success, so no participant is a failure
    r = shuffled.iloc[0]
    assert (r["participants"], r["successes"], r["failures"], r["abandons"]) == (3, 2, 0, 1)
    assert r["first_try_success_rate"] == 1 / 3


def test_without_retries_both_units_give_the_same_frame():
    for time_of in ("success", "failed", "all"):
        for by in (["task"], ["task", "variant"], []):
            pd.testing.assert_frame_equal(
                summarize(frame(ROWS), by, time_of=time_of),
                summarize(frame(ROWS), by, time_of=time_of, unit="attempt"),
                check_exact=True,
            )


def test_group_columns_split_the_participants():
    from uxcli.tasks.metrics import group_stats

    data = retries_frame()
    data["variant"] = pd.Categorical(["A", "A", "B", "B", "A", "A"])  # P1's success is in variant B
    table = summarize(data, ["variant"])
    a, b = row(table, variant="A"), row(table, variant="B")
    assert (a["participants"], a["successes"], a["failures"], a["abandons"]) == (2, 0, 1, 1)
    assert (b["participants"], b["successes"], b["first_try_success_rate"]) == (2, 2, 1.0)
    overall = summarize(data, []).iloc[0]
    assert (overall["participants"], overall["successes"]) == (3, 2)
    # the overall row of the grouped table: the split participant is one again
    merged = group_stats(data, ["variant"]).overall().summary()
    pd.testing.assert_frame_equal(merged, summarize(data, []), check_exact=True)


def test_bad_unit_is_an_option_error():
    with pytest.raises(OptionError, match="--unit"):
        summarize(frame(ROWS), unit="person")


@settings(max_examples=60, deadline=None)
@given(seed=hs.integers(0, 10_000), size=hs.integers(0, 200), blocks=hs.integers(1, 8))
def test_participant_units_in_blocks_in_any_order_equal_the_whole(seed, size, blocks):
    """Per-participant state fed a block at a time, in any order, gives the whole frame's summary bit for bit."""
    from uxcli.tasks.metrics import GroupStats, group_stats, outcome_codes

    rng = np.random.default_rng(seed)
    participant = rng.integers(0, 12, size)
    task = rng.integers(0, 3, size)
    attempts = pd.DataFrame(
        {
            "participant": pd.Categorical([f"P{p}" for p in participant]),
            "task": pd.Categorical([f"t{t}" for t in task], categories=["t0", "t1", "t2"]),
            "outcome": pd.Categorical(
                rng.choice(["success", "failure", "abandon"], size), categories=["success", "failure", "abandon"]
            ),
            "time": np.round(rng.lognormal(3, 1, size), 3),
            "clicks": rng.poisson(4, size).astype(float),
            "errors": rng.poisson(0.5, size).astype(float),
        }
    )
    attempts["attempt"] = attempts.groupby(["participant", "task"], observed=True).cumcount().to_numpy() + 1
    for time_of in ("success", "all", "failed"):
        whole = group_stats(attempts, ["task"], time_of)
        pieces = GroupStats(time_of)
        ids = {code: i for i, code in enumerate(whole.labels["task"].cat.codes.to_numpy())}
        gid = np.array([ids[c] for c in attempts["task"].cat.codes.to_numpy()], dtype=np.int64)
        unit = participant * 3 + task  # any int64 per participant × task will do
        cuts = np.sort(rng.integers(0, size + 1, blocks - 1))
        parts = np.split(np.arange(size), cuts)
        for part in (parts[i] for i in rng.permutation(len(parts))):
            pieces.add(
                gid[part],
                part,
                outcome_codes(attempts)[part],
                attempts["errors"].to_numpy()[part],
                attempts["clicks"].to_numpy()[part],
                attempts["time"].to_numpy()[part],
                unit=unit[part],
                attempt=attempts["attempt"].to_numpy()[part],
                person=participant[part],
            )
        pd.testing.assert_frame_equal(pieces.summary(whole.labels), whole.summary(), check_exact=True)
        pd.testing.assert_frame_equal(
            pieces.merged().summary(pd.DataFrame(index=range(min(size, 1)))),
            whole.overall().summary(),
            check_exact=True,
        )
        assert (
            pieces.retried()
            == whole.stats.retried()
            == len({p for p, t in zip(participant, task) if ((participant == p) & (task == t)).sum() > 1})
        )
