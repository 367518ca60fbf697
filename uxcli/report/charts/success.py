"""Chart kind "success": success rate per task with adjusted-Wald intervals and the benchmark line."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from uxcli.reference import COMPLETION_AVERAGE
from uxcli.render.formatting import format_confidence, format_percent_interval
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import (
    OKABE_ITO,
    as_floats,
    category_axis,
    confidence_text,
    legend_below,
    listing,
    missing_note,
    report_labels,
    row_height,
    row_labels,
    styled,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd

BENCHMARK_SUCCESS = COMPLETION_AVERAGE
BENCHMARK_TEXT = f"{COMPLETION_AVERAGE:.0%}"  # "78%"
BENCHMARK_LABEL = f"{BENCHMARK_TEXT} average (Sauro 2011)"


@styled
def success_chart(summary: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Success rate per task (bars) with asymmetric adjusted-Wald error bars and the benchmark line."""
    labels = [wrap(label) for label in row_labels(summary)]
    n = len(labels)
    rate = as_floats(summary["success_rate"]) * 100
    low = as_floats(summary["success_ci_low"]) * 100
    high = as_floats(summary["success_ci_high"]) * 100
    y = np.arange(n, dtype=float)

    fig = Figure(figsize=(7.6, 1.15 + row_height(labels) * max(n, 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(
        y,
        np.nan_to_num(rate, nan=0.0),
        height=0.62,
        color=OKABE_ITO["sky_blue"],
        edgecolor=OKABE_ITO["blue"],
        linewidth=0.6,
        label="Success rate",
        zorder=2,
    )
    has_ci = np.isfinite(rate) & np.isfinite(low) & np.isfinite(high)
    if has_ci.any():
        xerr = np.vstack([np.clip(rate - low, 0, None)[has_ci], np.clip(high - rate, 0, None)[has_ci]])
        ax.errorbar(
            rate[has_ci],
            y[has_ci],
            xerr=xerr,
            fmt="none",
            ecolor="#000000",
            elinewidth=1.1,
            capsize=3.5,
            capthick=1.1,
            zorder=3,
            label=f"{confidence_text(confidence)} (adjusted Wald)",
        )
    for i in range(n):
        if not math.isfinite(rate[i]):
            missing_note(ax, y[i], "no attempts", x=0.01)
            continue
        right = high[i] if math.isfinite(high[i]) else rate[i]
        ax.text(
            right + 1.5,
            y[i],
            f"{rate[i]:.0f}%",
            va="center",
            ha="left",
            fontsize=8.5,
            color="#111111",
            zorder=5,
            bbox={"facecolor": "#FFFFFF", "edgecolor": "none", "pad": 1.0, "alpha": 0.85},
        )
    ax.axvline(
        BENCHMARK_SUCCESS * 100, color="#000000", linestyle=(0, (5, 3)), linewidth=1.2, zorder=4, label=BENCHMARK_LABEL
    )

    category_axis(ax, labels)
    ax.set_xlim(0, 111)
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    ax.set_xlabel("Attempts completed successfully")
    ax.set_title("Success rate per task")
    handles, _ = ax.get_legend_handles_labels()
    legend_below(fig, handles, ncols=3)
    return fig


def draw(report: Any) -> Figure:
    return success_chart(report.summary, confidence=report.confidence)


def report_text(report: Any) -> ChartText:
    """Always in the report: every summary row has a success rate (or says it has no attempts)."""
    labels = report_labels(report)
    items = [
        f"{label} {format_percent_interval(r['success_rate'], r['success_ci_low'], r['success_ci_high'])}"
        for label, (_, r) in zip(labels, report.summary.iterrows(), strict=True)
    ]
    return ChartText(
        caption=f"Success rate per task with {format_confidence(report.confidence)} adjusted-Wald confidence "
        f"intervals. The dashed line is the {BENCHMARK_TEXT} average task completion rate across usability "
        f"studies (Sauro 2011).",
        alt=f"Horizontal bar chart of the success rate of {len(labels)} tasks with confidence intervals and "
        f"a dashed benchmark line at {BENCHMARK_TEXT}: {listing(items)}.",
    )
