"""The report as Markdown (GitHub-flavoured), with its charts as SVG files beside it.

`render_markdown_report` returns the Markdown text and the SVG files to write; the caller writes
them (atomically). The sections, tables, captions and alt text are the same as in the HTML report
(see uxcli.report.html), so wikis and repositories get the same content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from uxcli.report.charts import SECTIONS
from uxcli.report.html import (
    Table,
    build_report_charts,
    comparison_table,
    condition_table,
    discovery_content,
    methods_text,
    navigation_tables,
    questionnaire_content,
    readout_caption,
    readout_lines,
    skipped_chart_notes,
    task_table,
)
from uxcli.report.model import ReportData

# Backslash escapes work for every ASCII punctuation character (CommonMark 2.4): "<" can then
# never open an HTML tag, "|" never splits a table cell; "&" only where it would start an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~<>!]|&(?=#?[A-Za-z0-9]+;))")


def md_text(value: object) -> str:
    """Text safe to put inline in Markdown, including table cells: one line, with Markdown and
    HTML punctuation backslash-escaped, so user text never becomes markup."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _table(table: Table) -> str:
    header = "| " + " | ".join(md_text(h) for h in table.headers) + " |"
    rule = "|" + "|".join("---:" if numeric else ":---" for numeric in table.numeric) + "|"
    rows = ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join([header, rule, *rows]) + "\n\n" + f"_{md_text(table.caption)}_\n"


def _facts(facts: Mapping[str, str]) -> str:
    return "".join(f"- **{md_text(label)}:** {md_text(value)}\n" for label, value in facts.items())


def chart_filename(chart_prefix: str, kind: str) -> str:
    return f"{chart_prefix}-{kind}.svg"


def render_markdown_report(
    report: ReportData, chart_dir: Path, chart_prefix: str, link_dir: str = ""
) -> tuple[str, dict[Path, str]]:
    """The Markdown report and {svg path: svg text} for its charts.

    Charts are written to chart_dir / f"{chart_prefix}-{kind}.svg" and linked by relative path
    link_dir + file name (link_dir "" when chart_dir is the Markdown file's own directory, or e.g.
    "report_files/" for a sub-directory).
    """
    from uxcli.report.charts.common import svg_document

    charts = build_report_charts(report)
    files: dict[Path, str] = {}
    figure_md: dict[str, list[str]] = {section: [] for section in SECTIONS}
    for number, chart in enumerate(charts, start=1):
        name = chart_filename(chart_prefix, chart.kind)
        files[Path(chart_dir) / name] = svg_document(chart.figure)
        link = quote(f"{link_dir}{name}", safe="/._-~")
        figure_md[chart.section].append(
            f"![{md_text(chart.alt)}]({link})\n\n*Figure {number}.* {md_text(chart.caption)}\n"
        )

    parts = [f"# {md_text(report.title)}\n", f"Generated {md_text(report.generated)}\n"]

    readout = readout_lines(report)
    if readout:
        parts.append("## Readout\n")
        parts.append("".join(f"- **{md_text(lead)}:** {md_text(text)}\n" for lead, text, _ in readout))
        parts.append(f"_{md_text(readout_caption(report))}_\n")

    parts.append("## Overview\n")
    parts.append(_facts(report.overview) if report.overview else "_No overview._\n")
    parts.append("### Data quality\n")
    if report.notes:
        parts.append("".join(f"- {md_text(note)}\n" for note in report.notes))
    else:
        parts.append("_No exclusions, warnings or rows set aside._\n")

    parts.append("## Task metrics\n")
    side_by_side = condition_table(report)
    if side_by_side is not None and report.compared is not None:
        parts.append(_table(side_by_side))
        parts.append(f"### Per task and {md_text(report.compared.column)}\n")
    parts.append(_table(task_table(report)))

    parts.append("## Charts\n")
    parts.extend(figure_md["charts"])
    parts.extend(f"_{md_text(note)}_\n" for note in skipped_chart_notes(report, charts))

    heading, facts, tables = questionnaire_content(report)
    if heading:
        parts.append(f"## {heading}\n")
        if facts:
            parts.append(_facts(facts))
        for title, table, compared in tables:
            parts.append(f"### {md_text(title)}\n")
            parts.append(_table(table))
            if compared is not None:
                parts.append(_table(compared))
        parts.extend(figure_md["sus"])

    comparison = comparison_table(report)
    if comparison is not None:
        parts.append("## Comparison\n")
        parts.extend(figure_md["comparison"])
        parts.append(_table(comparison))

    navigation = navigation_tables(report)
    if navigation is not None:
        paths, first, method = navigation
        parts.append("## Navigation\n")
        parts.append(_table(paths))
        if first is not None:
            parts.append(_table(first))
        parts.append(f"_{md_text(method)}_\n")

    discovery = discovery_content(report)
    if discovery is not None:
        facts, method = discovery
        parts.append("## Problem discovery\n")
        parts.append(_facts(facts))
        parts.extend(figure_md["discovery"])
        parts.append(f"_{md_text(method)}_\n")

    parts.append("---\n")
    parts.extend(f"{md_text(paragraph)}\n" for paragraph in methods_text(report))
    parts.append(f"Generated by uxcli on {md_text(report.generated)}.\n")
    return "\n".join(parts), files
