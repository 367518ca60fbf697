"""The HTML and Markdown reports: golden structure, escaping of user text, self-containment.

Golden files live in tests/golden/ (report_structure.txt, report_markdown.md,
report_markdown_files.txt). Regenerate them after an intended change with

    UPDATE_GOLDEN=1 python -m pytest tests/test_html_report.py

and review the diff before committing.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from report_sample import TOY_CAPTION, register_toy_chart, sample_report  # noqa: E402

from uxcli.render.formatting import (  # noqa: E402
    format_duration,
    format_duration_interval,
    format_percent,
    format_percent_interval,
)
from uxcli.report.html import render_html  # noqa: E402
from uxcli.report.markdown import md_text, render_markdown_report  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 regenerates it)"


class StructureParser(HTMLParser):
    """The page's outline: sections, headings, overview labels, table headers, figures with
    their alt text and captions. SVG drawing content is ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._capture: str | None = None  # tag whose text is being collected
        self._text: list[str] = []
        self._in_svg = 0
        self._in_thead = False
        self._header_cells: list[str] = []
        self._table_id = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._in_svg:
            if tag == "svg":
                self._in_svg += 1
            return
        if tag == "svg":
            self._in_svg = 1
            self.lines.append(f"  svg role={attributes.get('role')} aria-label: {attributes.get('aria-label')}")
            return
        if tag == "section":
            self.lines.append(f"section #{attributes.get('id')}")
        elif tag == "figure":
            self.lines.append(f"figure #{attributes.get('id')}")
        elif tag == "table":
            self._table_id = attributes.get("id") or ""
        elif tag == "thead":
            self._in_thead = True
            self._header_cells = []
        if tag in {"h1", "h2", "h3", "dt", "figcaption", "caption"} or (tag == "th" and self._in_thead):
            self._capture = tag
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._in_svg:
            if tag == "svg":
                self._in_svg -= 1
            return
        if tag == "thead":
            self._in_thead = False
            self.lines.append(f"table #{self._table_id}: " + " | ".join(self._header_cells))
        if self._capture == tag:
            text = " ".join("".join(self._text).split())
            if tag == "th":
                self._header_cells.append(text)
            else:
                indent = "  " if tag in {"figcaption", "caption", "dt"} else ""
                self.lines.append(f"{indent}{tag}: {text}")
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture and not self._in_svg:
            self._text.append(data)


def structure(page: str) -> str:
    parser = StructureParser()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.lines) + "\n"


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_report())


def test_formatting() -> None:
    assert format_duration(5.2) == "5.2s"
    assert format_duration(93) == "1m 33s"
    assert format_duration(3725) == "1h 2m 5s"
    assert format_duration(42.4) == "42s"
    assert format_duration(59.7) == "1m 0s"
    assert format_duration(float("nan")) == "—"
    assert format_duration(None) == "—"
    assert format_duration(pd.NA) == "—"
    assert format_percent(0.8) == "80%"
    assert format_percent(math.nan) == "—"
    assert format_percent(0.8123, 1) == "81.2%"
    assert format_percent_interval(0.8, 0.36, 0.98) == "80% (36–98%)"
    assert format_percent_interval(0.8, math.nan, 0.98) == "80%"
    assert format_duration_interval(93, 62, 140) == "1m 33s (1m 2s–2m 20s)"


def test_html_structure_golden(page: str) -> None:
    check_golden("report_structure.txt", structure(page))


def test_html_is_one_self_contained_file(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "src=", "@font-face"):
        assert forbidden not in lowered, forbidden
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= ALLOWED_URLS
    assert re.findall(r"url\((?!#)", page) == []
    assert len(re.findall(r"<figure", page)) == 7  # every registered chart kind (survival the 7th)
    assert "@media print" in page and "break-inside: avoid" in page


def test_html_is_deterministic(page: str) -> None:
    assert render_html(sample_report()) == page


def test_figures_have_alt_text_and_captions(page: str) -> None:
    figures = re.findall(r"<figure.*?</figure>", page, flags=re.S)
    for figure in figures:
        assert re.search(r'<svg role="img" aria-label="[^"]{20,}"', figure)
        assert re.search(r"<figcaption><strong>Figure \d\.</strong> .{20,}</figcaption>", figure)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids across inline SVGs"


