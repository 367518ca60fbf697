"""Questionnaire answers from survey-tool CSV exports and YAML sessions.

Instruments: SUS (ten 1–5 items), UMUX-Lite (two 1–7 items), SEQ (one 1–7 rating per task),
NPS (one 0–10 rating) and CSAT (one 1–5 rating, optionally per task). What each one reads (items,
scale, labels, header words) is its module's :class:`AnswerFormat`; the reading itself is shared.

CSV conventions (one row per respondent, or per respondent and task for SEQ/CSAT):

* an optional id column (participant, ResponseId, Respondent ID, Typeform's ``#``, ...), and
  the usual session/variant/task columns, read like every other uxcli layout;
* item columns found by, in this order: the item texts as survey tools write them in the
  header (Google Forms, Typeform, Qualtrics' question-text row), numbered headers in one pattern
  (``Q1``–``Q10``, ``SUS1``, ``SUS 1``, ``uta7_usability_q1``, ``SUS_Q1_score``, Qualtrics matrix columns
  ``Q5_1``–``Q5_10``; two complete blocks need ``items=PREFIX``), and finally position (exactly as many
  unrecognised columns as the instrument has items). All but one item in a contiguous block of columns
  place the last by its position (a warning), and a look-alike outside the block is left to another
  instrument (a note);
* other columns (timestamps and survey metadata, also as Google Forms writes them in other languages:
  Horodateur, Marca temporal, Zeitstempel, …) are set aside;
* answers are numbers or the instrument's labels (SUS: Strongly disagree … Strongly agree with
  Qualtrics' "Somewhat" labels; UMUX-Lite: the 7-point agreement set; SEQ: Very difficult … Very easy;
  CSAT: Very dissatisfied … Very satisfied), case-insensitive; "10 - Extremely likely" reads as 10. A bad
  value is one error per column however many of its cells hold it, with their count and first lines;
* Qualtrics' question-text row is read with the field ids when matching (``Q6 How easy was the task?``);
  guessed SEQ/CSAT task columns leave out another instrument's numbered block and columns holding no
  answers of theirs (noted).

Rows and lines that are not answers are set aside with a note, never silently: a title row above the
header, the extra header rows Qualtrics (question texts, ImportIds) and SurveyMonkey (item texts under a
matrix question: merged into the header) write, and summary rows at the bottom (Average, Total, Moyenne,
…, or a row with no respondent and means or sums). :func:`refuse_export` lets the task readers skip a
questionnaire export found in a folder.

Nothing here scores anything: answers are parsed and checked, and every bad answer becomes a
:class:`~uxcli.errors.Problem` with file, line and column, so the CLI can list them all.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from uxcli.errors import InputError, OptionError, Problem, Problems
from uxcli.readers.excel import source_bytes
from uxcli.sources import Source, expand_paths
from uxcli.values import is_missing_label, label_text
from uxcli.vocab import SUMMARY_WORDS, normalize_header, summary_key


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
    # other tops of scale the instrument is given on (SEQ: 5); a header declaring one ("Ease (1-5)") is read on it
    scales: tuple[int, ...] = ()
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
    # Microsoft Forms, Typeform, SurveyMonkey, LimeSurvey
    "starttime",
    "completiontime",
    "lastmodifiedtime",
    "submittedat",
    "startedat",
    "ipaddr",
    "lastpage",
    "startlanguage",
    "seed",
    "datesubmitted",
    "datestamp",
    "customdata",
    "customdata1",
    # Google Forms' timestamp and e-mail columns in its interface languages
    "horodateur",
    "marcatemporal",
    "marcadetemporal",
    "zeitstempel",
    "informazionicronologiche",
    "tidsstempel",
    "tijdstempel",
    "tidstampel",
    "aikaleima",
    "carimbodedatahora",
    "znacznikczasu",
    "dataora",
    "fecha",
    "datum",
    "adresseemail",
    "direcciondecorreoelectronico",
    "emailadresse",
    "indirizzoemail",
    "enderecodeemail",
    "punteggio",
    "puntuacion",
}
# Besides the participant aliases in uxcli.vocab: ids survey tools write.
# Summary rows under the answers ("Average", "Total", …): uxcli.vocab.SUMMARY_WORDS.
# 7-point agreement labels (Qualtrics' default set); UMUX-Lite reads them.
AGREEMENT_7 = {
    "strongly disagree": 1,
    "disagree": 2,
    "somewhat disagree": 3,
    "neither agree nor disagree": 4,
    "neither disagree nor agree": 4,
    "neutral": 4,
    "somewhat agree": 5,
    "agree": 6,
    "strongly agree": 7,
}
ID_HEADERS = ("responseid", "respondentid", "responseno", "token", "submissionid", "externalreference")
LABEL_COLUMNS = ("participant", "session", "variant", "task")
_NUMBERED = re.compile(r"^(.*?)[\s_\-.#]*(\d{1,2})$")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[-–—:=.)(]?\s*[A-Za-z]")
_QUALTRICS_STEM = re.compile(r"^q(id)?\d+$")
MAX_HEADER_ROWS = 2  # Qualtrics: question-text row + ImportId row


class BadAnswer(ValueError):
    """An answer that cannot be read: ``head`` says which ('"x" is not a SUS answer'), ``detail`` what is
    expected; str() is both. Cells with the same bad value are reported once, counted."""

    def __init__(self, head: str, detail: str = "") -> None:
        super().__init__(f"{head}: {detail}" if detail else head)
        self.head = head
        self.detail = detail


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
    scale: int | None = None  # the top of the scale a header declared, when not the instrument's (AnswerFormat.scales)

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
        raise BadAnswer(f'"{value}" is not a {spec.name} answer{hint}', f"expected a number {scale}{extra}")
    if not number.is_integer():
        raise BadAnswer(f'"{value}" is not a whole number', f"{spec.name} answers are {scale}")
    if not spec.low <= number <= spec.high:
        raise BadAnswer(f'"{value}" is out of range', f"{spec.name} answers are {scale}")
    return int(number)


# --- reading --------------------------------------------------------------------------------------


@dataclass
class _Rows:
    records: list[dict] = field(default_factory=list)
    respondents: int = 0
    scale: int | None = None


def read_responses(
    paths: list[str],
    instrument: str | AnswerFormat,
    *,
    encoding: str | None = None,
    impute_neutral: bool = False,
    column: str | None = None,
    column_map: dict[str, str] | None = None,
    keep: tuple[tuple[str, str], ...] = (),
    items: str | None = None,
    sheet: str | None = None,
) -> Responses:
    """Read one instrument's answers from CSV exports, spreadsheets (``sheet``: which one; see
    uxcli.readers.excel) and/or YAML sessions.

    ``column_map`` ({COLUMN: field}) reads CSV columns as participant/session/variant/task (--map);
    ``keep`` ((label, column), …) keeps --by columns as ``by:LABEL`` (uxcli.questionnaires.grouping).

    Missing answers of multi-item instruments (SUS, UMUX-Lite) are errors unless
    ``impute_neutral`` (the scale's centre, Bangor, Kortum & Miller 2008); answers that cannot be
    read or are out of range are always errors. A file found inside a directory that holds no
    answers for the instrument is skipped (a study folder mixes SUS, SEQ and task logs); a file
    named on the command line must have them. ``column`` names the answer column of a
    single-item instrument explicitly; ``items`` keeps only the columns whose header starts with it
    (``--items pre_sus`` when a file holds two SUS blocks).
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
            data = source_bytes(source, encoding, problems, sheet)  # a spreadsheet's sheet as CSV
            if looks_like_yaml(source.suffix, data):
                found = _read_yaml(source, data, spec, out, problems, impute_neutral)
            else:
                found = _read_csv(
                    source,
                    data,
                    spec,
                    out,
                    problems,
                    impute_neutral,
                    notes,
                    column,
                    required=not from_directory,
                    column_map=column_map,
                    keep=keep,
                    prefix=items,
                )
            if found:
                files.append(source.name)
            elif from_directory:
                notes.append(f"{source.name}: {_what_file(source, data)}no {spec.name} answers; skipped")
            elif not found and looks_like_yaml(source.suffix, data):
                raise InputError(
                    f"no {spec.name} answers in these sessions",
                    file=source.name,
                    hint=f"add questionnaires: {{{spec.yaml_keys[0]}: ...}} to each session",
                )
    kept = [f"by:{label}" for label, _ in keep]
    frame = pd.DataFrame(out.records, columns=[*LABEL_COLUMNS, *kept, *spec.item_columns, "imputed", "source"])
    for name in spec.item_columns:
        frame[name] = frame[name].astype(np.float64)
    frame["imputed"] = frame["imputed"].astype(np.int64)
    if not files:
        raise InputError(f"no {spec.name} answers found in {', '.join(paths)}")
    _note_scale(spec, frame, out.scale, notes)
    return Responses(spec, frame, problems, notes, files, out.scale)


def _what_file(source: Source, data: bytes) -> str:
    """ "a task log, " for a CSV file with task columns (said when a folder's task log is skipped)."""
    from uxcli.readers.csvfile import read_csv_table

    try:
        table = read_csv_table(source, data)
    except InputError:
        return ""
    task_fields = {f for f, h in table.fields.items() if not is_metadata(h)}
    return "a task log, " if task_fields & {"event", "outcome", "time"} else ""


def _note_scale(spec: AnswerFormat, frame: pd.DataFrame, declared: int | None, notes: list[str]) -> None:
    """Ten or more answers all within a shorter scale the instrument is sometimes given on, and no header
    saying so: say how to declare it (the values alone do not prove it)."""
    if declared is not None or not spec.scales or spec.items != 1:
        return
    values = frame["item1"].dropna()
    for top in sorted(spec.scales):
        if len(values) >= 10 and values.max() <= top:
            notes.append(
                f"every {spec.name} answer is between {spec.low} and {top}: if the scale had {top} points, "
                f"say --scale {top} (the {spec.name} benchmark is for {spec.low}-{spec.high})"
            )
            return


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


class _BadCells:
    """Bad answers of one file, grouped by column and by what is wrong with them, so that a label used in
    132 cells of a column is one error line (with its count and first lines), not 132."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], list[tuple[BadAnswer, dict, str, str]]] = {}

    def add(self, exc: BadAnswer, where: dict, column: str, value: str) -> None:
        # per column: the count and lines are those of this column's cells, not of every column's
        self.cells.setdefault((column, str(exc)), []).append((exc, where, column, value))

    def report(self, problems: Problems) -> None:
        for cells in self.cells.values():
            exc, where, column, value = cells[0]
            message = str(exc)
            if len(cells) > 1:
                lines = list(dict.fromkeys(w.get("line") for _, w, _, _ in cells if w.get("line") is not None))
                shown = ", ".join(str(line) for line in lines[:3]) + (", …" if len(lines) > 3 else "")
                count = f"{len(cells)} cells" + (f", lines {shown}" if shown else "")
                message = f"{exc.head} ({count})" + (f": {exc.detail}" if exc.detail else "")
            problems.error(message, column=column, value=value, **where)
        self.cells.clear()


def _check_answers(
    values: list,
    spec: AnswerFormat,
    impute: bool,
    problems: Problems,
    where: dict,
    columns: list[str],
    bad: _BadCells | None = None,
) -> tuple[list[int | None], int, bool]:
    """Parse a respondent's answers: (answers, imputed count, ok). Bad answers go to ``bad`` when given
    (reported per distinct value later), else straight to ``problems``."""
    answers: list[int | None] = []
    ok = True
    for value, column in zip(values, columns, strict=True):
        try:
            answers.append(parse_answer(value, spec))
        except BadAnswer as exc:
            if bad is None:
                problems.error(str(exc), column=column, value=str(value), **where)
            else:
                bad.add(exc, where, column, str(value))
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


def _yaml_one(spec, out, problems, labels, task, value, where, where_text, column, bad=None) -> None:
    try:
        answer = parse_answer(value, spec)
    except BadAnswer as exc:
        if bad is None:
            problems.error(str(exc), column=column, value=str(value), **where)
        else:
            bad.add(exc, where, column, str(value))
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
    prefix: str | None = None,
    column_map: dict[str, str] | None = None,
    keep: tuple[tuple[str, str], ...] = (),
) -> bool:
    from uxcli.questionnaires.grouping import KEEP_PREFIX, kept_header
    from uxcli.readers.csvfile import read_csv_table

    data, banners = drop_banner(data)
    data, merged = merge_subheader(data)
    table = read_csv_table(source, data, column_map)
    id_header = _id_header(table)
    labels = {name: table.fields.get(name) for name in ("session", "variant", "task")}
    missing: InputError | None = None  # a --by column this file lacks: an error only if it has answers
    try:
        kept = {
            KEEP_PREFIX + label: kept_header(
                table.headers, table.fields, wanted, file=table.name, line=table.header_line
            )
            for label, wanted in keep
        }
    except InputError as exc:
        if required:
            raise
        kept, missing = {}, exc
    taken = {h for h in (id_header, *labels.values(), *kept.values()) if h}
    said: list[tuple[str, str]] = []
    cells = {h: table.column(h).cast("string").to_pylist() for h in table.headers}
    texts, text_rows = _question_texts(table, cells)
    try:
        items, how = _item_headers(table, spec, taken, column, required, prefix, said, texts)
    except (InputError, OptionError):
        if required:
            raise
        return False
    if items is None:
        if not required:
            return False
        raise InputError(
            _no_items_message(spec, table.headers), file=table.name, line=table.header_line, hint=spec.hint
        )
    if missing is not None:
        raise missing
    name = table.name
    notes += [f"{name}: line {line}: {text!r} is a title above the header; skipped" for line, text in banners]
    if merged is not None:
        notes.append(
            f"{name}: line {merged} holds the item texts under the questions (a SurveyMonkey export); read as the header"
        )
    for severity, message in said:
        if severity == "note":
            notes.append(f"{name}: {message}")
        else:
            problems.warning(message, file=name, line=table.header_line)
    if how == "position":
        notes.append(
            f"{name}: no {spec.name} headers recognised; took {', '.join(repr(h) for h in items)} as the answers, in order"
        )
    top = _declared_top(items, spec)
    if top is not None:
        out.scale = top
        notes.append(
            f"{name}: the header says the {spec.name} answers are {spec.low}-{top} ({', '.join(repr(h) for h in items)}); "
            f"the {spec.name} benchmark, a {spec.low}-{spec.high} figure, is not tested"
        )
        spec = _on_scale(spec, top)
    n = table.num_rows
    lines = table.lines(np.arange(n))
    skipped = _header_rows(cells, items, spec, n, text_rows)
    if skipped:
        what = "question texts and ImportIds (a Qualtrics export)" if len(skipped) == 2 else "question texts"
        notes.append(
            f"{name}: {_lines_text(lines, skipped)} under the header hold{'s' * (len(skipped) == 1)} {what}; skipped"
        )
    summary = _summary_rows(cells, items, id_header, spec, n, len(skipped))
    if summary:
        words = ", ".join(dict.fromkeys(f'"{word}"' for word in summary.values()))
        notes.append(
            f"{name}: {len(summary)} summary row{'s' * (len(summary) != 1)} at the bottom set aside "
            f"({_lines_text(lines, sorted(summary))}: {words})"
        )
    per_task_wide = spec.per_task and how == "tasks"
    if per_task_wide:
        rows = [r for r in range(len(skipped), n) if r not in summary]
        items, left_out = _fitting_tasks(cells, items, spec, rows)
        if left_out:
            notes.append(
                f"{name}: left out as {spec.name} tasks (most answers are not {spec.name} answers): {left_out}"
            )
        notes.append(
            f"{name}: no task column; read {', '.join(repr(h) for h in items)} as the {spec.name} answers, one column per task"
        )
    elif texts and any(h in texts for h in items) and how in ("texts", "keyword"):
        shown = ", ".join(f"{h!r} ({texts[h]!r})" for h in items[:3] if h in texts) + (" …" if len(items) > 3 else "")
        notes.append(
            f"{name}: {spec.name} {'answers' if spec.items == 1 else 'items'} found by their question text: {shown}"
        )
    bad = _BadCells()
    for row in range(n):
        if row < len(skipped) or row in summary:
            continue
        values = [_cell(cells[h][row]) for h in items]
        if all(v is None for v in values) and all(_cell(cells[h][row]) is None for h in taken):
            continue  # a blank row left behind by a spreadsheet
        out.respondents += 1
        participant = _cell(cells[id_header][row]) if id_header else None
        row_labels = {
            "participant": participant if participant is not None else f"R{out.respondents}",
            **{label: (_cell(cells[h][row]) if h else None) for label, h in labels.items() if label != "task"},
            **{label: _cell(cells[h][row]) for label, h in kept.items()},
        }
        task = _cell(cells[labels["task"]][row]) if labels["task"] else None
        where = {"file": name, "line": int(lines[row])}
        where_text = f"{name}:{int(lines[row])}"
        if per_task_wide:
            for header, value in zip(items, values, strict=True):
                _yaml_one(spec, out, problems, row_labels, header, value, where, where_text, header, bad)
            continue
        if all(v is None for v in values):
            problems.warning(f"no {spec.name} answers; not scored", **where)
            continue
        answers, imputed, ok = _check_answers(values, spec, impute, problems, where, items, bad)
        if ok:
            _add(out, spec, row_labels, task, answers, where_text, imputed)
    bad.report(problems)
    return True


# Words of a per-task instrument's own answers: a bad answer using them is a slip, not another column's value.
_NEAR_MISS = {
    "seq": r"eas|diffic|hard|simple|tough|schwer|leicht|fácil|facil|difíc|dific|facile|diffici",
    "csat": r"satisf|happy|content|zufrieden|satisfait|satisfech|soddisf",
}


def _fitting_tasks(
    cells: dict[str, list], items: list[str], spec: AnswerFormat, rows: list[int]
) -> tuple[list[str], str]:
    """Guessed per-task columns (SEQ, CSAT) without the ones whose answers are mostly not the
    instrument's (a comment column, agreement labels, numbers off the scale): (kept, what was left out and
    why). Short bad answers that still speak of the instrument ("very hard" for SEQ, "unhappy" for CSAT) keep
    their column, so they are reported as errors. When no column fits, all are kept, for the same reason."""
    kept: list[str] = []
    out: list[str] = []
    for header in items:
        values = [v for v in (_cell(cells[header][r]) for r in rows) if v is not None]
        bad = _foreign(values, spec)
        if bad:
            examples = ", ".join(f'"{v}"' for v in list(dict.fromkeys(bad))[:2])
            out.append(f"{header!r} ({examples}{', …' if len(set(bad)) > 2 else ''})")
        else:
            kept.append(header)
    if not kept:
        return items, ""
    return kept, "; ".join(out)


def _lines_text(lines: np.ndarray, rows: list[int]) -> str:
    numbers = [int(lines[r]) for r in rows]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"lines {numbers[0]}-{numbers[-1]}"
    return "lines " + ", ".join(map(str, numbers[:5])) + (", …" if len(numbers) > 5 else "")


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


def _meta_key(header: str) -> str:
    """A header as META_HEADERS lists it: accents dropped, then vocab.normalize_header."""
    text = unicodedata.normalize("NFKD", str(header))
    return normalize_header("".join(c for c in text if not unicodedata.combining(c)))


def is_metadata(header: str) -> bool:
    """A column survey tools add that never holds answers (timestamps, ids, e-mail, Qualtrics' metadata),
    in the languages Google Forms writes them."""
    return _meta_key(header) in META_HEADERS


# --- rows that are not answers ----------------------------------------------------------------------


def drop_banner(data: bytes) -> tuple[bytes, list[tuple[int, str]]]:
    """A title row above the real header (one text, the rest empty, as a spreadsheet writes a title
    spanning the columns) blanked out, so the header below it is read; line numbers are kept. Returns the
    data and the (line, title) of each title removed (at most three)."""
    import csv

    head = data[:65536].split(b"\n")
    removed: list[tuple[int, str]] = []
    while len(removed) < 3:
        rows = [(i, line) for i, line in enumerate(head[:-1]) if line.strip(b" \t\r\xef\xbb\xbf")][:2]
        if len(rows) < 2:
            break
        (first_at, first), (_, second) = rows
        texts = [line.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r") for line in (first, second)]
        delimiter = max(",;\t|", key=texts[1].count)
        top, below = ([c.strip() for c in next(csv.reader([text], delimiter=delimiter)) if c.strip()] for text in texts)
        if len(set(top)) != 1 or len(below) < 2:
            break
        removed.append((first_at + 1, top[0]))
        head[first_at] = b""
    if not removed:
        return data, []
    rest = data[65536:]
    return b"\n".join(head) + rest, removed


_SUBHEADER_PLACEHOLDERS = {"response", "open-ended response", "other (please specify)", ""}


def merge_subheader(data: bytes) -> tuple[bytes, int | None]:
    """SurveyMonkey's two header rows: a matrix question's text over its first column, blank cells over the
    rest, and the item texts in the row below (other questions say "Response" there). The two rows are
    merged into one header (the item text where there is one, else the question) and the second blanked
    out, so line numbers are kept. Returns the data and the line merged away (None when there is none)."""
    import csv
    import io

    head = data[:65536].split(b"\n")
    rows = [(i, line) for i, line in enumerate(head[:-1]) if line.strip(b" \t\r\xef\xbb\xbf")][:2]
    if len(rows) < 2:
        return data, None
    (_, first), (second_at, second) = rows
    texts = [line.decode("utf-8", "replace").rstrip("\r") for line in (first, second)]
    delimiter = max(",;\t|", key=texts[0].count)
    top, below = (next(csv.reader([text], delimiter=delimiter)) for text in texts)
    if len(top) != len(below) or below[0].strip() or not any(not t.strip() for t in top[1:]):
        return data, None
    under_blank = [b.strip() for t, b in zip(top, below, strict=True) if not t.strip()]
    words = [b.strip() for b in below if b.strip()]
    if not all(under_blank) or not words or any(_number_like(w) for w in words):
        return data, None
    merged = [
        b.strip() if b.strip().lower() not in _SUBHEADER_PLACEHOLDERS else t for t, b in zip(top, below, strict=True)
    ]
    line = io.StringIO()
    csv.writer(line, delimiter=delimiter, lineterminator="").writerow(merged)
    first_at = rows[0][0]
    head[first_at] = line.getvalue().encode("utf-8")
    head[second_at] = b""
    return b"\n".join(head) + data[65536:], second_at + 1


def _number_like(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _header_rows(
    cells: dict[str, list], items: list[str], spec: AnswerFormat, n: int, text_rows: list[int] | None = None
) -> list[int]:
    """Rows at the top that continue the header: Qualtrics' question-text row and its ImportId row
    (``{"ImportId":"QID1_1"}``), SurveyMonkey's "Response" row. With an ImportId row, it and every row
    above it are header rows; so are the question-text rows :func:`_question_texts` found."""
    row = _import_id_row(cells, n)
    if row is not None:
        return list(range(row + 1))
    if text_rows:
        return list(text_rows)
    rows: list[int] = []
    for row in range(min(n, MAX_HEADER_ROWS)):
        if not _is_header_row([_cell(cells[h][row]) for h in items], spec):
            break
        rows.append(row)
    return rows


def _import_id_row(cells: dict[str, list], n: int) -> int | None:
    """The row of Qualtrics' ImportIds (``{"ImportId":"QID1_1"}``) among the first rows, if any."""
    for row in range(min(n, MAX_HEADER_ROWS)):
        if any("importid" in (column[row] or "").lower().replace(" ", "") for column in cells.values()):
            return row
    return None


def _question_texts(table, cells: dict[str, list]) -> tuple[dict[str, str], list[int]]:
    """Qualtrics' question-text row under the field ids: ({field id: question text}, [its row]), or
    ({}, []) when there is none. It is the row above the ImportId row, or (an export without ImportIds)
    a first row whose metadata cells mostly repeat their headers in words ("Start Date" under "StartDate",
    "Response ID" under "ResponseId"), which no respondent's row does ("IP Address" under Status does). Matching columns to instruments
    reads "Q6 How easy was the task?"; messages still name the field id."""
    n = table.num_rows
    if n < 2:
        return {}, []
    row = _import_id_row(cells, n)
    if row is None:
        meta = [h for h in cells if is_metadata(h) or normalize_header(h) in ID_HEADERS]
        first = {h: _cell(cells[h][0]) for h in meta}
        said = [h for h, v in first.items() if v is not None and _meta_key(v) == _meta_key(h)]
        if not said or len(said) * 2 < len([v for v in first.values() if v is not None]):
            return {}, []
        row = 1
    if row < 1:
        return {}, []
    texts = {}
    for header, column in cells.items():
        text = _cell(column[0])
        if text is not None and normalize_header(text) != normalize_header(header):
            texts[header] = " ".join(text.split())
    return texts, [0] if row == 1 else list(range(row))


def _seen(header: str, texts: dict[str, str] | None) -> str:
    """A header as the matching reads it: the field id and, in a Qualtrics export, its question text."""
    text = (texts or {}).get(header)
    return f"{header} {text}" if text else header


def _summary_key(value: str) -> str:
    return summary_key(value)


def _summary_rows(
    cells: dict[str, list], items: list[str], id_header: str | None, spec: AnswerFormat, n: int, start: int
) -> dict[int, str]:
    """Rows at the bottom that summarise the answers above them (row -> what marks it): a cell saying
    "Average", "Total", "Moyenne", … , or no respondent and values that are no answers (means, sums)."""
    found: dict[int, str] = {}
    for row in range(n - 1, start - 1, -1):
        values = [_cell(column[row]) for column in cells.values()]
        if all(v is None for v in values):
            continue
        word = next((v for v in values if v is not None and _summary_key(v) in SUMMARY_WORDS), None)
        if word is None and id_header is not None and _cell(cells[id_header][row]) is None:
            answers = [_cell(cells[h][row]) for h in items]
            if _aggregates([a for a in answers if a is not None], spec):
                word = "no respondent; values are not answers"
        if word is None:
            break
        found[row] = word
    return found


def _aggregates(values: list[str], spec: AnswerFormat) -> bool:
    """Numbers, most of them no answer of the instrument (means like 3.4, sums like 41)."""
    numbers = []
    for value in values:
        try:
            numbers.append(float(value.replace(",", ".")) if value.count(",") == 1 else float(value))
        except ValueError:
            return False
    odd = sum(1 for x in numbers if not x.is_integer() or not spec.low <= x <= spec.high)
    return bool(numbers) and odd * 2 > len(numbers)  # one slip in a respondent's row is no summary


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


# --- the scale --------------------------------------------------------------------------------------

_RANGE = re.compile(r"(?<![\d.,])(\d{1,2})\s*(?:-|–|—|to|bis|à|a|al)\s*(\d{1,2})(?![\d.,])", re.IGNORECASE)
_POINTS = re.compile(
    r"(?<![\d.,])(\d{1,2})\s*[- ]?(?:point|pt|punkt|points|puntos|punti)\b|(?:/|out of|sur|von)\s*(\d{1,2})\b",
    re.IGNORECASE,
)
_WORD_POINTS = {"five": 5, "seven": 7, "ten": 10, "eleven": 11}


def _declared_top(items: list[str], spec: AnswerFormat) -> int | None:
    """The top of the scale the answer headers declare ("Ease (1-5)", "5-point rating", "… out of 5"),
    when it is one the instrument is known to be given on besides its own (AnswerFormat.scales)."""
    if not spec.scales:
        return None
    tops: set[int] = set()
    for header in items:
        for low, high in _RANGE.findall(header):
            if int(low) == spec.low:
                tops.add(int(high))
        for points, out_of in _POINTS.findall(header):
            tops.add(int(points or out_of))
        for word, value in _WORD_POINTS.items():
            if re.search(rf"\b{word}[- ]point", header, re.IGNORECASE):
                tops.add(value)
    tops &= set(spec.scales)
    return tops.pop() if len(tops) == 1 else None


def _on_scale(spec: AnswerFormat, top: int) -> AnswerFormat:
    """The instrument read on another scale: answers above ``top`` are out of range; labels of the
    instrument's own scale would mean other numbers there, so only numbers are read."""
    from dataclasses import replace

    return replace(spec, high=top, labels={})


# --- which columns hold the answers -------------------------------------------------------------------


def _item_headers(
    table,
    spec: AnswerFormat,
    taken: set[str],
    column: str | None,
    required: bool = True,
    prefix: str | None = None,
    said: list[tuple[str, str]] | None = None,
    texts: dict[str, str] | None = None,
) -> tuple[list[str] | None, str]:
    """The answer columns and how they were found: column, texts, numbers, keyword, position, tasks.

    Columns that clearly belong to another instrument (SUS item texts, a "recommend" column, ...)
    are never taken, nor survey metadata. Position and wide per-task columns are guesses, so they are
    only tried for a file named on the command line (``required``), never for a file found in a
    directory. ``prefix`` (``--items``) keeps only the columns whose header starts with it; ``said``
    collects (severity, message) about choices made on the way (items placed by position). ``texts``
    ({field id: question text}, Qualtrics' second row) is read with the headers by text and keyword
    matching; numbers, positions and messages use the field ids.
    """
    said = [] if said is None else said
    headers = [h for h in table.headers if h not in taken]
    if column is not None:
        match = [h for h in headers if h == column or normalize_header(h) == normalize_header(column)]
        if not match:
            found = ", ".join(f'"{h}"' for h in table.headers)
            raise OptionError(f'no column "{column}" in {table.name} (columns: {found})')
        return match, "column"
    others = _claimed_by_others(headers, spec, table, texts, numbered=not prefix)
    headers = [h for h in headers if h not in others and not is_metadata(h)]
    if prefix:
        wanted = _squash(prefix)
        headers = [h for h in headers if _squash(h).startswith(wanted)]
        if not headers:
            raise OptionError(f'--items {prefix}: no column of {table.name} starts with "{prefix}"')
    if spec.items > 1:
        by_text = _match_texts(headers, spec, table, said, texts)
        if by_text:
            return by_text, "texts"
        numbered = _match_numbers(headers, spec, table, said)
        if numbered:
            return numbered, "numbers"
        rest = _answer_candidates(table, headers)
        if not prefix:
            rest = _position_candidates(table, rest, spec, texts)
        if (required or prefix) and len(rest) == spec.items:
            return rest, "position"
        return None, ""
    pattern = re.compile(spec.keywords, re.IGNORECASE)
    hits = [h for h in headers if pattern.search(_seen(h, texts)) and not normalize_header(h).endswith("npsgroup")]
    if len(hits) == 1:
        return hits, "keyword"
    rest = _answer_candidates(table, headers)
    if required and len(_position_candidates(table, rest, spec, texts)) == 1:
        return _position_candidates(table, rest, spec, texts), "position"
    if required and spec.per_task and not table.has("task") and len(hits) > 1:
        return hits, "tasks"  # wide: "How easy was task 1?", "How easy was task 2?"
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


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-.:#]+", "", str(text).lower())


def _claimed_by_others(
    headers: list[str], spec: AnswerFormat, table, texts: dict[str, str] | None = None, numbered: bool = True
) -> set[str]:
    """Headers that identify another instrument: most of its item texts, or its own keyword; and (unless
    ``numbered`` is off: --items chose the columns) a complete numbered block of an instrument with more
    items (Q5_1…Q5_10 are SUS's, never SEQ tasks nor UMUX-Lite's items 1 and 2; UMUX1/UMUX2 when named so)."""
    from uxcli.questionnaires.instruments import INSTRUMENTS, load

    claimed: set[str] = set()
    for key in INSTRUMENTS:
        other = load(key).answers
        if other.key == spec.key:
            continue
        if other.texts:
            patterns = [[re.compile(p, re.IGNORECASE) for p in item] for item in other.texts]
            hits = [[h for h in headers if all(p.search(_seen(h, texts)) for p in item)] for item in patterns]
            if sum(1 for h in hits if h) * 2 >= other.items and other.items > 2:
                try:  # its own columns exactly, when they can be told apart (a block of items)
                    own = _match_texts(headers, other, table, [], texts)
                except InputError:
                    own = None
                claimed.update(own if own else (h for found in hits for h in found))
        if other.claims:
            pattern = re.compile(other.claims, re.IGNORECASE)
            claimed.update(h for h in headers if pattern.search(_seen(h, texts)))
        if numbered and other.items > max(spec.items, 1):
            claimed.update(_numbered_claim(headers, other, table))
    return claimed


def _numbered_claim(headers: list[str], other: AnswerFormat, table) -> list[str]:
    """The complete numbered block of ``other``'s items among ``headers`` ([] when none, or several): for
    an instrument of three or more items any numbering (Q5_1…Q5_10), for a shorter one only headers naming
    it (UMUX1, UMUX2; Q1, Q2 may be anything)."""
    try:
        block = _match_numbers(headers, other, table, [])
    except InputError:
        return []
    if not block:
        return []
    if other.items > 2:
        return block
    own = re.sub(r"[^a-z]", "", other.key)
    return block if all(own in re.sub(r"[^a-z]", "", h.lower()) for h in block) else []


def _position_candidates(table, headers: list[str], spec: AnswerFormat, texts: dict[str, str] | None) -> list[str]:
    """The columns a guess by position may take: not one whose header names another instrument's question
    ("How easy was the task?" is SEQ's, not a UMUX-Lite item), nor one whose cells are mostly no answers of
    this instrument (a comment column). Header rows under the header (at most two) cannot tip the count."""
    from uxcli.questionnaires.instruments import INSTRUMENTS, load

    kept = []
    for header in headers:
        seen = _seen(header, texts)
        others = (load(key).answers for key in INSTRUMENTS if key != spec.key)
        if any(o.keywords and re.search(o.keywords, seen, re.IGNORECASE) for o in others if o.items == 1):
            if not (spec.keywords and re.search(spec.keywords, seen, re.IGNORECASE)):
                continue
        values = [v for v in (_cell(x) for x in table.column(header).cast("string").to_pylist()) if v is not None]
        if len(values) > 2 * MAX_HEADER_ROWS and _foreign(values, spec):
            continue
        kept.append(header)
    return kept


def _foreign(values: list[str], spec: AnswerFormat) -> list[str]:
    """The values of a column when most of them are no answers of the instrument and do not even speak of
    it (agreement labels under SEQ, free text, numbers off the scale), else []: such a column is not the
    instrument's. "very hard" under SEQ is a slip in an SEQ column, reported as an error instead."""
    bad = []
    for value in values:
        try:
            parse_answer(value, spec)
        except ValueError:
            bad.append(value)
    pattern = _NEAR_MISS.get(spec.key)
    near = [v for v in bad if pattern and re.search(pattern, v, re.IGNORECASE) and len(v.split()) <= 2]
    return bad if values and len(bad) * 2 > len(values) and len(near) * 2 <= len(bad) else []


def _answer_candidates(table, headers: list[str]) -> list[str]:
    mapped = set(table.fields.values())
    return [h for h in headers if h not in mapped and not is_metadata(h) and normalize_header(h)]


def _by_position(
    chosen: list[str | None],
    table,
    spec: AnswerFormat,
    said: list[tuple[str, str]],
    how: str,
    hits: list[list[str]] | None = None,
) -> list[str] | None:
    """Items placed by their position: when all but at most one item sit in one contiguous block of
    columns (item k in the k-th column of the block), the block's columns are the items. A column
    matched outside the block is left to another instrument (noted); a column of the block whose header
    was not recognised is taken for its item, with a warning. None when there is no such block."""
    if spec.items < 3:
        return None
    headers = list(table.headers)
    where = {h: i for i, h in enumerate(headers)}
    known = [(i, where[h]) for i, h in enumerate(chosen) if h is not None]
    if not known:
        return None
    base, count = Counter(at - i for i, at in known).most_common(1)[0]
    if count < spec.items - 1 or base < 0 or base + spec.items > len(headers):
        return None
    block = headers[base : base + spec.items]
    for index, header in enumerate(block):
        if chosen[index] == header:
            continue
        if is_metadata(header) or header in set(table.fields.values()) - {h for h in chosen if h}:
            return None
        span = f"{block[0]!r}…{block[-1]!r}"
        also = [h for h in (hits[index] if hits else []) if h != header]
        if chosen[index] is None and header in (hits[index] if hits else []):
            said.append(
                ("note", f"{spec.name} item {index + 1}: took {header!r}, its column in the block {span}; "
                 f"{', '.join(repr(h) for h in also)} also look{'s' * (len(also) == 1)} like it and "
                 f"{'is' if len(also) == 1 else 'are'} left to another instrument")
            )  # fmt: skip
        elif chosen[index] is None:
            said.append(
                ("warning", f"{spec.name} item {index + 1}: no header {how}; took {header!r}, the column at its place "
                 f"in the block {span}")
            )  # fmt: skip
        else:
            said.append(
                ("note", f"{spec.name} item {index + 1}: {header!r} is its column in the block {span}; "
                 f"{chosen[index]!r} also looks like it and is left to another instrument")
            )  # fmt: skip
    return block


def _match_texts(
    headers: list[str], spec: AnswerFormat, table, said: list[tuple[str, str]], texts: dict[str, str] | None = None
) -> list[str] | None:
    patterns = [[re.compile(p, re.IGNORECASE) for p in item] for item in spec.texts]
    found: list[list[str]] = [[h for h in headers if all(p.search(_seen(h, texts)) for p in item)] for item in patterns]
    if not any(found):
        return None
    # An item text can contain another's words ("learn ... quickly" vs "learn a lot"): keep the
    # header that matches exactly one item when there is a choice.
    chosen: list[str | None] = []
    ambiguous: list[int] = []
    for index, hits in enumerate(found):
        if len(hits) > 1:
            unique = [h for h in hits if sum(h in other for other in found) == 1]
            hits = unique if len(unique) == 1 else hits
        chosen.append(hits[0] if len(hits) == 1 else None)
        if len(hits) > 1:
            ambiguous.append(index)
    repeated = {h for h in chosen if h is not None and chosen.count(h) > 1}
    chosen = [None if h in repeated else h for h in chosen]
    missing = [i + 1 for i, h in enumerate(chosen) if h is None and i not in ambiguous]
    if not missing and not ambiguous and not repeated:
        return [h for h in chosen if h]
    if len([h for h in chosen if h]) * 2 < spec.items and not ambiguous:
        return None  # a stray keyword, not a questionnaire
    placed = _by_position(chosen, table, spec, said, "with its text", found)
    if placed is not None:
        return placed
    if ambiguous:
        index = ambiguous[0]
        raise InputError(
            f"several columns look like {spec.name} item {index + 1}: {', '.join(repr(h) for h in found[index])}",
            file=table.name,
            line=table.header_line,
            hint="keep the items in one block of columns, or choose them with --items PREFIX",
        )
    if repeated:
        return None
    raise InputError(
        f"{spec.name} item text found for {spec.items - len(missing)} of {spec.items} items; "
        f"no column for item {', '.join(map(str, missing))}",
        file=table.name,
        line=table.header_line,
        hint=spec.hint,
    )


_NUMBER = re.compile(r"(?<!\d)(\d{1,2})(?!\d)")
_TOKEN = re.compile(r"(qid\d+|q\d+|[a-z]*)[\s_\-.#:]*$")


def _numbered_blocks(headers: list[str], spec: AnswerFormat) -> dict[str, dict[int, str]]:
    """Numbered headers grouped by their pattern: "pre_sus_q#" -> {1: "pre_sus_q1", …}. A number counts
    when the word right before it is one of the instrument's stems (``q``, ``sus``, ``item``, nothing) or a
    Qualtrics question id (``Q3_1``); the text before and after it may be anything (``uta7_usability_q1``,
    ``SUS_Q1_score``, ``SUS 1``)."""
    blocks: dict[str, dict[int, str]] = {}
    for header in headers:
        text = " ".join(str(header).split())
        for match in _NUMBER.finditer(text):
            before, after = text[: match.start()], text[match.end() :]
            token = _TOKEN.search(before.lower())
            stem = token.group(1) if token else ""
            if stem not in spec.stems and not _QUALTRICS_STEM.match(stem):
                continue
            blocks.setdefault(f"{before.lower()}#{after.lower()}", {}).setdefault(int(match.group(1)), header)
    return blocks


def _block_name(numbers: dict[int, str], spec: AnswerFormat) -> str:
    return f"{numbers[1]}…{numbers[spec.items]}"


def _block_prefix(numbers: dict[int, str]) -> str:
    """What --items would take to choose this block: the header of item 1 before its item number's stem."""
    text = " ".join(numbers[1].split())
    match = _NUMBER.search(text)
    before = text[: match.start()] if match else text
    token = _TOKEN.search(before.lower())
    start = token.start() if token else len(before)
    return before[:start].strip(" _-.#:") or before.strip() or text


def _match_numbers(headers: list[str], spec: AnswerFormat, table, said: list[tuple[str, str]]) -> list[str] | None:
    blocks = _numbered_blocks(headers, spec)
    wanted = set(range(1, spec.items + 1))
    complete = {key: numbers for key, numbers in blocks.items() if wanted <= set(numbers)}
    if spec.items <= 2:  # Q6_1…Q6_3 is a question of three rows, not UMUX-Lite's two items (UMUX_1…UMUX_3 may be)
        own = spec.key.replace("-", "")[:4]
        complete = {
            key: numbers
            for key, numbers in complete.items()
            if set(numbers) == wanted or own in re.sub(r"[^a-z]", "", key)
        }
    if not complete:
        for numbers in blocks.values():  # one item's header renamed: place it by position
            if len(wanted & set(numbers)) == spec.items - 1:
                placed = _by_position([numbers.get(i) for i in sorted(wanted)], table, spec, said, "with its number")
                if placed is not None:
                    return placed
        return None
    if len(complete) > 1:
        exact = {key: numbers for key, numbers in complete.items() if set(numbers) == wanted}
        complete = exact if len(exact) == 1 else complete
    if len(complete) > 1:
        own = spec.key.replace("-", "")[:4]
        named = {key: numbers for key, numbers in complete.items() if own in re.sub(r"[^a-z]", "", key)}
        complete = named if len(named) == 1 else complete
    if len(complete) > 1:
        sets = ", ".join(_block_name(numbers, spec) for numbers in complete.values())
        choices = " or ".join(f"--items {_block_prefix(numbers)}" for numbers in complete.values())
        raise InputError(
            f"{len(complete)} blocks of columns could be the {spec.name} items: {sets}",
            file=table.name,
            line=table.header_line,
            hint=f"choose one with {choices}",
        )
    numbers = next(iter(complete.values()))
    return [numbers[i] for i in range(1, spec.items + 1)]


def _no_items_message(spec: AnswerFormat, headers: list[str]) -> str:
    found = ", ".join(f'"{h}"' for h in headers[:12]) + (" …" if len(headers) > 12 else "")
    if spec.items > 1:
        return f"no {spec.name} item columns (columns found: {found})"
    return f"no {spec.name} answer column (columns found: {found})"


# --- a folder of mixed files --------------------------------------------------------------------------


def questionnaire_in(table, data: bytes | None = None) -> str | None:
    """The name of the instrument ("SUS", …) whose answers a CSV table holds when it is a questionnaire
    export rather than a task file, else None. Task commands reading a folder call it to skip the export
    with a note (a study folder keeps the task log next to the SUS export).

    A task file has an event, outcome or time column (survey metadata such as Qualtrics' "Status" or a
    form's "Timestamp" does not count); an export has an instrument's item columns (by text or number) or
    its own keyword column, and most of their cells read as answers.
    """
    from uxcli.questionnaires.instruments import INSTRUMENTS, load

    task_fields = {f for f, h in table.fields.items() if not is_metadata(h)}
    if task_fields & {"event", "outcome", "time"}:
        return None
    if data is not None:
        header_fixed = merge_subheader(drop_banner(data)[0])[0]
        if header_fixed != data:
            from uxcli.readers.csvfile import read_csv_table

            try:
                table = read_csv_table(table.source, header_fixed)
            except InputError:
                return None
    for key in INSTRUMENTS:
        spec = load(key).answers
        headers = [h for h in table.headers if not is_metadata(h)]
        try:
            if spec.items > 1:
                items = _match_texts(headers, spec, table, []) or _match_numbers(headers, spec, table, [])
            else:
                pattern = re.compile(spec.claims, re.IGNORECASE) if spec.claims else None
                items = [h for h in headers if pattern and pattern.search(h)][:1]
        except InputError:
            return spec.name  # its items, only ambiguous
        if items and _mostly_answers(table, items, spec):
            return spec.name
    return None


def _mostly_answers(table, items: list[str], spec: AnswerFormat) -> bool:
    """Most item cells under the header rows (Qualtrics', SurveyMonkey's) read as answers."""
    cells = {h: table.column(h).cast("string").to_pylist() for h in table.headers}
    start = len(_header_rows(cells, items, spec, table.num_rows))
    values = [v for h in items for v in cells[h][start:] if _cell(v) is not None]
    good = 0
    for value in values:
        try:
            parse_answer(value, spec)
            good += 1
        except ValueError:
            pass
    if {str(v).strip() for v in values} <= {"0", "1"}:
        return False  # a wide success matrix of 1/0 under Q1…Q10 headers, not answers
    return bool(values) and good * 2 > len(values)


class NotATaskFile(Exception):
    """A questionnaire export found in a folder read by a task command: skipped; the message says why."""


def refuse_export(table, data: bytes | None, from_directory: bool) -> None:
    """For the task commands: a questionnaire export is no task file. Found in a folder, it raises
    NotATaskFile (the reader skips it with a note: "sus.csv: a SUS questionnaire export, not a task log;
    skipped"); named on the command line, an InputError saying which command reads it."""
    name = questionnaire_in(table, data)
    if name is None:
        return
    if from_directory:
        raise NotATaskFile(f"a {name} questionnaire export, not a task log; skipped (uxcli {name.lower()} reads it)")
    raise InputError(
        f"is a {name} questionnaire export, not a task log",
        file=table.name,
        line=table.header_line,
        hint=f"score it with: uxcli {name.lower()} {table.name}",
    )
