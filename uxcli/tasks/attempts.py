"""Normalize to attempts: the attempts frame and the event-log derivation.

Every layout ends up as the attempts frame (see docs/ARCHITECTURE.md). Event logs
are turned into attempts here with NumPy on whole columns: events are ordered by
(participant, session, task, time), a ``start`` opens an attempt and the first
terminal event after it closes it. No Python code runs per event or per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from uxcli.vocab import EVENT_KINDS

KEY_COLUMNS = ["participant", "session", "variant", "task"]
ATTEMPT_COLUMNS = [*KEY_COLUMNS, "attempt", "outcome", "time", "clicks", "errors"]
INTERNAL = ["_file", "_row"]  # which input and which row/line the attempt came from

START, CLICK, ERROR, SUCCESS, FAILURE, ABANDON, OTHER = range(7)
KIND_CODE = {name: code for code, name in enumerate(EVENT_KINDS)}
OUTCOME_DTYPE = pd.CategoricalDtype(["success", "failure", "abandon", "assisted"])  # codes 0-3 (vocab.OUTCOMES)


@dataclass
class Derived:
    """Attempts derived from events, plus what did not fit into any attempt."""

    attempts: pd.DataFrame
    outside_rows: np.ndarray  # event rows (index into the events frame) outside every attempt
    unended: np.ndarray  # bool per attempt: no terminal event, counted as abandoned
    # [row, earlier row] pairs of events repeating the one before (same key, time and kind);
    # repeated starts and ends are dropped (dropped_rows), other repeats are kept and counted.
    repeats: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    dropped_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _key_codes(events: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One int64 per row identifying its (file, participant, session, task) group."""
    key = events["_file"].to_numpy(dtype=np.int64)
    for name in columns:
        col = events[name]
        codes = col.cat.codes.to_numpy(dtype=np.int64) + 1  # -1 (missing) becomes 0
        key = key * (len(col.cat.categories) + 1) + codes
    return key


