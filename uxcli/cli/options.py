"""Options shared by the commands, as Annotated types (one definition each).

Only Typer and the standard library are imported here: `uxcli --help` and shell
completion must not pay for pandas.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Layout(str, Enum):
    events = "events"
    attempts = "attempts"
    wide = "wide"
    yaml = "yaml"


class TimeOf(str, Enum):
    success = "success"
    failed = "failed"
    all = "all"


INPUT = "Input"
OUTPUT = "Output"
STATS = "Statistics"

Paths = Annotated[
    list[str],
    typer.Argument(help="Log files (CSV or YAML), directories of them, or - for stdin.", show_default=False),
]
FormatOption = Annotated[
    Optional[Format],
    typer.Option("--format", "-f", help="Output format [default: table on a terminal, else csv; "
                 "with -o, taken from the file suffix].", show_default=False, rich_help_panel=OUTPUT),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.",
                 dir_okay=False, rich_help_panel=OUTPUT),
]
LayoutOption = Annotated[
    Optional[Layout],
    typer.Option("--layout", help="Input layout [default: detected from the columns].",
                 show_default=False, rich_help_panel=INPUT),
]
EncodingOption = Annotated[
    Optional[str],
    typer.Option("--encoding", help="Text encoding of CSV input [default: UTF-8/UTF-16 detected, "
                 "Windows-1252 fallback].", show_default=False, rich_help_panel=INPUT),
]
MapOption = Annotated[
    Optional[list[str]],
    typer.Option("--map", help='Read a column as a field, e.g. --map "Tester ID=participant". Repeatable.',
                 show_default=False, rich_help_panel=INPUT),
]
ByOption = Annotated[
    str,
    typer.Option("--by", help="Group by these column(s), comma-separated: task, participant, variant, "
                 "session, or any input column.", rich_help_panel=STATS),
]
ConfidenceOption = Annotated[
    float,
    typer.Option("--confidence", min=0.5, max=0.999, help="Confidence level of the intervals.",
                 rich_help_panel=STATS),
]
TimeOfOption = Annotated[
    TimeOf,
    typer.Option("--time-of", help="Which attempts the time columns use: success (completion time), "
                 "failed (time until failure or abandon) or all (total time on task).",
                 rich_help_panel=STATS),
]
StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Treat warnings as errors (exit 1) for pipelines that must not "
                 "proceed on dirty data."),
]
VerboseOption = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="List every warning and the row accounting on stderr."),
]
DebugOption = Annotated[
    bool,
    typer.Option("--debug", help="Show a Python traceback on errors.", hidden=False),
]
