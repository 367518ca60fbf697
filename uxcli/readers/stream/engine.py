"""The streaming engine: big event-log CSV files in bounded memory, with the whole-file reader's exact results.

One mechanism: a reader thread reads the file in byte blocks cut at record ends; a small thread pool
scans each block's lines (NumPy) and parses it with pyarrow (only the columns needed, labels
dictionary-encoded), side by side, so the main thread only maps and derives. Their labels are
mapped to global integer codes (dictionaries are small: a Python dict lookup per distinct
label, never per row), and its events, ordered by key (stable, so in file order within a key),
go through :func:`uxcli.tasks.attempts.attempts_of_sorted`: the rules of :func:`uxcli.tasks.attempts.derive_attempts` on
integer arrays (searchsorted and running counts; no Python per row or per attempt). The pool
parses the next blocks while one is derived. Between blocks the only state is:

* per (participant, session, task) key: the time, kind and row of its last event (to prove the file
  is in time order within each key, and to catch a repeated event across a block boundary) and
  how many attempts it has finished (so attempt numbers continue): 25 bytes per key;
* the rows of attempts still open at the end of a block (a start without an end yet). They
  are parked and fed again, ahead of the block's rows, to the next block that has events of
  that key, so an attempt spanning blocks is derived from all of its rows: exactly as when read whole.

The quirks of real logs are handled here, without reading the file whole: blank lines, quoted values
(with the delimiter, quotes or line breaks: a block is cut only at a line end outside quotes), CRLF, a
BOM, ISO 8601 timestamps with zones; exactly repeated events (found in sorted key order as
derive_attempts finds them, against the key's last event of earlier blocks too: repeated starts and ends are
set aside, others counted; whether a kept repeat matches its earlier row in every column is decided at the
end on those few rows, read again from their blocks); events out of time order within a key (sorted by
key, time, file order, as when read whole). Line numbers come from a piecewise map (line - row changes
only at a blank line or a quoted line break).

What still needs whole-file context makes the engine give up (:class:`Fallback`) and the caller reads
the file whole instead: rows with a different number of fields, a lone CR, an encoding other than UTF-8,
empty labels, events or timestamps (errors), an event out of time order with its key's events of an earlier
block when the attempt it belongs to was already finished there (rare: a swap across a block boundary), an
end before its start (an error when read whole), labels differing only by spaces, more than 2M distinct
labels in a column, no start event at all (refused by the whole-file reader). Labels in another
Unicode form than NFC are merged here, as there (codes.Labels). Problems are collected locally and only
handed over when the engine succeeds; then the
attempts frame, the problems (messages and lines), the row accounting and the summaries are
identical to the whole-file reader's (tests/test_stream.py). Memory: a few blocks in flight (6 MB
of CSV each), the per-key state, and the finished attempts (~80 bytes each), which the attempts frame
needs anyway; or, for a summary, only per-group statistics (uxcli.readers.stream.summary).
"""

from __future__ import annotations

import codecs
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxcli.design import is_round_column
from uxcli.errors import InputError, Problem, Problems
from uxcli.readers import checks
from uxcli.readers.checks import OUTSIDE, attempt_warnings
from uxcli.readers.common import FileAccount
from uxcli.readers.csvfile import CsvTable, TimeUnit, describe_fields, map_header, time_unit_of, to_seconds
from uxcli.readers.dataset import InputFile
from uxcli.readers.events import REQUIRED, warn_unknown_events, worth_a_warning
from uxcli.readers.layouts import REGISTRY, detect
from uxcli.readers.options import FileContext
from uxcli.readers.sniff import (
    first_nonblank_line,
    header_names,
    looks_like_yaml,
    needs_recoding,
    sniff_delimiter,
)
from uxcli.readers.stream import COLUMNAR_SUFFIXES, Fallback
from uxcli.readers.stream.codes import CODE_BITS, KeyState, Labels, PairCodes
from uxcli.readers.stream.summary import Reducer, RunningOverlaps
from uxcli.readers.times import has_zone, timestamps
from uxcli.sources import open_input
from uxcli.tasks.attempts import ABANDON, KEY_COLUMNS, OUTCOME_DTYPE, START, SUCCESS, attempts_of_sorted, empty_attempts
from uxcli.vocab import EVENT_KINDS, EVENT_WORDS, normalize_word

if TYPE_CHECKING:
    import pandas as pd

BLOCK_SIZE = 6 << 20  # bytes per block (~170k events); 12 MB saved ~2% of the time and cost ~80 MB of peak memory
HEAD_BYTES = 1 << 16

ProgressFn = Callable[[int, int], None]


def _memory_pool() -> pa.MemoryPool:
    """The pool the blocks are parsed into: jemalloc where pyarrow has it. Blocks come and go on several
    threads; the default pool (mimalloc) keeps more of their freed memory (100M events: ~1.29 GB peak
    against ~1.16 GB, before the other cuts). Passed to each call, so the process's default pool is
    left alone. (Handing pages back at once, jemalloc_set_decay_ms(0), saved nothing more and doubled
    the system time.)"""
    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowNotImplementedError):  # a pyarrow built without jemalloc
        return pa.default_memory_pool()


def _key_order(keys: np.ndarray) -> np.ndarray | None:
    """Positions by key, then file order; None when the rows already are (one participant's
    tasks one after another, as many recorders write them): no sort, no copies."""
    if np.all(keys[1:] >= keys[:-1]):
        return None
    return np.argsort(keys, kind="stable")


