"""`uxcli sum`: the Single Usability Metric per task and overall (Sauro & Kindlund 2005)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    read_inputs,
    render_table,
    reported_errors,
    say,
    write_frame,
    write_output,
)

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


TimeSpecOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--time-spec",
        metavar="TASK=SECONDS",
        help="Spec limit for task time (SECONDS alone: every task) (default: study.tasks.TASK.time_limit "
        "in YAML). Repeatable.",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
RatingsOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--ratings",
        metavar="PATH",
        help="SEQ ratings (CSV: participant, task, seq) for the satisfaction component, when the "
        "logs do not carry them (default: seq: in YAML sessions).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]
SumConfidenceOption = Annotated[
    float,
    typer.Option(
        "--confidence",
        min=0.5,
        max=0.999,
        help="Confidence level (SUM tools report 90%).",
        rich_help_panel=opt.STATS,
    ),
]


@opt.with_input_options(privacy=False)
def sum_command(
    paths: opt.Paths,
    time_spec: TimeSpecOption = None,
    opportunities: opt.OpportunitiesOption = None,
    ratings: RatingsOption = None,
    confidence: SumConfidenceOption = 0.90,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    assisted: opt.AssistedOption = None,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Single Usability Metric (SUM) per task and overall, with its components and 90% intervals.

    Completion, satisfaction (SEQ), time and errors are each standardized as the share meeting spec and averaged (Sauro & Kindlund 2005); a component without data is left out.

    Example: uxcli sum study.yaml --time-spec checkout=150 --opportunities 5
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        options = pipeline.UsabilityMetricOptions(
            tuple(time_spec or ()),
            tuple(opportunities or ()),
            tuple(ratings or ()),
            source.encoding,
            confidence=confidence,
            time_of=time_of.value,
            assisted=assisted or "failure",
        )
        inputs = read_inputs(
            paths,
            source,
        )
        result = pipeline.usability_metric(inputs, options)
        for note in result.notes:
            say(f"note: {note}")
        if fmt is opt.Format.table:
            from uxcli.render.views import sum_view

            render_table(sum_view(result.frame, result.overall, confidence=confidence, notes=[]), output)
        elif fmt is opt.Format.json:
            import json

            write_output(json.dumps(result.document(), indent=2, ensure_ascii=False, allow_nan=False) + "\n", output)
        else:
            write_frame(result.table(), fmt, output)
