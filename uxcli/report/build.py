"""Assemble a study report: task metrics, questionnaires and comparisons in one value.

This is library code (no Typer, no Rich): the `report` and `chart` commands call
:func:`build_report` and hand the result to a renderer (uxcli.report.html, uxcli.report.markdown) or to
uxcli.report.charts.draw.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from uxcli.errors import OptionError, UxcliError
from uxcli.readers.dataset import Dataset
from uxcli.report.model import (
    Compared,
    NavigationSection,
    QuestionnaireSection,
    ReportData,
    Verdict,
    overview_from_attempts,
)
from uxcli.tasks.metrics import summarize, time_counts
from uxcli.values import is_missing, is_missing_label

if TYPE_CHECKING:
    from uxcli.navigation.metrics import StudyPlan
    from uxcli.tasks.compare import Comparison

MAX_NOTES = 12


@dataclass(frozen=True)
class ReportOptions:
    title: str | None = None
    confidence: float = 0.95
    time_of: str = "success"
    compare_by: str = "variant"
    pairing: str = "auto"  # uxcli.design.PAIRINGS: the same rule and setting as `uxcli compare`
    assisted: str = "failure"  # an assisted completion in rates and times: failure or success (--assisted)
    sus_paths: tuple[str, ...] = ()
    encoding: str | None = None
    generated: str | None = None  # fixed text for reproducible output (tests)
    problems_path: str | None = None  # a problem matrix or long list (uxcli problems): the discovery section

    def __post_init__(self) -> None:
        from uxcli.design import PAIRINGS

        if self.pairing not in PAIRINGS:
            raise OptionError(f"--pairing must be one of {', '.join(PAIRINGS)}, not {self.pairing!r}")


def build_report(
    dataset: Dataset,
    options: ReportOptions,
    notes: list[str] | None = None,
    design: str = "",
    plan: StudyPlan | None = None,
) -> ReportData:
    """``design``: the study design in words (uxcli.design.StudyDesign.describe), for the overview.
    ``plan``: the study file's navigation settings (expected paths, first and declared targets), for the
    navigation section, which shows when the attempts carry targeted events (read inside
    uxcli.navigation.events.keeping_events); ``options.problems_path`` adds the problem-discovery section.

    With two or more groups in ``options.compare_by`` (conditions, or rounds with ``file``) the report is an
    A/B readout: the verdicts in words first (:func:`readout`), the task metrics per condition side by side,
    and every questionnaire per condition with its comparison (uxcli.questionnaires.analysis.score).
    """
    attempts = dataset.attempts
    summary = summarize(attempts, ["task"], options.confidence, options.time_of, assisted=options.assisted)
    notes = list(notes or [])
    sus_scores, sus_summary = _sus(dataset, options, notes)
    result = _comparison(attempts, options, notes)
    comparison = result.frame if result is not None else None
    compared = _compared(result) if result is not None else None
    by_condition, groups = None, ["task"]
    if compared is not None:  # the task table and charts per task and condition (both conditions shown)
        attempts = _distinct_people(attempts, compared)
        groups = ["task", compared.column]
        by_condition = _by_condition(attempts, compared, options)
        summary = by_condition
    questionnaires = _questionnaires(dataset, options, compared, notes)
    navigation = _navigation(attempts, plan, compared)
    discovery = _discovery(options)
    notes.extend(_data_quality_notes(dataset))
    title = options.title or str(dataset.study.get("name") or dataset.study.get("title") or "Usability study report")
    generated = options.generated or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    return ReportData(
        title=title,
        generated=generated,
        overview=_overview(attempts, compared, design),
        notes=tuple(notes),
        summary=summary,
        group_columns=tuple(groups),
        attempts=attempts,
        sus_scores=sus_scores,
        sus_summary=sus_summary,
        comparison=comparison,
        confidence=options.confidence,
        time_n=tuple(time_counts(attempts, groups, options.time_of, assisted=options.assisted))
        if compared is None
        else None,
        design=design,
        readout=tuple(readout(comparison, questionnaires, options.confidence)) if compared is not None else (),
        by_condition=by_condition,
        compared=compared,
        questionnaires=tuple(questionnaires),
        navigation=navigation,
        discovery=discovery,
        discovery_source=Path(options.problems_path).name if options.problems_path else "",
    )


def _navigation(attempts: pd.DataFrame, plan: StudyPlan | None, compared: Compared | None) -> NavigationSection | None:
    """Navigation per task (and condition) when some attempt has events with a target, else None."""
    from uxcli.navigation.events import EVENTS_COLUMN

    if EVENTS_COLUMN not in attempts.columns:
        return None
    targeted = attempts[EVENTS_COLUMN].map(lambda e: isinstance(e, tuple) and any(x[3] is not None for x in e))
    if not targeted.any():
        return None
    from uxcli.navigation.metrics import StudyPlan, navigation_table

    plan = plan or StudyPlan()
    by = ("task", compared.column) if compared is not None else ("task",)
    result = navigation_table(attempts, plan, by)
    frame = result.frame
    if compared is not None and len(frame):  # each task with its conditions together, A before B
        tasks = {t: i for i, t in enumerate(dict.fromkeys(attempts["task"].astype(str)))}
        order = {compared.group_a: 0, compared.group_b: 1}
        key = frame["task"].map(tasks).fillna(len(tasks)) * 10 + frame[compared.column].map(order).fillna(2)
        frame = frame.loc[key.sort_values(kind="stable").index].reset_index(drop=True)
    notes = list(result.notes)
    if not plan.tasks:
        notes.append(
            "no study file with tasks: the shortest successful path stands in for the expected one; first "
            "clicks and misclicks need the study file's path:, first: or targets:"
        )
    return NavigationSection(frame, by, tuple(notes), Path(plan.source).name if plan.source else "")


def _discovery(options: ReportOptions) -> Any:
    """The problem-discovery result of ``options.problems_path`` (uxcli.planning), or None."""
    if not options.problems_path:
        return None
    from uxcli.planning import discovery, read_problems

    return discovery(read_problems(options.problems_path))


def _by_condition(attempts: pd.DataFrame, compared: Compared, options: ReportOptions) -> pd.DataFrame:
    """The summary per task and condition, tasks in order and A before B within each task."""
    summary = summarize(
        attempts, ["task", compared.column], options.confidence, options.time_of, assisted=options.assisted
    )
    tasks = {t: i for i, t in enumerate(dict.fromkeys(attempts["task"].astype(str)))}
    order = {compared.group_a: 0, compared.group_b: 1}
    key = summary["task"].astype(str).map(tasks).fillna(len(tasks)) * 10 + summary[compared.column].astype(str).map(
        order
    ).fillna(2)
    return summary.loc[key.sort_values(kind="stable").index].reset_index(drop=True)


def _distinct_people(attempts: pd.DataFrame, compared: Compared) -> pd.DataFrame:
    """Between subjects, an id in both groups is two people (rounds restarting at P01): for the report's
    tables and charts such ids get their group appended ("P01 · round2"), so nothing pools them."""
    if compared.subjects != "between subjects":
        return attempts
    column = compared.column
    people = attempts[["participant", column]].dropna().astype(str).drop_duplicates()
    shared = set(people["participant"][people["participant"].duplicated()])
    if not shared:
        return attempts
    out = attempts.copy()
    ids, groups = out["participant"].astype(object), out[column].astype(object)
    renamed = [
        f"{p} · {g}" if str(p) in shared and not is_missing_label(g) else p for p, g in zip(ids, groups, strict=True)
    ]
    out["participant"] = pd.Series(renamed, index=out.index, dtype=object)
    return out


def _compared(result: Comparison) -> Compared:
    kinds = {d.paired for d in result.designs}
    subjects = "mixed" if len(kinds) > 1 else ("within subjects" if kinds == {True} else "between subjects")
    return Compared(result.by, result.group_a, result.group_b, subjects)


def _overview(attempts: pd.DataFrame, compared: Compared | None = None, design: str = "") -> dict[str, str]:
    """The overview. Compared between subjects (conditions, or rounds: different people, see
    uxcli.design.decide_pairing), a participant id in two groups counts once per group: two rounds of
    P01…P12 are 24 participants."""
    overview = overview_from_attempts(attempts)
    if compared is not None:
        column = compared.column
        people = attempts[["participant", column]].dropna().astype(str).drop_duplicates()
        if compared.subjects != "within subjects":
            overview["Participants"] = str(len(people))
        per_group = people.groupby(column, sort=False)["participant"].nunique()
        shown = {compared.group_a: 0, compared.group_b: 0, **{str(k): int(v) for k, v in per_group.items()}}
        for group in (compared.group_a, compared.group_b):
            shown[group] = int(per_group.get(group, 0))
        overview["Compared"] = f"{column}: {compared.group_b} vs {compared.group_a}"
        overview["Subjects"] = compared.subjects
        overview["Participants per group"] = ", ".join(f"{k}: {v}" for k, v in shown.items())
    if design:
        overview["Design"] = design
    dates = _date_range(attempts)
    if dates:
        overview["Dates"] = dates
    return overview


def _date_range(attempts: pd.DataFrame) -> str | None:
    """First and last session day, when the log had date-times (not seconds from a session start)."""
    if "_start" not in attempts.columns:
        return None
    starts = pd.to_numeric(attempts["_start"], errors="coerce").dropna()
    # Plain seconds count from each session's start; epoch seconds of real date-times are huge.
    starts = starts[starts > 1e9]
    if starts.empty:
        return None
    first, last = (dt.datetime.fromtimestamp(x, dt.timezone.utc).date() for x in (starts.min(), starts.max()))
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def _sus(dataset: Dataset, options: ReportOptions, notes: list[str]) -> tuple[pd.DataFrame | None, dict | None]:
    """SUS from --sus files, else from YAML sessions' questionnaires; none is fine."""
    from uxcli.questionnaires import scoring as questionnaires
    from uxcli.questionnaires import sus

    if options.sus_paths:
        from uxcli.questionnaires.exports import read_responses

        responses = read_responses(list(options.sus_paths), "sus", encoding=options.encoding)
        responses.raise_errors()
        respondents, summary = sus.results(responses, options.confidence)
        return respondents[["participant", "score"]], summary
    if not any(str(r.get("instrument", "")).lower() == "sus" for r in dataset.responses):
        return None, None
    scores = sus.scores_from_sessions(dataset.responses)
    participants = [r["participant"] for r in dataset.responses if str(r.get("instrument", "")).lower() == "sus"]
    frame = pd.DataFrame({"participant": participants[: len(scores)], "score": scores})
    return frame, questionnaires.sus_summary(scores, options.confidence)