def test_user_text_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    report = replace(
        sample_report(tasks=[hostile, 'Tom & Jerry\'s "task"', "C", "D", "E"]),
        title="<b>Study</b>",
        notes=["<img src=x onerror=alert(1)>"],
        overview={"<i>label</i>": "<u>value</u>"},
    )
    page = render_html(report)
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b>" not in lowered
    assert "<i>" not in lowered and "<u>" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tom &amp; Jerry&#x27;s &quot;task&quot;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    text, _ = render_markdown_report(report, Path("charts"), "r")
    assert re.search(r"(?<!\\)<", text) is None, "an unescaped < in the Markdown"
    assert r"\<script\>alert(1)\</script\>" in text


def test_optional_sections_are_left_out() -> None:
    page = render_html(sample_report(with_sus=False, with_comparison=False))
    outline = structure(page)
    assert "fig-sus" not in outline and "fig-compare" not in outline
    assert "section #sus" not in outline and "section #comparison" not in outline
    assert outline.count("figure #") == 5  # success, time, errors-clicks, outcome grid, survival


def test_time_headline_follows_the_number_of_times() -> None:
    from uxcli.report.html import task_table, time_sample_sizes

    report = sample_report()
    assert time_sample_sizes(report) == [7, 6, 5, 0, 7]  # successful attempts with a time
    assert task_table(report).headers[-1] == "Time (geometric mean)"
    report = replace(report, time_n=[30] * 5)
    table = task_table(report)
    assert table.headers[-1] == "Time (median)"
    assert table.rows[0][-1].startswith("45s (")  # the sample's median of "Find a product"
    report = replace(report, time_n=[30, 8, 8, 0, 8])
    table = task_table(report)
    assert table.headers[-1] == "Time"
    assert table.rows[0][-1].endswith(" median") and table.rows[1][-1].endswith(" geo. mean")
    assert table.rows[3][-1] == "—"


def test_markdown_golden(tmp_path: Path) -> None:
    text, files = render_markdown_report(sample_report(), tmp_path / "charts", "report")
    check_golden("report_markdown.md", text)
    listing = "\n".join(str(path.relative_to(tmp_path)) for path in files) + "\n"
    check_golden("report_markdown_files.txt", listing)
    for path, svg in files.items():
        assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
        assert f"]({path.name})" in text
        assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= ALLOWED_URLS


def test_markdown_links_into_a_subdirectory(tmp_path: Path) -> None:
    text, files = render_markdown_report(
        sample_report(), tmp_path / "my report_files", "my report", link_dir="my report_files/"
    )
    assert "](my%20report_files/my%20report-success.svg)" in text
    assert tmp_path / "my report_files" / "my report-success.svg" in files


def test_md_text_escapes_markup() -> None:
    assert md_text("a|b") == r"a\|b"
    assert md_text("*x* _y_ [z](u)") == r"\*x\* \_y\_ \[z\](u)"
    assert md_text("line\nbreak") == "line break"
    assert md_text("Tom & Jerry") == "Tom & Jerry"
    assert md_text("&amp;") == r"\&amp;"


def test_a_registered_kind_joins_both_reports(monkeypatch, tmp_path: Path) -> None:
    register_toy_chart(monkeypatch)
    outline = structure(render_html(sample_report()))
    figures = re.findall(r"^figure #(\S+)", outline, flags=re.M)
    # numbered in page order: the toy goes in the "charts" section, before the SUS and comparison figures
    assert figures == [
        "fig-success",
        "fig-time",
        "fig-errors-clicks",
        "fig-outcome-grid",
        "fig-survival",
        "fig-toy",
        "fig-sus",
        "fig-compare",
    ]
    assert f"figcaption: Figure 6. {TOY_CAPTION}" in outline
    assert "aria-label: Bar chart of the attempts of 5 tasks." in outline
    text, files = render_markdown_report(sample_report(), tmp_path, "report")
    assert tmp_path / "report-toy.svg" in files
    assert f"*Figure 6.* {md_text(TOY_CAPTION)}" in text and "*Figure 8.*" in text


def test_a_kind_placed_in_another_section_and_one_without_data(monkeypatch, tmp_path: Path) -> None:
    register_toy_chart(monkeypatch, section="sus")
    outline = structure(render_html(sample_report()))
    assert re.findall(r"^figure #(\S+)", outline, flags=re.M)[-3:] == ["fig-sus", "fig-toy", "fig-compare"]
    assert outline.index("section #sus") < outline.index("figure #fig-toy") < outline.index("section #comparison")
    note = "No toy chart: the data has nothing for it."
    register_toy_chart(monkeypatch, report_text="toy_chart:no_report_text", skipped_note=note)
    page = render_html(sample_report())
    assert "fig-toy" not in page and f'<p class="muted">{note}</p>' in page
    text, files = render_markdown_report(sample_report(), tmp_path, "report")
    assert f"_{md_text(note)}_" in text and tmp_path / "report-toy.svg" not in files
