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
    """Problem discovery: how many problems the study missed and how many participants the next round needs.

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
            from uxcli.planning.discovery import METHOD
            from uxcli.render.table import frame_table

            caption = "\n".join([*result.notes, METHOD])
            render_table(frame_table(_readable(frame) if show is Show.summary else frame, caption=caption), output)
        else:
            for note in result.notes:
                say(f"note: {note}")
            write_frame(frame, fmt, output)
        if chart is not None:
            from uxcli.report.charts.common import save_figure
            from uxcli.report.charts.discovery import result_chart

            save_figure(result_chart(result), chart)
            say(f"wrote {chart}")


def _readable(frame: Any) -> Any:
    """The one-row summary as measure/value rows for the terminal."""
    import pandas as pd

    row = frame.iloc[0]
    values = [f"{v:.3f}" if k.startswith("p_") or k == "discovered_so_far" else
              f"{v:.1f}" if k.startswith("problems_") and k != "problems_met" else f"{int(v)}"
              for k, v in row.items()]  # fmt: skip
    return pd.DataFrame({"measure": list(row.index), "value": values})
