"""SUM, the Single Usability Metric (Sauro & Kindlund, CHI 2005), per task and overall.

Each component is the proportion of observations "meeting spec", then averaged with equal
weights (stats.sum_score does the arithmetic and the intervals):

* completion: successes / attempts (every attempt, as in ``uxcli summary``);
* satisfaction: Φ((mean − spec)/sd) of the task's SEQ ratings (7-point; spec 5.5, the relative
  position of the paper's 4 on 5-point items);
* time: Φ((spec − mean)/sd) of the task's times (completion times by default, see ``time_of``)
  with a per-task spec limit: ``--time-spec`` or ``study.tasks.<task>.time_limit`` in YAML;
* errors: 1 − Σerrors / (attempts × opportunities), opportunities from ``--opportunities`` or
  ``study.tasks.<task>.error_opportunities``.

A component without its data (no ratings, no spec limit, no opportunities) is left out, giving the
paper's 3- or 2-metric versions; ``components`` says how many were averaged. The overall SUM is
the mean of the task SUMs (and of their bounds), as in the paper's product-level score.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.errors import OptionError
from uxcli.tasks.metrics import TIME_OF

SUM_COLUMNS = [
    "task",
    "sum",
    "sum_ci_low",
    "sum_ci_high",
    "components",
    "completion",
    "completion_ci_low",
    "completion_ci_high",
    "satisfaction",
    "satisfaction_ci_low",
    "satisfaction_ci_high",
    "time",
    "time_ci_low",
    "time_ci_high",
    "errors",
    "errors_ci_low",
    "errors_ci_high",
    "time_spec",
    "opportunities",
]
COMPONENTS = ("completion", "satisfaction", "time", "errors")
SEQ_SCALE = 7


def parse_task_numbers(entries: list[str] | None, option: str) -> dict[str | None, float]:
    """``["checkout=120", "90"]`` -> {"checkout": 120.0, None: 90.0} (None: every task)."""
    out: dict[str | None, float] = {}
    for entry in entries or []:
        task, sep, number = entry.rpartition("=")
        try:
            value = float(number.strip().removesuffix("s"))
        except ValueError:
            raise OptionError(f"{option} wants TASK=NUMBER (or NUMBER for every task), got {entry!r}") from None
        if not value > 0:
            raise OptionError(f"{option} {entry!r}: the number must be positive")
        key = task.strip() if sep else None
        if sep and not key:
            raise OptionError(f"{option} {entry!r}: the task name before '=' is empty")
        out[key] = value
    return out


def _study_number(study: dict, task: str, key: str) -> float:
    tasks = (study or {}).get("tasks") or {}
    value: Any = tasks.get(task, {}).get(key) if isinstance(tasks.get(task), dict) else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if number > 0 else math.nan


def _pick(given: dict[str | None, float], task: str, study: dict, key: str) -> float:
    if task in given:
        return given[task]
    if None in given:
        return given[None]
    return _study_number(study, task, key)


def single_usability_metric(
    attempts: pd.DataFrame,
    ratings: pd.DataFrame | None = None,
    study: dict | None = None,
    *,
    time_specs: dict[str | None, float] | None = None,
    opportunities: dict[str | None, float] | None = None,
    confidence: float = 0.90,
    time_of: str = "success",
) -> tuple[pd.DataFrame, dict, list[str]]:
    """(per-task frame SUM_COLUMNS, overall dict with the same keys, notes on left-out components)."""
    if time_of not in TIME_OF:
        raise OptionError(f"--time-of must be one of {', '.join(TIME_OF)}, not {time_of!r}")
    time_specs, opportunities = time_specs or {}, opportunities or {}
    tasks = [str(t) for t in pd.unique(attempts["task"].astype(object))]
    for given, option in ((time_specs, "--time-spec"), (opportunities, "--opportunities")):
        unknown = [t for t in given if t is not None and t not in tasks]
        if unknown:
            raise OptionError(f"{option}: no task {unknown[0]!r} in the data (tasks: {', '.join(tasks)})")
    task_col = attempts["task"].astype(object).astype(str).to_numpy()
    outcome = attempts["outcome"].astype(str).to_numpy()
    rows: list[dict] = []
    reasons: dict[str, list[str]] = {}
    for task in tasks:
        mask = task_col == task
        n = int(mask.sum())
        successes = int((outcome[mask] == "success").sum())
        times = attempts["time"].to_numpy(np.float64)[mask & np.isin(outcome, TIME_OF[time_of])]
        times = times[times > 0]
        errors = attempts["errors"].to_numpy(np.float64)[mask]
        errors = errors[~np.isnan(errors)]
        seq = None
        if ratings is not None and len(ratings):
            values = ratings.loc[ratings["task"].astype(str) == task, "seq"].to_numpy(np.float64)
            seq = values if values.size else None
        spec = _pick(time_specs, task, study or {}, "time_limit")
        chances = _pick(opportunities, task, study or {}, "error_opportunities")
        result = stats.sum_score(
            successes,
            n,
            satisfaction=seq,
            times=times if times.size else None,
            time_spec=None if math.isnan(spec) else spec,
            errors=errors if errors.size else None,
            opportunities=None if math.isnan(chances) else chances,
            scale=SEQ_SCALE,
            confidence=confidence,
        )
        for reason in _missing(seq, times, spec, errors, chances, result):
            reasons.setdefault(reason, []).append(task)
        row = {
            "task": task,
            "sum": result.score,
            "sum_ci_low": result.low,
            "sum_ci_high": result.high,
            "components": result.components,
            "time_spec": spec,
            "opportunities": chances,
        }
        for name in COMPONENTS:
            estimate = getattr(result, name)
            row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = estimate.value, estimate.low, estimate.high
        rows.append(row)
    notes = [
        f"{reason}: {'every task' if len(names) == len(tasks) > 1 else ', '.join(names)}"
        for reason, names in reasons.items()
    ]
    frame = pd.DataFrame(rows, columns=SUM_COLUMNS)
    frame["components"] = frame["components"].astype(np.int64)
    overall: dict[str, Any] = {"task": None}
    for column in SUM_COLUMNS[1:]:
        values = frame[column].to_numpy(np.float64)
        overall[column] = float(np.nanmean(values)) if (~np.isnan(values)).any() else math.nan
    overall["components"] = int(frame["components"].max()) if len(frame) else 0
    overall["time_spec"] = math.nan
    overall["opportunities"] = math.nan
    return frame, overall, notes


def _missing(seq, times, spec, errors, chances, result) -> list[str]:
    out = []
    if seq is None:
        out.append("satisfaction left out, no SEQ ratings (YAML seq: or --ratings)")
    elif math.isnan(result.satisfaction.value):
        out.append("satisfaction left out, fewer than 2 SEQ ratings or all alike")
    if math.isnan(spec):
        out.append("time left out, no spec limit (--time-spec TASK=SECONDS or study.tasks.TASK.time_limit)")
    elif math.isnan(result.time.value):
        out.append("time left out, fewer than 2 times")
    if not errors.size:
        out.append("errors left out, no error counts")
    elif math.isnan(chances):
        out.append(
            "errors left out, no error opportunities (--opportunities TASK=N or study.tasks.TASK.error_opportunities)"
        )
    return out
