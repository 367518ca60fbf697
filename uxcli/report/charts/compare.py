"""Chart kind "compare": two groups per task, both values and the difference (ratio for time).

Also the direction of each difference (B − A or A − B), which the report's comparison table shares.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, Locator, NullFormatter, NullLocator, PercentFormatter

from uxcli.render.formatting import format_confidence
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import (
    MUTED,
    OKABE_ITO,
    as_floats,
    category_axis,
    confidence_text,
    label,
    legend_below,
    log_limits,
    log_time_axis,
    missing_note,
    no_data,
    row_height,
    styled,
    wrap,
)

COMPARE_METRICS: dict[str, str] = {
    "success_rate": "Success rate",
    "time": "Time on task",
    "errors_per_attempt": "Errors per attempt",
}

_NICE_RATIOS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 10, 20, 50, 100)
RATIO_CLIP = 20.0  # the ratio axis spans at most 1/20× to 20×; an interval beyond is clipped with a marker


def _ratio_label(value: float) -> str:
    return f"{value:g}×"


def _ratio_tick_sets(low: float, high: float) -> list[list[float]]:
    """Candidate ratio ticks, densest first: the nice ratios, then 1-2-5 per decade, then powers of ten,
    then every other power of ten (always with 1×)."""
    decades = range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 2)
    sets = [
        list(_NICE_RATIOS),
        [m * 10.0**k for k in decades for m in (1, 2, 5)],
        [10.0**k for k in decades],
        [10.0**k for k in decades if k % 2 == 0],
        [1.0],
    ]
    return [
        sorted({float(f"{t:.6g}") for t in ticks if low <= t <= high} | ({1.0} if low <= 1 <= high else set()))
        for ticks in sets
    ]


class SpacedRatioLocator(Locator):
    """Ticks for the ratio axis chosen at draw time for the width the axis has: the densest candidate set
    whose labels (estimated from the tick font size, in points) leave a gap, so labels never overlap."""

    def __init__(self, fontsize: float) -> None:
        self.fontsize = fontsize

    def __call__(self) -> list[float]:
        assert self.axis is not None  # set by matplotlib when the locator is given to an axis
        low, high = sorted(self.axis.get_view_interval())
        return self.tick_values(low, high)

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        low, high = max(min(vmin, vmax), 1e-9), max(vmin, vmax)
        axes = getattr(self.axis, "axes", None)
        if axes is None:  # not on an axis yet: the nice ratios in range
            return _ratio_tick_sets(low, high)[0]
        width = axes.get_window_extent().width  # pixels
        size = axes.figure.dpi / 72 * self.fontsize
        span = math.log(high / low) if high > low else 1.0
        for ticks in _ratio_tick_sets(low, high):
            places = [math.log(t / low) / span * width for t in ticks]
            sizes = [len(_ratio_label(t)) * 0.62 * size for t in ticks]
            if all(places[i + 1] - places[i] >= (sizes[i] + sizes[i + 1]) / 2 + size for i in range(len(ticks) - 1)):
                return ticks
        return [1.0] if low <= 1 <= high else []


def group_pairs(comparison: pd.DataFrame) -> list[tuple[str, str]]:
    """The (group A, group B) pairs compared, in first-appearance order."""
    return list(dict.fromkeys(zip(comparison["group_a"].map(label), comparison["group_b"].map(label), strict=True)))


def difference_direction(values_a: np.ndarray, values_b: np.ndarray, estimate: np.ndarray, ratio: bool) -> bool:
    """True when the estimate reads as B relative to A (B − A or B ÷ A), False for A − B / A ÷ B."""
    ok = np.isfinite(values_a) & np.isfinite(values_b) & np.isfinite(estimate)
    if ratio:
        ok &= (values_a > 0) & (values_b > 0)
    if not ok.any():
        return True
    a, b, e = values_a[ok], values_b[ok], estimate[ok]
    if ratio:
        b_over_a = np.abs(np.log(b / a) - np.log(np.where(e > 0, e, np.nan)))
        a_over_b = np.abs(np.log(a / b) - np.log(np.where(e > 0, e, np.nan)))
        return bool(np.nansum(b_over_a) <= np.nansum(a_over_b))
    return bool(np.sum(np.abs((b - a) - e)) <= np.sum(np.abs((a - b) - e)))


@styled
def compare_chart(comparison: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Per metric (success rate, time, errors per attempt) one row of two panels: left both
    groups' values per task, right the difference (time: the ratio, log scale) with its interval."""
    frame = comparison.reset_index(drop=True)
    present = list(dict.fromkeys(frame["metric"].astype(str))) if len(frame) else []
    metrics = [m for m in COMPARE_METRICS if m in present] + [m for m in present if m not in COMPARE_METRICS]
    pairs = group_pairs(frame) if len(frame) else []
    names = pairs[0] if len(pairs) == 1 else ("A", "B")

    blocks = []
    for metric in metrics:
        sub = frame[frame["metric"].astype(str) == metric]
        labels = [
            wrap(label(t) if len(pairs) == 1 else f"{label(t)} ({label(a)} vs {label(b)})", width=30)
            for t, a, b in zip(sub["task"], sub["group_a"], sub["group_b"], strict=True)
        ]
        blocks.append((metric, sub, labels))
    heights = [0.55 + row_height(labels) * max(len(labels), 1) for _, _, labels in blocks] or [1.0]
    fig = Figure(figsize=(8.6, 1.0 + sum(heights)), layout=ConstrainedLayoutEngine(h_pad=0.12, hspace=0.06, w_pad=0.08))
    if not blocks:
        ax = fig.add_subplot()
        ax.set_axis_off()
        no_data(ax, "No comparison results")
        return fig
    axes = fig.subplots(
        len(blocks), 2, squeeze=False, gridspec_kw={"height_ratios": heights, "width_ratios": [1.15, 1]}
    )
    ci_text = confidence_text(confidence)
    for (metric, sub, labels), (ax_values, ax_diff) in zip(blocks, axes, strict=True):
        _values_panel(ax_values, metric, sub, labels, names)
        _difference_panel(ax_diff, metric, sub, len(labels), names, ci_text)

    handles, _ = axes[0][0].get_legend_handles_labels()
    diff_handles, _ = axes[0][1].get_legend_handles_labels()
    legend_below(fig, handles + diff_handles[:1], ncols=3)
    fig.suptitle(f"Comparison per task: {names[0]} vs {names[1]}", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    return fig


def _values_panel(ax: Any, metric: str, sub: pd.DataFrame, labels: list[str], names: tuple[str, str]) -> None:
    """Left panel: both groups' values per task, joined by a grey line."""
    y = np.arange(len(labels), dtype=float)
    scale = 100.0 if metric == "success_rate" else 1.0
    a = as_floats(sub["value_a"]) * scale
    b = as_floats(sub["value_b"]) * scale
    both = np.isfinite(a) & np.isfinite(b)
    ax.hlines(y[both], np.minimum(a, b)[both], np.maximum(a, b)[both], color="#9A9A9A", linewidth=1.6, zorder=2)
    # A is the larger circle, drawn under B's smaller square: equal values stay visible
    ax.scatter(
        a[np.isfinite(a)], y[np.isfinite(a)], marker="o", s=80, color=OKABE_ITO["blue"], zorder=3, label=names[0]
    )
    ax.scatter(
        b[np.isfinite(b)],
        y[np.isfinite(b)],
        marker="s",
        s=30,
        color=OKABE_ITO["orange"],
        edgecolors="#000000",
        linewidths=0.5,
        zorder=4,
        label=names[1],
    )
    category_axis(ax, labels)
    ax.set_title(COMPARE_METRICS.get(metric, metric))
    if metric == "time":
        ax.set_xscale("log")
        limits = log_limits([*a, *b], pad=1.4) or (1.0, 100.0)
        ax.set_xlim(*limits)
        log_time_axis(ax.xaxis, *limits)
    elif metric == "success_rate":
        ax.set_xlim(-3, 103)
        ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    else:
        top = np.nanmax([*a, *b]) if np.isfinite([*a, *b]).any() else 1.0
        top = top or 1.0
        ax.set_xlim(-top * 0.04, top * 1.15)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)


