"""How tasks stand against published averages and targets, and the extra summary columns that need them.

Published averages: task completion 78% (Sauro 2011, ~1,200 tasks), SEQ 5.5 (MeasuringU), SUS 68
(the 50th percentile; Sauro 2011); task time against a target from the study (study.tasks.TASK.time_limit).

A verdict is read off the two-sided C interval printed beside the figure (the project's policy: a verdict,
its interval and a gate on the bound must agree): "above" iff the interval's lower bound is above the
benchmark, "below" iff its upper bound is below it, else "not distinguishable". That is a one-sided test at
alpha = (1 − C)/2. The one-sided p value is reported beside it (QUX ch. 4): exact binomial for completion,
one-sample t for SEQ and SUS, t on log times against ln(target) for time (MeasuringU, "Comparing task times
to a benchmark"). For SEQ and time the p value and the interval come from the same t distribution, so
p < (1 − C)/2 exactly when the verdict is not "not distinguishable"; for completion the interval is the
adjusted-Wald one and the p the exact binomial one, which can differ at the margin (the verdict follows
the interval).

Functions here add columns to a summary frame (see uxcli.tasks.metrics.summarize); columns whose names
start with "_" are hidden from every output and only feed the gates (uxcli.gates).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.questionnaires.scoring import all_equal, interval_verdict, mean_vs, p_text
from uxcli.reference import COMPLETION_AVERAGE, SEQ_AVERAGE
from uxcli.stats import st  # scipy.stats, imported on first use (it is slow to import)

RATING_LABELS = ("participant", "session", "variant", "task")
BENCHMARK_COLUMNS = ["benchmark_success_p", "benchmark_success_verdict"]
SEQ_BENCHMARK_COLUMNS = ["benchmark_seq_p", "benchmark_seq_verdict"]
TIME_BENCHMARK_COLUMNS = ["benchmark_time_target", "benchmark_time_p", "benchmark_time_verdict"]


def _key(row: pd.Series | dict, by: list[str]) -> tuple:
    return tuple(None if pd.isna(row[c]) else str(row[c]) for c in by)


def proportion_vs(x: int, n: int, average: float = COMPLETION_AVERAGE) -> tuple[float, float]:
    """One-sided exact binomial p values (above, below) of x/n against a benchmark rate (QUX ch. 4)."""
    if n <= 0:
        return math.nan, math.nan
    above = stats.one_sided_proportion_vs(int(x), int(n), average)
    below = float(st.binomtest(int(x), int(n), average, alternative="less").pvalue)
    return above, below


def add_success_benchmark(summary: pd.DataFrame, confidence: float = 0.95, unit: str = "participant") -> pd.DataFrame:
    """benchmark_success_p (one-sided exact binomial p that the rate exceeds 78%) and
    benchmark_success_verdict, read off the adjusted-Wald interval (success_ci_low/high, at ``confidence``).

    The binomial n is the rate's: ``participants`` (unit "participant": one outcome per participant × task,
    since the 78% average is a share of participants; Sauro 2011) or ``attempts`` (unit "attempt")."""
    out = summary.copy()
    p_values, verdicts, short = [], [], []
    n_column = "participants" if unit == "participant" and "participants" in out else "attempts"
    # only outcomes that are known count (a table of times only has none: no test, not p = 1)
    n_values = out[n_column].to_numpy(np.int64)
    if all(c in out for c in ("successes", "failures", "abandons")):
        known = sum(out[c].to_numpy(np.int64) for c in ("successes", "failures", "abandons", "assisted") if c in out)
        n_values = np.minimum(n_values, known)
    rows = zip(
        out["successes"].to_numpy(),
        n_values,
        out["success_ci_low"].to_numpy(np.float64),
        out["success_ci_high"].to_numpy(np.float64),
        strict=True,
    )
    for x, n, low, high in rows:
        above, below = proportion_vs(int(x), int(n))
        p_values.append(above)
        verdicts.append(
            interval_verdict(low, high, COMPLETION_AVERAGE, f"{COMPLETION_AVERAGE:.0%} completion", above, below)
        )
        short.append(short_verdict(interval_verdict(low, high, COMPLETION_AVERAGE, "", above, below)))
    out["benchmark_success_p"] = np.asarray(p_values, dtype=np.float64)
    out["benchmark_success_verdict"] = verdicts
    out["_benchmark_success_short"] = short
    return out


def time_vs(n: float, log_mean: float, log_sd: float, target: float) -> tuple[float, float]:
    """One-sided t p values (faster, slower) of task times against a target time: the t test of the log
    times against ln(target) (MeasuringU, "Comparing task times to a benchmark"; QUX ch. 4), from the
    group's count, mean and SD of ln(time). NaN for n < 2, identical times or no target."""
    if not (n >= 2 and log_sd > 0 and target > 0) or math.isnan(log_sd):
        return math.nan, math.nan
    from scipy.special import stdtr  # = scipy.stats.t.cdf, without importing scipy.stats

    t = (log_mean - math.log(target)) / (log_sd / math.sqrt(n))
    return float(stdtr(n - 1, t)), float(stdtr(n - 1, -t))  # P(T ≤ t), P(T ≥ t) with mean ln(target)