def _comparison(attempts: pd.DataFrame, options: ReportOptions, notes: list[str]) -> Comparison | None:
    by = options.compare_by
    from uxcli.tasks.metrics import resolve_by

    if not by:
        return None
    try:
        by = resolve_by(attempts, [by])[0]  # "round" → "Round"; "file": added by pipeline.report_data
    except OptionError:
        return None
    if attempts[by].dropna().nunique() < 2:
        return None
    from uxcli.tasks.compare import compare

    try:
        result = compare(
            attempts, by, confidence=options.confidence, pairing=options.pairing, assisted=options.assisted
        )
    except (OptionError, UxcliError) as exc:
        notes.append(f"No comparison: {exc}")
        return None
    notes.extend(result.notes)
    return result


# --------------------------------------------------------------------------- questionnaires

QUESTIONNAIRE_ORDER = ("sus", "seq", "umux-lite", "nps", "csat")
QUESTIONNAIRE_TITLES = {"sus": "SUS", "seq": "SEQ", "umux-lite": "UMUX-Lite", "nps": "NPS", "csat": "CSAT"}


def _questionnaires(
    dataset: Dataset, options: ReportOptions, compared: Compared | None, notes: list[str]
) -> list[QuestionnaireSection]:
    """Every questionnaire the data have (YAML sessions' answers, --sus files), per condition when the
    report compares conditions (uxcli.questionnaires.analysis.score with ``by``), else pooled."""
    sources: dict[str, list[str]] = {}
    for response in dataset.responses:
        instrument = str(response.get("instrument", "")).lower().replace("_", "-")
        file = response.get("file")
        if not instrument or not file:
            continue
        files = sources.setdefault(instrument, [])
        # answers read from stdin cannot be read again: the pooled SUS of the sessions still shows
        if Path(str(file)).is_file() and str(file) not in files:
            files.append(str(file))
    if options.sus_paths:
        sources["sus"] = list(options.sus_paths)
    unread = sorted({k for k, files in sources.items() if not files} - ({"sus"} if options.sus_paths else set()))
    if unread and compared is not None:
        titles = ", ".join(QUESTIONNAIRE_TITLES.get(k, k.upper()) for k in unread)
        notes.append(
            f"{titles}: answers read from standard input are not split by {compared.column} (give the file "
            "instead; SUS is shown pooled)"
        )
    ordered = [k for k in QUESTIONNAIRE_ORDER if k in sources] + [k for k in sources if k not in QUESTIONNAIRE_ORDER]
    sections = (_questionnaire(k, sources[k], options, compared, notes) for k in ordered if sources[k])
    return [section for section in sections if section is not None]


