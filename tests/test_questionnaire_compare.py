"""Questionnaire comparisons (issue 12): paired and independent t, NPS and CSAT differences, repeated
respondents (failure 4), rounds with restarting ids. Every statistic is recomputed here with scipy or
from the published formula."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from uxcli.questionnaires.compare import compare_scores, nps_difference

ODD_EVEN = {  # (odd-item answer, even-item answer) -> SUS = 12.5 × (odd − even + 4)
    "A": [(3, 3), (4, 2), (3, 2), (4, 3), (3, 3), (4, 4), (3, 2), (2, 2)],
    "B": [(4, 2), (5, 1), (4, 2), (4, 2), (3, 2), (5, 2), (4, 3), (4, 1)],
}


def sus(odd: int, even: int) -> float:
    return 2.5 * (5 * (odd - 1) + 5 * (5 - even))


def within_file(path, repeat_first=False):
    """8 people × 2 conditions (one row each; with repeat_first, P1 answered condition A twice)."""
    lines = ["participant,condition," + ",".join(f"Q{i}" for i in range(1, 11))]
    for condition, answers in ODD_EVEN.items():
        for i, (odd, even) in enumerate(answers):
            lines.append(f"P{i + 1},{condition}," + ",".join([str(odd), str(even)] * 5))
    if repeat_first:
        lines.append("P1,A," + ",".join(["5", "1"] * 5))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_within_subjects_file_is_paired_with_n_8_per_group(cli, tmp_path):
    path = within_file(tmp_path / "within.csv")
    result = cli("sus", path, "--by", "condition", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    n = {row["condition"]: row["n"] for row in document["groups"]}
    assert n["A"] == 8 and n["B"] == 8
    [row] = document["comparison"]
    a = [sus(*pair) for pair in ODD_EVEN["A"]]
    b = [sus(*pair) for pair in ODD_EVEN["B"]]
    paired = st.ttest_rel(b, a)
    assert row["test"] == "paired t" and (row["n_a"], row["n_b"]) == (8, 8)
    assert row["p_value"] == pytest.approx(paired.pvalue, rel=1e-6)
    ci = paired.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(ci.low, abs=1e-4), pytest.approx(ci.high, abs=1e-4))
    assert document["pairing"].startswith("within subjects: 8 participant")
    assert "within subjects" in result.stderr


def test_repeated_rows_without_by_are_one_respondent_each_with_a_warning(cli, tmp_path):
    # failure 4: 8 people × 2 conditions used to give n = 16
    path = within_file(tmp_path / "within.csv")
    result = cli("sus", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["n"] == 8
    person_means = [(sus(*a) + sus(*b)) / 2 for a, b in zip(ODD_EVEN["A"], ODD_EVEN["B"], strict=True)]
    assert summary["mean"] == pytest.approx(np.mean(person_means))
    assert summary["sd"] == pytest.approx(np.std(person_means, ddof=1))
    assert "warning: 8 respondents answered more than once" in result.stderr
    assert "P1 ×2" in result.stderr and "--by" in result.stderr


def test_repeated_rows_in_one_group_are_averaged_and_named(cli, tmp_path):
    path = within_file(tmp_path / "within.csv", repeat_first=True)
    result = cli("sus", path, "--by", "condition", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    groups = {row["condition"]: row for row in document["groups"]}
    a = [sus(*pair) for pair in ODD_EVEN["A"]]
    a[0] = (a[0] + sus(5, 1)) / 2  # P1's two answers in A: one respondent, the mean score
    assert groups["A"]["n"] == 8 and groups["A"]["mean"] == pytest.approx(np.mean(a))
    assert "1 respondent answered more than once in the same group" in result.stderr
    assert "P1 ×2 (condition=A)" in result.stderr
    b = [sus(*pair) for pair in ODD_EVEN["B"]]
    assert document["comparison"][0]["p_value"] == pytest.approx(st.ttest_rel(b, a).pvalue, rel=1e-6)


def rounds(tmp_path):
    """Two rounds as two files, both numbering P1…P8: different people."""
    paths = []
    for name, answers in ODD_EVEN.items():
        lines = ["participant," + ",".join(f"Q{i}" for i in range(1, 11))]
        lines += [f"P{i + 1}," + ",".join([str(o), str(e)] * 5) for i, (o, e) in enumerate(answers)]
        path = tmp_path / f"round{name}.csv"
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def test_rounds_with_restarting_ids_are_independent_unless_asked(cli, tmp_path):
    first, second = rounds(tmp_path)
    a = [sus(*pair) for pair in ODD_EVEN["A"]]
    b = [sus(*pair) for pair in ODD_EVEN["B"]]
    result = cli("sus", first, second, "--by", "file", "-f", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["comparison"]
    assert row["test"] == "Welch t"
    assert row["p_value"] == pytest.approx(st.ttest_ind(b, a, equal_var=False).pvalue, rel=1e-6)
    assert "taken as different people" in result.stderr
    paired = cli("sus", first, second, "--by", "file", "--pairing", "paired", "-f", "json")
    [row] = json.loads(paired.stdout)["comparison"]
    assert row["test"] == "paired t" and row["p_value"] == pytest.approx(st.ttest_rel(b, a).pvalue, rel=1e-6)


def adjusted_nps(ratings):
    """Adjusted-Wald NPS (Lewis & Sauro, MeasuringU 2021, after Rocks 2016): n + 3, ¾ extra promoters
    and detractors; returns (adjusted NPS, its variance)."""
    ratings = np.asarray(ratings)
    n = ratings.size + 3
    p = (np.sum(ratings >= 9) + 0.75) / n
    d = (np.sum(ratings <= 6) + 0.75) / n
    return p - d, (p + d - (p - d) ** 2) / n


def test_nps_difference_follows_the_published_adjusted_wald_method():
    a = [10, 9, 9, 8, 7, 6, 5, 3, 9, 10, 2, 8]
    b = [10, 10, 9, 9, 9, 8, 8, 7, 10, 6, 9, 10]
    result = nps_difference(np.array(a, float), np.array(b, float), 0.95)
    nps_a = 100 * (np.mean(np.array(a) >= 9) - np.mean(np.array(a) <= 6))
    nps_b = 100 * (np.mean(np.array(b) >= 9) - np.mean(np.array(b) <= 6))
    (adj_a, var_a), (adj_b, var_b) = adjusted_nps(a), adjusted_nps(b)
    se = math.sqrt(var_a + var_b)
    z = (adj_b - adj_a) / se
    assert result.difference == pytest.approx(nps_b - nps_a)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * st.norm.sf(abs(z)))
    half = st.norm.ppf(0.975) * se
    assert result.ci_low == pytest.approx(100 * (adj_b - adj_a - half))
    assert result.ci_high == pytest.approx(100 * (adj_b - adj_a + half))


def test_nps_command_compares_two_groups(cli, tmp_path):
    path = tmp_path / "nps.csv"
    a = [10, 9, 9, 8, 7, 6, 5, 3]
    b = [10, 10, 9, 9, 9, 8, 8, 7]
    rows = [f"R{i},A,{v}" for i, v in enumerate(a)] + [f"S{i},B,{v}" for i, v in enumerate(b)]
    path.write_text("respondent,group,How likely are you to recommend us?\n" + "\n".join(rows) + "\n")
    result = cli("nps", path, "--by", "group", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    [row] = document["comparison"]
    expected = nps_difference(np.array(a, float), np.array(b, float))
    assert row["test"] == "adjusted-Wald NPS difference"
    assert row["value_a"] == pytest.approx(0.0) and row["value_b"] == pytest.approx(62.5)
    assert row["p_value"] == pytest.approx(expected.p_value, rel=1e-6)


def n_minus_1(x1, n1, x2, n2):
    """N−1 two-proportion test (QUX ch. 5; Campbell 2007), written out."""
    p1, p2, n = x1 / n1, x2 / n2, n1 + n2
    pooled = (x1 + x2) / n
    z = (p1 - p2) * math.sqrt((n - 1) / n) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * st.norm.sf(abs(z))


def test_csat_top2_between_uses_the_n_minus_1_test(cli, tmp_path):
    path = tmp_path / "csat.csv"
    a = [5, 4, 2, 3, 2, 4, 1, 3, 2, 3]  # 3 of 10 top-2-box
    b = [5, 4, 4, 5, 3, 4, 5, 4, 2, 5, 4, 4]  # 10 of 12
    rows = [f"R{i},old,{v}" for i, v in enumerate(a)] + [f"S{i},new,{v}" for i, v in enumerate(b)]
    path.write_text("id,version,CSAT\n" + "\n".join(rows) + "\n")
    result = cli("csat", path, "--by", "version", "-f", "json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["comparison"]
    _, p = n_minus_1(10, 12, 3, 10)
    assert row["test"] == "N-1 two-proportion"
    assert row["difference"] == pytest.approx(10 / 12 - 3 / 10)
    assert row["p_value"] == pytest.approx(p, rel=1e-9)


def test_csat_within_subjects_uses_mcnemar_mid_p():
    before = [5, 4, 2, 3, 2, 4, 1, 3]
    after = [5, 5, 4, 4, 4, 4, 2, 5]
    frame = pd.DataFrame(
        {
            "participant": [f"P{i}" for i in range(8)] * 2,
            "cond": ["A"] * 8 + ["B"] * 8,
            "value": before + after,
            "file": "x.csv",
        }
    )
    result = compare_scores("csat", frame, "cond", "A", "B")
    [row] = result.frame.to_dict("records")
    only_a = sum(1 for x, y in zip(before, after, strict=True) if x >= 4 > y)
    only_b = sum(1 for x, y in zip(before, after, strict=True) if y >= 4 > x)
    k, n = min(only_a, only_b), only_a + only_b
    mid_p = 2 * (st.binom.cdf(k, n, 0.5) - 0.5 * st.binom.pmf(k, n, 0.5))
    assert result.decision.paired and row["test"] == "McNemar mid-p"
    assert row["p_value"] == pytest.approx(mid_p)


def test_unmatched_respondents_are_counted_in_a_note():
    frame = pd.DataFrame(
        {
            "participant": ["P1", "P2", "P3", "P4", "P1", "P2", "P3"],
            "cond": ["A", "A", "A", "A", "B", "B", "B"],
            "value": [50.0, 60.0, 70.0, 80.0, 65.0, 70.0, 90.0],
            "file": "x.csv",
        }
    )
    result = compare_scores("sus", frame, "cond", "A", "B")
    [row] = result.frame.to_dict("records")
    assert row["n_a"] == 3 and row["n_b"] == 3
    assert row["p_value"] == pytest.approx(st.ttest_rel([65, 70, 90], [50, 60, 70]).pvalue)
    assert any("1 respondent answered in only one of A and B" in note for note in result.notes)
