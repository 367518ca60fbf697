"""`uxcli report` and `uxcli chart`: the study report (HTML or Markdown) and single charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    data_files,
    data_options,
    read_inputs,
    reported_errors,
    say,
    write_output,
)

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
CompareByOption = Annotated[
    str,
    typer.Option(
        "--compare-by",
        help="Column whose two values are compared (when it has two or more).",
        rich_help_panel=opt.STATS,
    ),
]


def _options(title, confidence, time_of, compare_by, sus, encoding):
    from uxcli.report.build import ReportOptions

    return ReportOptions(
        title=title,
        confidence=confidence,
        time_of=time_of.value,
        compare_by=compare_by,
        sus_paths=tuple(sus or ()),
        encoding=encoding,
    )


@opt.with_data_options()
def report(
    paths: opt.Paths,
    output: ReportOutput,
    title: TitleOption = None,
    sus: SusOption = None,
    compare_by: CompareByOption = "variant",
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    data: dict | None = None,
) -> None:
    """Write the study report: overview, task table, charts, questionnaires and comparisons.

    Example: uxcli report sessions/ --sus survey.csv -o report.html
    """
    with reported_errors(debug):
        suffix = output.suffix.lower()
        if suffix not in (".html", ".htm", ".md", ".markdown"):
            from uxcli.errors import OptionError

            raise OptionError(f"cannot tell the report format from {output.name!r}: use .html or .md")
        check_output_path(output, [*paths, *(sus or []), *data_files(data)])
        dataset = read_inputs(
            paths,
            layout=layout,
            encoding=encoding,
            column_map=column_map,
            strict=strict,
            verbose=verbose,
            prep=data_options(**data),
        )
        from uxcli.report.build import build_report

        data = build_report(dataset, _options(title, confidence, time_of, compare_by, sus, encoding))
        if suffix in (".html", ".htm"):
            from uxcli.report.html import render_html

            write_output(render_html(data), output)
        else:
            _write_markdown(data, output)
        say(f"wrote {output}")


def _write_markdown(data, output: Path) -> None:
    from uxcli.report.markdown import render_markdown_report

    chart_dir = output.parent / f"{output.stem}_files"
    text, files = render_markdown_report(data, chart_dir, output.stem, link_dir=f"{chart_dir.name}/")
    from uxcli.sources import write_atomic

    chart_dir.mkdir(parents=True, exist_ok=True)
    for path, svg in files.items():
        write_atomic(path, lambda handle, svg=svg: handle.write(svg.encode("utf-8")))
    write_output(text, output)


def _chart_kinds() -> list[str]:
    # Names only (no matplotlib import) so --help and completion stay fast.
    return ["success", "time", "errors-clicks", "outcome-grid", "sus", "compare"]


KindArgument = Annotated[
    str, typer.Argument(help="success | time | errors-clicks | outcome-grid | sus | compare", show_default=False)
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


@opt.with_data_options()
def chart(
    kind: KindArgument,
    paths: opt.Paths,
    output: ChartOutput = None,
    sus: SusOption = None,
    compare_by: CompareByOption = "variant",
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    data: dict | None = None,
) -> None:
    """Write one chart (for slides): success, time, errors-clicks, outcome-grid, sus or compare.

    Example: uxcli chart time sessions/ -o time.png
    """
    with reported_errors(debug):
        from uxcli.errors import InputError, OptionError

        if kind not in _chart_kinds():
            raise OptionError(f"unknown chart {kind!r}; choose one of {', '.join(_chart_kinds())}")
        if output is not None and output.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise OptionError(f"cannot tell the image format from {output.name!r}: use .png, .svg or .pdf")
        check_output_path(output, [*paths, *(sus or []), *data_files(data)])
        dataset = read_inputs(
            paths,
            layout=layout,
            encoding=encoding,
            column_map=column_map,
            strict=strict,
            verbose=verbose,
            prep=data_options(**data),
        )
        from uxcli.report import charts
        from uxcli.report.build import build_report

        # Only the chart asked for: no comparison tests or SUS reading for the other kinds.
        data = build_report(
            dataset,
            _options(
                None,
                confidence,
                time_of,
                compare_by if kind == "compare" else "",
                sus if kind == "sus" else None,
                encoding,
            ),
        )
        if kind == "sus" and data.sus_scores is None:
            raise InputError("no SUS answers: pass --sus FILE or YAML sessions with questionnaires: {sus: [...]}")
        if kind == "compare" and data.comparison is None:
            raise InputError(f"nothing to compare: the data has fewer than two values of {compare_by!r}")
        figure = charts.draw(kind, data)
        if output is None:
            write_output(charts.svg_document(figure), None)
        else:
            charts.save_figure(figure, output)
            say(f"wrote {output}")
