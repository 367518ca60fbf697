"""Layout 2: attempt table CSV, one row per attempt (participant, task, outcome, ...)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from uxcli.design import attempt_key  # participant × session × condition × round × task
from uxcli.errors import Problems
from uxcli.readers.common import blank_mask, extra_labels, label_columns, require_labels
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import InputFile
from uxcli.readers.options import FileContext
from uxcli.readers.times import bare_numbers, durations, timestamps
from uxcli.tasks.attempts import OUTCOME_DTYPE
from uxcli.values import is_missing_label
from uxcli.vocab import NOT_ATTEMPTED, OUTCOME_WORDS, closest_word, is_summary_label, outcome_for

REQUIRED = ("participant", "task", "outcome")


def outcomes(words: pd.Series, recode: Mapping[str, str] | None = None) -> tuple[pd.Categorical, list[str]]:
    """Outcome words (yes/no, pass/fail, gave up, with help, ...) -> success/failure/abandon/assisted;
    words meaning "not attempted" (N/A, -, skipped) are no outcome (see :func:`not_attempted`)."""
    categories = list(words.cat.categories)
    mapped = [outcome_for(c, recode) for c in categories]
    order = list(OUTCOME_DTYPE.categories)
    lookup = np.array([order.index(m) if m in order else -1 for m in mapped] + [-1], dtype=np.int8)
    codes = lookup[words.cat.codes.to_numpy()]  # code -1 (empty cell) indexes the trailing -1
    unknown = [c for c, m in zip(categories, mapped) if m is None]
    return pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE), unknown


def not_attempted(words: pd.Series, recode: Mapping[str, str] | None = None) -> np.ndarray:
    """Which cells say the task was not attempted (N/A, -, not attempted, skipped, or recoded so)."""
    categories = list(words.cat.categories)
    lookup = np.array([outcome_for(c, recode) == NOT_ATTEMPTED for c in categories] + [False], dtype=bool)
    return lookup[words.cat.codes.to_numpy()]


def note_not_attempted(table: CsvTable, header: str, words: pd.Series, mask: np.ndarray, problems: Problems) -> None:
    """The one note for rows (cells) set aside as not attempted: how many, as which words, from which line."""
    if not mask.any():
        return
    rows = np.flatnonzero(mask)
    said = ", ".join(f'"{w}"' for w in dict.fromkeys(str(w) for w in words.to_numpy()[rows]))
    n = len(rows)
    problems.note(
        f"{n} {'row' if n == 1 else 'rows'} marked not attempted ({said}) {'was' if n == 1 else 'were'} not counted "
        "as attempts",
        file=table.name,
        line=table.line(int(rows[0])),
        column=header,
        hint='to count such a row, recode its word: --outcome "N/A=failure"',
    )


def note_assisted(table: CsvTable, header: str, words: pd.Series, mask: np.ndarray, problems: Problems) -> None:
    """The one note for assisted attempts (cells): how many, as which words, how they are counted."""
    if not mask.any():
        return
    rows = np.flatnonzero(mask)
    said = ", ".join(f'"{w}"' for w in dict.fromkeys(str(w) for w in words.to_numpy()[rows]))
    problems.note(
        f"{len(rows)} assisted attempt{'s' if len(rows) != 1 else ''} ({said}): counted in the assisted "
        "column and as failures in the success rate unless --assisted success",
        file=table.name,
        line=table.line(int(rows[0])),
        column=header,
    )


def report_unknown_outcomes(
    table: CsvTable, header: str, words: pd.Series, unknown: list[str], problems: Problems
) -> None:
    """One error per distinct word that is not an outcome: its count and first lines."""
    for word in unknown:
        rows = np.flatnonzero((words == word).to_numpy())
        if not len(rows):
            continue
        guess = closest_word(word, list(OUTCOME_WORDS))
        hint = f'did you mean "{guess}"? Otherwise recode it: --outcome "{word}=CATEGORY"'
        if not guess:
            hint = f'say what it means, e.g. --outcome "{word}=success" (or failure, abandon, assisted, not-attempted)'
        lines = [str(line) for line in table.lines(rows[:5])]
        where = (
            "" if len(rows) == 1 else f" ({len(rows)} rows, lines {', '.join(lines)}{', …' if len(rows) > 5 else ''})"
        )
        problems.error(
            f'"{word}" is not an outcome{where}',
            file=table.name,
            line=int(lines[0]),
            column=header,
            value=str(word),
            hint=hint,
        )


def counts(table: CsvTable, name: str, problems: Problems) -> np.ndarray:
    n = table.num_rows
    if not table.has(name):
        return np.full(n, np.nan)
    header = table.fields[name]
    hint = f"write a whole number of {name} (0 or more), or leave the cell empty if unknown"
    values = table.numbers(header, problems, what=f"a number of {name}", hint=hint)
    negative = np.flatnonzero(values < 0)
    raw = table.strings(header).to_numpy(zero_copy_only=False)
    table.report_bad(negative, header, raw, f"is a negative number of {name}", problems, hint=hint)
    return values


def read_attempt_table(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of an attempt table (the "attempts" layout's reader)."""
    file_index, problems, account = file.index, file.problems, info.account
    table.resolve_duplicates(problems)
    time_only = not table.has("outcome") and table.has("time")  # many studies record only times
    table.require(REQUIRED[:2] if time_only else REQUIRED, "attempt table")
    optional = {name: table.extra_field(name) for name in ("attempt", "start", "end")}
    cols = label_columns(table, ("participant", "session", "variant", "task"))
    extras = extra_labels(table, skip={h for h in optional.values() if h})
    words = label_columns(table, ("outcome",))["outcome"]  # no outcome column: all missing
    unit = file.options.time_unit
    time = _durations(table, unit, problems) if table.has("time") else np.full(table.num_rows, np.nan)
    if optional["start"] and optional["end"]:
        time = _start_end_time(table, optional["start"], optional["end"], time, problems, unit)
    clicks, errors = counts(table, "clicks", problems), counts(table, "errors", problems)
    blank = blank_mask([*cols.values(), *extras.values(), words, time, clicks, errors])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    summary = _summary_rows(table, cols, blank, problems)
    account.aside("summary row", int(summary.sum()))
    blank = blank | summary  # a "Total" or "Average" row under the data is not an attempt
    require_labels(table, cols, ("participant", "task"), ~blank, problems)
    skipped = np.zeros(table.num_rows, dtype=bool)  # marked not attempted (N/A, -, skipped)
    if time_only:
        no_outcome = _time_only(table, time, blank, account, problems)
        outcome = pd.Categorical.from_codes(np.full(table.num_rows, -1, dtype=np.int8), dtype=OUTCOME_DTYPE)
    else:
        recode = file.options.outcomes
        outcome, unknown = outcomes(words, recode)
        report_unknown_outcomes(table, table.fields["outcome"], words, unknown, problems)
        skipped = not_attempted(words, recode) & ~blank
        note_not_attempted(table, table.fields["outcome"], words, skipped, problems)
        account.aside("not attempted", int(skipped.sum()))
        helped = (np.asarray(outcome.codes) == 3) & ~blank  # assisted (OUTCOME_DTYPE code 3)
        note_assisted(table, table.fields["outcome"], words, helped, problems)
        no_outcome = words.isna().to_numpy() & ~blank
    if no_outcome.any() and not time_only:
        rows = np.flatnonzero(no_outcome)
        table.report_bad(
            rows,
            table.fields["outcome"],
            np.full(table.num_rows, "", object),
            "is an empty outcome; the row is not counted",
            problems,
            severity="warning",
            hint="fill in success, failure or abandon if the task was attempted",
        )
        account.aside("no outcome", len(rows))
    frame = pd.DataFrame(
        {**cols, "attempt": 1, "outcome": outcome, "time": time, "clicks": clicks, "errors": errors, **extras}
    )
    frame["_file"] = file_index
    frame["_row"] = np.arange(table.num_rows, dtype=np.int64)
    keep = ~(blank | no_outcome | skipped)
    frame = frame[keep] if not keep.all() else frame
    account.double_entries = _warn_double_entries(table, frame, problems)
    # Repeated participant x task rows are retries: number them in input order (or as the file says).
    order = frame.groupby(attempt_key(frame.columns), observed=True, dropna=False, sort=False).cumcount().to_numpy() + 1
    if optional["attempt"]:
        frame["attempt"] = _attempt_numbers(table, optional["attempt"], frame, order, problems)
    else:
        frame["attempt"] = order
        account.numbered_retries = bool((order > 1).any())
    return frame


