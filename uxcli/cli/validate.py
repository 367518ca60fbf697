"""`uxcli validate`: check logs without computing metrics, and list every problem found."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    read_options,
    render_table,
    reported_errors,
    say,
    write_frame,
)
from uxcli.exitcodes import ExitStatus

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


@opt.with_input_options(quality=False)
def validate(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    every: opt.AllOption = False,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Check logs without computing metrics: every problem, with file:line, column, value and what to do.

    Finds missing or misspelt columns, unknown outcome and event words, bad or mixed times, ends before
    starts, ragged rows, empty files, duplicate events and rows, overlapping or unended attempts, stray
    events, participants with several variants and tasks only some participants attempted. Exclusion
    rules (--exclude, --exclusions, --study) are checked against the data too.

    Exit status: 0 when clean or with warnings only (1 with --strict), 1 on errors.

    Example: uxcli validate sessions/ --format csv > problems.csv
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        options = pipeline.ValidateOptions(source.prepare, every=every, strict=source.strict)
        result = pipeline.validate(read_options(paths, source), options)
        if fmt is not opt.Format.table:
            write_frame(result.problems, fmt, output)
        elif len(result.problems):
            from uxcli.render.table import problems_table

            render_table(problems_table(result.problems, result.files if source.verbose else None), output)
        if source.verbose and fmt is not opt.Format.table:
            say(result.files)
        if result.design:  # a condition or rounds: said before the verdict, which stays the last line
            say(f"design: {result.design}")
        say(result.verdict)
    if result.failed:
        raise typer.Exit(ExitStatus.ERROR)
