"""How tasks stand against published averages, and the extra summary columns that need them.

Published averages: task completion 78% (Sauro 2011, ~1,200 tasks), SEQ 5.5 (MeasuringU), SUS 68
(the 50th percentile; Sauro 2011). Each comparison is a one-sided test (QUX ch. 4): exact binomial
for completion, one-sample t for SEQ and SUS. A verdict says "above" when the one-sided p that the
true figure exceeds the average is below alpha, "below" when the opposite one-sided p is, and
"not shown above" otherwise.

Functions here add columns to a summary frame (see uxcli.tasks.metrics.summarize); columns whose names
start with "_" are hidden from every output and only feed the gates (uxcli.gates).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.questionnaires.scoring import above_verdict, mean_vs
from uxcli.reference import COMPLETION_AVERAGE, SEQ_AVERAGE
from uxcli.stats import st  # scipy.stats, imported on first use (it is slow to import)

RATING_LABELS = ("participant", "session", "variant", "task")
BENCHMARK_COLUMNS = ["benchmark_success_p", "benchmark_success_verdict"]
SEQ_BENCHMARK_COLUMNS = ["benchmark_seq_p", "benchmark_seq_verdict"]


def _key(row: pd.Series | dict, by: list[str]) -> tuple:
    return tuple(None if pd.isna(row[c]) else str(row[c]) for c in by)


def proportion_vs(x: int, n: int, average: float = COMPLETION_AVERAGE) -> tuple[float, float]:
    """One-sided exact binomial p values (above, below) of x/n against a benchmark rate (QUX ch. 4)."""
    if n <= 0:
        return math.nan, math.nan
    above = stats.one_sided_proportion_vs(int(x), int(n), average)
    below = float(st.binomtest(int(x), int(n), average, alternative="less").pvalue)
    return above, below


def add_success_benchmark(summary: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """benchmark_success_p (one-sided p that the rate exceeds 78%) and benchmark_success_verdict."""
    out = summary.copy()
    p_values, verdicts, short = [], [], []
    for x, n in zip(out["successes"].to_numpy(), out["attempts"].to_numpy(), strict=True):
        above, below = proportion_vs(int(x), int(n))
        p_values.append(above)
        verdicts.append(above_verdict(above, below, f"{COMPLETION_AVERAGE:.0%} completion", alpha))
        short.append(above_verdict(above, below, "", alpha))
    out["benchmark_success_p"] = np.asarray(p_values, dtype=np.float64)
    out["benchmark_success_verdict"] = verdicts
    out["_benchmark_success_short"] = short
    return out


def add_seq_mean(
    summary: pd.DataFrame,
    ratings: pd.DataFrame,
    by: list[str],
    confidence: float = 0.95,
    benchmark: bool = False,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """seq_mean per group (plus hidden _seq_n, _seq_ci_low, _seq_ci_high for the gates); with
    ``benchmark`` also benchmark_seq_p and benchmark_seq_verdict against 5.5.

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
        columns["benchmark_seq_verdict"].append(
            above_verdict(above, below, f"SEQ {SEQ_AVERAGE}", alpha) if values.size else "no SEQ ratings"
        )
        columns["_benchmark_seq_short"].append(above_verdict(above, below, "", alpha) if values.size else "no ratings")
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
