"""Rounds kept as files or folders (issue #12, failure 1): ``--by file`` groups by the input a row came
from, and participants of different rounds are different people unless the user says otherwise.

The two-round study: round 1 and round 2 both number their participants P01…P12 (12 different people
each, 24 in all); 5 of 12 completed the task in round 1, 10 of 12 in round 2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy import stats as sps

from uxcli.design import decide_pairing, file_label, file_labels

SUCCESSES = {"1": 5, "2": 10}


def _round(path: Path, number: str, with_column: bool = True) -> Path:
    lines = ["participant,task,outcome,time" + (",Round" if with_column else "")]
    for i in range(12):
        outcome = "success" if i < SUCCESSES[number] else "failure"
        time = 60 + 3 * i + (5 if number == "2" else 0)
        lines.append(f"P{i + 1:02d},checkout,{outcome},{time}" + (f",{number}" if with_column else ""))
        lines.append(f"P{i + 1:02d},search,success,{40 + i}" + (f",{number}" if with_column else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def rounds(tmp_path):
    return str(_round(tmp_path / "r1.csv", "1")), str(_round(tmp_path / "r2.csv", "2"))


def n_minus_one_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """The N−1 two-proportion test (Campbell 2007; Sauro & Lewis, Quantifying the User Experience,
    2nd ed., ch. 5): z = (p1 − p2)·√((N−1)/N) / √(P(1−P)(1/n1 + 1/n2)), two-sided normal p."""
    p1, p2, n = x1 / n1, x2 / n2, n1 + n2
    pooled = (x1 + x2) / n
    z = (p1 - p2) * math.sqrt((n - 1) / n) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(2 * sps.norm.sf(abs(z)))


def _success_row(result, task: str = "checkout") -> dict:
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    return next(r for r in rows if r["task"] == task and r["metric"] == "success_rate")


def test_compare_by_file_runs_the_independent_n_minus_1_test(cli, rounds):
    """Failure 1: the old code paired P01…P12 of both rounds and ran McNemar."""
    result = cli("compare", *rounds, "--by", "file", "-f", "json")
    row = _success_row(result)
    assert row["group_a"].endswith("r1.csv") and row["group_b"].endswith("r2.csv")
    assert row["test"] == "N-1 two-proportion, between subjects"
    assert row["p_value"] == pytest.approx(n_minus_one_p(5, 12, 10, 12), rel=1e-9)
    assert row["value_a"] == pytest.approx(5 / 12) and row["value_b"] == pytest.approx(10 / 12)
    assert "taken as different people" in result.stderr


def test_a_round_column_is_not_paired_either(cli, rounds):
    result = cli("compare", *rounds, "--by", "round", "--a", "1", "--b", "2", "-f", "json")
    row = _success_row(result)
    assert "between subjects" in row["test"]
    assert row["p_value"] == pytest.approx(n_minus_one_p(5, 12, 10, 12), rel=1e-9)
    assert "the groups are rounds" in result.stderr


def test_pairing_across_rounds_only_when_asked(cli, rounds):
    for flags in (["--pairing", "paired"], ["--paired"]):
        row = _success_row(cli("compare", *rounds, "--by", "file", "-f", "json", *flags))
        assert row["test"] == "McNemar mid-p, within subjects"
    result = cli("compare", *rounds, "--by", "file", "--paired", "--pairing", "independent")
    assert result.exit_code == 2 and "--paired contradicts --pairing independent" in result.stderr


def test_groups_from_different_files_are_different_people_without_a_round_name(cli, tmp_path):
    a, b = _round(tmp_path / "old.csv", "1", False), _round(tmp_path / "new.csv", "2", False)
    for path, name in ((a, "old"), (b, "new")):  # a condition column, but each file holds one condition
        lines = path.read_text().splitlines()
        path.write_text("\n".join([lines[0] + ",variant", *(x + f",{name}" for x in lines[1:])]) + "\n")
    row = _success_row(cli("compare", str(a), str(b), "--by", "variant", "-f", "json"))
    assert "between subjects" in row["test"]


def test_folders_are_rounds_labelled_as_typed(cli, tmp_path):
    for number in ("1", "2"):
        folder = tmp_path / f"round{number}"
        folder.mkdir()
        _round(folder / "a.csv", number, False)
    args = [f"{tmp_path}/round1/", f"{tmp_path}/round2/"]
    row = _success_row(cli("compare", *args, "--by", "file", "-f", "json"))
    assert row["group_a"] == f"{tmp_path}/round1" and row["group_b"] == f"{tmp_path}/round2"
    result = cli("summary", *args, "--by", "task,file", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["file"], r["participants"]) for r in rows if r["task"] == "checkout"] == [
        (f"{tmp_path}/round1", 12),
        (f"{tmp_path}/round2", 12),
    ]


def test_report_compared_by_file_counts_24_participants(cli, rounds, tmp_path):
    """Failure 1: the report said "Participants 12" for two rounds of 12 different people."""
    out = tmp_path / "report.md"
    result = cli("report", *rounds, "--compare-by", "file", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "**Participants:** 24" in text
    assert "N-1 two-proportion" in text and "McNemar" not in text


def test_report_and_chart_accept_the_pairing_setting(cli, rounds, tmp_path):
    out = tmp_path / "report.md"
    assert cli("report", *rounds, "--compare-by", "file", "--pairing", "paired", "-o", str(out)).exit_code == 0
    assert "McNemar" in out.read_text(encoding="utf-8")
    svg = tmp_path / "compare.svg"
    result = cli("chart", "compare", *rounds, "--compare-by", "file", "--pairing", "independent", "-o", str(svg))
    assert result.exit_code == 0, result.stderr
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_by_is_case_insensitive_with_did_you_mean(cli, rounds):
    result = cli("summary", *rounds, "--by", "task,round", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["Round"] for r in json.loads(result.stdout)} == {"1", "2"}
    result = cli("summary", *rounds, "--by", "rund")
    assert result.exit_code == 2
    assert "cannot group by 'rund'" in result.stderr and "did you mean 'Round'?" in result.stderr


def test_file_labels_and_pairing_rule():
    assert file_label("round1/") == "round1"
    assert file_labels(["r/a.csv", "r/b.csv", "c.csv"], ("r/", "c.csv")) == ["r", "r", "c.csv"]
    assert decide_pairing("variant", 8).paired
    assert not decide_pairing("variant", 8, cross_file=True).paired
    assert not decide_pairing("Round", 12).paired and not decide_pairing("file", 12).paired
    assert decide_pairing("file", 12, pairing="paired").paired
    assert not decide_pairing("variant", 0).paired


def test_rows_pooling_tasks_say_what_n_counts(tmp_path):
    """12 people x 2 tasks per round: a row per round pools the tasks, so its n is 24 participant x task
    outcomes, and the caption says so rather than leaving "24 participants" to be read as 24 people."""
    import uxcli

    data = Path(__file__).parent / "data" / "rounds"
    inputs = uxcli.load_inputs(uxcli.ReadOptions((str(data / "round1.csv"), str(data / "round2.csv"))))
    result = uxcli.summary(inputs, uxcli.SummaryOptions(by=("file",)))
    assert list(result.frame["participants"]) == [24, 24]
    assert "Rows pool 2 tasks" in result.footer and "participants × tasks" in result.footer
    by_task = uxcli.summary(inputs, uxcli.SummaryOptions(by=("task", "file")))
    assert "Rows pool" not in (by_task.footer or "")
