"""Columnar event logs (Parquet, Arrow IPC / Feather) for the streaming engine, batch by batch.

Logs that come out of analytics pipelines are often Parquet or Arrow files. They are read a row group
(Parquet) or record batch (Arrow) at a time and go through the same engine as CSV
(uxcli.readers.stream.engine), so memory stays bounded the same way. Every value is read as the text
the CSV of the same table holds (:func:`as_csv`: what the whole-file reader is given when the engine
falls back or ``--engine whole`` is asked for), so both engines, and the CSV export of the log, give the
same results. Row N of the table is "line N + 1", as in that CSV (header on line 1). Conversions:

* numbers stay numbers (a numeric timestamp column is float64, as the CSV reader parses it);
* date-times become ISO 8601 text: naive ones as written, zoned ones in UTC with a ``Z``;
* every other type (booleans, dates, decimals) becomes its text; a missing value becomes an empty cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxcli.errors import InputError
from uxcli.readers.sniff import header_names
from uxcli.readers.stream import Fallback

BATCH_ROWS = 1 << 17  # rows per batch handed to the engine (~a 6 MB CSV block's worth)
PARQUET_SUFFIXES = (".parquet", ".pq")


class ColumnarLog:
    """One Parquet or Arrow IPC file: its column names (as the CSV header gives them) and its batches."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.parquet = path.suffix.lower() in PARQUET_SUFFIXES
        try:
            self.schema = self._open_schema()
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"cannot read as {self.kind}: {exc}", file=name) from None
        self.header_text = _header_line(self.schema.names)
        self.headers = header_names(self.header_text, ",", name, 1)  # blank or repeated names as in the CSV
        self.rows = self._count_rows()

    @property
    def kind(self) -> str:
        return "Parquet" if self.parquet else "Arrow IPC"

    def _open_schema(self) -> pa.Schema:
        if self.parquet:
            import pyarrow.parquet as pq

            return pq.ParquetFile(self.path).schema_arrow
        return self._ipc().schema

    def _ipc(self):
        try:
            return pa.ipc.open_file(pa.memory_map(str(self.path)))
        except pa.ArrowInvalid:  # not the file format: the stream format
            return pa.ipc.open_stream(pa.memory_map(str(self.path)))

    def _count_rows(self) -> int:
        if self.parquet:
            import pyarrow.parquet as pq

            return pq.ParquetFile(self.path).metadata.num_rows
        reader = self._ipc()
        if isinstance(reader, pa.ipc.RecordBatchFileReader):
            return sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
        return -1  # a stream: not known before reading it

    def batches(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """The rows in batches of at most BATCH_ROWS, as tables named by ``headers`` (only ``columns``
        of them when given), every value as the CSV of the table would give it (:func:`text_columns`)."""
        positions = list(range(len(self.headers))) if columns is None else [self.headers.index(c) for c in columns]
        names = [self.schema.names[i] for i in positions]
        try:
            if self.parquet:
                import pyarrow.parquet as pq

                parts: Iterator = pq.ParquetFile(self.path, read_dictionary=self._strings()).iter_batches(
                    batch_size=BATCH_ROWS, columns=sorted(set(names), key=names.index)
                )  # labels as dictionaries, as stored: no string per row is built
            else:
                reader = self._ipc()
                if isinstance(reader, pa.ipc.RecordBatchFileReader):
                    parts = (reader.get_batch(i) for i in range(reader.num_record_batches))
                else:
                    parts = iter(reader)
            for part in parts:
                for start in range(0, max(part.num_rows, 1), BATCH_ROWS):
                    yield self._as_text(part.slice(start, BATCH_ROWS), positions)
        except pa.ArrowException as exc:
            raise InputError(f"cannot read as {self.kind}: {exc}", file=self.name) from None

    def _strings(self) -> list[str]:
        """The text columns: read as dictionaries, as Parquet stores them, so that no string per row is built."""
        return [f.name for f in self.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]

    def _as_text(self, piece, positions: list[int]) -> pa.Table:
        """Columns ``positions`` of a batch or table as the CSV would give them, named by ``headers``."""
        names = [self.schema.names[i] for i in positions]
        by_name = {n: piece.column(piece.schema.get_field_index(n)) for n in names}
        return pa.table(text_columns([by_name[n] for n in names]), names=[self.headers[i] for i in positions])

    def parts_holding(self, rows: np.ndarray) -> Iterator[tuple[int, pa.Table]]:
        """(first row, every column as text) of the batches that hold any of the sorted ``rows``. Only the
        row groups (Parquet) or record batches (Arrow file) holding them are decoded, and only the batches
        holding them become text: a few repeated rows cost a few groups, not the file."""
        positions = list(range(len(self.headers)))
        try:
            for start, part in self._raw_parts(rows):
                for at in range(0, part.num_rows, BATCH_ROWS):
                    first = start + at
                    if np.any((rows >= first) & (rows < first + BATCH_ROWS)):
                        yield first, self._as_text(part.slice(at, BATCH_ROWS), positions)
        except pa.ArrowException as exc:
            raise InputError(f"cannot read as {self.kind}: {exc}", file=self.name) from None

    def _raw_parts(self, rows: np.ndarray) -> Iterator[tuple[int, pa.RecordBatch]]:
        """(first row, batch as stored) of the groups holding ``rows``, or of every batch of an Arrow stream."""
        if self.parquet:
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(self.path, read_dictionary=self._strings())  # no string per row
            sizes = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
            firsts = np.cumsum([0, *sizes])
            for group in np.unique(np.searchsorted(firsts, rows, side="right") - 1).tolist():
                start = int(firsts[group])
                for batch in parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[group]):
                    yield start, batch
                    start += batch.num_rows
            return
        reader = self._ipc()
        if isinstance(reader, pa.ipc.RecordBatchFileReader):  # memory-mapped: a batch is read when touched
            batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
        else:
            batches = iter(reader)
        start = 0
        for batch in batches:
            yield start, batch
            start += batch.num_rows
            if start > rows[-1]:
                return


