"""`uxcli compare` end to end: JSON/CSV shape, table words, pairing said out loud, usage errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

KEYS = [
    "task",
    "metric",
    "group_a",
    "group_b",
    "value_a",
    "value_b",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "test",
]
STUDY = "sample_sessions/layouts/study.yaml"
PAIRED = "tests/data/q_compare_paired.csv"
PUBLISHED = "tests/data/q_compare_published.csv"


def rows_of(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_is_an_array_with_exactly_the_documented_keys(cli):
    rows = rows_of(cli("compare", STUDY, "--by", "variant", "-f", "json"))
    assert all(list(r) == KEYS for r in rows)
    assert {r["metric"] for r in rows} == {"success_rate", "time", "errors_per_attempt"}
    assert [r["task"] for r in rows if r["metric"] == "success_rate"] == [
        "find-product",
        "add-to-cart",
        "apply-coupon",
        "change-address",
        "checkout",
        "(all tasks)",
    ]
    assert {(r["group_a"], r["group_b"]) for r in rows} == {("A", "B")}


def test_golden_json_and_csv(cli, golden):
    result = cli("compare", STUDY, "-f", "json")
    assert result.exit_code == 0, result.stderr
    golden("compare.json", result.stdout)
    result = cli("compare", STUDY, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    golden("compare.csv", result.stdout)
    assert next(csv.reader(io.StringIO(result.stdout))) == KEYS


def test_published_check_through_the_cli(cli):
    # QUX ch. 5: 11/12 vs 5/10, N-1 two-proportion test p = 0.033
    rows = rows_of(cli("compare", PUBLISHED, "-f", "json"))
    success = next(r for r in rows if r["metric"] == "success_rate")
    assert round(success["p_value"], 3) == 0.033
    assert success["test"] == "N-1 two-proportion, between subjects"


def test_too_few_and_all_tasks_rows_in_json(cli):
    rows = rows_of(cli("compare", STUDY, "-f", "json"))
    coupon = next(r for r in rows if (r["task"], r["metric"]) == ("apply-coupon", "time"))
    # one completion time in A: before, a ratio interval from ~0 to thousands; now untested
    assert coupon["test"] == "too few (n < 3), between subjects"
    assert coupon["p_value"] is None and coupon["ci_low"] is None and coupon["ci_high"] is None
    every = [r for r in rows if r["task"] == "(all tasks)"]
    assert [r["metric"] for r in every] == ["success_rate", "time", "errors_per_attempt"]
    assert all(r["p_value"] is not None for r in every)


def test_between_subjects_is_said(cli):
    result = cli("compare", STUDY, "-f", "json")
    assert "between subjects: different participants in each group" in result.stderr
    assert all(r["test"].endswith("between subjects") for r in json.loads(result.stdout))


def test_within_subjects_is_detected_and_said(cli):
    result = cli("compare", PAIRED, "-f", "json")
    rows = rows_of(result)
    assert "within subjects: the same participants did both (paired tests)" in result.stderr
    assert 'task "pay": 1 participant did only one of A and B' in result.stderr
    tests = {(r["task"], r["metric"]): r["test"] for r in rows}
    assert tests[("search", "success_rate")] == "McNemar mid-p, within subjects"  # QUX 2nd ed. ch. 5
    assert tests[("search", "time")] == "paired t on log times, within subjects"
    assert tests[("search", "errors_per_attempt")] == "paired t, within subjects"


def test_table_marks_significant_differences_in_words(cli, tmp_path):
    out = tmp_path / "compare.txt"
    result = cli("compare", PAIRED, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "B is faster: 0.72× the time, p < 0.001" in text
    assert "Design: within subjects, detected from the data" in text
    assert "McNemar mid-p" in text
    out2 = tmp_path / "study.txt"
    assert cli("compare", STUDY, "-o", out2).exit_code == 0
    text = out2.read_text()
    assert "B succeeds more often: 100% vs 25% of participants, p = 0.040" in text
    assert "Design: between subjects: different participants in each group (independent tests)" in text


def test_alpha_changes_what_counts_as_significant(cli, tmp_path):
    out = tmp_path / "strict.txt"
    assert cli("compare", STUDY, "--alpha", "0.01", "-o", out).exit_code == 0
    assert "B succeeds more often" not in out.read_text()


def test_swapping_a_and_b_flips_the_direction(cli):
    forward = rows_of(cli("compare", STUDY, "-f", "json"))
    backward = rows_of(cli("compare", STUDY, "--a", "B", "--b", "A", "-f", "json"))
    for f, b in zip(forward, backward, strict=True):
        assert (b["value_a"], b["value_b"]) == (f["value_b"], f["value_a"])
        if f["metric"] == "time" and f["difference"] is not None:
            assert b["difference"] == pytest.approx(1 / f["difference"], rel=1e-5)
        elif f["metric"] != "time":
            assert b["difference"] == pytest.approx(-f["difference"], abs=1e-6)
        if f["p_value"] is not None:
            assert b["p_value"] == pytest.approx(f["p_value"], abs=1e-6)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--by", "session"], "session has 8 values"),
        (["--a", "C"], "--a 'C': no such variant"),
        (["--by", "device"], "cannot group by 'device'"),
        (["--by", "task"], "cannot compare groups of task"),
        (["--pairing", "sometimes"], "sometimes"),
    ],
)
def test_usage_errors_exit_2(cli, args, message):
    result = cli("compare", STUDY, *args, "-f", "json")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert message in result.stderr


def test_single_group_exit_2(cli, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("participant,variant,task,outcome\np1,A,t,success\np2,A,t,failure\n")
    result = cli("compare", path, "-f", "json")
    assert result.exit_code == 2
    assert "compare needs two variant values, the data have only 'A'" in result.stderr


def test_no_variant_column_exit_2(cli):
    result = cli("compare", "sample_sessions/messy/tool_export.csv", "-f", "json")
    assert result.exit_code == 2
    assert "no values" in result.stderr or "cannot group by" in result.stderr


def test_bad_data_exit_1(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("participant,variant,task,outcome\np1,A,t,maybe\n")
    result = cli("compare", path, "-f", "json")
    assert result.exit_code == 1
    assert '"maybe" is not an outcome' in result.stderr
