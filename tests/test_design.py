"""The study design (issue #12): conditions are not retries (failure 3), which column is the condition
(failure 5), and the design stated in validate, --verbose and the summary caption.

The within-subjects study: 8 participants each do two tasks with method A, then with method B, one row
per participant × method × task in an attempt table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uxcli.design import study_design

OUTCOMES = {  # participant index -> (A, B) outcome of "search"; "checkout" always succeeds
    0: ("failure", "success"),
    1: ("failure", "success"),
    2: ("success", "success"),
    3: ("failure", "success"),
    4: ("success", "failure"),
    5: ("failure", "success"),
    6: ("success", "success"),
    7: ("failure", "success"),
}


def within_study(path: Path, condition: str = "method", extra: str | None = None) -> Path:
    header = ["participant", *([extra] if extra else []), condition, "task", "outcome", "time"]
    lines = [",".join(header)]
    for i, (a, b) in OUTCOMES.items():
        for method, outcome in (("A", a), ("B", b)):
            group = [f"G{i % 2 + 1}"] if extra else []
            cells = [f"P{i + 1:02d}", *group, method]
            lines.append(",".join([*cells, "search", outcome, str(50 + i)]))
            lines.append(",".join([*cells, "checkout", "success", str(70 + 2 * i)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_condition_is_not_a_retry_in_validate(cli, tmp_path):
    """Failure 3: every B row was warned "retry or double entry?", even with --map method=variant."""
    data = str(within_study(tmp_path / "within.csv"))
    for extra in ([], ["--map", "method=variant"]):
        result = cli("validate", data, "-f", "json", *extra)
        assert not [p for p in _problems(result) if "retry" in p["message"]]
        assert 'condition = variant (column "method") (2: A, B), within subjects (8 participants did both)' in (
            result.stderr
        )


def test_attempt_numbers_count_within_the_condition(cli, tmp_path):
    data = str(within_study(tmp_path / "within.csv"))
    result = cli("attempts", data, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 32 and {r["attempt"] for r in rows} == {1}
    assert {r["variant"] for r in rows} == {"A", "B"}


def test_an_unrecognised_condition_column_is_named_in_the_hint(cli, tmp_path):
    data = str(within_study(tmp_path / "within.csv", condition="Interface"))
    retries = [p for p in _problems(cli("validate", data, "-f", "json")) if "retry" in p["message"]]
    assert len(retries) == 16
    assert all('--map "Interface=variant"' in p["hint"] for p in retries)
    assert not [p for p in _problems(cli("validate", data, "-f", "json", "--map", "Interface=variant"))]


def test_study_file_design_section_names_the_condition(cli, tmp_path):
    data = str(within_study(tmp_path / "within.csv", condition="Interface"))
    study = tmp_path / "study.yaml"
    study.write_text("design:\n  condition: Interface\n  subjects: within\n", encoding="utf-8")
    result = cli("validate", data, "--study", str(study), "-f", "json")
    assert _problems(result) == []
    assert 'condition = variant (column "Interface")' in result.stderr and "(study file)" in result.stderr
    compare = cli("compare", data, "--study", str(study), "--by", "variant", "-f", "json")
    assert compare.exit_code == 0, compare.stderr
    assert all("within subjects" in r["test"] for r in json.loads(compare.stdout))
    study.write_text("design:\n  subjects: sometimes\n", encoding="utf-8")
    bad = cli("validate", data, "--study", str(study))
    assert bad.exit_code == 2 and "subjects must be between or within" in bad.stderr


def test_group_is_an_attribute_when_method_is_the_condition(cli, tmp_path):
    """Failure 5: "group" was silently taken as the design variant and the methods were pooled."""
    data = str(within_study(tmp_path / "both.csv", extra="group"))
    result = cli("validate", data, "-f", "json")
    notes = [p for p in _problems(result) if p["severity"] == "note"]
    assert any(
        "kept as an attribute" in p["message"]
        and p["column"] == "group"
        and '"method" is the condition' in p["message"]
        for p in notes
    )
    rows = json.loads(cli("compare", data, "--by", "variant", "-f", "json").stdout)
    assert {(r["group_a"], r["group_b"]) for r in rows} == {("A", "B")}
    result = cli("summary", data, "--by", "group", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["group"] for r in json.loads(result.stdout)] == ["G1", "G2"]


def test_group_alone_is_taken_as_the_condition_and_said(cli, tmp_path):
    data = tmp_path / "group.csv"
    data.write_text(
        "participant,group,task,outcome\n" + "".join(f"P{i},{'AB'[i % 2]},t,success\n" for i in range(6)),
        encoding="utf-8",
    )
    result = cli("summary", str(data), "--by", "variant", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert 'column "group": taken as the condition (variant)' in result.stderr
    assert [r["variant"] for r in json.loads(result.stdout)] == ["A", "B"]


def test_design_is_stated_with_verbose_and_in_the_caption(cli, tmp_path):
    data = str(within_study(tmp_path / "within.csv"))
    result = cli("summary", data, "--by", "task,variant", "-f", "csv", "--verbose")
    assert result.exit_code == 0, result.stderr
    assert "design: condition = variant" in result.stderr and "within subjects" in result.stderr
    table = cli("summary", data, "--by", "task,variant", "-f", "table")
    assert table.exit_code == 0
    assert "Design: condition = variant" in " ".join(table.stdout.split())


def test_within_subject_rates_count_each_condition_once(cli, tmp_path):
    """Participants are the unit per condition: A's search rate is 3/8, B's 7/8 (failure 6 kept)."""
    data = str(within_study(tmp_path / "within.csv"))
    rows = json.loads(cli("summary", data, "--by", "task,variant", "-f", "json").stdout)
    rate = {(r["task"], r["variant"]): (r["participants"], r["success_rate"]) for r in rows}
    assert rate[("search", "A")] == (8, pytest.approx(3 / 8))
    assert rate[("search", "B")] == (8, pytest.approx(7 / 8))


def test_study_design_detects_between_and_within(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        {"participant": ["P1", "P2", "P3", "P4"], "variant": ["A", "B", "A", "B"], "task": "t", "_file": 0}
    )
    design = study_design(frame)
    assert design.subjects == "between" and design.conditions == ("A", "B")
    assert "between subjects" in design.describe()
    both = pd.concat([frame, frame.assign(variant=["B", "A", "B", "A"])])
    assert study_design(both).within == 4
    split = pd.concat([frame, frame.assign(variant=["B", "A", "B", "A"], _file=1)])  # other file: a round
    assert study_design(split, ["r1", "r2"]).subjects == "between"
