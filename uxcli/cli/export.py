"""`uxcli export`: the attempts and their events for other tools (XES, IEEE 1849-2016, for process mining)."""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, read_inputs, reported_errors, say, write_output
from uxcli.render.formats import SUFFIX_FORMATS

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


class ExportFormat(str, Enum):
    xes = "xes"


ExportFormatOption = Annotated[
    ExportFormat,
    typer.Option("--format", "-f", help="xes: IEEE 1849-2016 event log (one trace per attempt)."),
]


@opt.with_input_options()
def export(
    paths: opt.Paths,
    fmt: ExportFormatOption = ExportFormat.xes,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Export attempts and their events as XES (IEEE 1849-2016) for process mining.

    One trace per attempt (participant, task, condition, outcome); one event per logged event, named by
    its target (page, screen or element) or, without one, by the event word.

    Example: uxcli export sessions/ -o study.xes
    """
    with reported_errors(debug):
        from uxcli.navigation.events import keeping_events
        from uxcli.navigation.xes import to_xes

        check_output_path(output, source.files(paths))
        if output is not None and Path(output).suffix.lower() in SUFFIX_FORMATS:
            from uxcli.errors import OptionError

            raise OptionError(
                f"{Path(output).name!r} names a {Path(output).suffix.lower()} file, but export writes XES: "
                "use a .xes name (uxcli attempts -o FILE.csv writes the attempts as a table)"
            )
        with keeping_events():
            inputs = read_inputs(paths, dataclasses.replace(source, engine="whole"))
        text, notes = to_xes(inputs.dataset.attempts)
        for note in notes:
            say(f"note: {note}")
        write_output(text, output if output is None else Path(output))
