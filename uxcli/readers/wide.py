"""Layout 3: wide success matrix, one row per participant and one column per task.

Real exports carry more than tasks, so every column is judged by its values before it is read:

* a task column holds outcomes: outcome words (success, yes/no, pass/fail, …), marks (✓, ✗) or ticks;
  a column of only 1/0 is a task when the other task columns are 1/0 too (else it is a flag such as
  "consent", kept as an attribute);
* a matrix whose task columns hold only ticks (x, ✓, ✔, ☑) and empty cells is a tick sheet: a tick is a
  success and an empty cell a failure ("not ticked"); the ``tick`` column (ticked | empty) lets
  ``--exclude tick=empty`` read empty cells as "not attempted" instead;
* a totals column (named total, sum, score, %, … or equal to each row's successes, as a count or a
  percentage) and a totals row (labelled so, or with no participant and equal to each column's
  successes) are set aside, never read as a task or a participant;
* every other column is a participant attribute: an extra column of the attempts, usable with ``--by``.

Each of these decisions is stated as a warning naming the file and columns, so ``validate`` lists it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from uxcli.errors import InputError, Problems
from uxcli.readers.attempt_table import outcomes, report_unknown_outcomes
from uxcli.readers.common import blank_mask, label_columns, labels, require_labels
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import InputFile
from uxcli.readers.options import FileContext
from uxcli.tasks.attempts import ATTEMPT_COLUMNS, OUTCOME_DTYPE
from uxcli.vocab import (
    CHECK_MARKS,
    CROSS_MARKS,
    TICK_MARKS,
    TOTAL_LABELS,
    normalize_header,
    normalize_word,
    outcome_for,
)

LABELS = ("participant", "session", "variant")
TICK_COLUMN = "tick"  # "ticked" | "empty", in attempts read from a tick sheet
_NUMBER = re.compile(r"^[+-]?(\d+(?:\.(\d*))?|\.(\d+))\s*(%?)$")


def task_headers(table: CsvTable) -> list[str]:
    """The columns that may be tasks: every column but the participant, session and variant."""
    used = {table.fields[name] for name in LABELS if table.has(name)} | table.unused
    return [h for h in table.headers if h not in used]


@dataclass
class _Column:
    header: str
    words: pd.Series  # the cells, categorical; empty cells missing
    kind: str = "attribute"  # task | tick | binary | numeric | attribute | known | total | empty
    values: tuple[str, ...] = ()  # distinct cells (normalised) in participant rows


@dataclass(frozen=True)
class _Number:
    value: float
    percent: bool
    step: float  # half a unit of the last digit written: the rounding tolerance

    def matches(self, expected: np.ndarray) -> bool:
        return bool(np.all(np.abs(expected - self.value) <= self.step + 1e-9))


def read_wide(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of a wide success matrix (the "wide" layout's reader)."""
    file_index, problems, account = file.index, file.problems, info.account
    table.resolve_duplicates(problems)
    table.require(("participant",), "wide success matrix")
    headers = task_headers(table)
    if not headers:
        raise_no_tasks(table)
    cols = label_columns(table, LABELS)
    columns = [_Column(h, labels(table, h)) for h in headers]
    blank = blank_mask([*cols.values(), *(c.words for c in columns)])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    named_total = _named_total_rows(cols["participant"]) & ~blank
    unnamed = ~blank & cols["participant"].isna().to_numpy() & _all_numbers(table, columns)
    people = ~blank & ~named_total & ~unnamed
    _classify(table, columns, people)
    tasks = _task_columns(table, columns, problems)
    tick_sheet = all(c.kind == "tick" for c in tasks)
    outcome, attempted, unknown = _outcomes(table, tasks, tick_sheet, people | unnamed, problems)
    total_rows = named_total | (unnamed & _totals_of_columns(table, tasks, outcome, attempted, people, unnamed))
    people = ~blank & ~total_rows
    _set_aside_total_rows(table, cols["participant"], total_rows, account, problems)
    _total_columns(table, columns, tasks, outcome, attempted, people, problems)
    require_labels(table, cols, ("participant",), people, problems)
    for column, words in zip(tasks, unknown):
        report_unknown_outcomes(table, column.header, column.words.where(people), words, problems)
    _warn_repeated_participants(table, cols, ~people, problems)
    attributes = _attributes(table, columns, problems)
    if tick_sheet:
        _note_tick_sheet(table, tasks, attempted, people, problems)
    pieces = []
    for position, column in enumerate(tasks):
        rows = np.flatnonzero(attempted[position] & people)
        piece = {
            **{name: col.take(rows).reset_index(drop=True) for name, col in cols.items()},
            "task": column.header,
            "attempt": 1,
            "outcome": pd.Categorical(np.asarray(outcome[position])[rows], dtype=OUTCOME_DTYPE),
            "time": np.nan,
            "clicks": np.nan,
            "errors": np.nan,
        }
        piece.update({c.header: c.words.take(rows).reset_index(drop=True) for c in attributes})
        if tick_sheet:
            piece[TICK_COLUMN] = np.where(column.words.notna().to_numpy()[rows], "ticked", "empty")
        piece.update({"_file": file_index, "_row": rows, "_col": position})
        pieces.append(pd.DataFrame(piece))
    frame = pd.concat(pieces, ignore_index=True)
    # Row by row, as a researcher reads the sheet; tasks keep their column order.
    frame = frame.sort_values(["_col", "_row"], kind="stable").drop(columns="_col")
    no_cells = people & ~np.logical_or.reduce(attempted)
    if no_cells.any():
        problems.warning(
            f"{int(no_cells.sum())} participant rows have no outcome in any task column",
            file=table.name,
            line=table.line(int(np.flatnonzero(no_cells)[0])),
        )
        account.aside("no task attempted", no_cells.sum())
    return frame.reset_index(drop=True)


