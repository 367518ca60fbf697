"""Shared CSV loading: delimiter and decimal detection, header mapping, typed columns.

pyarrow does the parsing (fast, multi-threaded, no copy of UTF-8 input). Columns
that name things (participant, task, event, ...) are read dictionary-encoded, so
they arrive in pandas as categoricals; numeric columns are read as text and
converted here, so a bad value can be reported with its line and column.
Line numbers are worked out lazily, only when a message or a source needs them.
"""

from __future__ import annotations

import csv
import difflib
import io
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxcli.design import condition_candidates
from uxcli.errors import InputError, Problem, Problems, Severity
from uxcli.readers.sniff import first_nonblank_line, header_names, sniff_delimiter
from uxcli.sources import Source
from uxcli.vocab import (
    TIME_UNITS,
    UNIT_NAMES,
    UNIT_WORDS,
    did_you_mean,
    field_for,
    header_unit,
    normalize_header,
    unit_for,
)

NUMERIC_FIELDS = ("timestamp", "time", "clicks", "errors")
COUNT_FIELDS = ("clicks", "errors")  # whole numbers only
THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"  # "1,234", "12,345.6": every comma before exactly 3 digits
DECIMAL_COMMA = r"^[+-]?\d*,\d+$"  # "12,5", ",5": one comma as the decimal mark
MAX_LISTED = 20  # per column and file: more bad values than this are summarised, not listed
# `validate --all` lifts the cap; a context variable keeps library calls unaffected.
LISTING_LIMIT: ContextVar[int | None] = ContextVar("LISTING_LIMIT", default=MAX_LISTED)


def listing_limit() -> int:
    """How many instances of one problem to list before summarising the rest."""
    limit = LISTING_LIMIT.get()
    return limit if limit else 1 << 62


# Fields some attempt tables carry besides the core vocabulary (see attempt_table.py).
EXTRA_ALIASES = {
    "attempt": ("attempt", "attemptno", "attemptnumber", "attemptnr", "try", "tryno"),
    "start": ("start", "starttime", "startedat", "starttimestamp", "begin", "begintime"),
    "end": ("end", "endtime", "endedat", "endtimestamp", "finish", "finishtime", "finishedat", "stop", "stoptime"),
}


