"""`uxcli attempts`: one row per derived attempt, so every number traces back to the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, read_inputs, render_table, reported_errors, write_frame

if TYPE_CHECKING:
    from uxcli.pipeline import PrepareOptions


@opt.with_prepare_options()
def attempts(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    engine: opt.EngineOption = "auto",
    *,
    prepare: PrepareOptions,
) -> None:
    """List every task attempt: participant, task, attempt number, outcome, time, clicks, errors, source.

    With quality flags (--speeders, --idle-gap, --partial, --outliers) a flags column says why an
    attempt is suspect; excluded attempts are left out and counted in the caption, or on stderr.
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, [*paths, *prepare.files()])
        inputs = read_inputs(
            paths,
            prepare,
            layout=layout,
            encoding=encoding,
            column_map=column_map,
            strict=strict,
            verbose=verbose,
            engine=engine,
            notes=fmt is not opt.Format.table,
        )
        result = pipeline.attempts(inputs)
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            render_table(frame_table(result.frame, caption=result.caption), output)
        else:
            write_frame(result.frame, fmt, output)
