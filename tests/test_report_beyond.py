"""Issue #16 in the report and the chart command: navigation, problem discovery, SUS per condition.

- The report has a Navigation section exactly when the event log has targets, with the numbers of
  ``uxcli navigation`` (lostness: Smith 1996, *Interacting with Computers* 8(4)); per condition when it
  compares conditions.
- ``report --problems FILE`` adds a Problem discovery section with the numbers of ``uxcli problems`` and
  the discovery chart. Data: Sauro & Lewis, *Quantifying the User Experience* (2nd ed., 2016), table 7.5
  (4 participants × 7 problems, 20 hits): p̂ = .714, adjusted p = .487, 90% discovery needs 4 participants.
- ``chart discovery FILE`` draws a problem matrix and refuses a task log with file, line and column;
  ``chart survival --by``; ``chart --help`` lists the registry's kinds.
- The SUS chart has one series per condition when the report compares conditions; the means shown are
  computed here with pandas from ``uxcli sus --by variant``'s respondents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from uxcli.report.charts import CHART_KINDS

DATA = Path(__file__).resolve().parent / "data"
TABLE_7_5 = "participant,P1,P2,P3,P4,P5,P6,P7\nA,1,1,1,1,1,1,1\nB,1,1,1,1,1,0,0\nC,x,✓,1,1,,1,0\nD,1,1,1,0,0,0,0\n"
STUDY = "tasks:\n  login:\n    path: [home, login, done]\n    targets: [help]\n"
# Per variant: one direct path, one detour through help (a backtrack), one give-up after a banner; B twice direct.
PATHS = {
    "A": [["home", "login", "done"], ["home", "help", "home", "login", "done"], ["home", "banner"]],
    "B": [["home", "login", "done"], ["home", "login", "done"], ["home", "login", "help", "login", "done"]],
}


def _nav_log(variants: bool = True) -> str:
    rows, t, pid = ["participant,task,variant,timestamp,event,target"], 0, 1
    for variant, paths in PATHS.items():
        for path in paths * 2:
            who, v = f"P{pid:02d}", variant if variants else "A"
            pid += 1
            rows.append(f"{who},login,{v},{t},start,{path[0]}")
            for target in path[1:]:
                t += 4
                rows.append(f"{who},login,{v},{t},click,{target}")
            t += 3
            rows.append(f"{who},login,{v},{t},{'success' if path[-1] == 'done' else 'abandon'},")
            t += 30
    return "\n".join(rows) + "\n"


@pytest.fixture
def study(tmp_path: Path) -> dict[str, Path]:
    files = {
        "nav.csv": _nav_log(),
        "study.yaml": STUDY,
        "problems.csv": TABLE_7_5,
        "plain.csv": "participant,task,timestamp,event\nP1,a,0,start\nP1,a,5,success\nP2,a,0,start\nP2,a,9,abandon\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    return out


def _sections(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', html)


def _table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of one table of the HTML report, as text cells."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S) for r in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row] for row in cells[1:]]


def test_navigation_and_discovery_sections_hold_the_commands_numbers(cli, study, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    made = cli(
        "report", study["nav.csv"], "--study", study["study.yaml"], "--problems", study["problems.csv"], "-o", page
    )
    assert made.exit_code == 0, made.stderr
    html = page.read_text(encoding="utf-8")
    sections = _sections(html)
    assert sections[-2:] == ["navigation", "discovery"]
    assert sections.index("comparison") < sections.index("navigation")

    nav = cli("navigation", study["nav.csv"], "--study", study["study.yaml"], "--by", "task,variant", "-f", "json")
    assert nav.exit_code == 0, nav.stderr
    expected = json.loads(nav.stdout)
    rows = _table(html, "navigation-table")
    assert [r[:2] for r in rows] == [["login", "A"], ["login", "B"]]
    for row, want in zip(rows, expected, strict=True):
        assert row[2] == str(want["attempts"])
        assert row[3] == f"{want['successes']} ({want['direct_successes']} / {want['indirect_successes']})"
        assert row[4] == f"{want['lostness']:.2f}" and row[5] == f"{want['path_efficiency']:.0%}"
        assert row[6] == f"{want['backtracks_per_attempt']:.2f}" and row[8] == f"{want['misclicks_per_attempt']:.2f}"
    first = _table(html, "first-click-table")
    assert first[0][4:7] == [expected[0]["success_after_correct"], expected[0]["success_after_wrong"],
                             f"{expected[0]['first_click_z']:.3f}"]  # fmt: skip
    assert "Smith 1996" in html and "expected paths from the study file study.yaml" in html

    found = cli("problems", study["problems.csv"], "-f", "json")
    (numbers,) = json.loads(found.stdout)
    assert f"{numbers['p_raw']:.3f}" == "0.714" and f"{numbers['p_adjusted']:.3f}" == "0.487"  # QUX table 7.5
    discovery = html.split('id="discovery"', 1)[1]
    for text in (f"{numbers['p_raw']:.3f}", f"{numbers['p_adjusted']:.3f}", f"{numbers['problems_estimated']:.1f}",
                 f"90%: {numbers['n_for_90']}", "Source: problems.csv"):  # fmt: skip
        assert text in discovery, text
    assert 'id="fig-discovery"' in discovery


def test_markdown_has_the_same_sections(cli, study, tmp_path: Path) -> None:
    page = tmp_path / "report.md"
    made = cli(
        "report", study["nav.csv"], "--study", study["study.yaml"], "--problems", study["problems.csv"], "-o", page
    )
    assert made.exit_code == 0, made.stderr
    text = page.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[-2:] == ["Navigation", "Problem discovery"]
    assert "| login | A | 6 | 4 (2 / 2) |" in text
    assert (tmp_path / "report_files" / "report-discovery.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_sections_absent_without_their_data(cli, study, tmp_path: Path) -> None:
    for name, page in (("plain.csv", tmp_path / "plain.html"), ("plain.csv", tmp_path / "plain.md")):
        made = cli("report", study[name], "-o", page)
        assert made.exit_code == 0, made.stderr
        text = page.read_text(encoding="utf-8")
        assert "Navigation" not in text and "Problem discovery" not in text and "fig-discovery" not in text
    no_study = tmp_path / "nostudy.html"
    made = cli("report", study["nav.csv"], "--compare-by", "", "-o", no_study)
    assert made.exit_code == 0, made.stderr
    html = no_study.read_text(encoding="utf-8")
    assert "navigation" in _sections(html) and "first-click-table" not in html  # no expected first clicks
    assert "shortest successful path" in html and "no study file" in html


def test_a_bad_problem_file_stops_the_report_with_its_place(cli, study, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,P1,P2\nA,1,maybe\n", encoding="utf-8")
    page = tmp_path / "report.html"
    made = cli("report", study["nav.csv"], "--problems", bad, "-o", page)
    assert made.exit_code == 1
    assert "bad.csv:2" in made.stderr and "P2" in made.stderr
    assert not page.exists()


def test_chart_discovery_draws_a_problem_matrix_or_says_what_it_needs(cli, study, tmp_path: Path) -> None:
    svg = tmp_path / "d.svg"
    made = cli("chart", "discovery", study["problems.csv"], "-o", svg)
    assert made.exit_code == 0, made.stderr
    assert "<svg" in svg.read_text(encoding="utf-8")
    refused = cli("chart", "discovery", study["nav.csv"], "-o", tmp_path / "no.svg")
    assert refused.exit_code == 1 and not (tmp_path / "no.svg").exists()
    assert "needs a problem matrix" in refused.stderr and "nav.csv:2" in refused.stderr


def test_chart_survival_by_and_help_from_the_registry(cli, study, tmp_path: Path) -> None:
    import uxcli

    inputs = uxcli.load_inputs(uxcli.ReadOptions((str(study["nav.csv"]),)))
    figure = uxcli.chart(inputs, "survival", by=("task", "variant"))
    legend = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert "A" in legend and "B" in legend
    made = cli("chart", "survival", study["nav.csv"], "--by", "task,variant", "-o", tmp_path / "s.svg")
    assert made.exit_code == 0, made.stderr
    wrong = cli("chart", "time", study["nav.csv"], "--by", "task,variant")
    assert wrong.exit_code == 2 and "--by applies to chart survival" in wrong.stderr
    helped = cli("chart", "--help")
    flat = " ".join(helped.stdout.split())
    for name in CHART_KINDS:
        assert f"{name}:" in flat, name
    assert ", ".join(CHART_KINDS) in flat


def test_sus_chart_has_one_series_per_condition(cli) -> None:
    from io import StringIO

    import pandas as pd

    import uxcli
    from uxcli.report.charts import draw, report_text
    from uxcli.report.charts.sus import sus_by_condition

    path = str(DATA / "report_ab" / "between.yaml")
    data = uxcli.report_data(uxcli.load_inputs(uxcli.ReadOptions((path,))))
    groups = sus_by_condition(data)
    assert [name for name, _ in groups] == ["A", "B"]
    scored = cli("sus", path, "--by", "variant", "-f", "csv")
    assert scored.exit_code == 0, scored.stderr
    per_group = pd.read_csv(StringIO(scored.stdout)).set_index("variant")
    for name, values in groups:  # the scores drawn are the command's: same n and mean
        assert values.size == per_group.loc[name, "n"]
        assert values.mean() == pytest.approx(per_group.loc[name, "mean"], abs=1e-6)
    text = report_text("sus", data)
    assert text is not None and "per condition" in text.caption
    for name, values in groups:
        assert f"{name}: {values.size} scores, mean {values.mean():.1f}" in text.alt
    figure = draw("sus", data)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["A", "B"]