@dataclass
class CsvTable:
    """A parsed CSV file, with its columns mapped to uxcli's fields."""

    source: Source
    data: bytes = field(repr=False)
    table: pa.Table = field(repr=False)
    headers: list[str]
    fields: dict[str, str]  # canonical field -> header as written in the file
    delimiter: str
    header_line: int
    skipped_lines: list[int] = field(default_factory=list)  # ragged lines pyarrow left out
    unmatched_map: list[str] = field(default_factory=list)  # --map columns this file does not have
    # field -> headers that all mean it (no --map chose one): resolve_duplicates() picks one by its values
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    unused: set[str] = field(default_factory=set)  # headers not read at all (see HeaderMap.unused)
    _lines: np.ndarray | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def decimal_comma(self) -> bool:
        # European Excel writes "83,5" and so separates fields with ";".
        return self.delimiter != ","

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def has(self, name: str) -> bool:
        return name in self.fields

    def extra_headers(self) -> list[str]:
        mapped = set(self.fields.values())
        return [h for h in self.headers if h not in mapped and h not in self.unused]

    def resolve_duplicates(self, problems: Problems) -> None:
        """Two or more columns that mean one field: the one with values is used (a warning names them
        all); when more than one has values, which one is meant is an error (raised)."""
        for name, headers in self.duplicates.items():
            filled = [h for h in headers if _has_values(self.strings(h))]
            both = _names(headers)
            if len(filled) > 1:
                raise InputError(
                    f"columns {_names(filled)} {_all(filled)} mean {name} and have values: which one is meant?",
                    file=self.name,
                    line=self.header_line,
                    hint="choose one with " + " or ".join(f'--map "{h}={name}"' for h in filled),
                )
            chosen = filled[0] if filled else headers[0]
            self.fields[name] = chosen
            others = [h for h in headers if h != chosen]
            self.unused.update(h for h in others if h in RESERVED)
            empty = "is empty" if len(others) == 1 else "are empty"
            why = f'"{chosen}" has values and is used ({_names(others)} {empty})' if filled else "all are empty"
            problems.warning(
                f"columns {both} {_all(headers)} mean {name}; {why}",
                file=self.name,
                line=self.header_line,
                column=chosen,
                hint=f'--map "COLUMN={name}" chooses another',
            )
        self.duplicates = {}

    def time_unit(self, header: str, override: str | None) -> TimeUnit:
        return time_unit_of(header, override, self.name, self.header_line)

    def in_seconds(
        self, header: str, values: np.ndarray, plain: np.ndarray, override: str | None, problems: Problems
    ) -> np.ndarray:
        """Times of a column converted to seconds by its unit (header or --time-unit); only ``plain``
        cells (numbers, not m:ss or date-times) are converted. The unit used is stated when not seconds."""
        unit = self.time_unit(header, override)
        for problem in unit.problems(self.name, self.header_line, header, bool(plain.any())):
            problems.add(problem)
        if unit.unit == "s" or not plain.any():
            return values
        return np.where(plain, to_seconds(values, unit.unit), values)

    def column(self, header: str) -> pa.ChunkedArray:
        return self.table.column(header)

    def strings(self, header: str) -> pa.ChunkedArray:
        """A column as whitespace-trimmed strings (numeric fields arrive as strings, others as dictionaries)."""
        column = self.table.column(header)
        if not pa.types.is_string(column.type):
            column = column.cast(pa.string())
        return pc.utf8_trim_whitespace(column)

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """Line numbers (1-based) of data rows given by their index."""
        if self._lines is None:
            lines = _record_lines(self.data, self.delimiter, self.header_line, self.skipped_lines)
            if len(lines) < self.num_rows:  # never expected; a wrong line beats a crash in a message
                lines = np.concatenate((lines, np.full(self.num_rows - len(lines), self.header_line)))
            self._lines = lines
        return self._lines[np.asarray(rows, dtype=np.int64)]

    def extra_field(self, name: str) -> str | None:
        """The header of an optional field outside the core vocabulary (attempt, start, end)."""
        if name in self.fields:
            return self.fields[name]
        aliases = EXTRA_ALIASES.get(name, ())
        return next((h for h in self.extra_headers() if _names_one_of(normalize_header(h), aliases)), None)

    def line(self, row: int) -> int:
        return int(self.lines(np.array([row]))[0])

    def require(self, names: tuple[str, ...], layout: str) -> None:
        for name in names:
            if name not in self.fields:
                raise missing_column(self, name, layout)

    @property
    def ragged_rows(self) -> int:
        return len(self.skipped_lines)

    def text(self, header: str) -> pd.Series:
        """A text column as a pandas Series of stripped str (or category)."""
        return categorical(self.column(header))

    def numbers(
        self, header: str, problems: Problems, *, what: str = "a number", hint: str | None = None
    ) -> np.ndarray:
        """A numeric column as float64; empty cells are NaN, bad cells are reported."""
        text = self.strings(header)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        text = self._commas(text, header, problems)
        try:
            parsed = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        except pa.ArrowInvalid:
            parsed = pd.to_numeric(
                pd.Series(text.to_numpy(zero_copy_only=False), dtype=object), errors="coerce"
            ).to_numpy(dtype=np.float64)
        parsed = self.checked_finite(parsed, text, header, problems, what, hint)
        count = next((name for name, h in self.fields.items() if h == header), None)
        if count in COUNT_FIELDS:  # 2.5 clicks is a typo or a mean, never a count: refuse it
            fractional = np.flatnonzero(np.isfinite(parsed) & (parsed != np.round(parsed)))
            if len(fractional):
                values = np.asarray(self.strings(header).to_numpy(zero_copy_only=False), dtype=object)  # as written
                self.report_bad(fractional, header, values, f"is not a whole number of {count}", problems, hint=hint)
                parsed = parsed.copy()
                parsed[fractional] = np.nan
        return parsed

    def _commas(self, text: pa.ChunkedArray, header: str, problems: Problems) -> pa.ChunkedArray:
        """What a comma in a numeric column means, decided once for the whole column (never value by value).

        * every comma is followed by exactly three digits ("1,234", "12,345.6"): thousands separators,
          dropped ("1,234" is 1234). When the column shows nothing else to confirm it (no value with two
          commas or a decimal point) and the file could use decimal commas, a warning says so;
        * in a file not separated by "," (";" or tab: European spreadsheets), a column whose commas are
          all single decimal marks ("12,5", "1,234" beside "12,5") and which has no "." anywhere: decimal commas;
        * anything else (both kinds in one column, or "," beside "." decimals) cannot be read safely: the
          values with commas are errors, never guessed.
        """
        has_comma = pc.fill_null(pc.match_substring(text, ","), False)
        if not pc.any(has_comma).as_py():
            return text
        with_comma = pc.filter(text, has_comma)
        has_dot = pc.fill_null(pc.match_substring(text, "."), False)
        if pc.all(pc.match_substring_regex(with_comma, THOUSANDS)).as_py():
            obvious = (
                not self.decimal_comma
                or pc.any(pc.match_substring_regex(with_comma, ",.*,")).as_py()
                or pc.any(has_dot).as_py()
            )
            if not obvious:
                rows = np.flatnonzero(np.asarray(has_comma.to_numpy(zero_copy_only=False), dtype=bool))
                first = str(with_comma[0])
                more = f" (and {len(rows) - 1} more value{'s' if len(rows) > 2 else ''})" if len(rows) > 1 else ""
                problems.warning(
                    f'"{first}" read as {first.replace(",", "")}{more}: "," is taken as a thousands separator in '
                    "this column, since every comma in it is followed by exactly three digits",
                    file=self.name,
                    line=self.line(int(rows[0])),
                    column=header,
                    value=first,
                    hint='if "," is the decimal mark here, write the numbers with a decimal point, e.g. 1.234',
                )
            return pc.replace_substring(text, ",", "")
        decimal = pc.all(pc.match_substring_regex(with_comma, DECIMAL_COMMA)).as_py()
        if self.decimal_comma and decimal and not pc.any(has_dot).as_py():
            return pc.replace_substring(text, ",", ".")
        if not self.decimal_comma:
            hint = 'this file is separated by ","; write decimals with a point (12.5) and no thousands separators'
        elif decimal:
            hint = 'this column writes decimals both with "," (12,5) and with "." (12.5): write them one way'
        else:
            hint = 'this column uses "," both as a thousands separator (1,234) and as a decimal mark (12,5): ' + (
                "write the numbers one way, without thousands separators"
            )
        bad = np.flatnonzero(np.asarray(has_comma.to_numpy(zero_copy_only=False), dtype=bool))
        values = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
        self.report_bad(bad, header, values, "is not a number", problems, hint=hint)
        return pc.if_else(has_comma, pa.scalar(None, pa.string()), text)  # reported: not reported again

    def checked_finite(
        self, parsed: np.ndarray, text, header: str, problems: Problems, what: str, hint: str | None = None
    ) -> np.ndarray:
        """Report cells that are not finite numbers ('abc', 'inf', 'nan', '1e400'); they become NaN."""
        finite = np.isfinite(parsed)
        if finite.all():
            return parsed
        present = np.asarray(pc.is_valid(text).to_numpy(zero_copy_only=False), dtype=bool)
        bad = np.flatnonzero(~finite & present)
        if len(bad):
            values = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
            self.report_bad(bad, header, values, f"is not {what}", problems, hint=hint)
            parsed = parsed.copy()
            parsed[bad] = np.nan
        return parsed

    def report_bad(
        self,
        rows: np.ndarray,
        header: str,
        values: np.ndarray,
        message: str,
        problems: Problems,
        severity: Severity = "error",
        hint: str | None = None,
    ) -> None:
        if len(rows) == 0:
            return
        limit = listing_limit()
        lines = self.lines(rows[:limit])
        for row, line in zip(rows[:limit], lines):
            value = str(values[row])
            problems.add(Problem(severity, f'"{value}" {message}', self.name, int(line), header, value, hint))
        if len(rows) > limit:
            more = len(rows) - limit
            problems.add(
                Problem(
                    severity,
                    f"{more} more values {message}",
                    self.name,
                    None,
                    header,
                    None,
                    hint or "validate --all lists every one",
                )
            )


