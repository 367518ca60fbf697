"""A questionnaire analysed in one library call: what `uxcli sus` (seq, umux-lite, nps, csat) does,
without Typer or Rich.

    from uxcli.questionnaires.analysis import QuestionnaireOptions, score

    result = score("sus", QuestionnaireOptions(("responses.csv",), fail_under=("sus=68",)))
    result.summary["mean"], result.respondents, result.verdict.failed

Reading problems: one bad answer raises InputError; several raise AnswerErrors (each one in
``.problems``). Warnings and notes come back as lines (``result.messages()``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from uxcli.errors import OptionError
from uxcli.gates import GateVerdict, evaluate, parse_rules
from uxcli.questionnaires import grouping, scoring
from uxcli.questionnaires.exports import AnswerFormat, Responses, read_responses
from uxcli.questionnaires.instruments import INSTRUMENTS, GateMetric, load

if TYPE_CHECKING:
    from uxcli.questionnaires.compare import QuestionnaireComparison

MAX_WARNINGS = 10  # warning lines without verbose; the rest are counted


# --- what each instrument module provides ---------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """An instrument's results: per respondent with a study-wide summary (SUS, UMUX-Lite, NPS),
    or one row per task (SEQ, CSAT)."""

    respondents: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # empty for per-task results
    tasks: pd.DataFrame | None = None


@dataclass(frozen=True)
class GateInput:
    """What uxcli.gates.evaluate checks: per-group rows with their group columns, and study-wide figures."""

    groups: pd.DataFrame | None = None
    by: list[str] | None = None
    study: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Questionnaire:
    """What an instrument's module exposes as ``QUESTIONNAIRE``; uxcli.questionnaires.analysis drives it."""

    answers: AnswerFormat  # the items, scale and labels it reads (uxcli.questionnaires.exports)
    # parsed answers, confidence (and the instrument's choices as keywords, e.g. sus_estimate=...) -> results
    score: Callable[..., Scores]
    table: Callable[[Scores, float], Any]  # results, confidence -> a Rich view (imports Rich only when called)
    gate: Callable[[Scores, GateMetric], GateInput] | None = None  # results -> the figures --fail-under checks
    json_keys: tuple[str, ...] = ()  # respondent fields of JSON output (instruments with respondents)


# --- the library call -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireOptions:
    paths: tuple[str, ...]  # CSV exports, YAML sessions, directories of them, "-" for stdin
    encoding: str | None = None  # of CSV input (default: detected)
    confidence: float = 0.95  # of every interval; verdicts against averages are read off these intervals
    impute_neutral: bool = False  # score a missing item as the scale's neutral point (multi-item instruments)
    column: str | None = None  # the answer column of a one-item instrument (default: found from the header)
    fail_under: tuple[str, ...] = ()  # gate rules: "sus=68", "seq=checkout:5.5"
    gate_on: str = "point"  # what the rules compare: "point" estimate or pessimistic "bound"
    # the instrument's own choices (registry Instrument.choices) as (name, value): (("sus_estimate", "regression-2013"),)
    settings: tuple[tuple[str, str], ...] = ()
    # the study design (uxcli.questionnaires.grouping): group by these columns ("Design", "file"), one row each
    by: tuple[str, ...] = ()
    column_map: tuple[tuple[str, str], ...] = ()  # --map: (COLUMN, name); a field name reads it as that field
    a: str | None = None  # the two groups compared (default: the only two groups of a single --by column)
    b: str | None = None
    pairing: str = "auto"  # auto | paired | independent (uxcli.design.decide_pairing)
    items: str | None = None  # --items: only the item columns whose header starts with this (two SUS blocks)
    sheet: str | None = None  # --sheet: the sheet of a spreadsheet input (name or 1-based position)

    def __post_init__(self) -> None:
        from uxcli.design import PAIRINGS

        if self.pairing not in PAIRINGS:
            raise OptionError(f"--pairing must be one of {', '.join(PAIRINGS)}, not {self.pairing!r}")
        if (self.a is not None or self.b is not None) and len(self.by) != 1:
            raise OptionError("--a/--b name two groups of one --by column; give --by COLUMN")
        if self.a is not None and self.a == self.b:
            raise OptionError(f"--a and --b name the same group {self.a!r}")


