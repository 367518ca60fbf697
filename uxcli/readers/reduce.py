"""Summaries straight from the stream: per-group statistics fed block by block, in bounded memory.

``uxcli summary`` needs no row per attempt: the streaming engine (uxcli.readers.stream) hands
each block's finished attempts to a :class:`Reducer`, which adds them to a
:class:`uxcli.metrics.GroupStats` and drops them. What is kept grows with the number of groups,
participants and (participant, task) keys, not with the number of events.

The v1 path also reports overlapping attempts and participants seen with several variants;
both need every attempt of a participant. Here they are checked with a running state per
participant instead: as long as nothing is found the answer is the same as v1's ("nothing to
report"). When something is found (or attempts come in an order the running check cannot
vouch for), the reducer gives up (:class:`~uxcli.readers.stream.Fallback`) and the caller
reads the inputs again into an attempts frame, so warnings stay exactly v1's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from uxcli.attempts import KEY_COLUMNS, OUTCOME_DTYPE
from uxcli.metrics import Grouped, GroupStats
from uxcli.readers.stream import Fallback, _KeyState, _Labels

NUMERIC = ("attempt", "outcome")  # groupable columns that are not labels
_ROW_BITS = 40  # order key: file index above the row number


@dataclass
class SummaryRequest:
    """What a summary will be computed over: known before reading, so no attempt needs keeping."""

    by: list[str]
    time_of: str = "success"


class Reducer:
    """Group statistics of every attempt of every file of one read (labels shared across files)."""

    def __init__(self, request: SummaryRequest) -> None:
        self.by = list(request.by)
        self.stats = GroupStats(request.time_of)
        self.labels: dict[str, _Labels] = {}  # one code space per column across files
        self.group_ids: dict[tuple, int] = {}
        self.variant = np.zeros(0, dtype=np.int32)  # per participant code: first variant code seen, -1 none
        self.conflicted = np.zeros(0, dtype=bool)

    def labels_for(self, columns: list[str]) -> dict[str, _Labels]:
        # participant, session, variant and task are always there (empty when a file lacks them)
        missing = [c for c in self.by if c not in columns and c not in NUMERIC and c not in KEY_COLUMNS]
        if missing:  # the v1 path says which columns there are
            raise Fallback(f"cannot group by {missing[0]}")
        return {c: self.labels.setdefault(c, _Labels()) for c in columns}

    def add(self, attempts: dict[str, np.ndarray], file_index: int) -> None:
        """Add a block's finished attempts (the arrays uxcli.readers.stream builds)."""
        self.stats.add(self._groups(attempts), (np.int64(file_index) << _ROW_BITS) | attempts["_row"],
                       attempts["outcome"], attempts["errors"], attempts["clicks"], attempts["time"])
        if "variant" in attempts:
            self._variants(attempts["participant"], attempts["variant"])

    def _groups(self, attempts: dict[str, np.ndarray]) -> np.ndarray:
        n = len(attempts["_row"])
        if not self.by:
            return np.zeros(n, dtype=np.int64)
        columns = [attempts[c].astype(np.int64) + 1 if c in attempts else np.zeros(n, dtype=np.int64)
                   for c in self.by]  # codes from 0 (missing) up
        radix = [int(c.max()) + 1 if n else 1 for c in columns]
        if np.prod(np.array(radix, dtype=np.float64)) < 2.0 ** 62:  # one int64 per attempt: hashed, not sorted
            key = np.zeros(n, dtype=np.int64)
            for column, size in zip(columns, radix):
                key = key * size + column
            inverse, uniques = pd.factorize(key)
            digits = []
            for size in reversed(radix):
                digits.append(uniques % size)
                uniques = uniques // size
            keys = np.stack(digits[::-1], axis=1) - 1
        else:
            keys, inverse = np.unique(np.stack(columns, axis=1) - 1, axis=0, return_inverse=True)
        ids = np.array([self.group_ids.setdefault(key, len(self.group_ids)) for key in map(tuple, keys.tolist())],
                       dtype=np.int64)
        return ids[inverse.ravel()]

    def _variants(self, participant: np.ndarray, variant: np.ndarray) -> None:
        """Track which participants were seen with more than one variant."""
        size = len(self.labels["participant"].names)
        if size > len(self.variant):
            self.variant = np.r_[self.variant, np.full(size - len(self.variant), -1, dtype=np.int32)]
            self.conflicted = np.r_[self.conflicted, np.zeros(size - len(self.conflicted), dtype=bool)]
        known = variant >= 0
        p, v = participant[known], variant[known]
        unseen = self.variant[p] < 0
        self.variant[p[unseen]] = v[unseen]  # any of them: a second, different one is a conflict anyway
        self.conflicted[p[self.variant[p] != v]] = True

    def finish(self) -> Grouped:
        """The group statistics; gives up when v1 would list participants with several variants."""
        conflicted = int(self.conflicted.sum())
        if conflicted and conflicted <= int((self.variant >= 0).sum()) / 2:
            raise Fallback("participants with several variants (v1 lists them)")
        return Grouped(self.by, self.stats, self._labels())

    def _labels(self) -> pd.DataFrame:
        if not self.by:
            return pd.DataFrame(index=range(self.stats.groups))
        keys = np.array(sorted(self.group_ids, key=self.group_ids.__getitem__), dtype=np.int64).reshape(-1, len(self.by))
        columns = {}
        for i, name in enumerate(self.by):
            codes = keys[:, i]
            if name == "attempt":
                columns[name] = codes
            elif name == "outcome":
                columns[name] = pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE)
            else:
                columns[name] = self.labels.setdefault(name, _Labels()).categorical(codes.astype(np.int32))
        return pd.DataFrame(columns)


class RunningOverlaps:
    """v1's overlapping-attempts check (uxcli.readers.checks), kept per participant + session as
    the blocks' attempts arrive: the latest start and end seen so far."""

    def __init__(self) -> None:
        self.state = _KeyState({"start": np.float64, "end": np.float64})

    def check(self, who: np.ndarray, start: np.ndarray, end: np.ndarray, row: np.ndarray) -> None:
        """Raise Fallback when an attempt may overlap an earlier one (then v1 reports it).

        v1 flags an attempt that starts before the latest end of the attempts sorted before it.
        Every attempt ends at or after its start, so when each one starts at or after the end of
        the one just before it, those ends only grow: comparing neighbours is the whole check.
        """
        if len(who) == 0:
            return
        end = np.where(np.isnan(end), start, end)  # an unended attempt is reported on its own
        order = np.lexsort((row, start, who))  # v1's order: by participant, start, then line
        w, s, e = who[order], start[order], end[order]
        first = np.r_[True, w[1:] != w[:-1]]
        if np.any(~first[1:] & (s[1:] < e[:-1])):
            raise Fallback("overlapping attempts (v1 lists them)")
        ukeys, last = w[first], np.r_[np.flatnonzero(first)[1:], len(w)] - 1
        pos, found = self.state.lookup(ukeys)
        p, first_start = pos[found], s[first][found]
        if np.any(first_start <= self.state["start"][p]):  # not in start order: v1 might pair them otherwise
            raise Fallback("attempts of a participant out of start order across blocks")
        if np.any(first_start < self.state["end"][p]):
            raise Fallback("overlapping attempts (v1 lists them)")
        pos = self.state.insert(ukeys)
        self.state["end"][pos] = e[last]
        self.state["start"][pos] = s[last]
