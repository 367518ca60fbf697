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
        )
    },
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'uxcli' has no attribute {name!r}")