@dataclass(frozen=True)
class QuestionnaireResult:
    instrument: str  # registry key: "sus"
    options: QuestionnaireOptions
    responses: Responses  # the parsed answers, with the reading's warnings and notes
    scores: Scores  # of every respondent (one overall result, also with --by)
    verdict: GateVerdict  # of options.fail_under (empty without rules; per group with --by)
    groups: pd.DataFrame | None = None  # with --by: one row per group (per group and task), then the overall
    comparison: QuestionnaireComparison | None = None  # with two groups (or --a/--b)
    notes: tuple[str, ...] = ()  # what was assumed after reading (the pairing); the CLI prints them

    @property
    def respondents(self) -> pd.DataFrame | None:
        """One row per respondent (SUS, UMUX-Lite, NPS); None for per-task instruments."""
        return self.scores.respondents

    @property
    def summary(self) -> dict[str, Any]:
        """Study-wide statistics (SUS, UMUX-Lite, NPS); empty for per-task instruments."""
        return self.scores.summary

    @property
    def tasks(self) -> pd.DataFrame | None:
        """One row per task (SEQ, CSAT); None for the others."""
        return self.scores.tasks

    def messages(self, verbose: bool = False) -> list[str]:
        return messages(self.responses, verbose) + [f"note: {note}" for note in self.notes]

    def text(self, fmt: str, compare: bool = False) -> str:
        """The result as "csv", "json" or "markdown", exactly as the CLI writes it (``compare``: the
        comparison table instead of the groups, for csv and markdown)."""
        return to_text(self, fmt, compare)

    def table(self) -> Any:
        """The terminal view (a Rich renderable; imports Rich)."""
        if self.groups is not None:
            return _groups_view(self)
        return load(self.instrument).table(self.scores, self.options.confidence)


def score(
    instrument: str, options: QuestionnaireOptions, on_read: Callable[[Responses], None] | None = None
) -> QuestionnaireResult:
    """Read the answers, score them, summarise, and check the gate rules.

    ``on_read`` is called with the parsed answers before scoring: the CLI prints their warnings there,
    so they come before any error from the gates (a rule naming a task the data do not have).

    With ``options.by`` (the study design: a condition column, ``file`` for rounds kept as files) the
    result also has ``groups`` (one row per group with the instrument's summary columns, per task for SEQ
    and CSAT, and an overall row labelled "(all)"), gates checked per group, and with two groups (or
    ``a``/``b``) a ``comparison`` (uxcli.questionnaires.compare). Per-condition SUS for a report::

        result = score("sus", QuestionnaireOptions(("sus.csv",), by=("variant",)))
        result.groups  # variant, n, mean, sd, ..., ci_low, ci_high, grade, ...
        result.comparison.frame if result.comparison else None  # Welch or paired t, B − A

    A respondent with several rows in one group is averaged into one response with a warning
    (uxcli.questionnaires.grouping.collapse); ``n`` counts respondents.
    """
    rules = parse_rules(list(options.fail_under))  # a typo in a rule is reported before any reading
    settings = _settings(instrument, options.settings)  # ... and so is a setting the instrument does not have
    questionnaire = load(instrument)
    answers = questionnaire.answers
    if options.column is not None and answers.items > 1:
        raise OptionError(f"{answers.name} has {answers.items} items; a column can only be named for one answer")
    pairs = grouping.parse_map(options.column_map)
    wanted = grouping.wanted_columns(options.by, pairs)
    design: dict[str, Any] = {}
    if pairs:
        design["column_map"] = grouping.reader_map(pairs)
    if wanted:
        design["keep"] = wanted
    responses = read_responses(
        list(options.paths),
        answers,
        encoding=options.encoding,
        sheet=options.sheet,
        impute_neutral=options.impute_neutral,
        column=options.column,
        items=options.items,
        **design,
    )
    responses.raise_errors()
    labels = list(options.by)
    groups = [f"_g{i}" for i in range(len(labels))]
    frame = responses.frame
    if labels:
        frame = grouping.group_columns(frame, labels, wanted, options.paths)
    frame, repeated = grouping.collapse(frame, answers.item_columns, groups, labels, options.pairing == "paired")
    if repeated:
        responses.problems.warning(repeated)
    responses = dataclasses.replace(responses, frame=frame)
    if on_read is not None:
        on_read(responses)
    token = scoring.AVERAGED.set(repeated is not None)  # averaged answers (3.5) are on the scale
    try:
        return _scored(instrument, options, questionnaire, responses, settings, rules, labels, groups)
    finally:
        scoring.AVERAGED.reset(token)


