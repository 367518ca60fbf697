"""`uxcli seq`, `umux-lite`, `nps`, `csat`: same input conventions and formats as `uxcli sus`."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from scipy import stats as st

from uxcli.questionnaires.exports import INSTRUMENTS, parse_answer

Z95 = st.norm.ppf(0.975)
SEQ_CSV = "sample_sessions/questionnaires/seq.csv"
NPS_CSV = "sample_sessions/questionnaires/nps.csv"
SESSIONS = "tests/data/q_sessions.yaml"


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- answers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instrument,raw,expected",
    [
        ("sus", "Strongly agree", 5),
        ("sus", " strongly DISAGREE ", 1),
        ("sus", "4", 4),
        ("sus", 2.0, 2),
        ("sus", "", None),
        ("sus", None, None),
        ("nps", "10 - Extremely likely", 10),
        ("nps", "0 - Not at all likely", 0),
        ("nps", "7", 7),
        ("csat", "Very satisfied", 5),
        ("csat", "neither satisfied nor dissatisfied", 3),
        ("csat", "2", 2),
        ("seq", "7 (very easy)", 7),
        ("umux-lite", "6", 6),
    ],
)
def test_parse_answer(instrument, raw, expected):
    assert parse_answer(raw, INSTRUMENTS[instrument]) == expected


@pytest.mark.parametrize(
    "instrument,raw,message",
    [
        ("sus", "6", "out of range"),
        ("sus", "Agre", 'did you mean "Agree"'),
        ("sus", "3.5", "whole number"),
        ("nps", "11", "out of range: NPS answers are 0-10"),
        ("seq", "Agree", "not a SEQ answer"),
        ("sus", True, "not a SUS answer"),
    ],
)
def test_parse_answer_errors(instrument, raw, message):
    with pytest.raises(ValueError, match=message):
        parse_answer(raw, INSTRUMENTS[instrument])


# --- SEQ -------------------------------------------------------------------------------------------


def test_seq_long_csv_per_task_against_scipy(cli):
    rows = as_json(cli("seq", SEQ_CSV, "-f", "json"))
    assert list(rows[0]) == ["task", "n", "mean", "sd", "ci_low", "ci_high", "benchmark", "p_above", "verdict"]
    coupon = next(r for r in rows if r["task"] == "apply-coupon")
    values = np.array([1, 1, 3, 1, 6, 4, 5, 5], dtype=float)
    low, high = st.t.interval(0.95, 7, loc=values.mean(), scale=st.sem(values))
    assert coupon["n"] == 8 and coupon["mean"] == pytest.approx(values.mean())
    assert (coupon["ci_low"], coupon["ci_high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
    assert coupon["benchmark"] == 5.5
    assert coupon["p_above"] == pytest.approx(st.ttest_1samp(values, 5.5, alternative="greater").pvalue, abs=1e-6)
    assert coupon["verdict"].startswith("below the 5.5 average")
    assert next(r for r in rows if r["task"] == "change-address")["n"] == 7  # P03 did not attempt it


def test_seq_yaml_matches_the_csv(cli):
    from_csv = as_json(cli("seq", SEQ_CSV, "-f", "json"))
    from_yaml = as_json(cli("seq", "sample_sessions/layouts/study.yaml", "-f", "json"))
    assert from_csv == from_yaml


def test_seq_wide_csv_one_column_per_task(cli):
    rows = as_json(cli("seq", "tests/data/q_seq_wide.csv", "-f", "json"))
    assert [(r["task"], r["n"], r["mean"]) for r in rows] == [("search", 3, 5.0), ("pay", 2, 5.0)]


def test_seq_yaml_session_level_and_questionnaires_seq(cli):
    rows = as_json(cli("seq", SESSIONS, "-f", "json"))
    # U1, U2 under questionnaires: seq; U3 with a session-level seq:
    assert [(r["task"], r["n"], r["mean"]) for r in rows] == [("search", 3, 5.0), ("pay", 3, 5.0)]


def test_seq_out_of_range_is_an_error_with_line(cli, tmp_path):
    path = tmp_path / "seq.csv"
    path.write_text("participant,task,seq\np1,t,7\np2,t,8\n")
    result = cli("seq", path, "-f", "csv")
    assert result.exit_code == 1
    assert 'seq.csv:3: column "seq": "8" is out of range: SEQ answers are 1-7' in result.stderr


def test_seq_gate(cli):
    result = cli("seq", SEQ_CSV, "-f", "csv", "--fail-under", "seq=4.5")
    assert result.exit_code == 1
    assert 'gate failed: task "apply-coupon": SEQ mean 3.25 < 4.50' in result.stderr
    assert cli("seq", SEQ_CSV, "-f", "csv", "--fail-under", "seq=add-to-cart:6").exit_code == 0


def test_seq_table(cli, tmp_path):
    out = tmp_path / "seq.txt"
    assert cli("seq", SEQ_CSV, "-o", out).exit_code == 0
    assert "Against 5.5" in out.read_text() and "apply-coupon" in out.read_text()


# --- UMUX-Lite -------------------------------------------------------------------------------------


def test_umux_lite_item_texts_and_published_formula(cli):
    doc = as_json(cli("umux-lite", "tests/data/q_umux.csv", "-f", "json"))
    assert list(doc) == ["respondents", "summary"]
    # Lewis, Utesch & Maher (CHI 2013): raw = (i1 + i2 - 2) * 100 / 12; SUS-equivalent = 0.65 * raw + 22.9
    expected = {"M1": (100.0, 87.9), "M2": (0.0, 22.9), "M3": ((4 + 5 - 2) * 100 / 12, 0.65 * 700 / 12 + 22.9)}
    got = {r["participant"]: (r["raw"], r["sus_equivalent"]) for r in doc["respondents"]}
    assert got == {k: (pytest.approx(a, abs=1e-6), pytest.approx(b, abs=1e-6)) for k, (a, b) in expected.items()}
    assert list(doc["summary"]) == ["n", "mean", "sd", "ci_low", "ci_high", "sus_mean", "sus_ci_low", "sus_ci_high"]
    assert doc["summary"]["sus_mean"] == pytest.approx(0.65 * doc["summary"]["mean"] + 22.9, abs=1e-5)


def test_umux_lite_yaml(cli):
    doc = as_json(cli("umux-lite", SESSIONS, "-f", "json"))
    assert [r["raw"] for r in doc["respondents"]] == pytest.approx([(6 + 7 - 2) * 100 / 12, 50.0, 100.0], abs=1e-6)


def test_umux_lite_numbered_headers_and_missing_answer(cli, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("id,UMUX1,UMUX2\na,7,6\nb,5,\n")
    result = cli("umux-lite", path, "-f", "csv")
    assert result.exit_code == 1
    assert "u.csv:3" in result.stderr and "1 of 2 UMUX-Lite answers missing" in result.stderr
    imputed = cli("umux-lite", path, "-f", "csv", "--impute-neutral")
    assert imputed.exit_code == 0, imputed.stderr
    rows = list(csv.DictReader(io.StringIO(imputed.stdout)))
    assert float(rows[1]["raw"]) == pytest.approx((5 + 4 - 2) * 100 / 12)  # neutral of 1-7 is 4


# --- NPS -------------------------------------------------------------------------------------------


def nps_reference(ratings):
    """MeasuringU / Rocks (2016) adjusted-Wald NPS interval, from ux-statistics.md."""
    ratings = np.asarray(ratings)
    n = len(ratings)
    promoters, detractors = np.sum(ratings >= 9), np.sum(ratings <= 6)
    n_adj = n + 3
    p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    half = Z95 * math.sqrt((p + d - (p - d) ** 2) / n_adj)
    return 100 * (promoters - detractors) / n, 100 * (p - d - half), 100 * (p - d + half)


def test_nps_sample_against_the_published_formula(cli):
    doc = as_json(cli("nps", NPS_CSV, "-f", "json"))
    summary = doc["summary"]
    assert list(summary) == ["n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high"]
    score, low, high = nps_reference([7, 5, 6, 4, 9, 8, 8, 10])
    assert (summary["promoters"], summary["passives"], summary["detractors"]) == (2, 3, 3)
    assert summary["nps"] == pytest.approx(score) == -12.5
    assert (summary["ci_low"], summary["ci_high"]) == (pytest.approx(low, abs=1e-5), pytest.approx(high, abs=1e-5))
    assert [r["category"] for r in doc["respondents"]][:2] == ["passive", "detractor"]


def test_nps_survey_export_with_labels_and_a_blank(cli):
    result = cli("nps", "tests/data/q_nps_labels.csv", "-f", "json")
    doc = as_json(result)
    assert [(r["participant"], r["rating"]) for r in doc["respondents"]] == [
        ("N1", 10),
        ("N2", 0),
        ("N3", 8),
        ("N4", 9),
        ("N5", 6),
    ]
    assert "q_nps_labels.csv:7: no NPS answers; not scored" in result.stderr


def test_nps_column_option_and_gate(cli):
    assert as_json(cli("nps", NPS_CSV, "--column", "likelihood_to_recommend", "-f", "json"))["summary"]["n"] == 8
    missing = cli("nps", NPS_CSV, "--column", "score", "-f", "json")
    assert missing.exit_code == 2 and 'no column "score"' in missing.stderr
    gate = cli("nps", NPS_CSV, "-f", "csv", "--fail-under", "nps=0")
    assert gate.exit_code == 1 and "gate failed: overall: NPS -12.5 < 0.0" in gate.stderr


# --- CSAT ------------------------------------------------------------------------------------------


def test_csat_per_task_with_labels(cli):
    rows = as_json(cli("csat", "tests/data/q_csat.csv", "-f", "json"))
    assert list(rows[0]) == ["task", "n", "top2", "csat", "ci_low", "ci_high"]
    search = rows[0]
    assert (search["task"], search["n"], search["top2"], search["csat"]) == ("search", 4, 2, 0.5)
    z2 = Z95**2
    centre = (2 + z2 / 2) / (4 + z2)
    half = Z95 * math.sqrt(centre * (1 - centre) / (4 + z2))
    assert (search["ci_low"], search["ci_high"]) == (
        pytest.approx(centre - half, abs=1e-6),
        pytest.approx(centre + half, abs=1e-6),
    )


def test_csat_without_tasks_and_gate(cli):
    rows = as_json(cli("csat", SESSIONS, "-f", "json"))
    assert [(r["task"], r["n"], r["top2"]) for r in rows] == [(None, 3, 2)]
    result = cli("csat", SESSIONS, "-f", "csv", "--fail-under", "csat=80%")
    assert result.exit_code == 1 and "overall: CSAT 0.67 < 0.80" in result.stderr


# --- formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command,path", [("nps", NPS_CSV), ("umux-lite", "tests/data/q_umux.csv")])
def test_csv_prints_respondents_and_table_both(cli, tmp_path, command, path):
    result = cli(command, path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("participant,")
    out = tmp_path / "out.txt"
    assert cli(command, path, "-o", out).exit_code == 0
    assert "Respondents" in out.read_text() and "summary" in out.read_text()


def test_no_answers_anywhere_is_an_error(cli):
    result = cli("umux-lite", "sample_sessions/questionnaires", "-f", "json")
    assert result.exit_code == 1
    assert "no UMUX-Lite answers found" in result.stderr
