"""Parsing times: event timestamps and task durations.

Timestamps are seconds (a number) or ISO 8601 date-times; a file must use one
kind. Date-times either all carry a zone (Z, +01:00) or none does: naive ones are read as
one clock (as if UTC), so only differences matter. Durations are seconds, m:ss or h:mm:ss,
from 0 to MAX_TIME_SECONDS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uxcli.errors import Problems
from uxcli.readers.checks import zero_times
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import InputFile
from uxcli.readers.durations import HINT as DURATION_HINT
from uxcli.readers.durations import WHAT as DURATION_WHAT
from uxcli.readers.durations import parse_durations

TIMESTAMP_HINT = "write seconds (12.5) or an ISO 8601 date-time (2026-11-03T10:05:18+01:00)"
MAX_TIME_SECONDS = 30 * 24 * 3600  # a task time above 30 days is a unit or typing slip, not a usability test
TOO_LONG = f"is longer than {MAX_TIME_SECONDS // 86400} days"
TOO_LONG_HINT = "a task time is in seconds, m:ss or h:mm:ss; check the unit and the value"
MIXED_HINT = "use seconds everywhere or ISO 8601 date-times everywhere"
ZONE_HINT = (
    "give every date-time in the file its zone (2026-11-03T10:01:30+01:00) or none: uxcli does not guess "
    "the zone of a time written without one"
)
# A zone ends the date-time: Z, +01, +0100 or +01:00 (what pandas' ISO 8601 parser accepts).
_ZONED = r"^\d{4}-\d\d-\d\d[Tt ].*(?:Z|[+-]\d\d(?::?\d\d)?)$"

# Timestamp kinds, for mixes: a file uses one. Mixing zoned and naive date-times is an error rather
# than a guess: a naive time beside zoned ones is usually a second tool or export step that dropped
# the zone (often writing UTC, or local time), and no rule (UTC, the participant's zone) is right for
# every such file; guessing wrongly shifts a time by whole hours (90 s read as 3,690 s). The fix, adding
# the zone, is one edit the researcher can check.
NUMBER, NAIVE, ZONED = "a number of seconds", "a date-time without a time zone", "a date-time with a time zone"


def has_zone(text: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Which (trimmed) date-time texts end in a time zone."""
    return np.asarray(pc.match_substring_regex(text, _ZONED).fill_null(False).to_numpy(zero_copy_only=False), bool)


def mixed_timestamps(kind: str, first_kind: str, value: str, first_line: int) -> tuple[str, str]:
    """(message, hint) for a timestamp of ``kind`` in a file whose line ``first_line`` has ``first_kind``:
    the one wording of both readers (CSV and YAML) and both engines."""
    if NUMBER in (kind, first_kind):
        other = "a number of seconds" if first_kind == NUMBER else "a date-time"
        return f'"{value}" mixes timestamp formats: line {first_line} has {other}', MIXED_HINT
    has = "has no time zone, but line {} has one" if kind == NAIVE else "has a time zone, but line {} has none"
    return f'"{value}" ' + has.format(first_line), ZONE_HINT


def timestamps(table: CsvTable, header: str, problems: Problems) -> np.ndarray:
    """Event timestamps as float seconds (epoch seconds for date-times)."""
    text = table.strings(header)
    # decimal commas decided once for the column (as uxcli.readers.csvfile does), never value by value
    numeric_text = pc.replace_substring(text, ",", ".") if column_decimal_comma(table, text) else text
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
    zoned = is_date & has_zone(text)
    for a, b, kind_a, kind_b in ((is_number, is_date, NUMBER, NAIVE), (zoned, is_date & ~zoned, ZONED, NAIVE)):
        if a.any() and b.any():  # the first row of the kind that came second
            first_a, first_b = np.flatnonzero(a)[0], np.flatnonzero(b)[0]
            row, first = max(first_a, first_b), min(first_a, first_b)
            kind, first_kind = (kind_a, kind_b) if row == first_a else (kind_b, kind_a)
            message, hint = mixed_timestamps(kind, first_kind, str(raw[row]), table.line(first))
            problems.error(
                message, file=table.name, line=table.line(row), column=header, value=str(raw[row]), hint=hint
            )
            break  # dates among numbers: their zones are beside the point
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
    """Durations in seconds from '83.5', '83,5', '1:23', '1:02:03', '83s', '1m 23s', '1.5 min'
    (uxcli.readers.durations); bare numbers are left in the column's unit (see :func:`bare_numbers`)."""
    text = table.strings(header)
    if not pc.any(pc.match_substring_regex(text, "[:A-Za-z]")).as_py():  # plain numbers: the fast path
        seconds = table.numbers(header, problems, what=DURATION_WHAT, hint=DURATION_HINT)
    else:
        values = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
        seconds, _ = parse_durations(values, column_decimal_comma(table, text))
        bad = np.flatnonzero(~np.isfinite(seconds) & (values != "").to_numpy())
        seconds[bad] = np.nan
        table.report_bad(bad, header, values.to_numpy(), f"is not {DURATION_WHAT}", problems, hint=DURATION_HINT)
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
    table.report_bad(np.flatnonzero(seconds > MAX_TIME_SECONDS), header, raw, TOO_LONG, problems, hint=TOO_LONG_HINT)
    seconds = np.where(seconds > MAX_TIME_SECONDS, np.nan, seconds)
    zero_times(table.name, table.lines(np.flatnonzero(seconds == 0)), header, problems)
    return seconds


def bare_numbers(table: CsvTable, header: str) -> np.ndarray:
    """Which cells of a duration column are bare numbers (in the column's unit), not '1:23' or '83s'."""
    text = table.strings(header)
    return ~np.asarray(pc.match_substring_regex(text, "[:A-Za-z]").to_numpy(zero_copy_only=False), dtype=bool)


def column_decimal_comma(table: CsvTable, text: pa.ChunkedArray) -> bool:
    """Decimal commas, decided once for the column: in a ';'- or tab-separated file, a column with commas
    and no '.' anywhere ('1,5 min', '1:23,5')."""
    if not table.decimal_comma:
        return False
    return bool(pc.any(pc.match_substring(text, ",")).as_py()) and not pc.any(pc.match_substring(text, ".")).as_py()


def clock_seconds(values: pd.Series, decimal_comma: bool = False) -> np.ndarray:
    """Vectorised '1:23' / '1:02:03' / '83.5' / '1m 23s' -> seconds (NaN when unparseable); bare numbers
    are seconds."""
    return parse_durations(values, decimal_comma)[0]


def derived_times(info: InputFile, attempts: pd.DataFrame, problems: Problems) -> None:
    """Checks of attempt times derived from events (end - start), as for typed times: a 0 s completion is
    kept but left out of the time metrics (a warning at its start line), an attempt over 30 days is an
    error (a date or unit slip)."""
    if attempts is None or not len(attempts) or "time" not in attempts or "_row" not in attempts:
        return
    time = attempts["time"].to_numpy(dtype=np.float64)
    rows = attempts["_row"].to_numpy(dtype=np.int64)
    zero_times(info.name, info.lines(rows[time == 0]), "timestamp", problems)  # one file's attempts
    long = np.flatnonzero(time > MAX_TIME_SECONDS)
    for i, line in zip(long[: listing_limit()], info.lines(rows[long[: listing_limit()]])):
        problems.error(
            f"attempt lasts {time[i] / 86400:.0f} days from its start, over the {MAX_TIME_SECONDS // 86400} days a task can take",
            file=info.name,
            line=int(line),
            column="timestamp",
            hint="check the start and end times: a wrong date, or a unit slip (ms read as s?)",
        )