def raise_no_tasks(table: CsvTable, column: _Column | None = None, row: int | None = None) -> None:
    if column is None or row is None:
        raise InputError(
            "wide success matrix has no task columns next to the participant column",
            file=table.name,
            line=table.header_line,
        )
    value = str(column.words.iloc[row])
    raise InputError(
        f'wide success matrix has no task columns: no column holds outcomes ("{value}" is not an outcome)',
        file=table.name,
        line=table.line(row),
        column=column.header,
        value=value,
        hint="a task column holds success/failure, yes/no, pass/fail, 1/0 or ticks (x, ✓); "
        "if this file has one row per attempt, add a task and an outcome column",
    )


# --- what each column is ---------------------------------------------------------------------------


def _classify(table: CsvTable, columns: list[_Column], people: np.ndarray) -> None:
    known = {h for name, h in table.fields.items() if name not in LABELS}
    for column in columns:
        codes = column.words.cat.codes.to_numpy()[people]
        used = np.unique(codes[codes >= 0])
        categories = column.words.cat.categories
        column.values = tuple(dict.fromkeys(normalize_word(str(categories[i])) for i in used))
        column.kind = _kind(table, column.header, column.values, column.header in known)


def _kind(table: CsvTable, header: str, values: tuple[str, ...], known: bool) -> str:
    if known:
        return "known"  # a column uxcli knows by name (notes, time, ...): never a task here
    if _is_total_label(header):
        return "total"
    if not values:
        return "empty"
    present = set(values)
    if present <= set(TICK_MARKS) and not ("x" in present and present & set(CHECK_MARKS)):
        return "tick"
    if present <= {"0", "1"}:
        return "binary"
    if all(_number(v, table.decimal_comma) is not None for v in values):
        return "numeric"
    outcome_like = [v for v in values if v in TICK_MARKS or outcome_for(v) is not None]
    return "task" if 2 * len(outcome_like) >= len(values) else "attribute"


