"""Synthetic frames for the report renderer tests (8 participants × 5 tasks, variants A/B).

Hand-written data, not random, so golden files stay stable. The summary and comparison frames
follow the contracts in docs/ARCHITECTURE.md; their statistics are computed here with simple
textbook formulas so these tests do not depend on uxcli.tasks.metrics.
"""

from __future__ import annotations

import math
import sys
import types
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from uxcli.report.model import ReportData
from uxcli.tasks.metrics import METRICS

TASKS = [
    "Find a product",
    "Add to basket and check out",
    "Find the returns policy for opened electronics",
    "Change the billing address",
    "Track an order",
]
PARTICIPANTS = [f"P0{i}" for i in range(1, 9)]
VARIANTS = ["A"] * 4 + ["B"] * 4
# One string per task, one letter per participant: S success, F failure, A abandon,
# - not attempted; "F>S" = a failed first attempt retried successfully.
OUTCOMES = [
    ["S", "S", "S", "S", "S", "S", "F", "S"],
    ["S", "F", "F>S", "S", "A", "S", "S", "S"],
    ["S", "S", "F", "A", "S", "S", "F", "F>F>S"],
    ["F", "A", "F", "F", "A", "F", "F", "A"],
    ["S", "S", "S", "S", "S", "-", "S", "S"],
]
BASE_TIME = [45.0, 120.0, 95.0, 160.0, 30.0]
BASE_CLICKS = [8, 22, 14, 18, 6]
SPEED = [0.8, 1.3, 0.9, 1.7, 0.7, 1.1, 2.4, 1.0]
WORD = {"S": "success", "F": "failure", "A": "abandon"}


SUS = [72.5, 85.0, 65.0, 90.0, 57.5, 77.5, 45.0, 80.0]


def sample_attempts(tasks: list[str] | None = None) -> pd.DataFrame:
    tasks = tasks or TASKS
    rows = []
    line = 2
    for p_index, participant in enumerate(PARTICIPANTS):
        for t_index, task in enumerate(tasks):
            code = OUTCOMES[t_index][p_index]
            if code == "-":
                continue
            for attempt, letter in enumerate(code.split(">"), start=1):
                outcome = WORD[letter]
                time = BASE_TIME[t_index] * SPEED[p_index] * (1.4 if outcome == "abandon" else 1.0)
                time *= 1.0 + 0.07 * ((p_index * 3 + t_index * 5 + attempt) % 5 - 2)
                clicks = round(BASE_CLICKS[t_index] * SPEED[p_index]) + attempt - 1
                errors = {"success": (p_index + t_index) % 3 == 0, "failure": 2, "abandon": 1}[outcome]
                rows.append(
                    {
                        "participant": participant,
                        "session": f"S{p_index + 1:02d}",
                        "variant": VARIANTS[p_index],
                        "task": task,
                        "attempt": attempt,
                        "outcome": outcome,
                        "time": round(time, 1),
                        "clicks": float(clicks),
                        "errors": float(errors),
                        "source": f"sample.csv:{line}",
                    }
                )
                line += 1
    frame = pd.DataFrame(rows)
    frame["attempt"] = frame["attempt"].astype("int64")
    return frame


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def _adjusted_wald(x: int, n: int, confidence: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    z = _z(confidence)
    n_adj = n + z * z
    p_adj = (x + z * z / 2) / n_adj
    half = z * math.sqrt(p_adj * (1 - p_adj) / n_adj)
    return max(0.0, p_adj - half), min(1.0, p_adj + half)


def _geomean_ci(times: np.ndarray, confidence: float) -> tuple[float, float, float]:
    times = times[np.isfinite(times) & (times > 0)]
    if times.size == 0:
        return math.nan, math.nan, math.nan
    logs = np.log(times)
    mean = float(logs.mean())
    if times.size < 2:
        return math.exp(mean), math.nan, math.nan
    half = _z(confidence) * float(logs.std(ddof=1)) / math.sqrt(times.size)
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def summarize(attempts: pd.DataFrame, by: list[str] | None = None, confidence: float = 0.95) -> pd.DataFrame:
    by = by or ["task"]
    rows = []
    for keys, group in attempts.groupby(by, sort=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        n = len(group)
        successes = int((group["outcome"] == "success").sum())
        failures = int((group["outcome"] == "failure").sum())
        abandons = int((group["outcome"] == "abandon").sum())
        low, high = _adjusted_wald(successes, n, confidence)
        times = group.loc[group["outcome"] == "success", "time"].to_numpy(float)
        geomean, t_low, t_high = _geomean_ci(times, confidence)
        errors = group["errors"].to_numpy(float)
        clicks = group["clicks"].to_numpy(float)
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                "attempts": n,
                "successes": successes,
                "failures": failures,
                "abandons": abandons,
                "success_rate": successes / n,
                "success_ci_low": low,
                "success_ci_high": high,
                "abandonment_rate": abandons / n,
                "errors_total": float(np.nansum(errors)),
                "errors_per_attempt": float(np.nanmean(errors)) if np.isfinite(errors).any() else math.nan,
                "error_rate": float(np.mean(errors[np.isfinite(errors)] > 0))
                if np.isfinite(errors).any()
                else math.nan,
                "clicks_mean": float(np.nanmean(clicks)) if np.isfinite(clicks).any() else math.nan,
                "clicks_median": float(np.nanmedian(clicks)) if np.isfinite(clicks).any() else math.nan,
                "time_geomean": geomean,
                "time_median": float(np.median(times)) if times.size else math.nan,
                "time_mean": float(np.mean(times)) if times.size else math.nan,
                "time_ci_low": t_low,
                "time_ci_high": t_high,
            }
        )
    return pd.DataFrame(rows, columns=[*by, *METRICS])


