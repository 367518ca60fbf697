"""`uxcli plan`: sample sizes for the next round (margin of error, two designs, problem discovery)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, render_table, reported_errors, say, write_frame

if TYPE_CHECKING:
    from uxcli.planning import Observed


class What(str, Enum):
    margin = "margin"
    completion = "completion"
    time = "time"
    discovery = "discovery"


class Design(str, Enum):
    between = "between"
    within = "within"


def _option(name: str, text: str, panel: str = opt.STATS) -> typer.models.OptionInfo:
    return typer.Option(name, help=text, show_default=False, rich_help_panel=panel)


WhatArgument = Annotated[
    What,
    typer.Argument(
        help="margin: ± on a completion rate; completion / time: detect a difference between two "
        "designs; discovery: n for a share of problems.",
        show_default=False,
    ),  # fmt: skip
]
Floats = Optional[list[float]]
# Shorter headers for the terminal table (csv/json keep the column names): nothing gets cut at 80 columns.
HEADERS = {"participants_per_group": "per group", "participants": "participants", "log_sd": "SD (log)",
           "correlation": "corr.", "discordant": "discordant", "confidence": "confidence"}  # fmt: skip


def plan(
    what: WhatArgument,
    margin: Annotated[Floats, _option("--margin", "Margin of error (0.1 for ±10 points); repeatable (default: .20 .15 .10 .05).")] = None,
    p: Annotated[Optional[float], _option("--p", "Completion rate now (margin: default .5), or the chance one participant meets a problem (discovery).")] = None,
    p2: Annotated[Optional[float], _option("--p2", "Completion rate to detect (completion).")] = None,
    difference: Annotated[Optional[float], _option("--difference", "p2 − p, instead of --p2 (completion).")] = None,
    ratio: Annotated[Optional[float], _option("--ratio", "Time of the new design over the old (0.8: 20% faster) (time).")] = None,
    sd: Annotated[Optional[float], _option("--sd", "SD of log times (time).")] = None,
    design: Annotated[Design, typer.Option("--design", help="between: two groups; within: everyone tries both.", rich_help_panel=opt.STATS)] = Design.between,
    correlation: Annotated[Optional[float], _option("--correlation", "Within: correlation of a participant's log times on both designs (default .5).")] = None,
    discordant: Annotated[Optional[float], _option("--discordant", "Within: share who succeed on one design only (default: as if independent).")] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Two-sided significance level.", rich_help_panel=opt.STATS)] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Power to detect the difference.", rich_help_panel=opt.STATS)] = 0.8,
    confidence: opt.ConfidenceOption = 0.95,
    goal: Annotated[Floats, _option("--goal", "Discovery goal (0.9 for 90%); repeatable (default: .80 .85 .90 .95).")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from", help="Last round's data instead of a guess: a task log (completion rate, log-time SD per task) or, for discovery, a problem matrix (adjusted p).", dir_okay=True, show_default=False, rich_help_panel=opt.INPUT)] = None,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
) -> None:  # fmt: skip
    """Sample sizes for the next round: margin of error, two designs, discovery.

    margin: ± on a completion rate (adjusted Wald); completion: two proportions (between) or McNemar
    (within); time: t test on log times; discovery: participants for a share of problems.

    Example: uxcli plan margin --margin 0.1   (93 participants for ±10 points at 95%)
    """
    with reported_errors(debug):
        from uxcli.planning import PlanOptions
        from uxcli.planning import plan as compute
        from uxcli.planning.discovery import GOALS
        from uxcli.planning.sample_size import MARGINS

        fmt = choose_format(fmt, output)
        check_output_path(output, [str(from_file)] if from_file else [])
        options = PlanOptions(
            what.value, tuple(margin or MARGINS), p, p2, difference, ratio, sd, design.value, correlation,
            discordant, alpha, power, confidence, tuple(goal or GOALS),
        )  # fmt: skip
        observed: tuple[Observed, ...] = ()
        observed_p: float | None = None
        notes: list[str] = []
        if from_file is not None and what is What.discovery:
            from uxcli.planning import discovery, read_problems

            found = discovery(read_problems(from_file))
            observed_p, notes = found.p, list(found.notes)
        elif from_file is not None:
            from uxcli.pipeline import load_inputs
            from uxcli.planning import observe
            from uxcli.readers.options import ReadOptions

            inputs = load_inputs(ReadOptions((str(from_file),)))
            for line in inputs.messages():
                say(line)
            observed = observe(inputs.dataset.attempts)
        result = compute(options, observed, observed_p)
        notes += result.notes
        if fmt is opt.Format.table:
            from rich.console import Group
            from rich.text import Text

            from uxcli.render.table import frame_table, keep_whole

            shown = result.frame.rename(columns=HEADERS)
            figures = [str(c) for c in shown.columns if c not in ("task", "design")]
            parts: list[Any] = [keep_whole(frame_table(shown), figures)]
            if notes:  # under the table, as wide as the terminal
                parts.append(Text("\n".join(notes), style="table.caption"))
            render_table(Group(*parts), output)
        else:
            for note in notes:
                say(f"note: {note}")
            write_frame(result.frame, fmt, output)