def _pack(p: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (
        ((p.astype(np.int64) + 1) << (2 * CODE_BITS))
        | ((s.astype(np.int64) + 1) << CODE_BITS)
        | (t.astype(np.int64) + 1)
    )


def _who(participant: np.ndarray, session: np.ndarray) -> np.ndarray:
    """One int64 per participant + session (the overlap check's unit), packed like the keys."""
    return _pack(participant, session, np.full(len(participant), -1, dtype=np.int32))


# --- the engine ---------------------------------------------------------------------------------


@dataclass
class _Header:
    headers: list[str]
    fields: dict[str, str]
    delimiter: str
    header_line: int
    data_start: int  # byte offset of the first data line
    labels: list[str]  # the label fields and extra columns read, in frame order (field or header)
    columns: dict[str, str]  # frame column -> header in the file
    unit: TimeUnit  # of numeric timestamps (csvfile.time_unit_of: the whole-file reader's rule)
    problems: list[Problem]  # about the header (csvfile.map_header), reported first as when read whole

    def narrowed(self, by: list[str]) -> _Header:
        """The same header reading only the key columns, ``by`` of its extra columns and a round column (the
        design line names the rounds): a target or comment column parsed and coded on every event costs
        time and memory a summary never uses."""
        keep = {
            name: header
            for name, header in self.columns.items()
            if name in KEY_COLUMNS or name in by or is_round_column(name)
        }
        return replace(self, labels=list(keep), columns=keep)


def _read_header(file: FileContext, path: Path) -> _Header:
    """The header of an event-log file, from its head; Fallback when the head shows the whole-file
    reader is needed (not UTF-8, quotes, YAML, another layout, a missing column)."""
    source, layout = file.source, file.options.layout
    with open_input(path) as handle:
        head = handle.read(HEAD_BYTES)
    bom = 0
    if head.startswith(codecs.BOM_UTF8):
        bom = 3
    elif file.options.encoding is None and needs_recoding(head):
        raise Fallback("not UTF-8 text")
    head = head[bom:]
    if not head.strip():
        raise Fallback("empty")
    if layout is None and looks_like_yaml(source.suffix, head):
        raise Fallback("YAML")
    header_line, header_text = first_nonblank_line(head, source.name)
    lines = head.split(b"\n", header_line)
    if len(lines) <= header_line:  # the header line is not complete within the head
        raise Fallback("long header")
    data_start = bom + len(head) - len(lines[header_line])
    if '"' in header_text:
        raise Fallback("quoted header")
    delimiter = sniff_delimiter(header_text)
    headers = header_names(header_text, delimiter, source.name, header_line)
    return header_of(file, headers, delimiter, header_line, data_start)


def header_of(file: FileContext, headers: list[str], delimiter: str, header_line: int, data_start: int) -> _Header:
    """The fields and columns to read of an event log with these column names (CSV or columnar);
    Fallback when the whole-file reader is needed (another layout, a missing column, two columns for a field)."""
    source, layout = file.source, file.options.layout
    mapped = map_header(headers, file.column_map, source.name, header_line)
    fields = mapped.fields
    if (layout or detect(fields)) != "events":
        raise Fallback("not an event log")
    if any(name not in fields for name in REQUIRED):
        raise Fallback("missing column")
    if mapped.duplicates:  # which of two columns is meant depends on their values
        raise Fallback("two columns for one field")
    unit = time_unit_of(fields["timestamp"], file.options.time_unit, source.name, header_line)
    columns: dict[str, str] = {
        name: fields[name] for name in ("participant", "session", "variant", "task") if name in fields
    }
    columns.update({h: h for h in mapped.extra_headers(headers)})  # extra columns (usable with --by)
    return _Header(headers, fields, delimiter, header_line, data_start, list(columns), columns, unit, mapped.problems)


@dataclass
class BlockLines:
    """Where a block's rows are: how many, the block's first physical line (0-based, counted from the
    first data line), its bytes in the file, and the lines (within the block) that start no row: blank
    lines and lines inside a quoted value (None: row i is line i)."""

    rows: int
    line0: int
    byte0: int
    size: int
    skipped: np.ndarray | None
    blanks: list[int]  # byte offsets (within the block) of blank lines
    quoted: bool
    physical: int = 0  # lines in the block, blank ones and quoted line breaks included
    marks: np.ndarray | None = None  # byte offset of every MARK_EVERY-th line: rows are read again from there

    def with_quoted_breaks(self, data: bytes, rows: int) -> None:
        """pyarrow found fewer rows than lines: line breaks inside quoted values. Count them as skipped lines."""
        if not self.quoted or rows >= self.rows:
            return
        self.skipped = _line_numbers(data, self.blanks + _quoted_breaks(data))
        self.rows = self.rows + (len(self.blanks) - (0 if self.skipped is None else len(self.skipped)))


def _cut(buf: bytearray, have: int, more: bool) -> int:
    """Where a block of whole records ends: after the last line end outside quotes (0: none yet)."""
    if not more:
        return have
    cut = buf.rfind(b"\n", 0, have) + 1
    if cut == 0 or buf.find(b'"', 0, cut) < 0:
        return cut
    quotes = int(np.count_nonzero(np.frombuffer(buf, dtype=np.uint8, count=cut) == 34))  # GIL released
    while cut and quotes % 2:  # inside a quoted value: back to the line end before
        previous = buf.rfind(b"\n", 0, cut - 1) + 1
        quotes -= buf.count(b'"', previous, cut)
        cut = previous
    return cut


MARK_EVERY = 1024  # lines between two marks: a row read again costs reading at most this many lines


def _line_starts(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(byte offsets of the LF, of the line starts) of a block's bytes."""
    nl = np.flatnonzero(data == 10)
    start = np.r_[0, nl + 1]
    return nl, start[start < len(data)]


def _skipped_lines(buf: bytes, cut: int) -> tuple[list[int], np.ndarray | None, int, np.ndarray]:
    """Lines of ``buf[:cut]`` that start no row, as uxcli.readers.csvfile._record_lines counts them: blank
    lines (CRLF ones too) and lines that begin inside a quoted value. A lone CR ends a row for pyarrow but
    not a line for the whole-file line count: Fallback. Found with NumPy over the line ends (vectorised
    passes that release the GIL, so they run beside the derivation on a parse thread).
    Returns (byte offsets of blank lines, their line numbers or None, how many LF, the marks)."""
    data = np.frombuffer(buf, dtype=np.uint8, count=cut)
    nl, start = _line_starts(data)
    if buf.find(b"\r", 0, cut) >= 0:  # every CR must come right before a LF
        crlf = np.count_nonzero(data[nl[nl > 0] - 1] == 13)
        if np.count_nonzero(data == 13) != crlf:
            raise Fallback("lone carriage return")
    # a blank line ("\n" or "\r\n") ends at most 2 bytes after the line end before it: only such lines are looked at
    lines = np.flatnonzero(np.diff(nl) <= 2) + 1  # line i runs from nl[i - 1] + 1 to nl[i]
    if len(nl) and nl[0] <= 1:
        lines = np.r_[0, lines]
    ends = nl[lines]  # a last line without a line end is never blank (a lone "\r" was refused above)
    length = ends - start[lines]
    blank = lines[(length == 0) | ((length == 1) & (data[ends - 1] == 13))]
    numbers = blank if len(blank) else None  # line i starts at start[i]: the line number is the index
    return start[blank].tolist(), numbers, len(nl), start[::MARK_EVERY].copy()


def _line_numbers(buf: bytes, starts: list[int]) -> np.ndarray | None:
    """0-based line numbers of the given line starts."""
    if not starts:
        return None
    nl = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
    return np.searchsorted(nl, np.unique(np.array(starts, dtype=np.int64))).astype(np.int64)


def _quoted_breaks(data: bytes) -> list[int]:
    """Byte offsets of lines that begin inside a quoted value (its line break is part of the value)."""
    quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 34)
    found = []
    for opened, closed in zip(quotes[0::2].tolist(), quotes[1::2].tolist()):
        at = data.find(b"\n", opened, closed)
        while at >= 0:
            found.append(at + 1)
            at = data.find(b"\n", at + 1, closed)
    return found


def _blocks(path, start: int, block_size: int):
    """(bytes, byte offset in the file) of blocks of whole records, read into one reused buffer.

    Only the cut is found here (a byte search); what the lines of a block are is found by
    :func:`_lines_of`, on the parse threads when there are some."""
    buf = bytearray(2 * block_size)
    have = 0
    position = start  # file offset of buf[0]
    with open_input(path) as handle:
        handle.seek(start)
        while True:
            if len(buf) - have < block_size:  # a record longer than a block: a bigger buffer
                if have > 8 * block_size:
                    raise Fallback("a record longer than many blocks (an unclosed quote?)")
                buf = buf[:have] + bytearray(max(block_size, have))
            with memoryview(buf) as view:
                more = handle.readinto(view[have : have + block_size])
            have += more
            cut = _cut(buf, have, bool(more))
            if cut:
                with memoryview(buf) as view:
                    data = bytes(view[:cut])  # one copy: the buffer is reused
                yield data, position
                del data
                position += cut
                buf[: have - cut] = buf[cut:have]  # the partial last line to the front (same size)
                have -= cut
            if not more:
                return


def _lines_of(data: bytes, byte0: int) -> BlockLines:
    """Where the rows of a block are (line0 is set by :func:`_numbered`, in file order). NumPy
    passes that release the GIL, so on a parse thread this overlaps the derivation."""
    if np.frombuffer(data, dtype=np.uint8).max() >= 128:
        try:
            str(data, "utf-8")
        except UnicodeDecodeError:
            raise Fallback("not UTF-8") from None
    blanks, numbers, newlines, marks = _skipped_lines(data, len(data))
    lines = newlines + (data[-1] != 10)
    quoted = data.find(b'"') >= 0  # line breaks in quoted values: seen when parsed
    return BlockLines(lines - len(blanks), -1, byte0, len(data), numbers, blanks, quoted, lines, marks)


def _numbered(blocks):
    """The (block, BlockLines) pairs, in file order, with each block's first line filled in."""
    line0 = 0
    for block, lines in blocks:
        lines.line0 = line0
        line0 += lines.physical
        yield block, lines


@dataclass
class _Pieces:
    """Finished attempts (as arrays), and what is reported about rows, gathered block by block."""

    buffers: dict[str, np.ndarray] = field(default_factory=dict)  # one growing array per column
    size: int = 0
    outside: list[np.ndarray] = field(default_factory=list)
    outside_count: int = 0
    unended: list[np.ndarray] = field(default_factory=list)
    columns: list[str] | None = None

    def append(self, out: dict[str, np.ndarray]) -> None:
        """Add finished attempts. Columns live in large arrays grown by half as needed: no list of
        small pieces to concatenate at the end, and no heap fragmentation from them."""
        n = len(out["_row"])
        capacity = len(next(iter(self.buffers.values()))) if self.buffers else 0
        if self.size + n > capacity:
            capacity = max(self.size + n, capacity + capacity // 2, 1 << 20)
            for name, values in out.items():
                grown = np.empty(capacity, dtype=values.dtype)  # pages are only touched when written
                if name in self.buffers:
                    grown[: self.size] = self.buffers[name][: self.size]
                self.buffers[name] = grown
        for name, values in out.items():
            self.buffers[name][self.size : self.size + n] = values
        self.size += n


class _Engine:
    def __init__(
        self, header: _Header, index: int, idle_gap: float | None, name: str, reducer: Reducer | None = None
    ) -> None:
        self.header = header
        self.index = index
        self.idle_gap = idle_gap
        self.name = name
        self.reducer = reducer  # a uxcli.readers.stream.summary.Reducer: attempts go there, not into a frame
        if reducer is not None:
            self.labels = reducer.labels_for(header.labels)
            self.overlaps = RunningOverlaps()
        else:
            self.labels = {column: Labels() for column in header.labels}
        self.events = Labels()
        self.kind_of = np.zeros(0, dtype=np.int8)  # event code -> kind
        self.event_counts = np.zeros(0, dtype=np.int64)
        self.event_first = np.zeros(0, dtype=np.int64)  # first row of each event word
        self.other = len(EVENT_KINDS)
        self.state = KeyState()
        self.contexts = PairCodes()  # (variant, task) -> the task code of a key
        self.parked: dict[str, np.ndarray] | None = None  # rows of open attempts
        self.rows = 0
        self.time_kind: str | None = None
        self.float_times = True
        self.pieces = _Pieces()
        self.line_rows: list[int] = []  # line = row + line_offsets[i] from row line_rows[i] on
        self.line_offsets: list[int] = []
        self.block_index: list[tuple[int, BlockLines]] = []  # each block's first row and where it is
        self.repeats: list[np.ndarray] = []  # [row, earlier row] pairs (checks.repeated_events)
        self.dropped: list[np.ndarray] = []  # rows of repeated starts and ends, set aside
        self.fetch: Callable[[np.ndarray], dict[int, tuple]] | None = None  # rows read again (not from CSV blocks)
        self.pool = _memory_pool()

    # -- parsing ---------------------------------------------------------------------------------

    def parse(self, block: bytes, threads: bool = True, lines: BlockLines | None = None) -> pa.Table:
        """The block's columns; timestamps as float64 while they are numbers, else as text."""
        table = None
        if self.float_times:
            try:
                table = self._parse(block, pa.float64(), threads)
            except Fallback:  # not numbers (ISO date-times?): text from now on, parsed as when read whole
                self.float_times = False
        if table is None:
            table = self._parse(block, pa.string(), threads)
        if lines is not None:
            lines.with_quoted_breaks(block, table.num_rows)
        return table

    def _parse(self, block: bytes, time_type, threads: bool = True) -> pa.Table:
        h = self.header
        quoted = block.find(b'"') >= 0
        ts = h.fields["timestamp"]
        wanted = [*h.columns.values(), h.fields["event"], ts]
        types = {c: pa.dictionary(pa.int32(), pa.string()) for c in wanted}
        types[ts] = time_type

        def bad_row(row) -> str:
            return "error"

        try:
            table = pacsv.read_csv(
                pa.py_buffer(block),
                memory_pool=self.pool,
                # one chunk per 6 MB block: half the dictionaries to map of 4 MB chunks (~6% faster, ~15 MB more)
                read_options=pacsv.ReadOptions(column_names=h.headers, block_size=8 << 20, use_threads=threads),
                # blocks are checked: valid UTF-8; quotes are looked for only in blocks that have some
                parse_options=pacsv.ParseOptions(
                    delimiter=h.delimiter,
                    quote_char='"' if quoted else False,
                    newlines_in_values=quoted,
                    invalid_row_handler=bad_row,
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types=types,
                    strings_can_be_null=False,
                    check_utf8=False,
                    decimal_point="," if h.delimiter != "," else ".",
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowKeyError) as exc:
            raise Fallback(f"pyarrow: {exc}") from None
        return table

    def _event_kinds(self, column: pa.ChunkedArray, row0: int) -> np.ndarray:
        before = len(self.events.names)
        codes = self.events.codes(column)
        if len(codes) and codes.min() < 0:
            raise Fallback("empty event")
        names = self.events.names
        if len(names) > before:
            new = [EVENT_WORDS.get(normalize_word(w)) for w in names[before:]]
            kinds = np.array([EVENT_KINDS.index(k) if k else self.other for k in new], dtype=np.int8)
            self.kind_of = np.concatenate((self.kind_of, kinds))
            firsts = np.array([row0 + int(np.argmax(codes == c)) for c in range(before, len(names))], dtype=np.int64)
            self.event_first = np.concatenate((self.event_first, firsts))
            self.event_counts = np.concatenate((self.event_counts, np.zeros(len(new), dtype=np.int64)))
        self.event_counts += np.bincount(codes, minlength=len(names))
        return np.take(self.kind_of, codes)

    def _timestamps(self, table: pa.Table, source) -> np.ndarray:
        h = self.header
        column = table.column(h.fields["timestamp"])
        if pa.types.is_floating(column.type):  # parsed by pyarrow's CSV reader: the same numbers as the whole-file cast
            if column.null_count:
                raise Fallback("missing time")
            t = column.to_numpy()
            if not np.isfinite(t).all():
                raise Fallback("not a finite time")
            kind = "number"
            if self.time_kind not in (None, kind):
                raise Fallback("timestamp formats differ between blocks")
            self.time_kind = kind
            return t if h.unit.unit == "s" else to_seconds(t, h.unit.unit)
        text = pc.utf8_trim_whitespace(column)
        if h.delimiter != ",":
            text = pc.replace_substring(text, ",", ".")
        try:  # what timestamps() tries first when reading the whole file
            t = np.asarray(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
            kind = "number"
            if not np.isfinite(t).all():
                raise Fallback("not a finite time")
        except pa.ArrowInvalid:
            local = Problems()
            chunk = CsvTable(source, b"", table, h.headers, h.fields, h.delimiter, h.header_line)
            t = timestamps(chunk, h.fields["timestamp"], local)
            if local.items:
                raise Fallback("timestamp problems") from None
            # zoned and naive blocks each pass alone: their mix is refused when the file is read whole
            kind = "zoned date" if has_zone(text).any() else "date"
        if self.time_kind not in (None, kind):
            raise Fallback("timestamp formats differ between blocks")
        self.time_kind = kind
        return t if kind == "date" or h.unit.unit == "s" else to_seconds(t, h.unit.unit)

    def columns(self, block, lines: BlockLines, source) -> dict[str, Any]:
        """A block's rows as arrays: global label codes, kind, t, _row, and their key order.

        ``block`` is CSV bytes, or a table parse() made of them. (Running this in a thread of its
        own, beside the derivation, saved nothing measurable: both mostly wait for the GIL.)
        """
        table = block if isinstance(block, pa.Table) else self.parse(block, True, lines)
        n = table.num_rows
        if n != lines.rows:
            raise Fallback("rows with a different number of fields")
        row0 = self.rows
        self._map_lines(row0, lines)
        cols: dict[str, Any] = {
            name: self.labels[name].codes(table.column(header)) for name, header in self.header.columns.items()
        }
        for name in ("participant", "task"):
            if cols[name].min() < 0:
                raise Fallback(f"empty {name}")
        kind = self._event_kinds(table.column(self.header.fields["event"]), row0)
        t = self._timestamps(table, source)
        del table
        cols["t"] = t
        cols["kind"] = kind
        cols["_row"] = np.arange(row0, row0 + n, dtype=np.int64)
        self.rows += n
        keys = self._keys_of(cols)
        cols["_sort"] = (keys, _key_order(keys))  # by key, then file order
        return cols

    def _map_lines(self, row0: int, lines: BlockLines) -> None:
        """Note where line - row changes (blank lines, quoted line breaks): a few numbers per quirk."""
        base = self.header.header_line + 1 + lines.line0 - row0  # line = row + base until a skipped line
        at, offsets = [row0], [base]
        if lines.skipped is not None:
            for i, line in enumerate(lines.skipped.tolist()):
                row = row0 + line - i  # the first row after the skipped line
                if row == at[-1]:
                    offsets[-1] = base + i + 1
                else:
                    at.append(row)
                    offsets.append(base + i + 1)
        if self.line_offsets and self.line_offsets[-1] == offsets[0]:
            at, offsets = at[1:], offsets[1:]
        self.line_rows.extend(at)
        self.line_offsets.extend(offsets)
        if lines.rows:
            self.block_index.append((row0, lines))

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """1-based line numbers of data rows."""
        rows = np.asarray(rows, dtype=np.int64)
        if not self.line_rows:
            return rows + self.header.header_line + 1
        at = np.maximum(np.searchsorted(np.array(self.line_rows), rows, side="right") - 1, 0)
        return rows + np.array(self.line_offsets, dtype=np.int64)[at]

    # -- derivation --------------------------------------------------------------------------------

    def _code(self, cols: dict[str, np.ndarray], name: str) -> np.ndarray:
        return cols[name] if name in cols else np.full(len(cols["t"]), -1, dtype=np.int32)

    def derive(self, block: dict[str, np.ndarray], final: bool) -> None:
        if "_sort" in block:
            keys, order = block.pop("_sort")
        else:
            keys = self._keys_of(block) if len(block["t"]) else np.zeros(0, dtype=np.int64)
            order = _key_order(keys)
        injected = 0
        if self.parked is not None and len(self.parked["t"]):
            parked_keys = self.parked["_key"]
            if final:
                take = np.ones(len(parked_keys), dtype=bool)
            else:
                sorted_keys = keys if order is None else keys[order]
                at = np.minimum(np.searchsorted(sorted_keys, parked_keys), max(len(keys) - 1, 0))
                take = sorted_keys[at] == parked_keys if len(keys) else np.zeros(len(parked_keys), dtype=bool)
            if take.any():
                inject = {c: v[take] for c, v in self.parked.items()}
                self.parked = {c: v[~take] for c, v in self.parked.items()}
                injected = len(inject["t"])
                inject_keys = inject.pop("_key")
                inject_order = np.argsort(inject_keys, kind="stable")  # parked rows are in file order
                # a parked row goes before the block's rows of its key (it was written earlier)
                at = np.searchsorted(keys if order is None else keys[order], inject_keys[inject_order], side="left")
                if order is None and not at.any():  # the usual case: they go first, and all stays in order
                    keys = np.concatenate((inject_keys[inject_order], keys))
                    block = {c: np.concatenate((inject[c][inject_order], block[c])) for c in block}
                else:
                    order = np.insert((np.arange(len(keys)) if order is None else order) + injected, at, inject_order)
                    keys = np.concatenate((inject_keys, keys))
                    block = {c: np.concatenate((inject[c], block[c])) for c in block}
        n = len(keys)
        if n == 0:
            return
        if order is None:  # already in key order: no copies
            k, t, kind = keys, block["t"], block["kind"]
        else:
            k, t, kind = keys[order], block["t"][order], block["kind"][order]

        def src(positions: np.ndarray) -> np.ndarray:
            """Sorted positions as indices into the block's arrays."""
            return positions if order is None else order[positions]

        new_key = np.r_[True, k[1:] != k[:-1]]
        back = np.flatnonzero(~new_key[1:] & (t[1:] < t[:-1]))
        reordered = len(back) > 0
        if reordered:  # events out of time order within a key: by key, time, then file order, as when read whole
            run = np.cumsum(new_key) - 1  # each sorted position's key run
            rows_sorted = block["_row"] if order is None else block["_row"][order]
            mine = np.flatnonzero(np.isin(run, run[back + 1]))  # only the keys out of order are sorted again
            local = np.lexsort((rows_sorted[mine], t[mine], run[mine]))
            order = (np.arange(n) if order is None else order).copy()
            order[mine] = order[mine[local]]
            k, t, kind = keys[order], block["t"][order], block["kind"][order]
        starts = np.flatnonzero(new_key)
        ends = np.r_[starts[1:], n] - 1
        ukeys = k[starts]
        pos, known = self.state.lookup(ukeys)
        fresh = src(starts) >= injected  # the key's first row here is new (not a parked one)
        check = known & fresh
        p = pos[check]
        first_t, first_kind = t[starts[check]], kind[starts[check]]
        if np.any(first_t < self.state.last_t[p]):
            raise Fallback("events out of time order across blocks")
        # repeated events (same key, time and kind as the event before), found as derive_attempts finds them;
        # a key's first event here may repeat its last one of an earlier block (kept in the state)
        repeat = np.r_[False, ~new_key[1:] & (t[1:] == t[:-1]) & (kind[1:] == kind[:-1])]
        of_state = np.zeros(n, dtype=bool)
        of_state[starts[check]] = (first_t == self.state.last_t[p]) & (first_kind == self.state.last_kind[p])
        repeat |= of_state
        rows = block["_row"] if order is None else block["_row"][order]  # file rows in sorted order
        anchor = None
        if repeat.any():  # rare: only then is anything copied
            anchor = np.maximum.accumulate(np.where(~repeat | of_state, np.arange(n), 0))  # the copy kept
            at = np.flatnonzero(repeat)
            first = anchor[at]
            earlier = rows[first]
            by_state = of_state[first]
            if by_state.any():
                key_at = np.searchsorted(starts, first[by_state], side="right") - 1
                earlier[by_state] = self.state["last_row"][pos[key_at]]
            new_pair = src(at) >= injected  # pairs among parked rows were noted with their own block
            self.repeats.append(np.column_stack((rows[at], earlier))[new_pair])
        pos = self.state.insert(ukeys)
        self.state.last_t[pos] = t[ends]
        self.state.last_kind[pos] = kind[ends]
        last_row = rows[ends] if anchor is None else rows[anchor[ends]]
        if anchor is not None and of_state.any():
            last_by_state = of_state[anchor[ends]]
            last_row[last_by_state] = self.state["last_row"][pos[last_by_state]]
        self.state.fit("last_row", last_row)
        self.state["last_row"][pos] = last_row
        if anchor is not None:
            drop = repeat & ((kind == START) | ((kind >= SUCCESS) & (kind <= ABANDON)))
            if drop.any():  # repeated starts and ends are set aside, as when read whole
                self.dropped.append(rows[drop])
                kept = np.flatnonzero(~drop)
                order = src(kept)
                k, t, kind = k[kept], t[kept], kind[kept]
                n = len(k)
                if n == 0:
                    return
                new_key = np.r_[True, k[1:] != k[:-1]]
                ends = np.r_[np.flatnonzero(new_key)[1:], n] - 1
                pos = self.state.lookup(k[new_key])[0]

        # a summary (reducer) needs no pauses unless idle time is capped
        found = attempts_of_sorted(
            t, kind, new_key, self.idle_gap, gaps=self.reducer is None or self.idle_gap is not None
        )
        if reordered and len(found["outside"]):
            out_kind = kind[found["outside"]]
            if np.any((out_kind >= SUCCESS) & (out_kind <= ABANDON)):
                raise Fallback("an end before its start (the whole-file reader reports it)")

        starts = found["starts"]
        m = len(starts)
        key_of = found["key_of"]
        apos = pos[key_of]
        keep = np.ones(m, dtype=bool)
        unended = found["unended"]
        if not final and m:
            # the last attempt of each key, if it has no end yet, may go on in the next block
            last = np.r_[key_of[1:] != key_of[:-1], True]
            still_open = last & unended
            keep = ~still_open
            self._park(block, src, starts[still_open], ends[key_of[still_open]])
            if self.reducer is not None and still_open.any():
                opened = src(starts[still_open])
                self.overlaps.park(
                    _who(block["participant"][opened], self._code(block, "session")[opened]),
                    t[starts[still_open]],
                    block["_row"][opened],
                )
        number = found["number"] + self.state.count[apos]
        finished = apos[keep]  # key positions, in key order: count each run (no ufunc.at)
        if len(finished):
            first = np.flatnonzero(np.r_[True, finished[1:] != finished[:-1]])
            self.state.count[finished[first]] += np.diff(np.r_[first, len(finished)]).astype(np.int32)
        source = src(starts[keep])  # the start rows, as indices into the block's arrays
        if len(source):
            out = {}
            for name in ("participant", "session", "variant", "task"):
                out[name] = block[name][source] if name in block else np.full(len(source), -1, dtype=np.int32)
            out["attempt"] = number[keep].astype(np.int32)
            out["outcome"] = (found["end_kind"][keep] - SUCCESS).astype(np.int8)
            start_t = t[starts[keep]]
            end_t = found["end_time"][keep]
            out["time"] = np.round(end_t - start_t, 6)  # as derive_attempts: epoch-second noise
            out["clicks"] = found["clicks"][keep]
            out["errors"] = found["errors"][keep]
            for name in self.header.labels:
                if name not in out:
                    out[name] = block[name][source]
            out["_file"] = None  # the file's index, filled in by attempts_frame()
            out["_row"] = block["_row"][source]
            out["_start"] = start_t
            out["_end"] = end_t
            if found["max_gap"] is not None:
                out["_max_gap"] = found["max_gap"][keep]
            if self.idle_gap is not None:
                out["_idle"] = found["idle"][keep]
            self.pieces.columns = list(out)
            del out["_file"]
            if self.reducer is not None:
                self.overlaps.check(
                    _who(out["participant"], out["session"]), start_t, end_t, out["_row"], unended[keep]
                )
                self.reducer.add(out, self.index)
            else:
                self.pieces.append(out)
            self.pieces.unended.append(out["_row"][unended[keep]])
        outside = block["_row"][src(found["outside"])]
        self.pieces.outside_count += len(outside)
        self.pieces.outside.append(outside)

    def _park(self, block, src, where, ends) -> None:
        """Keep the rows of still-open attempts: from their start (sorted position ``where``) to
        their key's last row in this block (sorted position ``ends``); ``src`` maps sorted
        positions to the block's rows."""
        if len(where) == 0:
            return
        lengths = ends - where + 1
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        rows = src(np.repeat(where - offsets, lengths) + np.arange(int(lengths.sum())))
        rows.sort()
        carried = {c: v[rows] for c, v in block.items()}
        carried["_key"] = self._keys_of(carried)
        if self.parked is None or len(self.parked["t"]) == 0:
            self.parked = carried
        else:
            merged = {c: np.concatenate((self.parked[c], carried[c])) for c in carried}
            by_row = np.argsort(merged["_row"], kind="stable")
            self.parked = {c: v[by_row] for c, v in merged.items()}

    def _keys_of(self, cols: dict[str, np.ndarray]) -> np.ndarray:
        task = cols["task"]
        if "variant" in cols:  # a condition is not a retry: a task under A and under B are two keys, as when read whole
            task = self.contexts.codes(cols["variant"], task)
        return _pack(self._code(cols, "participant"), self._code(cols, "session"), task)

    # -- the result --------------------------------------------------------------------------------

    def attempts_frame(self) -> pd.DataFrame:
        import pandas as pd  # blocks are numpy and pyarrow; only the finished attempts become a frame

        pieces = self.pieces
        if not pieces.size:
            frame = empty_attempts()
            frame["_start"], frame["_end"], frame["_max_gap"] = (pd.Series(dtype=np.float64) for _ in range(3))
            if self.idle_gap is not None:
                frame["_idle"] = pd.Series(dtype=np.float64)
            return frame
        size = pieces.size
        rows = pieces.buffers["_row"][:size]
        # attempts come out nearly in order of their start rows (those spanning blocks come late)
        order = None if np.all(rows[1:] > rows[:-1]) else np.argsort(rows, kind="stable")
        data = {}
        for name in pieces.columns or []:  # one column at a time: memory holds the buffers plus one column
            if name == "_file":
                data[name] = np.full(size, self.index, dtype=np.int64)
                continue
            values = pieces.buffers.pop(name)[:size]
            values = values[order] if order is not None else values.copy()
            if name == "attempt":
                values = values.astype(np.int64)
            if name in self.labels:
                data[name] = self.labels[name].categorical(values)
            elif name in ("participant", "session", "variant", "task"):
                data[name] = pd.Categorical.from_codes(values, categories=[])
            elif name == "outcome":
                data[name] = pd.Categorical.from_codes(values, dtype=OUTCOME_DTYPE)
            else:
                data[name] = values
        pieces.size = 0
        return pd.DataFrame(data, copy=False)


# Threads parsing blocks side by side, each with pyarrow's single-threaded parser. On 2 cores this
# beat one block at a time on pyarrow's own threads (10M events: 2.1-2.3 s against 2.6 s): blocks
# are independent, so the parsers never wait for each other. One core: one block at a time.
PARSE_WORKERS = min(4, os.cpu_count() or 1)


def _ahead(items, window: int = 2):
    """The items of an iterator, in order, produced by a thread of their own up to ``window`` items
    ahead: reading (and what the iterator does with the GIL released: I/O, pyarrow) overlaps the
    caller's work. An exception of the iterator is raised here, in its place."""
    ready: queue.Queue = queue.Queue(maxsize=window)
    stop = threading.Event()
    done = object()

    def hand(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand((item, None)):
                    return
        except BaseException as exc:  # Fallback (a record longer than many blocks), OSError, InputError
            hand((None, exc))
            return
        hand((done, None))

    thread = threading.Thread(target=produce, name="uxcli-read", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:  # done, or the engine gave up: let the thread go
        stop.set()
        thread.join()


def _parsed_ahead(engine: _Engine, blocks, workers: int, window: int = 2):
    """(table, lines) of each block in order. A reader thread reads and cuts the blocks and hands them to
    ``workers`` threads that scan and parse them, up to ``window`` blocks ahead (memory: that many blocks'
    bytes and tables); this thread only takes the results, so it spends its time deriving."""

    def scan_and_parse(data: bytes, byte0: int) -> tuple[pa.Table, BlockLines]:
        lines = _lines_of(data, byte0)
        return engine.parse(data, False, lines), lines

    with ThreadPoolExecutor(workers, thread_name_prefix="uxcli-parse") as pool:
        for future in _ahead((pool.submit(scan_and_parse, data, byte0) for data, byte0 in blocks), window):
            yield future.result()


def read_event_log(file: FileContext, block_size: int | None = None, reducer: Reducer | None = None):
    """(InputFile, attempts frame) of an event-log file, read block by block; raises Fallback.

    With a ``reducer`` (uxcli.readers.stream.summary) the attempts go into its group statistics and the
    frame is None. Problems go to ``file.problems`` only when the whole file was read without falling back.
    """
    source, path = file.source, file.source.path
    if path is None:  # stdin: what a fallback reads whole cannot have been read here before
        raise Fallback("stdin")
    columnar = None
    if source.suffix in COLUMNAR_SUFFIXES:  # Parquet, Arrow IPC: batch by batch, as text the CSV would hold
        from uxcli.readers.stream import columnar as col

        columnar = col.ColumnarLog(path, source.name)
        header = header_of(file, columnar.headers, ",", 1, 0)
    else:
        try:
            header = _read_header(file, path)
        except InputError:
            raise Fallback("header") from None
    if reducer is not None:  # a summary reads the key columns and the ones it groups by, no other
        header = header.narrowed(reducer.by)
    engine = _Engine(header, file.index, file.options.idle_gap, source.name, reducer)
    if columnar is not None:
        blocks = _ahead(col.engine_batches(columnar, header, file.options.progress))  # decoded beside the derivation
        engine.fetch = lambda rows: col.fetch_rows(columnar, rows)
    else:
        total = os.path.getsize(path)
        raw = _blocks(path, header.data_start, block_size or BLOCK_SIZE)
        if PARSE_WORKERS > 1:
            blocks = _numbered(_parsed_ahead(engine, raw, PARSE_WORKERS))
        else:
            blocks = _numbered((data, _lines_of(data, byte0)) for data, byte0 in raw)
    progress = file.options.progress if columnar is None else None  # (columnar batches report their own)
    for block, lines in blocks:  # blocks parse on the pool while this thread maps and derives
        engine.derive(engine.columns(block, lines, source), final=False)
        if progress is not None:
            progress(lines.byte0 + lines.size, total)
    if engine.rows == 0:
        raise Fallback("no data rows")
    if not engine.event_counts[engine.kind_of == EVENT_KINDS.index("start")].any():
        raise Fallback("no start events")  # the whole-file reader says why (events.no_starts)
    engine.derive(
        {c: np.zeros(0, dtype=np.int32) for c in header.labels}
        | {"t": np.zeros(0), "kind": np.zeros(0, dtype=np.int8), "_row": np.zeros(0, dtype=np.int64)},
        final=True,
    )
    engine.state, engine.parked = KeyState(), None  # not needed any more: free them before the frame is built

    account = FileAccount(source.name, "events")
    account.rows = engine.rows
    fields = describe_fields(header.fields, file.options.time_unit, source.name, header.header_line)
    info = InputFile(
        source.name,
        "events",
        account,
        engine.lines,
        engine="stream",
        headers=header.headers,
        reading=REGISTRY["events"].title + "; " + ", ".join(fields),  # as the whole-file reader says it (-v)
    )
    local = Problems(list(header.problems))
    converted = engine.time_kind == "number"
    local.items.extend(header.unit.problems(source.name, header.header_line, header.fields["timestamp"], converted))
    _warn_typos(engine, info, local)
    attempts = engine.attempts_frame() if reducer is None else None
    pieces = engine.pieces
    _report_repeats(engine, info, local, path)
    account.aside(OUTSIDE, pieces.outside_count)
    outside = np.concatenate(pieces.outside) if pieces.outside else np.zeros(0, dtype=np.int64)
    unended = np.concatenate(pieces.unended) if pieces.unended else np.zeros(0, dtype=np.int64)
    attempt_warnings(info, outside, unended, attempts, local)  # attempts None: the reducer checked overlaps
    for problem in local.items:
        file.problems.add(problem)
    return info, attempts


def _warn_typos(engine: _Engine, info: InputFile, problems: Problems) -> None:
    """Warnings about event words uxcli does not know (worded by events.warn_unknown_events for both
    engines), from the counts kept while streaming."""
    found = [
        (word, int(engine.event_counts[code]), int(info.lines(np.array([engine.event_first[code]]))[0]))
        for code, word in enumerate(engine.events.names)
        if engine.kind_of[code] == engine.other and worth_a_warning(word)
    ]
    header = engine.header
    warn_unknown_events(found, info.name, header.fields["event"], header.header_line, problems)


def _report_repeats(engine: _Engine, info: InputFile, problems: Problems, path: Path) -> None:
    """Repeated events, set aside (starts, ends) or counted (others), reported by checks.repeated_events
    exactly as when read whole. Whether a kept repeat matches its earlier row in every column is decided
    on those rows only, read again from the file."""
    import pandas as pd  # a small frame of the few rows involved

    dropped = np.sort(np.concatenate(engine.dropped)) if engine.dropped else np.zeros(0, dtype=np.int64)
    info.account.aside("duplicate event", len(dropped))
    pairs = np.concatenate(engine.repeats) if engine.repeats else np.zeros((0, 2), dtype=np.int64)
    if not len(pairs):
        return
    rows = np.unique(pairs.ravel())
    kept = ~np.isin(pairs[:, 0], dropped)
    wanted = np.unique(pairs[kept].ravel())
    cells = (engine.fetch or (lambda rows: _fetch_rows(engine, path, rows)))(wanted) if len(wanted) else {}
    seen: dict[tuple, int] = {}
    same = np.array([seen.setdefault(cells[r], len(seen)) if r in cells else -1 - i for i, r in enumerate(rows)])
    events = pd.DataFrame({"_row": rows, "_same": same})
    checks.repeated_events(info, events, np.searchsorted(rows, pairs), np.searchsorted(rows, dropped), problems, None)


def _fetch_rows(engine: _Engine, path: Path, rows: np.ndarray) -> dict[int, tuple]:
    """Every column of the given data rows (whitespace-trimmed text, as checks compares them), read
    again from the file: from the mark before each row's line, at most MARK_EVERY lines each."""
    h = engine.header
    firsts = np.array([row0 for row0, _ in engine.block_index], dtype=np.int64)
    in_block = np.searchsorted(firsts, rows, side="right") - 1
    pieces = []
    with open_input(path) as handle:
        for row, b in zip(rows.tolist(), in_block.tolist()):
            row0, where = engine.block_index[b]
            begin = _row_start(handle, where, row - row0)
            end = _row_start(handle, where, row - row0 + 1) if row - row0 + 1 < where.rows else where.size
            handle.seek(where.byte0 + begin)
            piece = handle.read(end - begin)
            pieces.append(piece if piece.endswith(b"\n") else piece + b"\n")  # the file's last line may have none
    # one parse for all the rows (a parse costs about a millisecond however small: thousands of repeats in big logs)
    table = pacsv.read_csv(
        pa.py_buffer(b"".join(pieces)),
        read_options=pacsv.ReadOptions(column_names=h.headers, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=h.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(h.headers, pa.string()), strings_can_be_null=False
        ),
    )
    if table.num_rows != len(pieces):
        raise Fallback("rows read again do not match")
    columns = [pc.utf8_trim_whitespace(c).to_pylist() for c in table.columns]
    return {row: tuple(cells) for row, cells in zip(rows.tolist(), zip(*columns))}


def _row_start(handle, where: BlockLines, row: int) -> int:
    """Byte offset (within its block) of the line that starts the block's ``row``-th row."""
    line = row
    if where.skipped is not None and len(where.skipped):  # the row-th line that is not skipped
        line += int(np.searchsorted(where.skipped - np.arange(len(where.skipped)), row, side="right"))
    marks = where.marks
    assert marks is not None  # CSV blocks have marks (columnar logs fetch rows their own way)
    mark = line // MARK_EVERY
    begin = int(marks[mark])
    stop = int(marks[mark + 1]) if mark + 1 < len(marks) else where.size
    handle.seek(where.byte0 + begin)
    chunk = handle.read(stop - begin)
    nl = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
    offset = line % MARK_EVERY
    return begin + (int(nl[offset - 1]) + 1 if offset else 0)
