"""`uxcli report`: the study report, in HTML or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, read_inputs, reported_errors, say, write_output
from uxcli.cli.compare import PairedFlag, Pairing, PairingOption, pairing_value

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags
    from uxcli.report.build import ReportOptions
    from uxcli.report.model import ReportData

ReportOutput = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="report.html (self-contained) or report.md (charts as SVG files beside it).",
        dir_okay=False,
        rich_help_panel=opt.OUTPUT,
    ),
]
TitleOption = Annotated[
    Optional[str], typer.Option("--title", help="Report title (default: study name).", show_default=False)
]
SusOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--sus",
        help="SUS answers (CSV export or YAML sessions) to include. Repeatable. "
        "YAML sessions given as inputs are used automatically.",
        show_default=False,
    ),
]
ProblemsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--problems",
        help="A problem matrix or long list (as `uxcli problems` reads): adds the problem-discovery section.",
        dir_okay=False,
        show_default=False,
    ),
]
CompareByOption = Annotated[
    str,
    typer.Option(
        "--compare-by",
        help="Column whose two values are compared (when it has two or more); file: the inputs (rounds).",
        rich_help_panel=opt.STATS,
    ),
]


def report_options(
    title: str | None,
    confidence: float,
    time_of: opt.TimeOf,
    compare_by: str,
    sus: list[str] | None,
    encoding: str | None,
    pairing: str = "auto",
    assisted: str | None = None,
    problems: Path | None = None,
) -> ReportOptions:
    from uxcli.report.build import ReportOptions

    return ReportOptions(
        title=title,
        confidence=confidence,
        time_of=time_of.value,
        compare_by=compare_by,
        pairing=pairing,
        assisted=assisted or "failure",
        sus_paths=tuple(sus or ()),
        encoding=encoding,
        problems_path=str(problems) if problems is not None else None,
    )


@opt.with_input_options()
def report(
    paths: opt.Paths,
    output: ReportOutput,
    title: TitleOption = None,
    sus: SusOption = None,
    problems: ProblemsOption = None,
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
    """Write the study report: overview, task table, charts, questionnaires and comparisons; navigation
    when the event log has a target column; problem discovery with --problems FILE.

    Example: uxcli report sessions/ --sus survey.csv -o report.html
    """
    with reported_errors(debug):
        from uxcli import pipeline

        suffix = output.suffix.lower()
        if suffix not in (".html", ".htm", ".md", ".markdown"):
            from uxcli.errors import OptionError

            raise OptionError(f"cannot tell the report format from {output.name!r}: use .html or .md")
        check_output_path(output, [*source.files(paths), *(sus or []), *([str(problems)] if problems else [])])
        how = pairing_value(pairing, paired)
        options = report_options(title, confidence, time_of, compare_by, sus, source.encoding, how, assisted, problems)
        from uxcli.navigation.events import keeping_events

        with keeping_events():  # the navigation section needs each attempt's targeted events
            inputs = read_inputs(paths, source)
        data = pipeline.report_data(inputs, options)
        if suffix in (".html", ".htm"):
            from uxcli.report.html import render_html

            write_output(render_html(data), output)
        else:
            _write_markdown(data, output)
        say(f"wrote {output}")


def _write_markdown(data: ReportData, output: Path) -> None:
    """The Markdown report, and its charts as SVG files in a folder beside it."""
    from uxcli.report.markdown import render_markdown_report

    chart_dir = output.parent / f"{output.stem}_files"
    text, files = render_markdown_report(data, chart_dir, output.stem, link_dir=f"{chart_dir.name}/")
    chart_dir.mkdir(parents=True, exist_ok=True)
    for path, svg in files.items():
        write_output(svg, path)
    write_output(text, output)
