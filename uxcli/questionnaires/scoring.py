"""Scoring for post-test and post-task questionnaires: SUS, SEQ, UMUX-Lite, NPS, CSAT.

Pure functions; "QUX" is Sauro & Lewis, *Quantifying the User Experience*, 2nd ed. (2016).
Summaries return plain dicts with NaN (or None for labels) where a statistic is undefined.
The report, charts and benchmarks use these formulas too; the instrument modules (sus.py, ...)
turn parsed answers into results with them. Shared by all: describe() (n, mean, sd, t interval),
mean_vs() (one-sided t p values against a published average) and, in words, interval_verdict() (the
questionnaires' verdict, read off the printed interval) and above_verdict() (from one-sided p values).

Constant answers (SEQ 7, 7, 7) have no interval and no t test: describe() gives NaN bounds, mean_vs() NaN
p values and the verdict says "not testable (all answers equal)", as for fewer than two answers.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import numpy as np

from uxcli import stats
from uxcli.reference import (
    SEQ_AVERAGE,
    SUS_ADJECTIVES,
    SUS_FAIL_GRADE,
    SUS_GRADES,
    SUS_PERCENTILES,
    UMUX_LITE_REGRESSION_2013_INTERCEPT,
    UMUX_LITE_REGRESSION_2013_SLOPE,
)
from uxcli.values import is_missing, label_text

NAN = float("nan")
NOT_TESTABLE = "not testable (all answers equal)"
TOO_FEW = "too few answers to test"

# How `uxcli umux-lite` estimates the SUS: the UMUX-Lite score itself (the default; MeasuringU) or the 2013
# regression (only on request). The first is the default everywhere.
SUS_ESTIMATES = ("interpolation", "regression-2013")

LIKERT_LABELS = {
    "strongly disagree": 1,
    "disagree": 2,
    "neutral": 3,
    "neither agree nor disagree": 3,
    "agree": 4,
    "strongly agree": 5,
}

_PCT_X = np.array([score for score, _ in SUS_PERCENTILES])
_PCT_Y = np.array([pct for _, pct in SUS_PERCENTILES])

# The nearest adjective mean wins, so the cut points are the midpoints between adjacent means;
# a score exactly on a midpoint takes the higher adjective.
_ADJECTIVE_CUTS = [(low + high) / 2 for (low, _), (high, _) in itertools.pairwise(SUS_ADJECTIVES)]


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas.NA/NaT or a blank string: an unanswered item."""
    return not label_text(value).strip()


def parse_likert(value: Any, scale: int = 5) -> int | None:
    """Parse one Likert answer to an int in 1..scale, or None when missing.

    Accepts ints, integral floats, numeric strings, and (5-point only) the labels Strongly
    disagree=1, Disagree=2, Neutral / Neither agree nor disagree=3, Agree=4, Strongly agree=5,
    case-insensitive with extra spaces tolerated (the usual survey-tool export, QUX ch. 8).
    Raises ValueError for anything else or out of range.
    """
    if _is_missing(value):
        return None
    number: float | None = None
    if isinstance(value, str):
        text = " ".join(value.split()).lower()
        if text in LIKERT_LABELS and scale == 5:
            return LIKERT_LABELS[text]
        try:
            number = float(text)
        except ValueError:
            pass
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
    if number is None:
        labels = ", ".join(f'"{label}"' for label in LIKERT_LABELS) if scale == 5 else ""
        extra = f" or one of {labels}" if labels else ""
        raise ValueError(f"{value!r} is not a Likert answer: expected a number 1-{scale}{extra}")
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number: expected 1-{scale}")
    if not 1 <= number <= scale:
        raise ValueError(f"{value!r} is out of range: expected 1-{scale}")
    return int(number)


def impute_neutral(answers: Sequence[Any], neutral: int = 3) -> list[Any]:
    """Replace missing answers with the neutral point 3.

    Brooke (1996) tells respondents who cannot answer an item to mark the centre point; Bangor,
    Kortum & Miller (2008, IJHCI 24(6)) score missing SUS items the same way. Kept explicit so
    callers decide whether to impute rather than drop a respondent.
    """
    return [neutral if _is_missing(answer) else answer for answer in answers]


# True while uxcli.questionnaires.analysis scores responses in which one respondent's repeated answers
# were averaged (uxcli.questionnaires.grouping.collapse): such a mean (3.5) is on the scale, not whole.
AVERAGED: ContextVar[bool] = ContextVar("averaged_answers", default=False)


def check_items(items: np.ndarray, low: int, high: int, name: str) -> None:
    """Answers must be whole numbers on the scale (means of a respondent's repeated answers only need to be
    on the scale, see AVERAGED)."""
    present = items[~np.isnan(items)]
    fractional = np.zeros(present.shape, dtype=bool) if AVERAGED.get() else present != np.round(present)
    bad = present[(present < low) | (present > high) | fractional]
    if bad.size:
        raise ValueError(f"{name} answers must be whole numbers {low}-{high}, got {bad[0]:g}")


