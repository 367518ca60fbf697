"""Layout 2: attempt table CSV, one row per attempt (participant, task, outcome, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from uxcli.attempts import OUTCOME_DTYPE
from uxcli.errors import Problems
from uxcli.readers.common import FileAccount, blank_mask, extra_labels, label_columns, require_labels
from uxcli.readers.csvfile import CsvTable
from uxcli.readers.times import durations
from uxcli.vocab import OUTCOME_WORDS, closest_word, outcome_for

REQUIRED = ("participant", "task", "outcome")


def outcomes(words: pd.Series) -> tuple[pd.Categorical, list[str]]:
    """Outcome words (yes/no, pass/fail, gave up, ...) -> success/failure/abandon."""
    categories = list(words.cat.categories)
    mapped = [outcome_for(c) for c in categories]
    order = list(OUTCOME_DTYPE.categories)
    lookup = np.array([order.index(m) if m else -1 for m in mapped] + [-1], dtype=np.int8)
    codes = lookup[words.cat.codes.to_numpy()]  # code -1 (empty cell) indexes the trailing -1
    unknown = [c for c, m in zip(categories, mapped) if m is None]
    return pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE), unknown


def report_unknown_outcomes(table: CsvTable, header: str, words: pd.Series, unknown: list[str],
                            problems: Problems) -> None:
    for word in unknown:
        rows = np.flatnonzero((words == word).to_numpy())
        guess = closest_word(word, list(OUTCOME_WORDS))
        hint = f'did you mean "{guess}"?' if guess else "use success, failure or abandon (or yes/no, pass/fail)"
        table.report_bad(rows, header, words.astype(object).to_numpy(), "is not an outcome", problems, hint=hint)


def counts(table: CsvTable, name: str, problems: Problems) -> np.ndarray:
    n = table.num_rows
    if not table.has(name):
        return np.full(n, np.nan)
    header = table.fields[name]
    values = table.numbers(header, problems, what=f"a number of {name}")
    negative = np.flatnonzero(values < 0)
    raw = table.column(header).to_numpy(zero_copy_only=False)
    table.report_bad(negative, header, raw, f"is a negative number of {name}", problems)
    return values


def read_attempt_table(table: CsvTable, file_index: int, problems: Problems, account: FileAccount) -> pd.DataFrame:
    table.require(REQUIRED, "attempt table")
    cols = label_columns(table, ("participant", "session", "variant", "task"))
    extras = extra_labels(table)
    words = label_columns(table, ("outcome",))["outcome"]
    time = durations(table, table.fields["time"], problems) if table.has("time") else np.full(table.num_rows, np.nan)
    clicks, errors = counts(table, "clicks", problems), counts(table, "errors", problems)
    blank = blank_mask([*cols.values(), *extras.values(), words, time, clicks, errors])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    require_labels(table, cols, ("participant", "task"), ~blank, problems)
    outcome, unknown = outcomes(words)
    report_unknown_outcomes(table, table.fields["outcome"], words, unknown, problems)
    no_outcome = words.isna().to_numpy() & ~blank
    if no_outcome.any():
        rows = np.flatnonzero(no_outcome)
        table.report_bad(rows, table.fields["outcome"], np.full(table.num_rows, "", object),
                         "is an empty outcome; the row is not counted", problems, severity="warning")
        account.aside("no outcome", len(rows))
    frame = pd.DataFrame({**cols, "attempt": 1, "outcome": outcome, "time": time,
                          "clicks": clicks, "errors": errors, **extras})
    frame["_file"] = file_index
    frame["_row"] = np.arange(table.num_rows, dtype=np.int64)
    keep = ~(blank | no_outcome)
    frame = frame[keep] if not keep.all() else frame
    # Repeated participant x task rows are retries: number them in input order.
    frame["attempt"] = frame.groupby(["participant", "session", "task"], observed=True, dropna=False,
                                     sort=False).cumcount().to_numpy() + 1
    return frame
