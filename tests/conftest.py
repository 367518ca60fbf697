"""Shared fixtures for the CLI and reader tests.

* ``cli`` runs ``uxcli`` in-process with Typer's CliRunner, from the repository root (so
  sources read ``sample_sessions/...:LINE``). Click >= 8.2 always keeps stderr apart from
  stdout (``result.stdout`` / ``result.stderr``); older Click needed ``CliRunner(mix_stderr=False)``.
* ``golden`` compares text with a file in tests/golden/. Regenerate the golden files after an
  intended output change with::

      UPDATE_GOLDEN=1 python -m pytest tests/test_cli_summary.py tests/test_cli_attempts.py

  and review the diff (``git diff tests/golden``) before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_sessions"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
# the ten SUS statements as survey tools print them in column headers (Brooke 1996)
SUS_ITEM_TEXTS = [
    "I think that I would like to use this system frequently",
    "I found the system unnecessarily complex",
    "I thought the system was easy to use",
    "I think that I would need the support of a technical person to be able to use this system",
    "I found the various functions in this system were well integrated",
    "I thought there was too much inconsistency in this system",
    "I would imagine that most people would learn to use this system very quickly",
    "I found the system very cumbersome to use",
    "I felt very confident using the system",
    "I needed to learn a lot of things before I could get going with this system",
]


@pytest.fixture
def cli(monkeypatch):
    """cli(*args, input=None) -> click Result, with stdout and stderr kept apart."""
    from uxcli.cli import app

    monkeypatch.chdir(ROOT)
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input, prog_name="uxcli")

    return run


@pytest.fixture
def golden():
    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        expected = path.read_bytes().decode("utf-8")
        assert text == expected, f"output differs from {path} (UPDATE_GOLDEN=1 regenerates it)"

    return check
