"""Reading which participant met which usability problem: a problem matrix or a long list.

Two shapes, CSV or TSV (the delimiter is read from the header line: tab, semicolon or comma):

- a **matrix**: one row per participant, one column per problem; the first column names the participant;
  a cell is 1/0, a tick (x, X, ✓, ✔, ☑, ●, *), yes/no, y/n or true/false; a blank cell is 0 (not met),
  and the reading says so as a note. ``transpose=True`` reads problems in rows, participants in columns.
- a **long list**: one row per participant × problem met, with a ``participant`` and a ``problem`` column
  (and optionally ``severity``); a row with a participant and no problem names a participant who met none.
  A long list cannot name participants who met no problem and are not listed: ``participants=N`` says
  how many took part, else the count of listed participants is used and a note says so.

Every bad cell is an InputError naming the file, line and column; nothing is dropped without a note.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from uxcli.errors import InputError, OptionError

TICKS = frozenset({"1", "x", "✓", "✔", "☑", "●", "*", "yes", "y", "true"})
NOT_MET = frozenset({"0", "", "-", "no", "n", "false"})
PARTICIPANT_WORDS = ("participant", "participant id", "user", "tester", "respondent", "subject", "p", "id")
PROBLEM_WORDS = ("problem", "issue", "usability problem", "finding", "problem id")
SEVERITY_WORDS = ("severity", "impact", "priority")
# Labels of a spreadsheet's totals row or column ("Total", "Sum", "Σ", "% of participants"): set aside,
# said in a note, and checked against the ticks.
TOTAL_WORDS = frozenset({"total", "totals", "sum", "σ", "∑", "count", "frequency", "percent", "%"})


@dataclass(frozen=True)
class ProblemMatrix:
    """Who met what: ``hits[i][j]`` is True when participant i met problem j (tuples, so it stays frozen).
    ``severity`` maps a problem to its severity label where the input gave one; ``notes`` state every
    assumption the reading made."""

    file: str
    participants: tuple[str, ...]
    problems: tuple[str, ...]
    hits: tuple[tuple[bool, ...], ...]
    shape: str  # "matrix" or "long"
    severity: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.participants)


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _delimiter(first_line: str) -> str:
    if "\t" in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank line; the text is UTF-8 (a BOM is fine)."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the problem file: {exc.strerror or exc}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", file=name, line=line, hint="save the file as UTF-8 CSV") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("the problem file is empty or its first line (the header) is blank", file=name, line=1)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    rows = []
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append((reader.line_num, [c.strip() for c in cells]))
    return rows


def _find(header: list[str], words: tuple[str, ...]) -> int | None:
    keys = [_key(h) for h in header]
    for word in words:
        if word in keys:
            return keys.index(word)
    return None


def read_problems(path: str | Path, *, transpose: bool = False, participants: int | None = None) -> ProblemMatrix:
    """Read a problem matrix or a long list (see the module text) into a :class:`ProblemMatrix`."""
    if participants is not None and participants < 1:
        raise OptionError(f"--participants must be at least 1, not {participants}")
    path = Path(path)
    rows = _rows(path)
    header = rows[0][1]
    who, what = _find(header, PARTICIPANT_WORDS), _find(header, PROBLEM_WORDS)
    if who is not None and what is not None and not transpose:
        return _long(str(path), rows, who, what, _find(header, SEVERITY_WORDS), participants)
    matrix = _matrix(str(path), rows, transpose)
    if participants is not None and participants != matrix.n:
        raise OptionError(
            f"--participants {participants} does not match the matrix, which has {matrix.n} participants",
            hint="--participants is for long lists, which cannot name participants who met no problem",
        )
    return matrix


def _long(
    name: str, rows: list[tuple[int, list[str]]], who: int, what: int, sev: int | None, declared: int | None
) -> ProblemMatrix:
    header = rows[0][1]
    people: dict[str, None] = {}
    problems: dict[str, None] = {}
    met: set[tuple[str, str]] = set()
    severity: dict[str, str] = {}
    repeats = 0
    for line, cells in rows[1:]:
        cells = cells + [""] * (len(header) - len(cells))
        person, problem = cells[who], cells[what]
        if not person:
            raise InputError("no participant on this row", file=name, line=line, column=header[who])
        people.setdefault(person)
        if not problem:
            continue  # a participant who met no problem
        problems.setdefault(problem)
        if (person, problem) in met:
            repeats += 1
        met.add((person, problem))
        if sev is not None and cells[sev]:
            known = severity.setdefault(problem, cells[sev])
            if known != cells[sev]:
                raise InputError(
                    f"problem {problem!r} has severity {known!r} on an earlier row and {cells[sev]!r} here",
                    file=name,
                    line=line,
                    column=header[sev],
                    value=cells[sev],
                    hint="a problem has one severity; give the same on every row",
                )
    if not met:
        raise InputError("the long list names no problem met", file=name, line=rows[0][0])
    notes = []
    if repeats:
        notes.append(f"{repeats} repeated participant × problem row(s) counted once")
    if declared is None:
        notes.append(
            f"n = {len(people)}: the participants listed (a long list cannot name participants who met no "
            "problem; pass --participants N if there were more)"
        )
    elif declared < len(people):
        raise OptionError(f"--participants {declared} is fewer than the {len(people)} participants listed in {name}")
    else:
        for i in range(len(people) + 1, declared + 1):
            people.setdefault(f"(unlisted {i})")
        notes.append(f"n = {declared} (--participants); participants not listed met no problem")
    names = tuple(people)
    order = tuple(problems)
    hits = tuple(tuple((p, q) in met for q in order) for p in names)
    return ProblemMatrix(name, names, order, hits, "long", severity, tuple(notes))


def _tick(value: str) -> bool | None:
    key = value.strip().lower()
    if key in TICKS:
        return True
    if key in NOT_MET:
        return False
    return None


def _is_total(label: str) -> bool:
    words = _key(label).replace("(", " ").split()
    return bool(words) and (words[0] in TOTAL_WORDS or _key(label) in TOTAL_WORDS)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").rstrip("%").strip()) if text.strip() else None
    except ValueError:
        return None


def _totals_note(
    what: str, where: str, labels: list[str], written: list[str], counted: list[int], transpose: bool
) -> str:
    """The note for a totals row or column set aside, saying whether it matches the ticks."""
    numbers = [_number(w) for w in written]
    wrong = [
        f"{label!r} {w} written, {c} counted"
        for label, w, n, c in zip(labels, written, numbers, counted, strict=True)
        if n is not None and n != c
    ]
    if any(w.strip().endswith("%") for w in written) or not any(n is not None for n in numbers):
        check = ""
    elif wrong:
        check = (
            f"; it differs from the ticks ({'; '.join(wrong[:3])}{'; …' if len(wrong) > 3 else ''}): the ticks are used"
        )
    else:
        check = "; it matches the ticks"
    person = (what == "row") != transpose
    return f"{what} {where} set aside as totals, not {'a participant' if person else 'a problem'}{check}"


def _matrix(name: str, rows: list[tuple[int, list[str]]], transpose: bool) -> ProblemMatrix:
    header = rows[0][1]
    totals = [i for i, h in enumerate(header) if i > 0 and _is_total(h)]
    if totals and len(header) - len(totals) >= 2:  # a row-totals column: kept aside, checked below
        kept = [i for i in range(len(header)) if i not in totals]
        rows = [(rows[0][0], [header[i] for i in kept])] + [
            (
                line,
                [cells[i] if i < len(cells) else "" for i in kept]
                + [cells[i] if i < len(cells) else "" for i in totals],
            )
            for line, cells in rows[1:]
        ]
        total_names = [header[i] for i in totals]
        header = rows[0][1]
    else:
        totals, total_names = [], []
    total_rows = [(line, cells) for line, cells in rows[1:] if cells and _is_total(cells[0])]
    rows = [rows[0]] + [(line, cells) for line, cells in rows[1:] if not (cells and _is_total(cells[0]))]
    if len(header) < 2:
        raise InputError(
            "a problem matrix needs a participant column and at least one problem column",
            file=name,
            line=rows[0][0],
            hint="or a long list with participant and problem columns",
        )
    columns = header[1:]
    for i, column in enumerate(columns, start=2):
        if not column:
            raise InputError(f"column {i} of the header has no name", file=name, line=rows[0][0])
    seen: dict[str, int] = {}
    for column in columns:
        if column in seen:
            raise InputError(f"{column!r} appears twice in the header", file=name, line=rows[0][0], column=column)
        seen[column] = 1
    labels: list[str] = []
    values: list[list[bool]] = []
    blanks = 0
    row_totals: list[list[str]] = []
    for line, cells in rows[1:]:
        if total_names:
            row_totals.append(cells[len(header) :])
            cells = cells[: len(header)]
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise InputError(
                f"{len(cells)} cells, the header has {len(header)}", file=name, line=line, value=cells[len(header)]
            )
        cells = cells + [""] * (len(header) - len(cells))
        label = cells[0]
        if not label:
            raise InputError("this row has no name in the first column", file=name, line=line, column=header[0] or "1")
        if label in labels:
            raise InputError(f"{label!r} has two rows", file=name, line=line, column=header[0] or "1", value=label)
        row = []
        for column, cell in zip(columns, cells[1 : len(header)], strict=True):
            met = _tick(cell)
            if met is None:
                raise InputError(
                    f"{cell!r} is not a tick",
                    file=name,
                    line=line,
                    column=column,
                    value=cell,
                    hint="write 1 or x (met), 0 or leave blank (not met)",
                )
            blanks += cell == ""
            row.append(met)
        labels.append(label)
        values.append(row)
    if not labels:
        raise InputError("the problem matrix has a header but no rows", file=name, line=rows[0][0])
    notes = []
    if blanks:
        notes.append(f"{blanks} blank cell(s) read as 0 (problem not met)")
    for i, column in enumerate(total_names):
        written = [t[i] for t in row_totals]
        notes.append(_totals_note("column", repr(column), labels, written, [sum(r) for r in values], transpose))
    for line, cells in total_rows:
        cells = cells[: len(header)] + [""] * (len(header) - len(cells))
        counted = [sum(r[j] for r in values) for j in range(len(columns))]
        notes.append(_totals_note("row", f"{cells[0]!r} (line {line})", columns, cells[1:], counted, transpose))
    if transpose:
        people, problems = tuple(columns), tuple(labels)
        hits = tuple(tuple(values[j][i] for j in range(len(labels))) for i in range(len(columns)))
        notes.append("read with problems in rows and participants in columns (transpose)")
    else:
        people, problems = tuple(labels), tuple(columns)
        hits = tuple(tuple(row) for row in values)
    return ProblemMatrix(name, people, problems, hits, "matrix", {}, tuple(notes))
