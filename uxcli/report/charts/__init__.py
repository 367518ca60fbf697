"""Chart kinds: the one registry the report, ``uxcli chart`` and the tests share.

A kind is a name, a one-line description and the functions behind it, given as "module:function" so
listing the kinds (``uxcli chart --help``) imports no matplotlib or pandas:

- ``function`` draws the figure from a uxcli.report.model.ReportData (``draw``);
- ``report_text`` gives the report's caption and alt text for that data, or None when the data has nothing
  for the chart (``report_text``); a kind without one is left out of the report (slides only);
- ``section`` is the report section its figure goes in (one of SECTIONS), ``skipped_note`` what the report
  says when the data has nothing for it (None: say nothing);
- ``needs`` is what the report data must carry for the kind: "sus" (SUS scores), "comparison" (two groups) or
  "problems" (a problem matrix: ``uxcli chart discovery FILE`` reads FILE as one).

Each kind lives in its own module beside this one (success.py, time.py, ...), built on common.py.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from uxcli.reference import COMPLETION_AVERAGE, SUS_FAIL_GRADE, SUS_GRADES

# The report sections a chart can go in, in page order (figures are numbered in this order).
SECTIONS: tuple[str, ...] = ("charts", "sus", "comparison", "discovery")


@dataclass(frozen=True)
class ChartKind:
    name: str
    description: str
    function: str  # "module:function" (report data) -> Figure, imported only when the chart is drawn
    needs: str | None = None  # "sus", "comparison" or "problems": the data this chart cannot do without
    report_text: str | None = None  # "module:function" (report data) -> ChartText | None; None: not in the report
    section: str = "charts"  # where the report puts the figure, one of SECTIONS
    skipped_note: str | None = None  # the report's note when the data has nothing for this chart


@dataclass(frozen=True)
class ChartText:
    """What the report says about one figure: its caption and its alt text."""

    caption: str
    alt: str


def _kind(name: str, description: str, module: str, **options: Any) -> ChartKind:
    """A kind whose module (uxcli.report.charts.<module>) has draw() and report_text()."""
    path = f"uxcli.report.charts.{module}"
    return ChartKind(name, description, f"{path}:draw", report_text=f"{path}:report_text", **options)


CHART_KINDS: dict[str, ChartKind] = {
    kind.name: kind
    for kind in (
        _kind(
            "success",
            f"Success rate per task with adjusted-Wald intervals and the {COMPLETION_AVERAGE:.0%} benchmark line",
            "success",
        ),
        _kind(
            "time",
            "Time on task per task (log scale): every attempt and the geometric mean with its interval",
            "time",
            skipped_note="No time-on-task chart: the data has no task times.",
        ),
        _kind(
            "errors-clicks",
            "Errors and clicks per attempt, per task",
            "errors_clicks",
            skipped_note="No errors and clicks chart: the data has no error or click counts.",
        ),
        _kind(
            "outcome-grid",
            "Participant × task grid of outcomes: success, failure, abandon, not attempted",
            "outcome_grid",
        ),
        _kind(
            "survival",
            "Time to success per task (Kaplan–Meier): share still working, censored non-successes, log-log intervals",
            "survival",
            skipped_note="No time-to-success chart: the data has no task times.",
        ),
        _kind(
            "sus",
            f"SUS scores of the respondents against the curved grade bands ({SUS_GRADES[0][1]} … {SUS_FAIL_GRADE})",
            "sus",
            needs="sus",
            section="sus",
        ),
        _kind(
            "compare",
            "Variant comparison per task: both values and the difference (ratio for time) with its interval",
            "compare",
            needs="comparison",
            section="comparison",
        ),
        _kind(
            "discovery",
            "Problem discovery 1 − (1 − p)^n of a problem matrix, with the n for 80/85/90/95% (uxcli problems)",
            "discovery",
            needs="problems",
            section="discovery",
        ),
    )
}


def _function(spec: str) -> Any:
    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function)


def draw(kind: str, report: Any) -> Any:
    """The figure (matplotlib Figure) of one registered kind for a uxcli.report.model.ReportData."""
    return _function(CHART_KINDS[kind].function)(report)


def report_text(kind: str, report: Any) -> ChartText | None:
    """The report's caption and alt text of one kind, or None when the kind is not in this report."""
    spec = CHART_KINDS[kind].report_text
    return None if spec is None else _function(spec)(report)
