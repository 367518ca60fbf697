"""Questionnaires by study design (issue 12): --by, --map, per-group gates, every output format.

Failure 2 of the issue: a Google Forms SUS export with a Design column gave one pooled score. SUS scores
here are computed in the test from Brooke's (1996) formula, not by uxcli.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from conftest import SUS_ITEM_TEXTS
from scipy import stats as st

from uxcli.questionnaires.analysis import QuestionnaireOptions, score

DESIGN_A = [
    [3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
    [4, 2, 4, 2, 4, 2, 4, 2, 4, 2],
    [4, 3, 4, 3, 4, 3, 4, 3, 4, 3],
    [3, 2, 3, 2, 3, 2, 3, 2, 3, 2],
]
DESIGN_B = [
    [4, 2, 4, 2, 4, 2, 4, 2, 4, 2],
    [5, 1, 5, 1, 5, 1, 5, 1, 5, 1],
    [4, 2, 4, 2, 4, 3, 4, 3, 4, 3],
    [3, 2, 4, 2, 4, 2, 4, 3, 4, 3],
]


def brooke(answers: list[int]) -> float:
    """SUS score, written out: 2.5 × (Σ(odd − 1) + Σ(5 − even))."""
    odd = sum(answers[i] - 1 for i in range(0, 10, 2))
    even = sum(5 - answers[i] for i in range(1, 10, 2))
    return 2.5 * (odd + even)


SCORES_A = [brooke(r) for r in DESIGN_A]
SCORES_B = [brooke(r) for r in DESIGN_B]


def write_forms(path, design_header="Design", rows=None):
    """A Google Forms export: Timestamp, the condition column, then the ten item texts."""
    rows = rows or [("A", r) for r in DESIGN_A] + [("B", r) for r in DESIGN_B]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", design_header, *SUS_ITEM_TEXTS])
        for i, (design, answers) in enumerate(rows):
            writer.writerow([f"2024/05/{i + 1:02d} 10:00:00 AM GMT+2", design, *answers])
    return path


@pytest.fixture
def forms(tmp_path):
    return write_forms(tmp_path / "sus.csv")


def test_the_issue_numbers_are_what_the_fixture_holds():
    assert np.mean(SCORES_A) == 62.5 and np.mean(SCORES_B) == 77.5


def test_sus_by_design_gives_one_row_per_group_and_overall(cli, forms):
    result = cli("sus", forms, "--by", "Design", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    rows = {row["Design"]: row for row in document["groups"]}
    assert list(rows) == ["A", "B", "(all)"]
    assert rows["A"]["mean"] == pytest.approx(62.5) and rows["A"]["n"] == 4
    assert rows["B"]["mean"] == pytest.approx(77.5) and rows["B"]["n"] == 4
    assert rows["(all)"]["mean"] == pytest.approx(70.0) and rows["(all)"]["n"] == 8
    low, high = st.t.interval(0.95, 3, loc=np.mean(SCORES_A), scale=st.sem(SCORES_A))
    assert rows["A"]["ci_low"] == pytest.approx(low, abs=1e-6) and rows["A"]["ci_high"] == pytest.approx(high, abs=1e-6)
    # the comparison: Welch t of B − A, as scipy computes it
    [comparison] = document["comparison"]
    welch = st.ttest_ind(SCORES_B, SCORES_A, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert comparison["difference"] == pytest.approx(15.0)
    assert comparison["p_value"] == pytest.approx(welch.pvalue, rel=1e-6)
    assert comparison["ci_low"] == pytest.approx(ci.low, abs=1e-4) and comparison["ci_high"] == pytest.approx(
        ci.high, abs=1e-4
    )
    assert comparison["test"] == "Welch t" and (comparison["n_a"], comparison["n_b"]) == (4, 4)
    assert document["pairing"].startswith("between subjects")
    assert "between subjects" in result.stderr


def test_by_matches_case_insensitively_and_names_a_miss(cli, forms):
    lower = cli("sus", forms, "--by", "design", "-f", "csv")
    assert lower.exit_code == 0, lower.stderr
    assert lower.stdout.splitlines()[0].startswith("design,n,mean")
    miss = cli("sus", forms, "--by", "Desgn", "-f", "csv")
    assert miss.exit_code == 1 and miss.stdout == ""
    assert 'no column "Desgn"' in miss.stderr and 'did you mean "Design"?' in miss.stderr
    assert "sus.csv:1" in miss.stderr


def test_map_renames_a_column_for_by(cli, tmp_path):
    path = write_forms(tmp_path / "pt.csv", design_header="Versão")
    result = cli("sus", path, "--map", "Versão=design", "--by", "design", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["design"]: row["mean"] for row in json.loads(result.stdout)["groups"]}
    assert rows == {"A": pytest.approx(62.5), "B": pytest.approx(77.5), "(all)": pytest.approx(70.0)}


def test_by_file_groups_by_the_input_argument(cli, tmp_path):
    first = write_forms(tmp_path / "round1.csv", rows=[("A", r) for r in DESIGN_A])
    second = write_forms(tmp_path / "round2.csv", rows=[("B", r) for r in DESIGN_B])
    result = cli("sus", first, second, "--by", "file", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    means = {row["file"]: row["mean"] for row in document["groups"]}
    assert means[str(first)] == pytest.approx(62.5) and means[str(second)] == pytest.approx(77.5)
    assert document["comparison"][0]["test"] == "Welch t"


def test_gate_is_checked_per_group_and_names_the_failing_group(cli, forms):
    result = cli("sus", forms, "--by", "Design", "--fail-under", "sus=68", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout.startswith("Design,n,mean")  # output is still written
    assert 'Design "A": SUS mean 62.5' in result.stderr
    assert 'Design "B":' not in result.stderr  # B (77.5) passes
    assert "1 of 2 gate checks failed" in result.stderr
    pooled = cli("sus", forms, "--fail-under", "sus=68", "-f", "csv")
    assert pooled.exit_code == 0  # the pooled 70.0 passes: the reason for per-group gates


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_format_has_the_groups(cli, forms, fmt):
    result = cli("sus", forms, "--by", "Design", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "62.5" in result.stdout and "77.5" in result.stdout
    if fmt in ("table", "markdown"):
        assert "Welch t" in result.stdout  # the comparison follows the groups
    if fmt == "csv":
        compare = cli("sus", forms, "--by", "Design", "--compare", "-f", "csv")
        assert compare.exit_code == 0
        assert compare.stdout.splitlines()[0].startswith("metric,group_a,group_b,value_a,value_b,difference")


def test_compare_without_by_is_an_option_error(cli, forms):
    result = cli("sus", forms, "--compare", "-f", "csv")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--compare needs --by" in result.stderr


def test_a_b_name_groups_case_insensitively_with_did_you_mean(cli, tmp_path):
    rows = [("A", r) for r in DESIGN_A] + [("B", r) for r in DESIGN_B] + [("C", r) for r in DESIGN_A]
    path = write_forms(tmp_path / "three.csv", rows=rows)
    three = cli("sus", path, "--by", "Design", "-f", "json")
    assert three.exit_code == 0 and json.loads(three.stdout)["comparison"] == []
    assert "name two with --a and --b" in three.stderr
    named = cli("sus", path, "--by", "Design", "--a", "c", "--b", "B", "-f", "json")
    assert named.exit_code == 0, named.stderr
    [row] = json.loads(named.stdout)["comparison"]
    assert (row["group_a"], row["group_b"]) == ("C", "B")
    miss = cli("sus", path, "--by", "Design", "--a", "X", "--b", "B")
    assert miss.exit_code == 2 and "no such group" in miss.stderr


def test_seq_per_task_by_group(cli, tmp_path):
    path = tmp_path / "seq.csv"
    path.write_text(
        "participant,variant,task,seq\n"
        + "".join(f"P{i},A,checkout,{v}\n" for i, v in enumerate([3, 4, 5, 4]))
        + "".join(f"P{i + 10},B,checkout,{v}\n" for i, v in enumerate([6, 7, 6, 5]))
    )
    result = cli("seq", path, "--by", "variant", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    rows = {(r["variant"], r["task"]): r for r in document["groups"]}
    assert rows[("A", "checkout")]["mean"] == pytest.approx(4.0) and rows[("B", "checkout")]["mean"] == pytest.approx(
        6.0
    )
    [comparison] = document["comparison"]
    assert comparison["task"] == "checkout" and comparison["metric"] == "seq"
    assert comparison["p_value"] == pytest.approx(st.ttest_ind([6, 7, 6, 5], [3, 4, 5, 4], equal_var=False).pvalue)
    gate = cli("seq", path, "--by", "variant", "--fail-under", "seq=5", "-f", "csv")
    assert gate.exit_code == 1 and 'variant "A", task "checkout"' in gate.stderr


def test_library_call_matches_the_cli(cli, forms):
    result = score("sus", QuestionnaireOptions((str(forms),), by=("Design",)))
    assert result.groups is not None and result.comparison is not None
    assert list(result.groups["Design"]) == ["A", "B", "(all)"]
    assert result.summary["mean"] == pytest.approx(70.0)  # the overall result is still there
    document = json.loads(cli("sus", forms, "--by", "Design", "-f", "json").stdout)
    assert document == json.loads(result.text("json"))


def test_without_by_the_output_is_unchanged(cli, forms):
    result = cli("sus", forms, "-f", "json")
    document = json.loads(result.stdout)
    assert set(document) == {"respondents", "summary"}
    assert document["summary"]["mean"] == pytest.approx(70.0)


def test_map_to_a_field_reads_the_participant_and_pairs_within_subjects(cli, tmp_path):
    path = tmp_path / "umux.csv"
    a = [(5, 5), (6, 5), (4, 4), (6, 6), (5, 4)]
    b = [(6, 6), (7, 6), (5, 5), (7, 7), (6, 6)]
    rows = [f"T{i},old,{x},{y}" for i, (x, y) in enumerate(a)] + [f"T{i},new,{x},{y}" for i, (x, y) in enumerate(b)]
    path.write_text("Tester,Method,UMUX1,UMUX2\n" + "\n".join(rows) + "\n")
    result = cli("umux-lite", path, "--map", "Tester=participant", "--by", "method", "-f", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["comparison"]
    score_a = [(x + y - 2) * 100 / 12 for x, y in a]  # Lewis, Utesch & Maher 2013
    score_b = [(x + y - 2) * 100 / 12 for x, y in b]
    assert row["test"] == "paired t" and (row["group_a"], row["group_b"]) == ("old", "new")
    assert row["p_value"] == pytest.approx(st.ttest_rel(score_b, score_a).pvalue, rel=1e-6)
    assert "within subjects: 5 participant" in result.stderr