RESERVED = ("participant", "session", "variant", "task", "attempt", "outcome", "time", "clicks", "errors", "source")


def _names(headers: list[str]) -> str:
    return (
        ", ".join(f'"{h}"' for h in headers[:-1]) + f' and "{headers[-1]}"' if len(headers) > 1 else f'"{headers[0]}"'
    )


def _names_one_of(normal: str, aliases: tuple[str, ...]) -> bool:
    """'start' or, with a unit, 'startms' ('start_ms')."""
    return normal in aliases or any(normal.startswith(a) and normal[len(a) :] in UNIT_WORDS for a in aliases)


def _all(headers: list[str]) -> str:
    return "both" if len(headers) == 2 else "all"


def _has_values(text: pa.ChunkedArray) -> bool:
    return bool(pc.any(pc.not_equal(text, "")).as_py())


@dataclass(frozen=True)
class TimeUnit:
    """The unit of a time column: ``unit`` (ms, s, min or h), ``how`` it was chosen ("header",
    "--time-unit" or "default": seconds) and the header's own unit when --time-unit overrides it."""

    unit: str
    how: str
    header_says: str | None = None

    def problems(self, name: str, line: int, header: str, converted: bool) -> list[Problem]:
        """What to state about it: the unit when it is not seconds, and a header unit --time-unit overrides."""
        said = f"; the header says {self.header_says}" if self.header_says not in (None, self.unit) else ""
        if self.unit != "s" and converted:
            how = "from the header" if self.how == "header" else f"--time-unit {self.unit}"
            hint = "--time-unit overrides the header" if self.how == "header" else None
            message = f"times are in {UNIT_NAMES[self.unit]} ({how}{said}) and converted to seconds"
        elif said:
            message, hint = f"times are in seconds (--time-unit s{said})", None
        else:
            return []
        return [Problem("note", message, name, line, header, None, hint)]


