"""Metrics: attempts -> one row of task metrics per group.

Two steps, so that a log bigger than memory can be summarised block by block:

* :class:`GroupStats` takes attempts (a whole frame, or one block at a time) and keeps, per
  group, only counts, a histogram of clicks and the time values (the median needs them: 8 bytes
  per timed attempt, nothing per event);
* :meth:`GroupStats.summary` turns those into METRICS.

Rates count participants, not attempts (Sauro & Lewis, *Quantifying the User Experience*, 2nd ed.,
2016, ch. 2: completion rate is the share of participants who complete the task). The unit is a
participant × session × task × group key: a retry is not a new, independent observation. Per unit,
only the attempts these rules read are kept as blocks arrive (one row for a unit tried once), and each
unit is reduced at the summary (exact whatever the blocks' order):

* success: the task was completed in any attempt (eventual success); abandon: the unit's final attempt
  (highest attempt number) was an abandon; failure: the rest; first try: its first attempt succeeded;
* times (``time_of``): "success" the time of the unit's first successful attempt (its completion time;
  later successes of the same participant are not counted again); "all" the unit's total time over all
  its attempts (unknown when any attempt's time is); "failed" that total for units that never succeeded;
* errors and clicks stay per attempt (errors_per_attempt, error_rate; clicks of successful attempts).

``unit="attempt"`` gives the attempt-level figures instead (every attempt one observation, as before);
``participants`` and the first-try rate are per participant either way. Without retries the two agree,
bit for bit.

Values are sorted by group and value before anything is summed, so the result does not depend
on how the attempts were split into blocks or in which order they came: the streaming reader
(uxcli.readers.stream.engine) and the whole-frame path give the same numbers, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.errors import OptionError

METRICS = [
    "attempts",
    "participants",
    "successes",
    "failures",
    "abandons",
    "assisted",
    "success_rate",
    "success_ci_low",
    "success_ci_high",
    "success_best_estimate",
    "first_try_success_rate",
    "first_try_ci_low",
    "first_try_ci_high",
    "abandonment_rate",
    "errors_total",
    "errors_per_attempt",
    "error_rate",
    "clicks_mean",
    "clicks_median",
    "time_geomean",
    "time_median",
    "time_mean",
    "time_ci_low",
    "time_ci_high",
    "time_median_ci_low",
    "time_median_ci_high",
]
COUNT_METRICS = ["attempts", "participants", "successes", "failures", "abandons", "assisted"]
UNITS = ("participant", "attempt")  # what a rate counts: one outcome per participant × task, or per attempt
OUTCOMES = ("success", "failure", "abandon", "assisted")  # codes 0-3 (uxcli.tasks.attempts.OUTCOME_DTYPE); -1 unknown
# An assisted completion (a moderator helped) is its own count; in the success rate it is a failure by
# default, or a success with assisted="success" (--assisted). Sauro & Lewis (2016, ch. 4) report both.
ASSISTED_AS = ("failure", "success")
BEST_ESTIMATE_CONFIDENCE = 0.95  # z of Lewis & Sauro's (2006) adjusted-Wald point estimate
TIME_OF = {
    "success": ("success",),  # completion time (Sauro & Lewis: the default measure)
    "failed": ("failure", "abandon", "assisted"),  # time until failing or giving up (assisted: see --assisted)
    "all": ("success", "failure", "abandon", "assisted"),  # total time on task
}


def check_by(attempts: pd.DataFrame, by: list[str]) -> None:
    resolve_by(attempts, by)


def resolve_by(attempts: pd.DataFrame, by: list[str] | tuple[str, ...]) -> list[str]:
    """The columns ``by`` names: exact, else case-insensitive ("round" → "Round"), else by the column
    aliases ("condition" → "variant"); an unknown name is an OptionError with a did-you-mean."""
    import difflib

    from uxcli.vocab import field_for, normalize_header

    usable = [str(c) for c in attempts.columns if not str(c).startswith("_") and c not in ("time", "clicks", "errors")]
    out = []
    for column in by:
        name = str(column).strip()
        if name in usable:
            out.append(name)
            continue
        lowered = [c for c in usable if c.lower() == name.lower()]
        normal = [c for c in usable if normalize_header(c) == normalize_header(name)]
        alias = field_for(name)
        found = lowered or normal or ([alias] if alias in usable else [])
        if not found:
            known = [*usable, *([] if "file" in usable else ["file"])]  # file: uxcli.design.FILE_GROUP
            close = difflib.get_close_matches(name.lower(), [c.lower() for c in known], n=1, cutoff=0.6)
            guess = next((c for c in known if close and c.lower() == close[0]), None)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise OptionError(
                f"cannot group by {name!r}: the data has {', '.join(usable)} (and file: the input of each row){hint}"
            )
        out.append(found[0])
    return out


def check_options(
    confidence: float = 0.95, time_of: str = "success", unit: str = "participant", assisted: str = "failure"
) -> None:
    if assisted not in ASSISTED_AS:
        raise OptionError(f"--assisted must be one of {', '.join(ASSISTED_AS)}, not {assisted!r}")
    if not 0 < confidence < 1:
        raise OptionError(f"--confidence must be between 0 and 1, not {confidence}")
    if time_of not in TIME_OF:
        raise OptionError(f"--time-of must be one of {', '.join(TIME_OF)}, not {time_of!r}")
    if unit not in UNITS:
        raise OptionError(f"--unit must be one of {', '.join(UNITS)}, not {unit!r}")


class _Counts:
    """(group, value, weight) triples with equal pairs merged: clicks are small whole numbers that
    repeat a lot, so memory is the number of distinct (group, clicks) pairs, not of attempts."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.size = 0
        self.merged_size = 0

    def add(self, group: np.ndarray, values: np.ndarray) -> None:
        if len(values) == 0:
            return
        group, values = group.astype(np.int64), values.astype(np.float64)
        self.parts.append(_tally(group, values) or _merge_equal(group, values, np.ones(len(values), dtype=np.int64)))
        self.size += len(self.parts[-1][0])
        if len(self.parts) > 1 and self.size > 2 * self.merged_size + (1 << 16):
            self.parts = [_merge_equal(*(np.concatenate(c) for c in zip(*self.parts)))]
            self.size = self.merged_size = len(self.parts[0][0])

    def sorted(self, groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values sorted by group then value, their weights, entries per group)."""
        if len(self.parts) != 1:
            empty = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64))
            self.parts = [_merge_equal(*(np.concatenate(c) for c in zip(*self.parts)))] if self.parts else [empty]
        group, values, weight = self.parts[0]
        return values, weight, np.bincount(group, minlength=groups)


def _tally(group: np.ndarray, values: np.ndarray):
    """_merge_equal of unit weights by one bincount, when the values are small whole numbers (as
    clicks are) and the (group, value) grid is not much bigger than the values; else None."""
    top = values.max()
    if not (values.min() >= 0 and top < 1 << 20) or np.signbit(values).any() or np.any(values != np.floor(values)):
        return None
    width = int(top) + 1
    size = (int(group.max()) + 1) * width
    if size > 4 * len(values) + (1 << 16):
        return None
    tally = np.bincount(group * width + values.astype(np.int64), minlength=size)
    cells = np.flatnonzero(tally)
    return cells // width, (cells % width).astype(np.float64), tally[cells]


def _merge_equal(group, values, weight):
    if len(group) == 0:
        return group, values, weight
    order = np.lexsort((values, group))
    group, values, weight = group[order], values[order], weight[order]
    new = np.r_[True, (group[1:] != group[:-1]) | (values[1:] != values[:-1])]
    starts = np.flatnonzero(new)
    return group[starts], values[starts], np.add.reduceat(weight, starts)


class _Samples:
    """Every value (times: the median needs them all), 8 bytes each and nothing else per value.

    Each block's values are stored sorted by group, with the groups' counts; sorting into one
    array happens once, group by group, so the only copy is the final array.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (group ids, counts, values)
        self.done: tuple[np.ndarray, np.ndarray] | None = None  # sorted() since the last add()

    def add(self, group: np.ndarray, values: np.ndarray) -> None:
        if len(values) == 0:
            return
        # stable: equal groups keep their order. Small ids sort by radix (int16): no comparisons
        order = np.argsort(group.astype(np.int16) if group.max() < 1 << 15 else group, kind="stable")
        per_group = np.bincount(group)
        ids = np.flatnonzero(per_group)
        counts = per_group[ids]
        self.parts.append((ids, counts, values[order].astype(np.float64)))
        self.done = None

    def sorted(self, groups: int) -> tuple[np.ndarray, None, np.ndarray]:
        """(values sorted by group then value, None (every weight is 1), values per group)."""
        if self.done is not None and len(self.done[1]) == groups:
            return self.done[0], None, self.done[1]
        per_group = np.zeros(groups, dtype=np.int64)
        for ids, counts, _ in self.parts:
            per_group[ids] += counts
        if len(self.parts) == 1 and groups <= 1:
            values = self.parts[0][2]
        else:
            values = np.empty(int(per_group.sum()))
            at = np.r_[0, np.cumsum(per_group)[:-1]]
            for ids, counts, part in self.parts:
                ends = np.cumsum(counts)
                for g, start, end in zip(ids.tolist(), (ends - counts).tolist(), ends.tolist()):
                    values[at[g] : at[g] + end - start] = part[start:end]
                    at[g] += end - start
        bounds = np.r_[0, np.cumsum(per_group)]
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            values[start:end].sort()  # in place
        self.parts = [(np.flatnonzero(per_group), per_group[per_group > 0], values)]
        self.done = (values, per_group)  # sorted once, however often asked
        return values, None, per_group


