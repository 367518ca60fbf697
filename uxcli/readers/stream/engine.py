"""The streaming engine: big event-log CSV files in bounded memory, with the whole-file reader's exact results.

One mechanism: the file is read in byte blocks cut at line ends; blocks are parsed by pyarrow
side by side on a small thread pool (only the columns needed, labels dictionary-encoded), their labels are
mapped to global integer codes (dictionaries are small: a Python dict lookup per distinct
label, never per row), and its events, ordered by key (stable, so in file order within a key),
go through :func:`uxcli.tasks.attempts.attempts_of_sorted`: the rules of :func:`uxcli.tasks.attempts.derive_attempts` on
integer arrays (searchsorted and running counts; no Python per row or per attempt). The pool
parses the next blocks while one is derived. Between blocks the only state is:

* per (participant, session, task) key: the time and kind of its last event (to prove the file
  is in time order within each key, and to catch a repeated event across a block boundary) and
  how many attempts it has finished (so attempt numbers continue);
* the rows of attempts still open at the end of a block (a start without an end yet). They
  are parked and fed again, ahead of the block's rows, to the next block that has events of
  that key, so an attempt spanning blocks is derived from all of its rows: exactly as when read whole.

Anything that needs whole-file context to be reported exactly as the whole-file reader reports it makes
the engine give up (:class:`Fallback`) and the caller reads the file whole instead:
quotes or blank lines (line numbers), rows with a different number of fields, an encoding
other than UTF-8, empty labels, events or timestamps (errors), repeated events, events out of
time order within a participant + session + task, labels differing only by spaces, more than
2M distinct labels in a column, no start event at all (refused by the whole-file reader). Labels in another
Unicode form than NFC are merged here, as there (codes.Labels). Clean recorder output, the case that is big, never falls
back. Problems are collected locally and only handed over when the engine succeeds; then the
attempts frame, the problems (messages and lines), the row accounting and the summaries are
identical to the whole-file reader's (tests/test_stream.py). Memory: a few blocks in flight (~12 MB
of CSV each), the per-key state, and the finished attempts (~80 bytes each), which the attempts frame
needs anyway; or, for a summary, only per-group statistics (uxcli.readers.stream.summary).
"""

from __future__ import annotations

import codecs
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxcli.errors import InputError, Problem, Problems
from uxcli.readers.checks import OUTSIDE, attempt_warnings
from uxcli.readers.common import FileAccount
from uxcli.readers.csvfile import CsvTable, TimeUnit, map_header, time_unit_of, to_seconds
from uxcli.readers.dataset import InputFile
from uxcli.readers.events import REQUIRED, warn_unknown_events, worth_a_warning
from uxcli.readers.layouts import detect
from uxcli.readers.options import FileContext
from uxcli.readers.sniff import (
    first_nonblank_line,
    header_names,
    looks_like_yaml,
    needs_recoding,
    sniff_delimiter,
)
from uxcli.readers.stream import Fallback
from uxcli.readers.stream.codes import CODE_BITS, KeyState, Labels
from uxcli.readers.stream.summary import Reducer, RunningOverlaps
from uxcli.readers.times import has_zone, timestamps
from uxcli.tasks.attempts import OUTCOME_DTYPE, SUCCESS, attempts_of_sorted, empty_attempts
from uxcli.vocab import EVENT_KINDS, EVENT_WORDS, normalize_word

if TYPE_CHECKING:
    import pandas as pd

BLOCK_SIZE = 12 << 20  # bytes per block (~340k events): pyarrow parses it on all cores; memory ~flat in it
HEAD_BYTES = 1 << 16

ProgressFn = Callable[[int, int], None]


def _check_order(t: np.ndarray, kind: np.ndarray, new_key: np.ndarray) -> None:
    """Within a key, times must not go back, and an event must not repeat the one before (same
    time and kind): the whole-file reader reports both (and drops repeated starts and ends)."""
    same = ~new_key[1:]
    not_after = same & (t[1:] <= t[:-1])
    if not not_after.any():  # the usual case: one check for both
        return
    if np.any(not_after & (t[1:] < t[:-1])):
        raise Fallback("events out of time order within a participant and task")
    if np.any(not_after & (kind[1:] == kind[:-1])):
        raise Fallback("repeated events")


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


