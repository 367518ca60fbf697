"""Options shared by the commands, as Annotated types (one definition each).

Only Typer and the standard library are imported here: `uxcli --help` and shell
completion must not pay for pandas.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from uxcli.readers.layouts import LAYOUTS
from uxcli.reference import COMPLETION_AVERAGE, SEQ_AVERAGE, SUS_AVERAGE
from uxcli.render.formats import Format  # the output formats' names, from their registry

if TYPE_CHECKING:
    from uxcli.pipeline import PrepareOptions

    LayoutName = str
else:  # the names in the layouts' registry, which Typer offers as the --layout choices
    LayoutName = Literal[LAYOUTS]


class TimeOf(str, Enum):
    success = "success"
    failed = "failed"
    all = "all"


class Unit(str, Enum):
    participant = "participant"
    attempt = "attempt"


INPUT = "Input"
OUTPUT = "Output"
STATS = "Statistics"

Paths = Annotated[
    list[str],
    typer.Argument(
        help="Log files (CSV, YAML or Excel .xlsx/.ods), directories of CSV and YAML, or - for stdin.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Optional[Format],
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: table on a terminal, else csv; with -o, taken from the file suffix).",
        show_default=False,
        rich_help_panel=OUTPUT,
    ),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout.",
        dir_okay=False,
        rich_help_panel=OUTPUT,
    ),
]
LayoutOption = Annotated[
    Optional[LayoutName],
    typer.Option(
        "--layout",
        help="Input layout (default: detected from the columns).",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
EncodingOption = Annotated[
    Optional[str],
    typer.Option(
        "--encoding",
        help="Text encoding of CSV input (default: UTF-8/UTF-16 detected, Windows-1252 fallback).",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
TimeUnitOption = Annotated[
    Optional[Literal["ms", "s", "min", "h"]],  # uxcli.vocab.TIME_UNITS
    typer.Option(
        "--time-unit",
        help="Unit of numeric times (attempt-table times, event timestamps): ms, s, min or h. Overrides a "
        'unit in the header ("Time (ms)", "duration_min"); default: the header\'s unit, else seconds.',
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
OutcomeOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--outcome",
        help='Recode an outcome word: "WORD=CATEGORY", e.g. --outcome "Completed with help=assisted". '
        "Categories: success, failure, abandon, assisted, not-attempted. Repeatable; also outcomes: in --study.",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
AssistedOption = Annotated[
    Optional[Literal["failure", "success"]],  # uxcli.tasks.metrics.ASSISTED_AS
    typer.Option(
        "--assisted",
        help="How assisted completions (with help) enter the success rate: failure (the default) or success. "
        "They are always counted in the assisted column.",
        show_default=False,
        rich_help_panel=STATS,
    ),
]
MapOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--map",
        help='Read a column as a field, e.g. --map "Tester ID=participant". Repeatable.',
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Group by these column(s), comma-separated: task, participant, variant, session, or any input column.",
        rich_help_panel=STATS,
    ),
]


def by_columns(text: str) -> tuple[str, ...]:
    """--by "task, variant" as ("task", "variant"): the commas split, spaces and empty names dropped."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


