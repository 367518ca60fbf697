"""Chart kind "time": time on task per task on a log scale, every attempt and the geometric means."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from uxcli.render.formatting import format_confidence, format_duration
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import (
    JITTER_SEED,
    MUTED,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    OUTCOME_MARKERS,
    OUTCOMES,
    as_floats,
    category_axis,
    confidence_text,
    group_columns,
    has_values,
    legend_below,
    listing,
    log_limits,
    log_time_axis,
    match_rows,
    no_data,
    report_labels,
    row_height,
    row_labels,
    styled,
    wrap,
)
from uxcli.values import is_missing

if TYPE_CHECKING:
    import pandas as pd


@styled
def time_chart(attempts: pd.DataFrame, summary: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Time on task per task on a log scale: each attempt a jittered point (shape and colour by
    outcome) and the geometric mean (summary time_geomean) with its interval (time_ci_low/high)."""
    groups = group_columns(summary)
    labels = [wrap(label) for label in row_labels(summary, groups)]
    n = len(labels)
    points = _attempt_points(attempts, summary, groups)
    geomean = as_floats(summary["time_geomean"])
    low = as_floats(summary["time_ci_low"])
    high = as_floats(summary["time_ci_high"])
    everything = [v for xs, _ in points.values() for v in xs] + [*geomean, *low, *high]
    limits = log_limits(everything)

    fig = Figure(figsize=(7.6, 1.2 + row_height(labels) * max(n, 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xscale("log")
    for outcome in OUTCOMES:
        xs, ys = points[outcome]
        if xs:
            ax.scatter(
                xs,
                ys,
                s=26,
                marker=OUTCOME_MARKERS[outcome],
                color=OUTCOME_COLORS[outcome],
                edgecolors="#FFFFFF",
                linewidths=0.5,
                alpha=0.9,
                zorder=3,
                label=f"{OUTCOME_LABELS[outcome]} (one attempt)",
            )
    y = np.arange(n, dtype=float)
    finite = np.isfinite(geomean)
    if finite.any():
        has_ci = finite & np.isfinite(low) & np.isfinite(high)
        ax.errorbar(
            geomean[has_ci],
            y[has_ci],
            xerr=np.vstack([(geomean - low)[has_ci], (high - geomean)[has_ci]]),
            fmt="none",
            ecolor="#000000",
            elinewidth=1.3,
            capsize=4,
            capthick=1.3,
            zorder=4,
        )
        ax.scatter(
            geomean[finite],
            y[finite],
            marker="D",
            s=46,
            color="#000000",
            edgecolors="#FFFFFF",
            linewidths=0.8,
            zorder=5,
            label=f"Geometric mean with {confidence_text(confidence)}",
        )
    for row in np.flatnonzero(~finite):
        ax.text(
            0.995,
            y[row] - 0.3,
            "no geometric mean: no times",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            color=MUTED,
            fontsize=7.5,
            style="italic",
        )

    category_axis(ax, labels)
    if limits is None:
        ax.set_xlim(1, 100)
        no_data(ax, "No task times in the data")
    else:
        ax.set_xlim(*limits)
    low_x, high_x = ax.get_xlim()
    log_time_axis(ax.xaxis, low_x, high_x)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    for boundary in np.arange(0.5, n - 0.5):
        ax.axhline(boundary, color="#EEEEEE", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    ax.set_xlabel("Time on task (log scale)")
    ax.set_title("Time on task per task")
    handles, _ = ax.get_legend_handles_labels()
    legend_below(fig, handles, ncols=min(len(handles), 4))
    return fig


def _attempt_points(
    attempts: pd.DataFrame, summary: pd.DataFrame, groups: list[str]
) -> dict[str, tuple[list[float], list[float]]]:
    """Per outcome, the (time, jittered row) of every timed attempt, rows in summary order."""
    n = len(summary)
    keys = [c for c in groups if c in attempts.columns]
    rng = np.random.default_rng(JITTER_SEED)
    points: dict[str, tuple[list[float], list[float]]] = {o: ([], []) for o in OUTCOMES}
    times = as_floats(attempts["time"]) if "time" in attempts.columns else np.full(len(attempts), np.nan)
    outcomes = attempts["outcome"].astype("object").to_numpy() if len(attempts) else np.array([])
    for i, values in enumerate(summary[keys].itertuples(index=False, name=None) if keys else [()] * n):
        mask = (
            match_rows(attempts, dict(zip(keys, values, strict=True))).to_numpy()
            if keys
            else np.ones(len(attempts), bool)
        )
        for outcome in OUTCOMES:
            selected = mask & (outcomes == outcome) & np.isfinite(times) & (times > 0)
            count = int(selected.sum())
            if count:
                points[outcome][0].extend(times[selected].tolist())
                points[outcome][1].extend((i + rng.uniform(-0.24, 0.24, count)).tolist())
    return points


def draw(report: Any) -> Figure:
    return time_chart(report.attempts, report.summary, confidence=report.confidence)


def report_text(report: Any) -> ChartText | None:
    """In the report when the attempts have times or the summary has geometric means."""
    if not (has_values(report.attempts, ["time"]) or has_values(report.summary, ["time_geomean"])):
        return None
    labels = report_labels(report)
    items = [
        f"{label} {'no times' if is_missing(r['time_geomean']) else format_duration(r['time_geomean'])}"
        for label, (_, r) in zip(labels, report.summary.iterrows(), strict=True)
    ]
    return ChartText(
        caption=f"Time on task per task on a logarithmic scale. Each point is one attempt, its colour and "
        f"shape showing the outcome; the black diamond is the geometric mean with its "
        f"{format_confidence(report.confidence)} confidence interval.",
        alt=f"Dot plot of time on task for {len(labels)} tasks on a log scale, one point per attempt, "
        f"with geometric means: {listing(items)}.",
    )
