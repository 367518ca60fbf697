"""`uxcli attempts`: one row per derived attempt, so every number traces back to the log."""

from __future__ import annotations

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    data_options,
    read_inputs,
    render_table,
    reported_errors,
    write_output,
)


def attempts(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    study: opt.StudyOption = None,
    exclude: opt.ExcludeOption = None,
    exclusions: opt.ExclusionsOption = None,
    speeders: opt.SpeedersOption = None,
    speeder_fraction: opt.SpeederFractionOption = None,
    idle_gap: opt.IdleGapOption = None,
    cap_idle: opt.CapIdleOption = False,
    partial: opt.PartialOption = False,
    outliers: opt.OutliersOption = None,
    drop_flagged: opt.DropFlaggedOption = False,
    pseudonymize: opt.PseudonymizeOption = False,
    salt: opt.SaltOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    engine: opt.EngineOption = "auto",
) -> None:
    """List every task attempt: participant, task, attempt number, outcome, time, clicks, errors, source.

    With quality flags (--speeders, --idle-gap, --partial, --outliers) a flags column says why an
    attempt is suspect; excluded attempts are left out and counted in the caption, or on stderr.
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, [*paths, *(str(f) for f in (study, exclusions) if f)])
        dataset = read_inputs(paths, layout=layout, encoding=encoding, column_map=column_map,
                              strict=strict, verbose=verbose, engine=engine,
                              prep=data_options(study=study, exclude=exclude, exclusions=exclusions, speeders=speeders,
                                                speeder_fraction=speeder_fraction, idle_gap=idle_gap, cap_idle=cap_idle,
                                                partial=partial, outliers=outliers, drop_flagged=drop_flagged,
                                                pseudonymize=pseudonymize, salt=salt),
                              notes=fmt is not opt.Format.table)
        table = dataset.attempts_table()
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            rendered = frame_table(table)
            rendered.caption, rendered.caption_justify = dataset.accounting(), "left"
            render_table(rendered, output)
        else:
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](table), output)
