"""Benchmarks against published averages (78% completion, SEQ 5.5, SUS 68) and summary's extra columns."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from uxcli.benchmarks import add_seq_mean, add_success_benchmark, proportion_vs, sus_figures
from uxcli.questionnaires.scoring import above_verdict
from uxcli.tasks.metrics import METRICS

STUDY = "sample_sessions/layouts/study.yaml"
EVENTS = "sample_sessions/events.csv"
# sample_sessions/layouts/study.yaml: SEQ per task (P03 did not attempt change-address)
SEQ = {
    "find-product": [6, 6, 6, 6, 6, 3, 6, 7],
    "add-to-cart": [7] * 8,
    "apply-coupon": [1, 1, 3, 1, 6, 4, 5, 5],
    "change-address": [5, 4, 2, 4, 4, 6, 6],
    "checkout": [5, 5, 2, 3, 6, 6, 6, 5],
}


def test_proportion_vs_matches_scipy_binomtest():
    above, below = proportion_vs(8, 8)
    # Sauro (2011) average of 78%: P(X >= 8 | n = 8, p = .78) = .78^8
    assert above == pytest.approx(0.78**8)
    assert above == pytest.approx(st.binomtest(8, 8, 0.78, alternative="greater").pvalue)
    assert below == pytest.approx(1.0)
    assert proportion_vs(2, 10)[1] == pytest.approx(st.binomtest(2, 10, 0.78, alternative="less").pvalue)
    assert all(math.isnan(p) for p in proportion_vs(0, 0))


def test_verdict_words():
    assert above_verdict(0.01, 0.99, "78% completion") == "above the 78% completion average (p = 0.010)"
    assert above_verdict(0.99, 0.004, "SEQ 5.5") == "below the SEQ 5.5 average (p = 0.004)"
    assert above_verdict(0.4, 0.6, "SUS 68") == "not shown above the SUS 68 average (p = 0.400)"
    assert above_verdict(0.4, 0.6, "") == "not shown (p = 0.400)"
    assert above_verdict(math.nan, math.nan, "SUS 68") == "too few answers to test"


def test_add_success_benchmark():
    summary = pd.DataFrame({"task": ["a", "b"], "attempts": [20, 10], "successes": [20, 2]})
    out = add_success_benchmark(summary)
    assert out["benchmark_success_p"].tolist() == pytest.approx(
        [
            st.binomtest(20, 20, 0.78, alternative="greater").pvalue,
            st.binomtest(2, 10, 0.78, alternative="greater").pvalue,
        ]
    )
    assert out["benchmark_success_verdict"].tolist()[0].startswith("above the 78% completion average")
    assert out["benchmark_success_verdict"].tolist()[1].startswith("below the 78% completion average")


def test_add_seq_mean_groups_like_the_summary():
    ratings = pd.DataFrame(
        {
            "participant": ["p1", "p2", "p1", "p2"],
            "session": [None] * 4,
            "variant": ["A", "B", "A", "B"],
            "task": ["t", "t", "u", "u"],
            "seq": [7.0, 5.0, 3.0, 4.0],
        }
    )
    by_task = add_seq_mean(pd.DataFrame({"task": ["t", "u", "v"]}), ratings, ["task"])
    assert by_task["seq_mean"].tolist()[:2] == [6.0, 3.5] and math.isnan(by_task["seq_mean"].iloc[2])
    by_variant = add_seq_mean(pd.DataFrame({"variant": ["A", "B"]}), ratings, ["variant"])
    assert by_variant["seq_mean"].tolist() == [5.0, 4.5]
    overall = add_seq_mean(pd.DataFrame({"x": [0]}).drop(columns="x"), ratings, [])
    assert overall["seq_mean"].tolist() == [4.75]
    # a grouping the ratings do not carry leaves seq_mean empty rather than wrong
    other = add_seq_mean(pd.DataFrame({"device": ["mobile"]}), ratings, ["device"])
    assert math.isnan(other["seq_mean"].iloc[0])
    assert "benchmark_seq_p" not in by_task.columns


def test_sus_figures_one_sided_t_against_68():
    scores = np.array([70.0, 60.0, 67.5, 62.5, 82.5, 75.0, 72.5, 82.5])
    figures = sus_figures(scores)
    assert figures["sus_p_above"] == pytest.approx(st.ttest_1samp(scores, 68, alternative="greater").pvalue)
    assert figures["sus_verdict"] == "not shown above the SUS 68 average (p = 0.133)"
    assert sus_figures(np.zeros(0)) == {}


# --- summary --benchmark and seq_mean --------------------------------------------------------------


def csv_rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_default_summary_columns_are_unchanged_without_seq(cli):
    header = next(csv.reader(io.StringIO(cli("summary", EVENTS, "-f", "csv").stdout)))
    assert header == ["task", *METRICS]


def test_seq_mean_joins_the_summary_only_when_sessions_have_seq(cli):
    rows = csv_rows(cli("summary", STUDY, "-f", "csv"))
    assert list(rows[0]) == ["task", *METRICS, "seq_mean"]
    assert {r["task"]: float(r["seq_mean"]) for r in rows} == pytest.approx(
        {task: float(np.mean(values)) for task, values in SEQ.items()}
    )


def test_benchmark_columns(cli):
    rows = csv_rows(cli("summary", STUDY, "-f", "csv", "--benchmark"))
    assert list(rows[0]) == [
        "task",
        *METRICS,
        "seq_mean",
        "benchmark_success_p",
        "benchmark_success_verdict",
        "benchmark_seq_p",
        "benchmark_seq_verdict",
    ]
    coupon = next(r for r in rows if r["task"] == "apply-coupon")
    assert float(coupon["benchmark_success_p"]) == pytest.approx(
        st.binomtest(5, 9, 0.78, alternative="greater").pvalue, abs=1e-6
    )
    assert coupon["benchmark_success_verdict"] == "not shown above the 78% completion average (p = 0.971)"
    seq = np.array(SEQ["apply-coupon"], dtype=float)
    assert float(coupon["benchmark_seq_p"]) == pytest.approx(
        st.ttest_1samp(seq, 5.5, alternative="greater").pvalue, abs=1e-6
    )
    below = st.ttest_1samp(seq, 5.5, alternative="less").pvalue
    assert coupon["benchmark_seq_verdict"] == f"below the SEQ 5.5 average (p = {below:.3f})"
    cart = next(r for r in rows if r["task"] == "add-to-cart")
    assert cart["benchmark_seq_verdict"] == "above the SEQ 5.5 average (p < 0.001)"


def test_benchmark_without_seq_has_only_success_columns(cli):
    rows = json.loads(cli("summary", EVENTS, "-f", "json", "--benchmark").stdout)
    assert list(rows[0]) == ["task", *METRICS, "benchmark_success_p", "benchmark_success_verdict"]


def test_benchmark_table_shows_words_and_sus(cli, tmp_path):
    out = tmp_path / "summary.txt"
    result = cli("summary", STUDY, "--benchmark", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "vs 78%" in text and "SEQ vs 5.5" in text
    assert "SUS 71.6 (n = 8): not shown above the SUS 68 average (p = 0.133)" in text
    assert "below (p = 0.009)" in text  # apply-coupon's SEQ