def _task_columns(table: CsvTable, columns: list[_Column], problems: Problems) -> list[_Column]:
    """The task columns; a 1/0 column is a task only when no task column holds words or ticks."""
    words = [c for c in columns if c.kind in ("task", "tick")]
    for column in columns:
        if column.kind == "binary":
            column.kind = "flag" if words else "task"
    tasks = [c for c in columns if c.kind in ("task", "tick")]
    if not tasks:
        candidates = [c for c in columns if c.kind in ("numeric", "attribute", "flag")] or columns
        for column in candidates:
            filled = np.flatnonzero(column.words.notna().to_numpy())
            if len(filled):
                raise_no_tasks(table, column, int(filled[0]))
        raise_no_tasks(table)
    flags = [c.header for c in columns if c.kind == "flag"]
    if flags:
        problems.note(
            f"{_columns(flags)} only 1/0 while the task columns hold words or ticks: "
            f"{'it is a participant attribute' if len(flags) == 1 else 'participant attributes'}, not a task",
            file=table.name,
            line=table.header_line,
            hint="write its outcomes as words (yes/no) if it is a task",
        )
    for column in columns:
        if column.kind == "empty":
            problems.warning(
                "column is empty in every participant row: not read as a task",
                file=table.name,
                line=table.header_line,
                column=column.header,
                hint="if nobody succeeded at this task, write failure (or 0, no) in its cells",
            )
    return tasks


def _outcomes(
    table: CsvTable, tasks: list[_Column], tick_sheet: bool, rows: np.ndarray, problems: Problems
) -> tuple[list[pd.Categorical], np.ndarray, list[list[str]]]:
    """Each task column's outcomes, which cells are attempts (a [task, row] mask) and its words that are
    not outcomes."""
    found: list[pd.Categorical] = []
    attempted: list[np.ndarray] = []
    unknowns: list[list[str]] = []
    for column in tasks:
        present = column.words.notna().to_numpy()
        if tick_sheet:  # a tick is a success; not ticked, a failure
            codes = np.where(present, 0, 1).astype(np.int8)
            found.append(pd.Categorical.from_codes(codes, dtype=OUTCOME_DTYPE))
            attempted.append(rows.copy())
            unknowns.append([])
            continue
        words = column.words
        if "x" in column.values:
            words = _read_x(table, column, problems)
        outcome, unknown = outcomes(words)
        found.append(outcome)
        attempted.append(present & rows)
        unknowns.append(unknown)
    return found, np.array(attempted, dtype=bool).reshape(len(tasks), table.num_rows), unknowns


def _read_x(table: CsvTable, column: _Column, problems: Problems) -> pd.Series:
    """ "x" next to check marks or crosses is a cross (failure); next to words it could be either: refused."""
    present = set(column.values)
    if present <= {*TICK_MARKS, *CROSS_MARKS} and present & {*CHECK_MARKS, *CROSS_MARKS}:
        problems.warning(
            '"x" is read as a cross (failure), next to the check marks of this column; an empty cell is not attempted',
            file=table.name,
            line=table.header_line,
            column=column.header,
            value="x",
        )
        return column.words
    cells = column.words.astype(object).to_numpy()
    rows = np.flatnonzero([isinstance(v, str) and normalize_word(v) == "x" for v in cells])
    where = "the other task columns" if present <= set(TICK_MARKS) else "this column"
    table.report_bad(
        rows,
        column.header,
        cells,
        f"could be a tick (success) or a cross (failure) next to the outcome words of {where}",
        problems,
        hint="write success or failure (or ✓ and ✗); a sheet of only x and empty cells is read as ticks",
    )
    return column.words


def _note_tick_sheet(
    table: CsvTable, tasks: list[_Column], attempted: np.ndarray, people: np.ndarray, problems: Problems
) -> None:
    marks = ", ".join('"' + m + '"' for m in dict.fromkeys(v for c in tasks for v in c.values))
    problems.note(
        f"a matrix of ticks ({marks}): a ticked cell is a success, an empty cell a failure (not ticked)",
        file=table.name,
        line=table.header_line,
        hint=f"if an empty cell means the task was not attempted, add --exclude {TICK_COLUMN}=empty",
    )
    ticks = np.logical_or.reduce([c.words.notna().to_numpy() for c in tasks])
    none = np.flatnonzero(people & ~ticks)
    if len(none):
        lines = ", ".join(str(table.line(int(r))) for r in none[: listing_limit()])
        problems.warning(
            f"{len(none)} participant row{'s have' if len(none) > 1 else ' has'} no tick in any task column "
            f"(line{'s' if len(none) > 1 else ''} {lines}): counted as failing every task",
            file=table.name,
            line=table.line(int(none[0])),
            hint="if the participant did not take part, leave the row out or --exclude participant=ID",
        )