def short_verdict(verdict: str) -> str:
    """A verdict without its p value, for a table cell: "above", "below", "within CI" (not distinguishable:
    the interval contains the benchmark), "not testable"."""
    words = verdict.split(" (")[0]
    return "within CI" if words.startswith("not distinguishable") else words


def time_verdict(low: float, high: float, target: float, p_faster: float, p_slower: float) -> str:
    """Times against a target, read off the log-t interval of the geometric mean (time_ci_low/high):
    "faster" iff its upper bound is below the target, "slower" iff its lower bound is above it."""
    if math.isnan(target):
        return "no target"
    if math.isnan(low) or math.isnan(high):
        return "too few times to test (or all equal)"
    if high < target:
        return f"faster than the {target:g} s target ({p_text(p_faster)})"
    if low > target:
        return f"slower than the {target:g} s target ({p_text(p_slower)})"
    return f"not distinguishable from the {target:g} s target ({p_text(min(p_faster, p_slower))})"


def add_time_benchmark(
    summary: pd.DataFrame, targets: np.ndarray, n: np.ndarray, log_mean: np.ndarray, log_sd: np.ndarray
) -> pd.DataFrame:
    """benchmark_time_target (s), benchmark_time_p (one-sided p that the typical time is below the target)
    and benchmark_time_verdict; ``targets`` NaN where a group has none; n, log_mean, log_sd: the groups'
    log-time moments in the summary's row order (uxcli.tasks.metrics.Grouped.log_times)."""
    out = summary.copy()
    p_values, verdicts, short = [], [], []
    lows, highs = out["time_ci_low"].to_numpy(np.float64), out["time_ci_high"].to_numpy(np.float64)
    for target, count, m, s, low, high in zip(targets, n, log_mean, log_sd, lows, highs, strict=True):
        target = float(target)
        faster, slower = time_vs(float(count), float(m), float(s), target) if target > 0 else (math.nan, math.nan)
        if math.isnan(low):  # no interval (n < 2, identical times): no test either
            faster = slower = math.nan
        p_values.append(faster)
        verdict = time_verdict(low, high, target, faster, slower)
        verdicts.append(verdict)
        word = short_verdict(verdict).split(" than")[0].split(" from")[0]
        short.append(f"{word} ({target:g} s)" if target > 0 else word)  # "faster (180 s)"
    out["benchmark_time_target"] = np.asarray(targets, dtype=np.float64)
    out["benchmark_time_p"] = np.asarray(p_values, dtype=np.float64)
    out["benchmark_time_verdict"] = verdicts
    out["_benchmark_time_short"] = short
    return out


