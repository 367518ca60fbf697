"""Chart kind "survival": Kaplan–Meier curves of the share still working, one panel per task, one line per
condition, with pointwise log-log intervals and censoring marks (uxcli.survival)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from uxcli.render.formatting import format_confidence, format_duration
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import MUTED, OKABE_ITO, has_values, label, legend_below, listing, no_data, styled, wrap

if TYPE_CHECKING:
    import pandas as pd

    from uxcli.survival import SurvivalResult

COLORS = [OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue")]
STYLES: list[Any] = ["-", "--", "-.", ":"]
MAX_COLUMNS = 3


def survival_result(report: Any) -> tuple[SurvivalResult, list[str]]:
    """The survival estimates of a report's attempts, grouped like its summary (task first)."""
    from uxcli.survival import SurvivalOptions, survival_of

    attempts = report.attempts
    by = [c for c in (report.group_columns or ["task"]) if c in attempts.columns]
    condition = _compared_column(report)
    if condition is not None and condition not in by:
        by.append(condition)  # one line per compared condition
    return survival_of(attempts, by, SurvivalOptions(by=tuple(by), confidence=report.confidence)), by


def _compared_column(report: Any) -> str | None:
    """The attempts column the report's comparison compares (it holds both groups), or None."""
    comparison = report.comparison
    if comparison is None or not len(comparison) or not {"group_a", "group_b"} <= set(comparison.columns):
        return None
    groups = {str(comparison["group_a"].iloc[0]), str(comparison["group_b"].iloc[0])}
    core = {"participant", "session", "task", "attempt", "outcome", "time", "clicks", "errors", "source"}
    columns = [c for c in report.attempts.columns if not str(c).startswith("_") and c not in core]
    for column in sorted(columns, key=lambda c: c != "variant"):  # the variant column first
        if groups <= set(report.attempts[column].dropna().astype(str)):
            return str(column)
    return None


def _panels(frame: pd.DataFrame, by: list[str]) -> list[tuple[str, list[tuple[str, pd.DataFrame]]]]:
    """(panel title, [(line label, rows)]): a panel per value of the first group column, a line per rest."""
    if not by:
        return [("All tasks", [("", frame)])]
    panels: list[tuple[str, list[tuple[str, pd.DataFrame]]]] = []
    for key, part in frame.groupby(by[0], sort=False, dropna=False):
        lines = (
            [(" · ".join(label(v) for v in (k if isinstance(k, tuple) else (k,))), rows)
             for k, rows in part.groupby(by[1:], sort=False, dropna=False)]
            if len(by) > 1 else [("", part)]
        )  # fmt: skip
        panels.append((label(key), lines))
    return panels


@styled
def survival_chart(result: SurvivalResult, by: list[str]) -> Figure:
    panels = _panels(result.curves, by)
    n = max(len(panels), 1)
    ncols = min(n, MAX_COLUMNS)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(3.0 * ncols + 1.2, 2.5 * nrows + 1.0), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    names: dict[str, int] = {}
    for ax, (title, lines) in zip(axes.flat, panels, strict=False):
        for name, rows in lines:
            color = names.setdefault(name, len(names))
            t = rows["time"].to_numpy(dtype=float)
            s = rows["survival"].to_numpy(dtype=float)
            style = {"color": COLORS[color % len(COLORS)], "linestyle": STYLES[color // len(COLORS) % len(STYLES)]}
            ax.step(t, s, where="post", linewidth=1.6, **style)
            low, high = rows["survival_ci_low"].to_numpy(dtype=float), rows["survival_ci_high"].to_numpy(dtype=float)
            ok = np.isfinite(low) & np.isfinite(high)
            ax.fill_between(t[ok], low[ok], high[ok], step="post", alpha=0.15, color=style["color"], linewidth=0)
            censored = rows["censored"].to_numpy() + rows["give_ups"].to_numpy() > 0
            ax.plot(t[censored], s[censored], "|", markersize=7, color=style["color"])
        ax.axhline(0.5, color=MUTED, linewidth=0.7, linestyle=":")
        ax.set_title(wrap(title, 32), fontsize=9)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(left=0)
        ax.grid(color="#E0E0E0", linewidth=0.6)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    if not panels:
        no_data(axes.flat[0], "No attempts with a time")
    for ax in axes[:, 0]:
        ax.set_ylabel("Share still working")
    for ax in axes[-1, :]:
        ax.set_xlabel("Seconds")
    handles = [
        Line2D([], [], color=COLORS[i % len(COLORS)], linestyle=STYLES[i // len(COLORS) % len(STYLES)], label=name)
        for name, i in names.items()
        if name
    ]
    handles.append(Line2D([], [], color=MUTED, marker="|", linestyle="none", label="Censored (no success by then)"))
    legend_below(fig, handles)
    fig.suptitle("Time to success (Kaplan–Meier)")
    return fig


def draw(report: Any) -> Figure:
    result, by = survival_result(report)
    return survival_chart(result, by)


def report_text(report: Any) -> ChartText | None:
    """In the report when the attempts have times."""
    if not len(report.attempts) or not has_values(report.attempts, ["time"]):
        return None
    result, by = survival_result(report)
    items = [
        " · ".join(label(row[c]) for c in by)
        + f": median {'not reached' if np.isnan(row['median_time']) else format_duration(row['median_time'])}"
        for _, row in result.summary.iterrows()
    ]
    return ChartText(
        caption="Share of participants still working on each task over time (Kaplan–Meier), with pointwise "
        f"{format_confidence(report.confidence)} log-log intervals. An attempt that ended without success "
        "(give-up, failure, time-out) is censored at its time (tick marks); the dotted line at 50% marks the "
        "median time-to-success.",
        alt=f"Step curves of the share still working over time for {len(items)} groups: {listing(items)}.",
    )
