"""A questionnaire analysed in one library call: what `uxcli sus` (seq, umux-lite, nps, csat) does,
without Typer or Rich.

    from uxcli.questionnaires.analysis import QuestionnaireOptions, score

    result = score("sus", QuestionnaireOptions(("responses.csv",), fail_under=("sus=68",)))
    result.summary["mean"], result.respondents, result.verdict.failed

Reading problems: one bad answer raises InputError; several raise AnswerErrors (each one in
``.problems``). Warnings and notes come back as lines (``result.messages()``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from uxcli.errors import OptionError
from uxcli.gates import GateVerdict, evaluate, parse_rules
from uxcli.questionnaires.exports import AnswerFormat, Responses, read_responses
from uxcli.questionnaires.instruments import INSTRUMENTS, GateMetric, load

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


@dataclass(frozen=True)
class QuestionnaireResult:
    instrument: str  # registry key: "sus"
    options: QuestionnaireOptions
    responses: Responses  # the parsed answers, with the reading's warnings and notes
    scores: Scores
    verdict: GateVerdict  # of options.fail_under (empty without rules)

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
        return messages(self.responses, verbose)

    def text(self, fmt: str) -> str:
        """The result as "csv", "json" or "markdown", exactly as the CLI writes it."""
        return to_text(self, fmt)

    def table(self) -> Any:
        """The terminal view (a Rich renderable; imports Rich)."""
        return load(self.instrument).table(self.scores, self.options.confidence)


def score(
    instrument: str, options: QuestionnaireOptions, on_read: Callable[[Responses], None] | None = None
) -> QuestionnaireResult:
    """Read the answers, score them, summarise, and check the gate rules.

    ``on_read`` is called with the parsed answers before scoring: the CLI prints their warnings there,
    so they come before any error from the gates (a rule naming a task the data do not have).
    """
    rules = parse_rules(list(options.fail_under))  # a typo in a rule is reported before any reading
    settings = _settings(instrument, options.settings)  # ... and so is a setting the instrument does not have
    questionnaire = load(instrument)
    answers = questionnaire.answers
    if options.column is not None and answers.items > 1:
        raise OptionError(f"{answers.name} has {answers.items} items; a column can only be named for one answer")
    responses = read_responses(
        list(options.paths),
        answers,
        encoding=options.encoding,
        impute_neutral=options.impute_neutral,
        column=options.column,
    )
    responses.raise_errors()
    if on_read is not None:
        on_read(responses)
    scores = questionnaire.score(responses, options.confidence, **settings)
    metric = INSTRUMENTS[instrument].gate
    gate = questionnaire.gate(scores, metric) if rules and metric and questionnaire.gate else GateInput()
    verdict = evaluate(rules, gate.groups, gate.by, gate.study, mode=options.gate_on, confidence=options.confidence)
    return QuestionnaireResult(instrument, options, responses, scores, verdict)


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


def to_text(result: QuestionnaireResult, fmt: str) -> str:
    """Per-task results: the task table. Respondents and summary: JSON {"respondents": [...],
    "summary": {...}} (the instrument's respondent keys only), CSV the respondents, Markdown both."""
    from uxcli.render.text import RENDERERS, records, to_csv, to_markdown

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
    if fmt == "csv":
        return to_csv(respondents)
    title = f"{load(result.instrument).answers.name} summary"
    table = pd.DataFrame([{"statistic": k, "value": v} for k, v in summary.items()])
    return to_markdown(respondents) + f"\n**{title}**\n\n" + to_markdown(table)