def _attributes(table: CsvTable, columns: list[_Column], problems: Problems) -> list[_Column]:
    """Columns kept as participant attributes (extra columns of the attempts, for --by)."""
    kept = [c for c in columns if c.kind in ("numeric", "attribute", "known", "flag")]
    taken = {*ATTEMPT_COLUMNS, TICK_COLUMN, "source"}
    clash = [c.header for c in kept if c.header in taken or c.header.startswith("_")]
    if clash:
        problems.warning(
            f"{_columns(clash, 'is', 'are')} not read: uxcli's attempts already have a column of that name",
            file=table.name,
            line=table.header_line,
            column=clash[0] if len(clash) == 1 else None,
            hint="rename the column to use it with --by",
        )
    kept = [c for c in kept if c.header not in clash]
    described = [c.header for c in kept if c.kind != "flag"]
    if described:
        one = len(described) == 1
        problems.note(
            f"{_columns(described, 'is a participant attribute', 'are participant attributes')}, "
            f"not {'a task' if one else 'tasks'}: {'its' if one else 'their'} values are not outcomes "
            "(use with --by)",
            file=table.name,
            line=table.header_line,
        )
    return kept


def _columns(headers: list[str], one: str = "holds", many: str = "hold") -> str:
    return f"column {headers[0]} {one}" if len(headers) == 1 else f"columns {', '.join(headers)} {many}"


# --- totals ------------------------------------------------------------------------------------------


def _is_total_label(text: str) -> bool:
    text = str(text).strip()
    return text == "%" or normalize_header(text) in TOTAL_LABELS or normalize_header(text).startswith("total")


def _named_total_rows(participant: pd.Series) -> np.ndarray:
    flags = np.array([_is_total_label(c) for c in participant.cat.categories] + [False], dtype=bool)
    return flags[participant.cat.codes.to_numpy()]


def _number(text: str, decimal_comma: bool) -> _Number | None:
    text = text.strip().replace(",", ".") if decimal_comma else text.strip()
    match = _NUMBER.match(text)
    if match is None:
        return None
    decimals = len(match.group(2) or match.group(3) or "")
    digits = match.group(0).rstrip("% ").rstrip()
    return _Number(float(digits), bool(match.group(4)), 0.5 * 10.0**-decimals)


def _all_numbers(table: CsvTable, columns: list[_Column]) -> np.ndarray:
    """Rows whose every filled cell is a number (a totals row without a label, perhaps)."""
    ok = np.ones(table.num_rows, dtype=bool)
    for column in columns:
        cells = column.words
        flags = np.array(
            [_number(str(c), table.decimal_comma) is not None for c in cells.cat.categories] + [True], dtype=bool
        )
        ok &= flags[cells.cat.codes.to_numpy()]
    return ok


def _readings(successes: np.ndarray, attempted: np.ndarray, of_all: np.ndarray) -> list[tuple[bool, np.ndarray]]:
    """What a total may be: (is a percentage, expected values): a count, or a share of the attempted or
    of all cells, as a percentage or a fraction."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate, rate_all = successes / attempted, successes / of_all
    return [(False, successes), (True, 100 * rate), (True, 100 * rate_all), (False, rate), (False, rate_all)]


def _matches(numbers: list[_Number], readings: list[tuple[bool, np.ndarray]]) -> bool:
    """Whether one reading of a total fits every number (a % sign asks for a percentage)."""
    for percent, expected in readings:
        if any(n.percent and not percent for n in numbers):
            continue
        if all(np.isfinite(e) and n.matches(e) for n, e in zip(numbers, expected)):
            return True
    return False


def _totals_of_columns(
    table: CsvTable,
    tasks: list[_Column],
    outcome: list[pd.Categorical],
    attempted: np.ndarray,
    people: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Unlabelled rows whose numbers are each task column's successes (count or share)."""
    found = np.zeros(table.num_rows, dtype=bool)
    for row in np.flatnonzero(candidates):
        numbers, readings = [], []
        for position, column in enumerate(tasks):
            cell = column.words.iloc[row]
            if pd.isna(cell):
                continue
            done = attempted[position] & people
            successes = float(np.sum((np.asarray(outcome[position]) == "success") & done))
            numbers.append(_number(str(cell), table.decimal_comma))
            readings.append(_readings(np.array(successes), np.array(float(done.sum())), np.array(float(people.sum()))))
        if numbers and all(n is not None for n in numbers):
            # one reading for the whole row: transpose the per-column readings
            per_reading = [(readings[0][k][0], np.array([r[k][1] for r in readings])) for k in range(len(readings[0]))]
            found[row] = _matches([n for n in numbers if n is not None], per_reading)
    return found


