"""What every chart kind shares: palette, matplotlib style, axis and label helpers, and the output.

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
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import matplotlib

if "matplotlib.pyplot" not in sys.modules:  # never switch a backend someone else is using
    matplotlib.use("Agg")

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

from uxcli.render.formatting import MISSING, format_confidence, format_duration
from uxcli.sources import write_atomic
from uxcli.tasks.metrics import METRICS
from uxcli.values import is_missing_label, label_text

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

JITTER_SEED = 20_110_301  # fixed, so the same data always gives the same picture
ALT_MAX_ITEMS = 12  # alt text lists at most this many items; a screen reader reads all of it

STYLE: Any = {  # an rcParams dict
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


def styled(func: FigureFunc) -> FigureFunc:
    """Create the figure inside the report style (never leaking to global rcParams), then fix its
    layout: constrained layout runs once here and is switched off, so saving the same figure twice
    (SVG for the page, PNG for slides) gives the same picture, byte for byte."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(STYLE):
            fig = func(*args, **kwargs)
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
            return fig

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- data helpers


def as_floats(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)


def label(value: Any) -> str:
    """A group value as a chart shows it: the dash (MISSING) for a missing one."""
    return label_text(value, MISSING)


def group_columns(summary: pd.DataFrame) -> list[str]:
    """The summary frame's group columns: every column that is not a metric column."""
    return [c for c in summary.columns if c not in METRICS]


def row_labels(summary: pd.DataFrame, columns: Sequence[str] | None = None) -> list[str]:
    """One label per summary row: the group values joined by " · " (e.g. "Checkout · B")."""
    columns = list(columns) if columns is not None else group_columns(summary)
    if not columns:
        return [str(i + 1) for i in range(len(summary))]
    return [" · ".join(label(v) for v in values) for values in summary[columns].itertuples(index=False, name=None)]


def report_labels(report: Any) -> list[str]:
    """One label per summary row of a ReportData, for alt text (its group columns, else the summary's)."""
    return row_labels(report.summary, report.group_columns or None)


def match_rows(frame: pd.DataFrame, keys: dict[str, Any]) -> pd.Series:
    """Boolean mask of frame rows whose key columns equal keys (NA matches NA)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        col = frame[column]
        if is_missing_label(value):
            mask &= col.isna()
        else:
            mask &= col.astype("object").astype(str).eq(str(value)) & col.notna()
    return mask


def has_values(frame: pd.DataFrame, columns: Sequence[str]) -> bool:
    """True when any of the columns exists and holds a value."""
    return any(c in frame.columns and frame[c].notna().any() for c in columns)


def listing(items: Sequence[str]) -> str:
    """Items for alt text, "; "-separated, the first ALT_MAX_ITEMS and how many more."""
    shown = list(items[:ALT_MAX_ITEMS])
    if len(items) > ALT_MAX_ITEMS:
        shown.append(f"and {len(items) - ALT_MAX_ITEMS} more")
    return "; ".join(shown)


def confidence_text(confidence: float | None) -> str:
    return f"{format_confidence(confidence)} CI" if confidence is not None else "CI"


# --------------------------------------------------------------------------- drawing helpers


def wrap(label: str, width: int = 28, max_lines: int = 3) -> str:
    lines = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=True)
    if not lines:
        return label
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return "\n".join(lines)


def row_height(labels: Sequence[str]) -> float:
    """Inches per category row, growing with the number of lines of the longest label."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(0.42, 0.16 * lines + 0.2)


def category_axis(ax: Any, labels: Sequence[str]) -> None:
    """Categories on the y axis, the first at the top."""
    n = len(labels)
    ax.set_yticks(range(n), labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, pad=6)
    ax.spines["left"].set_visible(False)


def legend_below(fig: Figure, handles: list[Any], ncols: int | None = None) -> None:
    if not handles:
        return
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=ncols or min(len(handles), 4),
        handlelength=1.6,
        columnspacing=1.6,
    )


def no_data(ax: Any, message: str) -> None:
    ax.text(
        0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10, style="italic"
    )


def missing_note(ax: Any, y: float, message: str, x: float = 0.01) -> None:
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
    if round(seconds) < 3600:  # 3599.6 s is "1h", not "60m"
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


def log_time_axis(axis: Any, low: float, high: float) -> None:
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


def log_limits(values: Iterable[float], pad: float = 1.6) -> tuple[float, float] | None:
    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    if not finite:
        return None
    low, high = min(finite), max(finite)
    if high / low < 4:  # too narrow a range reads badly on a log axis
        middle = math.sqrt(low * high)
        low, high = middle / 2, middle * 2
    return low / pad, high * pad


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
    with matplotlib.rc_context(STYLE):
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
    """Write the figure as PNG (200 dpi), SVG or PDF, chosen by the file suffix, atomically
    (uxcli.sources.write_atomic: a reader never sees half a chart)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in {".png", ".svg", ".pdf"}:
        raise ValueError(f"unsupported chart format {target.suffix or '(none)'!r}: use .png, .svg or .pdf")

    def fill(out: BinaryIO) -> None:
        if suffix == ".svg":
            out.write(svg_document(fig).encode("utf-8"))
            return
        with matplotlib.rc_context(STYLE):
            if suffix == ".png":
                fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
            else:
                fig.savefig(out, format="pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None})

    write_atomic(target, fill)