def _questionnaire(
    instrument: str, paths: list[str], options: ReportOptions, compared: Compared | None, notes: list[str]
) -> QuestionnaireSection | None:
    from uxcli.questionnaires.analysis import QuestionnaireOptions, score
    from uxcli.questionnaires.instruments import INSTRUMENTS

    if instrument not in INSTRUMENTS:
        return None
    base = QuestionnaireOptions(tuple(paths), encoding=options.encoding, confidence=options.confidence)
    name = QUESTIONNAIRE_TITLES.get(instrument, instrument.upper())
    if compared is not None:
        by = compared.column
        grouped = replace(base, by=(by,), a=compared.group_a, b=compared.group_b, pairing=options.pairing)
        try:
            result = score(instrument, grouped)
        except UxcliError as exc:  # no such column, or not both groups: pooled, said so (bad answers raise below)
            notes.append(f"{name} is pooled over {by}: {exc.problem.message}")
        else:
            frame = result.comparison.frame if result.comparison is not None else None
            section_notes = (*result.notes, *(result.comparison.notes if result.comparison else ()))
            notes.extend(f"{name}: {n}" for n in result.responses.notes)
            respondents = result.respondents
            keep = respondents is not None and {by, "score"} <= set(respondents.columns)
            return QuestionnaireSection(
                instrument,
                result.groups,
                by,
                frame,
                tuple(dict.fromkeys(section_notes)),
                respondents[[by, "score"]] if keep and respondents is not None else None,
            )
    result = score(instrument, base)
    notes.extend(f"{name}: {n}" for n in result.responses.notes)
    scores = result.scores
    groups = scores.tasks.copy() if scores.tasks is not None else pd.DataFrame([scores.summary])
    return QuestionnaireSection(instrument, groups, None, None, tuple(result.notes))