def _scored(
    instrument: str,
    options: QuestionnaireOptions,
    questionnaire: Questionnaire,
    responses: Responses,
    settings: dict[str, str],
    rules: list,
    labels: list[str],
    groups: list[str],
) -> QuestionnaireResult:
    """Score every respondent and each group, check the gates, compare two groups."""
    frame = responses.frame
    scores = questionnaire.score(responses, options.confidence, **settings)
    metric = INSTRUMENTS[instrument].gate
    if not labels:
        gate = questionnaire.gate(scores, metric) if rules and metric and questionnaire.gate else GateInput()
        verdict = evaluate(rules, gate.groups, gate.by, gate.study, mode=options.gate_on, confidence=options.confidence)
        return QuestionnaireResult(instrument, options, responses, scores, verdict)
    per_group = []
    for key in grouping.group_keys(frame, groups):
        mask = np.logical_and.reduce([frame[g].to_numpy() == v for g, v in zip(groups, key, strict=True)])
        part = dataclasses.replace(responses, frame=frame[mask].reset_index(drop=True))
        per_group.append((key, questionnaire.score(part, options.confidence, **settings)))
    table = _groups_frame(labels, per_group, scores)
    verdict = _group_verdict(rules, per_group, labels, questionnaire, metric, options)
    comparison, notes = _compare(instrument, frame, labels, [key for key, _ in per_group], options)
    return QuestionnaireResult(instrument, options, responses, scores, verdict, table, comparison, notes)


def respondent_values(instrument: str, frame: pd.DataFrame) -> np.ndarray:
    """Each response's value as compared: the SUS score, the UMUX-Lite score (0-100), else the rating
    (SEQ, NPS, CSAT). ``frame`` is a Responses frame (item1…itemK)."""
    items = frame[load(instrument).answers.item_columns].to_numpy(dtype=np.float64)
    if len(items) == 0:
        return np.zeros(0)
    if instrument == "sus":
        return scoring.sus_scores(items)
    if instrument == "umux-lite":
        return np.atleast_1d(scoring.umux_lite(items[:, 0], items[:, 1]))
    return items[:, 0]


def _groups_frame(labels: list[str], per_group: list, overall: Scores) -> pd.DataFrame:
    """One row per group (per group and task) with the group columns first, then the overall row(s)."""
    parts = []
    for key, scores in [*per_group, (tuple(grouping.ALL for _ in labels), overall)]:
        if scores.tasks is not None:
            part = scores.tasks.copy()
        else:
            part = pd.DataFrame([scores.summary])
        for label, value in reversed(list(zip(labels, key, strict=True))):
            if label in part.columns:
                part = part.drop(columns=label)
            part.insert(0, label, value)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _group_verdict(
    rules: list, per_group: list, labels: list[str], questionnaire: Questionnaire, metric, options
) -> GateVerdict:
    """The gate rules checked in every group; a failure names its group (Design "A")."""
    if not rules:
        return GateVerdict(mode=options.gate_on)
    failures: list = []
    checks = 0
    for key, scores in per_group:
        gate = questionnaire.gate(scores, metric) if metric and questionnaire.gate else GateInput()
        where = ", ".join(f'{label} "{value}"' for label, value in zip(labels, key, strict=True))
        rows, by = gate.groups, gate.by
        if rows is not None:
            rows = rows.copy()
            for label, value in reversed(list(zip(labels, key, strict=True))):
                if label not in rows.columns:
                    rows.insert(0, label, value)
            by = [*[label for label in labels if label not in (gate.by or [])], *(gate.by or [])]
        verdict = evaluate(
            rules, rows, by, gate.study, mode=options.gate_on, confidence=options.confidence, scope=where
        )
        failures += verdict.failures
        checks += verdict.checks
    return GateVerdict(tuple(rules), tuple(failures), checks, options.gate_on)


