"""The input layouts uxcli reads: one entry each, and the order they are detected in.

This module imports nothing heavy (the CLI reads ``LAYOUTS`` for the ``--layout`` choices). Each entry
names its reader as "module:function", imported only when a file of that layout is read.

CSV layouts are read by ``function(table, file, info) -> attempts frame`` (a uxcli.readers.csvfile.CsvTable,
a uxcli.readers.options.FileContext, the file's uxcli.readers.dataset.InputFile); a layout that is not CSV
(``csv=False``) is read by ``function(file, data) -> (InputFile, attempts frame, extra)``, where ``extra``
carries study metadata and questionnaire responses (or None).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Layout:
    description: str
    reader: str  # "module:function"
    csv: bool = True  # read from a CSV table (else from the file's bytes)

    @property
    def title(self) -> str:
        """The layout in a few words, as --verbose says how a file was read ("event log")."""
        return self.description.split(":")[0]

    def read_function(self) -> Callable[..., Any]:
        module, function = self.reader.split(":")
        return getattr(importlib.import_module(module), function)


REGISTRY: dict[str, Layout] = {
    "events": Layout("event log: one row per event", "uxcli.readers.events:read_event_table"),
    "attempts": Layout("attempt table: one row per attempt", "uxcli.readers.attempt_table:read_attempt_table"),
    "wide": Layout("wide success matrix: one row per participant, one column per task", "uxcli.readers.wide:read_wide"),
    "wide-times": Layout(
        "wide time matrix: one row per participant, one column of times per task", "uxcli.readers.wide:read_wide_times"
    ),
    "transposed": Layout(
        "transposed matrix: one row per task, one column per participant", "uxcli.readers.wide:read_transposed"
    ),
    "yaml": Layout(
        "YAML sessions: task summaries and/or events, study metadata", "uxcli.readers.yamlfile:read_yaml_file", False
    ),
}
LAYOUTS = tuple(REGISTRY)  # the names, in the order --layout lists them


@dataclass(frozen=True)
class Rule:
    """A CSV file whose header has every field in ``needs`` and none in ``lacks`` is read as ``layout``."""

    layout: str
    needs: tuple[str, ...]
    lacks: tuple[str, ...] = ()

    def matches(self, fields: dict[str, str]) -> bool:
        return all(f in fields for f in self.needs) and not any(f in fields for f in self.lacks)


# Tried in this order, first match wins; YAML is told apart before the CSV parse (uxcli.readers.sniff).
DETECTION = (
    Rule("events", ("event", "timestamp")),
    Rule("attempts", ("outcome",)),
    Rule("wide", ("participant",), ("task",)),
    Rule("events", ("event",)),
)
FALLBACK = "attempts"  # its reader names the missing column


def detect(fields: dict[str, str]) -> str:
    """The layout of a CSV file from its header's fields (the values refine it: uxcli.readers.wide.refine_layout
    tells a time matrix from a success matrix, and finds tasks in rows)."""
    return next((rule.layout for rule in DETECTION if rule.matches(fields)), FALLBACK)
