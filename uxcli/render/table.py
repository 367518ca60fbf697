"""Terminal tables (Rich): what a researcher reads right after a session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from uxcli.pipeline import TIME_RELIABLE_N, UNRELIABLE_MARK
from uxcli.render.formatting import (
    DASH,
    MISSING,
    format_confidence,
    format_duration,
    format_number,
    format_percent,
    is_missing,
)
from uxcli.values import label_text

MEDIAN_FROM_N = 25  # Sauro & Lewis (CHI 2010): geometric mean below n = 25, median from there on


@dataclass(frozen=True)
class Cell:
    """One summary cell: the figure, its interval (printed in brackets, or on a second line when narrow)."""

    value: str
    interval: str = ""

    def inline(self) -> str:
        return f"{self.value} ({self.interval})" if self.interval else self.value

    def stacked(self) -> str:
        return f"{self.value}\n{self.interval}" if self.interval else self.value


@dataclass(frozen=True)
class Column:
    header: str  # one line
    short: str  # the header on two lines, for narrow layouts
    justify: str = "right"


METRIC_COLUMNS = (
    Column("n", "n"),
    Column("Success", "Success"),
    Column("Best est.", "Best\nest."),
    Column("Abandoned", "Aban-\ndoned"),
    Column("Errors/attempt", "Errors/\nattempt"),
    Column("Error rate", "Error\nrate"),
    Column("Clicks", "Clicks"),
    Column("Time", "Time"),
)


def _interval_percent(low: Any, high: Any) -> str:
    if is_missing(low) or is_missing(high):
        return ""
    return f"{low * 100:.0f}{DASH}{high * 100:.0f}%"


def _time_cell(row: pd.Series, n: int) -> Cell:
    """The geometric mean with its log-t interval below n = 25, the median with its order-statistic
    interval from there on (the interval printed belongs to the number it follows), and how many times
    it rests on ("n=7"); an interval from fewer than TIME_RELIABLE_N times is marked unreliable (†)."""
    median = n >= MEDIAN_FROM_N
    headline = row["time_median"] if median else row["time_geomean"]
    low, high = (
        (row["time_median_ci_low"], row["time_median_ci_high"]) if median else (row["time_ci_low"], row["time_ci_high"])
    )
    if is_missing(headline):
        return Cell(MISSING)
    interval = ""
    if not is_missing(low) and not is_missing(high):
        interval = f"{format_duration(low)}{DASH}{format_duration(high)}"
        if n < TIME_RELIABLE_N:
            interval += UNRELIABLE_MARK
    return Cell(f"{format_duration(headline)} n={n}", interval)


def _two_lines(header: str) -> str:
    """A long header broken at the space nearest its middle ("SEQ vs\\n5.5"); short ones stay whole."""
    spaces = [i for i, c in enumerate(header) if c == " "]
    if len(header) <= 10 or not spaces:
        return header
    middle = min(spaces, key=lambda i: abs(i - len(header) / 2))
    return header[:middle] + "\n" + header[middle + 1 :]


def _label(value: Any) -> str:
    return MISSING if is_missing(value) and not isinstance(value, str) else str(value)


def _metric_cells(row: pd.Series, n_time: int, unit: str = "participant") -> list[Cell]:
    n = row["participants"] if unit == "participant" and "participants" in row else row["attempts"]
    return [
        Cell(str(int(n))),
        Cell(format_percent(row["success_rate"]), _interval_percent(row["success_ci_low"], row["success_ci_high"])),
        Cell(format_percent(row["success_best_estimate"])),
        Cell(format_percent(row["abandonment_rate"])),
        Cell(format_number(row["errors_per_attempt"], 2)),
        Cell(format_percent(row["error_rate"])),
        Cell(format_number(row["clicks_mean"], 1)),
        _time_cell(row, n_time),
    ]


@dataclass(frozen=True)
class SummaryCells:
    """The summary as text cells, shared by the terminal table and the readable Markdown table: columns
    without any figure (Clicks when the log has no clicks) are left out."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    overall: tuple[Cell, ...] | None  # the overall row (labels included), when shown
    group_count: int  # leading label columns
    caption: str

    def notes(self) -> list[str]:
        return self.caption.split("\n")


