"""Report charts drawn with matplotlib.

Every chart function returns a `matplotlib.figure.Figure` built with the object-oriented API
(no pyplot state, so nothing leaks between charts and nothing needs a display), in the
colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"). Outcomes are
also told apart by marker shape or symbol, not by colour alone.

`figure_to_svg` turns a figure into inline SVG text for the HTML report (deterministic: fixed
hash salt, no date, text as paths so the look does not depend on installed fonts);
`save_figure` writes PNG, SVG or PDF for slides.

Task order on every axis is the row order of the summary frame (first appearance), top to bottom.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import matplotlib

if "matplotlib.pyplot" not in sys.modules:  # never switch a backend someone else is using
    matplotlib.use("Agg")

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator, PercentFormatter

from uxcli.reference import COMPLETION_AVERAGE, SUS_AVERAGE, SUS_FAIL_GRADE, SUS_GRADES
from uxcli.render.formatting import format_confidence, format_duration

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

OUTCOMES: tuple[str, ...] = ("success", "failure", "abandon")
OUTCOME_LABELS: dict[str, str] = {"success": "Success", "failure": "Failure", "abandon": "Abandon"}
OUTCOME_COLORS: dict[str, str] = {
    "success": OKABE_ITO["bluish_green"],
    "failure": OKABE_ITO["vermillion"],
    "abandon": OKABE_ITO["orange"],
}
OUTCOME_MARKERS: dict[str, str] = {"success": "o", "failure": "X", "abandon": "^"}
OUTCOME_SYMBOLS: dict[str, str] = {"success": "✓", "failure": "✗", "abandon": "–"}
OUTCOME_TEXT_COLORS: dict[str, str] = {"success": "#FFFFFF", "failure": "#FFFFFF", "abandon": "#000000"}
NOT_ATTEMPTED_COLOR = "#F2F2F2"
NOT_ATTEMPTED_HATCH_COLOR = "#A0A0A0"
MUTED = "#595959"

BENCHMARK_SUCCESS = COMPLETION_AVERAGE
BENCHMARK_LABEL = f"{COMPLETION_AVERAGE:.0%} average (Sauro 2011)"

# The SUS grade bands, lowest first, with typographic minus signs for the chart's labels.
SUS_GRADE_BANDS: tuple[tuple[float, str], ...] = ((0.0, SUS_FAIL_GRADE),) + tuple(
    (bound, grade.replace("-", "−")) for bound, grade in reversed(SUS_GRADES)
)

METRIC_COLUMNS: tuple[str, ...] = (
    "attempts",
    "successes",
    "failures",
    "abandons",
    "success_rate",
    "success_ci_low",
    "success_ci_high",
    "abandonment_rate",
    "errors_total",
    "errors_per_attempt",
    "error_rate",
    "clicks_mean",
    "clicks_median",
    "time_geomean",
    "time_median",
    "time_mean",
    "time_ci_low",
    "time_ci_high",
)

COMPARE_METRICS: dict[str, str] = {
    "success_rate": "Success rate",
    "time": "Time on task",
    "errors_per_attempt": "Errors per attempt",
}

JITTER_SEED = 20_110_301  # fixed, so the same data always gives the same picture

_STYLE: Any = {  # an rcParams dict
    "font.family": "DejaVu Sans",  # ships with matplotlib: identical output everywhere
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8.0,
    "axes.labelsize": 9.0,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(
        color=[
            OKABE_ITO[k]
            for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")
        ]
    ),
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.facecolor": "#FFFFFF",
    "figure.dpi": 100,
    "savefig.facecolor": "#FFFFFF",
    "svg.fonttype": "path",
    "svg.hashsalt": "uxcli",
    "svg.image_inline": True,
    "pdf.fonttype": 42,
    "path.simplify": True,
}
_SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": None, "Format": None, "Type": None}

FigureFunc = TypeVar("FigureFunc", bound=Callable[..., Figure])


def _styled(func: FigureFunc) -> FigureFunc:
    """Create the figure inside the report style (never leaking to global rcParams), then fix its
    layout: constrained layout runs once here and is switched off, so saving the same figure twice
    (SVG for the page, PNG for slides) gives the same picture, byte for byte."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(_STYLE):
            fig = func(*args, **kwargs)
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
            return fig

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- helpers


def as_floats(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value)


