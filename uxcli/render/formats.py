"""Output formats: the registry the CLI's ``--format`` and the text renderers share.

A format is a name, a one-line description, the file suffixes that stand for it (``-o metrics.csv``)
and its renderer, given as "module:function" so listing the formats (``--help``, shell completion)
imports no pandas or Rich. A renderer takes a frame: the text formats return text, ``table`` a Rich
table. Adding a format is one member of :class:`Format` and one entry in ``FORMATS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import Enum
from typing import Any, NamedTuple


class Format(str, Enum):
    """The format names (an Enum, so Typer offers them as the ``--format`` choices)."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    markdown_raw = "markdown-raw"
    csv_eu = "csv-eu"
    xlsx = "xlsx"


class OutputFormat(NamedTuple):  # a NamedTuple: cheaper to define than a dataclass, for a fast --help
    description: str
    renderer: str  # "module:function", imported only when something is rendered
    suffixes: tuple[str, ...] = ()  # lower-case file suffixes that choose this format for -o
    binary: bool = False  # bytes, not text: never written to a terminal

    def render_function(self) -> Callable[[Any], Any]:
        module, _, function = self.renderer.partition(":")
        return getattr(importlib.import_module(module), function)


FORMATS: dict[Format, OutputFormat] = {
    Format.table: OutputFormat("a table for the terminal (Rich)", "uxcli.render.table:frame_table", (".txt",)),
    Format.csv: OutputFormat("comma-separated values; missing is empty", "uxcli.render.text:to_csv", (".csv",)),
    Format.json: OutputFormat("a list of records; missing is null", "uxcli.render.text:to_json", (".json",)),
    Format.markdown: OutputFormat(
        "a readable GitHub pipe table (summary: percentages, intervals, times)",
        "uxcli.render.text:to_markdown",
        (".md", ".markdown"),
    ),
    Format.markdown_raw: OutputFormat("the machine columns as a GitHub pipe table", "uxcli.render.text:to_markdown"),
    Format.csv_eu: OutputFormat(
        "CSV for European Excel: semicolons, decimal commas, UTF-8 BOM, CRLF", "uxcli.render.text:to_csv_eu"
    ),
    Format.xlsx: OutputFormat(
        "an Excel workbook: typed cells, a frozen header row", "uxcli.render.excel:to_xlsx", (".xlsx",), binary=True
    ),
}
TEXT_FORMATS = tuple(f for f in FORMATS if f is not Format.table)  # rendered to text, not to a Rich table
SUFFIX_FORMATS: dict[str, Format] = {suffix: name for name, fmt in FORMATS.items() for suffix in fmt.suffixes}