def time_unit_of(header: str, override: str | None, name: str, line: int) -> TimeUnit:
    """A time column's unit: --time-unit, else the header's ('Time (ms)', 'duration_min'), else seconds.
    A unit in the header that uxcli does not know is an error, unless --time-unit says the unit."""
    written = header_unit(header)
    known = unit_for(written) if written is not None else None
    if override is not None:
        return TimeUnit(override, "--time-unit", known or written)
    if written is None:
        return TimeUnit("s", "default")
    if known is None:
        units = ", ".join(f"{u} ({UNIT_NAMES[u]})" for u in TIME_UNITS)
        raise InputError(
            f'"{written}" is not a time unit uxcli knows: {units}',
            file=name,
            line=line,
            column=header,
            value=written,
            hint="rename the column, or give the unit with --time-unit ms|s|min|h",
        )
    return TimeUnit(known, "header")


def to_seconds(values: np.ndarray, unit: str) -> np.ndarray:
    """Times in ``unit`` as seconds (ms are divided by 1000: exact for whole milliseconds' thousandths)."""
    if unit == "ms":
        return values / 1000.0
    return values * {"s": 1.0, "min": 60.0, "h": 3600.0}[unit]


def _fits(table: CsvTable, header: str, name: str) -> bool:
    """Whether a column's values could be ``name``'s: outcomes for outcome, numbers or durations for
    times and counts, labels that are not outcome words for participant, task, session and variant."""
    import re

    from uxcli.vocab import normalize_word, outcome_for

    values = [str(v) for v in pc.unique(table.strings(header)).to_pylist() if v not in (None, "")][:200]
    if not values:
        return True
    outcome_words = all(outcome_for(normalize_word(v)) is not None for v in values)
    if name == "outcome":
        return outcome_words
    if name in NUMERIC_FIELDS or name in EXTRA_ALIASES:
        return all(re.match(r"^[+-]?[\d.,:]+$|^\d{4}-\d\d-\d\d", v) for v in values)
    return not outcome_words


