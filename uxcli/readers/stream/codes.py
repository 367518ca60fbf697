"""Label coding and per-key state: what the streaming engine keeps between blocks.

:class:`Labels` gives every distinct label of a column one integer code, across blocks and files, in order of
first appearance; :class:`KeyState` keeps a few numbers per key (an int64 packing participant, session
and task codes) in sorted arrays. Both are shared by the engine and the summary reducer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from uxcli.readers.stream import Fallback

if TYPE_CHECKING:
    import pandas as pd

CODE_BITS = 21  # a key packs participant, session and task codes into one int64
CODE_LIMIT = (1 << CODE_BITS) - 2


@dataclass
class Labels:
    """Global codes for one label column, in order of first appearance (like the whole-file reader's categories)."""

    raw: dict[str, int] = field(default_factory=dict)  # label as written -> code (-1: empty)
    padded: dict[str, int] = field(default_factory=dict)  # labels written with spaces, stripped -> code
    names: list[str] = field(default_factory=list)
    # labels not in Unicode NFC ("café" with a combining accent), by their NFC form -> code: forms that
    # look the same are one label, as in the whole-file reader (uxcli.readers.common.nfc_labels)
    composed: dict[str, int] = field(default_factory=dict)

    def codes(self, column: pa.ChunkedArray) -> np.ndarray:
        """int32 global codes of a dictionary column (one dict lookup per distinct label)."""
        if column.num_chunks == 0:
            return np.zeros(0, dtype=np.int32)
        parts = []
        for chunk in column.chunks:  # each parsed chunk has its own (small) dictionary
            lookup = self._lookup(chunk.dictionary.to_pylist())
            indices = chunk.indices.to_numpy(zero_copy_only=False)
            parts.append(np.take(lookup, indices))  # take: about twice as fast as lookup[indices]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _lookup(self, values: list[str]) -> np.ndarray:
        codes = list(map(self.raw.get, values))
        if None in codes:  # a dictionary lists each label once: each new one is added once
            codes = [self._new(value) if code is None else code for value, code in zip(values, codes)]
        return np.array(codes, dtype=np.int32)

    def _new(self, value: str) -> int:
        text = value.strip()
        # " P01" and "P01": the whole-file reader merges them and sorts its categories. One dict per column for
        # the usual labels (no spaces to strip): a few hundred thousand participant ids add up.
        if text in self.padded or (text != value and text in self.raw):
            raise Fallback("labels that differ only by spaces")
        nfc = text if text.isascii() else unicodedata.normalize("NFC", text)
        if nfc != text:  # the same label as its NFC form, written as is (with or without spaces) or not
            same = self.composed.get(nfc, self.raw.get(nfc, self.padded.get(nfc)))
            code = len(self.names) if same is None else same
            self.composed[nfc] = code
        else:  # in NFC: the same label as a form not in NFC seen before, if any
            code = -1 if text == "" else self.composed.get(text, len(self.names))
        if code > CODE_LIMIT:
            raise Fallback("too many distinct labels")
        if code == len(self.names):
            self.names.append(nfc)
        if text != value:
            self.padded[text] = code
        self.raw[value] = code
        return code

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        import pandas as pd  # only the finished labels become pandas

        return pd.Categorical.from_codes(codes, categories=pd.Index(self.names, dtype="str"), validate=False)


PAIR_TABLE_LIMIT = 1 << 24  # cells of the (condition, task) table: 64 MB; more pairs than that: read whole


@dataclass
class PairCodes:
    """Dense codes of (a, b) pairs of label codes (``a`` may be -1: no label), numbered as first met. A 2D
    table grown with the labels, so a block's pairs cost one fancy index, not a sort."""

    table: np.ndarray = field(default_factory=lambda: np.full((0, 0), -1, dtype=np.int32))
    count: int = 0

    def codes(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(a):
            return np.zeros(0, dtype=np.int32)
        self._fit(int(a.max()) + 2, int(b.max()) + 1)
        codes = self.table[a + 1, b]
        new = codes < 0
        if new.any():  # pairs not met before: numbered in the order they first appear here
            width = self.table.shape[1]
            flat, first = np.unique((a[new] + 1).astype(np.int64) * width + b[new], return_index=True)
            flat = flat[np.argsort(first)]
            if self.count + len(flat) > CODE_LIMIT:
                raise Fallback("too many condition and task pairs")
            self.table.flat[flat] = np.arange(self.count, self.count + len(flat), dtype=np.int32)
            self.count += len(flat)
            codes = self.table[a + 1, b]
        return codes

    def _fit(self, rows: int, columns: int) -> None:
        """Room for ``rows`` × ``columns`` pairs (doubling, so growing often stays cheap)."""
        have = self.table.shape
        if rows <= have[0] and columns <= have[1]:
            return
        shape = (
            max(rows, 2 * have[0] if rows > have[0] else have[0]),
            max(columns, 2 * have[1] if columns > have[1] else have[1]),
        )
        if shape[0] * shape[1] > PAIR_TABLE_LIMIT:
            raise Fallback("too many condition and task pairs")
        grown = np.full(shape, -1, dtype=np.int32)
        grown[: have[0], : have[1]] = self.table
        self.table = grown


class KeyState:
    """Sorted int64 keys with, per key, the fields given (default: the last event's time and kind,
    and how many attempts the key has finished).

    The arrays have spare capacity: new keys (usually above all earlier ones: new participants)
    are appended in place, so a block costs time in its own keys, not in all keys seen so far.
    """

    # last_row is widened to int64 past 2**31 - 1 rows (widen()): 4 bytes a key less below that
    FIELDS = {"last_t": np.float64, "last_kind": np.int8, "count": np.int32, "last_row": np.int32}

    def __init__(self, fields: dict | None = None) -> None:
        self.n = 0
        self.buffers = {
            name: np.zeros(0, dtype=dtype) for name, dtype in {"keys": np.int64, **(fields or self.FIELDS)}.items()
        }

    def __getitem__(self, name: str) -> np.ndarray:
        return self.buffers[name][: self.n]

    def fit(self, name: str, values: np.ndarray) -> None:
        """Widen a field's buffer when ``values`` would not fit its integer type."""
        buffer = self.buffers[name]
        if len(values) and values.max() > np.iinfo(buffer.dtype).max:
            self.buffers[name] = buffer.astype(np.int64)

    @property
    def keys(self) -> np.ndarray:
        return self["keys"]

    @property
    def last_t(self) -> np.ndarray:
        return self["last_t"]

    @property
    def last_kind(self) -> np.ndarray:
        return self["last_kind"]

    @property
    def count(self) -> np.ndarray:
        return self["count"]

    def lookup(self, ukeys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = self.keys
        pos = np.searchsorted(keys, ukeys)
        found = np.zeros(len(ukeys), dtype=bool)
        inside = pos < len(keys)
        found[inside] = keys[pos[inside]] == ukeys[inside]
        return pos, found

    def insert(self, ukeys: np.ndarray) -> np.ndarray:
        """Add the keys not there yet (their fields 0); return every key's position."""
        pos, found = self.lookup(ukeys)
        if found.all():
            return pos
        at, new = pos[~found], ukeys[~found]
        if at.min() == self.n:  # the usual case: all above the keys seen so far
            end = self.n + len(new)
            if end > len(self.buffers["keys"]):
                capacity = max(end, self.n + self.n // 16, 1 << 16)  # realloc: cheap to grow often, slack is memory
                for values in self.buffers.values():
                    # realloc (mremap for big arrays): no second copy alive while growing. Safe:
                    # no view of a buffer outlives a call (keys, last_t, ... are fresh slices).
                    values.resize(capacity, refcheck=False)
            self.buffers["keys"][self.n : end] = new
            for name, values in self.buffers.items():
                if name != "keys":
                    values[self.n : end] = 0
            self.n = end
        else:
            self.buffers = {name: np.insert(self[name], at, new if name == "keys" else 0) for name in self.buffers}
            self.n = len(self.buffers["keys"])
        return np.searchsorted(self.keys, ukeys)
