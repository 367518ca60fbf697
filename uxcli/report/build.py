"""Assemble a study report: task metrics, questionnaires and comparisons in one value.

This is library code (no Typer, no Rich): the `report` and `chart` commands call
:func:`build_report` and hand the result to a renderer (uxcli.report.html, uxcli.report.markdown) or to
uxcli.report.charts.draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from uxcli.errors import OptionError, UxcliError
from uxcli.readers.dataset import Dataset
from uxcli.report.model import ReportData, overview_from_attempts
from uxcli.tasks.metrics import summarize, time_counts

MAX_NOTES = 12


@dataclass(frozen=True)
class ReportOptions:
    title: str | None = None
    confidence: float = 0.95
    time_of: str = "success"
    compare_by: str = "variant"
    sus_paths: tuple[str, ...] = ()
    encoding: str | None = None
    generated: str | None = None  # fixed text for reproducible output (tests)


def build_report(dataset: Dataset, options: ReportOptions, notes: list[str] | None = None) -> ReportData:
    attempts = dataset.attempts
    summary = summarize(attempts, ["task"], options.confidence, options.time_of)
    notes = list(notes or [])
    sus_scores, sus_summary = _sus(dataset, options, notes)
    comparison = _comparison(attempts, options, notes)
    notes.extend(_data_quality_notes(dataset))
    title = options.title or str(dataset.study.get("name") or dataset.study.get("title") or "Usability study report")
    generated = options.generated or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    return ReportData(
        title=title,
        generated=generated,
        overview=_overview(attempts),
        notes=tuple(notes),
        summary=summary,
        group_columns=("task",),
        attempts=attempts,
        sus_scores=sus_scores,
        sus_summary=sus_summary,
        comparison=comparison,
        confidence=options.confidence,
        time_n=tuple(time_counts(attempts, ["task"], options.time_of)),
    )


def _overview(attempts: pd.DataFrame) -> dict[str, str]:
    overview = overview_from_attempts(attempts)
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


def _comparison(attempts: pd.DataFrame, options: ReportOptions, notes: list[str]) -> pd.DataFrame | None:
    by = options.compare_by
    if by not in attempts.columns or attempts[by].dropna().nunique() < 2:
        return None
    from uxcli.tasks.compare import compare

    try:
        result = compare(attempts, by, confidence=options.confidence)
    except (OptionError, UxcliError) as exc:
        notes.append(f"No comparison: {exc}")
        return None
    notes.extend(result.notes)
    return result.frame


def _data_quality_notes(dataset: Dataset) -> list[str]:
    notes = dataset.accounting().splitlines()
    warnings = dataset.problems.warnings
    notes.extend(str(p) for p in warnings[:MAX_NOTES])
    if len(warnings) > MAX_NOTES:
        notes.append(f"… and {len(warnings) - MAX_NOTES} more warnings (run `uxcli validate` to list them).")
    return notes