def group_columns(summary: pd.DataFrame) -> list[str]:
    """The summary frame's group columns: every column that is not a metric column."""
    return [c for c in summary.columns if c not in METRIC_COLUMNS]


def row_labels(summary: pd.DataFrame, columns: Sequence[str] | None = None) -> list[str]:
    """One label per summary row: the group values joined by " · " (e.g. "Checkout · B")."""
    columns = list(columns) if columns is not None else group_columns(summary)
    if not columns:
        return [str(i + 1) for i in range(len(summary))]
    return [" · ".join(_text(v) for v in values) for values in summary[columns].itertuples(index=False, name=None)]


def _wrap(label: str, width: int = 28, max_lines: int = 3) -> str:
    lines = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=True)
    if not lines:
        return label
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return "\n".join(lines)


def _row_height(labels: Sequence[str]) -> float:
    """Inches per category row, growing with the number of lines of the longest label."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(0.42, 0.16 * lines + 0.2)


def _category_axis(ax: Any, labels: Sequence[str]) -> None:
    """Categories on the y axis, the first at the top."""
    n = len(labels)
    ax.set_yticks(range(n), labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.spines["left"].set_visible(False)


def _legend_below(fig: Figure, handles: list[Any], ncols: int | None = None) -> None:
    if not handles:
        return
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=ncols or min(len(handles), 4),
        handlelength=1.6,
        columnspacing=1.6,
    )


def _no_data(ax: Any, message: str) -> None:
    ax.text(
        0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10, style="italic"
    )


def _missing_note(ax: Any, y: float, message: str, x: float = 0.01) -> None:
    """A small italic note on row y, x in axes coordinates."""
    ax.text(
        x,
        y,
        message,
        transform=ax.get_yaxis_transform(),
        ha="left",
        va="center",
        color=MUTED,
        fontsize=7.5,
        style="italic",
    )


def _short_duration(seconds: float) -> str:
    """Tick labels: "0.5s", "10s", "1m", "1m 30s", "2h"."""
    if seconds < 60:
        return f"{seconds:g}s"
    if seconds < 3600:
        minutes, secs = divmod(int(round(seconds)), 60)
        return f"{minutes}m" if secs == 0 else f"{minutes}m {secs}s"
    hours, rest = divmod(int(round(seconds)), 3600)
    return f"{hours}h" if rest == 0 else format_duration(seconds)


_NICE_SECONDS = (
    0.1,
    0.2,
    0.5,
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    14400,
    28800,
    86400,
)


_NICE_RATIOS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 10, 20, 50, 100)


def _log_time_axis(axis: Any, low: float, high: float) -> None:
    """Duration ticks at round values ("10s", "1m", "5m") between low and high on a log axis."""
    ticks = [t for t in _NICE_SECONDS if low <= t <= high]
    if len(ticks) > 7:  # keep every other tick when the range is wide
        ticks = ticks[::2]
    if len(ticks) < 2:
        ticks = sorted({float(f"{low:.2g}"), float(f"{high:.2g}")})
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _short_duration(v)))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def _log_limits(values: Iterable[float], pad: float = 1.6) -> tuple[float, float] | None:
    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    if not finite:
        return None
    low, high = min(finite), max(finite)
    if high / low < 4:  # too narrow a range reads badly on a log axis
        middle = math.sqrt(low * high)
        low, high = middle / 2, middle * 2
    return low / pad, high * pad


def match_rows(frame: pd.DataFrame, keys: dict[str, Any]) -> pd.Series:
    """Boolean mask of frame rows whose key columns equal keys (NA matches NA)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        col = frame[column]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            mask &= col.isna()
        else:
            mask &= col.astype("object").astype(str).eq(str(value)) & col.notna()
    return mask


def _confidence_text(confidence: float | None) -> str:
    return f"{format_confidence(confidence)} CI" if confidence is not None else "CI"


# --------------------------------------------------------------------------- success


