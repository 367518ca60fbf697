"""Terminal tables (Rich): what a researcher reads right after a session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

from uxcli.render.formatting import format_confidence, format_duration, format_number, format_percent, is_missing
from uxcli.values import label_text

MEDIAN_FROM_N = 25  # Sauro & Lewis (CHI 2010): geometric mean below n = 25, median from there on


def _interval_percent(low: Any, high: Any) -> str:
    if is_missing(low) or is_missing(high):
        return ""
    return f" ({low * 100:.0f}–{high * 100:.0f}%)"


def _timelabel_text(row: pd.Series, n: int) -> str:
    """The geometric mean with its log-t interval below n = 25, the median with its order-statistic
    interval from there on: the interval printed belongs to the number it follows."""
    median = n >= MEDIAN_FROM_N
    headline = row["time_median"] if median else row["time_geomean"]
    low, high = (
        (row["time_median_ci_low"], row["time_median_ci_high"]) if median else (row["time_ci_low"], row["time_ci_high"])
    )
    if is_missing(headline):
        return "—"
    text = format_duration(headline)
    if not is_missing(low) and not is_missing(high):
        text += f" ({format_duration(low)}–{format_duration(high)})"
    return text


def _label(value: Any) -> str:
    return "—" if is_missing(value) and not isinstance(value, str) else str(value)


def summary_table(
    summary: pd.DataFrame,
    overall: pd.DataFrame,
    by: list[str],
    time_n: list[int],
    overall_time_n: int,
    *,
    confidence: float,
    time_of: str,
    unit: str = "participant",
    footer: str | None = None,
    extra_columns: Sequence[tuple[str, Sequence[str], str]] = (),
) -> Table:
    """extra_columns: (header, one cell per summary row, overall cell), appended after Time. The n column is
    the rates' n: participants (``unit`` "participant") or attempts ("attempt")."""
    extra = extra_columns
    measure = {"success": "completion time", "failed": "time until failure or abandon", "all": "total time on task"}[
        time_of
    ]
    table = Table(
        box=box.SIMPLE_HEAVY,
        show_footer=False,
        title_justify="left",
        caption=(
            f"{format_confidence(confidence)} intervals: adjusted Wald for success; time is {measure}: "
            f"geometric mean with log-t interval for n < {MEDIAN_FROM_N}, median with binomial order-statistic "
            "interval from there on (Sauro & Lewis 2010). Best est.: best point estimate of the completion rate "
            "(Lewis & Sauro 2006)." + (f"\n{footer}" if footer else "")
        ),
        caption_justify="left",
    )
    for column in by:
        table.add_column(column.capitalize(), style="bold")
    table.add_column("n", justify="right")
    table.add_column("Success", justify="right")
    table.add_column("Best est.", justify="right")
    table.add_column("Abandoned", justify="right")
    table.add_column("Errors/attempt", justify="right")
    table.add_column("Error rate", justify="right")
    table.add_column("Clicks", justify="right")
    table.add_column("Time", justify="right")
    for header, _, _ in extra:
        table.add_column(header, justify="left")
    for index, ((_, row), n_time) in enumerate(zip(summary.iterrows(), time_n)):
        table.add_row(
            *[_label(row[c]) for c in by], *_metric_cells(row, n_time, unit), *[c[index] for _, c, _ in extra]
        )
    if len(summary) > 1 or not by:
        for _, row in overall.iterrows():
            labels = ["Overall"] + [""] * (len(by) - 1) if by else []
            table.add_row(
                *labels,
                *_metric_cells(row, overall_time_n, unit),
                *[o for _, _, o in extra],
                style="italic",
                end_section=False,
            )
    if by and len(summary) > 1:
        table.rows[len(summary) - 1].end_section = True
    return table


def _metric_cells(row: pd.Series, n_time: int, unit: str = "participant") -> list[str]:
    n = row["participants"] if unit == "participant" and "participants" in row else row["attempts"]
    return [
        str(int(n)),
        format_percent(row["success_rate"]) + _interval_percent(row["success_ci_low"], row["success_ci_high"]),
        format_percent(row["success_best_estimate"]),
        format_percent(row["abandonment_rate"]),
        format_number(row["errors_per_attempt"], 2),
        format_percent(row["error_rate"]),
        format_number(row["clicks_mean"], 1),
        _timelabel_text(row, n_time),
    ]


def frame_table(frame: pd.DataFrame, caption: str | None = None) -> Table:
    """Any frame as a plain Rich table, with a caption under it (left-aligned)."""
    from uxcli.render.text import records

    table = Table(box=box.SIMPLE_HEAVY, caption=caption, caption_justify="left")
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    for column in columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(column, justify="right" if numeric else "left")
    for row in records(frame):
        table.add_row(*["" if row[c] is None else _short(row[c]) for c in columns])
    return table


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def problems_table(frame: pd.DataFrame, caption: str | None = None) -> Table:
    """`uxcli validate`'s problems (uxcli.pipeline.PROBLEM_COLUMNS): severity in colour, file:line
    relative to the directory the files share (its name goes in the title)."""
    files = [f for f in frame["file"].dropna().unique() if f]
    base = _common_directory(files)
    table = Table(
        box=box.SIMPLE_HEAVY,
        caption=caption,
        caption_justify="left",
        title_justify="left",
        title=f"in {base}" if base else None,
    )
    table.add_column("", no_wrap=True)
    table.add_column("Where", no_wrap=True)
    table.add_column("Column", no_wrap=True)
    table.add_column("Value", overflow="fold", max_width=24)
    table.add_column("Problem", ratio=3)
    table.add_column("What to do", ratio=2)
    styles = {"error": "bold red", "warning": "yellow"}
    for row in frame.itertuples(index=False):
        file, line = label_text(row.file), label_text(row.line)
        file = file[len(base) :] if base and file.startswith(base) else file
        where = f"{file}:{line}" if file and line else file or "(all inputs)"
        cells = (label_text(row.column), label_text(row.value), label_text(row.message), label_text(row.hint))
        table.add_row(Text(str(row.severity), style=styles.get(str(row.severity), "")), where, *cells)
    return table


def _common_directory(files: list[str]) -> str:
    """The directory all these files share ("tests/malformed/"), so the table can show short names."""
    import os

    if len(files) < 2:
        return ""
    try:
        common = os.path.commonpath(files)
    except ValueError:
        return ""
    if not common or common in files:
        return ""
    return common.rstrip("/\\") + os.sep
