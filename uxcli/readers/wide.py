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
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uxcli.errors import InputError, Problem, Problems
from uxcli.readers.attempt_table import (
    note_assisted,
    note_not_attempted,
    report_unknown_outcomes,
)
from uxcli.readers.common import blank_mask, label_columns, labels, require_labels
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import InputFile
from uxcli.readers.options import FileContext
from uxcli.tasks.attempts import ATTEMPT_COLUMNS, OUTCOME_DTYPE
from uxcli.vocab import (
    CHECK_MARKS,
    CROSS_MARKS,
    NOT_ATTEMPTED,
    TICK_MARKS,
    TOTAL_LABELS,
    normalize_header,
    normalize_word,
    outcome_for,
)

LABELS = ("participant", "session", "variant")
TICK_COLUMN = "tick"  # "ticked" | "empty", in attempts read from a tick sheet
_NUMBER = re.compile(r"^[+-]?(\d+(?:\.(\d*))?|\.(\d+))\s*(%?)$")
_TEXT = pd.Series(["task"]).dtype  # the dtype pandas gives a column of text (str, or object before pandas 3)
_SUCCESS_CODE = list(OUTCOME_DTYPE.categories).index("success")
_ASSISTED_CODE = list(OUTCOME_DTYPE.categories).index("assisted")


def task_headers(table: CsvTable) -> list[str]:
    """The columns that may be tasks: every column but the participant, session and variant (and the
    empty columns without a name that trailing separators make: they hold nothing)."""
    used = {table.fields[name] for name in LABELS if table.has(name)} | table.unused
    return [h for h in table.headers if h not in used and not unnamed_empty(table, h)]


def unnamed_empty(table: CsvTable, header: str) -> bool:
    """A column with no header cell (named column_N by the reader) and no value in any row: what a
    spreadsheet's trailing separators ("P1;yes;no;;") leave."""
    return (
        re.fullmatch(r"column_\d+", header) is not None
        and table.headers.index(header) + 1 == int(header[7:])
        and not _distinct(table, header)
    )


class _Column:
    """One column that may be a task: its header, its row in the cell matrix and what it is."""

    def __init__(self, table: CsvTable, header: str, index: int, cells: _Cells) -> None:
        self.table, self.header, self.index, self._cells = table, header, index, cells
        self.kind = "attribute"  # task | tick | binary | numeric | attribute | known | total | empty
        self.values: tuple[str, ...] = ()  # distinct cells (normalised) in participant rows
        self._words: pd.Series | None = None

    @property
    def codes(self) -> np.ndarray:
        """Each row's cell as an index into the matrix's labels (-1: an empty cell)."""
        return self._cells.codes[self.index]

    @property
    def words(self) -> pd.Series:
        """The cells as a categorical, as :func:`labels` reads a column: built only for the few columns
        that need one (participant attributes, the cell an error names)."""
        if self._words is None:
            self._words = labels(self.table, self.header)
        return self._words

    def cells(self) -> pd.Series:
        """The cells as text (empty cells missing), for the messages that quote them."""
        return pd.Series(self._cells.text[self.codes], dtype=object)


