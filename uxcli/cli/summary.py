"""`uxcli summary`: the five task metrics per task (or any grouping)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    read_inputs,
    render_table,
    report_gates,
    reported_errors,
    say,
    write_frame,
    write_output,
)

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


@opt.with_input_options(engine=True)
def summary(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    benchmark: opt.BenchmarkOption = False,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    opportunities: opt.OpportunitiesOption = None,
    unit: opt.UnitOption = opt.Unit.participant,
    assisted: opt.AssistedOption = None,
    overall: Annotated[
        bool,
        typer.Option(
            "--overall",
            help='CSV/JSON/markdown-raw: add the overall row (group columns "(all)") and a boolean column '
            "overall, True on that row only.",
        ),
    ] = False,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Success, errors, abandonment, clicks and time per task, with intervals.

    Rates count participants (one outcome per participant and task: success in any attempt, abandoned if
    the last attempt was); --unit attempt counts every attempt. Times: each participant's first successful
    attempt (--time-of all: their total over all attempts); errors and clicks stay per attempt.

    Every input row is accounted for (table caption, or --verbose): rows used and rows set aside, with
    reasons. Exclusions (--exclude, --exclusions, --study) and quality flags (--speeders, --idle-gap,
    --partial, --outliers; --drop-flagged excludes them) are stated in the caption, or on stderr.

    Example: uxcli summary sessions/ --by task,variant --format csv > metrics.csv
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        options = pipeline.SummaryOptions(
            by=opt.by_columns(by),
            confidence=confidence,
            time_of=time_of.value,
            benchmark=benchmark,
            fail_under=tuple(fail_under or ()),
            gate_on=gate_on.value,
            opportunities=tuple(opportunities or ()),
            unit=unit.value,
            assisted=assisted or "failure",
        )
        inputs = read_inputs(
            paths,
            source,
            summarize=options.request(),  # big event logs are summarised while streaming
            notes=fmt is not opt.Format.table,
        )
        result = pipeline.summary(inputs, options)
        if fmt in (opt.Format.table, opt.Format.markdown):
            from uxcli.render.table import SummaryTable, summary_cells, summary_markdown

            cells = summary_cells(  # one set of cells: the terminal table and the readable Markdown agree
                result.frame,
                result.overall(),
                list(result.options.by),  # as resolved: "round" → the column "Round"
                result.time_n(),
                result.overall_time_n(),
                confidence=confidence,
                time_of=time_of.value,
                unit=unit.value,
                footer=result.footer,
                extra_columns=result.columns,
            )
            if fmt is opt.Format.table:
                render_table(SummaryTable(cells), output)
            else:
                write_output(summary_markdown(cells), output)
        else:
            if result.design:  # the table says it in its caption
                say(f"note: {result.design}")
            write_frame(result.with_overall() if overall else result.frame, fmt, output)
        report_gates(result.verdict)