def _compare(
    instrument: str, frame: pd.DataFrame, labels: list[str], keys: list, options: QuestionnaireOptions
) -> tuple[QuestionnaireComparison | None, tuple[str, ...]]:
    """The comparison of two groups of the one --by column, when there are two (or --a/--b name them)."""
    from uxcli.design import FILE_GROUP
    from uxcli.questionnaires.compare import compare_scores

    if len(labels) != 1:
        return None, ()
    known = [key[0] for key in keys]
    by = labels[0]
    if options.a is None and options.b is None:
        if len(known) > 2:
            return None, (f"{len(known)} groups of {by}: name two with --a and --b to compare them",)
        if len(known) < 2:
            return None, ()
        a, b = known
    else:
        a = grouping.match_group(options.a, known, "--a") if options.a is not None else None
        b = grouping.match_group(options.b, known, "--b") if options.b is not None else None
        a = a if a is not None else next(k for k in known if k != b)
        b = b if b is not None else next((k for k in known if k != a), None)
        if b is None or a == b:
            raise OptionError(f"--a and --b must name two different groups of {by}; groups: {', '.join(known)}")
    values = pd.DataFrame(
        {
            "participant": frame["participant"].astype(str).to_numpy(),
            by: frame["_g0"].to_numpy(),
            "value": respondent_values(instrument, frame),
            "task": frame["task"].to_numpy(),
        }
    )
    if by != FILE_GROUP:
        values["file"] = frame["_file"].to_numpy()
    comparison = compare_scores(instrument, values, by, a, b, options.pairing, options.confidence)
    return comparison, (f"{by} {a} vs {b}: {comparison.decision.reason}", *comparison.notes)