def _read_header(file: FileContext, path: Path) -> _Header:
    """The header of an event-log file, from its head; Fallback when the head shows the whole-file
    reader is needed (not UTF-8, quotes, YAML, another layout, a missing column)."""
    source, layout = file.source, file.options.layout
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    bom = 0
    if head.startswith(codecs.BOM_UTF8):
        bom = 3
    elif file.options.encoding is None and needs_recoding(head):
        raise Fallback("not UTF-8 text")
    head = head[bom:]
    if b'"' in head or not head.strip():
        raise Fallback("quotes or empty")
    if layout is None and looks_like_yaml(source.suffix, head):
        raise Fallback("YAML")
    header_line, header_text = first_nonblank_line(head, source.name)
    lines = head.split(b"\n", header_line)
    if len(lines) <= header_line:  # the header line is not complete within the head
        raise Fallback("long header")
    data_start = bom + len(head) - len(lines[header_line])
    delimiter = sniff_delimiter(header_text)
    headers = header_names(header_text, delimiter, source.name, header_line)
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


def _blocks(path, start: int, block_size: int, total: int, progress: ProgressFn | None):
    """(block, line count) for blocks of whole lines, read into one reused buffer.

    A block is a memoryview valid until the next one is asked for (it is parsed before that).
    Reusing the buffer spares the page faults of a fresh allocation per block.
    """
    buf = bytearray(2 * block_size)
    have = 0
    with open(path, "rb") as handle:
        handle.seek(start)
        while True:
            if len(buf) - have < block_size:  # a line longer than a block: a bigger buffer
                buf = buf[:have] + bytearray(max(block_size, have))
            with memoryview(buf) as view:
                more = handle.readinto(view[have : have + block_size])
            have += more
            if more:
                cut = buf.rfind(b"\n", 0, have) + 1
                if cut == 0:
                    continue
            else:
                cut = have
            if cut:
                if buf.find(b'"', 0, cut) >= 0:
                    raise Fallback("quotes")
                block = memoryview(buf)[:cut]  # parsed (into new arrays) before the next read
                data = np.frombuffer(block, dtype=np.uint8)
                if data.max() >= 128:
                    try:
                        str(block, "utf-8")
                    except UnicodeDecodeError:
                        raise Fallback("not UTF-8") from None
                # pyarrow skips blank lines and ends a line at a lone CR: the parsed row count
                # must equal the line count for row i to be line header_line + 1 + i (add_block)
                yield block, int(np.count_nonzero(data == 10)) + (buf[cut - 1] != 10)
                del block, data
                buf[: have - cut] = buf[cut:have]  # the partial last line to the front (same size)
                have -= cut
            if progress is not None:
                progress(min(handle.tell(), total), total)
            if not more:
                return


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
        self.parked: dict[str, np.ndarray] | None = None  # rows of open attempts
        self.rows = 0
        self.time_kind: str | None = None
        self.float_times = True
        self.pieces = _Pieces()

    # -- parsing ---------------------------------------------------------------------------------

    def parse(self, block: bytes, threads: bool = True) -> pa.Table:
        """The block's columns; timestamps as float64 while they are numbers, else as text."""
        if self.float_times:
            try:
                return self._parse(block, pa.float64(), threads)
            except Fallback:  # not numbers (ISO date-times?): text from now on, parsed as when read whole
                self.float_times = False
        return self._parse(block, pa.string(), threads)

    def _parse(self, block: bytes, time_type, threads: bool = True) -> pa.Table:
        h = self.header
        ts = h.fields["timestamp"]
        wanted = [*h.columns.values(), h.fields["event"], ts]
        types = {c: pa.dictionary(pa.int32(), pa.string()) for c in wanted}
        types[ts] = time_type

        def bad_row(row) -> str:
            return "error"

        try:
            table = pacsv.read_csv(
                pa.py_buffer(block),
                # 4 MB chunks: one chunk per 12 MB block saved no time and cost ~50 MB of peak memory
                read_options=pacsv.ReadOptions(column_names=h.headers, block_size=4 << 20, use_threads=threads),
                # blocks are checked: no quotes, valid UTF-8 (so pyarrow need not look for either)
                parse_options=pacsv.ParseOptions(delimiter=h.delimiter, quote_char=False, invalid_row_handler=bad_row),
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
        return self.kind_of[codes]

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

    def columns(self, block, lines: int, source) -> dict[str, Any]:
        """A block's rows as arrays: global label codes, kind, t, _row, and their key order.

        ``block`` is CSV bytes, or a table parse() made of them. (Running this in a thread of its
        own, beside the derivation, saved nothing measurable: both mostly wait for the GIL.)
        """
        table = block if isinstance(block, pa.Table) else self.parse(block)
        n = table.num_rows
        if n != lines:
            raise Fallback("blank lines or lone carriage returns")
        row0 = self.rows
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
        _check_order(t, kind, new_key)
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
        if np.any((first_t == self.state.last_t[p]) & (first_kind == self.state.last_kind[p])):
            raise Fallback("repeated event across blocks")

        # a summary (reducer) needs no pauses unless idle time is capped
        found = attempts_of_sorted(
            t, kind, new_key, self.idle_gap, gaps=self.reducer is None or self.idle_gap is not None
        )
        pos = self.state.insert(ukeys)
        self.state.last_t[pos] = t[ends]
        self.state.last_kind[pos] = kind[ends]

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
        return _pack(self._code(cols, "participant"), self._code(cols, "session"), cols["task"])

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


def _parsed_ahead(engine: _Engine, blocks, workers: int, window: int = 4):
    """(table, lines) of each block in order, parsed by ``workers`` threads up to ``window`` blocks
    ahead (memory: that many blocks' bytes and tables, ~15 MB each)."""
    with ThreadPoolExecutor(workers, thread_name_prefix="uxcli-parse") as pool:
        pending: deque = deque()
        for block, lines in blocks:
            pending.append((pool.submit(engine.parse, bytes(block), False), lines))  # bytes: the buffer is reused
            if len(pending) >= window:
                future, count = pending.popleft()
                yield future.result(), count
        while pending:
            future, count = pending.popleft()
            yield future.result(), count


def read_event_log(file: FileContext, block_size: int | None = None, reducer: Reducer | None = None):
    """(InputFile, attempts frame) of an event-log file, read block by block; raises Fallback.

    With a ``reducer`` (uxcli.readers.stream.summary) the attempts go into its group statistics and the
    frame is None. Problems go to ``file.problems`` only when the whole file was read without falling back.
    """
    source, path = file.source, file.source.path
    if path is None:  # stdin: what a fallback reads whole cannot have been read here before
        raise Fallback("stdin")
    try:
        header = _read_header(file, path)
    except InputError:
        raise Fallback("header") from None
    total = os.path.getsize(path)
    engine = _Engine(header, file.index, file.options.idle_gap, source.name, reducer)
    blocks = _blocks(path, header.data_start, block_size or BLOCK_SIZE, total, file.options.progress)
    if PARSE_WORKERS > 1:
        blocks = _parsed_ahead(engine, blocks, PARSE_WORKERS)
    for block, lines in blocks:  # blocks parse on the pool while this thread maps and derives
        engine.derive(engine.columns(block, lines, source), final=False)
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

    first_line = header.header_line + 1
    account = FileAccount(source.name, "events")
    account.rows = engine.rows
    info = InputFile(
        source.name,
        "events",
        account,
        lambda rows: np.asarray(rows, dtype=np.int64) + first_line,
        engine="stream",
        headers=header.headers,
    )
    local = Problems(list(header.problems))
    converted = engine.time_kind == "number"
    local.items.extend(header.unit.problems(source.name, header.header_line, header.fields["timestamp"], converted))
    _warn_typos(engine, info, local)
    attempts = engine.attempts_frame() if reducer is None else None
    pieces = engine.pieces
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