# --------------------------------------------------------------------------- the readout

METRIC_WORDS = {"success_rate": "task success", "time": "task time", "errors_per_attempt": "errors per attempt"}
QUESTIONNAIRE_WORDS = {"sus": "SUS", "seq": "SEQ", "umux_lite": "UMUX-Lite", "nps": "NPS", "csat": "CSAT top-2-box"}


def _signed(value: float, digits: int, unit: str = "") -> str:
    text = f"{abs(value):.{digits}f}{unit}"
    return text if round(value, digits) == 0 else ("+" if value > 0 else "−") + text


def _values(metric: str, a: float, b: float, diff: float, low: float, high: float) -> tuple[str, str, str, str]:
    """(value B, value A, difference, interval) as worded in the readout."""
    from uxcli.render.formatting import format_duration

    if metric in ("success_rate", "csat"):
        return (
            f"{b:.0%}",
            f"{a:.0%}",
            _signed(diff * 100, 0, " points"),
            f"{_signed(low * 100, 0)} to {_signed(high * 100, 0)}",
        )
    if metric == "time":
        return format_duration(b), format_duration(a), f"{diff:.2f}× the time", f"{low:.2f}× to {high:.2f}×"
    digits = 2 if metric in ("errors_per_attempt", "seq") else 1
    return (
        f"{b:.{digits}f}",
        f"{a:.{digits}f}",
        _signed(diff, digits, " points" if metric == "nps" else ""),
        f"{_signed(low, digits)} to {_signed(high, digits)}",
    )


