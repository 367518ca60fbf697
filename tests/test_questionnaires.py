"""Tests for uxcli.questionnaires.scoring: published figures (cited) and independent recomputations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hst
from scipy import stats as st

from uxcli.questionnaires import scoring as q

Z95 = 1.959963984540054

# --- Likert parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        (1, 1),
        (5, 5),
        ("3", 3),
        (" 4 ", 4),
        (4.0, 4),
        ("2.0", 2),
        (np.int64(2), 2),
        ("Strongly disagree", 1),
        ("DISAGREE", 2),
        ("neutral", 3),
        ("Neither agree nor disagree", 3),
        ("  agree ", 4),
        ("Strongly   Agree", 5),
    ],
)
def test_parse_likert_accepts_numbers_and_labels(raw, expected):
    # Label mapping: Strongly disagree=1 ... Strongly agree=5 (survey exports; QUX ch. 8).
    assert q.parse_likert(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan"), np.nan, pd.NA, pd.NaT])
def test_parse_likert_missing_is_none(raw):
    assert q.parse_likert(raw) is None


@pytest.mark.parametrize("raw", [0, 6, "7", 2.5, "Somewhat agree", "yes", True])
def test_parse_likert_rejects_with_message(raw):
    with pytest.raises(ValueError, match="1-5"):
        q.parse_likert(raw)


def test_parse_likert_other_scales():
    assert q.parse_likert("7", scale=7) == 7
    with pytest.raises(ValueError):
        q.parse_likert(8, scale=7)
    # Labels are only defined for the 5-point scale.
    with pytest.raises(ValueError):
        q.parse_likert("agree", scale=7)


def test_impute_neutral():
    assert q.impute_neutral([5, None, 1, float("nan"), ""]) == [5, 3, 1, 3, 3]


# --- SUS scoring -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers,expected",
    [([3] * 10, 50.0), ([5, 1] * 5, 100.0), ([1, 5] * 5, 0.0)],
)
def test_sus_score_published_vectors(answers, expected):
    # Brooke (1996) scoring; vectors from the project reference (ux-statistics.md, "SUS").
    assert q.sus_score(answers) == expected


def test_sus_score_hand_example():
    answers = [4, 2, 5, 1, 4, 2, 4, 2, 5, 3]
    odd = sum(a - 1 for a in answers[0::2])
    even = sum(5 - a for a in answers[1::2])
    assert q.sus_score(answers) == 2.5 * (odd + even) == 80.0


def test_sus_score_rejects_bad_input():
    with pytest.raises(ValueError, match="10 answers"):
        q.sus_score([3] * 9)
    with pytest.raises(ValueError, match="1-5"):
        q.sus_score([3] * 9 + [6])
    with pytest.raises(ValueError, match="impute_neutral"):
        q.sus_score([3] * 9 + [None])
    assert q.sus_score(q.impute_neutral([5, 1] * 4 + [None, None])) == 90.0


answer_rows = hst.lists(hst.integers(min_value=1, max_value=5), min_size=10, max_size=10)


@given(answer_rows)
def test_sus_score_range_and_step(answers):
    score = q.sus_score(answers)
    assert 0.0 <= score <= 100.0
    assert (score / 2.5).is_integer()


@given(hst.lists(answer_rows, min_size=1, max_size=20))
def test_sus_scores_vectorised_equals_scalar(rows):
    assert q.sus_scores(rows).tolist() == [q.sus_score(row) for row in rows]


def test_sus_scores_nan_row_and_shape():
    scores = q.sus_scores([[3] * 10, [3] * 9 + [np.nan]])
    assert scores[0] == 50.0 and math.isnan(scores[1])
    with pytest.raises(ValueError):
        q.sus_scores([[3] * 9])


# --- SUS interpretation -----------------------------------------------------------------------------

# Sauro-Lewis curved grading scale (QUX 2nd ed., ch. 8, Table 8.5): grade, lower bound,
# percentile range.
CURVED = [
    ("A+", 84.1, 96, 100),
    ("A", 80.8, 90, 95),
    ("A-", 78.9, 85, 89),
    ("B+", 77.2, 80, 84),
    ("B", 74.1, 70, 79),
    ("B-", 72.6, 65, 69),
    ("C+", 71.1, 60, 64),
    ("C", 65.0, 41, 59),
    ("C-", 62.7, 35, 40),
    ("D", 51.7, 15, 34),
]


@pytest.mark.parametrize("grade,bound,_lo,_hi", CURVED)
def test_sus_grade_boundaries(grade, bound, _lo, _hi):
    assert q.sus_grade(bound) == grade
    below = q.sus_grade(bound - 0.05)
    assert below != grade


def test_sus_grade_examples():
    # MeasuringU: an average 68 is a C; below 51.7 is an F.
    assert q.sus_grade(68) == "C"
    assert q.sus_grade(51.6) == "F"
    assert q.sus_grade(100) == "A+"
    assert q.sus_grade(float("nan")) is None
    with pytest.raises(ValueError):
        q.sus_grade(101)


@pytest.mark.parametrize("score,percentile", [(68, 50), (75, 73), (52, 15), (74, 70)])
def test_sus_percentile_published(score, percentile):
    # Sauro (MeasuringU, "5 Ways to Interpret a SUS Score"; QUX ch. 8): 68 -> 50th, 75 -> 73rd,
    # 52 -> 15th; 74 -> 70th ("A Practical Guide to the SUS", 2011).
    assert round(q.sus_percentile(score)) == percentile


def test_sus_percentile_is_not_normal_approximation():
    # With the published mean 68 and SD 12.5 a normal model puts 52 at the 10th percentile;
    # the published lookup says 15th.
    normal = 100 * st.norm.cdf((52 - 68) / 12.5)
    assert round(normal) == 10
    assert abs(q.sus_percentile(52) - normal) > 4


@pytest.mark.parametrize("grade,bound,lo,hi", CURVED)
def test_sus_percentile_agrees_with_curved_grades(grade, bound, lo, hi):
    # At each grade's lower bound the percentile sits in that grade's published range.
    assert lo <= q.sus_percentile(bound) <= hi


@given(hst.floats(min_value=0, max_value=100), hst.floats(min_value=0, max_value=100))
def test_sus_percentile_monotonic_and_bounded(a, b):
    low, high = sorted((a, b))
    assert 0.0 <= q.sus_percentile(low) <= q.sus_percentile(high) <= 100.0


def test_sus_percentile_table_is_sorted():
    scores = [s for s, _ in q.SUS_PERCENTILES]
    pcts = [p for _, p in q.SUS_PERCENTILES]
    assert scores == sorted(scores) and len(set(scores)) == len(scores)
    assert pcts == sorted(pcts)
    assert math.isnan(q.sus_percentile(float("nan")))


# Bangor, Kortum & Miller (2009, JUS 4(3)) adjective means.
ADJECTIVES = [
    ("Worst Imaginable", 12.5),
    ("Awful", 20.3),
    ("Poor", 35.7),
    ("OK", 50.9),
    ("Good", 71.4),
    ("Excellent", 85.5),
    ("Best Imaginable", 90.9),
]


@pytest.mark.parametrize("adjective,mean", ADJECTIVES)
def test_sus_adjective_of_published_means(adjective, mean):
    assert q.sus_adjective(mean) == adjective


def test_sus_adjective_midpoint_cuts():
    # Nearest mean wins: Good (71.4) vs Excellent (85.5) split at 78.45.
    assert q.sus_adjective(78.4) == "Good"
    assert q.sus_adjective(78.5) == "Excellent"
    assert q.sus_adjective(0) == "Worst Imaginable"
    assert q.sus_adjective(100) == "Best Imaginable"
    assert q.sus_adjective(68) == "Good"
    assert q.sus_adjective(float("nan")) is None


def test_sus_summary_matches_numpy_and_scipy():
    scores = [72.5, 85.0, 60.0, 90.0, 77.5, 67.5, None]
    summary = q.sus_summary(scores, 0.95)
    values = np.array([72.5, 85.0, 60.0, 90.0, 77.5, 67.5])
    low, high = st.t.interval(0.95, values.size - 1, loc=values.mean(), scale=st.sem(values))
    assert summary["n"] == 6
    assert summary["mean"] == pytest.approx(values.mean())
    assert summary["sd"] == pytest.approx(values.std(ddof=1))
    assert summary["median"] == pytest.approx(np.median(values))
    assert (summary["min"], summary["max"]) == (60.0, 90.0)
    assert (summary["ci_low"], summary["ci_high"]) == pytest.approx((low, high))
    # Mean 75.4: grade B (>= 74.1), "Good", between the 73rd (75) and 77th (76) percentiles.
    assert summary["grade"] == "B"
    assert summary["adjective"] == "Good"
    assert 73 < summary["percentile"] < 77


def test_sus_summary_empty_and_clipping():
    empty = q.sus_summary([])
    assert empty["n"] == 0 and math.isnan(empty["mean"]) and empty["grade"] is None
    high = q.sus_summary([100.0, 97.5])
    assert high["ci_high"] == 100.0  # a t interval would exceed the scale
    with pytest.raises(ValueError):
        q.sus_summary([50, 120])


# --- SEQ ----------------------------------------------------------------------------------------------


def test_seq_summary():
    ratings = [6, 7, 5, 6, 7, 4, 6, None]
    values = np.array([6, 7, 5, 6, 7, 4, 6.0])
    summary = q.seq_summary(ratings, 0.9)
    low, high = st.t.interval(0.9, values.size - 1, loc=values.mean(), scale=st.sem(values))
    assert summary["n"] == 7
    assert summary["mean"] == pytest.approx(values.mean())
    assert (summary["ci_low"], summary["ci_high"]) == pytest.approx((low, high))
    # Benchmark 5.5 (MeasuringU SEQ average); one-sided one-sample t by scipy.
    assert summary["benchmark"] == 5.5
    expected_p = st.ttest_1samp(values, 5.5, alternative="greater").pvalue
    assert summary["p_above"] == pytest.approx(expected_p)


@pytest.mark.parametrize("bad", [[0, 5], [8], [3.5]])
def test_seq_summary_rejects_out_of_scale(bad):
    with pytest.raises(ValueError, match="1-7"):
        q.seq_summary(bad)


# --- UMUX-Lite ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "i1,i2,raw,sus",
    [(7, 7, 100.0, 87.9), (1, 1, 0.0, 22.9), (4, 4, 50.0, 55.4), (6, 5, 75.0, 71.65)],
)
def test_umux_lite_formula(i1, i2, raw, sus):
    # Lewis, Utesch & Maher (CHI 2013): raw = (i1 + i2 - 2)*100/12; their regression SUS = 0.65*raw + 22.9,
    # now only on request. The default SUS estimate is the raw score itself (MeasuringU, Lewis & Sauro,
    # "Accuracy of Three Ways to Estimate SUS with the UX-Lite": two-item interpolation).
    assert q.umux_lite(i1, i2) == pytest.approx(raw)
    assert q.umux_lite_sus(q.umux_lite(i1, i2), "regression-2013") == pytest.approx(sus)
    assert q.umux_lite_sus(q.umux_lite(i1, i2)) == pytest.approx(raw)


def test_umux_lite_sus_estimate_is_the_score_itself_by_default():
    # The issue's figure: a raw 84.0 was reported as 0.65 * 84 + 22.9 = 77.5, which Lah, Lewis & Sumak
    # (2020, IJHCI 36(13)) found seriously underestimates SUS at high usability; MeasuringU uses 84.0 itself.
    assert q.umux_lite_sus(84.0) == 84.0
    assert q.umux_lite_sus(84.0, "regression-2013") == pytest.approx(77.5)
    assert q.umux_lite_sus(np.array([84.0, 50.0])) == pytest.approx([84.0, 50.0])
    with pytest.raises(ValueError, match="regression-2013"):
        q.umux_lite_sus(84.0, "regression")


def test_umux_lite_vectorised_and_validated():
    assert q.umux_lite(np.array([7, 1]), np.array([7, 1])) == pytest.approx([100.0, 0.0])
    with pytest.raises(ValueError):
        q.umux_lite(8, 3)


def test_umux_lite_summary():
    item1 = [6, 7, 5, 4, 6]
    item2 = [5, 7, 6, 4, 7]
    raw = (np.array(item1) + np.array(item2) - 2) * 100 / 12
    summary = q.umux_lite_summary(item1, item2, 0.95)
    low, high = st.t.interval(0.95, raw.size - 1, loc=raw.mean(), scale=st.sem(raw))
    assert summary["mean"] == pytest.approx(raw.mean())
    # The t interval overshoots the 0-100 scale here (high > 100), so it is clipped.
    assert high > 100
    assert (summary["ci_low"], summary["ci_high"]) == pytest.approx((low, 100.0))
    # default: the SUS estimate is the raw score (MeasuringU two-item interpolation)
    assert (summary["sus_mean"], summary["sus_ci_low"], summary["sus_ci_high"]) == pytest.approx(
        (raw.mean(), low, 100.0)
    )
    assert summary["sus_method"] == "interpolation"
    old = q.umux_lite_summary(item1, item2, 0.95, "regression-2013")
    assert old["sus_method"] == "regression-2013"
    assert old["sus_mean"] == pytest.approx(0.65 * raw.mean() + 22.9)
    assert old["sus_ci_low"] == pytest.approx(0.65 * low + 22.9)
    assert old["sus_ci_high"] == pytest.approx(0.65 * 100 + 22.9)


# --- NPS ------------------------------------------------------------------------------------------------


def hand_nps_interval(promoters: int, detractors: int, n: int, z: float) -> tuple[float, float]:
    # Adjusted-Wald NPS interval (Rocks 2016; MeasuringU), written out independently.
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    se = math.sqrt((p + d - (p - d) ** 2) / n_adj)
    return 100 * max(p - d - z * se, -1), 100 * min(p - d + z * se, 1)


def test_nps_counts_and_interval():
    ratings = [10, 9, 9, 8, 7, 6, 0, 10, 3, 9, 8, 10, None]
    result = q.nps(ratings, 0.95)
    assert (result["promoters"], result["passives"], result["detractors"]) == (6, 3, 3)
    assert result["n"] == 12
    assert result["nps"] == pytest.approx(100 * (6 - 3) / 12)
    expected = hand_nps_interval(6, 3, 12, Z95)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(expected)
    assert result["ci_low"] < result["nps"] < result["ci_high"]


def test_nps_one_respondent_has_no_interval():
    # Before: one promoter gave NPS 100 with the interval -48.5 to 98.5 (n' = 4, p' = 1.75/4, d' = 0.75/4),
    # which does not contain it. One answer gets no interval.
    n_adj = 4
    p, d = 1.75 / n_adj, 0.75 / n_adj
    old_high = 100 * (p - d + Z95 * math.sqrt((p + d - (p - d) ** 2) / n_adj))
    assert old_high == pytest.approx(98.5, abs=0.05)  # the published formula's bound, below the estimate
    for rating, score in ((10, 100.0), (0, -100.0), (8, 0.0)):
        result = q.nps([rating])
        assert result["nps"] == score and result["n"] == 1
        assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_nps_interval_always_contains_the_estimate(confidence):
    # Every possible sample of 2-30 respondents. At 95% the interval is the published adjusted-Wald one
    # (Rocks 2016; MeasuringU) unchanged; where the fixed 3/4 adjustment would leave a +-100 outside (lower
    # confidence levels), the bound is extended to the estimate.
    z = float(st.norm.ppf(1 - (1 - confidence) / 2))
    for n in range(2, 31):
        for promoters in range(n + 1):
            for detractors in range(n - promoters + 1):
                ratings = [10] * promoters + [0] * detractors + [7] * (n - promoters - detractors)
                result = q.nps(ratings, confidence)
                assert result["ci_low"] <= result["nps"] <= result["ci_high"], (n, promoters, detractors)
                low, high = hand_nps_interval(promoters, detractors, n, z)
                if confidence == 0.95:
                    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high))
                else:
                    assert result["ci_low"] == pytest.approx(min(low, result["nps"]))
                    assert result["ci_high"] == pytest.approx(max(high, result["nps"]))


def test_nps_clipping_and_empty():
    result = q.nps([10] * 100)
    assert result["nps"] == 100.0 and result["ci_high"] == 100.0
    empty = q.nps([])
    assert empty["n"] == 0 and math.isnan(empty["nps"]) and math.isnan(empty["ci_low"])
    with pytest.raises(ValueError, match="0-10"):
        q.nps([11])


# --- CSAT -----------------------------------------------------------------------------------------------


def test_csat_top_two_box():
    ratings = [5, 4, 3, 2, 5, 4, 4, 1, 5, 3]
    result = q.csat(ratings, 0.95)
    assert (result["n"], result["top2"]) == (10, 6)
    assert result["csat"] == pytest.approx(0.6)
    p = (6 + Z95**2 / 2) / (10 + Z95**2)
    half = Z95 * math.sqrt(p * (1 - p) / (10 + Z95**2))
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((p - half, p + half))


def test_csat_mean_rating_with_its_t_interval():
    ratings = [5, 4, 3, 2, 5, 4, 4, 1, 5, 3, None]
    values = np.array([5, 4, 3, 2, 5, 4, 4, 1, 5, 3], dtype=float)
    result = q.csat(ratings, 0.9)
    low, high = st.t.interval(0.9, values.size - 1, loc=values.mean(), scale=st.sem(values))
    assert result["mean"] == pytest.approx(3.6)
    assert (result["mean_ci_low"], result["mean_ci_high"]) == pytest.approx((low, high))
    # clipped to the 1-5 scale, which the true mean cannot leave
    near_top = q.csat([5, 5, 4], 0.95)
    assert near_top["mean_ci_high"] == 5.0 and near_top["mean_ci_low"] == pytest.approx(
        st.t.interval(0.95, 2, loc=14 / 3, scale=st.sem([5, 5, 4]))[0]
    )
    one = q.csat([4])
    assert one["mean"] == 4.0 and math.isnan(one["mean_ci_low"]) and math.isnan(one["mean_ci_high"])
    same = q.csat([5, 5, 5])  # identical answers: no t interval
    assert same["mean"] == 5.0 and math.isnan(same["mean_ci_low"]) and math.isnan(same["mean_ci_high"])


def test_csat_empty_and_invalid():
    empty = q.csat([])
    assert empty["n"] == 0 and math.isnan(empty["csat"]) and math.isnan(empty["ci_low"])
    assert math.isnan(empty["mean"]) and math.isnan(empty["mean_ci_low"])
    with pytest.raises(ValueError):
        q.csat([6])


# --- against a published average -----------------------------------------------------------------------


def test_p_text_and_verdict_words():
    assert q.p_text(float("nan")) == "p = n/a" and q.p_text(None) == "p = n/a"
    assert q.p_text(0.0004) == "p < 0.001" and q.p_text(0.0123) == "p = 0.012"
    assert q.above_verdict(0.01, 0.99, "SUS 68") == "above the SUS 68 average (p = 0.010)"
    assert q.above_verdict(0.99, 0.01, "") == "below (p = 0.010)"
    assert q.above_verdict(float("nan"), float("nan"), "5.5") == "too few answers to test"


# Issue "Statistical truth": SEQ 5, 5, 6, 6, 6, 7, 7, 7 printed "6.12 (5.43-6.82) ... above the 5.5 average
# (p = 0.036)": the 95% interval contains 5.5, so "above" contradicted it.
ISSUE_SEQ = np.array([5, 5, 6, 6, 6, 7, 7, 7], dtype=float)


def test_issue_example_is_not_distinguishable_at_95():
    low, high = st.t.interval(0.95, 7, loc=ISSUE_SEQ.mean(), scale=st.sem(ISSUE_SEQ))
    p = st.ttest_1samp(ISSUE_SEQ, 5.5, alternative="greater").pvalue
    assert (round(low, 2), round(high, 2), round(p, 3)) == (5.43, 6.82, 0.036)  # the issue's figures
    above, below, words = q.verdict_vs(ISSUE_SEQ, 5.5, "5.5", 0.95)
    assert above == pytest.approx(p)
    assert words == "not distinguishable from the 5.5 average (p = 0.036)"
    # at 90% the interval's lower bound is above 5.5 (the one-sided test at alpha 0.05)
    assert st.t.interval(0.90, 7, loc=ISSUE_SEQ.mean(), scale=st.sem(ISSUE_SEQ))[0] > 5.5
    assert q.verdict_vs(ISSUE_SEQ, 5.5, "5.5", 0.90)[2] == "above the 5.5 average (p = 0.036)"


@given(
    hst.lists(hst.integers(1, 7), min_size=2, max_size=25),
    hst.sampled_from([0.8, 0.9, 0.95, 0.99]),
    hst.sampled_from([2.5, 4.0, 5.5, 6.5]),
)
def test_verdict_agrees_with_the_printed_interval(ratings, confidence, benchmark):
    values = np.array(ratings, dtype=float)
    words = q.verdict_vs(values, benchmark, "x", confidence)[2]
    if np.all(values == values[0]):
        assert words == "not testable (all answers equal)"
        return
    # the interval printed beside the verdict (seq_summary; clipping to 1-7 cannot move it across a benchmark)
    summary = q.seq_summary(values, confidence, benchmark)
    low, high = summary["ci_low"], summary["ci_high"]
    if low > benchmark:
        assert words.startswith("above the x average")
    elif high < benchmark:
        assert words.startswith("below the x average")
    else:
        assert words.startswith("not distinguishable from the x average")
    # ... which is the one-sided t test at alpha = (1 - C) / 2 (scipy), away from the boundary
    alpha = (1 - confidence) / 2
    p_above = st.ttest_1samp(values, benchmark, alternative="greater").pvalue
    p_below = st.ttest_1samp(values, benchmark, alternative="less").pvalue
    if abs(p_above - alpha) > 1e-9 and abs(p_below - alpha) > 1e-9:
        assert words.startswith("above") == (p_above < alpha)
        assert words.startswith("below") == (p_below < alpha)


def test_identical_answers_are_not_testable():
    # Three equal SEQ ratings: no spread, so no t interval and no t test (ux-statistics.md,
    # "Which estimate, which interval"); before, 7.0 (7.0-7.0) "above the 5.5 average (p < 0.001)".
    seq = q.seq_summary([7, 7, 7])
    assert seq["mean"] == 7.0 and seq["sd"] == 0.0
    assert math.isnan(seq["ci_low"]) and math.isnan(seq["ci_high"]) and math.isnan(seq["p_above"])
    assert all(math.isnan(p) for p in q.mean_vs(np.array([7.0, 7.0, 7.0]), 5.5))
    assert q.verdict_vs(np.array([7.0, 7.0, 7.0]), 5.5, "5.5", 0.95)[2] == "not testable (all answers equal)"
    sus = q.sus_summary([70, 70, 70])
    assert sus["mean"] == 70.0 and math.isnan(sus["ci_low"]) and math.isnan(sus["ci_high"])
    assert q.verdict_vs(np.array([70.0] * 3), 68, "SUS 68", 0.95)[2] == "not testable (all answers equal)"
    umux = q.umux_lite_summary([6, 6, 6], [7, 7, 7])
    assert math.isnan(umux["ci_low"]) and math.isnan(umux["sus_ci_low"]) and math.isnan(umux["sus_ci_high"])
    assert q.verdict_vs(np.array([6.0]), 5.5, "5.5", 0.95)[2] == "too few answers to test"


def test_interval_verdict_words():
    assert q.interval_verdict(70.1, 80, 68, "SUS 68", 0.01, 0.99) == "above the SUS 68 average (p = 0.010)"
    assert q.interval_verdict(3, 5.2, 5.5, "5.5", 0.99, 0.004) == "below the 5.5 average (p = 0.004)"
    assert (
        q.interval_verdict(60, 75, 68, "SUS 68", 0.2, 0.8) == "not distinguishable from the SUS 68 average (p = 0.200)"
    )
    assert (
        q.interval_verdict(60, 75, 68, "SUS 68", 0.8, 0.2) == "not distinguishable from the SUS 68 average (p = 0.200)"
    )
    assert q.interval_verdict(60, 75, 68, "", 0.2, 0.8) == "not distinguishable (p = 0.200)"


def test_mean_vs_is_two_one_sided_t_tests():
    values = np.array([4.0, 5.0, 6.0, 7.0, 7.0, np.nan])
    above, below = q.mean_vs(values, 5.5)
    present = values[~np.isnan(values)]
    assert above == pytest.approx(st.ttest_1samp(present, 5.5, alternative="greater").pvalue)
    assert below == pytest.approx(st.ttest_1samp(present, 5.5, alternative="less").pvalue)
