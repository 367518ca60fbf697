"""Parsing times: event timestamps and task durations.

Timestamps are seconds (a number) or ISO 8601 date-times; a file must use one
kind. Durations are seconds, m:ss or h:mm:ss.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uxcli.errors import Problems
from uxcli.readers.csvfile import CsvTable

TIMESTAMP_HINT = "write seconds (12.5) or an ISO 8601 date-time (2026-11-03T10:05:18+01:00)"
DURATION_HINT = "write seconds (83.5), m:ss (1:23) or h:mm:ss (1:02:03)"


def timestamps(table: CsvTable, header: str, problems: Problems) -> np.ndarray:
    """Event timestamps as float seconds (epoch seconds for date-times)."""
    text = table.strings(header)
    numeric_text = pc.replace_substring(text, ",", ".") if table.decimal_comma else text
    what = "a time (seconds or ISO 8601 date-time)"
    try:
        parsed = np.asarray(pc.cast(numeric_text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return table.checked_finite(parsed, text, header, problems, what, hint=TIMESTAMP_HINT)
    except pa.ArrowInvalid:
        pass
    values = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
    as_number = pd.to_numeric(pd.Series(numeric_text.to_numpy(zero_copy_only=False)), errors="coerce")
    as_number = as_number.where(np.isfinite(as_number.to_numpy(dtype=np.float64)))
    as_date = _iso_seconds(values)
    is_number = as_number.notna().to_numpy()
    is_date = ~np.isnan(as_date)
    empty = (values == "").to_numpy()
    bad = np.flatnonzero(~is_number & ~is_date)
    raw = values.to_numpy()
    table.report_bad(bad[~empty[bad]], header, raw, f"is not {what}", problems, hint=TIMESTAMP_HINT)
    table.report_bad(
        bad[empty[bad]],
        header,
        raw,
        "timestamp is missing",
        problems,
        hint="every event needs a time; fill it in or delete the row",
    )
    if is_number.any() and is_date.any():
        first_number, first_date = np.flatnonzero(is_number)[0], np.flatnonzero(is_date)[0]
        row = max(first_number, first_date)
        other = "a date-time" if row == first_number else "a number of seconds"
        problems.error(
            f'"{raw[row]}" mixes timestamp formats: line {table.line(min(first_number, first_date))} has {other}',
            file=table.name,
            line=table.line(row),
            column=header,
            value=str(raw[row]),
            hint="use seconds everywhere or ISO 8601 date-times everywhere",
        )
    return np.where(is_date, as_date, as_number.to_numpy(dtype=np.float64))


def _iso_seconds(values: pd.Series) -> np.ndarray:
    """ISO 8601 text -> epoch seconds; time zones are honoured, naive times taken as UTC."""
    text = values.astype(str)
    year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    plausible = text.str.match(r"\d{4}-\d\d-\d\d") & year.between(1678, 2261)  # pandas' datetime range
    try:
        parsed = pd.to_datetime(values.where(plausible), errors="coerce", utc=True, format="ISO8601")
    except (ValueError, OverflowError):  # pandas raises on some out-of-range values despite coerce
        return np.full(len(values), np.nan)
    # Resolution differs between pandas versions (ns, us): divide by a Timedelta, not 1e9.
    seconds = ((parsed - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64)
    return np.where(parsed.isna().to_numpy(), np.nan, seconds)


def durations(table: CsvTable, header: str, problems: Problems) -> np.ndarray:
    """Durations in seconds from '83.5', '83,5', '1:23' or '1:02:03'."""
    text = table.strings(header)
    has_colon = np.asarray(pc.match_substring(text, ":").to_numpy(zero_copy_only=False), dtype=bool)
    if not has_colon.any():
        seconds = table.numbers(header, problems, what="a time in seconds (or m:ss)", hint=DURATION_HINT)
    else:
        values = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
        seconds = clock_seconds(values, table.decimal_comma)
        bad = np.flatnonzero(~np.isfinite(seconds) & (values != "").to_numpy())
        seconds[bad] = np.nan
        table.report_bad(
            bad, header, values.to_numpy(), "is not a time (seconds, m:ss or h:mm:ss)", problems, hint=DURATION_HINT
        )
    negative = np.flatnonzero(seconds < 0)
    raw = text.to_numpy(zero_copy_only=False)
    table.report_bad(
        negative,
        header,
        raw,
        "is a negative time",
        problems,
        hint="a task time cannot be below 0; check the sign or the start and end times",
    )
    return seconds


def clock_seconds(values: pd.Series, decimal_comma: bool = False) -> np.ndarray:
    """Vectorised '1:23' / '1:02:03' / '83.5' -> seconds (NaN when unparseable)."""
    text = values.astype(str).str.strip()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    parts = text.str.split(":", expand=True)
    parts = parts.reindex(columns=range(3))
    nums = parts.apply(pd.to_numeric, errors="coerce")
    count = text.str.count(":").to_numpy()
    a, b, c = (nums[i].to_numpy(dtype=np.float64) for i in range(3))
    out = np.where(count == 0, a, np.where(count == 1, a * 60 + b, a * 3600 + b * 60 + c))
    valid_minutes = np.where(count == 1, b < 60, np.where(count == 2, (b < 60) & (c < 60), True))
    out = np.where(valid_minutes & (count <= 2), out, np.nan)
    return np.where(text.to_numpy() == "", np.nan, out)