UNIT_COUNTS = ("participants", "successes", "failures", "abandons", "assisted", "first_successes", "first_known")


class _Units:
    """Each attempt's unit (participant × session × task key), attempt number, order key, outcome and
    time, a block at a time; :meth:`reduced` turns them into one outcome and one time per unit and group.

    Kept compact as it goes: rows are spread over BUCKETS by a hash of the unit key (all of a unit's
    rows in one bucket), and each bucket is reduced on its own, so no step holds every row twice. With
    ``time_of="success"`` a bucket's rows are pruned, as they arrive, to those the reduction reads: per
    unit and group its first and last attempt, its first success, first unaided success, first assisted
    attempt and first known outcome (all rows while no outcome is known: their times add up). A unit with
    one attempt keeps one row. People with more than one attempt at a unit are noted when the rows meet.
    Rows are sorted by group, unit, attempt number and order key before anything is summed, so the
    blocks' split and order do not change a bit of the result."""

    FIELDS = ("group", "unit", "attempt", "order", "outcome", "time")
    BUCKETS = 16
    _MIN_MERGE = 1 << 16  # rows a bucket gathers before it is merged and pruned

    def __init__(self, time_of: str = "success", assisted: str = "failure", timed: bool = True) -> None:
        self.time_of = time_of
        self.assisted = assisted
        # a unit's time is read only when the time metrics count participants (unit "participant"); with
        # unit "attempt" the rows keep no time: 8 bytes less each (~70 MB of 100M events)
        self.timed = timed
        self.stored: list[tuple[Any, ...] | None] = [
            None
        ] * self.BUCKETS  # merged (and pruned) rows (time: None untimed)
        self.pending: list[list[tuple[np.ndarray | None, ...]]] = [[] for _ in range(self.BUCKETS)]  # FIELDS + person
        self.pending_rows = [0] * self.BUCKETS
        self.retried_parts: list[np.ndarray] = []  # persons seen with more than one attempt at a unit
        self.source: _Units | None = None  # all_groups(): the rows of another, every group as group 0

    def add(self, group, unit, person, attempt, order, outcome, time) -> None:
        if len(group) == 0:
            return
        bucket = (unit.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(60)  # 16 buckets
        by_bucket = np.argsort(bucket.astype(np.int8), kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(bucket.astype(np.int64), minlength=self.BUCKETS))]
        # group ids, attempt numbers and order keys (the row number in the first file) are small: a row
        # of 33 bytes becomes ~24, which is most of the memory of 100M events (8.6M units)
        group, attempt, order = _narrow(group), _narrow(attempt), _narrow(order)
        columns = (group, unit, attempt, order, outcome, time if self.timed else None, person)
        for k in range(self.BUCKETS):
            rows = by_bucket[bounds[k] : bounds[k + 1]]
            if len(rows) == 0:
                continue
            self.pending[k].append(tuple(None if c is None else c[rows] for c in columns))
            self.pending_rows[k] += len(rows)
            stored = 0 if self.stored[k] is None else len(self.stored[k][0])  # type: ignore[index]
            if self.pending_rows[k] > max(stored // 8, self._MIN_MERGE):  # pending stays an eighth of stored
                self._merge(k)

    def _merge(self, k: int) -> None:
        """Bucket k's pending rows into its stored ones: note retries, then prune."""
        if not self.pending[k]:
            return
        new = [_joined(c) for c in zip(*self.pending[k])]
        self.pending[k], self.pending_rows[k] = [], 0
        person = new.pop()
        old = self.stored[k]
        rows = new if old is None else [_joined(c) for c in zip(old, new)]
        del old
        # a unit (whatever its groups) with two rows or more has been tried more than once; its person is
        # in the new rows, else it was noted when those rows met
        keys, counts = np.unique(rows[1], return_counts=True)
        retried = keys[counts > 1]
        del keys, counts
        if len(retried):
            self.retried_parts.append(np.unique(person[_among_sorted(new[1], retried)]))
        del new, person
        self.stored[k] = tuple(self._prune(*rows) if self.time_of == "success" else rows)

    def _prune(self, g, u, a, o, out, t) -> list[np.ndarray | None]:
        """The rows the reduction reads (time_of="success"), in group, unit, attempt and order."""
        n = len(g)
        order = np.lexsort((o, a, u, g))
        g, u, a, o, out, t = (None if c is None else c[order] for c in (g, u, a, o, out, t))
        del order
        starts = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (u[1:] != u[:-1])])
        keep = np.zeros(n, dtype=bool)
        keep[starts] = True
        keep[np.r_[starts[1:], n] - 1] = True
        index = np.arange(n)
        success = (out == 0) | ((out == 3) & (self.assisted == "success"))
        for mark in (success, out == 0, out == 3, out >= 0):
            at = np.minimum.reduceat(np.where(mark, index, n), starts)
            keep[at[at < n]] = True
        known = np.add.reduceat((out >= 0).astype(np.int64), starts) > 0
        keep |= np.repeat(~known, np.diff(np.r_[starts, n]))  # no outcome known yet: every time counts
        return [None if c is None else c[keep] for c in (g, u, a, o, out, t)]

    def all_groups(self) -> _Units:
        """The same rows with every group as group 0 (the overall row), read from this one, not copied."""
        out = _Units(self.time_of, self.assisted, self.timed)
        out.source = self
        return out

    def reduced(self, groups: int, time_of: str, assisted: str = "failure") -> _UnitResult:
        source = self if self.source is None else self.source
        result = _UnitResult.empty(groups)
        for k in range(self.BUCKETS):
            source._merge(k)
            rows = source.stored[k]
            if rows is None or len(rows[0]) == 0:
                continue
            g, *rest = rows
            if self.source is not None:
                g = np.zeros(len(g), dtype=np.int64)
            _reduce_units(result, groups, time_of, assisted, g, *rest)
        retried = source.retried_parts
        result.retried = np.unique(np.concatenate(retried)) if retried else np.zeros(0, np.int64)
        source.retried_parts = [result.retried] if retried else []
        return result