def sus_scores(matrix: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """SUS scores for an n×10 matrix of 1..5 answers (Brooke 1996); rows with a NaN give NaN.

    2.5 × [Σ(odd items − 1) + Σ(5 − even items)], 0–100.
    """
    items = np.asarray(matrix, dtype=float)
    if items.ndim != 2 or items.shape[1] != 10:
        raise ValueError(f"SUS needs 10 answers per respondent, got shape {items.shape}")
    check_items(items, 1, 5, "SUS")
    odd = items[:, 0::2] - 1
    even = 5 - items[:, 1::2]
    return 2.5 * (odd.sum(axis=1) + even.sum(axis=1))


def sus_score(answers: Sequence[int]) -> float:
    """SUS score of one respondent's ten 1..5 answers (Brooke 1996, in Usability Evaluation in
    Industry, pp. 189–194): 2.5 × [Σ(odd − 1) + Σ(5 − even)].

    Missing answers raise ValueError; use impute_neutral first if that is intended.
    """
    if len(answers) != 10:
        raise ValueError(f"SUS needs exactly 10 answers, got {len(answers)}")
    if any(_is_missing(answer) for answer in answers):
        raise ValueError("SUS answer missing; impute_neutral() replaces missing answers with 3")
    return float(sus_scores([list(answers)])[0])


def _check_sus(score: float) -> None:
    if not 0 <= score <= 100:
        raise ValueError(f"SUS score must be 0-100, got {score:g}")


def sus_grade(score: float) -> str | None:
    """Sauro–Lewis curved grade (A+ … F) for a SUS score (QUX ch. 8, Table 8.5); None for NaN."""
    if math.isnan(score):
        return None
    _check_sus(score)
    for bound, grade in SUS_GRADES:
        if score >= bound:
            return grade
    return SUS_FAIL_GRADE


def sus_percentile(score: float) -> float:
    """Percentile rank (0–100) of a SUS score from the published lookup (see SUS_PERCENTILES).

    Sauro (2011) / QUX ch. 8: 68 → 50th, 75 → 73rd, 52 → 15th; not a normal approximation
    because the SUS distribution is skewed. NaN gives NaN.
    """
    if math.isnan(score):
        return NAN
    _check_sus(score)
    return float(np.interp(score, _PCT_X, _PCT_Y))


def sus_adjective(score: float) -> str | None:
    """Adjective whose mean SUS score is nearest (Bangor, Kortum & Miller 2009, JUS 4(3)).

    Cut points are the midpoints between adjacent adjective means; None for NaN.
    """
    if math.isnan(score):
        return None
    _check_sus(score)
    return SUS_ADJECTIVES[bisect.bisect_right(_ADJECTIVE_CUTS, score)][1]


def all_equal(values: np.ndarray) -> bool:
    """Two or more answers, all the same: no spread, so no t interval and no t test."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return arr.size >= 2 and bool(np.all(arr == arr[0]))


def describe(values: np.ndarray, confidence: float, low: float, high: float) -> dict:
    """n, mean, sd, CI (clipped to the scale's range, which the true mean cannot leave).

    Identical values have no interval (NaN bounds; their sd is 0)."""
    estimate = stats.mean_t_interval(values, confidence)
    n = int(values.size)
    constant = all_equal(values)
    return {
        "n": n,
        "mean": estimate.value,
        "sd": float(np.std(values, ddof=1)) if n > 1 else NAN,
        "ci_low": NAN if constant else float(np.clip(estimate.low, low, high)),
        "ci_high": NAN if constant else float(np.clip(estimate.high, low, high)),
    }


def present(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.array([NAN if _is_missing(v) else v for v in np.ravel(values)], dtype=float)
    return arr[~np.isnan(arr)]


def sus_summary(scores: Sequence[float] | np.ndarray, confidence: float = 0.95) -> dict:
    """Summary of SUS scores: n, mean, sd, median, min, max, t CI (QUX ch. 8), and the grade,
    percentile and adjective of the mean."""
    values = present(scores)
    if np.any((values < 0) | (values > 100)):
        raise ValueError("SUS scores must be 0-100")
    summary = describe(values, confidence, 0.0, 100.0)
    mean = summary["mean"]
    empty = values.size == 0
    summary.update(
        median=NAN if empty else float(np.median(values)),
        min=NAN if empty else float(np.min(values)),
        max=NAN if empty else float(np.max(values)),
        grade=sus_grade(mean),
        percentile=sus_percentile(mean),
        adjective=sus_adjective(mean),
    )
    return summary


def seq_summary(
    ratings: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    benchmark: float = SEQ_AVERAGE,
) -> dict:
    """Single Ease Question (1–7) summary: n, mean, sd, t CI, benchmark and the one-sided p that
    the mean exceeds it (Sauro & Dumas, CHI 2009; MeasuringU average ≈ 5.5). Missing ratings
    are dropped; values outside 1–7 raise ValueError."""
    values = present(ratings)
    check_items(values, 1, 7, "SEQ")
    summary = describe(values, confidence, 1.0, 7.0)
    summary.update(benchmark=benchmark, p_above=mean_vs(values, benchmark)[0])
    return summary


def umux_lite(item1: Any, item2: Any) -> float | np.ndarray:
    """UMUX-Lite raw score (item1 + item2 − 2)·100/12 from two 1–7 items (Lewis, Utesch & Maher,
    CHI 2013). Works element-wise on arrays."""
    first = np.asarray(item1, dtype=float)
    second = np.asarray(item2, dtype=float)
    check_items(np.ravel(first), 1, 7, "UMUX-Lite")
    check_items(np.ravel(second), 1, 7, "UMUX-Lite")
    raw = (first + second - 2) * 100 / 12
    return float(raw) if np.ndim(raw) == 0 else raw


def umux_lite_sus(raw: Any, method: str = "interpolation") -> float | np.ndarray:
    """SUS estimate from a UMUX-Lite raw score.

    "interpolation" (default): the raw score itself, the two-item interpolation to 0–100, which is how
    MeasuringU estimates SUS from the UMUX-Lite/UX-Lite (Lewis & Sauro, "Accuracy of Three Ways to Estimate
    SUS with the UX-Lite"; "From the UMUX-Lite to the UX-Lite"). "regression-2013": 0.65·raw + 22.9
    (Lewis, Utesch & Maher, CHI 2013), which its authors no longer recommend because it seriously
    underestimates the SUS at high usability (Lah, Lewis & Šumak 2020, IJHCI 36(13)): raw 84 gives 77.5.
    """
    value = np.asarray(raw, dtype=float)
    if method == "regression-2013":
        value = UMUX_LITE_REGRESSION_2013_SLOPE * value + UMUX_LITE_REGRESSION_2013_INTERCEPT
    elif method != "interpolation":
        raise ValueError(f"unknown SUS estimate {method!r}; known: {', '.join(SUS_ESTIMATES)}")
    return float(value) if np.ndim(value) == 0 else value.copy()


def umux_lite_summary(
    item1: Sequence[float] | np.ndarray,
    item2: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    sus_estimate: str = "interpolation",
) -> dict:
    """UMUX-Lite summary: n, mean, sd, t CI of the raw score, and the same for its SUS estimate (the raw
    score itself, or with ``sus_estimate="regression-2013"`` a linear map, so its CI is the mapped raw CI),
    and ``sus_method``, the estimate used. Respondents missing either item are dropped."""
    raw = np.atleast_1d(umux_lite(item1, item2))
    raw = raw[~np.isnan(raw)]
    summary = describe(raw, confidence, 0.0, 100.0)
    summary.update(
        sus_mean=umux_lite_sus(summary["mean"], sus_estimate),
        sus_ci_low=umux_lite_sus(summary["ci_low"], sus_estimate),
        sus_ci_high=umux_lite_sus(summary["ci_high"], sus_estimate),
        sus_method=sus_estimate,
    )
    return summary


def nps(ratings: Sequence[float] | np.ndarray, confidence: float = 0.95) -> dict:
    """Net Promoter Score (−100..100) of 0–10 ratings with the adjusted-Wald NPS interval.

    NPS = %promoters (9–10) − %detractors (0–6). Interval (Rocks 2016, The American Statistician 70(4);
    MeasuringU, "Confidence Intervals for Net Promoter Scores"): n' = n + 3, p' = (P + ¾)/n',
    d' = (D + ¾)/n', Var = [p' + d' − (p' − d')²]/n', (p' − d') ± z·√Var, clipped to [−1, 1] and
    reported ×100.

    The interval always contains the NPS it is printed beside. One respondent gets none (NaN): the
    adjusted centre of a single answer is so far from it that at 95% NPS 100 came out as −48.5 to 98.5.
    From two respondents on, at 95% or more, the formula contains the estimate; at lower confidence levels
    the fixed ¾ adjustment can still leave an all-promoter (or all-detractor) sample's ±100 outside, and
    that bound is then extended to the estimate.
    """
    values = present(ratings)
    check_items(values, 0, 10, "NPS")
    n = int(values.size)
    promoters = int(np.sum(values >= 9))
    detractors = int(np.sum(values <= 6))
    result = {
        "n": n,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "nps": NAN,
        "ci_low": NAN,
        "ci_high": NAN,
    }
    if n == 0:
        return result
    score = 100 * (promoters - detractors) / n
    if n < 2:
        result.update(nps=score)
        return result
    z = stats.z_for(confidence)
    n_adj = n + 3
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    half = z * math.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj)
    centre = p_adj - d_adj
    result.update(
        nps=score,
        ci_low=min(100 * max(centre - half, -1.0), score),
        ci_high=max(100 * min(centre + half, 1.0), score),
    )
    return result


def csat(ratings: Sequence[float] | np.ndarray, confidence: float = 0.95) -> dict:
    """CSAT: share of top-2-box (4–5) answers on a 1–5 scale, with an adjusted-Wald interval
    (Sauro & Lewis 2005; QUX ch. 3), and the mean rating with its t interval (QUX ch. 3; clipped to 1–5;
    none for fewer than two ratings or identical ones). Missing ratings are dropped."""
    values = present(ratings)
    check_items(values, 1, 5, "CSAT")
    n = int(values.size)
    top = int(np.sum(values >= 4))
    low, high = stats.adjusted_wald(top, n, confidence)
    rating = describe(values, confidence, 1.0, 5.0)
    return {
        "n": n,
        "top2": top,
        "csat": top / n if n else NAN,
        "ci_low": low,
        "ci_high": high,
        "mean": rating["mean"],
        "mean_ci_low": rating["ci_low"],
        "mean_ci_high": rating["ci_high"],
    }


# --- against a published average -----------------------------------------------------------------


def p_text(p: float) -> str:
    if is_missing(p):
        return "p = n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval_verdict(
    low: float, high: float, benchmark: float, average: str, p_above: float, p_below: float, constant: bool = False
) -> str:
    """A mean against a published average, read off its two-sided C interval (the one printed beside it).

    "above" iff the lower bound is above the benchmark, "below" iff the upper bound is below it, else
    "not distinguishable from" it. This is the one-sided t test at alpha = (1 − C)/2, so a verdict never
    contradicts its interval; the one-sided p in the verdict's direction (the mean's, when not
    distinguishable) is shown for information. ``average`` "" gives the short form for tables.
    ``constant`` (all answers equal) gives "not testable (all answers equal)"; a missing bound "too few".
    """
    target = f" the {average} average" if average else ""
    if constant:
        return NOT_TESTABLE
    if math.isnan(low) or math.isnan(high):
        return TOO_FEW if average else "too few to test"
    if low > benchmark:
        return f"above{target} ({p_text(p_above)})"
    if high < benchmark:
        return f"below{target} ({p_text(p_below)})"
    towards = p_below if not math.isnan(p_below) and (math.isnan(p_above) or p_below < p_above) else p_above
    return f"not distinguishable{' from' + target if average else ''} ({p_text(towards)})"


def verdict_vs(values: np.ndarray, benchmark: float, average: str, confidence: float) -> tuple[float, float, str]:
    """(one-sided p above, p below, verdict) of the mean of ``values`` against ``benchmark``: the verdict
    comes from the two-sided t interval at ``confidence`` (see interval_verdict)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    above, below = mean_vs(arr, benchmark)
    constant = all_equal(arr)
    estimate = stats.mean_t_interval(arr, confidence) if arr.size >= 2 and not constant else None
    low = NAN if estimate is None else float(estimate.low)
    high = NAN if estimate is None else float(estimate.high)
    return above, below, interval_verdict(low, high, benchmark, average, above, below, constant)


def above_verdict(p_above: float, p_below: float, average: str, alpha: float = 0.05) -> str:
    """Plain words for one-sided tests against a published average ("" for a short form for tables:
    "above (p = 0.020)", "below (…)", "not shown (…)").

    The questionnaires use interval_verdict() instead, so a verdict agrees with its printed interval;
    this p-value form is kept for uxcli.benchmarks (completion rates and the summary's SEQ column)."""
    target = f" the {average} average" if average else ""
    if not math.isnan(p_above) and p_above < alpha:
        return f"above{target} ({p_text(p_above)})"
    if not math.isnan(p_below) and p_below < alpha:
        return f"below{target} ({p_text(p_below)})"
    if math.isnan(p_above):
        return "too few answers to test" if average else "too few to test"
    return f"{'not shown above' if average else 'not shown'}{target} ({p_text(p_above)})"


def mean_vs(values: np.ndarray, benchmark: float) -> tuple[float, float]:
    """One-sided t p values (above, below) of a mean against a benchmark (QUX ch. 4).

    NaN for fewer than two values, and for identical values (no spread: the t test is undefined)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size < 2 or all_equal(arr):
        return math.nan, math.nan
    above = stats.one_sided_mean_vs(arr, benchmark)
    # below = the "above" test on the mirrored values
    below = stats.one_sided_mean_vs(-arr, -benchmark)
    return above, below
