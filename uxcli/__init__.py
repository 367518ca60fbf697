"""uxcli: usability-test logs in, task metrics with small-sample statistics out.

The library API (no Typer or Rich involved)::

    import uxcli
    data = uxcli.load(["sessions.csv"])
    table = uxcli.summarize(data.attempts, by=["task"])

Everything a command does, as two calls (uxcli.pipeline): read and prepare, then the command's own step::

    inputs = uxcli.load_inputs(uxcli.ReadOptions(("sessions/",)), uxcli.PrepareOptions(exclude=("participant=P03",)))
    result = uxcli.summary(inputs, uxcli.SummaryOptions(benchmark=True, fail_under=("success=0.8",)))
    result.frame, result.verdict.failed

Names are resolved lazily so ``import uxcli`` (and so ``uxcli --help``) stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "uxcli.readers.read",
    "read": "uxcli.readers.read",
    "Dataset": "uxcli.readers.dataset",
    "summarize": "uxcli.tasks.metrics",
    "METRICS": "uxcli.tasks.metrics",
    "InputError": "uxcli.errors",
    "OptionError": "uxcli.errors",
    "GateError": "uxcli.errors",
    "UxcliError": "uxcli.errors",
    # the commands as library calls: typed options in, frozen results out
    "ReadOptions": "uxcli.readers.options",
    "QualityOptions": "uxcli.tasks.quality",
    "ReportOptions": "uxcli.report.build",
    "GateVerdict": "uxcli.gates",
    # issue #16: time to success, problem discovery and planning, navigation
    **{name: "uxcli.survival" for name in ("SurvivalOptions", "SurvivalResult")},
    **{
        name: "uxcli.planning"
        for name in (
            "DiscoveryOptions",
            "DiscoveryResult",
            "PlanOptions",
            "PlanResult",
            "ProblemMatrix",
            "discovery",
            "read_problems",
            "plan",
            "observe",
        )
    },
    "NavigationResult": "uxcli.navigation.metrics",
    **{
        name: "uxcli.pipeline"
        for name in (
            "PrepareOptions",
            "SummaryOptions",
            "CompareOptions",
            "UsabilityMetricOptions",
            "ValidateOptions",
            "Inputs",
            "SummaryResult",
            "AttemptsResult",
            "CompareResult",
            "UsabilityMetricResult",
            "Validation",
            "load_inputs",
            "summary",
            "attempts",
            "validate",
            "compare",
            "usability_metric",
            "report_data",
            "chart",
            "chart_kind",
            "problems_chart",
            "time_to_success",
            "problems",
            "NavigationOptions",
            "navigation_metrics",
        )
    },
}

# Subpackages reachable as attributes without importing them first: ``uxcli.survival.survival`` is the same
# call as ``uxcli.time_to_success``, ``uxcli.navigation`` holds the navigation modules (the library calls for
# them are named apart from the subpackages, so ``uxcli.survival`` is always the package).
_SUBPACKAGES = ("survival", "navigation", "planning")

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    import importlib

    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"uxcli.{name}")
    raise AttributeError(f"module 'uxcli' has no attribute {name!r}")