ConfidenceOption = Annotated[
    float,
    typer.Option("--confidence", min=0.5, max=0.999, help="Confidence level of the intervals.", rich_help_panel=STATS),
]
TimeOfOption = Annotated[
    TimeOf,
    typer.Option(
        "--time-of",
        help="Which attempts the time columns use: success (completion time), "
        "failed (time until failure or abandon) or all (total time on task).",
        rich_help_panel=STATS,
    ),
]
UnitOption = Annotated[
    Unit,
    typer.Option(
        "--unit",
        help="What the rates (success, abandonment, their intervals, the 78% benchmark and the gates) count: "
        "participant (one outcome per participant and task: success in any attempt, abandoned if the last "
        "attempt was) or attempt (every attempt, retries included).",
        rich_help_panel=STATS,
    ),
]
SheetOption = Annotated[
    Optional[str],
    typer.Option(
        "--sheet",
        help="The sheet of an .xlsx/.xls/.ods input: its name or position (1 = the first). Default: the first "
        "sheet holding data (a note names it when others hold data too).",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
TransposeOption = Annotated[
    bool,
    typer.Option(
        "--transpose",
        help="Read a matrix as tasks in rows and participants in columns (detected when the header cells look "
        "like participant ids: ,P1,P2,P3).",
        rich_help_panel=INPUT,
    ),
]
ParticipantFromNameOption = Annotated[
    bool,
    typer.Option(
        "--participant-from-name",
        help="One file per participant with no participant column: take the id from the file name (the last "
        "run of digits with its letter prefix: TimeTaskP7.csv -> P7).",
        rich_help_panel=INPUT,
    ),
]
ParticipantPatternOption = Annotated[
    Optional[str],
    typer.Option(
        "--participant-pattern",
        help="A regex for --participant-from-name (implies it): its match, or its first group, is the id, "
        "e.g. 'session_(\\d+)'.",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="Treat warnings as errors (exit 1) for pipelines that must not proceed on dirty data."
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="List every warning and the row accounting on stderr."),
]
DebugOption = Annotated[
    bool,
    typer.Option("--debug", help="Show a Python traceback on errors.", hidden=False),
]


# --- questionnaires, benchmarks and gates (uxcli/gates.py, uxcli/benchmarks.py) ---------------------
GATES = "Gates"


class GateOn(str, Enum):
    point = "point"
    bound = "bound"


FailUnderOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--fail-under",
        metavar="RULE",
        help="Exit 1 when a task misses a target: success=0.8 (or 80%), time=TASK:SECONDS, "
        f"errors=0.5, seq={SEQ_AVERAGE:g}, sus={SUS_AVERAGE:g}; METRIC=TASK:TARGET checks one task. "
        "Output is still written; failures are listed on stderr. Repeatable.",
        show_default=False,
        rich_help_panel=GATES,
    ),
]
GateOnOption = Annotated[
    GateOn,
    typer.Option(
        "--gate-on",
        help="What --fail-under compares with the target: point (the estimate, "
        "default) or bound (the pessimistic end of the --confidence interval).",
        rich_help_panel=GATES,
    ),
]
BenchmarkOption = Annotated[
    bool,
    typer.Option(
        "--benchmark",
        help=f"Add how each task stands against published averages ({COMPLETION_AVERAGE:.0%} completion, "
        f"SEQ {SEQ_AVERAGE:g}; SUS {SUS_AVERAGE:g} in the caption) and, with study.tasks.TASK.time_limit, its "
        "time target. The verdict comes from the --confidence interval shown (above or below only when the "
        "whole interval is: a one-sided test at alpha = (1 - confidence)/2); the one-sided p is reported too.",
        rich_help_panel=STATS,
    ),
]

OpportunitiesOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--opportunities",
        metavar="TASK=N",
        help="Error opportunities per attempt (N alone: every task), for errors per opportunity (default: "
        "study.tasks.TASK.error_opportunities in YAML or --study). Repeatable.",
        show_default=False,
        rich_help_panel=STATS,
    ),
]


# --- data quality, exclusions, study files and privacy (uxcli/quality.py, exclusions.py, privacy.py) ----
QUALITY = "Data quality and exclusions"
PRIVACY = "Privacy"

