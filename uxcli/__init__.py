"""uxcli: usability-test logs in, task metrics with small-sample statistics out.

The library API (no Typer or Rich involved)::

    import uxcli
    data = uxcli.load(["sessions.csv"])
    table = uxcli.summarize(data.attempts, by=["task"])

Names are resolved lazily so ``import uxcli`` (and so ``uxcli --help``) stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "uxcli.readers.read",
    "read": "uxcli.readers.read",
    "Dataset": "uxcli.readers.read",
    "summarize": "uxcli.tasks.metrics",
    "METRICS": "uxcli.tasks.metrics",
    "InputError": "uxcli.errors",
    "UxcliError": "uxcli.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'uxcli' has no attribute {name!r}")
