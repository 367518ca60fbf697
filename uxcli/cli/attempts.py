"""`uxcli attempts`: one row per derived attempt, so every number traces back to the log."""

from __future__ import annotations

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    data_files,
    data_options,
    read_inputs,
    render_table,
    reported_errors,
    write_output,
)


@opt.with_data_options()
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
    data: dict | None = None,
) -> None:
    """List every task attempt: participant, task, attempt number, outcome, time, clicks, errors, source.

    With quality flags (--speeders, --idle-gap, --partial, --outliers) a flags column says why an
    attempt is suspect; excluded attempts are left out and counted in the caption, or on stderr.
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, [*paths, *data_files(data)])
        dataset = read_inputs(
            paths,
            layout=layout,
            encoding=encoding,
            column_map=column_map,
            strict=strict,
            verbose=verbose,
            engine=engine,
            prep=data_options(**data),
            notes=fmt is not opt.Format.table,
        )
        table = dataset.attempts_table()
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            rendered = frame_table(table)
            rendered.caption, rendered.caption_justify = dataset.accounting(), "left"
            render_table(rendered, output)
        else:
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](table), output)