def _set_aside_total_rows(
    table: CsvTable, participant: pd.Series, rows: np.ndarray, account, problems: Problems
) -> None:
    found = np.flatnonzero(rows)
    if not len(found):
        return
    account.aside("total row", len(found))
    lines = ", ".join(str(table.line(int(r))) for r in found)
    label = participant.iloc[int(found[0])]
    shown = f' ("{label}")' if not pd.isna(label) else " (no participant; its numbers are the column totals)"
    problems.note(
        f"line{'s' if len(found) > 1 else ''} {lines}{shown}: a totals row, set aside: not a participant",
        file=table.name,
        line=table.line(int(found[0])),
        column=table.fields["participant"],
    )


def _total_columns(
    table: CsvTable,
    columns: list[_Column],
    tasks: list[_Column],
    outcome: list[pd.Categorical],
    attempted: np.ndarray,
    people: np.ndarray,
    problems: Problems,
) -> None:
    """Numeric columns equal to each row's successes are totals; so is a column labelled as one."""
    successes = np.zeros(table.num_rows)
    for position in range(len(tasks)):
        successes += (np.asarray(outcome[position]) == "success") & attempted[position]
    done = attempted.sum(axis=0).astype(float)
    readings = _readings(successes, done, np.full(table.num_rows, float(len(tasks))))
    for column in columns:
        if column.kind not in ("numeric", "total"):
            continue
        rows = np.flatnonzero(column.words.notna().to_numpy() & people)
        numbers = [_number(str(column.words.iloc[r]), table.decimal_comma) for r in rows]
        fits = (
            len(rows) >= 2
            and all(n is not None for n in numbers)
            and _matches([n for n in numbers if n is not None], [(p, e[rows]) for p, e in readings])
        )
        if column.kind == "numeric" and not fits:
            continue
        column.kind = "total"
        why = "each row's successes" if fits else "its name"
        problems.note(
            f"a totals column ({why}), set aside: not a task",
            file=table.name,
            line=table.header_line,
            column=column.header,
        )


# --- repeated participants ---------------------------------------------------------------------------


def _warn_repeated_participants(
    table: CsvTable, cols: dict[str, pd.Series], blank: np.ndarray, problems: Problems
) -> None:
    """A participant on two rows of a success matrix is counted twice in every task."""
    frame = pd.DataFrame({"participant": cols["participant"], "session": cols["session"]})
    frame = frame[~blank & frame["participant"].notna().to_numpy()]
    repeated = frame.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    first = (
        frame.reset_index()
        .groupby(["participant", "session"], observed=True, dropna=False, sort=False)["index"]
        .transform("first")
        .to_numpy()
    )
    found = np.flatnonzero(repeated)
    limit = listing_limit()
    for i in found[:limit]:
        row = int(frame.index[i])
        problems.warning(
            f'participant "{frame["participant"].iloc[i]}" already has a row (line '
            f"{table.line(int(first[i]))}); both rows are counted",
            file=table.name,
            line=table.line(row),
            column=table.fields["participant"],
            value=str(frame["participant"].iloc[i]),
            hint="a double entry? delete one row, or add a session column for a second session",
        )
    if len(found) > limit:
        problems.warning(f"{len(found) - limit} more repeated participant rows", file=table.name)
