"""`uxcli chart`: one chart of the study, for slides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, read_inputs, reported_errors, say, write_output
from uxcli.cli.compare import PairedFlag, Pairing, PairingOption, pairing_value
from uxcli.cli.report import CompareByOption, SusOption, report_options
from uxcli.report.charts import CHART_KINDS

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


KindArgument = Annotated[str, typer.Argument(help=" | ".join(CHART_KINDS), show_default=False)]
ChartOutput = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        help="chart.png, chart.svg or chart.pdf (default: SVG on stdout).",
        dir_okay=False,
        rich_help_panel=opt.OUTPUT,
    ),
]


@opt.with_input_options()
def chart(
    kind: KindArgument,
    paths: opt.Paths,
    output: ChartOutput = None,
    sus: SusOption = None,
    compare_by: CompareByOption = "variant",
    pairing: PairingOption = Pairing.auto,
    paired: PairedFlag = False,
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    assisted: opt.AssistedOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Write one chart (for slides): success, time, errors-clicks, outcome-grid, sus or compare.

    Example: uxcli chart time sessions/ -o time.png
    """
    with reported_errors(debug):
        from uxcli import pipeline

        pipeline.chart_kind(kind)
        if output is not None and output.suffix.lower() not in (".png", ".svg", ".pdf"):
            from uxcli.errors import OptionError

            raise OptionError(f"cannot tell the image format from {output.name!r}: use .png, .svg or .pdf")
        check_output_path(output, [*source.files(paths), *(sus or [])])
        how = pairing_value(pairing, paired)
        try:
            inputs = read_inputs(paths, source)
        except pipeline.InputError as error:  # a questionnaire export given as the task log: say so
            raise pipeline.chart_read_error(kind, error, source.files(paths)) from error
        from uxcli.report.charts.common import save_figure, svg_document

        figure = pipeline.chart(
            inputs, kind, report_options(None, confidence, time_of, compare_by, sus, source.encoding, how, assisted)
        )
        if output is None:
            write_output(svg_document(figure), None)
        else:
            save_figure(figure, output)
            say(f"wrote {output}")