StudyOption = Annotated[
    Optional[Path],
    typer.Option(
        "--study",
        metavar="FILE",
        help="Study YAML: columns: (header: field, like --map), exclude: "
        "rules with reasons, quality: thresholds (speeders, idle_gap, …) and tasks:. Options given "
        "on the command line win.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
ExcludeOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--exclude",
        metavar="FIELD=VALUES",
        help="Leave attempts out: --exclude participant=P03,P07, "
        'or --exclude "participant=P05&task=checkout" (all must match). Any column works. Repeatable; '
        "the output says what was excluded.",
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
ExclusionsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--exclusions",
        metavar="FILE",
        help="YAML list of exclusion rules with reasons, kept with "
        "the study: exclude: [{participant: P03, reason: fell asleep}].",
        dir_okay=False,
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
SpeedersOption = Annotated[
    Optional[float],
    typer.Option(
        "--speeders",
        metavar="SECONDS",
        help="Flag attempts faster than SECONDS.",
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
SpeederFractionOption = Annotated[
    Optional[float],
    typer.Option(
        "--speeder-fraction",
        metavar="FRACTION",
        help="Flag attempts faster than this fraction of their task's median time, e.g. 0.25.",
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
IdleGapOption = Annotated[
    Optional[float],
    typer.Option(
        "--idle-gap",
        metavar="SECONDS",
        help="Flag attempts with no event for more than SECONDS (event logs).",
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
CapIdleOption = Annotated[
    bool,
    typer.Option(
        "--cap-idle",
        help="With --idle-gap: count each pause at most SECONDS in time on task, instead of flagging the attempt.",
        rich_help_panel=QUALITY,
    ),
]
PartialOption = Annotated[
    bool,
    typer.Option("--partial", help="Flag participants who did not attempt every task.", rich_help_panel=QUALITY),
]
OutliersOption = Annotated[
    Optional[float],
    typer.Option(
        "--outliers",
        metavar="Z",
        help="Flag attempts whose log time is more than Z standard "
        "deviations from their task's mean (with n attempts |z| stays below (n-1)/√n: try 2 for small "
        "studies).",
        show_default=False,
        rich_help_panel=QUALITY,
    ),
]
DropFlaggedOption = Annotated[
    bool,
    typer.Option(
        "--drop-flagged",
        help="Exclude flagged attempts (by default they are kept and reported).",
        rich_help_panel=QUALITY,
    ),
]
PseudonymizeOption = Annotated[
    bool,
    typer.Option(
        "--pseudonymize",
        help="Replace participant ids with salted codes (p-3f9a1c) in every output, so it can be shared.",
        rich_help_panel=PRIVACY,
    ),
]
SaltOption = Annotated[
    Optional[str],
    typer.Option(
        "--salt",
        envvar="UXCLI_SALT",
        help="Secret for --pseudonymize: the same salt gives the same "
        "codes across files and runs. Without one a random salt is drawn, so codes change every run.",
        show_default=False,
        rich_help_panel=PRIVACY,
    ),
]
AllOption = Annotated[
    bool,
    typer.Option("--all", help="List every instance of a problem (by default 20 per column and file, then a count)."),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        hidden=True,
        help="Reading engine: auto (big event logs block by block), whole (the whole "
        "file in memory) or stream (block by block whenever the file allows it).",
    ),
]


# --- questionnaire input options (uxcli/cli/questionnaires.py) ---------------------------------------
ImputeNeutralOption = Annotated[
    bool,
    typer.Option(
        "--impute-neutral",
        help="Score a missing answer as the scale's neutral point (3 on SUS; "
        "Bangor, Kortum & Miller 2008) instead of refusing the respondent.",
        rich_help_panel=INPUT,
    ),
]
ColumnOption = Annotated[
    Optional[str],
    typer.Option(
        "--column",
        help="The column holding the answers (default: found from the header).",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]


# --- the input, data-quality, exclusion and privacy options, declared once ---------------------------
# Every command that reads task data takes the same options: how to read (layout, encoding, --map,
# --strict, --verbose), what to leave out and flag, and privacy. Rather than repeat them in each signature,
# `with_input_options` appends them to the command's signature (Typer reads inspect.signature) and hands
# them to the command as one typed value, `source` (an InputFlags holding a checked PrepareOptions).

READ_OPTIONS: dict[str, tuple[object, object]] = {
    "layout": (LayoutOption, None),
    "transpose": (TransposeOption, False),
    "participant_from_name": (ParticipantFromNameOption, False),
    "participant_pattern": (ParticipantPatternOption, None),
    "encoding": (EncodingOption, None),
    "sheet": (SheetOption, None),
    "column_map": (MapOption, None),
    "time_unit": (TimeUnitOption, None),
    "outcome": (OutcomeOption, None),
    "strict": (StrictOption, False),
    "verbose": (VerboseOption, False),
}
ENGINE_OPTIONS: dict[str, tuple[object, object]] = {"engine": (EngineOption, "auto")}
EXCLUSION_OPTIONS: dict[str, tuple[object, object]] = {
    "study": (StudyOption, None),
    "exclude": (ExcludeOption, None),
    "exclusions": (ExclusionsOption, None),
}
QUALITY_OPTIONS: dict[str, tuple[object, object]] = {
    "speeders": (SpeedersOption, None),
    "speeder_fraction": (SpeederFractionOption, None),
    "idle_gap": (IdleGapOption, None),
    "cap_idle": (CapIdleOption, False),
    "partial": (PartialOption, False),
    "outliers": (OutliersOption, None),
    "drop_flagged": (DropFlaggedOption, False),
}
PRIVACY_OPTIONS: dict[str, tuple[object, object]] = {
    "pseudonymize": (PseudonymizeOption, False),
    "salt": (SaltOption, None),
}


@dataclass(frozen=True)
class InputFlags:
    """What a command was told about its inputs: how to read them and how to prepare them."""

    prepare: PrepareOptions
    layout: str | None = None
    encoding: str | None = None
    column_map: tuple[str, ...] = ()
    time_unit: str | None = None
    outcome: tuple[str, ...] = ()  # --outcome "WORD=CATEGORY" entries
    strict: bool = False
    verbose: bool = False
    engine: str = "auto"

    transpose: bool = False
    participant_from_name: bool = False
    participant_pattern: str | None = None
    sheet: str | None = None

    def layout_options(self) -> dict[str, Any]:
        """The ReadOptions fields of --transpose, --participant-from-name, --participant-pattern and --sheet."""
        from uxcli.readers.options import PARTICIPANT_NAME_PATTERN

        named = self.participant_pattern or (PARTICIPANT_NAME_PATTERN if self.participant_from_name else None)
        return {"transpose": self.transpose, "participant_from_name": named, "sheet": self.sheet}

    def files(self, paths: list[str]) -> list[str]:
        """The inputs, the study and the exclusion files: what an output must never overwrite."""
        return [*paths, *self.prepare.files()]


def with_input_options(
    quality: bool = True, privacy: bool = True, engine: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorator: add READ_OPTIONS, EXCLUSION_OPTIONS (and QUALITY_, PRIVACY_, ENGINE_OPTIONS) to a command,
    which gets them as one InputFlags, ``source``.

    The command declares ``source: InputFlags`` as a keyword-only parameter; the flags are checked
    (cli.common.prepare_options) with the command's error reporting (its ``debug``).
    """
    groups = [READ_OPTIONS, ENGINE_OPTIONS if engine else {}, EXCLUSION_OPTIONS]
    extra = {
        k: v
        for group in groups + [QUALITY_OPTIONS if quality else {}, PRIVACY_OPTIONS if privacy else {}]
        for k, v in group.items()
    }
    read_names = [*READ_OPTIONS, *(ENGINE_OPTIONS if engine else {})]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        # Typer needs the annotations evaluated (they are strings here, from __future__ annotations)
        signature = inspect.signature(command)
        own = [
            p.replace(
                annotation=eval(p.annotation, command.__globals__) if isinstance(p.annotation, str) else p.annotation
            )
            for p in signature.parameters.values()
            if p.name != "source"
        ]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for name, (annotation, default) in extra.items()
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            from uxcli.cli.common import prepare_options, reported_errors

            flags = {name: kwargs.pop(name, default) for name, (_, default) in extra.items()}
            read = {name: flags.pop(name) for name in read_names}
            read["column_map"] = tuple(read["column_map"] or ())
            read["outcome"] = tuple(read.get("outcome") or ())
            with reported_errors(kwargs.get("debug", False)):
                prepare = prepare_options(**flags)
            command(*args, source=InputFlags(prepare, **read), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
        return wrapper

    return decorate
