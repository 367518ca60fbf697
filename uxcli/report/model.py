"""Everything the HTML and Markdown reports show, gathered in one value.

`uxcli.report.build.build_report` builds a ReportData from the attempts frame, the summary frame and the
optional questionnaire / comparison results (see docs/ARCHITECTURE.md); the CLI hands it to
`uxcli.report.html.render_html`, `uxcli.report.markdown.render_markdown_report` or `uxcli.report.charts.draw`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uxcli.values import is_missing

if TYPE_CHECKING:  # pandas is only needed by the caller that builds the frames
    import pandas as pd


@dataclass(frozen=True)
class ReportData:
    """Inputs of one report: a stage value, built once (uxcli.report.build) and only read after that.

    title: the report heading.
    generated: timestamp text shown in the header (injected so golden tests are stable).
    overview: label -> value, e.g. {"Participants": "8", "Tasks": "5", "Dates": "…"}.
    notes: data-quality notes (exclusions, warnings, rows set aside), one sentence each.
    summary: the summary frame (group columns, then the metric columns).
    group_columns: the summary's group column(s), e.g. ["task"] or ["task", "variant"].
    attempts: the attempts frame.
    sus_scores: columns participant, score (0–100), or None without questionnaire data.
    sus_summary: uxcli.questionnaires.sus_summary() result (n, mean, sd, ci_low, ci_high,
        median, min, max, grade, percentile, adjective), or None.
    comparison: the comparison frame of `uxcli compare`, or None without variants.
    confidence: confidence level of the intervals, e.g. 0.95.
    time_n: optional, per summary row, how many times the time metrics rest on
        (uxcli.tasks.metrics.time_counts); it picks the time headline (geometric mean below 25,
        median from 25). When None, successful attempts with a time are counted.
    design: conditions, rounds and subjects as detected or set in the study file, one line.
    readout: with two conditions or rounds compared, the verdicts in words (uxcli.report.build.readout),
        first in the report; empty otherwise.
    by_condition: the summary per task and condition (columns task, the condition, metrics), or None.
    compared: the compared column (e.g. "variant", "Round", "file") and its two groups, or None.
    questionnaires: per questionnaire instrument, its per-condition results and comparison.
    navigation: the navigation metrics (uxcli.navigation.metrics) when the event log has targets, or None.
    discovery: the problem-discovery result (uxcli.planning.DiscoveryResult) of ``report --problems FILE``,
        or None.
    discovery_source: the problem file's name, for the section's source line.
    """

    title: str
    generated: str
    overview: Mapping[str, str]
    notes: Sequence[str]
    summary: pd.DataFrame
    group_columns: Sequence[str]
    attempts: pd.DataFrame
    sus_scores: pd.DataFrame | None = None
    sus_summary: Mapping[str, Any] | None = None
    comparison: pd.DataFrame | None = None
    confidence: float = 0.95
    time_n: Sequence[int] | None = None
    design: str = ""  # the study design in words (uxcli.design.StudyDesign.describe), "" when unknown
    readout: Sequence[Verdict] = ()
    by_condition: pd.DataFrame | None = None
    compared: Compared | None = None
    questionnaires: Sequence[QuestionnaireSection] = ()
    navigation: NavigationSection | None = None
    discovery: Any = None  # uxcli.planning.DiscoveryResult (typed Any: the model imports no analysis)
    discovery_source: str = ""


@dataclass(frozen=True)
class NavigationSection:
    """The navigation metrics of the report's attempts (uxcli.navigation.metrics.navigation_table): one row
    per task, or per task and condition when the report compares conditions; with its notes."""

    frame: pd.DataFrame
    by: tuple[str, ...]
    notes: Sequence[str] = ()
    study_file: str = ""  # the study file the expected paths, first targets and declared targets came from


@dataclass(frozen=True)
class Compared:
    """The compared grouping: its column, the two groups (B − A) and how they were tested."""

    column: str  # as in the attempts frame: "variant", "Round", "file"
    group_a: str
    group_b: str
    subjects: str  # "between subjects", "within subjects" or "mixed"


@dataclass(frozen=True)
class Verdict:
    """One line of the A/B readout: a metric of a task (or all tasks) compared in words."""

    task: str
    metric: str  # success_rate, time, errors_per_attempt, or a questionnaire ("sus", "seq", ...)
    text: str  # "B: task success 83% vs 50%, +33 points (95% CI +2 to +64), p = 0.032, N−1 two-proportion test"
    significant: bool


@dataclass(frozen=True)
class QuestionnaireSection:
    """A questionnaire in the report: per condition (uxcli.questionnaires.analysis.score with by) and
    the comparison of the two conditions (uxcli.questionnaires.compare), or pooled without conditions."""

    instrument: str  # registry key: sus, seq, umux-lite, nps, csat
    groups: pd.DataFrame  # one row per group (per group and task), then "(all)"; by column first
    by: str | None = None
    comparison: pd.DataFrame | None = None  # uxcli.questionnaires.compare.COLUMNS
    notes: Sequence[str] = ()
    respondents: pd.DataFrame | None = None  # per respondent: the by column and the score (SUS chart per condition)


def sus_values(report: ReportData) -> list[float]:
    """The report's SUS scores that are present (the `score` column, else the last one), in order."""
    if report.sus_scores is None or len(report.sus_scores) == 0:
        return []
    scores = report.sus_scores["score"] if "score" in report.sus_scores else report.sus_scores.iloc[:, -1]
    return [float(v) for v in scores if not is_missing(v)]


def overview_from_attempts(attempts: pd.DataFrame) -> dict[str, str]:
    """A default overview (participants, tasks, sessions, variants, attempts) of an attempts frame.

    Dates are not in the attempts frame; callers that know them add a "Dates" entry.
    """
    overview: dict[str, str] = {
        "Participants": str(attempts["participant"].nunique()),
        "Tasks": str(attempts["task"].nunique()),
    }
    if "session" in attempts and attempts["session"].notna().any():
        overview["Sessions"] = str(attempts["session"].dropna().nunique())
    if "variant" in attempts and attempts["variant"].notna().any():
        variants = list(dict.fromkeys(str(v) for v in attempts["variant"].dropna()))
        overview["Variants"] = ", ".join(variants)
    overview["Attempts"] = str(len(attempts))
    return overview