def _settings(instrument: str, given: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Every choice the instrument declares, at its default unless given; an unknown name or value is an error."""
    choices = {choice.name: choice for choice in INSTRUMENTS[instrument].choices}
    settings = {name: choice.default for name, choice in choices.items()}
    for name, value in given:
        if name not in choices:
            known = ", ".join(choices) or "none"
            raise OptionError(f"{instrument} has no setting {name!r}; known: {known}")
        if value not in choices[name].values:
            raise OptionError(f"{choices[name].flag} must be one of {', '.join(choices[name].values)}, got {value!r}")
        settings[name] = value
    return settings


def messages(responses: Responses, verbose: bool = False) -> list[str]:
    """What reading has to tell, as lines: warnings (the first ten unless verbose), notes, imputed answers,
    and with verbose how many respondents were read."""
    lines: list[str] = []
    warnings = responses.problems.warnings
    lines += [f"warning: {problem}" for problem in (warnings if verbose else warnings[:MAX_WARNINGS])]
    if len(warnings) > MAX_WARNINGS and not verbose:
        lines.append(f"warning: … and {len(warnings) - MAX_WARNINGS} more warnings (--verbose lists them all)")
    lines += [f"note: {note}" for note in responses.notes]
    imputed = int(responses.frame["imputed"].sum())
    if imputed:
        people = int((responses.frame["imputed"] > 0).sum())
        lines.append(
            f"note: {imputed} missing answer{'s' if imputed != 1 else ''} of {people} respondent"
            f"{'s' if people != 1 else ''} scored as {responses.answer_format.neutral} (--impute-neutral)"
        )
    if verbose:
        files = len(responses.files)
        lines.append(
            f"{len(responses.frame)} {responses.answer_format.name} respondents read from {files} "
            f"file{'s' if files != 1 else ''}"
        )
    return lines


def to_text(result: QuestionnaireResult, fmt: str, compare: bool = False) -> str:
    """Per-task results: the task table. Respondents and summary: JSON {"respondents": [...],
    "summary": {...}} (the instrument's respondent keys only), CSV the respondents, Markdown both.

    With --by: JSON {"by": [...], "groups": [...], "comparison": [...], "pairing": "..."} (comparison
    empty and pairing null without two groups), CSV the groups (``compare``: the comparison instead),
    Markdown the groups then the comparison (``compare``: the comparison only)."""
    from uxcli.render.text import RENDERERS, records, to_markdown

    if result.groups is not None:
        comparison = result.comparison.frame if result.comparison is not None else None
        if fmt == "json":
            document = {
                "by": list(result.options.by),
                "groups": records(result.groups),
                "comparison": records(comparison) if comparison is not None else [],
                "pairing": result.comparison.decision.reason if result.comparison is not None else None,
            }
            return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        if compare:
            if comparison is None:
                raise OptionError("--compare needs two groups: --by COLUMN with two values, or --a and --b")
            return RENDERERS[fmt](comparison)
        if fmt == "markdown" and comparison is not None:
            return to_markdown(result.groups) + "\n**Comparison**\n\n" + to_markdown(comparison)
        return RENDERERS[fmt](result.groups)
    if compare:
        raise OptionError("--compare needs --by (the column whose two groups are compared)")
    if result.tasks is not None:
        return RENDERERS[fmt](result.tasks)
    respondents = result.respondents
    if respondents is None:
        raise ValueError(f"{result.instrument} results have neither tasks nor respondents")
    summary = records(pd.DataFrame([result.summary]))[0]  # plain values: None for missing, floats rounded
    if fmt == "json":
        keys = load(result.instrument).json_keys
        people = [{k: row[k] for k in keys} for row in records(respondents)]
        document = {"respondents": people, "summary": summary}
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt in ("csv", "csv-eu", "xlsx"):  # the respondents table (the summary is in json and markdown)
        return RENDERERS[fmt](respondents)
    title = f"{load(result.instrument).answers.name} summary"
    table = pd.DataFrame([{"statistic": k, "value": v} for k, v in summary.items()])
    return to_markdown(respondents) + f"\n**{title}**\n\n" + to_markdown(table)


# columns the terminal view leaves to csv/json (the table must fit a terminal)
_VIEW_HIDDEN = ("sd", "median", "min", "max", "percentile", "benchmark", "p_above", "sus_method", "passives")


def _groups_view(result: QuestionnaireResult) -> Any:
    """The terminal view with --by: the groups table (the estimate with its interval), then the comparison
    (imports Rich)."""
    from rich.console import Group

    from uxcli.render.table import frame_table

    assert result.groups is not None
    name = load(result.instrument).answers.name
    level = f"{result.options.confidence:.0%}"
    caption = f"{name} by {', '.join(result.options.by)}, {level} intervals; {grouping.ALL}: every respondent"
    parts = [frame_table(_view_frame(result.groups, result.instrument), caption=caption)]
    if result.comparison is not None:
        comparison = result.comparison
        words = f"difference = {comparison.group_b} − {comparison.group_a}; {comparison.decision.reason}"
        parts.append(frame_table(_view_comparison(comparison.frame), caption="; ".join([words, *comparison.notes])))
    return Group(*parts)


def _number(value: Any, digits: int) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.{digits}f}"


def _view_frame(frame: pd.DataFrame, instrument: str) -> pd.DataFrame:
    digits = 2 if instrument == "csat" else 1
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column in _VIEW_HIDDEN or column.startswith("_") or column in ("ci_high", "mean_ci_high"):
            continue
        if column == "ci_low":
            out["CI"] = [
                "" if pd.isna(lo) else f"{_number(lo, digits)} – {_number(hi, digits)}"
                for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ]
        elif column in ("mean_ci_low",):
            continue
        elif pd.api.types.is_float_dtype(frame[column]):
            out[column] = [_number(v, digits) for v in frame[column]]
        else:
            out[column] = frame[column].astype(object).where(frame[column].notna(), "")
    return out


def _view_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """task (per-task instruments), the two groups' values under their names, B − A with its interval, p, test, n."""
    digits = 2 if (frame["metric"] == "csat").any() else 1
    a, b = str(frame["group_a"].iloc[0]), str(frame["group_b"].iloc[0])
    out = pd.DataFrame(index=frame.index)
    if "task" in frame.columns:
        out["task"] = frame["task"].astype(object).where(frame["task"].notna(), "")
    out[a] = [_number(v, digits) for v in frame["value_a"]]
    out[b if b != a else f"{b} (B)"] = [_number(v, digits) for v in frame["value_b"]]
    out[f"{b} − {a}"] = [_number(v, digits) for v in frame["difference"]]
    out["CI"] = [
        f"{_number(lo, digits)} to {_number(hi, digits)}" if not pd.isna(lo) else ""
        for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
    ]
    out["p"] = [scoring.p_text(p) for p in frame["p_value"]]
    out["test"] = frame["test"]
    out["n"] = [f"{x} / {y}" for x, y in zip(frame["n_a"], frame["n_b"], strict=True)]
    return out
