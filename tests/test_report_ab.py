"""The report as an A/B readout (issue #12): verdicts in words first, the design in the overview, the task
table per condition side by side, every questionnaire per condition with its comparison.

Three studies in tests/data/report_ab/: a between-subjects A/B study in YAML sessions (SUS and SEQ per
session), a within-subjects study (every participant used methods A and B, one CSV) and two rounds kept
as folders whose participant ids both restart at P01 (24 people, not 12). Every number of a verdict is
recomputed here from the raw files with scipy (N−1 two-proportion test and adjusted-Wald difference
interval: Sauro & Lewis, Quantifying the User Experience 2nd ed., ch. 5; Welch and paired t on log
times / scores). Golden Markdown files: tests/golden/report_ab/ (UPDATE_GOLDEN=1 regenerates them).
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as sps

from uxcli import pipeline
from uxcli.readers.options import ReadOptions
from uxcli.report.build import ReportOptions
from uxcli.report.html import render_html
from uxcli.report.markdown import render_markdown_report

sys.path.insert(0, str(Path(__file__).parent))

AB = Path(__file__).parent / "data" / "report_ab"
GENERATED = "2026-01-01 00:00 UTC"
Z95 = sps.norm.ppf(0.975)


def _report(monkeypatch, paths: list[str], compare_by: str = "variant", **options):
    monkeypatch.chdir(AB)  # file labels are the paths as typed ("round1", "round2")
    inputs = pipeline.load_inputs(ReadOptions(paths=tuple(paths)))
    return pipeline.report_data(inputs, ReportOptions(compare_by=compare_by, generated=GENERATED, **options))


def _markdown(report, tmp_path: Path) -> str:
    text, _files = render_markdown_report(report, tmp_path, "report")
    return text


def _verdict(report, task: str, metric: str):
    found = [v for v in report.readout if v.task == task and v.metric == metric]
    assert len(found) == 1, [(v.task, v.metric) for v in report.readout]
    return found[0]


def _signed(value: float, digits: int = 0) -> str:
    text = f"{abs(value):.{digits}f}"
    return text if round(value, digits) == 0 else ("+" if value > 0 else "−") + text


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _n1_two_proportion(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float, float, float]:
    """(difference B − A, CI low, CI high, p): the N−1 two-proportion test and the adjusted-Wald interval
    of the difference (QUX 2nd ed. ch. 5), written out here from the formulas."""
    p_a, p_b = x_a / n_a, x_b / n_b
    n = n_a + n_b
    pooled = (x_a + x_b) / n
    z = (p_b - p_a) * math.sqrt((n - 1) / n) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    p = 2 * sps.norm.sf(abs(z))
    adj = [((x + Z95**2 / 4) / (m + Z95**2 / 2), m + Z95**2 / 2) for x, m in ((x_a, n_a), (x_b, n_b))]
    (pa, ma), (pb, mb) = adj
    se = math.sqrt(pa * (1 - pa) / ma + pb * (1 - pb) / mb)
    return p_b - p_a, (pb - pa) - Z95 * se, (pb - pa) + Z95 * se, p


def _sus_score(answers: list[int]) -> float:
    odd = sum(a - 1 for a in answers[0::2])
    even = sum(5 - a for a in answers[1::2])
    return (odd + even) * 2.5


# --------------------------------------------------------------------------- between subjects


def _between_sessions() -> list[dict]:
    return yaml.safe_load((AB / "between.yaml").read_text(encoding="utf-8"))["sessions"]


def test_between_subjects_readout_matches_scipy(monkeypatch) -> None:
    report = _report(monkeypatch, ["between.yaml"])
    sessions = _between_sessions()
    done = {v: [s["tasks"][0]["outcome"] == "success" for s in sessions if s["variant"] == v] for v in "AB"}
    diff, low, high, p = _n1_two_proportion(sum(done["A"]), len(done["A"]), sum(done["B"]), len(done["B"]))
    success = _verdict(report, "checkout", "success_rate")
    expected = (
        f"B: task success {np.mean(done['B']):.0%} vs {np.mean(done['A']):.0%} (A), {_signed(diff * 100)} points "
        f"(95% CI {_signed(low * 100)} to {_signed(high * 100)}), {_p(p)}, N−1 two-proportion, between subjects"
    )
    assert success.text == expected
    assert success.significant == bool(p < 0.05)

    # checkout time: Welch t on the log completion times, reported as the ratio of geometric means
    times = {
        v: np.log(
            [s["tasks"][0]["time"] for s in sessions if s["variant"] == v and s["tasks"][0]["outcome"] == "success"]
        )
        for v in "AB"
    }
    welch = sps.ttest_ind(times["B"], times["A"], equal_var=False)
    time = _verdict(report, "checkout", "time")
    assert f"{math.exp(times['B'].mean() - times['A'].mean()):.2f}× the time" in time.text
    assert _p(welch.pvalue) in time.text and time.significant == bool(welch.pvalue < 0.05)

    # SUS: each respondent's score from the ten answers, Welch t between the designs
    sus = {v: np.array([_sus_score(s["questionnaires"]["sus"]) for s in sessions if s["variant"] == v]) for v in "AB"}
    sus_welch = sps.ttest_ind(sus["B"], sus["A"], equal_var=False)
    ci = sps.ttest_ind(sus["B"], sus["A"], equal_var=False).confidence_interval(0.95)
    verdict = _verdict(report, "", "sus")
    assert verdict.text == (
        f"B: SUS {sus['B'].mean():.1f} vs {sus['A'].mean():.1f} (A), {_signed(sus['B'].mean() - sus['A'].mean(), 1)} "
        f"(95% CI {_signed(ci.low, 1)} to {_signed(ci.high, 1)}), {_p(sus_welch.pvalue)}, Welch t"
    )
    assert verdict.significant

    # SEQ appears (per task) because the sessions have it
    seq = {v: np.array([s["questionnaires"]["seq"]["checkout"] for s in sessions if s["variant"] == v]) for v in "AB"}
    seq_verdict = _verdict(report, "checkout", "seq")
    assert f"SEQ {seq['B'].mean():.2f} vs {seq['A'].mean():.2f} (A)" in seq_verdict.text
    assert _p(sps.ttest_ind(seq["B"], seq["A"], equal_var=False).pvalue) in seq_verdict.text
    assert [s.instrument for s in report.questionnaires] == ["sus", "seq"]


def test_between_subjects_overview_states_the_design(monkeypatch) -> None:
    report = _report(monkeypatch, ["between.yaml"])
    assert report.overview["Participants"] == "24"
    assert report.overview["Subjects"] == "between subjects"
    assert report.overview["Participants per group"] == "A: 12, B: 12"
    assert report.overview["Design"].startswith("condition = variant (2: A, B), between subjects")


def test_not_significant_is_worded_as_no_detectable_difference(monkeypatch, tmp_path) -> None:
    report = _report(monkeypatch, ["between.yaml"])
    text = _markdown(report, tmp_path)
    search = _verdict(report, "search", "success_rate")
    assert not search.significant
    assert f"- **No detectable difference:** search — {search.text.replace('<', chr(92) + '<')}" in text
    assert "**Significant difference:** checkout — B: task time" in text


def test_between_subjects_markdown_golden(monkeypatch, tmp_path, golden) -> None:
    text = _markdown(_report(monkeypatch, ["between.yaml"]), tmp_path)
    sections = re.findall(r"^## (.+)$", text, flags=re.M)
    assert sections[:3] == ["Readout", "Overview", "Task metrics"]  # the readout leads
    assert "Questionnaires" in sections and "### SUS" in text and "### SEQ" in text
    golden("report_ab/between.md", text)


def test_side_by_side_table_marks_significant_b_values(monkeypatch) -> None:
    from uxcli.report.html import condition_table

    report = _report(monkeypatch, ["between.yaml"])
    table = condition_table(report)
    assert table is not None
    assert table.headers == [
        "Task",
        "Success A",
        "Success B",
        "Time A",
        "Time B",
        "Errors / attempt A",
        "Errors / attempt B",
    ]
    checkout = next(row for row in table.rows if row[0] == "checkout")
    assert checkout[4].endswith(" *") == _verdict(report, "checkout", "time").significant
    assert checkout[2].endswith(" *") == _verdict(report, "checkout", "success_rate").significant
    assert not any(cell.endswith("*") for cell in checkout[1::2][1:])  # A values are never marked


# --------------------------------------------------------------------------- within subjects


def test_within_subjects_uses_paired_tests(monkeypatch, tmp_path, golden) -> None:
    report = _report(monkeypatch, ["within.csv"], compare_by="method")
    assert report.overview["Subjects"] == "within subjects"
    assert report.overview["Participants"] == "10"  # the same ten people did both
    frame = pd.read_csv(AB / "within.csv")
    find = frame[frame["task"] == "find"].pivot(index="participant", columns="method", values="time")
    paired = sps.ttest_rel(np.log(find["B"]), np.log(find["A"]))
    time = _verdict(report, "find", "time")
    ratio = math.exp(float(np.mean(np.log(find["B"]) - np.log(find["A"]))))
    ci = paired.confidence_interval(0.95)
    assert f"{ratio:.2f}× the time (95% CI {math.exp(ci.low):.2f}× to {math.exp(ci.high):.2f}×)" in time.text
    assert _p(paired.pvalue) in time.text and "paired t on log times, within subjects" in time.text
    # pay success: 7/10 with A, 10/10 with B, the same people: McNemar (mid-p), not a two-sample test.
    # Three discordant pairs, all one way: exact two-sided p = 2·0.5³ = 0.25, mid-p = 0.25 − P(X = 3) = 0.125.
    pay = _verdict(report, "pay", "success_rate")
    mid_p = 2 * sps.binom.cdf(0, 3, 0.5) - sps.binom.pmf(0, 3, 0.5)
    assert "100% vs 70% (A)" in pay.text and _p(mid_p) in pay.text and "McNemar" in pay.text
    golden("report_ab/within.md", _markdown(report, tmp_path))


# --------------------------------------------------------------------------- two rounds, ids restart


def test_two_rounds_with_restarting_ids_are_24_people(monkeypatch, tmp_path, golden) -> None:
    report = _report(monkeypatch, ["round1/", "round2/"], compare_by="file")
    assert report.overview["Participants"] == "24"
    assert report.overview["Participants per group"] == "round1: 12, round2: 12"
    assert report.overview["Subjects"] == "between subjects"
    rounds = {r: pd.read_csv(AB / r / "sessions.csv") for r in ("round1", "round2")}
    checkout = {r: (f["outcome"][f["task"] == "checkout"] == "success") for r, f in rounds.items()}
    diff, low, high, p = _n1_two_proportion(int(checkout["round1"].sum()), 12, int(checkout["round2"].sum()), 12)
    verdict = _verdict(report, "checkout", "success_rate")
    assert verdict.text == (
        f"round2: task success {checkout['round2'].mean():.0%} vs {checkout['round1'].mean():.0%} (round1), "
        f"{_signed(diff * 100)} points (95% CI {_signed(low * 100)} to {_signed(high * 100)}), {_p(p)}, "
        f"N−1 two-proportion, between subjects"
    )
    assert verdict.significant
    # the task table and charts count each round's P01 as its own person
    rows = report.summary[report.summary["task"] == "checkout"]
    assert list(rows["file"]) == ["round1", "round2"]
    assert report.attempts["participant"].nunique() == 24
    golden("report_ab/rounds.md", _markdown(report, tmp_path))


def test_rounds_cli_writes_html_and_markdown(cli, tmp_path) -> None:
    base = "tests/data/report_ab"
    for name in ("rounds.html", "rounds.md"):
        out = tmp_path / name
        result = cli("report", f"{base}/round1/", f"{base}/round2/", "--compare-by", "file", "-o", out)
        assert result.exit_code == 0, result.stderr
        text = out.read_text(encoding="utf-8")
        assert "Readout" in text and "round2: task success 83% vs 42% (" in text


# --------------------------------------------------------------------------- HTML


def test_html_readout_comes_first_and_flags_significant(monkeypatch) -> None:
    report = _report(monkeypatch, ["between.yaml"])
    page = render_html(report)
    ids = re.findall(r'<section id="([a-z-]+)"', page)
    assert ids[:2] == ["readout", "overview"] and "sus" in ids and "comparison" in ids
    assert page.count('<li class="significant">') == sum(v.significant for v in report.readout)
    assert page.count('<li class="not-significant">') == sum(not v.significant for v in report.readout)
    assert 'id="task-metrics-conditions"' in page and 'id="questionnaire-1-comparison"' in page


def test_report_without_conditions_has_no_readout(monkeypatch) -> None:
    report = _report(monkeypatch, ["round1/"], compare_by="file")
    assert report.readout == () and report.compared is None
    assert '<section id="readout"' not in render_html(report)


cdp = pytest.importorskip("cdp")


@pytest.mark.skipif(cdp.find_chromium() is None, reason="Chromium not found (Debian's `chromium` package)")
def test_ab_report_in_headless_chromium(monkeypatch, tmp_path) -> None:
    page = tmp_path / "ab.html"
    page.write_text(render_html(_report(monkeypatch, ["between.yaml"])), encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir()
    with cdp.Browser(
        cdp.find_chromium(), profile, cdp.Deadline(30.0), extra_args=["--window-size=1366,900"]
    ) as browser:
        session = browser.open_page()
        for domain in ("Page", "Runtime"):
            browser.call(f"{domain}.enable", session=session)
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        browser.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
        browser.wait_for_event("Page.loadEventFired", session)
        layout = json.loads(
            browser.evaluate(
                session,
                "JSON.stringify({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,"
                " first: document.querySelector('main section h2').textContent,"
                " marked: document.querySelectorAll('ul.readout li.significant').length,"
                " figures: Array.from(document.querySelectorAll('figure svg')).map(s => s.getBoundingClientRect().height)})",
            )
        )
        metrics = browser.call("Page.getLayoutMetrics", session=session)
        shot = browser.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1366, "height": int(metrics["cssContentSize"]["height"]), "scale": 1},
            },
            session,
        )
    png = base64.b64decode(shot["data"])
    (tmp_path / "ab.png").write_bytes(png)
    assert layout["first"] == "Readout" and layout["marked"] >= 2
    assert layout["sw"] <= layout["cw"], "page scrolls sideways on a laptop screen"
    assert layout["figures"] and min(layout["figures"]) > 100
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_questionnaires_from_stdin_are_said_to_be_pooled(cli, tmp_path) -> None:
    out = tmp_path / "stdin.md"
    text = (AB / "between.yaml").read_text(encoding="utf-8")
    result = cli("report", "-", "-o", out, input=text)
    assert result.exit_code == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    assert "answers read from standard input are not split by variant" in report
    assert "## Questionnaire: SUS" in report and "## Readout" in report
