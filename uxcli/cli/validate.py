"""`uxcli validate`: check logs without computing metrics, and list every problem found."""

from __future__ import annotations

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    parse_map,
    render_table,
    reported_errors,
    say,
    write_frame,
)
from uxcli.exitcodes import ExitStatus


def validate(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    study: opt.StudyOption = None,
    exclude: opt.ExcludeOption = None,
    exclusions: opt.ExclusionsOption = None,
    strict: opt.StrictOption = False,
    every: opt.AllOption = False,
    pseudonymize: opt.PseudonymizeOption = False,
    salt: opt.SaltOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
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
        prepare = pipeline.PrepareOptions(study, tuple(exclude or ()), exclusions, pseudonymize=pseudonymize, salt=salt)
        read = pipeline.ReadOptions(tuple(paths), layout=layout, encoding=encoding, column_map=parse_map(column_map))
        result = pipeline.validate(read, pipeline.ValidateOptions(prepare, every=every, strict=strict))
        if fmt is not opt.Format.table:
            write_frame(result.problems, fmt, output)
        elif len(result.problems):
            from uxcli.render.table import problems_table

            render_table(problems_table(result.problems, result.files if verbose else None), output)
        if verbose and fmt is not opt.Format.table:
            say(result.files)
        say(result.verdict)
    if result.failed:
        raise typer.Exit(ExitStatus.ERROR)
