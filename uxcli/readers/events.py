"""Layout 1: event log CSV, one row per event (participant, task, timestamp, event)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from uxcli.errors import Problems
from uxcli.readers.common import FileAccount, blank_mask, extra_labels, label_columns, require_labels
from uxcli.readers.csvfile import CsvTable
from uxcli.readers.times import timestamps
from uxcli.vocab import EVENT_KINDS, EVENT_WORDS, closest_word, normalize_word

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


def read_events(table: CsvTable, file_index: int, problems: Problems, account: FileAccount) -> pd.DataFrame:
    table.require(REQUIRED, "event log")
    cols = label_columns(table, ("participant", "session", "variant", "task"))
    extras = extra_labels(table)
    event_words = label_columns(table, ("event",))["event"]
    t = timestamps(table, table.fields["timestamp"], problems)
    blank = blank_mask([*cols.values(), *extras.values(), event_words, t])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    require_labels(table, cols, ("participant", "task"), ~blank, problems)
    no_event = np.flatnonzero(event_words.isna().to_numpy() & ~blank)
    table.report_bad(no_event, table.fields["event"], np.full(table.num_rows, "", object), "is an empty event", problems)
    kind, unknown = event_codes(event_words)
    _warn_typos(table, event_words, unknown, problems)
    frame = pd.DataFrame({**cols, **extras, "t": t, "kind": kind})
    frame["_file"] = file_index
    frame["_row"] = np.arange(table.num_rows, dtype=np.int64)
    return frame[~blank] if blank.any() else frame


def _warn_typos(table: CsvTable, words: pd.Series, unknown: list[str], problems: Problems) -> None:
    """Unknown event kinds are kept as 'other'; one that looks like a typo deserves a warning."""
    for word in unknown:
        guess = closest_word(word, list(EVENT_WORDS))
        if guess is None or normalize_word(word) == "":
            continue
        first = int(np.flatnonzero((words == word).to_numpy())[0])
        problems.warning(
            f'"{word}" is not a known event kind; counted as neither click nor error',
            file=table.name, line=table.line(first), column=table.fields["event"], value=word,
            hint=f'did you mean "{guess}"?',
        )
