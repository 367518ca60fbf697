"""`uxcli navigation`: lostness, path efficiency, direct success, backtracks, first clicks and misclicks."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    read_inputs,
    render_table,
    reported_errors,
    say,
    write_frame,
)

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


@opt.with_input_options()
def navigation(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Navigation from event logs with a target column (page, screen or element), per task.

    Lostness (Smith 1996), path efficiency, direct and indirect successes, backtracks, correct first
    clicks with success after a correct vs a wrong first click (N-1 two-proportion test) and misclicks.
    The expected path, first targets and declared targets come from the --study file:
    tasks: {login: {path: [home, login, done], first: [login], targets: [...]}}.
    """
    with reported_errors(debug):
        from uxcli.navigation.events import keeping_events
        from uxcli.navigation.metrics import navigation as analyze

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        with keeping_events():
            inputs = read_inputs(paths, dataclasses.replace(source, engine="whole"), notes=fmt is not opt.Format.table)
        groups = tuple(c.strip() for c in by.split(",") if c.strip()) or ("task",)
        result = analyze(inputs, groups)
        for note in result.notes:
            say(f"note: {note}")
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            shown = result.frame.astype(object).set_index(list(groups))
            shown = shown.T.reset_index(names="metric")  # one column per group: 17 metrics fit a terminal
            shown.columns = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in shown.columns]
            render_table(frame_table(shown, caption="Navigation (Smith 1996 lostness; N-1 test)"), output)
        else:
            write_frame(result.frame, fmt, output)
