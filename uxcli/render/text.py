"""Data exports: CSV, JSON and Markdown from any frame, with stable columns.

Missing values are empty in CSV and null in JSON, never 0. Floats are rounded to
six decimals so output is stable across platforms and diff-friendly, except p values (a column
named ``p_value`` or ending in ``_p``): rounding would print 3.35e-7 as 0.0, so they keep full
precision; Markdown shows them as "<0.001" like the terminal tables. Counts are integers (nullable:
missing is null), never 5.0.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from uxcli.render.formats import FORMATS, TEXT_FORMATS
from uxcli.render.formatting import format_p_value

DECIMALS = 6


def is_p_column(name: Any) -> bool:
    """p values: ``p_value`` or a name ending in ``_p`` (benchmark_success_p)."""
    return str(name) == "p_value" or str(name).endswith("_p")


def _clean(value: Any, exact: bool = False) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if exact:
            return float(value)
        rounded = round(float(value), DECIMALS)
        return 0.0 if rounded == 0 else rounded  # no "-0.0"
    if isinstance(value, float) or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain-Python dicts (None for missing), in column order."""
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    values = [
        frame[c].astype(object).to_numpy()
        if isinstance(frame[c].dtype, pd.api.extensions.ExtensionDtype)  # categories; Int64: ints and NA
        else frame[c].to_numpy()
        for c in columns
    ]
    exact = [is_p_column(c) for c in columns]
    return [dict(zip(columns, (_clean(v, e) for v, e in zip(row, exact)))) for row in zip(*values)]


def to_json(frame: pd.DataFrame) -> str:
    return json.dumps(records(frame), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(frame: pd.DataFrame) -> str:
    rows = records(frame)
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return buffer.getvalue()


def to_csv_eu(frame: pd.DataFrame) -> str:
    """CSV as European Excel writes and opens it: ``;`` between fields, a decimal comma, a UTF-8 BOM (so
    Excel reads UTF-8) and CRLF line ends. Numbers are never in exponent form (1e-05 is 0,00001)."""
    rows = records(frame)
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_eu_cell(row[c]) for c in columns])
    return buffer.getvalue()


def _eu_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return np.format_float_positional(value, trim="-").replace(".", ",")
    return value


def _markdown_cell(value: Any, p_value: bool = False) -> str:
    if value is None:
        return ""
    if p_value and isinstance(value, float):
        return format_p_value(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured pipe table (numbers right-aligned)."""
    rows = records(frame)
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" if num else "---" for num in numeric) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_markdown_cell(row[c], is_p_column(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


# The text formats of the registry (uxcli.render.formats), by name: frame -> text (bytes for the binary
# ones: xlsx). Resolved here, below the functions they name (the registry imports this module, which is
# then already loaded).
RENDERERS: dict[str, Callable[[pd.DataFrame], Any]] = {f.value: FORMATS[f].render_function() for f in TEXT_FORMATS}
