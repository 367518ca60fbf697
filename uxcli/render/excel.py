"""An Excel workbook from any frame: typed cells, a header row kept in view, readable column widths.

The cells are the values the CSV and JSON exports hold (uxcli.render.text.records: floats rounded to six
decimals except p values, counts as integers, missing as an empty cell), written as numbers, booleans
and text, never numbers as text, so a spreadsheet sums and charts them at once.
"""

from __future__ import annotations

import io

import pandas as pd

from uxcli.render.text import records

SHEET = "uxcli"
MAX_WIDTH = 60


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """The frame as .xlsx bytes: one sheet, a frozen bold header row, columns as wide as their text."""
    from openpyxl.utils import get_column_letter

    columns = [str(c) for c in frame.columns if not str(c).startswith("_")]
    rows = records(frame)
    table = pd.DataFrame([[row[c] for c in columns] for row in rows], columns=columns, dtype=object)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=SHEET, index=False)
        sheet = writer.sheets[SHEET]
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, 1):
            longest = max([len(column), *(len(_shown(row[column])) for row in rows)])
            sheet.column_dimensions[get_column_letter(i)].width = min(longest + 2, MAX_WIDTH)
    return buffer.getvalue()


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
