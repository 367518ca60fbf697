"""Spreadsheets in: one sheet of an .xlsx/.xlsm/.xlsb/.xls/.ods workbook as the CSV text the readers take.

A sheet becomes exactly what the CSV path gets, so every layout the CSV readers accept (attempt tables,
wide and transposed matrices, event logs, questionnaire exports) reads the same from Excel or LibreOffice,
and every message names the spreadsheet row: text line N is row N (leading blank rows and columns are
kept; a cell's line breaks are read as spaces, with a note, so rows never shift). Cells keep their type:
numbers are written in full precision (12.0 as 12), dates and date-times in ISO 8601, durations and
times of day formatted as time as ``h:mm:ss.ffffff`` (a clock, which the duration reader takes as seconds
whatever unit a header names), booleans as ``TRUE``/``FALSE`` (as Excel's own CSV export writes them).

The workbook is read with python-calamine (no formulas are evaluated: a formula cell holds the value the
spreadsheet program saved with it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from uxcli.errors import InputError, OptionError, Problems

if TYPE_CHECKING:
    from uxcli.sources import Source

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def is_spreadsheet(source: Source) -> bool:
    """Whether the source is a workbook (by its suffix)."""
    return source.suffix in SPREADSHEET_SUFFIXES


def source_bytes(source: Source, encoding: str | None, problems: Problems, sheet: str | None = None) -> bytes:
    """The text the CSV and YAML readers take: a workbook's sheet as CSV, any other file as UTF-8."""
    if is_spreadsheet(source):
        return sheet_as_csv(source, sheet, problems)
    from uxcli.sources import to_utf8

    return to_utf8(source, encoding, problems)


def sheet_as_csv(source: Source, sheet: str | None, problems: Problems) -> bytes:
    """One sheet (``sheet``: a name or a 1-based position; None: the first sheet holding data) as UTF-8
    CSV whose line N is the sheet's row N."""
    rows, name = _sheet_rows(source, sheet, problems)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    broken = 0
    width = max((_last_filled(row) for row in rows), default=0)
    while rows and _last_filled(rows[-1]) == 0:
        rows.pop()  # blank rows after the data
    for row in rows:
        cells = [_cell_text(value) for value in row[:width]]
        if not any(cells):
            buffer.write("\n")  # a blank row stays a (blank) line, so rows keep their numbers
            continue
        for i, text in enumerate(cells):
            if "\n" in text or "\r" in text:
                broken += 1
                cells[i] = " ".join(text.split())
        writer.writerow(cells)
    if broken:
        problems.note(f"sheet {name!r}: {broken} cell(s) hold line breaks; they are read as spaces", file=source.name)
    return buffer.getvalue().encode("utf-8")


def _sheet_rows(source: Source, sheet: str | None, problems: Problems) -> tuple[list[list[Any]], str]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a required dependency
        raise InputError(
            "is a spreadsheet, and python-calamine (which reads them) is not installed",
            file=source.name,
            hint="pip install python-calamine, or save the sheet as CSV",
        ) from None
    if source.path is None:
        raise InputError("a spreadsheet cannot be read from standard input", file=source.name, hint="name the file")
    try:
        workbook = CalamineWorkbook.from_path(str(source.path))
        names = list(workbook.sheet_names)
        if sheet is not None:
            name = _named_sheet(names, sheet, source)
            return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False), name
        filled = [n for n in names if workbook.get_sheet_by_name(n).height > 0]
        if not filled:
            raise InputError(
                f"has no data in any sheet ({', '.join(map(repr, names))})",
                file=source.name,
                hint="save the workbook with its data, or export the sheet as CSV",
            )
        name = filled[0]
        if len(filled) > 1 or name != names[0]:
            others = [n for n in filled if n != name]
            problems.note(
                f"read sheet {name!r}"
                + (f" (sheet {names[0]!r} is empty)" if name != names[0] else "")
                + (f"; other sheets with data: {', '.join(map(repr, others))} (choose with --sheet)" if others else ""),
                file=source.name,
            )
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False), name
    except (InputError, OptionError):
        raise
    except Exception as exc:  # calamine's errors: a damaged or password-protected workbook, not a spreadsheet
        raise InputError(
            f"cannot be read as a spreadsheet: {exc}",
            file=source.name,
            hint="open it in Excel or LibreOffice and save it again (.xlsx), or export the sheet as CSV",
        ) from None


def _named_sheet(names: list[str], sheet: str, source: Source) -> str:
    if sheet in names:
        return sheet
    folded = [n for n in names if n.casefold() == sheet.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise OptionError(
        f"--sheet {sheet!r}: {source.name} has no such sheet; its sheets are "
        + ", ".join(f"{i} {n!r}" for i, n in enumerate(names, 1))
    )


def _last_filled(row: list[Any]) -> int:
    for i in range(len(row), 0, -1):
        if _cell_text(row[i - 1]):
            return i
    return 0


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{secs:09.6f}".rstrip("0").rstrip(".")
    return f"{sign}{int(hours)}:{int(minutes):02d}:{text}"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _clock(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    if isinstance(value, dt.timedelta):
        return _clock(value.total_seconds())
    return str(value)
