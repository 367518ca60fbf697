"""Summaries straight from the stream: per-group statistics fed block by block, in bounded memory.

``uxcli summary`` needs no row per attempt: the streaming engine (uxcli.readers.stream.engine) hands
each block's finished attempts to a :class:`Reducer`, which adds them to a
:class:`uxcli.tasks.metrics.GroupStats` and drops them. What is kept grows with the number of groups,
participants and (participant, task) keys, not with the number of events: the rates count participants
(uxcli.tasks.metrics), so each participant × session × task key keeps its key, attempt number, outcome
and time (about 33 bytes) for the attempts the reduction reads (one for a key tried once; pruned as blocks
arrive), until the summary reduces them to one outcome per key, bucket by bucket, exactly as the
whole-file path does, whatever the blocks' order.

The whole-file reader also reports overlapping attempts and participants seen with several variants;
both need every attempt of a participant. Here they are checked with a running state per
participant instead: as long as nothing is found the answer is the same as the whole-file reader's ("nothing to
report"). When something is found (or attempts come in an order the running check cannot
vouch for), the reducer gives up (:class:`~uxcli.readers.stream.engine.Fallback`) and the caller
reads the inputs again into an attempts frame, so warnings stay exactly the whole-file reader's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from uxcli.readers.stream import Fallback
from uxcli.readers.stream.codes import CODE_BITS, KeyState, Labels
from uxcli.tasks.attempts import KEY_COLUMNS, OUTCOME_DTYPE
from uxcli.tasks.metrics import Grouped, GroupStats

NUMERIC = ("attempt", "outcome")  # groupable columns that are not labels
_ROW_BITS = 40  # order key: file index above the row number


@dataclass
class SummaryRequest:
    """What a summary will be computed over: known before reading, so no attempt needs keeping."""

    by: list[str]
    time_of: str = "success"
    unit: str = "participant"  # what the rates count (uxcli.tasks.metrics.UNITS)


_UNSEEN = np.iinfo(np.int64).max  # a variant's first attempt, before one is seen


class _Mixing:
    """Per participant code: the first variant seen (-1: none yet) and whether another one came since."""

    def __init__(self) -> None:
        self.seen = np.zeros(0, dtype=np.int32)
        self.mixed = np.zeros(0, dtype=bool)

    def add(self, participant: np.ndarray, variant: np.ndarray, people: int) -> None:
        if people > len(self.seen):  # doubling: new participants come in every block of a big log
            extra = max(people, 2 * len(self.seen)) - len(self.seen)
            self.seen = np.r_[self.seen, np.full(extra, -1, dtype=np.int32)]
            self.mixed = np.r_[self.mixed, np.zeros(extra, dtype=bool)]
        unseen = self.seen[participant] < 0
        self.seen[participant[unseen]] = variant[unseen]  # any of them: a second, different one mixes anyway
        self.mixed[participant[self.seen[participant] != variant]] = True


@dataclass(frozen=True)
class StreamedDesign:
    """What a summary computed while streaming knows of the study design (uxcli.design.streamed_design)."""

    conditions: tuple[str, ...]  # the variant's values, in the order of their first attempts
    within: int  # participants with attempts under two or more conditions in one file
    columns: dict[str, tuple[str, ...]]  # the label columns read, with their values


class Reducer:
    """Group statistics of every attempt of every file of one read (labels shared across files)."""

    def __init__(self, request: SummaryRequest) -> None:
        self.by = list(request.by)
        self.stats = GroupStats(request.time_of, request.unit)
        self.labels: dict[str, Labels] = {}  # one code space per column across files
        self.group_ids: dict[tuple, int] = {}
        self.anywhere = _Mixing()  # who was seen with several variants, across files (the fallback rule)
        # the design, as uxcli.design.study_design finds it in an attempts frame: each condition's first
        # attempt (file, row), and participants with attempts under two conditions in one file
        self.first = np.zeros(0, dtype=np.int64)  # per variant code
        self.file_index, self.in_file = -1, _Mixing()
        self.within = np.zeros(0, dtype=bool)  # per participant code, in any one file

    def labels_for(self, columns: list[str]) -> dict[str, Labels]:
        # participant, session, variant and task are always there (empty when a file lacks them)
        missing = [c for c in self.by if c not in columns and c not in NUMERIC and c not in KEY_COLUMNS]
        if missing:  # the whole-file reader says which columns there are
            raise Fallback(f"cannot group by {missing[0]}")
        return {c: self.labels.setdefault(c, Labels()) for c in columns}

    def add(self, attempts: dict[str, np.ndarray], file_index: int) -> None:
        """Add a block's finished attempts (the arrays uxcli.readers.stream.engine builds)."""
        self.stats.add(
            self._groups(attempts),
            (np.int64(file_index) << _ROW_BITS) | attempts["_row"],
            attempts["outcome"],
            attempts["errors"],
            attempts["clicks"],
            attempts["time"],
            # participant × session × task, packed as the engine's keys: codes are shared across files
            unit=_unit_keys(attempts["participant"], attempts["session"], attempts["task"]),
            attempt=attempts["attempt"],
            person=attempts["participant"],
        )
        self._conditions(attempts["participant"], attempts["variant"], attempts["_row"], file_index)

    def _groups(self, attempts: dict[str, np.ndarray]) -> np.ndarray:
        n = len(attempts["_row"])
        if not self.by:
            return np.zeros(n, dtype=np.int64)
        columns = [
            attempts[c].astype(np.int64) + 1 if c in attempts else np.zeros(n, dtype=np.int64) for c in self.by
        ]  # codes from 0 (missing) up
        radix = [int(c.max()) + 1 if n else 1 for c in columns]
        if np.prod(np.array(radix, dtype=np.float64)) < 2.0**62:  # one int64 per attempt: hashed, not sorted
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
        ids = np.array(
            [self.group_ids.setdefault(key, len(self.group_ids)) for key in map(tuple, keys.tolist())], dtype=np.int64
        )
        return ids[inverse.ravel()]

    def _conditions(self, participant: np.ndarray, variant: np.ndarray, rows: np.ndarray, file_index: int) -> None:
        """Who was seen with which variant (-1 where a file has no variant), and each variant's first attempt."""
        known = variant >= 0
        p, v = participant[known], variant[known]
        people = len(self.labels["participant"].names)
        self.anywhere.add(p, v, people)
        if file_index != self.file_index:  # a new file: who mixed conditions is judged per file
            self._end_file()
            self.file_index = file_index
        self.in_file.add(p, v, people)
        size = len(self.labels["variant"].names) if "variant" in self.labels else 0
        if size > len(self.first):
            self.first = np.r_[self.first, np.full(size - len(self.first), _UNSEEN)]
        np.minimum.at(self.first, v, (np.int64(file_index) << _ROW_BITS) | rows[known])

    def _end_file(self) -> None:
        mixed = self.in_file.mixed
        if len(mixed) > len(self.within):
            self.within = np.r_[self.within, np.zeros(len(mixed) - len(self.within), dtype=bool)]
        self.within[: len(mixed)] |= mixed
        self.in_file = _Mixing()

    def design(self) -> StreamedDesign:
        """The conditions in the order their first attempts come, and how many participants did attempts
        under two or more of them in one file (what uxcli.design.study_design reads off an attempts frame)."""
        self._end_file()
        self.file_index = -1
        met = np.flatnonzero(self.first < _UNSEEN)
        names = self.labels["variant"].names if "variant" in self.labels else []
        conditions = tuple(names[c] for c in met[np.argsort(self.first[met], kind="stable")].tolist())
        columns = {c: tuple(labels.names) for c, labels in self.labels.items()}
        return StreamedDesign(conditions, int(self.within.sum()), columns)

    def finish(self) -> Grouped:
        """The group statistics; gives up when the whole-file reader would list participants with several variants."""
        conflicted = int(self.anywhere.mixed.sum())
        if conflicted and conflicted <= int((self.anywhere.seen >= 0).sum()) / 2:
            raise Fallback("participants with several variants (the whole-file reader lists them)")
        return Grouped(self.by, self.stats, self._labels())

    def _labels(self) -> pd.DataFrame:
        if not self.by:
            return pd.DataFrame(index=range(self.stats.groups))
        keys = np.array(sorted(self.group_ids, key=self.group_ids.__getitem__), dtype=np.int64).reshape(
            -1, len(self.by)
        )
        columns = {}
        for i, name in enumerate(self.by):
            codes = keys[:, i]
            if name == "attempt":
                columns[name] = codes
            elif name == "outcome":
                columns[name] = pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE)
            else:
                columns[name] = self.labels.setdefault(name, Labels()).categorical(codes.astype(np.int32))
        return pd.DataFrame(columns)