def missing_column(table: CsvTable, name: str, layout: str) -> InputError:
    used = set(table.fields.values()) | table.unused
    guess = did_you_mean(name, [h for h in table.headers if h not in used])
    if guess is not None and not _fits(table, guess, name):
        guess = None  # never suggest an absurd mapping ("step=participant" for a column of outcome words)
    hint = (
        f'did you mean "{guess}"? map it with --map "{guess}={name}"'
        if guess
        else (f'map a column with --map "COLUMN={name}" or a columns: entry in --study')
    )
    unmatched = [given for given in table.unmatched_map if given.rpartition("=")[2] == name]
    if unmatched:
        given = unmatched[0].rpartition("=")[0]
        close = difflib.get_close_matches(given, table.headers, n=1, cutoff=0.5)
        hint = f'--map "{given}={name}" names no column of this file' + (
            f'; did you mean "{close[0]}"?' if close else ""
        )
    shown = [h if len(h) <= 40 else h[:39] + "…" for h in table.headers[:12]]
    found = ", ".join(f'"{h}"' for h in shown) + (
        f" and {len(table.headers) - 12} more" if len(table.headers) > 12 else ""
    )
    return InputError(
        f"no {name} column for the {layout} layout (columns found: {found})",
        file=table.name,
        line=table.header_line,
        hint=hint,
    )


