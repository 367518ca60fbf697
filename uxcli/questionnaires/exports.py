"""Questionnaire answers from survey-tool CSV exports and YAML sessions.

Instruments: SUS (ten 1–5 items), UMUX-Lite (two 1–7 items), SEQ (one 1–7 rating per task),
NPS (one 0–10 rating) and CSAT (one 1–5 rating, optionally per task). What each one reads (items,
scale, labels, header words) is its module's :class:`AnswerFormat`; the reading itself is shared.

CSV conventions (one row per respondent, or per respondent and task for SEQ/CSAT):

* an optional id column (participant, ResponseId, Respondent ID, Typeform's ``#``, ...), and
  the usual session/variant/task columns, read like every other uxcli layout;
* item columns found by, in this order: the item texts as survey tools write them in the
  header (Google Forms, Typeform, Qualtrics' question-text row), numbered headers
  (``Q1``–``Q10``, ``SUS1``–``SUS10``, ``SUS_1``, Qualtrics matrix columns ``Q5_1``–``Q5_10``),
  and finally position (exactly as many unrecognised columns as the instrument has items);
* other columns (timestamps, survey metadata) are ignored;
* answers are numbers or, on 5-point items, the labels Strongly disagree … Strongly agree
  (CSAT: Very dissatisfied … Very satisfied), case-insensitive; "10 - Extremely likely" reads
  as 10.

Qualtrics and SurveyMonkey write one or two extra header rows (question texts, ImportIds) under
the header; such rows at the top of the file are recognised and skipped.

Nothing here scores anything: answers are parsed and checked, and every bad answer becomes a
:class:`~uxcli.errors.Problem` with file, line and column, so the CLI can list them all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from uxcli.errors import InputError, OptionError, Problem, Problems
from uxcli.sources import Source, expand_paths, to_utf8
from uxcli.values import is_missing_label, label_text
from uxcli.vocab import normalize_header


@dataclass(frozen=True)
class AnswerFormat:
    """How an instrument's answers are written: items, scale, labels, and how to recognise its columns.

    Each instrument module (uxcli/questionnaires/sus.py, ...) declares one; see uxcli.questionnaires.instruments.
    """

    key: str  # the instrument's registry name: "sus"
    name: str  # as printed: "SUS"
    items: int
    low: int
    high: int
    labels: dict[str, int] = field(default_factory=dict)
    stems: tuple[str, ...] = ()  # normalized prefixes of numbered item headers: "sus" in SUS1
    texts: tuple[tuple[str, ...], ...] = ()  # per item: regexes that must all match the header
    keywords: str = ""  # single-item instruments: a header matching this regex holds the answers
    per_task: bool = False  # answers may carry a task (SEQ always does, CSAT may)
    claims: str = ""  # a header matching this regex belongs to this instrument and to no other
    yaml_keys: tuple[str, ...] = ()
    hint: str = "name the column with --column"  # what to do when no answer column is found

    @property
    def neutral(self) -> int:
        return (self.low + self.high) // 2

    @property
    def item_columns(self) -> list[str]:
        return [f"item{i}" for i in range(1, self.items + 1)]


# Columns survey tools add that are never answers (normalized with vocab.normalize_header).
META_HEADERS = {
    "timestamp",
    "startdate",
    "enddate",
    "submitdate",
    "stagedate",
    "recordeddate",
    "date",
    "time",
    "status",
    "ipaddress",
    "progress",
    "duration",
    "durationinseconds",
    "finished",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "networkid",
    "tags",
    "email",
    "emailaddress",
    "name",
    "collectorid",
    "startdateutc",
    "submitdateutc",
    "useragent",
    "device",
    "browser",
    "language",
    "comment",
    "comments",
    "note",
    "notes",
    "qrecaptchascore",
    "qrelevantidduplicate",
}
# Besides the participant aliases in uxcli.vocab: ids survey tools write.
ID_HEADERS = ("responseid", "respondentid", "responseno", "token", "submissionid", "externalreference")
LABEL_COLUMNS = ("participant", "session", "variant", "task")
_NUMBERED = re.compile(r"^(.*?)[\s_\-.#]*(\d{1,2})$")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[-–—:=.)(]?\s*[A-Za-z]")
_QUALTRICS_STEM = re.compile(r"^q(id)?\d+$")
MAX_HEADER_ROWS = 2  # Qualtrics: question-text row + ImportId row


class AnswerErrors(InputError):
    """Several bad answers: each one is in ``problems``; the message counts them."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class Responses:
    """Parsed answers: one row per respondent (per respondent and task for per-task items).

    ``frame`` columns: participant, session, variant, task (None when not per task), item1…itemK
    (float, NaN when unanswered), imputed (how many answers were filled in), source ("file:line").
    """

    answer_format: AnswerFormat
    frame: pd.DataFrame
    problems: Problems
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def raise_errors(self) -> None:
        """InputError for one bad answer, AnswerErrors listing them when there are several."""
        errors = self.problems.errors
        if len(errors) == 1:
            raise InputError.from_problem(errors[0])
        if errors:
            raise AnswerErrors(
                f"{len(errors)} problems with {self.answer_format.name} answers (listed above); nothing scored", errors
            )

    def labels(self) -> pd.DataFrame:
        """participant, plus session/variant/task when any respondent has them."""
        frame = self.frame
        keep = ["participant"] + [c for c in ("session", "variant", "task") if frame[c].notna().any()]
        return frame[keep].reset_index(drop=True)

    def items(self) -> np.ndarray:
        """The answers, one row per respondent and one column per item (NaN when unanswered)."""
        return self.frame[self.answer_format.item_columns].to_numpy(dtype=np.float64)

    def by_task(self) -> Iterator[tuple[str | None, np.ndarray]]:
        """(task, first-item answers) per task, tasks in order of appearance (None: answers without a task)."""
        tasks = [None if is_missing_label(t) else str(t) for t in self.frame["task"].astype(object)]
        for task in dict.fromkeys(tasks):
            mask = np.array([t == task for t in tasks], dtype=bool)
            yield task, self.frame.loc[mask, "item1"].to_numpy(dtype=np.float64)