class _Cells:
    """The cells of many columns at once, read as :func:`uxcli.readers.common.labels` reads one (trimmed,
    Unicode NFC, an empty cell missing): ``codes[column, row]`` indexes ``labels`` (-1: empty). Each
    distinct value is classified once, not once per column."""

    def __init__(self, table: CsvTable, headers: list[str]) -> None:
        rows = table.num_rows
        arrays = [table.column(h) for h in headers]
        chunks = [c for a in arrays for c in (a if pa.types.is_string(a.type) else a.cast(pa.string())).chunks]
        # one dictionary for every cell of every column (no Python string per cell: a tall matrix stays small)
        encoded = pa.chunked_array(chunks, type=pa.string()).dictionary_encode().unify_dictionaries()
        indices = [pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
        raw_codes = np.concatenate([np.zeros(0, np.int64), *indices]).astype(np.int64)
        raw = encoded.chunk(0).dictionary.to_pylist() if encoded.num_chunks else []
        stripped = [str(v).strip() for v in raw]
        composed = [unicodedata.normalize("NFC", v) for v in stripped]
        clean_codes, found = pd.factorize(np.array([v or None for v in composed], dtype=object))
        lookup = np.append(clean_codes, -1).astype(np.int64)  # a missing raw cell (-1) stays missing
        self.codes = lookup[raw_codes].reshape(len(headers), rows)
        self.labels: list[str] = [str(v) for v in found]
        self.text = np.array([*self.labels, np.nan], dtype=object)  # text[-1]: an empty cell
        self.words = [normalize_word(v) for v in self.labels]
        # A column whose cells differ only by spaces (" yes", "yes") has its categories sorted by labels()
        # instead of in order of appearance: such columns take their order from labels() itself.
        self._strip_ids = pd.factorize(np.array(stripped, dtype=object))[0] if len(raw) else np.zeros(0, np.int64)
        self._raw_codes = raw_codes.reshape(len(headers), rows)
        # labels() drops the empty label with Index.difference, which sorts: a column with an empty (or
        # blank) cell has its labels in sorted order, the others in order of appearance
        self._sorted = ((self._raw_codes >= 0) & (self.codes < 0)).any(axis=1)
        self._rank = np.argsort(np.argsort(np.array(self.labels, dtype=object), kind="stable"), kind="stable")

    def ordered(self, people: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per column, its distinct labels in the order labels() gives them (first appearance), and which
        of them appear in a participant row."""
        n_columns, rows = self.codes.shape
        size = max(len(self.labels), 1)
        flat = self.codes.ravel()
        filled = np.flatnonzero(flat >= 0)
        pairs = (filled // max(rows, 1)) * size + flat[filled]
        _, first = np.unique(pairs, return_index=True)
        order = np.sort(filled[first])
        column_of, code_of = order // max(rows, 1), flat[order]
        in_people = np.isin(column_of * size + code_of, pairs[people[filled % max(rows, 1)]])
        bounds = np.searchsorted(column_of, np.arange(n_columns + 1))
        codes = [code_of[bounds[j] : bounds[j + 1]] for j in range(n_columns)]
        used = [in_people[bounds[j] : bounds[j + 1]] for j in range(n_columns)]
        for j in np.flatnonzero(self._sorted):
            by_label = np.argsort(self._rank[codes[j]], kind="stable")
            codes[j], used[j] = codes[j][by_label], used[j][by_label]
        return codes, used

    def sorted_columns(self) -> np.ndarray:
        """Columns where two raw values meet once trimmed (" x" and "x"): labels() sorts their categories."""
        n_columns, rows = self._raw_codes.shape
        flat = self._raw_codes.ravel()
        filled = np.flatnonzero(flat >= 0)
        if not len(filled):
            return np.zeros(n_columns, dtype=bool)
        column = filled // max(rows, 1)
        size = len(self._strip_ids) + 1
        raw_pairs = np.unique(column * size + flat[filled])
        strip_pairs = np.unique(column * size + self._strip_ids[flat[filled]])
        counts = np.bincount(raw_pairs // size, minlength=n_columns)
        return counts != np.bincount(strip_pairs // size, minlength=n_columns)


@dataclass(frozen=True)
class _Number:
    value: float
    percent: bool
    step: float  # half a unit of the last digit written: the rounding tolerance

    def matches(self, expected: np.ndarray) -> bool:
        return bool(np.all(np.abs(expected - self.value) <= self.step + 1e-9))


def read_wide(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of a wide success matrix (the "wide" layout's reader).

    Every candidate column is read at once into one matrix of label codes (:class:`_Cells`); each distinct
    value is classified once and the attempts are built as one frame, so the work per column is a few
    array operations, whatever the number of columns."""
    file_index, problems, account = file.index, file.problems, info.account
    table.resolve_duplicates(problems)
    table.require(("participant",), "wide success matrix")
    headers = task_headers(table)
    if not headers:
        raise_no_tasks(table)
    cols = label_columns(table, LABELS)
    matrix = _Cells(table, headers)
    columns = [_Column(table, h, j, matrix) for j, h in enumerate(headers)]
    blank = blank_mask(list(cols.values())) & (matrix.codes < 0).all(axis=0)
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    named_total = _named_total_rows(cols["participant"]) & ~blank
    unnamed = ~blank & cols["participant"].isna().to_numpy() & _all_numbers(table, matrix)
    people = ~blank & ~named_total & ~unnamed
    recode = file.options.outcomes  # --outcome / outcomes:, as in attempt tables
    order = _classify(table, matrix, columns, people, recode)
    tasks = _task_columns(table, columns, problems)
    tick_sheet = all(c.kind == "tick" for c in tasks)
    task_index = np.array([c.index for c in tasks], dtype=np.int64)
    outcome, attempted, unknown = _outcomes(table, matrix, tasks, order, tick_sheet, people | unnamed, problems, recode)
    total_rows = named_total | (unnamed & _totals_of_columns(table, matrix, tasks, outcome, attempted, people, unnamed))
    people = ~blank & ~total_rows
    _set_aside_total_rows(table, cols["participant"], total_rows, account, problems)
    _total_columns(table, columns, outcome, attempted, people, problems)
    require_labels(table, cols, ("participant",), people, problems)
    unknown_cells = np.array([*(m is None for m in _mapped(matrix, recode)), False], dtype=bool)
    with_unknown = (unknown_cells[matrix.codes[task_index]] & people).any(axis=1) if len(tasks) else []
    for column, words, found in zip(tasks, unknown, with_unknown):
        if found:  # (a word outside participant rows, in a totals row, is no error)
            report_unknown_outcomes(table, column.header, column.cells().where(people), words, problems)
    helped = attempted & people & (outcome == _ASSISTED_CODE)
    for position in np.flatnonzero(helped.any(axis=1)):
        column = tasks[position]
        note_assisted(table, column.header, column.cells(), helped[position], problems)
    _warn_repeated_participants(table, cols, ~people, problems)
    attributes = _attributes(table, columns, problems)
    if tick_sheet:
        _note_tick_sheet(table, matrix, tasks, people, problems)
    task_of, rows = np.nonzero(attempted & people)  # task by task, row by row within each: the sheet's order
    piece = {
        **{name: col.take(rows).reset_index(drop=True) for name, col in cols.items()},
        "task": pd.array(np.array([c.header for c in tasks], dtype=object)[task_of], dtype=_TEXT),
        "attempt": np.ones(len(rows), dtype=np.int64),
        "outcome": pd.Categorical.from_codes(outcome[task_of, rows], dtype=OUTCOME_DTYPE),
        "time": np.full(len(rows), np.nan),
        "clicks": np.full(len(rows), np.nan),
        "errors": np.full(len(rows), np.nan),
    }
    piece.update({c.header: c.words.take(rows).reset_index(drop=True) for c in attributes})
    if tick_sheet:
        ticked = matrix.codes[task_index[task_of], rows] >= 0
        piece[TICK_COLUMN] = np.where(ticked, "ticked", "empty")
    piece.update({"_file": np.full(len(rows), file_index), "_row": rows})
    frame = pd.DataFrame(piece)
    no_cells = people & ~attempted.any(axis=0)
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
        f'if "{value}" is an outcome word, say which: --outcome "{value}=success" (or failure, abandon, assisted, '
        "not-attempted); if this file has one row per attempt, add a task and an outcome column; "
        "if its numbers are task times, --layout wide-times",
    )


# --- what each column is ---------------------------------------------------------------------------


def _classify(
    table: CsvTable, matrix: _Cells, columns: list[_Column], people: np.ndarray, recode: Mapping[str, str]
) -> list[np.ndarray]:
    """Each column's kind, from its distinct values in participant rows; returns each column's distinct
    labels (codes into the matrix) in the order labels() gives them."""
    known = {h for name, h in table.fields.items() if name not in LABELS}
    order, used = matrix.ordered(people)
    position = {label: i for i, label in enumerate(matrix.labels)}
    for j in np.flatnonzero(matrix.sorted_columns()):  # rare: their order is labels()' own
        column = columns[j]
        order[j] = np.array([position[str(c)] for c in column.words.cat.categories], dtype=np.int64)
        in_people = set(column.codes[people].tolist())
        used[j] = np.array([c in in_people for c in order[j]], dtype=bool)
    kinds: dict[tuple, str] = {}
    for column in columns:
        codes = order[column.index][used[column.index]]
        column.values = tuple(dict.fromkeys(matrix.words[c] for c in codes))
        key = (column.values, column.header in known, _is_total_label(column.header))
        if key not in kinds:  # columns with the same values are the same kind (the header only names totals)
            kinds[key] = _kind(table, column.header, column.values, column.header in known, recode)
        column.kind = kinds[key]
    return order


def _kind(
    table: CsvTable, header: str, values: tuple[str, ...], known: bool, recode: Mapping[str, str] | None = None
) -> str:
    if known:
        return "known"  # a column uxcli knows by name (notes, time, ...): never a task here
    if _is_total_label(header):
        return "total"
    if not values:
        return "empty"
    present = set(values)
    recoded = any(v in (recode or {}) for v in values)  # a word recoded with --outcome is an outcome
    tick = present <= set(TICK_MARKS) and not ("x" in present and present & set(CHECK_MARKS))
    if tick and not recoded:
        return "tick"
    if present <= {"0", "1"} and not recoded:
        return "binary"
    if all(_number(v, table.decimal_comma) is not None for v in values) and not recoded:
        return "numeric"
    outcome_like = [v for v in values if v in TICK_MARKS or outcome_for(v, recode) is not None]
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
            filled = np.flatnonzero(column.codes >= 0)
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


def _mapped(matrix: _Cells, recode: Mapping[str, str] | None) -> list[str | None]:
    """Each distinct label's outcome category (None: not an outcome word), as attempt tables read it."""
    return [outcome_for(label, recode) for label in matrix.labels]


def _outcomes(
    table: CsvTable,
    matrix: _Cells,
    tasks: list[_Column],
    order: list[np.ndarray],
    tick_sheet: bool,
    rows: np.ndarray,
    problems: Problems,
    recode: Mapping[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """The outcome codes of the task columns (a [task, row] matrix of OUTCOME_DTYPE codes, -1: none),
    which cells are attempts (a [task, row] mask) and each column's words that are not outcomes."""
    codes = matrix.codes[np.array([c.index for c in tasks], dtype=np.int64)].reshape(len(tasks), table.num_rows)
    present = codes >= 0
    if tick_sheet:  # a tick is a success; not ticked, a failure
        outcome = np.where(present, _SUCCESS_CODE, list(OUTCOME_DTYPE.categories).index("failure"))
        attempted = np.broadcast_to(rows, codes.shape).copy()
        return outcome.astype(np.int8), attempted, [[] for _ in tasks]
    mapped = _mapped(matrix, recode)
    categories = list(OUTCOME_DTYPE.categories)
    lookup = np.array([categories.index(m) if m in categories else -1 for m in mapped] + [-1], dtype=np.int8)
    said_not = np.array([m == NOT_ATTEMPTED for m in mapped] + [False], dtype=bool)
    outcome = lookup[codes]
    skipped = said_not[codes] & rows  # N/A, -, not attempted: no attempt, said in a note
    unknowns: list[list[str]] = []
    for position, column in enumerate(tasks):
        if "x" in column.values and not (recode and "x" in recode):  # --outcome "x=…" says what x is
            _read_x(table, column, problems)
        if skipped[position].any():
            note_not_attempted(table, column.header, column.cells(), skipped[position], problems)
        unknowns.append([matrix.labels[c] for c in order[column.index] if mapped[c] is None])
    return outcome, present & rows & ~skipped, unknowns


def _read_x(table: CsvTable, column: _Column, problems: Problems) -> None:
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
        return
    cells = column.cells().to_numpy()
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


def _note_tick_sheet(
    table: CsvTable, matrix: _Cells, tasks: list[_Column], people: np.ndarray, problems: Problems
) -> None:
    marks = ", ".join('"' + m + '"' for m in dict.fromkeys(v for c in tasks for v in c.values))
    problems.note(
        f"a matrix of ticks ({marks}): a ticked cell is a success, an empty cell a failure (not ticked)",
        file=table.name,
        line=table.header_line,
        hint=f"if an empty cell means the task was not attempted, add --exclude {TICK_COLUMN}=empty",
    )
    ticks = (matrix.codes[[c.index for c in tasks]] >= 0).any(axis=0)
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


def _all_numbers(table: CsvTable, matrix: _Cells) -> np.ndarray:
    """Rows whose every filled cell is a number (a totals row without a label, perhaps)."""
    flags = np.array([_number(v, table.decimal_comma) is not None for v in matrix.labels] + [True], dtype=bool)
    return np.asarray(flags[matrix.codes].all(axis=0), dtype=bool)


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
    matrix: _Cells,
    tasks: list[_Column],
    outcome: np.ndarray,
    attempted: np.ndarray,
    people: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Unlabelled rows whose numbers are each task column's successes (count or share)."""
    found = np.zeros(table.num_rows, dtype=bool)
    rows = np.flatnonzero(candidates)
    if not len(rows):
        return found
    done = attempted & people
    successes = ((outcome == _SUCCESS_CODE) & done).sum(axis=1).astype(float)
    attempts = done.sum(axis=1).astype(float)
    codes = matrix.codes[[c.index for c in tasks]]
    for row in rows:
        filled = np.flatnonzero(codes[:, row] >= 0)
        numbers = [_number(matrix.labels[c], table.decimal_comma) for c in codes[filled, row]]
        if numbers and all(n is not None for n in numbers):
            # one reading for the whole row, each task column's successes side by side
            readings = _readings(successes[filled], attempts[filled], np.full(len(filled), float(people.sum())))
            found[row] = _matches([n for n in numbers if n is not None], readings)
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
    outcome: np.ndarray,
    attempted: np.ndarray,
    people: np.ndarray,
    problems: Problems,
) -> None:
    """Numeric columns equal to each row's successes are totals; so is a column labelled as one."""
    successes = ((outcome == _SUCCESS_CODE) & attempted).sum(axis=0).astype(float)
    done = attempted.sum(axis=0).astype(float)
    readings = _readings(successes, done, np.full(table.num_rows, float(len(outcome))))
    for column in columns:
        if column.kind not in ("numeric", "total"):
            continue
        rows = np.flatnonzero((column.codes >= 0) & people)
        cells = column.cells().to_numpy()
        numbers = [_number(str(cells[r]), table.decimal_comma) for r in rows]
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


# --- which matrix: outcomes or times, tasks in columns or in rows -----------------------------------

# A header cell that names a participant: P1, P07, 12, S3, User 4, participant_12, Tester-2, VP03
_PARTICIPANT_ID = re.compile(
    r"^(?:p|s|u|vp|id|participant|part|user|tester|subject|respondent|proband)?[\s_#.-]*\d+[a-z]?$", re.I
)
# columns of numbers that are participant attributes, not times, when no header says "time"
_ATTRIBUTE_WORDS = ("age", "year", "years", "yob", "birthyear", "experience", "rating", "score", "id", "group")
# words that say a column holds times, removed from its header to name the task: "login_time", "Time login"
_TIME_WORDS = re.compile(
    r"(?:^|[\s_.:-]+)(?:time|times|duration|elapsed|tot|seconds|secs|sec|s|ms|min|mins|minutes)(?=$|[\s_.:-])", re.I
)


def refine_layout(layout: str, table: CsvTable, file: FileContext) -> str:
    """The layout the header suggested, checked against the values where the header cannot tell.

    * ``--transpose``, or a header whose cells after the first all look like participant ids (P1, P2, 3)
      with no participant column: tasks in rows, participants in columns ("transposed");
    * a participant column, no task column and no column of outcomes but columns of numbers or
      durations: a wide time matrix ("wide-times");
    * an attempt table (participant, task, outcome) that also has two or more other columns of only
      outcomes could be a success matrix as well: refused, with the --layout choices.
    """
    if file.options.transpose:
        return "transposed"
    transposed = looks_transposed(table)
    if transposed and not table.has("participant"):
        ids = ", ".join(table.headers[1:4])
        if _first_column_ids(table):
            raise InputError(
                f"cannot tell the layout: the header ({ids}, …) and the first column both look like participant ids",
                file=table.name,
                line=table.header_line,
                hint="add --transpose if tasks are in rows and participants in columns, or --layout wide",
            )
        file.problems.note(
            f"read as a transposed matrix: the header cells ({ids}, …) look like participant ids and the first "
            f"column{_named(table.headers[0])} holds task names: one row per task, one column per participant",
            file=table.name,
            line=table.header_line,
            hint="--layout wide reads the columns as tasks instead",
        )
        return "transposed"
    recode = file.options.outcomes
    if layout == "wide" and _matrix_of_times(table, task_headers(table), recode):
        return "wide-times"
    if layout == "attempts" and all(table.has(f) for f in ("participant", "task", "outcome")):
        used = set(table.fields.values()) | table.unused
        people = pc.drop_null(table.strings(table.fields["participant"]))
        one_row_each = pc.count_distinct(people).as_py() == len(people)  # as in a matrix; else an attempt table
        matrix = [h for h in table.headers if h not in used and _value_kind(table, h, recode) == "outcome"]
        if one_row_each and len(matrix) >= 2:
            raise InputError(
                f"cannot tell the layout: an attempt table ({table.fields['task']}, {table.fields['outcome']}) "
                f"whose columns {', '.join(matrix[:4])} also hold only outcomes, as a wide success matrix would",
                file=table.name,
                line=table.header_line,
                hint="choose one: --layout attempts or --layout wide",
            )
    return layout


def _named(header: str) -> str:
    """' ("Task")', or nothing for a header cell left empty (named column_1 by the reader)."""
    return "" if re.fullmatch(r"column_\d+", header) else f' ("{header}")'


def _matrix_of_times(table: CsvTable, headers: list[str], recode: Mapping[str, str] | None = None) -> bool:
    """No column of outcomes, and a column of times that says so: a time word or unit in its header
    ("login_time", "login (s)") or durations in its cells (1:23). Plain numbers under plain headers could
    be anything (age, height): they need --layout wide-times."""
    kinds = {}
    for header in headers:  # one column of outcomes settles it: the others need not be looked at
        kinds[header] = _value_kind(table, header, recode)
        if kinds[header] == "outcome":
            return False
    return any(kinds[h] == "time" and (_names_time(h) or _has_clock(table, h)) for h in headers)


def _has_clock(table: CsvTable, header: str) -> bool:
    """Cells that write their own unit: a clock (1:23) or a unit word (83s, 1m 23s)."""
    return any(re.search(r"[:a-zA-Z]", v) for v in _distinct(table, header, raw=True))


def _distinct(table: CsvTable, header: str, raw: bool = False) -> list[str]:
    values = pc.unique(table.strings(header)).to_pylist()
    return [str(v) if raw else normalize_word(str(v)) for v in values if v not in (None, "")]


def _value_kind(table: CsvTable, header: str, recode: Mapping[str, str] | None = None) -> str:
    """What a column's values are: "outcome" (words, marks, ticks or 1/0), "time" (numbers or durations),
    "empty" or "other"."""
    values = _distinct(table, header)
    if not values:
        return "empty"
    if all(v in TICK_MARKS or v in CROSS_MARKS or outcome_for(v, recode) is not None for v in values):
        return "outcome"
    if _is_total_label(header):
        return "other"
    if _durations_texts(_distinct(table, header, raw=True), table.decimal_comma):
        return "time"
    return "other"


def _durations_texts(values: list[str], decimal_comma: bool) -> bool:
    """Whether every value is a duration: a number (not a percentage), m:ss, h:mm:ss or with units
    (1m 23s, 83 s: uxcli.readers.durations)."""
    from uxcli.readers.durations import parse_durations

    if any(v.strip().endswith("%") for v in values):
        return False
    if all(_number(v, decimal_comma) is not None for v in values):
        return True
    seconds, _ = parse_durations(pd.Series(values, dtype=object), decimal_comma)
    return bool(np.all(np.isfinite(seconds)))


def _names_time(header: str) -> bool:
    """A header that says it holds times: a time word ("login_time", "Dauer") or a unit ("login (s)")."""
    from uxcli.vocab import header_unit, unit_for

    written = header_unit(header)
    return bool(_TIME_WORDS.search(header)) or (written is not None and unit_for(written) is not None)


def looks_transposed(table: CsvTable) -> bool:
    """Header cells after the first that all look like participant ids (P1, P2, 3), and no participant column."""
    later = [h for h in table.headers[1:] if not unnamed_empty(table, h)]
    return not table.has("participant") and len(later) >= 2 and all(_PARTICIPANT_ID.match(h) for h in later)


def _first_column_ids(table: CsvTable) -> bool:
    values = _distinct(table, table.headers[0])
    return bool(values) and all(_PARTICIPANT_ID.match(v) for v in values)


# --- tasks in rows, participants in columns ----------------------------------------------------------


def read_transposed(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """A matrix with one row per task and one column per participant (the "transposed" layout's reader):
    read as the wide matrix it is the transpose of (outcomes or times, by the values); attempts point at
    their task's line."""
    import csv
    import io

    from uxcli.readers.csvfile import read_csv_table

    task_header = table.fields.get("task", table.headers[0])
    if task_header != table.headers[0] and not file.options.transpose:
        task_header = table.headers[0]
    names = labels(table, task_header)
    keep = np.flatnonzero(names.notna().to_numpy())
    people = [h for h in table.headers if h != task_header and not unnamed_empty(table, h)]
    if not len(keep) or not people:
        raise InputError(
            "transposed matrix has no task rows or no participant columns",
            file=table.name,
            line=table.header_line,
            hint="the first column names the tasks, the header names the participants",
        )
    tasks = [str(names.iloc[r]) for r in keep]
    twice = sorted(t for t, n in Counter(tasks).items() if n > 1)
    if twice:
        raise InputError(
            f'task "{twice[0]}" has two rows in a transposed matrix',
            file=table.name,
            line=table.line(int(keep[tasks.index(twice[0], tasks.index(twice[0]) + 1)])),
            column=task_header,
            value=twice[0],
        )
    cells = {h: np.asarray(table.strings(h).to_numpy(zero_copy_only=False), dtype=object)[keep] for h in people}
    text = io.StringIO()
    writer = csv.writer(text, delimiter=table.delimiter, lineterminator="\n")
    writer.writerow(["participant", *tasks])
    for person in people:
        writer.writerow([person, *("" if v is None else v for v in cells[person])])
    flipped = read_csv_table(table.source, text.getvalue().encode(), {}, file.problems)
    flipped._lines = np.full(flipped.num_rows, table.header_line, dtype=np.int64)  # a participant: the header
    forced = file.options.layout
    recode = file.options.outcomes
    times = forced == "wide-times" or (forced != "wide" and _matrix_of_times(flipped, flipped.headers[1:], recode))
    reader = read_wide_times if times else read_wide
    start = len(file.problems.items)
    line_of = {t: table.line(int(r)) for t, r in zip(tasks, keep)}
    place = {t: i for i, t in enumerate(line_of)}  # a task's place among the task rows
    try:
        frame = reader(flipped, file, info)
    except InputError as exc:
        raise InputError.from_problem(_in_transposed(exc.problem, line_of, cells, place)) from None
    file.problems.items[start:] = [_in_transposed(p, line_of, cells, place) for p in file.problems.items[start:]]
    named = [task_of_time_header(t) for t in tasks] if times else tasks  # "Login (s)" is task Login
    row_of_task = dict(zip(named, keep))
    frame["_row"] = frame["task"].astype(str).map(row_of_task).to_numpy(dtype=np.int64)
    account = info.account
    account.rows = table.num_rows
    account.set_aside = {}
    unnamed = np.flatnonzero(names.isna().to_numpy())
    blank = blank_mask([names, *(labels(table, h) for h in people)])
    account.aside("blank row", int(blank[unnamed].sum()))
    account.aside("row with no task name", int((~blank[unnamed]).sum()))
    read_tasks = set(frame["task"].astype(str))
    account.aside("total row", sum(_is_total_label(t) and t not in read_tasks for t in named))
    return frame


def _in_transposed(
    problem: Problem, line_of: dict[str, int], cells: dict[str, np.ndarray], place: dict[str, int]
) -> Problem:
    """A problem found in the flipped matrix, pointed back at the file as written: a task's column there is
    a task's line here, its cells the participant columns that hold the value; "rows" there are cells here."""
    task = problem.column
    if task is None or task not in line_of:
        return problem
    column: str | None = None  # the task's line says it all, unless one cell's value is named
    message = problem.message
    if problem.value is not None:
        people = [h for h, v in cells.items() if v[place[task]] == problem.value]
        column = people[0] if people else None
        many = re.search(r" \((\d+) rows, lines [^)]*\)", message)
        if many and len(people) > 1:
            shown = ", ".join(people[:5]) + (", …" if len(people) > 5 else "")
            message = message.replace(many.group(0), f" ({len(people)} cells, columns {shown})")
    message = message.replace("a totals column", "a totals row")  # a column there is a row here
    message = f'task "{task}": {message}' if not message.startswith("task ") else message
    return replace(problem, message=message, line=line_of[task], column=column)


# --- a matrix of times -------------------------------------------------------------------------------


def task_of_time_header(header: str) -> str:
    """The task a time column is for: its header without units and time words ("login_time",
    "Time login", "login (s)" -> "login")."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header)
    text = _TIME_WORDS.sub(" ", text)
    text = re.sub(r"^[\s_.:-]+|[\s_.:-]+$", "", text)
    return text or header


def read_wide_times(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of a wide time matrix (the "wide-times" layout's reader): one row per participant,
    one column of times per task (or condition). There are no outcomes: success metrics are empty."""
    from uxcli.readers.attempt_table import _durations_of  # times as the attempt table reads them

    file_index, problems, account = file.index, file.problems, info.account
    table.resolve_duplicates(problems)
    table.require(("participant",), "wide time matrix")
    cols = label_columns(table, LABELS)
    candidates = task_headers(table)
    kinds = {h: _value_kind(table, h, file.options.outcomes) for h in candidates}
    times = [h for h in candidates if kinds[h] == "time" and not _is_total_label(h)]
    named = [h for h in times if _names_time(h)]
    times = named or [h for h in times if normalize_header(h) not in _ATTRIBUTE_WORDS]
    if not times:
        raise_no_tasks(table)
    others = [h for h in candidates if h not in times]
    totals = [h for h in others if _is_total_label(h)]
    attributes = [h for h in others if h not in totals and kinds[h] != "empty"]
    tasks = [task_of_time_header(h) for h in times]
    twice = sorted(t for t, n in Counter(tasks).items() if n > 1)
    if twice:
        raise InputError(
            f"columns {', '.join(h for h in times if task_of_time_header(h) == twice[0])} are all times of task "
            f'"{twice[0]}"',
            file=table.name,
            line=table.header_line,
            hint="rename the columns so each task has one",
        )
    values = {h: _durations_of(table, h, file.options.time_unit, problems) for h in times}
    attribute_values = {h: labels(table, h) for h in attributes}
    blank = blank_mask([*cols.values(), *values.values(), *attribute_values.values()])
    total_rows = _named_total_rows(cols["participant"]) & ~blank
    people = ~blank & ~total_rows
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    _set_aside_total_rows(table, cols["participant"], total_rows, account, problems)
    require_labels(table, cols, ("participant",), people, problems)
    _warn_repeated_participants(table, cols, ~people, problems)
    renamed = ", ".join(f"{h} → {t}" for h, t in zip(times, tasks) if h != t)
    problems.note(
        f"a wide time matrix: {len(times)} columns of times, one per task"
        + (f" ({renamed})" if renamed else "")
        + "; no outcome column: times taken as completion times; success metrics are empty",
        file=table.name,
        line=table.header_line,
    )
    for header in totals:
        problems.note(
            "a totals column (its name), set aside: not a task", file=table.name, line=table.header_line, column=header
        )
    if attributes:
        problems.note(
            f"{_columns(attributes, 'is a participant attribute', 'are participant attributes')}, not "
            "times (use with --by)",
            file=table.name,
            line=table.header_line,
        )
    seconds = np.array([values[h] for h in times]).reshape(len(times), table.num_rows)
    task_of, rows = np.nonzero(people & ~np.isnan(seconds))  # task by task, row by row within each
    frame = pd.DataFrame(
        {
            **{name: col.take(rows).reset_index(drop=True) for name, col in cols.items()},
            "task": pd.array(np.array(tasks, dtype=object)[task_of], dtype=_TEXT),
            "attempt": np.ones(len(rows), dtype=np.int64),
            "outcome": pd.Categorical.from_codes(np.full(len(rows), -1, dtype=np.int8), dtype=OUTCOME_DTYPE),
            "time": seconds[task_of, rows],
            "clicks": np.full(len(rows), np.nan),
            "errors": np.full(len(rows), np.nan),
            **{h: attribute_values[h].take(rows).reset_index(drop=True) for h in attributes},
            "_file": np.full(len(rows), file_index),
            "_row": rows,
        }
    )
    no_time = people & np.isnan(seconds).all(axis=0)
    if no_time.any():
        problems.warning(
            f"{int(no_time.sum())} participant rows have no time in any task column",
            file=table.name,
            line=table.line(int(np.flatnonzero(no_time)[0])),
        )
        account.aside("no time in any task column", no_time.sum())
    return frame.reset_index(drop=True)
