"""Shared CSV loading: delimiter and decimal detection, header mapping, typed columns.

pyarrow does the parsing (fast, multi-threaded, no copy of UTF-8 input). Columns
that name things (participant, task, event, ...) are read dictionary-encoded, so
they arrive in pandas as categoricals; numeric columns are read as text and
converted here, so a bad value can be reported with its line and column.
Line numbers are worked out lazily, only when a message or a source needs them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxcli.errors import InputError, Problems
from uxcli.sources import Source
from uxcli.vocab import did_you_mean, field_for, normalize_header

NUMERIC_FIELDS = ("timestamp", "time", "clicks", "errors")
DELIMITERS = (",", ";", "\t", "|")
MAX_LISTED = 20  # per column and file: more bad values than this are summarised, not listed


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
    skipped_lines: list[int] = field(default_factory=list)
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
        return [h for h in self.headers if h not in mapped]

    def column(self, header: str) -> pa.ChunkedArray:
        return self.table.column(header)

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """Line numbers (1-based) of data rows given by their index."""
        if self._lines is None:
            self._lines = _record_lines(self.data, self.delimiter, self.header_line, self.skipped_lines)
        return self._lines[np.asarray(rows, dtype=np.int64)]

    def line(self, row: int) -> int:
        return int(self.lines(np.array([row]))[0])

    def require(self, names: tuple[str, ...], layout: str) -> None:
        for name in names:
            if name not in self.fields:
                raise missing_column(self, name, layout)

    def text(self, header: str) -> pd.Series:
        """A text column as a pandas Series of stripped str (or category)."""
        return categorical(self.column(header))

    def blank_rows(self) -> np.ndarray:
        """Rows whose every field is empty: spreadsheets leave these behind."""
        blank = np.ones(self.num_rows, dtype=bool)
        for header in self.headers:
            col = pc.utf8_trim_whitespace(self.column(header).cast(pa.string()))
            blank &= np.asarray(pc.equal(col, "").to_numpy(zero_copy_only=False), dtype=bool)
        return blank

    def numbers(self, header: str, problems: Problems, *, what: str = "a number") -> np.ndarray:
        """A numeric column as float64; empty cells are NaN, bad cells are reported."""
        text = pc.utf8_trim_whitespace(self.column(header))
        if self.decimal_comma:
            text = pc.replace_substring(text, ",", ".")
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        try:
            return np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        except pa.ArrowInvalid:
            values = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
            parsed = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
            bad = np.flatnonzero(np.isnan(parsed) & values.notna().to_numpy())
            self.report_bad(bad, header, values.to_numpy(), f"is not {what}", problems)
            return parsed

    def report_bad(
        self, rows: np.ndarray, header: str, values: np.ndarray, message: str, problems: Problems,
        severity: str = "error", hint: str | None = None,
    ) -> None:
        if len(rows) == 0:
            return
        lines = self.lines(rows[:MAX_LISTED])
        for row, line in zip(rows[:MAX_LISTED], lines):
            value = str(values[row])
            problems.add(_problem(severity, f'"{value}" {message}', self.name, int(line), header, value, hint))
        if len(rows) > MAX_LISTED:
            more = len(rows) - MAX_LISTED
            problems.add(_problem(severity, f"{more} more values {message}", self.name, None, header, None, hint))


def _problem(severity, message, file, line, column, value, hint):
    from uxcli.errors import Problem

    return Problem(severity, message, file, line, column, value, hint)


def missing_column(table: CsvTable, name: str, layout: str) -> InputError:
    guess = did_you_mean(name, table.headers)
    hint = f'did you mean "{guess}"? map it with --map "{guess}={name}"' if guess else (
        f'map a column with --map "COLUMN={name}"'
    )
    found = ", ".join(f'"{h}"' for h in table.headers)
    return InputError(
        f"no {name} column for the {layout} layout (columns found: {found})",
        file=table.name, line=table.header_line, hint=hint,
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


def read_csv_table(source: Source, data: bytes, column_map: dict[str, str] | None = None) -> CsvTable:
    """Parse CSV bytes (UTF-8) and map its header to uxcli's fields."""
    if not data.strip():
        raise InputError("file is empty", file=source.name)
    header_line, header_text = _first_nonblank_line(data)
    delimiter = _sniff_delimiter(header_text)
    headers = next(csv.reader([header_text], delimiter=delimiter))
    headers = [h.strip() for h in headers]
    _check_headers(source, headers, header_line)
    fields = map_fields(headers, column_map or {}, source.name, header_line)
    ragged: list[tuple[int | None, str, int, int]] = []

    def on_bad_row(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    numeric = {fields[f] for f in NUMERIC_FIELDS if f in fields}
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
        raise InputError(f"cannot parse as CSV: {_arrow_message(exc)}", file=source.name) from exc
    result = CsvTable(source, data, table, headers, fields, delimiter, header_line)
    if ragged:
        result.skipped_lines = _ragged_lines(data, delimiter, header_line, len(headers))
        raise_ragged(result, ragged)
    if table.num_rows == 0:
        raise InputError("has a header row but no data rows", file=source.name, line=header_line)
    return result


def raise_ragged(table: CsvTable, ragged: list) -> None:
    expected = len(table.headers)
    for line in table.skipped_lines:
        raise InputError(
            f"row has a different number of fields than the header ({expected})",
            file=table.name, line=line, hint="check for a stray delimiter or a missing quote",
        )


def map_fields(headers: list[str], column_map: dict[str, str], name: str, line: int) -> dict[str, str]:
    """canonical field -> header. --map entries win over the built-in aliases."""
    fields: dict[str, str] = {}
    by_norm = {normalize_header(h): h for h in headers}
    for given, target in column_map.items():
        header = given if given in headers else by_norm.get(normalize_header(given))
        if header is not None:
            fields[target] = header
    taken = set(fields.values())
    for header in headers:
        canonical = field_for(header)
        if canonical and canonical not in fields and header not in taken:
            fields[canonical] = header
            taken.add(header)
    return fields


def _check_headers(source: Source, headers: list[str], line: int) -> None:
    seen: set[str] = set()
    for index, header in enumerate(headers, start=1):
        if header in seen and header:
            raise InputError(f'column "{header}" appears twice in the header', file=source.name, line=line)
        seen.add(header)
        if not header:
            headers[index - 1] = f"column_{index}"


def _first_nonblank_line(data: bytes) -> tuple[int, str]:
    line_no = 0
    for raw in data.split(b"\n", 64):
        line_no += 1
        text = raw.decode("utf-8", errors="replace").strip("\r")
        if text.strip():
            return line_no, text
    raise InputError("file has no header line")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _arrow_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0]
    return text[:200]


def _record_lines(data: bytes, delimiter: str, header_line: int, skipped: list[int]) -> np.ndarray:
    """1-based line number where each data record starts."""
    if b'"' not in data:
        buf = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)
        starts = np.concatenate(([0], ends + 1))
        ends = np.concatenate((ends, [len(buf)]))
        length = ends - starts
        has_cr = np.zeros(len(length), dtype=bool)
        nonzero = length > 0
        has_cr[nonzero] = buf[np.minimum(ends[nonzero] - 1, len(buf) - 1)] == 13
        blank = (length - has_cr) <= 0
        numbers = np.flatnonzero(~blank) + 1
        numbers = numbers[numbers > header_line]
    else:
        text = data.decode("utf-8", errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        found, previous = [], 0
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if start > header_line and record:
                found.append(start)
        numbers = np.array(found, dtype=np.int64)
    if skipped:
        numbers = numbers[~np.isin(numbers, skipped)]
    return numbers


def _ragged_lines(data: bytes, delimiter: str, header_line: int, expected: int) -> list[int]:
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    bad, previous = [], 0
    for record in reader:
        start = previous + 1
        previous = reader.line_num
        if start > header_line and record and len(record) != expected:
            bad.append(start)
    return bad