# --- answers --------------------------------------------------------------------------------------


def parse_answer(value: object, spec: AnswerFormat) -> int | None:
    """One answer as an int in the instrument's range, None when unanswered; ValueError if bad."""
    if is_missing_label(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a {spec.name} answer")
    number: float | None = None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    else:
        text = " ".join(str(value).split())
        if not text:
            return None
        word = text.lower()
        if word in spec.labels:
            return spec.labels[word]
        try:
            number = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
        except ValueError:
            match = _LEADING_NUMBER.match(text)
            number = float(match.group(1)) if match else None
    scale = f"{spec.low}-{spec.high}"
    if number is None:
        canonical: dict[int, str] = {}
        for label, code in spec.labels.items():
            canonical.setdefault(code, label)
        labels = ", ".join(f'"{label.capitalize()}"' for label in canonical.values())
        extra = f" or one of {labels}" if labels else ""
        guess = difflib.get_close_matches(str(value).strip().lower(), list(spec.labels), n=1, cutoff=0.75)
        hint = f' (did you mean "{guess[0].capitalize()}"?)' if guess else ""
        raise ValueError(f'"{value}" is not a {spec.name} answer{hint}: expected a number {scale}{extra}')
    if not number.is_integer():
        raise ValueError(f'"{value}" is not a whole number: {spec.name} answers are {scale}')
    if not spec.low <= number <= spec.high:
        raise ValueError(f'"{value}" is out of range: {spec.name} answers are {scale}')
    return int(number)


# --- reading --------------------------------------------------------------------------------------


@dataclass
class _Rows:
    records: list[dict] = field(default_factory=list)
    respondents: int = 0


def read_responses(
    paths: list[str],
    instrument: str | AnswerFormat,
    *,
    encoding: str | None = None,
    impute_neutral: bool = False,
    column: str | None = None,
) -> Responses:
    """Read one instrument's answers from CSV exports and/or YAML sessions.

    Missing answers of multi-item instruments (SUS, UMUX-Lite) are errors unless
    ``impute_neutral`` (the scale's centre, Bangor, Kortum & Miller 2008); answers that cannot be
    read or are out of range are always errors. A file found inside a directory that holds no
    answers for the instrument is skipped (a study folder mixes SUS, SEQ and task logs); a file
    named on the command line must have them. ``column`` names the answer column of a
    single-item instrument explicitly.
    """
    from uxcli.readers.sniff import looks_like_yaml

    spec = _answer_format(instrument)
    problems = Problems()
    out = _Rows()
    notes: list[str] = []
    files: list[str] = []
    for raw in paths:
        from_directory = raw != "-" and Path(raw).is_dir()
        for source in expand_paths([raw]):
            data = to_utf8(source, encoding, problems)
            if looks_like_yaml(source.suffix, data):
                found = _read_yaml(source, data, spec, out, problems, impute_neutral)
            else:
                found = _read_csv(
                    source, data, spec, out, problems, impute_neutral, notes, column, required=not from_directory
                )
            if found:
                files.append(source.name)
            elif from_directory:
                notes.append(f"{source.name}: no {spec.name} answers; skipped")
            elif not found and looks_like_yaml(source.suffix, data):
                raise InputError(
                    f"no {spec.name} answers in these sessions",
                    file=source.name,
                    hint=f"add questionnaires: {{{spec.yaml_keys[0]}: ...}} to each session",
                )
    frame = pd.DataFrame(out.records, columns=[*LABEL_COLUMNS, *spec.item_columns, "imputed", "source"])
    for name in spec.item_columns:
        frame[name] = frame[name].astype(np.float64)
    frame["imputed"] = frame["imputed"].astype(np.int64)
    if not files:
        raise InputError(f"no {spec.name} answers found in {', '.join(paths)}")
    return Responses(spec, frame, problems, notes, files)


def _answer_format(instrument: str | AnswerFormat) -> AnswerFormat:
    if isinstance(instrument, AnswerFormat):
        return instrument
    from uxcli.questionnaires.instruments import load

    return load(instrument).answers


def _add(
    out: _Rows, spec: AnswerFormat, labels: dict, task: str | None, answers: list[int | None], source: str, imputed: int
) -> None:
    record = {**labels, "task": task, "imputed": imputed, "source": source}
    for name, answer in zip(spec.item_columns, answers, strict=True):
        record[name] = np.nan if answer is None else float(answer)
    out.records.append(record)


def _check_answers(
    values: list, spec: AnswerFormat, impute: bool, problems: Problems, where: dict, columns: list[str]
) -> tuple[list[int | None], int, bool]:
    """Parse a respondent's answers: (answers, imputed count, ok)."""
    answers: list[int | None] = []
    ok = True
    for value, column in zip(values, columns, strict=True):
        try:
            answers.append(parse_answer(value, spec))
        except ValueError as exc:
            problems.error(str(exc), column=column, value=str(value), **where)
            answers.append(None)
            ok = False
    missing = [c for a, c, v in zip(answers, columns, values, strict=True) if a is None and _blank(v)]
    imputed = 0
    if missing and spec.items > 1:
        if impute:
            answers = [spec.neutral if a is None and _blank(v) else a for a, v in zip(answers, values, strict=True)]
            imputed = len(missing)
        else:
            ok = False
            which = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            problems.error(
                f"{len(missing)} of {spec.items} {spec.name} answers missing ({which}); not scored",
                column=missing[0] if len(missing) == 1 else None,
                hint=f"--impute-neutral scores missing answers as {spec.neutral}, as Bangor et al. did",
                **where,
            )
    return answers, imputed, ok


def _blank(value: object) -> bool:
    """Unanswered: missing, or a blank string."""
    return not label_text(value).strip()


# --- YAML -----------------------------------------------------------------------------------------


def _read_yaml(source: Source, data: bytes, spec: AnswerFormat, out: _Rows, problems: Problems, impute: bool) -> bool:
    from uxcli.readers import yamlfile
    from uxcli.readers.common import FileAccount

    # Task problems belong to `summary`/`validate`; here only the questionnaires matter.
    study = yamlfile.read_yaml(source, data, Problems(), FileAccount(source.name, "yaml"))
    found = False
    for response in study.responses:
        key = normalize_header(response["instrument"])
        if key not in spec.yaml_keys:
            continue
        found = True
        labels = {name: response.get(name) for name in ("participant", "session", "variant")}
        file, line = str(response.get("file") or source.name), response.get("line")
        where = {"file": file, "line": line}
        where_text = f"{file}:{line}" if line else file
        value = response["answers"]
        if spec.per_task and response.get("task") is not None:
            _yaml_one(
                spec,
                out,
                problems,
                labels,
                str(response["task"]),
                value,
                where,
                where_text,
                f"{spec.key}: {response['task']}",
            )
        elif spec.per_task and isinstance(value, dict):
            for task, rating in value.items():
                _yaml_one(spec, out, problems, labels, str(task), rating, where, where_text, f"{spec.key}: {task}")
        elif spec.items == 1:
            _yaml_one(spec, out, problems, labels, None, value, where, where_text, spec.key)
        else:
            if not isinstance(value, list) or len(value) != spec.items:
                got = f"{len(value)} answers" if isinstance(value, list) else repr(value)
                problems.error(
                    f"{spec.key}: must be a list of {spec.items} answers, got {got}", column=spec.key, **where
                )
                continue
            columns = [f"{spec.key}[{i}]" for i in range(1, spec.items + 1)]
            answers, imputed, ok = _check_answers(value, spec, impute, problems, where, columns)
            if ok:
                _add(out, spec, labels, None, answers, where_text, imputed)
    return found


def _yaml_one(spec, out, problems, labels, task, value, where, where_text, column) -> None:
    try:
        answer = parse_answer(value, spec)
    except ValueError as exc:
        problems.error(str(exc), column=column, value=str(value), **where)
        return
    if answer is not None:
        _add(out, spec, labels, task, [answer], where_text, 0)


# --- CSV ------------------------------------------------------------------------------------------


def _read_csv(
    source: Source,
    data: bytes,
    spec: AnswerFormat,
    out: _Rows,
    problems: Problems,
    impute: bool,
    notes: list[str],
    column: str | None,
    required: bool,
) -> bool:
    from uxcli.readers.csvfile import read_csv_table

    table = read_csv_table(source, data)
    headers = table.headers
    id_header = _id_header(table)
    labels = {name: table.fields.get(name) for name in ("session", "variant", "task")}
    taken = {h for h in (id_header, *labels.values()) if h}
    try:
        items, how = _item_headers(table, spec, taken, column, required)
    except (InputError, OptionError):
        if required:
            raise
        return False
    if items is None:
        if not required:
            return False
        raise InputError(_no_items_message(spec, headers), file=table.name, line=table.header_line, hint=spec.hint)
    if how == "position":
        notes.append(
            f"{table.name}: no {spec.name} headers recognised; took "
            f"{', '.join(repr(h) for h in items)} as the answers, in order"
        )
    columns = {h: table.column(h).cast("string").to_pylist() for h in {*items, *taken}}
    n = table.num_rows
    lines = table.lines(np.arange(n))
    per_task_wide = spec.per_task and how == "tasks"
    for row in range(n):
        values = [_cell(columns[h][row]) for h in items]
        if row < MAX_HEADER_ROWS and _is_header_row(values, spec):
            continue
        if all(v is None for v in values) and all(_cell(columns[h][row]) is None for h in taken):
            continue  # a blank row left behind by a spreadsheet
        out.respondents += 1
        participant = _cell(columns[id_header][row]) if id_header else None
        row_labels = {
            "participant": participant if participant is not None else f"R{out.respondents}",
            **{name: (_cell(columns[h][row]) if h else None) for name, h in labels.items() if name != "task"},
        }
        task = _cell(columns[labels["task"]][row]) if labels["task"] else None
        where = {"file": table.name, "line": int(lines[row])}
        where_text = f"{table.name}:{int(lines[row])}"
        if per_task_wide:
            for header, value in zip(items, values, strict=True):
                _yaml_one(spec, out, problems, row_labels, header, value, where, where_text, header)
            continue
        if all(v is None for v in values):
            problems.warning(f"no {spec.name} answers; not scored", **where)
            continue
        answers, imputed, ok = _check_answers(values, spec, impute, problems, where, items)
        if ok:
            _add(out, spec, row_labels, task, answers, where_text, imputed)
    return True


def _cell(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _id_header(table) -> str | None:
    if table.has("participant"):
        return table.fields["participant"]
    for header in table.headers:
        if header.strip() == "#" or normalize_header(header) in ID_HEADERS:
            return header
    return None


def _is_header_row(values: list, spec: AnswerFormat) -> bool:
    """Qualtrics/SurveyMonkey header continuation rows under the header: every item cell is text
    that is no answer, and looks like a question (long text or the item's wording), an ImportId,
    or SurveyMonkey's "Response". A short bad answer in the first rows is still reported."""
    if any(v is None for v in values):
        return False
    for value in values:
        try:
            parse_answer(value, spec)
            return False
        except ValueError:
            continue
    texts = [str(v).lower() for v in values]
    if any("importid" in t for t in texts) or all(t == "response" for t in texts):
        return True
    return all(len(t) >= 20 for t in texts)


def _item_headers(
    table, spec: AnswerFormat, taken: set[str], column: str | None, required: bool = True
) -> tuple[list[str] | None, str]:
    """The answer columns and how they were found: column, texts, numbers, keyword, position, tasks.

    Columns that clearly belong to another instrument (SUS item texts, a "recommend" column, ...)
    are never taken. Position and wide per-task columns are guesses, so they are only tried for a
    file named on the command line (``required``), never for a file found in a directory.
    """
    headers = [h for h in table.headers if h not in taken]
    if column is not None:
        match = [h for h in headers if h == column or normalize_header(h) == normalize_header(column)]
        if not match:
            found = ", ".join(f'"{h}"' for h in table.headers)
            raise OptionError(f'no column "{column}" in {table.name} (columns: {found})')
        return match, "column"
    others = _claimed_by_others(headers, spec, table)
    headers = [h for h in headers if h not in others]
    if spec.items > 1:
        by_text = _match_texts(headers, spec, table)
        if by_text:
            return by_text, "texts"
        numbered = _match_numbers(headers, spec, table)
        if numbered:
            return numbered, "numbers"
        rest = _answer_candidates(table, headers)
        if required and len(rest) == spec.items:
            return rest, "position"
        return None, ""
    pattern = re.compile(spec.keywords, re.IGNORECASE)
    hits = [h for h in headers if pattern.search(h) and not normalize_header(h).endswith("npsgroup")]
    if len(hits) == 1:
        return hits, "keyword"
    rest = _answer_candidates(table, headers)
    if required and len(rest) == 1:
        return rest, "position"
    if required and spec.per_task and not table.has("task") and rest:
        return rest, "tasks"  # wide: one column per task
    if len(hits) > 1:
        raise InputError(
            f"several columns could hold the {spec.name} answers: {', '.join(repr(h) for h in hits)}",
            file=table.name,
            line=table.header_line,
            hint="name one with --column",
        )
    return None, ""


def _claimed_by_others(headers: list[str], spec: AnswerFormat, table) -> set[str]:
    """Headers that identify another instrument: most of its item texts, or its own keyword."""
    from uxcli.questionnaires.instruments import INSTRUMENTS, load

    claimed: set[str] = set()
    for key in INSTRUMENTS:
        other = load(key).answers
        if other.key == spec.key:
            continue
        if other.texts:
            patterns = [[re.compile(p, re.IGNORECASE) for p in item] for item in other.texts]
            hits = [[h for h in headers if all(p.search(h) for p in item)] for item in patterns]
            if sum(1 for h in hits if h) * 2 >= other.items and other.items > 2:
                claimed.update(h for found in hits for h in found)
        if other.claims:
            pattern = re.compile(other.claims, re.IGNORECASE)
            claimed.update(h for h in headers if pattern.search(h))
    return claimed


def _answer_candidates(table, headers: list[str]) -> list[str]:
    mapped = set(table.fields.values())
    return [h for h in headers if h not in mapped and normalize_header(h) not in META_HEADERS and normalize_header(h)]


def _match_texts(headers: list[str], spec: AnswerFormat, table) -> list[str] | None:
    patterns = [[re.compile(p, re.IGNORECASE) for p in item] for item in spec.texts]
    found: list[list[str]] = [[h for h in headers if all(p.search(h) for p in item)] for item in patterns]
    if not any(found):
        return None
    # An item text can contain another's words ("learn ... quickly" vs "learn a lot"): keep the
    # header that matches exactly one item when there is a choice.
    chosen: list[str | None] = []
    for index, hits in enumerate(found):
        if len(hits) > 1:
            unique = [h for h in hits if sum(h in other for other in found) == 1]
            hits = unique if len(unique) == 1 else hits
        chosen.append(hits[0] if len(hits) == 1 else None)
        if len(hits) > 1:
            raise InputError(
                f"several columns look like {spec.name} item {index + 1}: {', '.join(repr(h) for h in hits)}",
                file=table.name,
                line=table.header_line,
            )
    missing = [i + 1 for i, h in enumerate(chosen) if h is None]
    if missing and len(missing) < spec.items:
        if len([h for h in chosen if h]) * 2 < spec.items:
            return None  # a stray keyword, not a questionnaire
        raise InputError(
            f"{spec.name} item text found for {spec.items - len(missing)} of {spec.items} items; "
            f"no column for item {', '.join(map(str, missing))}",
            file=table.name,
            line=table.header_line,
            hint=spec.hint,
        )
    if len(set(chosen)) != len(chosen):
        return None
    return [h for h in chosen if h]


def _match_numbers(headers: list[str], spec: AnswerFormat, table) -> list[str] | None:
    stems: dict[str, dict[int, str]] = {}
    for header in headers:
        match = _NUMBERED.match(header.strip())
        if not match:
            continue
        stem = re.sub(r"[^0-9a-z]", "", match.group(1).lower())
        if stem in spec.stems or _QUALTRICS_STEM.match(stem):
            stems.setdefault(stem, {}).setdefault(int(match.group(2)), header)
    wanted = set(range(1, spec.items + 1))
    complete = [stem for stem, numbers in stems.items() if wanted <= set(numbers)]
    if not complete:
        return None
    if len(complete) > 1:
        named = [s for s in complete if s.startswith(spec.key.replace("-", "")[:4])]
        if len(named) != 1:
            sets = " and ".join(f"{stems[s][1]}…{stems[s][spec.items]}" for s in complete)
            raise InputError(
                f"two sets of numbered columns could be the {spec.name} items: {sets}",
                file=table.name,
                line=table.header_line,
            )
        complete = named
    numbers = stems[complete[0]]
    return [numbers[i] for i in range(1, spec.items + 1)]


def _no_items_message(spec: AnswerFormat, headers: list[str]) -> str:
    found = ", ".join(f'"{h}"' for h in headers[:12]) + (" …" if len(headers) > 12 else "")
    if spec.items > 1:
        return f"no {spec.name} item columns (columns found: {found})"
    return f"no {spec.name} answer column (columns found: {found})"
