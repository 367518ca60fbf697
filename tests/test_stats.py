"""Tests for uxcli.stats: published figures (cited) and independent recomputations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hst
from scipy import stats as st

from uxcli import stats

Z95 = 1.959963984540054
# Confidence level at which z = 2 exactly, so z²/8 = 0.5 and z²/4 = 1 (Agresti's "+2" intervals).
CONF_Z2 = 2 * st.norm.cdf(2.0) - 1


def hand_adjusted_wald(x: float, n: float, z: float) -> tuple[float, float]:
    p = (x + z * z / 2) / (n + z * z)
    half = z * math.sqrt(p * (1 - p) / (n + z * z))
    return max(p - half, 0.0), min(p + half, 1.0)


# --- z and the adjusted-Wald interval --------------------------------------------------------


def test_z_for_matches_normal_quantiles():
    assert stats.z_for(0.95) == pytest.approx(Z95, abs=1e-9)
    assert stats.z_for(0.90) == pytest.approx(1.6448536, abs=1e-6)
    assert stats.z_for(0.99) == pytest.approx(2.5758293, abs=1e-6)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1])
def test_z_for_rejects_impossible_confidence(bad):
    with pytest.raises(ValueError):
        stats.z_for(bad)


def test_adjusted_wald_published_4_of_5():
    # Tullis & Albert, Measuring the User Experience (adjusted Wald, 4 of 5 at 95%): .3596-.9796,
    # as quoted in the project reference (ux-statistics.md, "Completion rate").
    low, high = stats.adjusted_wald(4, 5, 0.95)
    assert low == pytest.approx(0.3596, abs=5e-4)
    assert high == pytest.approx(0.9796, abs=5e-4)


def test_adjusted_wald_published_1_of_5():
    # MeasuringU (Sauro): 1 of 5 users completing -> 95% CI "2% to 64%".
    low, high = stats.adjusted_wald(1, 5, 0.95)
    assert round(low * 100) == 2
    assert round(high * 100) == 64


@pytest.mark.parametrize("x,n,conf", [(0, 5, 0.95), (3, 7, 0.9), (10, 12, 0.99), (27, 40, 0.8)])
def test_adjusted_wald_matches_hand_formula(x, n, conf):
    # Formula from Sauro & Lewis (2005, HFES) / QUX ch. 3, computed independently here.
    expected = hand_adjusted_wald(x, n, st.norm.ppf(1 - (1 - conf) / 2))
    assert stats.adjusted_wald(x, n, conf) == pytest.approx(expected, abs=1e-12)


def test_adjusted_wald_vectorised_equals_scalar():
    xs = np.array([0, 1, 4, 5, 7, 0, 12])
    ns = np.array([5, 5, 5, 5, 9, 0, 12])
    low, high = stats.adjusted_wald(xs, ns, 0.9)
    assert isinstance(low, np.ndarray) and low.shape == xs.shape
    for i, (x, n) in enumerate(zip(xs, ns)):
        s_low, s_high = stats.adjusted_wald(int(x), int(n), 0.9)
        np.testing.assert_equal([low[i], high[i]], [s_low, s_high])


def test_adjusted_wald_edge_cases():
    assert all(math.isnan(v) for v in stats.adjusted_wald(0, 0))
    low, high = stats.adjusted_wald(5, 5)
    assert high == 1.0 and low < 1.0  # clipped, not above 1
    low, high = stats.adjusted_wald(0, 5)
    assert low == 0.0 and high > 0.0
    with pytest.raises(ValueError):
        stats.adjusted_wald(6, 5)


@given(
    hst.integers(min_value=1, max_value=500).flatmap(
        lambda n: hst.tuples(hst.integers(min_value=0, max_value=n), hst.just(n))
    ),
    hst.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_adjusted_wald_contains_observed_rate(case, conf):
    x, n = case
    low, high = stats.adjusted_wald(x, n, conf)
    assert 0.0 <= low <= x / n <= high <= 1.0


def test_best_point_estimate_rules():
    # Lewis & Sauro (2006, JUS 1(3)) rules, each branch recomputed by hand.
    z2 = Z95**2
    assert stats.best_point_estimate(2, 10) == pytest.approx((2 + z2 / 2) / (10 + z2))
    assert stats.best_point_estimate(7, 10) == pytest.approx(0.7)
    assert stats.best_point_estimate(9, 10) == pytest.approx(min(10 / 12, 9.5 / 11))
    assert stats.best_point_estimate(19, 20) == pytest.approx(min(20 / 22, 19.5 / 21))
    assert stats.best_point_estimate(10, 10) == pytest.approx(11 / 12)
    assert math.isnan(stats.best_point_estimate(0, 0))
    vector = stats.best_point_estimate(np.array([2, 7, 9, 10]), np.array([10, 10, 10, 10]))
    assert vector == pytest.approx([(2 + z2 / 2) / (10 + z2), 0.7, 10 / 12, 11 / 12])


# --- times ------------------------------------------------------------------------------------


def test_geometric_mean_ci_published():
    # MeasuringU time calculator (Sauro & Lewis, CHI 2010; QUX ch. 3): 55, 65, 75, 62, 45, 135 s
    # -> geometric mean 68 s, 95% CI 46-101.
    value, low, high = stats.geometric_mean_ci([55, 65, 75, 62, 45, 135], 0.95)
    assert value == pytest.approx(68.2, abs=0.05)
    assert low == pytest.approx(46.0, abs=0.05)
    assert high == pytest.approx(101.2, abs=0.05)


def test_geometric_mean_ci_is_asymmetric_and_matches_scipy():
    times = np.array([12.0, 30.0, 18.5, 44.0, 21.0])
    value, low, high = stats.geometric_mean_ci(times, 0.9)
    logs = np.log(times)
    ci = st.t.interval(0.9, len(logs) - 1, loc=logs.mean(), scale=st.sem(logs))
    assert value == pytest.approx(st.gmean(times))
    assert (low, high) == pytest.approx(tuple(np.exp(ci)))
    assert high - value > value - low  # log interval is right-skewed


def test_geometric_mean_ci_edge_cases():
    value, low, high = stats.geometric_mean_ci([42.0])
    assert value == pytest.approx(42.0) and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in stats.geometric_mean_ci([]))
    assert stats.geometric_mean_ci([10, np.nan, 40]).value == pytest.approx(20.0)
    with pytest.raises(ValueError):
        stats.geometric_mean_ci([10, 0, 5])


def test_log_t_interval_vectorised_equals_per_group():
    groups = [[55, 65, 75, 62, 45, 135], [10.0, 12.0], [7.0], []]
    n = np.array([len(g) for g in groups])
    mean_log = np.array([np.mean(np.log(g)) if g else np.nan for g in groups])
    sd_log = np.array([np.std(np.log(g), ddof=1) if len(g) > 1 else np.nan for g in groups])
    value, low, high = stats.log_t_interval(n, mean_log, sd_log, 0.95)
    for i, group in enumerate(groups):
        expected = stats.geometric_mean_ci(group, 0.95)
        np.testing.assert_allclose([value[i], low[i], high[i]], list(expected), equal_nan=True)
    assert value[2] == pytest.approx(7.0) and np.isnan(low[2]) and np.isnan(value[3])


def test_mean_t_interval_matches_hand_computation():
    values = [72.5, 80, 55, 90, 67.5, 85]
    mean, low, high = stats.mean_t_interval(values, 0.95)
    n = len(values)
    half = st.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n)
    assert mean == pytest.approx(np.mean(values))
    assert (low, high) == pytest.approx((np.mean(values) - half, np.mean(values) + half))
    single = stats.mean_t_interval([5.0])
    assert single.value == 5.0 and math.isnan(single.low)
    assert math.isnan(stats.mean_t_interval([]).value)


# --- navigation -------------------------------------------------------------------------------


def test_lostness_published():
    # Smith (1996); worked example in Tullis & Albert: N=6, S=9, R=3 -> 0.60.
    assert stats.lostness(6, 9, 3) == pytest.approx(0.60, abs=0.005)


def test_lostness_perfect_path_and_undefined():
    assert stats.lostness(4, 4, 4) == pytest.approx(0.0)
    assert math.isnan(stats.lostness(0, 0, 3))
    values = stats.lostness(np.array([6, 4]), np.array([9, 4]), np.array([3, 4]))
    assert values == pytest.approx([math.sqrt((6 / 9 - 1) ** 2 + 0.25), 0.0])


# --- comparing proportions --------------------------------------------------------------------


def test_n1_two_proportion_published():
    # QUX ch. 5 (N-1 two-proportion test): 11/12 vs 5/10 -> z = 2.13, p = 0.033.
    result = stats.two_proportion_n1(11, 12, 5, 10)
    assert result.statistic == pytest.approx(2.13, abs=0.005)
    assert result.p_value == pytest.approx(0.033, abs=0.0005)
    assert result.difference == pytest.approx(11 / 12 - 5 / 10)
    assert result.test == "N-1 two-proportion"


def test_n1_is_less_conservative_than_yates():
    # QUX ch. 5 contrasts the same data under Yates' chi-square: 2.905, p 0.0883 (computed here
    # with scipy); the N-1 test's p must be the smaller one.
    chi2, p_yates, _, _ = st.chi2_contingency([[11, 1], [5, 5]], correction=True)
    assert chi2 == pytest.approx(2.905, abs=5e-4) and p_yates == pytest.approx(0.0883, abs=5e-5)
    assert stats.two_proportion_n1(11, 12, 5, 10).p_value < p_yates


@pytest.mark.parametrize("x1,n1,x2,n2", [(11, 12, 5, 10), (20, 40, 30, 45), (3, 8, 7, 9)])
def test_n1_z_squared_is_scaled_pearson_chi2(x1, n1, x2, n2):
    # N-1 chi-square = Pearson chi-square x (N-1)/N (Campbell 2007; QUX ch. 5), via scipy.
    chi2 = st.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)[0]
    total = n1 + n2
    result = stats.two_proportion_n1(x1, n1, x2, n2)
    assert result.statistic**2 == pytest.approx(chi2 * (total - 1) / total)
    assert result.p_value == pytest.approx(st.chi2.sf(chi2 * (total - 1) / total, 1))


def test_difference_interval_is_agresti_caffo_at_z2():
    # QUX ch. 5 adds z²/4 successes and z²/2 trials per group; at z = 2 that is Agresti & Caffo
    # (2000): +1 success, +2 trials.
    x1, n1, x2, n2 = 11, 12, 5, 10
    p1, p2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
    half = 2 * math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    result = stats.two_proportion_n1(x1, n1, x2, n2, CONF_Z2)
    assert (result.ci_low, result.ci_high) == pytest.approx((p1 - p2 - half, p1 - p2 + half))


def test_n1_undefined_cases():
    assert math.isnan(stats.two_proportion_n1(0, 0, 3, 5).p_value)
    same = stats.two_proportion_n1(5, 5, 8, 8)  # pooled P = 1: z undefined
    assert math.isnan(same.statistic) and same.difference == 0.0
    assert -1.0 <= same.ci_low <= same.ci_high <= 1.0


def test_compare_proportions_chooses_test():
    # QUX ch. 5: Fisher exact when an expected cell count is below 1, else N-1.
    assert stats.compare_proportions(11, 12, 5, 10).test == "N-1 two-proportion"
    # Expected successes in group 1: 2 x 1/12 < 1.
    small = stats.compare_proportions(1, 2, 0, 10)
    assert small.test == "Fisher exact"
    assert small.p_value == pytest.approx(st.fisher_exact([[1, 1], [0, 10]]).pvalue)
    assert small.difference == pytest.approx(0.5)
    assert stats.compare_proportions(5, 5, 8, 8).p_value == pytest.approx(1.0)


# --- paired proportions -----------------------------------------------------------------------


def hand_mcnemar(b: int, c: int) -> float:
    k, n = min(b, c), b + c
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


@pytest.mark.parametrize("b,c", [(1, 6), (4, 4), (0, 9), (12, 3)])
def test_mcnemar_exact_matches_binomial_tail(b, c):
    # Exact McNemar: two-sided binomial on discordant pairs (QUX ch. 5), by hand.
    assert stats.mcnemar_exact(b, c) == pytest.approx(hand_mcnemar(b, c))


def test_mcnemar_exact_no_discordant_pairs():
    assert stats.mcnemar_exact(0, 0) == 1.0


@pytest.mark.parametrize("b,c", [(0, 5), (5, 0), (1, 6), (2, 9), (12, 3), (4, 4), (0, 0)])
def test_mcnemar_mid_p_is_exact_p_minus_the_observed_probability(b, c):
    # Fagerland, Lydersen & Laake (2013, BMC Med Res Methodol 13:91): mid-p = 2·[P(X <= k) − ½P(X = k)],
    # k = min(b, c), X ~ Bin(b + c, ½): the exact two-sided p minus P(X = k); b = c gives 1.
    n, k = b + c, min(b, c)
    expected = 1.0 if b == c else st.binomtest(b, n, 0.5).pvalue - st.binom.pmf(k, n, 0.5)
    assert stats.mcnemar_mid_p(b, c) == pytest.approx(expected)
    with pytest.raises(ValueError):
        stats.mcnemar_mid_p(-1, 2)


def test_mcnemar_mid_p_published_example():
    # Reference "Comparing two designs" (QUX 2nd ed. ch. 5): 0 vs 5 discordant pairs -> exact 0.0625,
    # mid-p 0.03125. Ten participants: 5 fail A and succeed B, 5 succeed in both; uxcli printed the
    # exact p = 0.0625 beside its own interval of +10 to +74 points.
    assert stats.mcnemar_exact(0, 5) == pytest.approx(0.0625)
    assert stats.mcnemar_mid_p(0, 5) == pytest.approx(0.03125)
    result = stats.compare_paired_proportions([0] * 5 + [1] * 5, [1] * 10)
    assert result.test == "McNemar mid-p"
    assert result.p_value == pytest.approx(0.03125)
    assert result.difference == pytest.approx(0.5)
    assert round(result.ci_low, 2) == 0.10 and round(result.ci_high, 2) == 0.74


def test_paired_proportions_against_agresti_min():
    a = np.array([1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1], dtype=bool)
    b = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1], dtype=bool)
    only_a = int(np.sum(a & ~b))
    only_b = int(np.sum(~a & b))
    n = len(a)
    # Agresti's "Wald+2" diffpropci (Agresti & Min 2005), written out here: at z = 2 the QUX
    # z²/8-per-cell adjustment adds exactly 0.5 per cell.
    diff = (only_b - only_a) / (n + 2)
    sd = math.sqrt((only_a + only_b + 1) - (only_b - only_a) ** 2 / (n + 2)) / (n + 2)
    result = stats.compare_paired_proportions(a, b, CONF_Z2)
    assert (result.ci_low, result.ci_high) == pytest.approx((diff - 2 * sd, diff + 2 * sd))
    assert result.difference == pytest.approx(b.mean() - a.mean())
    # mid-p (QUX 2nd ed. ch. 5; Fagerland et al. 2013): exact p − P(X = min(b, c))
    mid_p = hand_mcnemar(only_a, only_b) - math.comb(only_a + only_b, min(only_a, only_b)) / 2 ** (only_a + only_b)
    assert result.p_value == pytest.approx(mid_p)
    assert result.test == "McNemar mid-p"


def test_paired_proportions_drops_incomplete_pairs_and_checks_length():
    result = stats.compare_paired_proportions([1, 0, np.nan, 1], [1, 1, 1, np.nan])
    assert result.difference == pytest.approx(0.5)  # only the first two pairs count
    with pytest.raises(ValueError):
        stats.compare_paired_proportions([1, 0], [1])
    assert math.isnan(stats.compare_paired_proportions([], []).difference)


# --- times and means ---------------------------------------------------------------------------


A_TIMES = np.array([34.0, 51.0, 40.0, 78.0, 45.0, 62.0, 39.0])
B_TIMES = np.array([25.0, 31.0, 44.0, 28.0, 36.0, 22.0])


def test_compare_log_times_welch():
    # QUX ch. 5: Welch t on log times; ratio of geometric means b/a. CI recomputed by hand
    # with the Welch–Satterthwaite degrees of freedom.
    result = stats.compare_log_times(A_TIMES, B_TIMES, paired=False, confidence=0.9)
    la, lb = np.log(A_TIMES), np.log(B_TIMES)
    va, vb = la.var(ddof=1) / la.size, lb.var(ddof=1) / lb.size
    df = (va + vb) ** 2 / (va**2 / (la.size - 1) + vb**2 / (lb.size - 1))
    half = st.t.ppf(0.95, df) * math.sqrt(va + vb)
    diff = lb.mean() - la.mean()
    assert result.difference == pytest.approx(st.gmean(B_TIMES) / st.gmean(A_TIMES))
    assert (result.ci_low, result.ci_high) == pytest.approx((math.exp(diff - half), math.exp(diff + half)))
    assert result.p_value == pytest.approx(st.ttest_ind(lb, la, equal_var=False).pvalue)
    assert result.test == "Welch t on log times"
    assert result.ci_low < result.difference < result.ci_high


def test_compare_log_times_paired():
    a = A_TIMES[:6]
    b = B_TIMES
    result = stats.compare_log_times(a, b, paired=True, confidence=0.95)
    d = np.log(b) - np.log(a)
    half = st.t.ppf(0.975, d.size - 1) * st.sem(d)
    assert result.difference == pytest.approx(st.gmean(b / a))
    assert (result.ci_low, result.ci_high) == pytest.approx((math.exp(d.mean() - half), math.exp(d.mean() + half)))
    assert result.p_value == pytest.approx(st.ttest_1samp(d, 0).pvalue)
    assert result.test == "paired t on log times"


def test_compare_log_times_small_and_invalid():
    result = stats.compare_log_times([30.0], [20.0, 25.0])
    assert result.difference == pytest.approx(math.sqrt(20 * 25) / 30)
    assert math.isnan(result.p_value) and math.isnan(result.ci_low)
    with pytest.raises(ValueError):
        stats.compare_log_times([0.0, 3.0], [2.0, 3.0])
    with pytest.raises(ValueError):
        stats.compare_log_times([1.0, 2.0], [2.0], paired=True)


def test_compare_means_welch_and_paired():
    a = np.array([0, 1, 2, 0, 1, 3, 0, 1.0])
    b = np.array([1, 2, 2, 3, 1, 4, 2, 2.0])
    welch = stats.compare_means(a, b, paired=False, confidence=0.95)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = st.t.ppf(0.975, df) * math.sqrt(va + vb)
    diff = b.mean() - a.mean()
    assert welch.difference == pytest.approx(diff)
    assert (welch.ci_low, welch.ci_high) == pytest.approx((diff - half, diff + half))
    assert welch.test == "Welch t"
    paired = stats.compare_means(a, b, paired=True, confidence=0.95)
    d = b - a
    half = st.t.ppf(0.975, d.size - 1) * st.sem(d)
    assert (paired.ci_low, paired.ci_high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert paired.p_value == pytest.approx(st.ttest_1samp(d, 0).pvalue)
    assert paired.test == "paired t"


# --- constant data: no interval, no t test ------------------------------------------------------
# Reference "Which estimate, which interval": constant data (SEQ 7, 7, 7) has no interval and no
# t-test; report "not testable", as for n < 2. (Before: zero-width intervals and p = 0.)


@pytest.mark.parametrize("values", [[7, 7, 7], [70.0, 70.0, 70.0], [0.0, 0.0], [0.1, 0.1, 0.1]])
def test_mean_t_interval_of_constant_values_is_undefined(values):
    value, low, high = stats.mean_t_interval(values)
    assert value == pytest.approx(values[0])
    assert math.isnan(low) and math.isnan(high)


def test_geometric_mean_ci_of_identical_times_is_undefined():
    value, low, high = stats.geometric_mean_ci([30, 30, 30])
    assert value == pytest.approx(30.0)
    assert math.isnan(low) and math.isnan(high)


def test_log_t_interval_treats_rounding_noise_in_sd_as_zero():
    # aggregated logs of identical times give an SD of ~1e-16 rather than 0 (uxcli.tasks.metrics)
    m = math.log(30)
    value, low, high = stats.log_t_interval(np.array([3, 3, 3]), np.array([m, m, m]), np.array([0.0, 4e-16, 0.2]))
    assert value == pytest.approx([30, 30, 30])
    assert np.isnan(low[:2]).all() and np.isnan(high[:2]).all()
    half = st.t.ppf(0.975, 2) * 0.2 / math.sqrt(3)
    assert (low[2], high[2]) == pytest.approx((30 * math.exp(-half), 30 * math.exp(half)))


@pytest.mark.parametrize("values,target", [([70, 70, 70], 68), ([7, 7, 7], 5.5), ([3, 3], 5.5)])
def test_one_sided_mean_vs_constant_values_is_untestable(values, target):
    assert math.isnan(stats.one_sided_mean_vs(values, target))


def test_two_sample_t_tests_of_constant_data_are_untestable():
    for result in (
        stats.compare_means([0, 0], [0, 0]),
        stats.compare_means([0, 0, 0], [1, 1, 1]),  # SE 0: scipy gives t = -inf, p = 0
        stats.compare_means([1, 2, 3], [2, 3, 4], paired=True),  # identical differences
        stats.compare_log_times([30, 30, 30], [45, 45, 45]),
        stats.compare_log_times([30, 40, 50], [60, 80, 100], paired=True),  # every ratio exactly 2
    ):
        assert math.isnan(result.p_value) and math.isnan(result.ci_low) and math.isnan(result.ci_high)
        assert math.isnan(result.statistic)
    assert stats.compare_log_times([30, 40, 50], [60, 80, 100], paired=True).difference == pytest.approx(2.0)
    # Welch's SE uses both variances: one constant group leaves the other's (scipy agrees).
    a, b = np.array([0.0, 0.0, 0.0]), np.array([1.0, 2.0, 4.0])
    result = stats.compare_means(a, b)
    reference = st.ttest_ind(b, a, equal_var=False)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert (result.ci_low, result.ci_high) == pytest.approx(tuple(reference.confidence_interval(0.95)))


# --- against a benchmark ------------------------------------------------------------------------


@pytest.mark.parametrize("x,n", [(9, 10), (18, 20), (5, 10), (10, 10)])
def test_one_sided_proportion_vs_benchmark(x, n):
    # Exact binomial P(X >= x | p = 0.78) (QUX ch. 4; 78% average completion, Sauro 2011).
    expected = sum(math.comb(n, k) * 0.78**k * 0.22 ** (n - k) for k in range(x, n + 1))
    assert stats.one_sided_proportion_vs(x, n, 0.78) == pytest.approx(expected)
    assert math.isnan(stats.one_sided_proportion_vs(0, 0, 0.78))


def test_one_sided_mean_vs_benchmark():
    # One-sample t, alternative "greater" (QUX ch. 4), against SUS 68, recomputed by hand.
    values = np.array([72.5, 80, 65, 77.5, 90, 70])
    t = (values.mean() - 68) / st.sem(values)
    assert stats.one_sided_mean_vs(values, 68) == pytest.approx(st.t.sf(t, values.size - 1))
    assert math.isnan(stats.one_sided_mean_vs([75.0], 68))


# --- SUM ----------------------------------------------------------------------------------------


def test_satisfaction_spec():
    # Sauro & Kindlund (CHI 2005) use 4 on 5-point items; same relative position on 7 points.
    assert stats.satisfaction_spec(5) == 4.0
    assert stats.satisfaction_spec(7) == 5.5