def _difference_panel(ax: Any, metric: str, sub: pd.DataFrame, n: int, names: tuple[str, str], ci_text: str) -> None:
    """Right panel: the difference (time: the ratio, log scale) per task with its interval."""
    y = np.arange(n, dtype=float)
    scale = 100.0 if metric == "success_rate" else 1.0
    ratio = metric == "time"
    estimate = as_floats(sub["difference"])
    # scaled and back as the values panel has them: x * 100 / 100 may differ from x in the last bit
    a = as_floats(sub["value_a"]) * scale
    b = as_floats(sub["value_b"]) * scale
    b_first = difference_direction(a / scale, b / scale, estimate, ratio)
    shown = estimate * scale
    lo = as_floats(sub["ci_low"]) * scale
    hi = as_floats(sub["ci_high"]) * scale
    finite = np.isfinite(shown)
    has_ci = finite & np.isfinite(lo) & np.isfinite(hi)
    true_lo, true_hi = lo.copy(), hi.copy()
    if ratio:  # absurd intervals are clipped to the axis, with a triangle at the clip edge
        lo = np.where(np.isfinite(lo), np.clip(lo, 1 / RATIO_CLIP, None), lo)
        hi = np.where(np.isfinite(hi), np.clip(hi, None, RATIO_CLIP), hi)
    if has_ci.any():
        ax.errorbar(
            shown[has_ci],
            y[has_ci],
            xerr=np.vstack([np.clip(shown - lo, 0, None)[has_ci], np.clip(hi - shown, 0, None)[has_ci]]),
            fmt="none",
            ecolor="#000000",
            elinewidth=1.2,
            capsize=3.5,
            zorder=3,
        )
    ax.scatter(
        shown[finite],
        y[finite],
        marker="D",
        s=34,
        color="#000000",
        zorder=4,
        label=f"Difference (time: ratio) with {ci_text}",
    )
    for i in np.flatnonzero(~finite):
        missing_note(ax, y[i], "not estimable")
    first, second = (names[1], names[0]) if b_first else names
    if ratio:
        ax.set_xscale("log")
        ax.set_gid("ratio-axis")
        ax.axvline(1.0, color=MUTED, linewidth=1.0, zorder=1)
        shown_in = np.clip(shown, 1 / RATIO_CLIP, RATIO_CLIP)
        limits = log_limits([*shown_in, *lo, *hi, 1.0], pad=1.25) or (0.5, 2.0)
        ax.set_xlim(*limits)
        _clip_markers(ax, y, has_ci, true_lo, true_hi, lo, hi)
        fontsize = FontProperties(size=matplotlib.rcParams["xtick.labelsize"]).get_size_in_points()
        ax.xaxis.set_major_locator(SpacedRatioLocator(fontsize))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _ratio_label(v)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"Ratio {first} ÷ {second}, {ci_text}")
    else:
        ax.axvline(0.0, color=MUTED, linewidth=1.0, zorder=1)
        span = np.nanmax(np.abs([*shown, *lo, *hi, 0.0])) if np.isfinite([*shown, *lo, *hi]).any() else 1.0
        span = span or 1.0
        ax.set_xlim(-span * 1.1, span * 1.1)
        unit = " (points)" if metric == "success_rate" else ""
        ax.set_title(f"Difference {first} − {second}{unit}, {ci_text}")
    ax.set_yticks(range(n), [""] * n)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)