def verdict_text(row: Any, label: str, confidence: float, alpha: float = 0.05) -> tuple[str, bool]:
    """One comparison row (task or questionnaire frame) in words, and whether it is significant:
    "B: task success 83% vs 50% (A), +33 points (95% CI +2 to +64), p = 0.032, N−1 two-proportion test"."""
    from uxcli.questionnaires.scoring import p_text
    from uxcli.render.formatting import format_confidence

    metric = str(row["metric"])
    a, b = str(row["group_a"]), str(row["group_b"])
    value_a, value_b, diff, low, high, p = (
        _float(row[c]) for c in ("value_a", "value_b", "difference", "ci_low", "ci_high", "p_value")
    )
    shown_b, shown_a, shown_diff, interval = _values(metric, value_a, value_b, diff, low, high)
    text = f"{b}: {label} {shown_b} vs {shown_a} ({a})"
    if not math.isnan(diff):
        text += f", {shown_diff}"
        if not (math.isnan(low) or math.isnan(high)):
            text += f" ({format_confidence(confidence)} CI {interval})"
    test = str(row.get("test", "") or "").replace("N-1", "N−1")
    if math.isnan(p):
        return f"{text}; not testable ({test or 'too few answers'})", False
    return f"{text}, {p_text(p)}, {test}", p < alpha


def _float(value: Any) -> float:
    return math.nan if is_missing(value) else float(value)


def readout(
    comparison: pd.DataFrame | None, questionnaires: list[QuestionnaireSection], confidence: float
) -> list[Verdict]:
    """The verdicts in words, one per compared metric, the significant ones first; within each kind all
    tasks first, then each task, then each questionnaire (per task for SEQ). A significant difference says
    so; the others say "no detectable difference" (not "no difference": a test that finds nothing does not
    show the groups are equal)."""
    from uxcli.tasks.compare import ALL_TASKS

    verdicts: list[Verdict] = []
    if comparison is not None and len(comparison):
        tasks = list(dict.fromkeys(comparison["task"].astype(str)))
        ordered = [ALL_TASKS] * (ALL_TASKS in tasks) + [t for t in tasks if t != ALL_TASKS]
        for task in ordered:
            for _, row in comparison[comparison["task"].astype(str) == task].iterrows():
                metric = str(row["metric"])
                text, significant = verdict_text(row, METRIC_WORDS.get(metric, metric), confidence)
                verdicts.append(Verdict(task, metric, text, significant))
    for section in questionnaires:
        if section.comparison is None:
            continue
        for _, row in section.comparison.iterrows():
            metric = str(row["metric"])
            task = str(row["task"]) if "task" in row.index and not is_missing_label(row["task"]) else ""
            label = QUESTIONNAIRE_WORDS.get(metric, metric.upper())
            text, significant = verdict_text(row, label, confidence)
            verdicts.append(Verdict(task, metric, text, significant))
    return sorted(verdicts, key=lambda verdict: not verdict.significant)  # the differences found lead


def _data_quality_notes(dataset: Dataset) -> list[str]:
    notes = dataset.accounting().splitlines()
    warnings = dataset.problems.warnings
    notes.extend(str(p) for p in warnings[:MAX_NOTES])
    if len(warnings) > MAX_NOTES:
        notes.append(f"… and {len(warnings) - MAX_NOTES} more warnings (run `uxcli validate` to list them).")
    return notes
