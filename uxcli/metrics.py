"""Metrics: the attempts frame -> one row of task metrics per group.

All groups are computed at once with one pandas groupby over whole columns; the
intervals come from the vectorised functions in :mod:`uxcli.stats`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.errors import OptionError

METRICS = [
    "attempts", "successes", "failures", "abandons",
    "success_rate", "success_ci_low", "success_ci_high",
    "abandonment_rate",
    "errors_total", "errors_per_attempt", "error_rate",
    "clicks_mean", "clicks_median",
    "time_geomean", "time_median", "time_mean", "time_ci_low", "time_ci_high",
]
COUNT_METRICS = ["attempts", "successes", "failures", "abandons"]
TIME_OF = {
    "success": ("success",),  # completion time (Sauro & Lewis: the default measure)
    "failed": ("failure", "abandon"),  # time until failing or giving up
    "all": ("success", "failure", "abandon"),  # total time on task
}


def check_by(attempts: pd.DataFrame, by: list[str]) -> None:
    usable = [c for c in attempts.columns if not c.startswith("_") and c not in ("time", "clicks", "errors")]
    for column in by:
        if column not in attempts.columns or column.startswith("_"):
            raise OptionError(f"cannot group by {column!r}: the data has {', '.join(usable)}")


def _work_frame(attempts: pd.DataFrame, by: list[str], time_of: str) -> pd.DataFrame:
    if time_of not in TIME_OF:
        raise OptionError(f"--time-of must be one of {', '.join(TIME_OF)}, not {time_of!r}")
    column = attempts["outcome"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # by codes: no str conversion per attempt
        labels = np.append(np.asarray(column.cat.categories, dtype=object), "nan")
        outcome = labels[column.cat.codes.to_numpy()]
    else:
        outcome = column.astype(str).to_numpy() if len(attempts) else np.array([], dtype=object)
    success = outcome == "success"
    errors = attempts["errors"].to_numpy(dtype=np.float64)
    clicks = attempts["clicks"].to_numpy(dtype=np.float64)
    time = attempts["time"].to_numpy(dtype=np.float64)
    timed = np.isin(outcome, TIME_OF[time_of]) & (time > 0)  # log times need positive values
    with np.errstate(invalid="ignore", divide="ignore"):
        work = {
            "success": success,
            "failure": outcome == "failure",
            "abandon": outcome == "abandon",
            "errors": errors,
            "has_error": np.where(np.isnan(errors), np.nan, errors > 0),
            "clicks": np.where(success, clicks, np.nan),
            "time": np.where(timed, time, np.nan),
            "log_time": np.where(timed, np.log(np.where(timed, time, 1.0)), np.nan),
        }
    frame = pd.DataFrame(work, index=attempts.index)
    for column in by:
        frame[column] = attempts[column]
    return frame


def summarize(
    attempts: pd.DataFrame,
    by: list[str] | tuple[str, ...] = ("task",),
    confidence: float = 0.95,
    time_of: str = "success",
) -> pd.DataFrame:
    """Per-group task metrics: the group column(s), then exactly METRICS.

    Groups keep the order in which they first appear in the attempts frame.
    ``by=[]`` gives a single overall row without group columns.
    """
    if not 0 < confidence < 1:
        raise OptionError(f"--confidence must be between 0 and 1, not {confidence}")
    by = list(by)
    check_by(attempts, by)
    keys = by or ["_all"]
    work = _work_frame(attempts, by, time_of)
    if not by:
        work["_all"] = 0
    grouped = work.groupby(keys, sort=False, observed=True, dropna=False)
    out = pd.DataFrame({
        "attempts": grouped.size(),
        "successes": grouped["success"].sum(),
        "failures": grouped["failure"].sum(),
        "abandons": grouped["abandon"].sum(),
        "errors_total": grouped["errors"].sum(min_count=1),
        "errors_per_attempt": grouped["errors"].mean(),
        "error_rate": grouped["has_error"].mean(),
        "clicks_mean": grouped["clicks"].mean(),
        "clicks_median": grouped["clicks"].median(),
        "time_median": grouped["time"].median(),
        "time_mean": grouped["time"].mean(),
        "_log_n": grouped["log_time"].count(),
        "_log_mean": grouped["log_time"].mean(),
        "_log_sd": grouped["log_time"].std(ddof=1),
    })
    _add_rates(out, confidence)
    out = out.reset_index()
    if not by:
        out = out.drop(columns="_all")
    return out[by + METRICS].reset_index(drop=True)


def _add_rates(out: pd.DataFrame, confidence: float) -> None:
    n = out["attempts"].to_numpy(dtype=np.float64)
    x = out["successes"].to_numpy(dtype=np.float64)
    low, high = stats.adjusted_wald(x, n, confidence)
    out["success_rate"] = x / n
    out["success_ci_low"] = low
    out["success_ci_high"] = high
    out["abandonment_rate"] = out["abandons"].to_numpy(dtype=np.float64) / n
    geomean, t_low, t_high = stats.log_t_interval(out["_log_n"].to_numpy(), out["_log_mean"].to_numpy(),
                                                  out["_log_sd"].to_numpy(), confidence)
    out["time_geomean"] = geomean
    out["time_ci_low"] = t_low
    out["time_ci_high"] = t_high
    for column in COUNT_METRICS:
        out[column] = out[column].astype(np.int64)


def time_counts(attempts: pd.DataFrame, by: list[str], time_of: str = "success") -> pd.Series:
    """How many times each group's time metrics rest on (the table's n for times)."""
    work = _work_frame(attempts, list(by), time_of)
    if not by:
        return pd.Series([int(work["time"].notna().sum())])
    return work.groupby(list(by), sort=False, observed=True, dropna=False)["time"].count().reset_index(drop=True)
