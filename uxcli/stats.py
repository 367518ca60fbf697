"""Pure statistical functions for usability metrics.

Every function cites its source. "QUX" is Sauro & Lewis, *Quantifying the User Experience*,
2nd ed. (2016). Undefined statistics (n = 0, an interval from a single value, ...) come back as
NaN rather than raising, so callers can render them as null. Invalid input (negative counts,
successes > n, non-positive times) raises ValueError.

Constant data (SEQ 7, 7, 7; times 30, 30, 30; errors 0, 0) have no t interval and no t test: the
standard error is 0, so the interval would have zero width and the test p = 0 (or t undefined).
Such figures come back as NaN, "not testable", like an interval from n < 2 (reference
"Which estimate, which interval": constant data has no interval and no t-test).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from uxcli.reference import COMPLETION_AVERAGE


class _LazyScipyStats:
    """scipy.stats, imported on first use: it takes ~1 s to import, and summaries need only the
    t and normal quantiles, which come from scipy.special (the same functions scipy.stats calls)."""

    def __getattr__(self, name: str):
        from scipy import stats

        return getattr(stats, name)


st = _LazyScipyStats()


def _special():
    """scipy.special, imported on first use (~0.2 s): a big log's reader warms it up in a thread
    while the file is parsed (uxcli.readers.read._read_grouped)."""
    from scipy import special

    return special


def expected_freq(table):
    from scipy.stats.contingency import expected_freq as compute

    return compute(table)


NAN = float("nan")

ArrayLike = float | int | Sequence[float] | np.ndarray


class Interval(NamedTuple):
    """A confidence interval (floats, or arrays when the inputs were arrays)."""

    low: float | np.ndarray
    high: float | np.ndarray


class Estimate(NamedTuple):
    """A point estimate with its confidence interval."""

    value: float | np.ndarray
    low: float | np.ndarray
    high: float | np.ndarray


class Comparison(NamedTuple):
    """Result of comparing two groups; the direction of `difference` is documented per function.

    `statistic` is the z or t statistic, NaN for exact tests.
    """

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    statistic: float = NAN


_NAN_ESTIMATE = Estimate(NAN, NAN, NAN)


def _scalar_or_array(value: np.ndarray) -> float | np.ndarray:
    return float(value) if np.ndim(value) == 0 else value


def _clean(values: ArrayLike) -> np.ndarray:
    """1-D float array with NaNs (missing values) dropped."""
    arr = np.asarray(values, dtype=float).ravel()
    return arr[~np.isnan(arr)]


# Spread below this fraction of the values' magnitude is rounding noise, not variation: the mean of
# identical logs or of constant log ratios is not always exact in floating point.
_RELATIVE_NOISE = 1e-12


def _no_variation(values: np.ndarray) -> bool:
    """True when all values are equal (up to rounding): no t interval or t test is defined."""
    if values.size == 0:
        return False
    spread = float(np.max(values) - np.min(values))
    return spread <= _RELATIVE_NOISE * float(np.max(np.abs(values)))


def _logs(times: ArrayLike) -> np.ndarray:
    arr = _clean(times)
    if np.any(arr <= 0):
        raise ValueError("times must be positive to take logarithms")
    return np.log(arr)


def z_for(confidence: float) -> float:
    """Two-sided standard-normal quantile, e.g. 1.959964 for 0.95 (QUX ch. 3)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(_special().ndtri(1 - (1 - confidence) / 2))  # = scipy.stats.norm.ppf


