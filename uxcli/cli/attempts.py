"""`uxcli attempts`: one row per derived attempt, so every number traces back to the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, read_inputs, render_table, reported_errors, write_frame

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


@opt.with_input_options(engine=True)
def attempts(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """List every task attempt: participant, task, attempt number, outcome, time, clicks, errors, source.

    With quality flags (--speeders, --idle-gap, --partial, --outliers) a flags column says why an
    attempt is suspect; excluded attempts are left out and counted in the caption, or on stderr.
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        inputs = read_inputs(
            paths,
            source,
            notes=fmt is not opt.Format.table,
        )
        result = pipeline.attempts(inputs)
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            render_table(frame_table(result.frame, caption=result.caption), output)
        else:
            write_frame(result.frame, fmt, output)