def _summary_rows(table: CsvTable, cols: dict[str, pd.Series], blank: np.ndarray, problems: Problems) -> np.ndarray:
    """Rows a spreadsheet adds under the data ("Total", "Average", "Moyenne"): a summary word as the
    participant or the task, the other label empty or a summary word too. Set aside with a note."""
    labels = [cols[name].astype(object) for name in ("participant", "task")]
    marks = [col.map(lambda v: not is_missing_label(v) and is_summary_label(v)).to_numpy(dtype=bool) for col in labels]
    empty = [col.isna().to_numpy() for col in labels]
    rows = ((marks[0] & (empty[1] | marks[1])) | (marks[1] & empty[0])) & ~blank
    if rows.any():
        first = np.flatnonzero(rows)
        lines = ", ".join(str(line) for line in table.lines(first[:5]))
        word = next(str(v) for col in labels for v in col.iloc[first] if not is_missing_label(v))
        problems.note(
            f'{len(first)} summary row{"s" if len(first) > 1 else ""} ("{word}") under the data set aside '
            f"(line{'s' if len(first) > 1 else ''} {lines})",
            file=table.name,
            line=int(table.lines(first[:1])[0]),
        )
    return rows


def _time_only(table: CsvTable, time: np.ndarray, blank: np.ndarray, account, problems: Problems) -> np.ndarray:
    """A table of times with no outcome column: every time is a completion time, success is unknown.
    Rows with no time say nothing: they are set aside (returned), with a warning."""
    problems.note(
        "no outcome column: times taken as completion times; success metrics are empty",
        file=table.name,
        line=table.header_line,
        column=table.fields["time"],
        hint='if the file has outcomes under another name, --map "COLUMN=outcome"',
    )
    untimed = np.isnan(time) & ~blank
    if untimed.any():
        rows = np.flatnonzero(untimed)
        table.report_bad(
            rows,
            table.fields["time"],
            np.full(table.num_rows, "", object),
            "is an empty time in a table of times only; the row is not counted",
            problems,
            severity="warning",
            hint="fill in the time if the task was done",
        )
        account.aside("no time", len(rows))
    return untimed