def categorical(column: pa.ChunkedArray) -> pd.Series:
    """A dictionary column as a pandas categorical with whitespace-stripped labels."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    series = column.to_pandas()
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    cats = series.cat.categories.astype(str)
    stripped = cats.str.strip()
    if not stripped.equals(cats):
        if stripped.is_unique:
            series = series.cat.rename_categories(stripped)
        else:  # " P01" and "P01" are the same participant
            series = series.astype(str).str.strip().astype("category")
    return series


def read_csv_table(
    source: Source, data: bytes, column_map: dict[str, str] | None = None, problems: Problems | None = None
) -> CsvTable:
    """Parse CSV bytes (UTF-8) and map its header to uxcli's fields.

    Rows with more or fewer fields than the header are left out; with ``problems``
    each of them is reported there (so `validate` lists them all), without, the
    first one is raised.
    """
    if not data.strip():
        raise InputError("file is empty", file=source.name, hint="export the data again; the file has no text")
    header_line, header_text = first_nonblank_line(data, source.name)
    delimiter = sniff_delimiter(header_text)
    headers = header_names(header_text, delimiter, source.name, header_line)
    column_map = column_map or {}
    mapped = map_header(headers, column_map, source.name, header_line)
    fields = mapped.fields
    _check_quotes(source, data, delimiter, header_line)
    ragged: list[tuple[int | None, str, int, int]] = []

    def on_bad_row(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    numeric = {fields[f] for f in NUMERIC_FIELDS if f in fields}
    numeric.update(h for f in NUMERIC_FIELDS for h in mapped.duplicates.get(f, ()))
    types = {h: (pa.string() if h in numeric else pa.dictionary(pa.int32(), pa.string())) for h in headers}
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=headers, skip_rows=header_line),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=b'"' in data, invalid_row_handler=on_bad_row
            ),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError) as exc:
        raise InputError(
            f"cannot parse as CSV: {_arrow_message(exc)}",
            file=source.name,
            hint="check the delimiter and the quotes; validate lists the problems",
        ) from exc
    result = CsvTable(source, data, table, headers, fields, delimiter, header_line)
    result.duplicates, result.unused = mapped.duplicates, mapped.unused
    if problems is not None:
        for problem in mapped.problems:
            problems.add(problem)
    result.unmatched_map = [
        f"{given}={target}"
        for given, target in column_map.items()
        if fields.get(target) is None or normalize_header(fields[target]) != normalize_header(given)
    ]
    if ragged:
        result.skipped_lines = _ragged_lines(data, delimiter, header_line, len(headers))
        report_ragged(result, problems)
    if table.num_rows == 0 and not ragged:
        raise InputError(
            "has a header row but no data rows",
            file=source.name,
            line=header_line,
            hint="the file holds no attempts or events; export it again with its rows",
        )
    return result


def report_ragged(table: CsvTable, problems: Problems | None) -> None:
    """Every row whose field count differs from the header's: an error each (listing capped)."""
    expected = len(table.headers)
    message = f"row has a different number of fields than the header ({expected}); it is left out"
    hint = "check for a stray delimiter or a missing quote"
    if not table.skipped_lines:  # pyarrow skipped rows our own count did not find
        table.skipped_lines = []
        raise InputError(message.replace("row has", "some rows have"), file=table.name, hint=hint)
    if problems is None:
        raise InputError(message, file=table.name, line=table.skipped_lines[0], hint=hint)
    limit = listing_limit()
    for line in table.skipped_lines[:limit]:
        problems.error(message, file=table.name, line=line, hint=hint)
    if len(table.skipped_lines) > limit:
        problems.error(
            f"{len(table.skipped_lines) - limit} more rows with a different number of fields "
            f"than the header ({expected})",
            file=table.name,
            hint=hint,
        )


@dataclass
class HeaderMap:
    """What a header's columns mean, for both engines.

    ``fields``: field -> header (for a field with ``duplicates``, provisionally the first).
    ``duplicates``: field -> every header that means it when no --map chose one (resolved from the values
    by CsvTable.resolve_duplicates). ``unused``: headers read as neither a field nor an extra column (a
    column displaced by --map or left over from duplicates whose name is one of the attempts frame's
    columns, which an extra column of that name would overwrite). ``problems``: warnings about the header.
    """

    fields: dict[str, str]
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    unused: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def extra_headers(self, headers: list[str]) -> list[str]:
        mapped = set(self.fields.values())
        return [h for h in headers if h not in mapped and h not in self.unused]


def describe_fields(fields: dict[str, str], time_unit: str | None, name: str, line: int) -> list[str]:
    """Which column is which field, with the unit of a time or timestamp column, for --verbose:
    ["participant ← Tester", "time ← Time (s) [s]", …]."""
    parts = []
    for name_of_field, header in fields.items():
        text = f"{name_of_field} ← {header}"
        if name_of_field in ("time", "timestamp"):
            try:
                text += f" [{time_unit_of(header, time_unit, name, line).unit}]"
            except InputError:
                pass
        parts.append(text)
    return parts


