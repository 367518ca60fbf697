"""`uxcli summary`: the five task metrics per task (or any grouping)."""

from __future__ import annotations

from uxcli.cli import options as opt
from uxcli.cli.common import (accounting, check_output_path, choose_format, read_inputs, render_table,
                              reported_errors, write_output)


def summary(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """Success, errors, abandonment, clicks and time per task, with intervals.

    Example: uxcli summary sessions/ --by task,variant --format csv > metrics.csv
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        dataset = read_inputs(paths, layout=layout, encoding=encoding, column_map=column_map,
                              strict=strict, verbose=verbose)
        from uxcli.metrics import summarize, time_counts

        groups = [c.strip() for c in by.split(",") if c.strip()]
        result = summarize(dataset.attempts, groups, confidence, time_of.value)
        if fmt is opt.Format.table:
            from uxcli.render.table import summary_table

            overall = summarize(dataset.attempts, [], confidence, time_of.value)
            table = summary_table(
                result, overall, groups, list(time_counts(dataset.attempts, groups, time_of.value)),
                int(time_counts(dataset.attempts, [], time_of.value).iloc[0]),
                confidence=confidence, time_of=time_of.value, footer=accounting(dataset),
            )
            render_table(table, output)
        else:
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](result), output)
