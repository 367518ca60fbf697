"""`uxcli seq`, `umux-lite`, `nps`, `csat`: same input conventions and formats as `uxcli sus`; and the
registry of instruments, which the commands, the gates and the library all read."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
import typer
from scipy import stats as st
from typer.testing import CliRunner

from uxcli.questionnaires.analysis import Questionnaire, QuestionnaireOptions, Scores, score
from uxcli.questionnaires.exports import AnswerFormat, Responses, parse_answer
from uxcli.questionnaires.instruments import INSTRUMENTS, Instrument, gate_metrics, load

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
    assert parse_answer(raw, load(instrument).answers) == expected


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
        parse_answer(raw, load(instrument).answers)


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


def test_seq_verdict_follows_the_printed_interval(cli, tmp_path):
    # The example: 5, 5, 6, 6, 6, 7, 7, 7 -> 6.12 (5.43-6.82), one-sided p = 0.036 (scipy below).
    # Before: "above the 5.5 average (p = 0.036)" beside an interval containing 5.5.
    path = tmp_path / "seq.csv"
    ratings = [5, 5, 6, 6, 6, 7, 7, 7]
    path.write_text("participant,task,seq\n" + "".join(f"p{i},t,{r}\n" for i, r in enumerate(ratings)))
    p = st.ttest_1samp(ratings, 5.5, alternative="greater").pvalue
    low, high = st.t.interval(0.95, 7, loc=np.mean(ratings), scale=st.sem(ratings))
    assert 5.5 > low and f"{p:.3f}" == "0.036"
    row = as_json(cli("seq", path, "-f", "json"))[0]
    assert row["p_above"] == pytest.approx(p, abs=1e-6)
    assert row["verdict"] == "not distinguishable from the 5.5 average (p = 0.036)"
    table = cli("seq", path, "-f", "table")
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert "6.12 (5.43–6.82)" in text and "above the" not in text
    assert "whole 95% interval" in text and "alpha = 0.025" in text  # the output says where the verdict comes from
    # at 90% the interval clears 5.5: then, and only then, "above"
    ninety = as_json(cli("seq", path, "-f", "json", "--confidence", "0.9"))[0]
    assert ninety["ci_low"] > 5.5 and ninety["verdict"] == "above the 5.5 average (p = 0.036)"


def test_seq_identical_answers_are_not_testable(cli, tmp_path):
    # Three respondents, all 7: before, "7.0 (7.0-7.0) above the 5.5 average (p < 0.001)".
    path = tmp_path / "seq.csv"
    path.write_text("participant,task,seq\np1,t,7\np2,t,7\np3,t,7\n")
    row = as_json(cli("seq", path, "-f", "json"))[0]
    assert (row["n"], row["mean"], row["sd"]) == (3, 7.0, 0.0)
    assert row["ci_low"] is None and row["ci_high"] is None and row["p_above"] is None
    assert row["verdict"] == "not testable (all answers equal)"
    rows = list(csv.DictReader(io.StringIO(cli("seq", path, "-f", "csv").stdout)))
    assert (rows[0]["ci_low"], rows[0]["ci_high"], rows[0]["p_above"]) == ("", "", "")
    table = cli("seq", path, "-f", "table")
    text = " ".join(table.stdout.split())
    assert "not testable (all answers equal)" in text
    assert "above the" not in text and "below the" not in text and "p < 0.001" not in text


# --- UMUX-Lite -------------------------------------------------------------------------------------


UMUX_SUMMARY = ["n", "mean", "sd", "ci_low", "ci_high", "sus_mean", "sus_ci_low", "sus_ci_high", "sus_method"]


def test_umux_lite_item_texts_and_published_formula(cli):
    doc = as_json(cli("umux-lite", "tests/data/q_umux.csv", "-f", "json"))
    assert list(doc) == ["respondents", "summary"]
    # Lewis, Utesch & Maher (CHI 2013): raw = (i1 + i2 - 2) * 100 / 12. The SUS estimate is the raw score
    # itself (MeasuringU, Lewis & Sauro, "Accuracy of Three Ways to Estimate SUS with the UX-Lite").
    raws = {"M1": 100.0, "M2": 0.0, "M3": (4 + 5 - 2) * 100 / 12}
    got = {r["participant"]: (r["raw"], r["sus_equivalent"]) for r in doc["respondents"]}
    assert got == {k: (pytest.approx(a, abs=1e-6), pytest.approx(a, abs=1e-6)) for k, a in raws.items()}
    assert list(doc["summary"]) == UMUX_SUMMARY
    assert doc["summary"]["sus_mean"] == doc["summary"]["mean"] and doc["summary"]["sus_method"] == "interpolation"
    # the 2013 regression, SUS = 0.65 * raw + 22.9, only on request, and named in the output
    old = as_json(cli("umux-lite", "tests/data/q_umux.csv", "-f", "json", "--sus-estimate", "regression-2013"))
    expected = {"M1": (100.0, 87.9), "M2": (0.0, 22.9), "M3": ((4 + 5 - 2) * 100 / 12, 0.65 * 700 / 12 + 22.9)}
    got = {r["participant"]: (r["raw"], r["sus_equivalent"]) for r in old["respondents"]}
    assert got == {k: (pytest.approx(a, abs=1e-6), pytest.approx(b, abs=1e-6)) for k, (a, b) in expected.items()}
    assert old["summary"]["sus_mean"] == pytest.approx(0.65 * old["summary"]["mean"] + 22.9, abs=1e-5)
    assert old["summary"]["sus_method"] == "regression-2013"


def umux_84(tmp_path):
    # 23 respondents answering 6, 6 and two answering 7, 6: mean raw (12.08 - 2) * 100 / 12 = 84.0
    path = tmp_path / "umux.csv"
    rows = [(6, 6)] * 23 + [(7, 6)] * 2
    path.write_text("id,UMUX1,UMUX2\n" + "".join(f"r{i},{a},{b}\n" for i, (a, b) in enumerate(rows)))
    return path


def test_umux_lite_84_is_a_sus_estimate_of_84_and_passes_a_gate_of_80(cli, tmp_path):
    # The issue: a raw 84.0 was reported as SUS 77.5 (0.65 * 84 + 22.9) and --fail-under umux=80 failed.
    path = umux_84(tmp_path)
    summary = as_json(cli("umux-lite", path, "-f", "json"))["summary"]
    assert summary["mean"] == pytest.approx(84.0) and summary["sus_mean"] == pytest.approx(84.0)
    gate = cli("umux-lite", path, "-f", "csv", "--fail-under", "umux=80")
    assert gate.exit_code == 0, gate.stderr
    rows = list(csv.DictReader(io.StringIO(gate.stdout)))
    assert {r["sus_method"] for r in rows} == {"interpolation"}
    old = cli("umux-lite", path, "-f", "csv", "--fail-under", "umux=80", "--sus-estimate", "regression-2013")
    assert old.exit_code == 1 and "77.5" in old.stderr
    assert {r["sus_method"] for r in csv.DictReader(io.StringIO(old.stdout))} == {"regression-2013"}


def test_umux_lite_table_names_the_sus_estimate(cli, tmp_path):
    path = umux_84(tmp_path)
    default = " ".join(cli("umux-lite", path, "-f", "table").stdout.split())
    assert "SUS estimate (95% CI) 84.0" in default and "raw score itself" in default and "0.65" not in default
    old = " ".join(cli("umux-lite", path, "-f", "table", "--sus-estimate", "regression-2013").stdout.split())
    assert "SUS estimate (2013 regression) (95% CI) 77.5" in old
    assert "--sus-estimate regression-2013, 0.65·raw + 22.9" in old and "no longer recommended" in old


def test_umux_lite_sus_estimate_in_the_library_and_help(cli, tmp_path):
    path = str(umux_84(tmp_path))
    result = score("umux-lite", QuestionnaireOptions((path,), settings=(("sus_estimate", "regression-2013"),)))
    assert result.summary["sus_mean"] == pytest.approx(77.5)
    assert score("umux-lite", QuestionnaireOptions((path,))).summary["sus_mean"] == pytest.approx(84.0)
    from uxcli.errors import OptionError

    with pytest.raises(OptionError, match="--sus-estimate must be one of interpolation, regression-2013"):
        score("umux-lite", QuestionnaireOptions((path,), settings=(("sus_estimate", "regression"),)))
    with pytest.raises(OptionError, match="no setting"):
        score("sus", QuestionnaireOptions((path,), settings=(("sus_estimate", "interpolation"),)))
    bad = cli("umux-lite", path, "--sus-estimate", "regression")
    assert bad.exit_code == 2
    assert "--sus-estimate" in " ".join(cli("umux-lite", "--help").stdout.split())


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


def test_nps_one_respondent_has_no_interval(cli, tmp_path):
    # Before: NPS 100 (one promoter) with the interval -48.5 to 98.5, which leaves out the estimate.
    path = tmp_path / "nps.csv"
    path.write_text("participant,likelihood_to_recommend\np1,10\n")
    summary = as_json(cli("nps", path, "-f", "json"))["summary"]
    assert summary["nps"] == 100.0 and summary["ci_low"] is None and summary["ci_high"] is None
    text = " ".join(cli("nps", path, "-f", "table").stdout.split())
    assert "+100 (no interval: one respondent)" in text and "98" not in text


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


CSAT_COLUMNS = ["task", "n", "top2", "csat", "ci_low", "ci_high", "mean", "mean_ci_low", "mean_ci_high"]


def test_csat_mean_rating_beside_top_two_box(cli):
    # search: Very satisfied, satisfied, Neutral, 2 -> 5, 4, 3, 2; t interval by scipy
    rows = as_json(cli("csat", "tests/data/q_csat.csv", "-f", "json"))
    values = np.array([5, 4, 3, 2], dtype=float)
    low, high = st.t.interval(0.95, 3, loc=values.mean(), scale=st.sem(values))
    search = rows[0]
    assert search["mean"] == pytest.approx(3.5)
    assert (search["mean_ci_low"], search["mean_ci_high"]) == (
        pytest.approx(max(low, 1.0), abs=1e-6),
        pytest.approx(min(high, 5.0), abs=1e-6),
    )
    table = list(csv.DictReader(io.StringIO(cli("csat", "tests/data/q_csat.csv", "-f", "csv").stdout)))
    assert list(table[0]) == CSAT_COLUMNS and float(table[0]["mean"]) == 3.5
    text = " ".join(cli("csat", "tests/data/q_csat.csv", "-f", "table").stdout.split())
    assert "Mean 1–5 (CI)" in text and f"3.50 ({max(low, 1.0):.2f}–{min(high, 5.0):.2f})" in text


def test_csat_identical_answers_have_no_mean_interval(cli, tmp_path):
    path = tmp_path / "csat.csv"
    path.write_text("participant,satisfaction\np1,5\np2,5\np3,5\n")
    row = as_json(cli("csat", path, "-f", "json"))[0]
    assert row["mean"] == 5.0 and row["mean_ci_low"] is None and row["mean_ci_high"] is None
    text = " ".join(cli("csat", path, "-f", "table").stdout.split())
    assert "5.00 (not testable: all answers equal)" in text


def test_csat_per_task_with_labels(cli):
    rows = as_json(cli("csat", "tests/data/q_csat.csv", "-f", "json"))
    assert list(rows[0]) == CSAT_COLUMNS
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


def test_gate_rule_on_a_task_the_data_lack_comes_after_the_reading_notes(cli, tmp_path):
    # the warnings of reading are printed before the gate's usage error, as they always were
    path = tmp_path / "seq.csv"
    path.write_text("participant,task,seq\np1,t,7\np2,t,\n")
    result = cli("seq", path, "-f", "csv", "--fail-under", "seq=nope:5")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].endswith("seq.csv:3: no SEQ answers; not scored") and lines[0].startswith("warning:")
    assert "no task 'nope' in the data" in lines[1]


def test_csat_without_any_answer_gates_as_missing(cli, tmp_path):
    path = tmp_path / "csat.csv"
    path.write_text("participant,csat\np1,\np2,\n")
    assert cli("csat", path, "-f", "csv").exit_code == 0
    gated = cli("csat", path, "-f", "csv", "--fail-under", "csat=0.8")
    assert gated.exit_code == 1 and "gate failed: overall: no CSAT to check" in gated.stderr


# --- the registry: commands, gates and modules agree ------------------------------------------------

# One answer file per registered instrument: a new instrument needs its sample here.
SAMPLE_ANSWERS = {
    "sus": "sample_sessions/questionnaires/sus.csv",
    "seq": SEQ_CSV,
    "umux-lite": "tests/data/q_umux.csv",
    "nps": NPS_CSV,
    "csat": "tests/data/q_csat.csv",
}
TASK_METRICS = {"success", "time", "errors"}


def test_every_registered_instrument_has_its_command():
    from uxcli.cli import app

    commands = typer.main.get_command(app).commands
    for key, instrument in INSTRUMENTS.items():
        command = commands[key]
        assert command.help == instrument.help_text
        options = {name for param in command.params for name in param.opts}
        assert instrument.option in options
        assert {choice.flag for choice in instrument.choices} <= options  # the instrument's own options
        assert {"--confidence", "--fail-under", "--gate-on", "--format", "--output", "--encoding"} <= options


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_every_module_matches_its_entry(key):
    instrument, questionnaire = INSTRUMENTS[key], load(key)
    assert questionnaire.answers.key == key
    # several items: missing ones may be imputed; one item: its column may be named
    assert (questionnaire.answers.items > 1) == (instrument.option == "--impute-neutral")
    assert (questionnaire.gate is None) == (instrument.gate is None)


def test_gate_metrics_are_the_registrys():
    from uxcli.gates import ALIASES, METRICS

    assert set(METRICS) - TASK_METRICS == {metric.key for metric in gate_metrics()}
    for metric in gate_metrics():
        gate = METRICS[metric.key]
        fields = ("label", "value", "low", "high", "higher_is_better", "per_task", "unit")
        assert {f: getattr(gate, f) for f in fields} == {f: getattr(metric, f) for f in fields}, metric.key
        assert all(ALIASES[alias] == metric.key for alias in metric.aliases)


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_every_gate_finds_its_figure(key):
    metric = INSTRUMENTS[key].gate
    if metric is None:
        pytest.skip(f"{key} has no gate")
    lowest = "0" if metric.unit == "fraction" else "-1000"  # a target any figure meets
    result = score(key, QuestionnaireOptions((SAMPLE_ANSWERS[key],), fail_under=(f"{metric.key}={lowest}",)))
    assert result.verdict.checks >= 1 and not result.verdict.failed, result.verdict.messages()


# A toy instrument, registered only inside the tests below: one 1-3 answer, scored as its mean.
TOY = AnswerFormat("toy", "Toy", 1, 1, 3, keywords="happy", yaml_keys=("toy",))


def _toy_score(responses: Responses, confidence: float) -> Scores:
    respondents = responses.labels()
    respondents["happy"] = responses.items()[:, 0]
    respondents["source"] = responses.frame["source"].to_numpy()
    return Scores(respondents, {"n": len(respondents), "mean": float(respondents["happy"].mean())})


def _toy_table(scores: Scores, confidence: float) -> str:
    return f"Toy mean {scores.summary['mean']:.2f}"


QUESTIONNAIRE = Questionnaire(TOY, _toy_score, _toy_table, json_keys=("participant", "happy"))


@pytest.fixture
def toy(monkeypatch, tmp_path):
    """The toy in the registry (this module implements it) and a file of its answers."""
    monkeypatch.setitem(
        INSTRUMENTS, "toy", Instrument("toy", __name__, "Toy: how happy, 1-3.", "One column.", "--column")
    )
    path = tmp_path / "toy.csv"
    path.write_text("participant,happy\na,3\nb,1\nc,2\n")
    return str(path)


def test_a_registered_toy_is_scored_by_the_library(toy):
    result = score("toy", QuestionnaireOptions((toy,)))
    assert result.summary == {"n": 3, "mean": 2.0}
    assert list(result.respondents["happy"]) == [3.0, 1.0, 2.0]
    assert result.table() == "Toy mean 2.00"


def test_a_registered_toy_is_a_command(toy):
    app = typer.Typer()
    from uxcli.cli.questionnaires import register

    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["toy", toy, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "respondents": [
            {"participant": "a", "happy": 3.0},
            {"participant": "b", "happy": 1.0},
            {"participant": "c", "happy": 2.0},
        ],
        "summary": {"n": 3, "mean": 2.0},
    }
    helped = runner.invoke(app, ["toy", "--help"])
    assert "Toy: how happy, 1-3." in helped.stdout and "--column" in helped.stdout
    assert "--impute-neutral" not in helped.stdout