def adjusted_wald(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Interval:
    """Adjusted-Wald (Agresti–Coull) interval for a proportion, clipped to [0, 1].

    Sauro & Lewis (2005, HFES) and QUX ch. 3: p_adj = (x + z²/2)/(n + z²),
    p_adj ± z·sqrt(p_adj(1 − p_adj)/(n + z²)). Works element-wise on arrays; n == 0 gives NaN.
    """
    x = np.asarray(successes, dtype=float)
    size = np.asarray(n, dtype=float)
    if np.any(x < 0) or np.any(x > size):
        raise ValueError("successes must be between 0 and n")
    z2 = z_for(confidence) ** 2
    n_adj = size + z2
    p_adj = (x + z2 / 2) / n_adj
    with np.errstate(invalid="ignore"):
        half = math.sqrt(z2) * np.sqrt(p_adj * (1 - p_adj) / n_adj)
    empty = size <= 0
    low = np.where(empty, np.nan, np.clip(p_adj - half, 0.0, 1.0))
    high = np.where(empty, np.nan, np.clip(p_adj + half, 0.0, 1.0))
    return Interval(_scalar_or_array(low), _scalar_or_array(high))


def best_point_estimate(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> float | np.ndarray:
    """Best point estimate of a completion rate (Lewis & Sauro 2006, JUS 1(3); QUX ch. 3).

    x/n ≤ .5: adjusted-Wald centre (x + z²/2)/(n + z²); .5 < x/n < .9: x/n;
    .9 ≤ x/n < 1: the smaller of Laplace (x+1)/(n+2) and Jeffreys (x+.5)/(n+1); x/n = 1: Laplace.
    """
    x = np.asarray(successes, dtype=float)
    size = np.asarray(n, dtype=float)
    z2 = z_for(confidence) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / size
        laplace = (x + 1) / (size + 2)
        jeffreys = (x + 0.5) / (size + 1)
        result = np.select(
            [size <= 0, p <= 0.5, p < 0.9, p < 1.0],
            [np.nan, (x + z2 / 2) / (size + z2), p, np.minimum(laplace, jeffreys)],
            default=laplace,
        )
    return _scalar_or_array(result)


def log_t_interval(n: ArrayLike, mean_log: ArrayLike, sd_log: ArrayLike, confidence: float = 0.95) -> Estimate:
    """Geometric mean and its log-t interval from per-group aggregates of ln(time).

    QUX ch. 3 / Sauro & Lewis (CHI 2010): exp(m ± t(1 − α/2, n − 1)·s/√n), asymmetric around
    exp(m). Vectorised so metrics can feed groupby aggregates; n == 0 gives NaN, n < 2 a NaN
    interval, and so does s = 0 (identical times; s below 1e-12·max(1, |m|) counts as 0, the
    rounding noise of aggregated logs): a zero-width interval would claim certainty.
    """
    size = np.asarray(n, dtype=float)
    m = np.asarray(mean_log, dtype=float)
    s = np.asarray(sd_log, dtype=float)
    with np.errstate(invalid="ignore"):
        varies = s > _RELATIVE_NOISE * np.maximum(1.0, np.abs(m))
    defined = (size >= 2) & varies
    # df is forced to 1 where undefined only to keep scipy quiet; those cells are masked below.
    df = np.where(defined, size - 1, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = _special().stdtrit(df, 1 - (1 - confidence) / 2) * s / np.sqrt(size)  # = scipy.stats.t.ppf
        geomean = np.where(size >= 1, np.exp(m), np.nan)
        low = np.where(defined, np.exp(m - half), np.nan)
        high = np.where(defined, np.exp(m + half), np.nan)
    return Estimate(_scalar_or_array(geomean), _scalar_or_array(low), _scalar_or_array(high))


def geometric_mean_ci(times: ArrayLike, confidence: float = 0.95) -> Estimate:
    """Geometric mean of task times with its log-t confidence interval (QUX ch. 3).

    NaN (unknown) times are ignored. MeasuringU example: 55, 65, 75, 62, 45, 135 s →
    68.2 s, 95% CI 46.0–101.2.
    """
    logs = _logs(times)
    if logs.size == 0:
        return _NAN_ESTIMATE
    if logs.size < 2:
        sd = NAN
    else:
        sd = 0.0 if _no_variation(logs) else float(np.std(logs, ddof=1))
    return log_t_interval(logs.size, float(np.mean(logs)), sd, confidence)


def mean_t_interval(values: ArrayLike, confidence: float = 0.95) -> Estimate:
    """Arithmetic mean with a classic t confidence interval (QUX ch. 3; used for SUS and SEQ).

    NaN values are ignored; n == 0 gives NaN, n == 1 or identical values (SD 0) a NaN interval.
    """
    arr = _clean(values)
    if arr.size == 0:
        return _NAN_ESTIMATE
    mean = float(np.mean(arr))
    if arr.size < 2 or _no_variation(arr):
        return Estimate(mean, NAN, NAN)
    sem = float(st.sem(arr))
    low, high = st.t.interval(confidence, arr.size - 1, loc=mean, scale=sem)
    return Estimate(mean, float(low), float(high))


def lostness(unique_pages: ArrayLike, total_pages: ArrayLike, minimum_pages: ArrayLike) -> float | np.ndarray:
    """Lostness L = sqrt((N/S − 1)² + (R/N − 1)²) (Smith 1996, Interacting with Computers 8(4)).

    N unique pages visited, S total pages visited, R minimum pages needed. L < 0.4 not lost,
    > 0.5 lost. Tullis & Albert example: N=6, S=9, R=3 → 0.60. N or S of 0 gives NaN.
    """
    big_n = np.asarray(unique_pages, dtype=float)
    big_s = np.asarray(total_pages, dtype=float)
    big_r = np.asarray(minimum_pages, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.sqrt((big_n / big_s - 1) ** 2 + (big_r / big_n - 1) ** 2)
        value = np.where((big_n > 0) & (big_s > 0), value, np.nan)
    return _scalar_or_array(value)


def _difference_interval(x1: float, n1: float, x2: float, n2: float, confidence: float) -> tuple[float, float]:
    """Adjusted-Wald interval for p1 − p2 (QUX ch. 5): add z²/4 successes, z²/2 trials per group.

    At 95% this is close to Agresti & Caffo (2000), who add 1 success and 2 trials.
    """
    z = z_for(confidence)
    n1a, n2a = n1 + z * z / 2, n2 + z * z / 2
    p1a, p2a = (x1 + z * z / 4) / n1a, (x2 + z * z / 4) / n2a
    half = z * math.sqrt(p1a * (1 - p1a) / n1a + p2a * (1 - p2a) / n2a)
    diff = p1a - p2a
    return max(diff - half, -1.0), min(diff + half, 1.0)


def _check_counts(x: int, n: int) -> None:
    if n < 0 or x < 0 or x > n:
        raise ValueError(f"need 0 <= successes <= n, got {x} of {n}")


def two_proportion_n1(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Comparison:
    """N−1 two-proportion test of p1 vs p2, difference = p1 − p2 (QUX ch. 5; Campbell 2007).

    z = (p1 − p2)·sqrt((N − 1)/N) / sqrt(P·Q·(1/n1 + 1/n2)), two-sided normal p. CI: adjusted-Wald
    difference interval. QUX ch. 5 example: 11/12 vs 5/10 → z = 2.13, p = 0.033. When P is 0 or 1
    the statistic is undefined (z and p are NaN); compare_proportions routes that case to Fisher.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    if n1 == 0 or n2 == 0:
        return Comparison(NAN, NAN, NAN, NAN, "N-1 two-proportion", NAN)
    p1, p2 = x1 / n1, x2 / n2
    total = n1 + n2
    pooled = (x1 + x2) / total
    denominator = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if denominator == 0:
        z, p_value = NAN, NAN
    else:
        z = (p1 - p2) * math.sqrt((total - 1) / total) / denominator
        p_value = float(2 * st.norm.sf(abs(z)))
    low, high = _difference_interval(x1, n1, x2, n2, confidence)
    return Comparison(p1 - p2, low, high, p_value, "N-1 two-proportion", z)


def compare_proportions(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Comparison:
    """Between-subjects comparison of two completion rates, difference = p1 − p2 (QUX ch. 5).

    QUX ch. 5 recommends the N−1 two-proportion test unless an expected cell count is below 1,
    in which case the two-sided Fisher (Fisher–Irwin) exact test; `test` names the one used.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    if n1 == 0 or n2 == 0:
        return Comparison(NAN, NAN, NAN, NAN, "N-1 two-proportion", NAN)
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = expected_freq(table)
    if np.all(expected >= 1):
        return two_proportion_n1(x1, n1, x2, n2, confidence)
    p_value = float(st.fisher_exact(table, alternative="two-sided").pvalue)
    low, high = _difference_interval(x1, n1, x2, n2, confidence)
    return Comparison(x1 / n1 - x2 / n2, low, high, p_value, "Fisher exact", NAN)


def mcnemar_mid_p(b: int, c: int) -> float:
    """Two-sided McNemar mid-p value for b vs c discordant pairs (QUX 2nd ed. ch. 5 key points).

    Fagerland, Lydersen & Laake (2013, BMC Med Res Methodol 13:91): with X ~ Binomial(b + c, ½)
    and k = min(b, c), mid-p = 2·[P(X ≤ k) − ½·P(X = k)], i.e. the exact two-sided p minus
    P(X = k); it keeps close to the nominal level where the exact test is conservative.
    Example: 0 vs 5 → exact 0.0625, mid-p 0.03125. b = c (including no discordant pairs) gives 1.
    """
    if b < 0 or c < 0:
        raise ValueError("discordant counts must be non-negative")
    n, k = int(b + c), int(min(b, c))
    if n == 0:
        return 1.0
    return float(min(1.0, 2 * (st.binom.cdf(k, n, 0.5) - 0.5 * st.binom.pmf(k, n, 0.5))))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p value: binomial test of b vs c discordant pairs at 0.5 (QUX ch. 5).

    With no discordant pairs there is no evidence of a difference, so p = 1.
    """
    if b < 0 or c < 0:
        raise ValueError("discordant counts must be non-negative")
    if b + c == 0:
        return 1.0
    return float(st.binomtest(int(b), int(b + c), 0.5).pvalue)


def compare_paired_proportions(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> Comparison:
    """Within-subjects comparison of two completion rates, difference = mean(b) − mean(a).

    `a` and `b` are aligned per participant (truthy = success); pairs with a missing value are
    dropped. p: McNemar mid-p (mcnemar_mid_p; QUX 2nd ed. ch. 5, Fagerland et al. 2013). CI: adjusted-Wald interval for matched proportions
    (QUX ch. 5, after Agresti & Min 2005, Statistics in Medicine 24: 729–740): add z²/8 to each
    cell of the 2×2 table (≈ 0.5 at 95%, Agresti & Min's "Wald+2"), then a Wald interval on the
    difference of the adjusted marginals, clipped to [−1, 1].
    """
    first = np.asarray(a, dtype=float).ravel()
    second = np.asarray(b, dtype=float).ravel()
    if first.shape != second.shape:
        raise ValueError("paired samples must have the same length")
    keep = ~(np.isnan(first) | np.isnan(second))
    first, second = first[keep] != 0, second[keep] != 0
    n = first.size
    if n == 0:
        return Comparison(NAN, NAN, NAN, NAN, "McNemar mid-p", NAN)
    only_a = int(np.sum(first & ~second))
    only_b = int(np.sum(~first & second))
    z = z_for(confidence)
    n_adj = n + z * z / 2
    pa, pb = (only_a + z * z / 8) / n_adj, (only_b + z * z / 8) / n_adj
    diff_adj = pb - pa
    half = z * math.sqrt((pa + pb - diff_adj**2) / n_adj)
    return Comparison(
        float(np.mean(second) - np.mean(first)),
        max(diff_adj - half, -1.0),
        min(diff_adj + half, 1.0),
        mcnemar_mid_p(only_a, only_b),
        "McNemar mid-p",
        NAN,
    )


def _t_test(a: np.ndarray, b: np.ndarray, paired: bool, confidence: float) -> tuple[float, float, float, float] | None:
    """scipy t test of b against a: (ci_low, ci_high, p, t) of b − a; None when undefined.

    Undefined: fewer than 2 values in a group (pairs when paired), or a standard error of 0 —
    identical differences when paired, both groups constant for Welch (one constant group still
    leaves the other's variance).
    """
    if a.size < 2 or b.size < 2:
        return None
    if paired and _no_variation(b - a):
        return None
    if not paired and _no_variation(a) and _no_variation(b):
        return None
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # Constant samples make t undefined; scipy warns and returns NaN, which we pass on.
        warnings.simplefilter("ignore", RuntimeWarning)
        if paired:
            result = st.ttest_rel(b, a)
        else:
            result = st.ttest_ind(b, a, equal_var=False)
        ci = result.confidence_interval(confidence_level=confidence)
    return float(ci.low), float(ci.high), float(result.pvalue), float(result.statistic)


def _pairs(a: ArrayLike, b: ArrayLike, paired: bool) -> tuple[np.ndarray, np.ndarray]:
    if not paired:
        return _clean(a), _clean(b)
    first = np.asarray(a, dtype=float).ravel()
    second = np.asarray(b, dtype=float).ravel()
    if first.shape != second.shape:
        raise ValueError("paired samples must have the same length")
    keep = ~(np.isnan(first) | np.isnan(second))
    return first[keep], second[keep]


def compare_log_times(a: ArrayLike, b: ArrayLike, paired: bool = False, confidence: float = 0.95) -> Comparison:
    """Compare task times on the log scale; difference = geomean(b) / geomean(a) (a ratio).

    QUX ch. 5 and Sauro & Lewis (CHI 2010): t test on ln(time) — Welch between subjects, paired
    within subjects (aligned arrays, pairs with a missing time dropped). The CI is exp of the CI
    of the mean log difference, so it is a CI of the ratio; a ratio below 1 means b is faster.
    """
    first, second = _pairs(a, b, paired)
    if np.any(first <= 0) or np.any(second <= 0):
        raise ValueError("times must be positive to take logarithms")
    la, lb = np.log(first), np.log(second)
    test = "paired t on log times" if paired else "Welch t on log times"
    if la.size == 0 or lb.size == 0:
        return Comparison(NAN, NAN, NAN, NAN, test, NAN)
    ratio = math.exp(float(np.mean(lb) - np.mean(la)))
    tested = _t_test(la, lb, paired, confidence)
    if tested is None:
        return Comparison(ratio, NAN, NAN, NAN, test, NAN)
    low, high, p_value, t = tested
    return Comparison(ratio, math.exp(low), math.exp(high), p_value, test, t)


def compare_means(a: ArrayLike, b: ArrayLike, paired: bool = False, confidence: float = 0.95) -> Comparison:
    """Compare two means, difference = mean(b) − mean(a) (QUX ch. 5; used for errors per attempt).

    Welch's t test between subjects, paired t within subjects (aligned arrays, incomplete pairs
    dropped); CI of the difference from the same t distribution.
    """
    first, second = _pairs(a, b, paired)
    test = "paired t" if paired else "Welch t"
    if first.size == 0 or second.size == 0:
        return Comparison(NAN, NAN, NAN, NAN, test, NAN)
    difference = float(np.mean(second) - np.mean(first))
    tested = _t_test(first, second, paired, confidence)
    if tested is None:
        return Comparison(difference, NAN, NAN, NAN, test, NAN)
    low, high, p_value, t = tested
    return Comparison(difference, low, high, p_value, test, t)


def one_sided_proportion_vs(x: int, n: int, benchmark: float = COMPLETION_AVERAGE) -> float:
    """One-sided exact binomial p value that the true rate exceeds `benchmark` (QUX ch. 4).

    The default is the average task completion rate of 78% (Sauro 2011). n == 0 gives NaN.
    """
    _check_counts(x, n)
    if n == 0:
        return NAN
    return float(st.binomtest(int(x), int(n), benchmark, alternative="greater").pvalue)


def one_sided_mean_vs(values: ArrayLike, benchmark: float) -> float:
    """One-sided one-sample t p value that the true mean exceeds `benchmark` (QUX ch. 4).

    Used against SUS 68 and SEQ 5.5. NaN values ignored; fewer than 2 values, or identical values
    (no standard error: t would be ±inf and p 0 or 1), give NaN.
    """
    arr = _clean(values)
    if arr.size < 2 or _no_variation(arr):
        return NAN
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = st.ttest_1samp(arr, benchmark, alternative="greater")
    return float(result.pvalue)


def satisfaction_spec(scale: int = 5) -> float:
    """Satisfaction spec limit for SUM on a 1..scale item (Sauro & Kindlund, CHI 2005).

    The paper uses 4 on 5-point items, i.e. three quarters of the way up the scale. We keep that
    relative position for other scales: 7-point (SEQ) → 5.5, which is also MeasuringU's SEQ
    average.
    """
    return 1 + 0.75 * (scale - 1)