def _joined(parts: tuple) -> Any:
    """The parts of a column, one after another (None for the time column of untimed rows)."""
    return None if parts[0] is None else np.concatenate(parts)


def _narrow(values: np.ndarray) -> np.ndarray:
    """Integers in the smallest of int8, int16 and int32 that holds them all (the same numbers: sorting
    and counting see no change; blocks narrowed differently are widened again when concatenated)."""
    if not len(values):
        return values
    low, high = values.min(), values.max()
    for dtype in (np.int8, np.int16, np.int32):
        if low >= np.iinfo(dtype).min and high <= np.iinfo(dtype).max:
            return values.astype(dtype) if values.dtype.itemsize > np.dtype(dtype).itemsize else values
    return values


def _among_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin for a sorted, non-empty second argument: a binary search per value."""
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _reduce_units(result: _UnitResult, groups: int, time_of: str, assisted: str, g, u, a, o, out, t) -> None:
    """Add one outcome and one time per unit and group of these rows (every row of their units) to result
    (no time when ``t`` is None: the rows of unit "attempt" keep none)."""
    n = len(g)
    order = np.lexsort((o, a, u, g))
    g, u, out = g[order], u[order], out[order].astype(np.int64)
    t = None if t is None else t[order]
    del order
    starts = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (u[1:] != u[:-1])])
    ends = np.r_[starts[1:], n] - 1
    group = g[starts]
    # a success, or an assisted one when assisted="success" (for rates and times)
    success = (out == 0) | ((out == 3) & (assisted == "success"))
    ever = np.add.reduceat(success.astype(np.int64), starts) > 0
    unaided = np.add.reduceat((out == 0).astype(np.int64), starts) > 0
    helped = np.add.reduceat((out == 3).astype(np.int64), starts) > 0
    final = out[ends]
    # one outcome per unit: success if any attempt succeeded unaided, else assisted if any was assisted
    kind = np.where(unaided, 0, np.where(helped, 3, np.where(final == 2, 2, np.where(final == 1, 1, -1))))
    counts = result.counts
    counts["participants"] += np.bincount(group, minlength=groups)
    for code, name in enumerate(("successes", "failures", "abandons", "assisted")):
        counts[name] += np.bincount(group[kind == code], minlength=groups)
    counts["first_successes"] += np.bincount(group[success[starts]], minlength=groups)
    counts["first_known"] += np.bincount(group[out[starts] >= 0], minlength=groups)
    if t is None:
        return
    # no outcome known (time-only tables): the unit's total time is its time, whatever time_of asks
    unknown = np.add.reduceat((out >= 0).astype(np.int64), starts) == 0
    if time_of == "success":  # the first successful attempt's time
        at = np.minimum.reduceat(np.where(success, np.arange(n), n), starts)
        value = np.where(ever, t[np.minimum(at, n - 1)], np.nan)
    else:  # the unit's total time, attempt by attempt in attempt order (NaN if any is unknown)
        value = np.add.reduceat(t, starts)
        if time_of == "failed":
            value = np.where(ever | unknown, np.nan, value)
    if time_of != "failed" and unknown.any():
        value = np.where(unknown, np.add.reduceat(t, starts), value)
    timed = value > 0  # log times need positive values
    result.times.add(group[timed], value[timed])


@dataclass
class _UnitResult:
    """Per group: counts of units by outcome (and first-try successes), their times; and the people
    (person ids) with more than one attempt at some participant × session × task, across groups."""

    counts: dict[str, np.ndarray]
    times: _Samples
    retried: np.ndarray

    @classmethod
    def empty(cls, groups: int) -> _UnitResult:
        return cls({name: np.zeros(groups, dtype=np.int64) for name in UNIT_COUNTS}, _Samples(), np.zeros(0, np.int64))


class GroupStats:
    """Per-group sufficient statistics of attempts, added a block at a time (see the module doc)."""

    COUNTS = ("attempts", "successes", "failures", "abandons", "assisted", "errors_n", "has_error")

    def __init__(self, time_of: str = "success", unit: str = "participant", assisted: str = "failure") -> None:
        check_options(time_of=time_of, unit=unit, assisted=assisted)
        self.time_of = time_of
        self.unit = unit
        self.assisted = assisted
        # a few rows per unit: one outcome per participant × task at the end
        self.units = _Units(time_of, assisted, timed=unit == "participant")
        self._reduced: _UnitResult | None = None
        # by outcome code + 1 (unknown -1, success 0, failure 1, abandon 2, assisted 3): is its time kept?
        self.timed = np.array([time_of != "failed"] + [o in TIME_OF[time_of] for o in OUTCOMES])  # unknown: timed
        if assisted == "success":  # assisted attempts timed as successes
            self.timed[4] = self.timed[1]
        self.groups = 0
        self.first = np.zeros(0, dtype=np.int64)  # smallest order key of each group's attempts
        self.counts = {name: np.zeros(0, dtype=np.int64) for name in self.COUNTS}
        self.errors_sum = np.zeros(0)
        self.clicks = _Counts()  # clicks of successful attempts
        self.times = _Samples()  # times of timed attempts (--time-of), positive only; unit "attempt" only

    def _grow(self, groups: int) -> None:
        extra = groups - self.groups
        self.first = np.r_[self.first, np.full(extra, np.iinfo(np.int64).max)]
        self.counts = {name: np.r_[values, np.zeros(extra, dtype=np.int64)] for name, values in self.counts.items()}
        self.errors_sum = np.r_[self.errors_sum, np.zeros(extra)]
        self.groups = groups

    def add(
        self,
        group: np.ndarray,
        order: np.ndarray,
        outcome: np.ndarray,
        errors: np.ndarray,
        clicks: np.ndarray,
        time: np.ndarray,
        unit: np.ndarray | None = None,
        attempt: np.ndarray | None = None,
        person: np.ndarray | None = None,
    ) -> None:
        """Add attempts, given as arrays: group ids (0, 1, 2...; later blocks may bring new ids), an
        order key (groups are listed by their smallest; unique per attempt), outcome codes (0 success,
        1 failure, 2 abandon, -1 unknown), and errors, clicks and time (NaN: not known); ``unit`` an int64
        per participant × session × task (the same across blocks), ``attempt`` its attempt number and
        ``person`` an int64 per participant. Without ``unit`` every attempt is a unit of its own."""
        if len(group) == 0:
            return
        self._reduced = None
        group = np.asarray(group, dtype=np.int64)
        if group.max() >= self.groups:
            self._grow(int(group.max()) + 1)
        size = self.groups
        np.minimum.at(self.first, group, np.asarray(order, dtype=np.int64))
        counts = self.counts
        outcome = np.asarray(outcome, dtype=np.int64)
        # one count per (group, outcome): columns unknown, success, failure, abandon, assisted
        by_outcome = np.bincount(group * 5 + (outcome + 1), minlength=5 * size).reshape(size, 5)
        counts["attempts"] += by_outcome.sum(axis=1)
        for code, name in enumerate(("successes", "failures", "abandons", "assisted")):
            counts[name] += by_outcome[:, code + 1]
        errors = np.asarray(errors, dtype=np.float64)
        known = ~np.isnan(errors)
        counts["errors_n"] += np.bincount(group[known], minlength=size)
        counts["has_error"] += np.bincount(group[known & (errors > 0)], minlength=size)
        self.errors_sum += np.bincount(group[known], weights=errors[known], minlength=size)  # whole numbers: exact
        clicks = np.asarray(clicks, dtype=np.float64)
        with_clicks = ((outcome == 0) | ((outcome == 3) & (self.assisted == "success"))) & ~np.isnan(clicks)
        self.clicks.add(group[with_clicks], clicks[with_clicks])
        time = np.asarray(time, dtype=np.float64)
        if self.unit == "attempt":
            timed = self.timed[outcome + 1] & (time > 0)  # log times need positive values
            self.times.add(group[timed], time[timed])
        order = np.asarray(order, dtype=np.int64)
        self.units.add(
            group,
            order if unit is None else np.asarray(unit, dtype=np.int64),
            order if person is None else np.asarray(person, dtype=np.int64),
            np.ones(len(group), dtype=np.int64) if attempt is None else np.asarray(attempt, dtype=np.int64),
            order,
            outcome.astype(np.int8),
            time,
        )

    def reduced(self) -> _UnitResult:
        """One outcome and one time per participant × task (× group), per group (cached)."""
        if self._reduced is None or len(self._reduced.counts["participants"]) != self.groups:
            self._reduced = self.units.reduced(self.groups, self.time_of, self.assisted)
        return self._reduced

    def _time_samples(self) -> _Samples:
        """The times the time metrics rest on: one per participant × task, or one per attempt."""
        return self.reduced().times if self.unit == "participant" else self.times

    def retried(self) -> int:
        """How many participants made more than one attempt at a task (in one session and group)."""
        return len(self.reduced().retried)

    def merged(self) -> GroupStats:
        """All groups as one (the overall row)."""
        out = GroupStats(self.time_of, self.unit, self.assisted)
        if self.groups == 0:
            return out
        # units over all groups: a participant's attempts at a task split across groups (by attempt, outcome,
        # an extra column) are one unit again, so the overall row equals summarize(attempts, by=[])
        out.units = self.units.all_groups()
        out._grow(1)
        out.first[:] = self.first.min()
        out.counts = {name: values.sum(keepdims=True) for name, values in self.counts.items()}
        out.errors_sum = np.array([np.sort(self.errors_sum).sum()])
        values, weight, _ = self.clicks.sorted(self.groups)
        if len(values):  # the same (value, weight) pairs, all in group 0: equal values merge
            out.clicks.parts = [_merge_equal(np.zeros(len(values), dtype=np.int64), values, weight)]
        values, _, _ = self.times.sorted(self.groups)
        if len(values):  # one group: a copy, since sorting it must not reorder this one's values
            out.times.parts = [(np.zeros(1, dtype=np.int64), np.array([len(values)]), values.copy())]
        return out

    def order(self) -> np.ndarray:
        """Group ids in output order: by first appearance."""
        return np.argsort(self.first, kind="stable")

    def time_counts(self) -> np.ndarray:
        """How many times each group's time metrics rest on, in output order."""
        return self._time_samples().sorted(self.groups)[2][self.order()]

    def log_times(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each group's count, mean and SD of ln(time), in output order (for a t test against a target)."""
        times = _moments(*self._time_samples().sorted(self.groups), logs=True)
        order = self.order()
        return times["n"][order], times["log_mean"][order], times["log_sd"][order]

    def summary(self, labels: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
        """The group columns (``labels``: one row per group id), then exactly METRICS."""
        check_options(confidence, self.time_of, self.unit)
        size = self.groups
        units = self.reduced()
        per_participant = self.unit == "participant"
        # successes, failures and abandons: of participants (they add up to participants) or of attempts
        counts = {**self.counts, **units.counts} if per_participant else {**units.counts, **self.counts}
        out: dict[str, Any] = {name: counts[name] for name in COUNT_METRICS}
        # rates count what has a known outcome: a time-only table has none (its rates are NaN, not 0)
        n = (counts["successes"] + counts["failures"] + counts["abandons"] + counts["assisted"]).astype(np.float64)
        x = counts["successes"].astype(np.float64)
        if self.assisted == "success":
            x = x + counts["assisted"]
        low, high = stats.adjusted_wald(x, n, confidence)
        people = units.counts["first_known"].astype(np.float64)
        first = units.counts["first_successes"].astype(np.float64)
        first_low, first_high = stats.adjusted_wald(first, people, confidence)
        known = self.counts["errors_n"]
        clicks = _moments(*self.clicks.sorted(size))
        samples = self._time_samples().sorted(size)
        times = _moments(*samples, logs=True)
        geomean, t_low, t_high = stats.log_t_interval(times["n"], times["log_mean"], times["log_sd"], confidence)
        m_low, m_high = _median_interval(*samples, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.update(
                {
                    "success_rate": x / n,
                    "success_ci_low": low,
                    "success_ci_high": high,
                    # a point estimate: at the paper's 95% z, whatever --confidence the intervals use
                    "success_best_estimate": stats.best_point_estimate(x, n, BEST_ESTIMATE_CONFIDENCE),
                    "first_try_success_rate": first / people,
                    "first_try_ci_low": first_low,
                    "first_try_ci_high": first_high,
                    "abandonment_rate": counts["abandons"] / n,
                    "errors_total": np.where(known > 0, self.errors_sum, np.nan),
                    "errors_per_attempt": self.errors_sum / known,
                    "error_rate": self.counts["has_error"] / known,
                    "clicks_mean": clicks["mean"],
                    "clicks_median": clicks["median"],
                    "time_geomean": geomean,
                    "time_median": times["median"],
                    "time_mean": times["mean"],
                    "time_ci_low": t_low,
                    "time_ci_high": t_high,
                    "time_median_ci_low": m_low,
                    "time_median_ci_high": m_high,
                }
            )
        order = self.order()
        metrics = pd.DataFrame({name: np.asarray(out[name])[order] for name in METRICS})
        metrics["errors_total"] = whole_numbers(metrics["errors_total"])
        groups = labels.iloc[order].reset_index(drop=True)
        return pd.concat([groups, metrics], axis=1) if len(groups.columns) else metrics


def whole_numbers(values: pd.Series) -> pd.Series:
    """Counts held as floats (NaN: unknown) as nullable integers ("Int64"), so outputs print 5, not 5.0;
    unchanged when a value is not a whole number."""
    known = values.dropna()
    if not np.all(np.isfinite(known)) or not np.all(known == np.floor(known)):
        return values
    return values.astype("Int64")


def median_ranks(n: Any, confidence: float = 0.95) -> np.ndarray:
    """1-based ranks (l, n + 1 − l) of the order statistics bounding a distribution-free interval for the
    median of n values (binomial method; QUX ch. 3, Sauro & Lewis; Conover, *Practical Nonparametric
    Statistics*, 3rd ed., 1999, §3.2): the count of values below the median is Binomial(n, ½), so
    [x(l), x(n+1−l)] covers it with probability 1 − 2·F(l − 1) ≥ confidence, l = the smallest k with
    F(k) ≥ (1 − confidence)/2. Example: n = 30 at 95% → 10th and 21st values (coverage 95.7%).
    Returns l per n; 0 where no pair of order statistics reaches the confidence (n ≤ 5 at 95%)."""
    from scipy.special import bdtr  # the binomial CDF (what scipy.stats.binom.cdf calls), without scipy.stats

    size = np.atleast_1d(np.asarray(n, dtype=np.int64))
    tail = (1 - confidence) / 2
    # bisection on k in [0, n]: F(k) = bdtr(k, n, ½) rises with k; F(n) = 1 ≥ tail
    low, high = np.zeros(size.shape, dtype=np.int64), size.copy()
    while np.any(low < high):
        middle = (low + high) // 2
        reached = bdtr(middle, np.maximum(size, 1), 0.5) >= tail
        high = np.where(reached, middle, high)
        low = np.where(reached, low, middle + 1)
    return np.where(size >= 1, low, 0)


def _median_interval(
    values: np.ndarray, weight: None, entries: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """median_ranks' interval per group, from values sorted by group then value (NaN where undefined)."""
    size = len(entries)
    low, high = np.full(size, np.nan), np.full(size, np.nan)
    rank = median_ranks(entries, confidence)
    defined = np.flatnonzero(rank >= 1)
    if len(defined):
        starts = np.r_[0, np.cumsum(entries)[:-1]][defined]
        low[defined] = values[starts + rank[defined] - 1]
        high[defined] = values[starts + entries[defined] - rank[defined]]
    return low, high


@dataclass
class Grouped:
    """Group statistics with their groups' labels: all a summary table needs."""

    by: list[str]
    stats: GroupStats
    labels: pd.DataFrame  # the ``by`` columns, one row per group id

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        return self.stats.summary(self.labels, confidence)

    def overall(self) -> Grouped:
        merged = self.stats.merged()
        return Grouped([], merged, pd.DataFrame(index=range(merged.groups)))

    def time_counts(self) -> np.ndarray:
        return self.stats.time_counts()

    def log_times(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.stats.log_times()

    def retried(self) -> int:
        """How many participants made more than one attempt at a task."""
        return self.stats.retried()


def _moments(values: np.ndarray, weight: np.ndarray | None, entries: np.ndarray, logs: bool = False) -> dict:
    """Per-group count, mean and median (and mean and SD of the logs) of values sorted by group,
    then value; ``entries`` per group; ``weight`` None means 1 each."""
    size = len(entries)
    n = (
        entries.astype(np.float64)
        if weight is None
        else np.bincount(np.repeat(np.arange(size), entries), weights=weight, minlength=size)
    )
    out = {
        "n": n,
        "mean": np.full(size, np.nan),
        "median": np.full(size, np.nan),
        "log_mean": np.full(size, np.nan),
        "log_sd": np.full(size, np.nan),
    }
    present = np.flatnonzero(n > 0)
    if len(present) == 0:
        return out
    starts = np.r_[0, np.cumsum(entries)[:-1]][present]  # each present group's first entry
    weighted = values if weight is None else values * weight
    out["mean"][present] = np.add.reduceat(weighted, starts) / n[present]
    count = n[present].astype(np.int64)
    if weight is None:
        low, high = values[starts + (count - 1) // 2], values[starts + count // 2]
    else:
        cumulative = np.cumsum(weight)
        before = np.where(starts > 0, cumulative[starts - 1], 0)
        low = values[np.searchsorted(cumulative, before + (count - 1) // 2, side="right")]
        high = values[np.searchsorted(cumulative, before + count // 2, side="right")]
    out["median"][present] = (low + high) / 2
    if logs:
        log = np.log(values)
        mean = np.add.reduceat(log if weight is None else log * weight, starts) / n[present]
        out["log_mean"][present] = mean
        log -= np.repeat(mean, entries[present])
        squares = np.add.reduceat(log * log if weight is None else weight * log * log, starts)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["log_sd"][present] = np.where(count > 1, np.sqrt(squares / (count - 1)), np.nan)
    return out


# --- from an attempts frame -------------------------------------------------------------------------


def outcome_codes(attempts: pd.DataFrame) -> np.ndarray:
    column = attempts["outcome"]
    if isinstance(column.dtype, pd.CategoricalDtype) and tuple(column.cat.categories) == OUTCOMES:
        return column.cat.codes.to_numpy().astype(np.int8)
    text = column.astype(str).to_numpy() if len(attempts) else np.array([], dtype=object)
    codes = np.full(len(text), -1, dtype=np.int8)
    for code, name in enumerate(OUTCOMES):
        codes[text == name] = code
    return codes


def _factorize(attempts: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group ids in first-appearance order, and each group's labels (one row per id)."""
    key = np.zeros(len(attempts), dtype=np.int64)
    for name in by:
        column = attempts[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes, radix = column.cat.codes.to_numpy().astype(np.int64), len(column.cat.categories)
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            radix = len(uniques)
        key = pd.factorize(key * (radix + 1) + codes + 1)[0].astype(np.int64)  # missing is its own value
    group = pd.factorize(key)[0].astype(np.int64)
    first = np.full(int(group.max()) + 1 if len(group) else 0, len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group)))
    return group, attempts[by].iloc[first].reset_index(drop=True)


UNIT_KEY = ("participant", "session", "task")  # one outcome per participant × session × task (× group)


def group_stats(
    attempts: pd.DataFrame,
    by: list[str] | tuple[str, ...] = ("task",),
    time_of: str = "success",
    unit: str = "participant",
    assisted: str = "failure",
) -> Grouped:
    """The group statistics of an attempts frame (``assisted``: how assisted completions enter the rates)."""
    by = list(by)
    check_by(attempts, by)
    result = GroupStats(time_of, unit, assisted)
    group, labels = _factorize(attempts, by)
    units = person = None  # without participants every attempt is a unit of its own
    if "participant" in attempts.columns:
        units = _factorize(attempts, [c for c in UNIT_KEY if c in attempts.columns])[0]
        person = _factorize(attempts, ["participant"])[0]
    numbers = attempts["attempt"].to_numpy(np.int64) if "attempt" in attempts.columns else None
    result.add(
        group,
        np.arange(len(attempts)),
        outcome_codes(attempts),
        attempts["errors"].to_numpy(np.float64),
        attempts["clicks"].to_numpy(np.float64),
        attempts["time"].to_numpy(np.float64),
        unit=units,
        attempt=numbers,
        person=person,
    )
    return Grouped(by, result, labels)


def summarize(
    attempts: pd.DataFrame,
    by: list[str] | tuple[str, ...] = ("task",),
    confidence: float = 0.95,
    time_of: str = "success",
    unit: str = "participant",
    assisted: str = "failure",
) -> pd.DataFrame:
    """Per-group task metrics: the group column(s), then exactly METRICS.

    Groups keep the order in which they first appear in the attempts frame.
    ``by=[]`` gives a single overall row without group columns.

    ``unit="participant"`` (the default): success_rate, its interval, the best estimate and
    abandonment_rate count one outcome per participant × session × task (× group): success if any
    attempt succeeded, abandon if the last attempt was abandoned, failure otherwise; ``participants`` is
    their n and successes + failures + abandons add up to it. Times are one per participant too: the
    first successful attempt's time (``time_of="success"``), or the total over all attempts ("all"; for
    participants who never succeeded, "failed"). errors_per_attempt, error_rate and clicks stay per
    attempt. ``unit="attempt"``: every attempt counts on its own (the n is ``attempts``).
    first_try_success_rate (first attempt succeeded) is per participant in both.
    """
    check_options(confidence, time_of, unit, assisted)
    return group_stats(attempts, by, time_of, unit, assisted).summary(confidence)


def time_counts(
    attempts: pd.DataFrame,
    by: list[str],
    time_of: str = "success",
    unit: str = "participant",
    assisted: str = "failure",
) -> pd.Series:
    """How many times each group's time metrics rest on (the table's n for times)."""
    return pd.Series(group_stats(attempts, by, time_of, unit, assisted).time_counts())