def _durations(table: CsvTable, unit: str | None, problems: Problems) -> np.ndarray:
    """The time column in seconds: numbers in the column's unit (header or --time-unit), m:ss as is."""
    return _durations_of(table, table.fields["time"], unit, problems)


def _durations_of(table: CsvTable, header: str, unit: str | None, problems: Problems) -> np.ndarray:
    """A column of durations in seconds (also the wide time matrix's reader)."""
    seconds = durations(table, header, problems)
    plain = bare_numbers(table, header)  # '1:23' and '83s' name their unit
    return table.in_seconds(header, seconds, plain & ~np.isnan(seconds), unit, problems)


def numeric_times(table: CsvTable, header: str, values: np.ndarray, unit: str | None, problems: Problems) -> np.ndarray:
    """Timestamps in seconds: numbers in the column's unit (header or --time-unit), date-times as they are."""
    dates = pc.match_substring_regex(table.strings(header), r"^\d{4}-\d\d-\d\d")
    plain = ~np.asarray(dates.to_numpy(zero_copy_only=False), dtype=bool) & ~np.isnan(values)
    return table.in_seconds(header, values, plain, unit, problems)


def _start_end_time(
    table: CsvTable, start_header: str, end_header: str, time: np.ndarray, problems: Problems, unit: str | None
) -> np.ndarray:
    """Attempt tables with start and end columns: time is end - start; an end before its start is an error."""
    start = numeric_times(table, start_header, timestamps(table, start_header, problems), unit, problems)
    end = numeric_times(table, end_header, timestamps(table, end_header, problems), unit, problems)
    with np.errstate(invalid="ignore"):
        derived = end - start
    backwards = np.flatnonzero(derived < 0)
    raw = np.asarray(table.strings(end_header).to_numpy(zero_copy_only=False), dtype=object)
    limit = listing_limit()
    for row in backwards[:limit]:
        problems.error(
            f'"{raw[row]}" is {-derived[row]:g} s before the start of this attempt',
            file=table.name,
            line=table.line(int(row)),
            column=end_header,
            value=str(raw[row]),
            hint="the end must come after the start; check both times: day and month swapped?",
        )
    if len(backwards) > limit:
        problems.error(f"{len(backwards) - limit} more ends before their start", file=table.name, column=end_header)
    derived[backwards] = np.nan
    return np.where(np.isnan(time), derived, time)


