"""Chart kind "errors-clicks": mean errors and mean clicks per attempt, two panels sharing the task axis."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from uxcli.render.formatting import format_number
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import (
    OKABE_ITO,
    as_floats,
    category_axis,
    has_values,
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


@styled
def errors_clicks_chart(summary: pd.DataFrame) -> Figure:
    """Two panels sharing the task axis: mean errors per attempt and mean clicks per attempt."""
    labels = [wrap(label) for label in row_labels(summary)]
    n = len(labels)
    y = np.arange(n, dtype=float)
    fig = Figure(figsize=(7.6, 1.05 + row_height(labels) * max(n, 1)), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    panels = (
        ("errors_per_attempt", "Errors per attempt", OKABE_ITO["vermillion"], 2),
        ("clicks_mean", "Clicks per attempt (mean)", OKABE_ITO["blue"], 1),
    )
    for ax, (column, title, color, digits) in zip(axes, panels, strict=True):
        values = as_floats(summary[column]) if column in summary.columns else np.full(n, np.nan)
        ax.barh(y, np.nan_to_num(values, nan=0.0), height=0.62, color=color, zorder=2)
        top = np.nanmax(values) if np.isfinite(values).any() else 0.0
        top = top if top > 0 else 1.0
        for i in range(n):
            if math.isfinite(values[i]):
                ax.text(
                    values[i] + top * 0.02,
                    y[i],
                    f"{values[i]:.{digits}f}",
                    va="center",
                    ha="left",
                    fontsize=8.5,
                    color="#111111",
                )
            else:
                missing_note(ax, y[i], "no data")
        ax.set_xlim(0, top * 1.22)
        ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
        ax.set_axisbelow(True)
        ax.set_title(title)
        ax.spines["left"].set_visible(False)
    category_axis(axes[0], labels)
    axes[1].tick_params(axis="y", length=0, labelleft=False)
    axes[0].set_xlabel("Mean errors per attempt")
    axes[1].set_xlabel("Mean clicks per attempt")
    return fig


def draw(report: Any) -> Figure:
    return errors_clicks_chart(report.summary)


def report_text(report: Any) -> ChartText | None:
    """In the report when the summary has error or click counts."""
    if not has_values(report.summary, ["errors_per_attempt", "clicks_mean"]):
        return None
    labels = report_labels(report)
    items = [
        f"{label} {format_number(r['errors_per_attempt'], 2)} errors, {format_number(r['clicks_mean'], 1)} clicks"
        for label, (_, r) in zip(labels, report.summary.iterrows(), strict=True)
    ]
    return ChartText(
        caption="Mean errors per attempt (left) and mean clicks per attempt (right) for each task.",
        alt=f"Two bar charts of mean errors and mean clicks per attempt for {len(labels)} tasks: {listing(items)}.",
    )
