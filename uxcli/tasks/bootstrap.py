"""Seeded participant bootstrap, vectorised with numpy (used by the SUM, uxcli.tasks.usability_metric).

Resamples are drawn as a (B, P) matrix of multinomial counts: how often each of the P participants
appears in each of the B resamples. Any statistic built from per-participant sums (successes,
attempts, Σx, Σx², counts) is then a matrix product, so B = 2000 resamples of a study cost a few
milliseconds.

The interval is the *expanded* percentile interval (Hesterberg, "What Teachers Should Know About the
Bootstrap", arXiv:1411.5279, 2014; The American Statistician 69(4), 2015; R package ``resample``,
``ExpandProbs`` / ``CI.percentile(expand = TRUE)``): the plain percentile interval is too narrow in small samples (it uses z and the ddof=0 spread:
about 84% coverage for a nominal 90% mean at n = 8), so the tail probability α/2 is replaced by α'/2 with
Φ⁻¹(1 − α'/2) = √(n/(n − 1)) · t(1 − α/2, n − 1), which gives the t interval's width for a mean. When the estimate lies at or past the edge of every
replicate (BCa's bias correction would be infinite), the expanded percentile interval is extended to
the estimate.

``jeffreys`` smooths a completion rate: each resample draws it from Beta(x_b + ½, n_b − x_b + ½), so a
task everyone passed (or failed) keeps its binomial uncertainty (see uxcli.tasks.usability_metric).
"""

from __future__ import annotations

import math
import zlib

import numpy as np

SEED = 20050402  # fixed: the same data give the same interval on every run
REPLICATES = 2000


def resample_counts(units: int, replicates: int = REPLICATES, seed: int = SEED) -> np.ndarray:
    """(1 + replicates + units, units) float weights: row 0 is the observed sample (every unit once), then
    the bootstrap resamples (multinomial counts), then the jackknife samples (one unit left out each)."""
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(units, np.full(units, 1.0 / units), size=replicates) if units else np.zeros((replicates, 0))
    jackknife = np.ones((units, units)) - np.eye(units)
    return np.vstack([np.ones((1, units)), draws, jackknife]).astype(np.float64)


def jeffreys(successes: np.ndarray, attempts: np.ndarray, units: int, key: str) -> np.ndarray:
    """A completion rate on every row of ``resample_counts``, smoothed on the bootstrap rows.

    ``successes`` and ``attempts`` are the counts on each row (``units`` jackknife rows last). Row 0 (the data) and the jackknife rows
    keep x/n; each bootstrap row b takes a draw from the Jeffreys distribution Beta(x_b + ½,
    n_b − x_b + ½) of its own counts (Jeffreys prior: Brown, Cai & DasGupta 2001), seeded by ``key``.
    When every participant succeeds (or fails) every resample has rate 1 (or 0) and the plain
    bootstrap has no spread; the draws keep the binomial uncertainty of n attempts. Resampled counts
    keep the correlation with the resample's other components."""
    out = np.where(attempts > 0, successes / np.where(attempts > 0, attempts, 1.0), np.nan)
    rng = np.random.default_rng([SEED, zlib.crc32(key.encode())])
    rows = slice(1, len(attempts) - units)
    x, n = successes[rows], attempts[rows]
    draws = rng.beta(x + 0.5, np.maximum(n - x, 0) + 0.5)
    out[rows] = np.where(n > 0, draws, np.nan)
    return out


def ratio(weights: np.ndarray, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Σw·numerator / Σw·denominator per row of ``weights`` (NaN where the denominator is 0)."""
    top, bottom = weights @ numerator, weights @ denominator
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def moments(weights: np.ndarray, count: np.ndarray, total: np.ndarray, squares: np.ndarray) -> tuple[np.ndarray, ...]:
    """(n, mean, sd with ddof=1) per row from per-unit counts, Σx and Σx² (x best centred beforehand).

    The sd is NaN when n < 2 and exactly 0 when the values of the resample are all alike."""
    n, s, s2 = weights @ count, weights @ total, weights @ squares
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / np.where(n > 0, n, 1.0), np.nan)
        var = np.where(n > 1, (s2 - n * mean**2) / np.where(n > 1, n - 1, 1.0), np.nan)
    scale = np.where(n > 0, s2 / np.where(n > 0, n, 1.0), 0.0)
    var = np.where(var <= 1e-12 * np.maximum(scale, 1e-300), 0.0, var)  # rounding of alike values
    return n, mean, np.sqrt(var)


def interval(draws: np.ndarray, units: int, confidence: float) -> tuple[float, float]:
    """Expanded BCa interval from a statistic computed on every row of ``resample_counts(units)``.

    ``draws[0]`` is the estimate, then the bootstrap replicates, then the jackknife values. Bias
    correction z0 and acceleration a as in Efron & Tibshirani (1993), §14.3; the tail level is expanded
    first (Hesterberg 2014). Replicates that are NaN (the statistic is undefined there) are left out."""
    from scipy import stats as st

    draws = np.asarray(draws, dtype=np.float64)
    estimate, boot, jack = draws[0], draws[1:-units] if units else draws[1:], draws[len(draws) - units :]
    boot = boot[np.isfinite(boot)]
    if boot.size == 0 or units < 2 or not np.isfinite(estimate):
        return math.nan, math.nan
    if boot.min() == boot.max():
        return float(boot.min()), float(boot.max())
    alpha = 1 - confidence
    z = math.sqrt(units / (units - 1)) * float(st.t.ppf(1 - alpha / 2, units - 1))
    if not boot.min() < estimate < boot.max():
        # the estimate at or past the edge of the replicates (a completion rate of 1 or 0): the bias
        # correction z0 would be ±∞; take the expanded percentile interval and extend it to the estimate,
        # as the Jeffreys interval takes 1 as its upper bound at x = n (Brown, Cai & DasGupta 2001)
        low, high = np.quantile(boot, [st.norm.cdf(-z), st.norm.cdf(z)])
        return float(min(low, estimate)), float(max(high, estimate))
    below = (np.sum(boot < estimate) + 0.5 * np.sum(boot == estimate)) / boot.size
    z0 = float(st.norm.ppf(np.clip(below, 0.5 / boot.size, 1 - 0.5 / boot.size)))
    jack = jack[np.isfinite(jack)]
    spread = jack.mean() - jack if jack.size else np.zeros(1)
    denominator = 6 * float(np.sum(spread**2)) ** 1.5
    acceleration = float(np.sum(spread**3)) / denominator if denominator > 0 else 0.0
    levels = []
    for side in (-z, z):
        shifted = z0 + side
        levels.append(float(st.norm.cdf(z0 + shifted / (1 - acceleration * shifted))))
    low, high = np.quantile(boot, levels)
    return float(low), float(high)
