"""Chart kinds: the registry the report, ``uxcli chart`` and the tests share.

A kind is a name, a one-line description and a function ``(report data) -> matplotlib Figure``, given as
"module:function" so listing the kinds (``uxcli chart --help``) imports no matplotlib. ``needs`` says
what the report data must carry for the kind: "sus" (SUS scores) or "comparison" (two groups).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from uxcli.reference import COMPLETION_AVERAGE


@dataclass(frozen=True)
class ChartKind:
    name: str
    description: str
    function: str  # "module:function", imported only when the chart is drawn
    needs: str | None = None  # "sus" or "comparison": the report data this chart cannot do without


CHART_KINDS: dict[str, ChartKind] = {
    kind.name: kind
    for kind in (
        ChartKind(
            "success",
            f"Success rate per task with adjusted-Wald intervals and the {COMPLETION_AVERAGE:.0%} benchmark line",
            "uxcli.report.charts.figures:draw_success",
        ),
        ChartKind(
            "time",
            "Time on task per task (log scale): every attempt and the geometric mean with its interval",
            "uxcli.report.charts.figures:draw_time",
        ),
        ChartKind(
            "errors-clicks", "Errors and clicks per attempt, per task", "uxcli.report.charts.figures:draw_errors_clicks"
        ),
        ChartKind(
            "outcome-grid",
            "Participant × task grid of outcomes: success, failure, abandon, not attempted",
            "uxcli.report.charts.figures:draw_outcome_grid",
        ),
        ChartKind(
            "sus",
            "SUS scores of the respondents against the curved grade bands (A+ … F)",
            "uxcli.report.charts.figures:draw_sus",
            "sus",
        ),
        ChartKind(
            "compare",
            "Variant comparison per task: both values and the difference (ratio for time) with its interval",
            "uxcli.report.charts.figures:draw_compare",
            "comparison",
        ),
    )
}


def draw(kind: str, report: Any) -> Any:
    """The figure of one registered kind for a uxcli.report.model.ReportData."""
    module, _, function = CHART_KINDS[kind].function.partition(":")
    return getattr(importlib.import_module(module), function)(report)


def __getattr__(name: str) -> Any:
    # The drawing helpers (success_chart, svg_document, ...) live in figures; reach them lazily.
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module("uxcli.report.charts.figures"), name)