def summary_cells(
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
) -> SummaryCells:
    """The summary's cells, for the terminal table (SummaryTable) and the readable Markdown alike. extra_columns:
    (header, one cell per summary row, overall cell), appended after Time. The n column is the rates' n:
    participants (``unit`` "participant") or attempts ("attempt")."""
    measure = {"success": "completion time", "failed": "time until failure or abandon", "all": "total time on task"}[
        time_of
    ]
    columns = [Column(c.capitalize(), c.capitalize(), "left") for c in by]
    columns += list(METRIC_COLUMNS)
    columns += [Column(header, _two_lines(header), "left") for header, _, _ in extra_columns]
    rows = [
        (
            *[Cell(_label(row[c])) for c in by],
            *_metric_cells(row, n_time, unit),
            *[Cell(c[index]) for _, c, _ in extra_columns],
        )
        for index, ((_, row), n_time) in enumerate(zip(summary.iterrows(), time_n))
    ]
    total: tuple[Cell, ...] | None = None
    if len(summary) > 1 or not by:
        labels = [Cell("Overall")] + [Cell("")] * (len(by) - 1) if by else []
        row = overall.iloc[0]
        total = (*labels, *_metric_cells(row, overall_time_n, unit), *[Cell(o) for _, _, o in extra_columns])
    every = [*rows, *([total] if total else [])]
    keep = [
        i < len(by) or any(r[i].value not in (MISSING, "") for r in every) for i in range(len(columns))
    ]  # a column with no figure at all says nothing
    dropped = [columns[i].header for i, k in enumerate(keep) if not k]
    unreliable = any(UNRELIABLE_MARK in r[len(by) + 7].interval for r in every)
    lines = [
        f"{format_confidence(confidence)} intervals: adjusted Wald for success; time is {measure} (n=: how many times "
        f"it rests on): geometric mean with log-t interval for n < {MEDIAN_FROM_N}, median with binomial "
        "order-statistic interval from there on (Sauro & Lewis 2010). Best est.: best point estimate of the "
        "completion rate (Lewis & Sauro 2006)."
    ]
    if unreliable:
        lines.append(f"{UNRELIABLE_MARK} interval from fewer than {TIME_RELIABLE_N} times: unreliable.")
    if dropped:
        lines.append(f"Not shown (no data): {', '.join(dropped)}.")
    if footer:
        lines.append(footer)

    def kept(cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        return tuple(c for c, k in zip(cells, keep) if k)

    return SummaryCells(
        tuple(c for c, k in zip(columns, keep) if k),
        tuple(kept(r) for r in rows),
        kept(total) if total else None,
        len(by),
        "\n".join(lines),
    )


class SummaryTable:
    """The summary for the terminal, laid out for the width it gets (``COLUMNS``, or the terminal's):
    intervals beside their figures when everything fits on one line, on a second line when not (with less
    space between columns if need be), and one block per group when even that is too wide. Cells fold rather than cut, so no number is truncated."""

    LAYOUTS = ("wide", "stacked", "compact", "vertical")  # the first that fits the width is used

    def __init__(self, cells: SummaryCells) -> None:
        self.cells = cells

    def table(self, layout: str) -> Table:
        cells = self.cells
        if layout == "vertical":
            return self._vertical()
        stacked = layout in ("stacked", "compact")
        table = Table(
            box=box.SIMPLE_HEAVY,
            caption=cells.caption,
            caption_justify="left",
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
            padding=(0, 0) if layout == "compact" else (0, 1),
        )
        for index, column in enumerate(cells.columns):
            table.add_column(
                column.short if stacked else column.header,
                justify=column.justify,  # type: ignore[arg-type]
                style="bold" if index < cells.group_count else None,
                overflow="fold",
            )
        for row in cells.rows:
            table.add_row(*[c.stacked() if stacked else c.inline() for c in row])
        if cells.overall is not None:
            if cells.rows and cells.group_count:
                table.rows[-1].end_section = True
            table.add_row(*[c.stacked() if stacked else c.inline() for c in cells.overall], style="italic")
        return table

    def _vertical(self) -> Table:
        cells = self.cells
        table = Table(
            box=box.SIMPLE_HEAVY, caption=cells.caption, caption_justify="left", show_header=False, show_edge=False
        )
        table.add_column("", style="bold", overflow="fold")
        table.add_column("", justify="right", overflow="fold")
        groups = cells.group_count
        blocks = [*cells.rows, *([cells.overall] if cells.overall is not None else [])]
        for number, row in enumerate(blocks):
            label = " · ".join(c.value for c in row[:groups] if c.value) or "Overall"
            table.add_row(Text(label, style="bold underline"), "")
            for column, cell in zip(cells.columns[groups:], row[groups:]):
                table.add_row(column.header, cell.inline(), end_section=number < len(blocks) - 1 and cell is row[-1])
        return table

    def layout_for(self, console: Console, options: ConsoleOptions) -> str:
        for layout in self.LAYOUTS[:-1]:
            unbounded = options.update_width(10_000)  # Measurement.get clamps to the width it is given
            if Measurement.get(console, unbounded, self.table(layout)).maximum <= options.max_width:
                return layout
        return self.LAYOUTS[-1]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(self.layout_for(console, options))


def summary_markdown(cells: SummaryCells) -> str:
    """The readable summary as a GitHub pipe table (percentages, intervals, human times), its notes below."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    columns = cells.columns
    lines = [
        "| " + " | ".join(cell(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.justify == "right" else "---" for c in columns) + "|",
    ]
    for row in cells.rows:
        lines.append("| " + " | ".join(cell(c.inline()) for c in row) + " |")
    if cells.overall is not None:
        lines.append("| " + " | ".join(f"*{cell(c.inline())}*" if c.value else "" for c in cells.overall) + " |")
    lines.append("")
    lines.extend(f"{line}  " if i < len(cells.notes()) - 1 else line for i, line in enumerate(cells.notes()))
    return "\n".join(lines) + "\n"


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
    table.add_column("", no_wrap=True)  # every other column folds rather than cuts: nothing is lost
    table.add_column("Where", no_wrap=True)  # a file:line is copied whole
    table.add_column("Column", overflow="fold")
    table.add_column("Value", overflow="fold", max_width=24)
    table.add_column("Problem", overflow="fold", ratio=3)
    table.add_column("What to do", overflow="fold", ratio=2)
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


def keep_whole(table: Table, figures: Sequence[str] = ()) -> Table:
    """Nothing cut with "…" on a narrow terminal: the columns named in ``figures`` (numbers, durations,
    intervals) never wrap, so a figure is shown whole on one line; every other header and cell folds."""
    for column in table.columns:
        if str(column.header) in figures:
            column.no_wrap = True
        else:
            column.overflow = "fold"
    return table
