"""Each attempt's own events, kept for navigation metrics and the XES export.

Reading does not keep events by default (a summary needs only the attempts). Inside ``keeping_events()``
the event-log reader keeps each event's word and ``target`` column, and ``attach_events`` gives every
attempt derived from the log an internal ``_events`` column: a tuple of (seconds, kind code, event word,
target or None) for the events from its start to its end, in time order (the rule of
uxcli.tasks.attempts: a start opens an attempt, the first terminal event after it closes it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

EVENTS_COLUMN = "_events"
_KEEP: ContextVar[bool] = ContextVar("uxcli_keep_events", default=False)


@contextmanager
def keeping_events() -> Iterator[None]:
    """Read with each attempt's events kept (see the module docstring)."""
    token = _KEEP.set(True)
    try:
        yield
    finally:
        _KEEP.reset(token)


def keeping() -> bool:
    return _KEEP.get()


def attach_events(events: pd.DataFrame, derived: Any) -> None:
    """Add ``_events`` to ``derived.attempts`` (a uxcli.tasks.attempts.Derived) from the events frame."""
    import pandas as pd

    from uxcli.tasks.attempts import ABANDON, START, SUCCESS

    attempts = derived.attempts
    keep = np.ones(len(events), dtype=bool)
    keep[derived.dropped_rows] = False  # repeated starts and ends, dropped by derive_attempts too
    frame = events[keep]
    key = frame["_file"].to_numpy(dtype=np.int64)
    for name in ("participant", "session", "variant", "task"):
        col = frame[name]
        key = key * (len(col.cat.categories) + 1) + col.cat.codes.to_numpy(dtype=np.int64) + 1
    t = frame["t"].to_numpy(dtype=np.float64)
    row = frame["_row"].to_numpy(dtype=np.int64)
    order = np.lexsort((row, t, key))
    k, t, row = key[order], t[order], row[order]
    kind = frame["kind"].to_numpy(dtype=np.int8)[order]
    words = frame["event"].astype(object).to_numpy()[order]
    targets = frame["target"].astype(object).to_numpy()[order]

    is_start = kind == START
    starts = np.flatnonzero(is_start)
    seg = np.cumsum(is_start) - 1  # the last start at or before each event (-1: none)
    valid = seg >= 0
    start_pos = starts[np.maximum(seg, 0)] if len(starts) else np.zeros(len(k), dtype=np.int64)
    valid &= k[start_pos] == k if len(k) else valid
    terminal = (kind >= SUCCESS) & (kind <= ABANDON)
    done = np.cumsum(terminal) - terminal  # terminals strictly before each event
    member = valid & ((done - done[start_pos]) == 0)
    owner = row[start_pos]

    out = np.empty(len(attempts), dtype=object)
    out[:] = [()] * len(attempts)
    at = np.flatnonzero(member)
    if len(at):
        position = pd.Series(np.arange(len(attempts)), index=attempts["_row"].to_numpy())
        cut = np.flatnonzero(np.r_[True, owner[at][1:] != owner[at][:-1]])
        bounds = np.r_[cut, len(at)]
        for first, stop in zip(bounds[:-1], bounds[1:]):
            run = at[first:stop]
            index = position.get(int(owner[run[0]]))
            if index is None:
                continue
            out[int(index)] = tuple((float(t[i]), int(kind[i]), _text(words[i]), _text(targets[i])) for i in run)
    attempts[EVENTS_COLUMN] = out


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None