def _attempt_numbers(
    table: CsvTable, header: str, frame: pd.DataFrame, order: np.ndarray, problems: Problems
) -> np.ndarray:
    numbers = table.numbers(
        header,
        problems,
        what="an attempt number (1, 2, …)",
        hint="number the attempts of one participant and task 1, 2, …",
    )
    numbers = numbers[frame["_row"].to_numpy()]
    bad = np.flatnonzero(~np.isnan(numbers) & ((numbers < 1) | (numbers != np.round(numbers))))
    raw = table.strings(header).to_numpy(zero_copy_only=False)[frame["_row"].to_numpy()]
    rows = frame["_row"].to_numpy()
    for i in bad[: listing_limit()]:
        problems.error(
            f'"{raw[i]}" is not an attempt number (1, 2, …)',
            file=table.name,
            line=table.line(int(rows[i])),
            column=header,
            value=str(raw[i]),
        )
    numbers = np.where(np.isnan(numbers) | np.isin(np.arange(len(numbers)), bad), order, numbers)
    numbered = frame.assign(attempt=numbers)
    twice = np.flatnonzero(numbered.duplicated([*attempt_key(frame.columns), "attempt"]).to_numpy())
    for i in twice[: listing_limit()]:
        problems.warning(
            f'participant "{frame["participant"].iloc[i]}" has attempt {int(numbers[i])} of task '
            f'"{frame["task"].iloc[i]}" twice',
            file=table.name,
            line=table.line(int(rows[i])),
            column=header,
            value=str(raw[i]),
            hint="a double entry? delete one of the rows",
        )
    return numbers.astype(np.int64)


def _warn_double_entries(table: CsvTable, frame: pd.DataFrame, problems: Problems) -> list[int]:
    """Rows identical to an earlier row in every column: double entries more often than retries."""
    columns = [c for c in frame.columns if c not in ("_row", "attempt")]
    repeated = frame.duplicated(columns).to_numpy()
    if not repeated.any():
        return []
    group = frame.groupby(columns, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    _, first_index = np.unique(group, return_index=True)
    first_row = np.empty(group.max() + 1, dtype=np.int64)
    first_row[group[first_index]] = frame["_row"].to_numpy()[first_index]
    found = np.flatnonzero(repeated)
    rows = frame["_row"].to_numpy()
    limit = listing_limit()
    for i in found[:limit]:
        problems.warning(
            f"row repeats line {table.line(int(first_row[group[i]]))} exactly: a double entry? "
            "both are counted (the second as a retry)",
            file=table.name,
            line=table.line(int(rows[i])),
            hint="delete one of them if the attempt was entered twice",
        )
    if len(found) > limit:
        problems.warning(f"{len(found) - limit} more rows repeat an earlier row exactly", file=table.name)
    return rows[found].tolist()
