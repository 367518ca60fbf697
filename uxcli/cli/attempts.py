"""`uxcli attempts`: one row per derived attempt, so every number traces back to the log."""

from __future__ import annotations

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, read_inputs, render_table, reported_errors, write_output


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
) -> None:
    """List every task attempt: participant, task, attempt number, outcome, time, clicks, errors, source."""
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        dataset = read_inputs(paths, layout=layout, encoding=encoding, column_map=column_map,
                              strict=strict, verbose=verbose)
        table = dataset.attempts_table()
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            render_table(frame_table(table), output)
        else:
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](table), output)