def add_seq_mean(
    summary: pd.DataFrame,
    ratings: pd.DataFrame,
    by: list[str],
    confidence: float = 0.95,
    benchmark: bool = False,
) -> pd.DataFrame:
    """seq_mean per group (plus hidden _seq_n, _seq_ci_low, _seq_ci_high for the gates); with
    ``benchmark`` also benchmark_seq_p and benchmark_seq_verdict against 5.5, read off the t interval
    (_seq_ci_low/high at ``confidence``).

    Ratings are grouped by the same columns as the summary; a grouping column the ratings do not
    carry (e.g. an extra input column such as device) leaves seq_mean empty.
    """
    out = summary.copy()
    usable = all(c in RATING_LABELS for c in by)
    groups: dict[tuple, np.ndarray] = {}
    if usable and len(ratings):
        if by:
            for key, part in ratings.groupby(by, sort=False, dropna=False):
                key = key if isinstance(key, tuple) else (key,)
                groups[tuple(None if pd.isna(k) else str(k) for k in key)] = part["seq"].to_numpy(np.float64)
        else:
            groups[()] = ratings["seq"].to_numpy(np.float64)
    columns: dict[str, list] = {
        "seq_mean": [],
        "_seq_n": [],
        "_seq_ci_low": [],
        "_seq_ci_high": [],
        "benchmark_seq_p": [],
        "benchmark_seq_verdict": [],
        "_benchmark_seq_short": [],
    }
    for _, row in out.iterrows():
        values = groups.get(_key(row, by), np.zeros(0))
        estimate = stats.mean_t_interval(values, confidence)
        above, below = mean_vs(values, SEQ_AVERAGE) if values.size else (math.nan, math.nan)
        columns["seq_mean"].append(estimate.value)
        columns["_seq_n"].append(values.size)
        columns["_seq_ci_low"].append(estimate.low)
        columns["_seq_ci_high"].append(estimate.high)
        columns["benchmark_seq_p"].append(above)
        low, high = float(estimate.low), float(estimate.high)
        known = values[~np.isnan(values)]
        constant = known.size >= 2 and all_equal(known)
        columns["benchmark_seq_verdict"].append(
            interval_verdict(low, high, SEQ_AVERAGE, f"SEQ {SEQ_AVERAGE}", above, below, constant)
            if values.size
            else "no SEQ ratings"
        )
        columns["_benchmark_seq_short"].append(
            short_verdict(interval_verdict(low, high, SEQ_AVERAGE, "", above, below, constant))
            if values.size
            else "no ratings"
        )
    for name, cells in columns.items():
        if "benchmark_" in name and not benchmark:
            continue
        text = name.endswith(("verdict", "short"))
        out[name] = cells if text else np.asarray(cells, dtype=np.float64)
    return out


def add_errors_interval(
    summary: pd.DataFrame, attempts: pd.DataFrame, by: list[str], confidence: float = 0.95
) -> pd.DataFrame:
    """Hidden _errors_ci_low/_errors_ci_high: t interval of errors per attempt (for the gates)."""
    out = summary.copy()
    groups: dict[tuple, np.ndarray] = {}
    if by:
        for key, part in attempts.groupby(by, sort=False, dropna=False, observed=True):
            key = key if isinstance(key, tuple) else (key,)
            groups[tuple(None if pd.isna(k) else str(k) for k in key)] = part["errors"].to_numpy(np.float64)
    else:
        groups[()] = attempts["errors"].to_numpy(np.float64)
    lows, highs = [], []
    for _, row in out.iterrows():
        estimate = stats.mean_t_interval(groups.get(_key(row, by), np.zeros(0)), confidence)
        lows.append(estimate.low)
        highs.append(estimate.high)
    out["_errors_ci_low"] = np.asarray(lows, dtype=np.float64)
    out["_errors_ci_high"] = np.asarray(highs, dtype=np.float64)
    return out


def sus_figures(scores: np.ndarray, confidence: float = 0.95, alpha: float = 0.05) -> dict:
    """Study-wide SUS figures for gates and captions: sus_n, sus_mean, sus_ci_low/high, the
    one-sided p against 68 and its verdict."""
    from uxcli.questionnaires.scoring import sus_summary
    from uxcli.questionnaires.sus import benchmark as sus_benchmark

    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return {}
    summary = sus_summary(scores, confidence)
    p_above, verdict = sus_benchmark(scores, alpha)
    return {
        "sus_n": summary["n"],
        "sus_mean": summary["mean"],
        "sus_ci_low": summary["ci_low"],
        "sus_ci_high": summary["ci_high"],
        "sus_p_above": p_above,
        "sus_verdict": verdict,
    }