def _clip_markers(
    ax: Any, y: np.ndarray, has_ci: np.ndarray, true_lo: np.ndarray, true_hi: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> None:
    """A triangle at the clip edge of each clipped interval, and the true bounds beside it."""
    for i in np.flatnonzero(has_ci):
        clipped_low, clipped_high = true_lo[i] < lo[i], true_hi[i] > hi[i]
        if not (clipped_low or clipped_high):
            continue
        if clipped_low:
            ax.plot([lo[i]], [y[i]], marker="<", color="#000000", markersize=6, zorder=5, linestyle="none")
        if clipped_high:
            ax.plot([hi[i]], [y[i]], marker=">", color="#000000", markersize=6, zorder=5, linestyle="none")
        ax.annotate(
            f"CI {_ratio_label(float(f'{true_lo[i]:.2g}'))}–{_ratio_label(float(f'{true_hi[i]:.2g}'))}",
            (hi[i] if clipped_high else lo[i], y[i]),
            xytext=(-4 if clipped_high else 4, 7),
            textcoords="offset points",
            ha="right" if clipped_high else "left",
            fontsize=7,
            color=MUTED,
        )


def draw(report: Any) -> Figure:
    return compare_chart(report.comparison, confidence=report.confidence)


def report_text(report: Any) -> ChartText | None:
    """In the report when it has a comparison."""
    comparison = report.comparison
    if comparison is None or not len(comparison):
        return None
    metrics = [COMPARE_METRICS.get(m, m) for m in dict.fromkeys(comparison["metric"].astype(str))]
    groups = " and ".join(f"{a} vs {b}" for a, b in group_pairs(comparison))
    return ChartText(
        caption=f"{groups} per task. Left: each group's value. Right: the difference with its "
        f"{format_confidence(report.confidence)} confidence interval (for time, the ratio of geometric means on "
        f"a log scale); an interval crossing the grey line means no clear difference.",
        alt=f"Comparison charts of {groups} for {comparison['task'].nunique()} tasks on "
        f"{', '.join(metrics).lower()}: dot pairs of both groups' values and differences with confidence intervals.",
    )
