"""`uxcli report` and `uxcli chart` on the sample study, end to end through the CLI."""

from __future__ import annotations

import re

import pytest

EVENTS = "sample_sessions/events.csv"
SUS = "sample_sessions/questionnaires/sus.csv"
YAML = "sample_sessions/layouts/study.yaml"


def test_html_report_is_self_contained_with_every_chart(cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", EVENTS, "--sus", SUS, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    html = out.read_text(encoding="utf-8")
    figures = re.findall(r'<figure[^>]*id="([^"]+)"', html)
    assert len(figures) == 7, figures  # success, time, errors-clicks, grid, survival, SUS, comparison
    assert html.count("<svg") >= 7
    # nothing fetched from the network: no scripts, no external links to resources
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)
    for task in ("find-product", "add-to-cart", "apply-coupon", "change-address", "checkout"):
        assert task in html
    assert "636 rows read from 1 file" in html  # the data-quality note accounts for every row


def test_report_without_variants_or_sus_leaves_those_charts_out(cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", "sample_sessions/messy/tool_export.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "SUS scores" not in html
    # success, time, the outcome grid and time to success; this export has no clicks or errors, so that
    # chart is left out with a note instead of drawing empty bars
    assert len(re.findall(r"<figure", html)) == 4


def test_yaml_study_report_uses_its_name_and_session_sus(cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", YAML, "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Checkout redesign" in html  # study.name from the YAML metadata
    assert "SUS" in html


def test_markdown_report_writes_svg_files_beside_it(cli, tmp_path):
    out = tmp_path / "report.md"
    result = cli("report", EVENTS, "--sus", SUS, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", text)
    assert len(links) == 7
    for link in links:
        svg = (tmp_path / link).read_text(encoding="utf-8")
        assert "<svg" in svg
    assert "| find-product |" in text or "find-product" in text


def test_report_refuses_unknown_suffix_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "report.pdf"
    result = cli("report", EVENTS, "-o", out)
    assert result.exit_code == 2
    assert "use .html or .md" in result.stderr
    assert not out.exists()


def test_report_on_bad_input_leaves_no_file(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,task,outcome\nP1,t1,maybe\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = cli("report", bad, "-o", out)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "bad.csv:2" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left behind either


@pytest.mark.parametrize("kind", ["success", "time", "errors-clicks", "outcome-grid", "compare"])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_chart_writes_an_image(cli, tmp_path, kind, suffix):
    out = tmp_path / f"chart{suffix}"
    result = cli("chart", kind, EVENTS, "-o", out)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:400]


def test_sus_chart_needs_sus_answers(cli):
    result = cli("chart", "sus", EVENTS)
    assert result.exit_code == 1
    assert "no SUS answers" in result.stderr
    ok = cli("chart", "sus", EVENTS, "--sus", SUS)
    assert ok.exit_code == 0 and ok.stdout.lstrip().startswith("<?xml")


def test_chart_unknown_kind_is_a_usage_error(cli):
    result = cli("chart", "pie", EVENTS)
    assert result.exit_code == 2
    assert "unknown chart 'pie'" in result.stderr


def test_overview_has_session_dates_and_exclusions_are_noted(cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", EVENTS, "--exclude", "participant=P03", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    # sample sessions run from 3 to 12 November 2026 (ISO timestamps in events.csv)
    assert "2026-11-03 – 2026-11-12" in html
    notes = re.findall(r"<li>(.*?)</li>", html)
    assert "41 attempts: 37 analysed, 4 excluded" in notes
    assert any("participant P03" in n and "--exclude participant=P03" in n for n in notes)


def test_attempt_table_without_dates_has_no_dates_entry(cli, tmp_path):
    out = tmp_path / "report.html"
    assert cli("report", "sample_sessions/layouts/attempts.csv", "-o", out).exit_code == 0
    assert "Dates" not in out.read_text(encoding="utf-8")
