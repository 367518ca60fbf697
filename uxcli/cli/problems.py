"""`uxcli problems`: problem discovery from a problem matrix or long list (Lewis 2001 adjusted p)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, render_table, reported_errors, say, write_frame


class Show(str, Enum):
    summary = "summary"
    curve = "curve"
    problems = "problems"


ProblemFile = Annotated[
    Path,
    typer.Argument(
        help="Problem matrix (participants in rows, problems in columns; 1/0, x, ✓; blank = 0) or long list "
        "(participant, problem[, severity]), CSV or TSV.",
        show_default=False,
        dir_okay=False,
    ),
]
ShowOption = Annotated[
    Show,
    typer.Option(
        "--show",
        help="summary: p̂, the adjusted p, problems estimated and unseen, n per goal; curve: discovery by n; "
        "problems: participants who met each problem.",
        rich_help_panel=opt.STATS,
    ),
]
GoalOption = Annotated[
    Optional[list[float]],
    typer.Option(
        "--goal",
        help="Discovery goal (0.9 for 90%); repeatable (default: .80 .85 .90 .95).",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),  # fmt: skip
]
TransposeFlag = Annotated[
    bool,
    typer.Option(
        "--transpose", help="The matrix has problems in rows, participants in columns.", rich_help_panel=opt.INPUT
    ),  # fmt: skip
]
ParticipantsOption = Annotated[
    Optional[int],
    typer.Option(
        "--participants",
        min=1,
        help="Participants in the study (a long list cannot name those who met no problem).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),  # fmt: skip
]
ChartOption = Annotated[
    Optional[Path],
    typer.Option(
        "--chart",
        help="Also draw the discovery curve to this .png, .svg or .pdf.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=opt.OUTPUT,
    ),  # fmt: skip
]


def problems(
    file: ProblemFile,
    show: ShowOption = Show.summary,
    goal: GoalOption = None,
    transpose: TransposeFlag = False,
    participants: ParticipantsOption = None,
    chart: ChartOption = None,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
) -> None:
    """Problems missed so far and participants needed, from who met which problem.

    Reports the raw discovery rate p̂, the adjusted p (Lewis 2001: the mean of the deflation and Good–Turing
    adjustments), the estimated number of problems and unseen ones, and the participants needed for each
    discovery goal by 1 − (1 − p)^n.

    Example: uxcli problems round1-problems.csv --chart discovery.svg
    """
    with reported_errors(debug):
        from uxcli.errors import OptionError
        from uxcli.planning import DiscoveryOptions, discovery, read_problems

        fmt = choose_format(fmt, output)
        check_output_path(output, [str(file)])
        if chart is not None:
            if chart.suffix.lower() not in (".png", ".svg", ".pdf"):
                raise OptionError(f"cannot tell the image format from {chart.name!r}: use .png, .svg or .pdf")
            check_output_path(chart, [str(file)])
        options = DiscoveryOptions(goals=tuple(goal) if goal else DiscoveryOptions().goals)
        result = discovery(read_problems(file, transpose=transpose, participants=participants), options)
        frame = result.frame(show.value)
        if fmt is opt.Format.table:
            from rich.console import Group
            from rich.text import Text

            from uxcli.planning.discovery import METHOD
            from uxcli.render.table import frame_table, keep_whole

            shown = _readable(frame) if show is Show.summary else frame
            figures = [str(c) for c in shown.columns if c not in ("measure", "problem", "severity")]
            caption = Text("\n".join([*result.notes, METHOD]), style="table.caption")  # as wide as the terminal
            render_table(Group(keep_whole(frame_table(shown), figures), caption), output)
        else:
            for note in result.notes:
                say(f"note: {note}")
            write_frame(frame, fmt, output)
        if chart is not None:
            from uxcli.report.charts.common import save_figure
            from uxcli.report.charts.discovery import result_chart

            save_figure(result_chart(result), chart)
            say(f"wrote {chart}")


# The terminal's label for each summary column (csv/json keep the column names) and its decimals.
LABELS: dict[str, tuple[str, int | None]] = {
    "participants": ("participants (n)", None),
    "problems_met": ("problems met (N)", None),
    "hits": ("hits (participant × problem)", None),
    "met_once": ("problems met once (N1)", None),
    "p_raw": ("p̂ raw: hits ÷ (n × N)", 3),
    "p_deflated": ("p deflated", 3),
    "p_good_turing": ("p Good–Turing", 3),
    "p_adjusted": ("p adjusted (Lewis 2001)", 3),
    "problems_estimated": ("problems estimated in all", 1),
    "problems_unseen": ("problems not yet seen", 1),
    "discovered_so_far": ("share found so far", 3),
}


def _readable(frame: Any) -> Any:
    """The one-row summary as measure/value rows for the terminal, with readable labels."""
    import pandas as pd

    row = frame.iloc[0]
    labels, values = [], []
    for key, value in row.items():
        label, digits = LABELS.get(str(key), (str(key), None))
        if str(key).startswith("n_for_"):
            label = f"participants for {str(key)[len('n_for_') :]}% found"
        elif digits is None and not float(value).is_integer():
            digits = 3  # a column added later: never shown cut to an integer
        labels.append(label)
        values.append(f"{value:.{digits}f}" if digits is not None else f"{int(value)}")
    return pd.DataFrame({"measure": labels, "value": values})