@_styled
def success_chart(summary: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Success rate per task (bars) with asymmetric adjusted-Wald error bars and the 78% line."""
    labels = [_wrap(label) for label in row_labels(summary)]
    n = len(labels)
    rate = as_floats(summary["success_rate"]) * 100
    low = as_floats(summary["success_ci_low"]) * 100
    high = as_floats(summary["success_ci_high"]) * 100
    y = np.arange(n, dtype=float)

    fig = Figure(figsize=(7.6, 1.15 + _row_height(labels) * max(n, 1)), layout="constrained")
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
            label=f"{_confidence_text(confidence)} (adjusted Wald)",
        )
    for i in range(n):
        if not math.isfinite(rate[i]):
            _missing_note(ax, y[i], "no attempts", x=0.01)
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

    _category_axis(ax, labels)
    ax.set_xlim(0, 111)
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    ax.set_xlabel("Attempts completed successfully")
    ax.set_title("Success rate per task")
    handles, _ = ax.get_legend_handles_labels()
    _legend_below(fig, handles, ncols=3)
    return fig


# --------------------------------------------------------------------------- time


@_styled
def time_chart(attempts: pd.DataFrame, summary: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Time on task per task on a log scale: each attempt a jittered point (shape and colour by
    outcome) and the geometric mean (summary time_geomean) with its interval (time_ci_low/high)."""
    groups = group_columns(summary)
    labels = [_wrap(label) for label in row_labels(summary, groups)]
    n = len(labels)
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

    geomean = as_floats(summary["time_geomean"])
    low = as_floats(summary["time_ci_low"])
    high = as_floats(summary["time_ci_high"])
    everything = [v for xs, _ in points.values() for v in xs] + [*geomean, *low, *high]
    limits = _log_limits(everything)

    fig = Figure(figsize=(7.6, 1.2 + _row_height(labels) * max(n, 1)), layout="constrained")
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
            label=f"Geometric mean with {_confidence_text(confidence)}",
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

    _category_axis(ax, labels)
    if limits is None:
        ax.set_xlim(1, 100)
        _no_data(ax, "No task times in the data")
    else:
        ax.set_xlim(*limits)
    low_x, high_x = ax.get_xlim()
    _log_time_axis(ax.xaxis, low_x, high_x)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
    for boundary in np.arange(0.5, n - 0.5):
        ax.axhline(boundary, color="#EEEEEE", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    ax.set_xlabel("Time on task (log scale)")
    ax.set_title("Time on task per task")
    handles, _ = ax.get_legend_handles_labels()
    _legend_below(fig, handles, ncols=min(len(handles), 4))
    return fig


# --------------------------------------------------------------------------- errors & clicks


@_styled
def errors_clicks_chart(summary: pd.DataFrame) -> Figure:
    """Two panels sharing the task axis: mean errors per attempt and mean clicks per attempt."""
    labels = [_wrap(label) for label in row_labels(summary)]
    n = len(labels)
    y = np.arange(n, dtype=float)
    fig = Figure(figsize=(7.6, 1.05 + _row_height(labels) * max(n, 1)), layout="constrained")
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
                _missing_note(ax, y[i], "no data")
        ax.set_xlim(0, top * 1.22)
        ax.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
        ax.set_axisbelow(True)
        ax.set_title(title)
        ax.spines["left"].set_visible(False)
    _category_axis(axes[0], labels)
    axes[1].tick_params(axis="y", length=0, labelleft=False)
    axes[0].set_xlabel("Mean errors per attempt")
    axes[1].set_xlabel("Mean clicks per attempt")
    return fig


# --------------------------------------------------------------------------- outcome grid


def outcome_grid(attempts: pd.DataFrame) -> tuple[list[str], list[str], dict[tuple[str, str], tuple[str, int]]]:
    """Participants and tasks in first-appearance order, and per (participant, task) the final
    outcome and the number of attempts (the last attempt of the last session is final)."""
    frame = pd.DataFrame(
        {
            "participant": attempts["participant"].astype("object").map(_text),
            "task": attempts["task"].astype("object").map(_text),
            "outcome": attempts["outcome"].astype("object"),
            "attempt": as_floats(attempts["attempt"]) if "attempt" in attempts else np.ones(len(attempts)),
            "row": np.arange(len(attempts)),
        }
    )
    if "session" in attempts.columns:
        frame["session"] = pd.factorize(attempts["session"].astype("object"), use_na_sentinel=True)[0]
    else:
        frame["session"] = 0
    participants = list(dict.fromkeys(frame["participant"]))
    tasks = list(dict.fromkeys(frame["task"]))
    ordered = frame.sort_values(["session", "attempt", "row"], kind="stable")
    cells: dict[tuple[str, str], tuple[str, int]] = {}
    for (participant, task), group in ordered.groupby(["participant", "task"], sort=False):
        cells[(participant, task)] = (str(group["outcome"].iloc[-1]), len(group))
    return participants, tasks, cells


def _participant_labels(attempts: pd.DataFrame, participants: list[str]) -> list[str]:
    """ "P01 · A" when every participant saw exactly one variant, else the bare id."""
    if "variant" not in attempts.columns or not attempts["variant"].notna().any():
        return participants
    variants = (
        attempts.assign(_p=attempts["participant"].astype("object").map(_text))
        .dropna(subset=["variant"])
        .groupby("_p", sort=False)["variant"]
        .agg(lambda s: list(dict.fromkeys(map(str, s))))
    )
    labels = []
    for participant in participants:
        seen = variants.get(participant, [])
        labels.append(f"{participant} · {seen[0]}" if len(seen) == 1 else participant)
    return labels


@_styled
def outcome_grid_chart(attempts: pd.DataFrame) -> Figure:
    """Participant × task grid: the colour and symbol of each cell is the final outcome; hatched
    grey cells were not attempted; "×n" marks n attempts (retries)."""
    participants, tasks, cells = outcome_grid(attempts)
    n_rows, n_cols = len(participants), len(tasks)
    rotate = n_cols > 8
    task_labels = [_wrap(t, width=13, max_lines=4) for t in tasks]
    if rotate:
        task_labels = [_wrap(t, width=24, max_lines=1) for t in tasks]
    row_labels_ = [_wrap(p, width=22, max_lines=1) for p in _participant_labels(attempts, participants)]
    label_lines = max((label.count("\n") + 1 for label in task_labels), default=1)
    cell_w = 0.5 if rotate else 0.95
    cell_h = 0.34
    header = 1.6 if rotate else 0.35 + 0.16 * label_lines
    width = max(5.8, 1.4 + cell_w * n_cols)
    height = 1.25 + header + cell_h * max(n_rows, 1)

    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    for i, participant in enumerate(participants):
        for j, task in enumerate(tasks):
            cell = cells.get((participant, task))
            if cell is None or cell[0] not in OUTCOME_COLORS:
                patch = Rectangle(
                    (j, i), 1, 1, facecolor=NOT_ATTEMPTED_COLOR, edgecolor="none", hatch="////", linewidth=0, zorder=1
                )
                if hasattr(patch, "set_hatchcolor"):
                    patch.set_hatchcolor(NOT_ATTEMPTED_HATCH_COLOR)
                else:  # older matplotlib draws the hatch in the edge colour
                    patch.set_edgecolor(NOT_ATTEMPTED_HATCH_COLOR)
                ax.add_patch(patch)
                continue
            outcome, count = cell
            ax.add_patch(
                Rectangle((j, i), 1, 1, facecolor=OUTCOME_COLORS[outcome], edgecolor="none", linewidth=0, zorder=1)
            )
            ax.text(
                j + 0.5,
                i + 0.5,
                OUTCOME_SYMBOLS[outcome],
                ha="center",
                va="center",
                fontsize=10.5,
                fontweight="bold",
                color=OUTCOME_TEXT_COLORS[outcome],
                zorder=3,
            )
            if count > 1:
                ax.text(
                    j + 0.95,
                    i + 0.1,
                    f"×{count}",
                    ha="right",
                    va="top",
                    fontsize=7,
                    fontweight="bold",
                    color=OUTCOME_TEXT_COLORS[outcome],
                    zorder=3,
                )
    # white gutters between cells
    ax.hlines(np.arange(n_rows + 1), 0, n_cols, colors="#FFFFFF", linewidth=2.0, zorder=2)
    ax.vlines(np.arange(n_cols + 1), 0, n_rows, colors="#FFFFFF", linewidth=2.0, zorder=2)

    ax.set_xlim(0, max(n_cols, 1))
    ax.set_ylim(max(n_rows, 1), 0)
    ax.set_yticks(np.arange(n_rows) + 0.5, row_labels_)
    ax.set_xticks(np.arange(n_cols) + 0.5, task_labels)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, pad=4)
    if rotate:
        for tick in ax.get_xticklabels():
            tick.set_rotation(40)
            tick.set_horizontalalignment("left")
            tick.set_rotation_mode("anchor")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_ylabel("Participant")
    if not participants:
        _no_data(ax, "No attempts")

    handles: list[Any] = [
        Patch(facecolor=OUTCOME_COLORS[o], edgecolor="none", label=f"{OUTCOME_SYMBOLS[o]} {OUTCOME_LABELS[o]}")
        for o in OUTCOMES
    ]
    not_attempted = Patch(
        facecolor=NOT_ATTEMPTED_COLOR,
        edgecolor=NOT_ATTEMPTED_HATCH_COLOR,
        hatch="////",
        linewidth=0.0,
        label="Not attempted",
    )
    handles.append(not_attempted)
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="$×2$",
            markersize=9,
            color="#333333",
            label="2 attempts (retried); final outcome shown",
        )
    )
    _legend_below(fig, handles, ncols=3 if width < 7 else 5)
    fig.suptitle("Final outcome per participant and task", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    return fig


# --------------------------------------------------------------------------- SUS


def sus_grade_of(score: float) -> str:
    """Curved grade (A+ … F) of a SUS score, with typographic minus signs."""
    grade = "F"
    for bound, letter in SUS_GRADE_BANDS:
        if score >= bound:
            grade = letter
    return grade


def _sus_values(scores: Any) -> np.ndarray:
    if isinstance(scores, pd.DataFrame):
        scores = scores["score"]
    values = as_floats(list(scores) if not isinstance(scores, pd.Series) else scores.to_numpy(dtype=object))
    return values[np.isfinite(values)]


@_styled
def sus_chart(scores: Any) -> Figure:
    """Each respondent's SUS score (a jittered dot) over the shaded curved grade bands, with the
    mean (solid) and the average of 68 (dashed). Accepts a Series, a list of floats or a frame
    with a `score` column."""
    values = _sus_values(scores)
    fig = Figure(figsize=(7.6, 3.1), layout="constrained")
    ax = fig.add_subplot()
    lowest = float(values.min()) if values.size else 40.0
    x_min = max(0.0, min(40.0, math.floor((lowest - 2.5) / 10) * 10))
    bounds = [b for b, _ in SUS_GRADE_BANDS] + [100.0]
    for k, (low, grade) in enumerate(SUS_GRADE_BANDS):
        high = bounds[k + 1]
        if high <= x_min:
            continue
        ax.axvspan(max(low, x_min), high, color="#EDEDED" if k % 2 == 0 else "#FAFAFA", linewidth=0, zorder=0)
        centre = (max(low, x_min) + high) / 2
        narrow = (high - max(low, x_min)) < 4.5
        ax.text(
            centre,
            1.02,
            grade,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7.5 if narrow else 8.5,
            rotation=90 if narrow else 0,
            color="#333333",
        )
    rng = np.random.default_rng(JITTER_SEED)
    if values.size:
        jitter = rng.uniform(0.18, 0.82, values.size)
        alpha = 0.9 if values.size <= 50 else max(0.25, 0.9 * math.sqrt(50 / values.size))
        ax.scatter(
            values,
            jitter,
            s=34,
            color=OKABE_ITO["blue"],
            edgecolors="#FFFFFF",
            linewidths=0.6,
            alpha=alpha,
            zorder=3,
            label=f"One respondent (n = {values.size})",
        )
        mean = float(values.mean())
        ax.axvline(
            mean, color="#000000", linewidth=2.0, zorder=4, label=f"Mean {mean:.1f} (grade {sus_grade_of(mean)})"
        )
    else:
        _no_data(ax, "No SUS responses")
    ax.axvline(
        SUS_AVERAGE,
        color=OKABE_ITO["vermillion"],
        linestyle=(0, (5, 3)),
        linewidth=1.5,
        zorder=4,
        label="Average 68 (Sauro 2011)",
    )
    ax.set_xlim(x_min, 100)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("SUS score (0–100); letters: Sauro–Lewis curved grades")
    fig.suptitle("SUS scores against the grade bands", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    handles, _ = ax.get_legend_handles_labels()
    _legend_below(fig, handles, ncols=3)
    return fig


# --------------------------------------------------------------------------- compare


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


@_styled
def compare_chart(comparison: pd.DataFrame, confidence: float | None = None) -> Figure:
    """Per metric (success rate, time, errors per attempt) one row of two panels: left both
    groups' values per task, right the difference (time: the ratio, log scale) with its interval."""
    frame = comparison.reset_index(drop=True)
    present = list(dict.fromkeys(frame["metric"].astype(str))) if len(frame) else []
    metrics = [m for m in COMPARE_METRICS if m in present] + [m for m in present if m not in COMPARE_METRICS]
    pairs = (
        list(dict.fromkeys(zip(frame["group_a"].map(_text), frame["group_b"].map(_text), strict=True)))
        if len(frame)
        else []
    )
    name_a, name_b = pairs[0] if len(pairs) == 1 else ("A", "B")

    blocks = []
    for metric in metrics:
        sub = frame[frame["metric"].astype(str) == metric]
        labels = [
            _wrap(_text(t) if len(pairs) == 1 else f"{_text(t)} ({_text(a)} vs {_text(b)})", width=30)
            for t, a, b in zip(sub["task"], sub["group_a"], sub["group_b"], strict=True)
        ]
        blocks.append((metric, sub, labels))
    heights = [0.55 + _row_height(labels) * max(len(labels), 1) for _, _, labels in blocks] or [1.0]
    fig = Figure(figsize=(8.6, 1.0 + sum(heights)), layout=ConstrainedLayoutEngine(h_pad=0.12, hspace=0.06, w_pad=0.08))
    if not blocks:
        ax = fig.add_subplot()
        ax.set_axis_off()
        _no_data(ax, "No comparison results")
        return fig
    axes = fig.subplots(
        len(blocks), 2, squeeze=False, gridspec_kw={"height_ratios": heights, "width_ratios": [1.15, 1]}
    )
    ci_text = _confidence_text(confidence)
    for (metric, sub, labels), (ax_values, ax_diff) in zip(blocks, axes, strict=True):
        n = len(labels)
        y = np.arange(n, dtype=float)
        scale = 100.0 if metric == "success_rate" else 1.0
        a = as_floats(sub["value_a"]) * scale
        b = as_floats(sub["value_b"]) * scale
        ratio = metric == "time"
        estimate = as_floats(sub["difference"])
        low, high = as_floats(sub["ci_low"]), as_floats(sub["ci_high"])
        b_first = difference_direction(a / scale, b / scale, estimate, ratio)

        both = np.isfinite(a) & np.isfinite(b)
        ax_values.hlines(
            y[both], np.minimum(a, b)[both], np.maximum(a, b)[both], color="#9A9A9A", linewidth=1.6, zorder=2
        )
        # A is the larger circle, drawn under B's smaller square: equal values stay visible
        ax_values.scatter(
            a[np.isfinite(a)], y[np.isfinite(a)], marker="o", s=80, color=OKABE_ITO["blue"], zorder=3, label=name_a
        )
        ax_values.scatter(
            b[np.isfinite(b)],
            y[np.isfinite(b)],
            marker="s",
            s=30,
            color=OKABE_ITO["orange"],
            edgecolors="#000000",
            linewidths=0.5,
            zorder=4,
            label=name_b,
        )
        _category_axis(ax_values, labels)
        ax_values.set_title(COMPARE_METRICS.get(metric, metric))
        if ratio:
            ax_values.set_xscale("log")
            limits = _log_limits([*a, *b], pad=1.4) or (1.0, 100.0)
            ax_values.set_xlim(*limits)
            _log_time_axis(ax_values.xaxis, *limits)
        elif metric == "success_rate":
            ax_values.set_xlim(-3, 103)
            ax_values.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        else:
            top = np.nanmax([*a, *b]) if np.isfinite([*a, *b]).any() else 1.0
            top = top or 1.0
            ax_values.set_xlim(-top * 0.04, top * 1.15)
        ax_values.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
        ax_values.set_axisbelow(True)

        shown = estimate * (100.0 if metric == "success_rate" else 1.0)
        lo = low * (100.0 if metric == "success_rate" else 1.0)
        hi = high * (100.0 if metric == "success_rate" else 1.0)
        finite = np.isfinite(shown)
        has_ci = finite & np.isfinite(lo) & np.isfinite(hi)
        if has_ci.any():
            ax_diff.errorbar(
                shown[has_ci],
                y[has_ci],
                xerr=np.vstack([np.clip(shown - lo, 0, None)[has_ci], np.clip(hi - shown, 0, None)[has_ci]]),
                fmt="none",
                ecolor="#000000",
                elinewidth=1.2,
                capsize=3.5,
                zorder=3,
            )
        ax_diff.scatter(
            shown[finite],
            y[finite],
            marker="D",
            s=34,
            color="#000000",
            zorder=4,
            label=f"Difference (time: ratio) with {ci_text}",
        )
        for i in np.flatnonzero(~finite):
            _missing_note(ax_diff, y[i], "not estimable")
        first, second = (name_b, name_a) if b_first else (name_a, name_b)
        if ratio:
            ax_diff.set_xscale("log")
            ax_diff.axvline(1.0, color=MUTED, linewidth=1.0, zorder=1)
            limits = _log_limits([*shown, *lo, *hi, 1.0], pad=1.25) or (0.5, 2.0)
            ax_diff.set_xlim(*limits)
            ratio_ticks = [t for t in _NICE_RATIOS if limits[0] <= t <= limits[1]]
            ax_diff.xaxis.set_major_locator(FixedLocator(ratio_ticks or [1.0]))
            ax_diff.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}×"))
            ax_diff.xaxis.set_minor_locator(NullLocator())
            ax_diff.xaxis.set_minor_formatter(NullFormatter())
            ax_diff.set_title(f"Ratio {first} ÷ {second}, {ci_text}")
        else:
            ax_diff.axvline(0.0, color=MUTED, linewidth=1.0, zorder=1)
            span = np.nanmax(np.abs([*shown, *lo, *hi, 0.0])) if np.isfinite([*shown, *lo, *hi]).any() else 1.0
            span = span or 1.0
            ax_diff.set_xlim(-span * 1.1, span * 1.1)
            unit = " (points)" if metric == "success_rate" else ""
            ax_diff.set_title(f"Difference {first} − {second}{unit}, {ci_text}")
        ax_diff.set_yticks(range(n), [""] * n)
        ax_diff.set_ylim(n - 0.5, -0.5)
        ax_diff.tick_params(axis="y", length=0)
        ax_diff.spines["left"].set_visible(False)
        ax_diff.grid(axis="x", color="#E0E0E0", linewidth=0.7, zorder=0)
        ax_diff.set_axisbelow(True)

    handles, _ = axes[0][0].get_legend_handles_labels()
    diff_handles, _ = axes[0][1].get_legend_handles_labels()
    _legend_below(fig, handles + diff_handles[:1], ncols=3)
    fig.suptitle(f"Comparison per task: {name_a} vs {name_b}", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    return fig


# --------------------------------------------------------------------------- output

_ID_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id (and every reference to it) so several SVGs can share one HTML page."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))

    def rename(match: re.Match[str]) -> str:
        name = match.group(2)
        return match.group(1) + (f"{prefix}-{name}" if name in ids else name)

    return _ID_REFERENCE.sub(rename, svg)


def figure_to_svg(fig: Figure, id_prefix: str | None = None) -> str:
    """The figure as inline SVG text: no XML prolog, DOCTYPE, comments or metadata; ids are
    deterministic (fixed hash salt) and, with id_prefix, unique within a page. The only URLs
    left are the SVG and XLink namespace names, which browsers never fetch."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    if id_prefix:
        safe = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)
        text = _prefix_ids(text, safe)
    return text.strip() + "\n"


SVG_PROLOG = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'


def svg_document(fig: Figure) -> str:
    """A standalone SVG file's text (XML prolog + figure_to_svg)."""
    return SVG_PROLOG + figure_to_svg(fig)


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Write the figure as PNG (200 dpi), SVG or PDF, chosen by the file suffix; atomically
    (a temporary file in the same directory, then renamed)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in {".png", ".svg", ".pdf"}:
        raise ValueError(f"unsupported chart format {target.suffix or '(none)'!r}: use .png, .svg or .pdf")
    directory = target.parent if str(target.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            if suffix == ".svg":
                out.write(svg_document(fig).encode("utf-8"))
            else:
                with matplotlib.rc_context(_STYLE):
                    if suffix == ".png":
                        fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
                    else:
                        fig.savefig(
                            out, format="pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None}
                        )
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --- the registered kinds (uxcli.report.charts.CHART_KINDS): one figure from the report data each ---------


def draw_success(report: Any) -> Figure:
    return success_chart(report.summary, confidence=report.confidence)


def draw_time(report: Any) -> Figure:
    return time_chart(report.attempts, report.summary, confidence=report.confidence)


def draw_errors_clicks(report: Any) -> Figure:
    return errors_clicks_chart(report.summary)


def draw_outcome_grid(report: Any) -> Figure:
    return outcome_grid_chart(report.attempts)


def draw_sus(report: Any) -> Figure:
    return sus_chart(report.sus_scores)


def draw_compare(report: Any) -> Figure:
    return compare_chart(report.comparison, confidence=report.confidence)
