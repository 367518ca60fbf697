"""The command-line interface: a thin Typer layer over the uxcli library (the app is in ``commands``).

Commands import pandas and friends inside their bodies, so `uxcli --help` and completion start as fast as
a bare Typer app. ``app`` and ``main`` are resolved lazily so that importing a command module does not
import every other command through this package.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("app", "main"):
        from uxcli.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module 'uxcli.cli' has no attribute {name!r}")