def map_header(headers: list[str], column_map: dict[str, str], name: str, line: int) -> HeaderMap:
    """Map a header to uxcli's fields. A --map entry always wins: a column that would otherwise have
    been read as its field is displaced (a warning says so; it stays an extra column unless its name is
    one of the attempts frame's columns). Other columns map by alias or unit-suffixed alias."""
    fields: dict[str, str] = {}
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalize_header(h), h)
    given_for: dict[str, str] = {}
    for given, target in column_map.items():
        header = given if given in headers else by_norm.get(normalize_header(given))
        if header is not None:
            fields[target] = header
            given_for[target] = given
    taken = set(fields.values())
    result = HeaderMap(fields)
    candidates: dict[str, list[str]] = {}
    for header in headers:
        canonical = field_for(header)
        if canonical and header not in taken:
            candidates.setdefault(canonical, []).append(header)
    result.problems.extend(condition_candidates(candidates, "variant" in given_for, name, line))  # "group"
    for canonical, found in candidates.items():
        if canonical not in given_for:
            fields[canonical] = found[0]
            if len(found) > 1:
                result.duplicates[canonical] = found
            continue
        for header in found:
            kept = header not in RESERVED
            if not kept:
                result.unused.add(header)
            result.problems.append(
                Problem(
                    "note",
                    f"not used: --map {given_for[canonical]}={canonical} takes its place",
                    name,
                    line,
                    header,
                    None,
                    "kept as an extra column (usable with --by)" if kept else None,
                )
            )
    return result


def map_fields(headers: list[str], column_map: dict[str, str], name: str, line: int) -> dict[str, str]:
    """canonical field -> header. --map entries win over the built-in aliases (see map_header)."""
    return map_header(headers, column_map, name, line).fields


def _arrow_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0]
    return text[:200]


def _line_bounds(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end offsets of every physical line, and which lines are blank (vectorised)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(buf)]))
    length = ends - starts
    has_cr = np.zeros(len(length), dtype=bool)
    nonzero = length > 0
    has_cr[nonzero] = buf[np.minimum(ends[nonzero] - 1, len(buf) - 1)] == 13
    blank = (length - has_cr) <= 0
    return starts, ends, blank


def _csv_records(data: bytes, delimiter: str):
    """(start line, fields) of every record, for files with quotes (Python's csv module)."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            yield start, record
    except csv.Error:  # e.g. a NUL byte: pyarrow has reported what matters
        return


def _record_lines(data: bytes, delimiter: str, header_line: int, skipped: list[int]) -> np.ndarray:
    """1-based line number where each data record starts."""
    if b'"' not in data:
        _, _, blank = _line_bounds(data)
        numbers = np.flatnonzero(~blank) + 1
        numbers = numbers[numbers > header_line]
    else:
        found = [start for start, record in _csv_records(data, delimiter) if start > header_line and record]
        numbers = np.array(found, dtype=np.int64)
    if skipped:
        numbers = numbers[~np.isin(numbers, skipped)]
    return numbers


def _ragged_lines(data: bytes, delimiter: str, header_line: int, expected: int) -> list[int]:
    """Lines of records whose field count differs from the header's."""
    if b'"' not in data:
        starts, ends, blank = _line_bounds(data)
        is_delim = np.frombuffer(data, dtype=np.uint8) == ord(delimiter)
        before = np.concatenate(([0], np.cumsum(is_delim, dtype=np.int64)))
        fields = before[ends] - before[starts] + 1
        numbers = np.arange(1, len(starts) + 1)
        bad = ~blank & (numbers > header_line) & (fields != expected)
        return numbers[bad].tolist()
    return [
        start
        for start, record in _csv_records(data, delimiter)
        if start > header_line and record and len(record) != expected
    ]


def _check_quotes(source: Source, data: bytes, delimiter: str, header_line: int) -> None:
    """A quote that is never closed would make the rest of the file one value: refuse it."""
    if data.count(b'"') % 2 == 0:  # balanced (cheap check first; only odd counts are scanned)
        return
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    try:
        for _record in reader:
            previous = reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return  # a stray quote inside a field: pyarrow reads it as a character
        raise InputError(
            "a quote opened on this line is never closed, so the rest of the file would be read as one value",
            file=source.name,
            line=previous + 1,
            hint='close the quote, or write a literal quote as ""',
        ) from None
