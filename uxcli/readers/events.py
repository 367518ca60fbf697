"""Layout 1: event log CSV, one row per event (participant, task, timestamp, event)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from uxcli.errors import InputError, Problems
from uxcli.navigation.events import attach_events, keeping
from uxcli.readers import checks
from uxcli.readers.attempt_table import numeric_times
from uxcli.readers.common import FileAccount, blank_mask, extra_labels, label_columns, require_labels
from uxcli.readers.csvfile import CsvTable
from uxcli.readers.dataset import InputFile
from uxcli.readers.options import FileContext
from uxcli.readers.times import timestamps
from uxcli.tasks.attempts import derive_attempts
from uxcli.vocab import EVENT_KINDS, EVENT_WORDS, OTHER_EVENTS, closest_word, normalize_word

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("participant", "task", "timestamp", "event")
OTHER = len(EVENT_KINDS)


def event_codes(words: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Event words -> kind codes (OTHER for page, note, ...), and unrecognised words."""
    categories = words.cat.categories
    normalized = [normalize_word(c) for c in categories]
    kinds = [EVENT_WORDS.get(w) for w in normalized]
    lookup = np.array([EVENT_KINDS.index(k) if k else OTHER for k in kinds] + [OTHER], dtype=np.int8)
    codes = words.cat.codes.to_numpy()
    unknown = [c for c, k in zip(categories, kinds) if k is None]
    return lookup[codes], unknown  # code -1 (empty) indexes the trailing OTHER


def no_starts(events: pd.DataFrame, info: InputFile) -> None:
    """A log with events but not one start event: every event would be outside any attempt and the result
    empty. Refused rather than guessed: attempts could be taken to begin at each participant and task's first
    event, but that event is an action taken some time after the task was shown, so every time would be
    too short by an unknown amount and the first click not counted: numbers that look right and are not.
    (The streaming engine hands such a file to this reader, so both engines say the same.)"""
    if len(events) == 0 or np.any(events["kind"].to_numpy() == EVENT_KINDS.index("start")):
        return
    starts = ", ".join(f'"{w}"' for w, k in EVENT_WORDS.items() if k == "start")
    raise InputError(
        f"has no start event among its {len(events)} events, so no attempt can be derived: an attempt runs "
        "from a start to its success, failure or abandon",
        file=info.name,
        hint=f"add a start row (participant, task, the time the task was shown) before each attempt; uxcli reads "
        f"{starts} as a start. If the events are in another column, map it with --map COLUMN=event",
    )


def read_event_table(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of an event-log CSV file (the "events" layout's reader, read whole)."""
    table.resolve_duplicates(file.problems)
    events = read_events(table, file.index, file.problems, info.account, file.options.time_unit)
    return attempts_from_events(events, info, file.problems, file.options.idle_gap, table)


def attempts_from_events(
    events: pd.DataFrame, info: InputFile, problems: Problems, idle_gap: float | None = None, table=None
) -> pd.DataFrame:
    """Attempts derived from a whole file's events (CSV or YAML), with what does not fit set aside and
    reported: repeated events, ends before their start, then checks.attempt_warnings."""
    no_starts(events, info)
    derived = derive_attempts(events, idle_gap)
    if keeping() and {"event", "target"} <= set(events.columns):
        attach_events(events, derived)
    source_rows = events["_row"].to_numpy()
    info.account.aside("duplicate event", len(derived.dropped_rows))
    checks.repeated_events(info, events, derived.repeats, derived.dropped_rows, problems, table)
    info.account.aside(checks.OUTSIDE, len(derived.outside_rows))
    early = checks.ends_before_start(info, events, derived.outside_rows, problems)  # reported as errors
    outside = source_rows[np.setdiff1d(derived.outside_rows, early)]
    unended = derived.attempts["_row"].to_numpy()[derived.unended]
    checks.attempt_warnings(info, outside, unended, derived.attempts, problems)
    return derived.attempts


def read_events(
    table: CsvTable, file_index: int, problems: Problems, account: FileAccount, time_unit: str | None = None
) -> pd.DataFrame:
    table.require(REQUIRED, "event log")
    cols = label_columns(table, ("participant", "session", "variant", "task"))
    extras = extra_labels(table)
    event_words = label_columns(table, ("event",))["event"]
    header = table.fields["timestamp"]
    t = numeric_times(table, header, timestamps(table, header, problems), time_unit, problems)
    blank = blank_mask([*cols.values(), *extras.values(), event_words, t])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    require_labels(table, cols, ("participant", "task"), ~blank, problems)
    no_event = np.flatnonzero(event_words.isna().to_numpy() & ~blank)
    table.report_bad(
        no_event,
        table.fields["event"],
        np.full(table.num_rows, "", object),
        "is an empty event",
        problems,
        hint="every row needs an event: start, click, error, success, failure or abandon",
    )
    kind, unknown = event_codes(event_words)
    _warn_typos(table, event_words, unknown, problems)
    import pandas as pd  # the one function here that builds a frame

    frame = pd.DataFrame({**cols, **extras, "t": t, "kind": kind})
    if keeping():  # navigation and XES need each event's word and target (uxcli.navigation.events)
        frame["event"], frame["target"] = event_words, label_columns(table, ("target",))["target"]
    frame["_file"] = file_index
    frame["_row"] = np.arange(table.num_rows, dtype=np.int64)
    return frame[~blank] if blank.any() else frame


def _warn_typos(table: CsvTable, words: pd.Series, unknown: list[str], problems: Problems) -> None:
    """Unknown event kinds of a whole file (see warn_unknown_events)."""
    found = []
    for word in filter(worth_a_warning, unknown):
        rows = np.flatnonzero((words == word).to_numpy())
        found.append((word, len(rows), table.line(int(rows[0]))))
    warn_unknown_events(found, table.name, table.fields["event"], table.header_line, problems)


def worth_a_warning(word: str) -> bool:
    """An unknown event word to warn about: not blank, and not one of the kinds uxcli knows it
    does not count (page, note, ...)."""
    normalized = normalize_word(word)
    return normalized != "" and normalized not in OTHER_EVENTS


def warn_unknown_events(
    found: list[tuple[str, int, int]], file: str, column: str, header_line: int, problems: Problems
) -> None:
    """Unknown event kinds are kept as 'other' (neither click nor error).

    ``found`` holds (word, rows, line of its first row) per word worth a warning. One that looks like a typo
    of a known kind gets its own warning; the other unknown kinds (a recorder's own events) are named
    together in one warning per file. Both readers (whole-file and streaming) word them here.
    """
    others: list[str] = []
    for word, count, line in found:
        guess = closest_word(word, list(EVENT_WORDS))
        if guess is None:
            others.append(f'"{word}" ({count}×)')
            continue
        problems.warning(
            f'"{word}" is not a known event kind; {count} row{"s" if count != 1 else ""} counted as '
            "neither click nor error",
            file=file,
            line=line,
            column=column,
            value=word,
            hint=f'did you mean "{guess}"?',
        )
    if others:
        shown = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
        problems.warning(
            f"event kinds uxcli does not count (kept, counted as neither click nor error): {shown}",
            file=file,
            line=header_line,
            column=column,
            hint="uxcli counts start, click, error, success, failure and abandon, and synonyms such as "
            "tap, completed or gave up",
        )