def compare(attempts: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """A vs B per task: success difference A − B, time ratio B ÷ A, errors difference B − A."""
    z = _z(confidence)
    rows = []
    for task, group in attempts.groupby("task", sort=False):
        a = group[group["variant"] == "A"]
        b = group[group["variant"] == "B"]
        xa, na = int((a["outcome"] == "success").sum()), len(a)
        xb, nb = int((b["outcome"] == "success").sum()), len(b)
        pa, pb = xa / na, xb / nb
        na2, nb2 = na + z * z / 2, nb + z * z / 2
        pa2, pb2 = (xa + z * z / 4) / na2, (xb + z * z / 4) / nb2
        half = z * math.sqrt(pa2 * (1 - pa2) / na2 + pb2 * (1 - pb2) / nb2)
        rows.append(
            {
                "task": task,
                "metric": "success_rate",
                "group_a": "A",
                "group_b": "B",
                "value_a": pa,
                "value_b": pb,
                "difference": pa - pb,
                "ci_low": max(-1.0, pa2 - pb2 - half),
                "ci_high": min(1.0, pa2 - pb2 + half),
                "p_value": 0.5,
                "test": "N-1 two-proportion",
            }
        )
        ta = a.loc[a["outcome"] == "success", "time"].to_numpy(float)
        tb = b.loc[b["outcome"] == "success", "time"].to_numpy(float)
        if ta.size >= 2 and tb.size >= 2:
            la, lb = np.log(ta), np.log(tb)
            diff = float(lb.mean() - la.mean())
            se = math.sqrt(la.var(ddof=1) / la.size + lb.var(ddof=1) / lb.size)
            rows.append(
                {
                    "task": task,
                    "metric": "time",
                    "group_a": "A",
                    "group_b": "B",
                    "value_a": math.exp(la.mean()),
                    "value_b": math.exp(lb.mean()),
                    "difference": math.exp(diff),
                    "ci_low": math.exp(diff - z * se),
                    "ci_high": math.exp(diff + z * se),
                    "p_value": 0.2,
                    "test": "Welch t on log times",
                }
            )
        else:
            rows.append(
                {
                    "task": task,
                    "metric": "time",
                    "group_a": "A",
                    "group_b": "B",
                    "value_a": math.nan,
                    "value_b": math.nan,
                    "difference": math.nan,
                    "ci_low": math.nan,
                    "ci_high": math.nan,
                    "p_value": math.nan,
                    "test": "Welch t on log times",
                }
            )
        ea, eb = a["errors"].to_numpy(float), b["errors"].to_numpy(float)
        diff = float(eb.mean() - ea.mean())
        se = math.sqrt(ea.var(ddof=1) / ea.size + eb.var(ddof=1) / eb.size)
        rows.append(
            {
                "task": task,
                "metric": "errors_per_attempt",
                "group_a": "A",
                "group_b": "B",
                "value_a": float(ea.mean()),
                "value_b": float(eb.mean()),
                "difference": diff,
                "ci_low": diff - z * se,
                "ci_high": diff + z * se,
                "p_value": 0.0004,
                "test": "Welch t",
            }
        )
    return pd.DataFrame(rows)


def sus_scores() -> pd.DataFrame:
    return pd.DataFrame({"participant": PARTICIPANTS, "score": SUS})


def sus_summary() -> dict:
    values = np.array(SUS)
    mean = float(values.mean())
    sd = float(values.std(ddof=1))
    half = 2.365 * sd / math.sqrt(values.size)  # t(0.975, 7)
    return {
        "n": int(values.size),
        "mean": mean,
        "sd": sd,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "median": float(np.median(values)),
        "min": float(values.min()),
        "max": float(values.max()),
        "grade": "C+",
        "percentile": 60.8,
        "adjective": "Good",
    }


def sample_report(tasks: list[str] | None = None, with_sus: bool = True, with_comparison: bool = True) -> ReportData:
    attempts = sample_attempts(tasks)
    summary = summarize(attempts)
    return ReportData(
        title="Checkout redesign — usability test",
        generated="2024-03-09 10:00 UTC",
        overview={
            "Participants": "8",
            "Tasks": str(attempts["task"].nunique()),
            "Sessions": "8",
            "Dates": "2024-03-04 – 2024-03-08",
            "Variants": "A, B",
            "Attempts": str(len(attempts)),
        },
        notes=[
            "1 row set aside: sample.csv:17 has no task id.",
            "P06 did not attempt “Track an order”.",
        ],
        summary=summary,
        group_columns=["task"],
        attempts=attempts,
        sus_scores=sus_scores() if with_sus else None,
        sus_summary=sus_summary() if with_sus else None,
        comparison=compare(attempts) if with_comparison else None,
        confidence=0.95,
    )


TOY_CAPTION = "Attempts per task (a toy chart kind registered by a test)."


def _toy_chart(report: ReportData) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.0, 2.0))
    fig.add_subplot().barh(range(len(report.summary)), report.summary["attempts"])
    return fig


def _toy_text(report: ReportData) -> Any:
    from uxcli.report.charts import ChartText

    return ChartText(TOY_CAPTION, f"Bar chart of the attempts of {len(report.summary)} tasks.")


def _no_toy_text(report: ReportData) -> None:
    return None  # as a kind's report_text says when the data has nothing for it


def register_toy_chart(monkeypatch: Any, **options: Any) -> None:
    """Register a chart kind "toy" (attempts per task) for one test, as a new kind would be: a module with
    draw() and report_text(), and one registry entry; ``options`` override the entry's fields
    ("toy_chart:no_report_text" is a report_text that finds nothing to show)."""
    from uxcli.report import charts

    module = types.ModuleType("toy_chart")
    module.draw = _toy_chart  # type: ignore[attr-defined]
    module.report_text = _toy_text  # type: ignore[attr-defined]
    module.no_report_text = _no_toy_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toy_chart", module)
    fields = {"report_text": "toy_chart:report_text", **options}
    kind = charts.ChartKind("toy", "Attempts per task", "toy_chart:draw", **fields)
    monkeypatch.setitem(charts.CHART_KINDS, "toy", kind)