def text_columns(columns: list[pa.Array]) -> list[pa.Array]:
    """Each column as the CSV of the table holds it: numbers as numbers, the rest as text, "" for missing."""
    out = []
    for column in columns:
        kind = column.type
        if pa.types.is_dictionary(kind):
            if pa.types.is_string(kind.value_type) and not column.null_count and not column.dictionary.null_count:
                out.append(column)  # text already, one string per distinct label
                continue
            column, kind = column.cast(kind.value_type), kind.value_type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            out.append(column)
            continue
        if pa.types.is_timestamp(kind):
            naive = column.cast(pa.timestamp(kind.unit))  # zoned values are stored in UTC
            text = pc.strftime(naive, format="%Y-%m-%dT%H:%M:%S")
            column = pc.binary_join_element_wise(text, "Z", "") if kind.tz is not None else text
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            column = column.cast(pa.string())
        out.append(pc.fill_null(column.cast(pa.string()), ""))
    return out


def _header_line(names: list[str]) -> str:
    return ",".join(_cell(n) for n in names)


def _cell(text: str) -> str:
    if any(c in text for c in ',"\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def as_csv(path: Path, name: str) -> bytes:
    """The whole file as UTF-8 CSV (for the whole-file reader): header on line 1, row N on line N + 1."""
    log = ColumnarLog(path, name)
    out = io.BytesIO()
    out.write(log.header_text.encode("utf-8") + b"\n")
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in log.batches():
        if batch.num_rows:
            pacsv.write_csv(batch, out, options)
    return out.getvalue()


def engine_batches(log: ColumnarLog, header, progress=None):
    """(table, BlockLines) per batch for the engine: label and event columns dictionary-encoded, the
    timestamp column float64 when numeric (else text, parsed as the CSV path parses it)."""
    from uxcli.readers.stream.engine import BlockLines

    timestamp = header.fields["timestamp"]
    wanted = list(dict.fromkeys([*header.columns.values(), header.fields["event"], timestamp]))
    done = 0
    for table in log.batches(wanted):
        columns = []
        for name in wanted:
            column = table.column(name)
            if name == timestamp:
                if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
                    column = column.cast(pa.float64())
                elif column.null_count:
                    raise Fallback("missing time")
            elif pa.types.is_dictionary(column.type):
                column = column.cast(pa.dictionary(pa.int32(), pa.string()))
            else:
                if not pa.types.is_string(column.type):  # a numeric label column: its text, as in the CSV
                    column = pc.fill_null(column.cast(pa.string()), "")
                column = pc.dictionary_encode(column)
            columns.append(column)
        n = table.num_rows
        yield pa.table(columns, names=wanted), BlockLines(n, done, 0, 0, None, [], False)
        done += n
        if progress is not None:
            progress(done, max(log.rows, done))


def fetch_rows(log: ColumnarLog, rows: np.ndarray) -> dict[int, tuple]:
    """Every column of the given data rows as whitespace-trimmed text (as checks compares them)."""
    found: dict[int, tuple] = {}
    wanted = np.sort(rows)
    if not len(wanted):
        return found
    for start, table in log.parts_holding(wanted):
        mine = wanted[(wanted >= start) & (wanted < start + table.num_rows)]
        if len(mine):
            picked = table.take(pa.array(mine - start))
            texts = [pc.utf8_trim_whitespace(c.cast(pa.string())).to_pylist() for c in picked.columns]
            for i, row in enumerate(mine.tolist()):
                found[row] = tuple(t[i] for t in texts)
    return found
