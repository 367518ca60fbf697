"""`uxcli chart`: one chart of the study, for slides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, read_inputs, reported_errors, say, write_output
from uxcli.cli.compare import PairedFlag, Pairing, PairingOption, pairing_value
from uxcli.cli.report import CompareByOption, SusOption, report_options
from uxcli.report.charts import CHART_KINDS

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


KindArgument = Annotated[
    str,
    typer.Argument(help="; ".join(f"{k.name}: {k.description}" for k in CHART_KINDS.values()), show_default=False),
]
ChartByOption = Annotated[
    Optional[str],
    typer.Option(
        "--by",
        help="chart survival: group columns, comma-separated (a panel per task, a line per condition), "
        "e.g. task,variant.",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
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
    by: ChartByOption = None,
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
    """Write one chart (for slides): {kinds}.

    Example: uxcli chart time sessions/ -o time.png; uxcli chart discovery problems.csv -o discovery.svg
    """
    with reported_errors(debug):
        from uxcli import pipeline

        pipeline.chart_kind(kind)
        if output is not None and output.suffix.lower() not in (".png", ".svg", ".pdf"):
            from uxcli.errors import OptionError

            raise OptionError(f"cannot tell the image format from {output.name!r}: use .png, .svg or .pdf")
        check_output_path(output, [*source.files(paths), *(sus or [])])
        groups = tuple(c.strip() for c in (by or "").split(",") if c.strip())
        if pipeline.chart_kind(kind).needs == "problems":  # a problem matrix, not a task log
            if len(paths) != 1:
                from uxcli.errors import OptionError

                raise OptionError(f"chart {kind} reads one problem matrix, not {len(paths)} inputs")
            _write(pipeline.problems_chart(paths[0], transpose=source.transpose), output)
            return
        if groups and kind != "survival":
            from uxcli.errors import OptionError

            raise OptionError(f"--by applies to chart survival, not chart {kind}")
        how = pairing_value(pairing, paired)
        try:
            inputs = read_inputs(paths, source)
        except pipeline.InputError as error:  # a questionnaire export given as the task log: say so
            raise pipeline.chart_read_error(kind, error, source.files(paths)) from error
        figure = pipeline.chart(
            inputs,
            kind,
            report_options(None, confidence, time_of, compare_by, sus, source.encoding, how, assisted),
            by=groups,
        )
        _write(figure, output)


if chart.__doc__:  # the kinds from the registry, so a new kind shows in --help without editing this text
    chart.__doc__ = chart.__doc__.replace("{kinds}", ", ".join(CHART_KINDS))


def _write(figure: Any, output: Path | None) -> None:
    from uxcli.report.charts.common import save_figure, svg_document

    if output is None:
        write_output(svg_document(figure), None)
    else:
        save_figure(figure, output)
        say(f"wrote {output}")