def _unit_keys(participant: np.ndarray, session: np.ndarray, task: np.ndarray) -> np.ndarray:
    """One int64 per participant × session × task (codes from -1, each below 2**CODE_BITS)."""
    return (
        ((participant.astype(np.int64) + 1) << (2 * CODE_BITS))
        | ((session.astype(np.int64) + 1) << CODE_BITS)
        | (task.astype(np.int64) + 1)
    )


class RunningOverlaps:
    """The whole-file overlapping-attempts check (uxcli.readers.checks), kept per participant + session as
    the blocks' attempts arrive: the latest start and end seen so far.

    Attempts must arrive in the order they started, with one exception: an attempt that stays open
    (parked) while later attempts of its participant finish. If it ends up unended, the whole-file check sees it as
    a point at its start, which overlaps only an attempt running at that moment. So its start is
    checked as a point: against what had arrived before it opened (their latest end) and against
    every attempt arriving while it is open.
    """

    def __init__(self) -> None:
        self.state = KeyState({"start": np.float64, "end": np.float64})
        # attempts open at a block's end, by start row: participant key, start, and the latest end
        # of the participant's attempts that had arrived before
        self.open: dict[str, np.ndarray] = {
            "row": np.zeros(0, dtype=np.int64),
            "who": np.zeros(0, dtype=np.int64),
            "start": np.zeros(0),
            "end_before": np.zeros(0),
        }

    def _latest(self, field: str, who: np.ndarray) -> np.ndarray:
        """The participants' latest start or end so far (-inf for one not seen yet)."""
        if self.state.n == 0:
            return np.full(len(who), -np.inf)
        pos, found = self.state.lookup(who)
        return np.where(found, self.state[field][np.minimum(pos, self.state.n - 1)], -np.inf)

    def park(self, who: np.ndarray, start: np.ndarray, row: np.ndarray) -> None:
        """Note attempts still open at the end of a block (called before the block's check)."""
        new = ~np.isin(row, self.open["row"])
        if not new.any():
            return
        by_row = np.argsort(row[new])
        added = {"row": row[new][by_row], "who": who[new][by_row], "start": start[new][by_row]}
        added["end_before"] = self._latest("end", added["who"])
        at = np.searchsorted(self.open["row"], added["row"])
        self.open = {name: np.insert(values, at, added[name]) for name, values in self.open.items()}

    def check(self, who: np.ndarray, start: np.ndarray, end: np.ndarray, row: np.ndarray, unended: np.ndarray) -> None:
        """Raise Fallback when an attempt may overlap an earlier one (then the whole-file reader reports it).

        The whole-file check flags an attempt that starts before the latest end of the attempts sorted before it.
        Every attempt ends at or after its start, so when each one starts at or after the end of
        the one just before it, those ends only grow: comparing neighbours is the whole check.
        """
        if len(who) == 0:
            return
        end = np.where(np.isnan(end), start, end)  # an unended attempt is reported on its own
        order = np.lexsort((row, start, who))  # the whole-file order: by participant, start, then line
        w, s, e, r, u = who[order], start[order], end[order], row[order], unended[order]
        first = np.r_[True, w[1:] != w[:-1]]
        if np.any(~first[1:] & (s[1:] < e[:-1])):
            raise Fallback("overlapping attempts (the whole-file reader lists them)")
        late = self._arrivals_and_open(w, s, e, r, u)
        if late.any():  # checked as points: they leave the participant's latest start and end as they are
            w, s, e = w[~late], s[~late], e[~late]
            if len(w) == 0:
                return
            first = np.r_[True, w[1:] != w[:-1]]
        ukeys, last = w[first], np.r_[np.flatnonzero(first)[1:], len(w)] - 1
        pos, found = self.state.lookup(ukeys)
        p, first_start = pos[found], s[first][found]
        if np.any(first_start <= self.state["start"][p]):  # not in start order: pairs could differ from whole-file
            raise Fallback("attempts of a participant out of start order across blocks")
        if np.any(first_start < self.state["end"][p]):
            raise Fallback("overlapping attempts (the whole-file reader lists them)")
        pos = self.state.insert(ukeys)
        self.state["end"][pos] = e[last]
        self.state["start"][pos] = s[last]

    def _arrivals_and_open(self, w, s, e, r, u) -> np.ndarray:
        """Check arrivals against the starts of open attempts; return which arrivals are unended
        attempts that their participant's later attempts overtook (checked as points)."""
        late = np.zeros(len(w), dtype=bool)
        opened = self.open
        if len(opened["row"]) == 0:
            return late
        near = _among(opened["who"], w)  # w is sorted
        if near.any():  # an arrival running at an open attempt's start: that start overlaps it
            pw, ps, pr = opened["who"][near], opened["start"][near], opened["row"][near]
            mine = np.flatnonzero(_among(w, np.unique(pw)))  # arrivals of those participants
            tag = np.r_[np.zeros(len(mine), dtype=np.int8), np.ones(len(pw), dtype=np.int8)]
            merged = np.lexsort((tag, np.r_[s[mine], ps], np.r_[w[mine], pw]))
            arrival = np.maximum.accumulate(np.where(tag[merged] == 0, merged, -1))  # latest at or before
            points = np.flatnonzero(tag[merged] == 1)
            j, k = arrival[points], merged[points] - len(mine)
            j, k = mine[j[j >= 0]], k[j >= 0]
            if np.any((w[j] == pw[k]) & (e[j] > ps[k]) & (r[j] != pr[k])):
                raise Fallback("an attempt was running when another one started (the whole-file reader lists them)")
        now = np.flatnonzero(np.isin(r, opened["row"]))
        if len(now) == 0:
            return late
        at = np.searchsorted(opened["row"], r[now])
        end_before = opened["end_before"][at]
        gone = np.ones(len(opened["row"]), dtype=bool)
        gone[at] = False
        self.open = {name: values[gone] for name, values in opened.items()}
        behind = s[now] <= self._latest("start", w[now])
        late[now[u[now] & behind & (end_before <= s[now])]] = True
        return late


def _among(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin for a sorted, non-empty second argument: a binary search per value, no sorting."""
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values