def _order(key: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """Sort order by (key, time, file order), or None when already in that order.

    Recorders write events in order, so checking first saves the sort on big logs.
    """
    same = key[1:] == key[:-1]
    if np.all((key[1:] > key[:-1]) | (same & (t[1:] >= t[:-1]))):
        return None
    return np.lexsort((np.arange(len(key)), t, key))


def attempts_of_sorted(
    t: np.ndarray, kind: np.ndarray, new_key: np.ndarray, idle_gap: float | None = None, gaps: bool = True
) -> dict:
    """The attempt rules on arrays of events sorted by key, then time (both engines use this).

    A start opens an attempt; the first terminal event after it with the same key closes it;
    events in between belong to it; anything else is outside every attempt. ``new_key`` marks
    the first event of each key. Returns per-attempt arrays in sorted order, plus ``starts``
    (positions of the start events), ``key_of`` (each attempt's key, counted from 0) and
    ``outside`` (positions of events outside every attempt). ``gaps=False`` skips max_gap and
    idle (a summary needs neither).

    An attempt's events are one run of positions, so everything per attempt comes from where
    each run ends: searchsorted and cumulative counts over the runs, not over every event
    (events are ~10x attempts).
    """
    n = len(kind)
    key_starts = np.flatnonzero(new_key)
    starts = np.flatnonzero(kind == START)
    m = len(starts)
    key_of = np.searchsorted(key_starts, starts, side="right") - 1
    key_end = np.r_[key_starts[1:], n]
    bound = np.minimum(np.r_[starts[1:], n], key_end[key_of])  # next start or the key's end
    terminals = np.flatnonzero((kind >= SUCCESS) & (kind <= ABANDON))
    first_end = np.searchsorted(terminals, starts)  # a start is never terminal
    end_row = terminals[np.minimum(first_end, len(terminals) - 1)] if len(terminals) else np.zeros(m, np.int64)
    ended = (first_end < len(terminals)) & (end_row < bound)
    last = np.where(ended, end_row, bound - 1)  # the attempt's last event
    end_row = end_row[ended]
    end_kind = np.full(m, ABANDON, dtype=np.int8)
    end_kind[ended] = kind[end_row]
    end_time = np.full(m, np.nan)
    end_time[ended] = t[end_row]
    found = {
        "starts": starts,
        "key_of": key_of,
        "end_kind": end_kind,
        "end_time": end_time,
        "unended": ~ended,
        "clicks": _count_in(kind == CLICK, starts, last),
        "errors": _count_in(kind == ERROR, starts, last),
        "number": _numbers(key_of),
        "outside": _outside(n, starts, last),
        "max_gap": None,
        "idle": None,
    }
    if gaps:
        found["max_gap"], found["idle"] = _gaps(t, starts, last, idle_gap)
    return found


def _count_in(flags: np.ndarray, starts: np.ndarray, last: np.ndarray) -> np.ndarray:
    """How many flagged events lie in each run starts[i]..last[i] (a start is never flagged)."""
    if len(starts) == 0:
        return np.zeros(0)
    so_far = np.cumsum(flags, dtype=np.int32)
    return (so_far[last] - so_far[starts]).astype(np.float64)


def _numbers(key_of: np.ndarray) -> np.ndarray:
    """Attempt numbers within each key: 1, 2, 3..."""
    index = np.arange(len(key_of))
    if len(key_of) == 0:
        return index
    first = np.r_[True, key_of[1:] != key_of[:-1]]
    return index - np.maximum.accumulate(np.where(first, index, 0)) + 1


def _outside(n: int, starts: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Positions of events in no run (usually none: then nothing per event is built)."""
    if int((last - starts).sum()) + len(starts) == n:
        return np.zeros(0, dtype=np.int64)
    edges = np.bincount(starts, minlength=n + 1) - np.bincount(last + 1, minlength=n + 1)
    return np.flatnonzero(np.cumsum(edges[:n]) == 0)


def _gaps(t: np.ndarray, starts: np.ndarray, last: np.ndarray, idle_gap: float | None):
    """Per run: the longest pause between consecutive events, and (with ``idle_gap``) the seconds
    by which pauses exceed it. Each run's first event counts as a 0 pause (as in the plain loop of
    tests/test_attempts.py)."""
    m = len(starts)
    if m == 0:
        return np.zeros(0), None
    gap = np.zeros(len(t) + 1)  # one spare: a run may end at the last event
    np.subtract(t[1:], t[:-1], out=gap[1 : len(t)])
    gap[starts] = 0.0
    bounds = np.empty(2 * m, dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, last + 1  # reduceat over [start, last]; odd slots unused
    max_gap = np.maximum.reduceat(gap, bounds)[0::2]
    idle = np.add.reduceat(np.maximum(gap - idle_gap, 0.0), bounds)[0::2] if idle_gap is not None else None
    return max_gap, idle


def derive_attempts(events: pd.DataFrame, idle_gap: float | None = None) -> Derived:
    """Turn an events frame into attempts.

    Columns used: participant, session, variant, task (categoricals), t (seconds),
    kind (codes from EVENT_KINDS, OTHER for anything else), _file, _row.
    Besides the attempts schema the frame carries _start, _end (timestamps) and
    _max_gap (longest pause between consecutive events); with ``idle_gap`` also
    _idle, the seconds by which pauses exceed it (for capping idle time).
    """
    n = len(events)
    key = _key_codes(events, ["participant", "session", "variant", "task"])  # a condition is not a retry
    t_all = events["t"].to_numpy(dtype=np.float64)
    order = _order(key, t_all)
    take = (lambda a: a) if order is None else (lambda a: a[order])
    k, t = take(key), take(t_all)
    kind = take(events["kind"].to_numpy(dtype=np.int8))

    repeat = np.r_[False, (k[1:] == k[:-1]) & (t[1:] == t[:-1]) & (kind[1:] == kind[:-1])] if n else np.zeros(0, bool)
    repeats, dropped_rows = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if repeat.any():  # rare: only then is anything copied
        positions = np.arange(n) if order is None else order
        at = np.flatnonzero(repeat)
        first = np.maximum.accumulate(np.where(repeat, 0, np.arange(n)))[at]  # the copy that is kept
        repeats = np.column_stack((positions[at], positions[first]))
        drop = repeat & ((kind == START) | ((kind >= SUCCESS) & (kind <= ABANDON)))
        dropped_rows = np.sort(positions[drop])
        if drop.any():
            order, k, t, kind = positions[~drop], k[~drop], t[~drop], kind[~drop]
            n = len(k)

    new_key = np.r_[True, k[1:] != k[:-1]] if n else np.zeros(0, dtype=bool)
    found = attempts_of_sorted(t, kind, new_key, idle_gap)
    starts, end_time = found["starts"], found["end_time"]
    start_rows = starts if order is None else order[starts]
    timing = {"_start": t[starts], "_end": end_time, "_max_gap": found["max_gap"], "_unended": found["unended"]}
    if found["idle"] is not None:
        timing["_idle"] = found["idle"]
    # Rounded to the microsecond: epoch-second floats carry ~1e-7 s of noise into differences.
    attempts = _attempt_frame(
        events,
        start_rows,
        found["number"],
        found["end_kind"],
        np.round(end_time - t[starts], 6),
        found["clicks"],
        found["errors"],
        timing,
    )
    unended = attempts.pop("_unended").to_numpy(dtype=bool)  # in the frame's (input) order
    outside = found["outside"]
    outside_rows = outside if order is None else order[outside]
    return Derived(attempts, np.sort(outside_rows), unended, repeats, dropped_rows)


def _attempt_frame(
    events: pd.DataFrame,
    start_rows: np.ndarray,
    number: np.ndarray,
    end_kind: np.ndarray,
    time: np.ndarray,
    clicks: np.ndarray,
    errors: np.ndarray,
    internal: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    data = {name: events[name].take(start_rows).reset_index(drop=True) for name in KEY_COLUMNS}
    data["attempt"] = pd.Series(number, dtype=np.int64)
    data["outcome"] = pd.Categorical.from_codes(end_kind.astype(np.int8) - SUCCESS, dtype=OUTCOME_DTYPE)
    data["time"] = time
    data["clicks"] = clicks
    data["errors"] = errors
    for name in extra_columns(events):
        data[name] = events[name].take(start_rows).reset_index(drop=True)
    data["_file"] = events["_file"].to_numpy()[start_rows]
    data["_row"] = events["_row"].to_numpy()[start_rows]
    data.update(internal or {})
    frame = pd.DataFrame(data)
    # Attempts appear in input order (of their start event), so tasks keep their first-seen order.
    return frame.sort_values(["_file", "_row"], kind="stable").reset_index(drop=True)


EVENT_INTERNAL = {"t", "kind", "_file", "_row", "target", "note", "event", "timestamp"}


def extra_columns(frame: pd.DataFrame) -> list[str]:
    known = set(ATTEMPT_COLUMNS) | set(INTERNAL) | EVENT_INTERNAL | {"source"}
    return [c for c in frame.columns if c not in known and not str(c).startswith("_")]


def empty_attempts() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="category") for c in KEY_COLUMNS})
    frame["attempt"] = pd.Series(dtype=np.int64)
    frame["outcome"] = pd.Series(pd.Categorical([], dtype=OUTCOME_DTYPE))
    for c in ("time", "clicks", "errors"):
        frame[c] = pd.Series(dtype=np.float64)
    frame["_file"] = pd.Series(dtype=np.int64)
    frame["_row"] = pd.Series(dtype=np.int64)
    return frame


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack attempts from several inputs; labels become categoricals in first-seen order."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_attempts()
    if len(frames) == 1:
        frame = frames[0]
    else:
        frame = pd.concat(frames, ignore_index=True, sort=False)
    for name in [*KEY_COLUMNS, *extra_columns(frame)]:
        frame[name] = _categorical_in_order(frame[name])
    frame["outcome"] = frame["outcome"].astype(OUTCOME_DTYPE)
    return frame.reset_index(drop=True)


def _categorical_in_order(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        used = series.cat.remove_unused_categories()
        # first-seen order from the integer codes (no label strings materialised per row)
        codes = used.cat.codes.to_numpy()
        codes = codes[codes >= 0]
        first = np.full(len(used.cat.categories), len(codes), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first occurrence
        order = used.cat.categories[np.argsort(first, kind="stable")]
        return used.cat.reorder_categories(list(order))
    values = series.astype(object).where(series.notna(), None)
    order = pd.unique(values.dropna().astype(str))
    return pd.Series(
        pd.Categorical(values.where(values.isna(), values.astype(str)), categories=order), index=series.index
    )
