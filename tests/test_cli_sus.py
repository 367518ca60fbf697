"""`uxcli sus` end to end: published checks, every input convention, bad answers, formats, gates."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from conftest import DATA, ROOT, SAMPLES  # noqa: F401
from scipy import stats as st

from uxcli.questionnaires import scoring as q

SUMMARY_KEYS = ["n", "mean", "sd", "median", "min", "max", "ci_low", "ci_high", "grade", "percentile", "adjective"]
# sample_sessions/README.md: the mean SUS score is 65.0 for A and 78.1 for B (four participants each).
SAMPLE_SCORES = {"P01": 70.0, "P02": 60.0, "P03": 67.5, "P04": 62.5, "P05": 82.5, "P06": 75.0, "P07": 72.5, "P08": 82.5}


def run_json(cli, *args) -> dict:
    result = cli("sus", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def scores(document: dict) -> dict[str, float]:
    return {r["participant"]: r["score"] for r in document["respondents"]}


# --- published checks ------------------------------------------------------------------------------


def test_published_vectors(cli):
    # Brooke (1996) scoring; vectors from the issue and ux-statistics.md: all 3s -> 50,
    # 4,1,5,2,4,2,5,1,4,3 -> 82.5, 5,1,5,1,... -> 100 (and 1,5,1,5,... -> 0).
    doc = run_json(cli, "tests/data/q_sus_numbered.csv")
    assert scores(doc) == {"neutral": 50.0, "published": 82.5, "best": 100.0, "worst": 0.0}


def test_json_shape_is_exactly_the_documented_one(cli):
    doc = run_json(cli, SAMPLES / "questionnaires" / "sus.csv")
    assert list(doc) == ["respondents", "summary"]
    assert all(list(r) == ["participant", "score"] for r in doc["respondents"])
    assert list(doc["summary"]) == SUMMARY_KEYS


def test_summary_against_scipy_and_the_lookups(cli):
    doc = run_json(cli, SAMPLES / "questionnaires" / "sus.csv")
    values = np.array(list(SAMPLE_SCORES.values()))
    assert scores(doc) == SAMPLE_SCORES
    summary = doc["summary"]
    low, high = st.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=st.sem(values))
    assert summary["n"] == 8
    assert summary["mean"] == pytest.approx(values.mean(), abs=1e-6)
    assert summary["sd"] == pytest.approx(values.std(ddof=1), abs=1e-6)
    assert summary["median"] == pytest.approx(np.median(values))
    assert (summary["min"], summary["max"]) == (60.0, 82.5)
    assert (summary["ci_low"], summary["ci_high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
    # 71.56: curved grade C+ (71.1-72.5), "Good" (nearest Bangor mean 71.4), percentile from the lookup
    # between 71.1 (60th) and 72 (63rd), not a normal approximation.
    assert summary["grade"] == "C+"
    assert summary["adjective"] == "Good"
    assert summary["percentile"] == pytest.approx(60 + (values.mean() - 71.1) / 0.9 * 3, abs=1e-5)


def test_confidence_option_changes_the_interval(cli):
    narrow = run_json(cli, SAMPLES / "questionnaires" / "sus.csv", "--confidence", "0.8")["summary"]
    values = np.array(list(SAMPLE_SCORES.values()))
    low, _ = st.t.interval(0.8, 7, loc=values.mean(), scale=st.sem(values))
    assert narrow["ci_low"] == pytest.approx(low, abs=1e-6)


# --- input conventions -----------------------------------------------------------------------------


def test_google_forms_export_item_texts_and_labels(cli):
    # Timestamp column ignored, "Participant" as id, item texts as headers, quoted label answers.
    assert scores(run_json(cli, SAMPLES / "questionnaires" / "sus.csv")) == SAMPLE_SCORES


def test_yaml_sessions_give_the_same_scores(cli):
    assert scores(run_json(cli, SAMPLES / "layouts" / "study.yaml")) == SAMPLE_SCORES


def test_typeform_export_website_wording_and_awkward(cli):
    # "#" response id, "website" instead of "system", "awkward" for item 8, date columns at the end.
    assert scores(run_json(cli, "tests/data/q_sus_typeform.csv")) == {"tf01": 82.5, "tf02": 50.0}


def test_qualtrics_export_skips_its_extra_header_rows(cli):
    # Q5_1..Q5_10 matrix columns, a question-text row and an ImportId row under the header,
    # "Neither agree nor disagree" as the neutral label, ResponseId as the id.
    result = cli("sus", "tests/data/q_sus_qualtrics.csv", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["participant"], float(r["score"]), r["source"]) for r in rows] == [
        ("R_1abc", 82.5, "tests/data/q_sus_qualtrics.csv:4"),
        ("R_2def", 100.0, "tests/data/q_sus_qualtrics.csv:5"),
    ]


def test_sus_prefixed_headers_semicolons_and_labels_in_any_case(cli):
    doc = run_json(cli, "tests/data/q_sus_prefixed.csv")
    # no id column: respondents are numbered in input order
    assert scores(doc) == {"R1": 100.0, "R2": 50.0, "R3": 82.5}


def test_columns_taken_by_position_when_headers_are_unknown(cli, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("who,a,b,c,d,e,f,g,h,i,j\nx,4,1,5,2,4,2,5,1,4,3\n")
    result = cli("sus", path, "-f", "json")
    # "who" is not a known id, so 11 candidate columns: refuse rather than guess
    assert result.exit_code == 1
    assert "no SUS item columns" in result.stderr
    path.write_text("a,b,c,d,e,f,g,h,i,j\n4,1,5,2,4,2,5,1,4,3\n")
    result = cli("sus", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert scores(json.loads(result.stdout)) == {"R1": 82.5}
    assert "in order" in result.stderr


def test_directory_skips_files_without_sus(cli):
    result = cli("sus", SAMPLES / "questionnaires", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert scores(json.loads(result.stdout)) == SAMPLE_SCORES
    assert "nps.csv: no SUS answers; skipped" in result.stderr


def test_named_file_without_sus_columns_is_an_error(cli):
    result = cli("sus", SAMPLES / "questionnaires" / "nps.csv", "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no SUS item columns" in result.stderr and "Q1-Q10" in result.stderr


def test_stdin(cli):
    text = (DATA / "q_sus_numbered.csv").read_text()
    result = cli("sus", "-", "-f", "csv", input=text)
    assert result.exit_code == 0, result.stderr
    assert "<stdin>:3" in result.stdout


# --- bad answers -----------------------------------------------------------------------------------


def test_bad_answers_are_all_reported_by_line_and_nothing_is_scored(cli):
    result = cli("sus", "tests/data/q_sus_bad.csv", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert errors[0].startswith('error: tests/data/q_sus_bad.csv:3: column "Q4": 1 of 10 SUS answers missing')
    assert "--impute-neutral" in errors[0]
    assert errors[1] == 'error: tests/data/q_sus_bad.csv:4: column "Q4": "6" is out of range: SUS answers are 1-5'
    assert errors[2].startswith(
        'error: tests/data/q_sus_bad.csv:5: column "Q9": "Agre" is not a SUS answer (did you mean "Agree"?)'
    )
    assert errors[3] == "error: 3 problems with SUS answers (listed above); nothing scored"
    assert "Traceback" not in result.stderr


def test_impute_neutral_fills_missing_but_never_out_of_range(cli):
    result = cli("sus", "tests/data/q_sus_bad.csv", "-f", "csv", "--impute-neutral")
    assert result.exit_code == 1
    assert ":3:" not in result.stderr  # the missing answer is imputed ...
    assert ":4:" in result.stderr and ":5:" in result.stderr  # ... the others are still errors


def test_impute_neutral_scores_with_3_and_says_so(cli):
    result = cli("sus", "tests/data/q_sus_missing.csv", "-f", "json", "--impute-neutral")
    assert result.exit_code == 0, result.stderr
    # 5,1,5,1,5,1,5,1,_,_ with 3s: 2.5 * (4*4 + 4*4 + 2 + 2) = 90 (Bangor, Kortum & Miller 2008)
    assert scores(json.loads(result.stdout)) == {"full": 82.5, "gap": 90.0}
    assert q.sus_score(q.impute_neutral([5, 1, 5, 1, 5, 1, 5, 1, None, None])) == 90.0
    assert "2 missing answers of 1 respondent scored as 3" in result.stderr


def test_missing_without_impute_is_an_error_with_the_line(cli):
    result = cli("sus", "tests/data/q_sus_missing.csv", "-f", "json")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: tests/data/q_sus_missing.csv:3: 2 of 10 SUS answers missing (Q9, Q10)")


def test_yaml_bad_answer_points_at_the_line(cli, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "sessions:\n  - participant: A\n    tasks: []\n    questionnaires:\n      sus: [3, 3, 3, 3, 3, 3, 3, 3, 3, 9]\n"
    )
    result = cli("sus", path, "-f", "json")
    assert result.exit_code == 1
    assert 's.yaml:5: column "sus[10]": "9" is out of range' in result.stderr
    path.write_text("sessions:\n  - participant: A\n    questionnaires:\n      sus: [3, 3, 3]\n")
    result = cli("sus", path, "-f", "json")
    assert result.exit_code == 1
    assert "must be a list of 10 answers, got 3 answers" in result.stderr


# --- other formats ---------------------------------------------------------------------------------


def test_csv_prints_the_respondents(cli, golden):
    result = cli("sus", "sample_sessions/questionnaires/sus.csv", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    golden("sus.csv", result.stdout)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["participant", "score", "source"]


def test_json_golden(cli, golden):
    result = cli("sus", "sample_sessions/questionnaires/sus.csv", "-f", "json")
    assert result.exit_code == 0, result.stderr
    golden("sus.json", result.stdout)


def test_table_shows_respondents_and_summary(cli, tmp_path):
    out = tmp_path / "sus.txt"
    result = cli("sus", SAMPLES / "questionnaires" / "sus.csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    for needle in (
        "Respondents",
        "P08",
        "82.5",
        "SUS summary",
        "71.6 (64.6–78.5)",
        "C+",
        "Good",
        "62",
        # 71.6 (64.6-78.5) contains 68: the verdict follows the printed interval
        "not distinguishable from the SUS 68 average",
    ):
        assert needle in text, needle


def test_verdict_against_68_follows_the_printed_interval(cli, tmp_path):
    # Four SUS scores, mean 83.75, whose 95% t interval (63.6 to 100) contains 68 while the one-sided p is 0.044
    # (scipy): before, "above the SUS 68 average (p = 0.044)" beside an interval reaching below 68.
    scores = [65.0, 87.5, 90.0, 92.5]
    low, high = st.t.interval(0.95, 3, loc=np.mean(scores), scale=st.sem(scores))
    p = st.ttest_1samp(scores, 68, alternative="greater").pvalue
    assert low < 68 and 0.025 < p < 0.05
    rows = [sus_answers(score) for score in scores]
    path = tmp_path / "sus.csv"
    path.write_text(
        "id,"
        + ",".join(f"Q{i}" for i in range(1, 11))
        + "\n"
        + "".join(f"r{i}," + ",".join(map(str, answers)) + "\n" for i, answers in enumerate(rows))
    )
    text = " ".join(cli("sus", path, "-f", "table").stdout.split())
    assert f"not distinguishable from the SUS 68 average (p = {p:.3f})" in text
    assert "above the SUS" not in text and "alpha = 0.025" in text
    from uxcli.questionnaires.sus import benchmark

    # uxcli.benchmarks calls benchmark(scores, alpha) with alpha = 1 - confidence: the same verdict
    assert benchmark(np.array(scores), 0.05)[1].startswith("not distinguishable")
    assert benchmark(np.array(scores), 0.05)[0] == pytest.approx(p)


def sus_answers(score: float) -> list[int]:
    """Ten 1-5 answers scoring ``score`` (a multiple of 2.5 from 50 up): odd items 4 or 5, even items 2 or 1."""
    points = int(score / 2.5)  # 2.5 x [sum(odd - 1) + sum(5 - even)]
    answers = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]  # 20 points = 50
    for index in range(10):
        if points <= 20:
            break
        step = min(2, points - 20)
        answers[index] = answers[index] + step if index % 2 == 0 else answers[index] - step
        points -= step
    assert q.sus_score(answers) == score
    return answers


def test_identical_scores_are_not_testable(cli, tmp_path):
    # Three respondents scoring 70 each: before, "70.0 (70.0-70.0)" and "above the SUS 68 average (p < 0.001)".
    path = tmp_path / "sus.csv"
    path.write_text(
        "id,"
        + ",".join(f"Q{i}" for i in range(1, 11))
        + "\n"
        + "".join(f"r{i},4,2,4,2,4,2,3,2,3,2\n" for i in range(3))
    )
    doc = run_json(cli, path)
    assert [r["score"] for r in doc["respondents"]] == [70.0, 70.0, 70.0]
    assert doc["summary"]["ci_low"] is None and doc["summary"]["ci_high"] is None
    text = " ".join(cli("sus", path, "-f", "table").stdout.split())
    assert "70.0 (not testable: all answers equal)" in text
    assert "Against the average of 68 not testable (all answers equal)" in text
    assert "above the" not in text and "below the" not in text and "70.0–70.0" not in text


def test_markdown_has_both_tables(cli):
    result = cli("sus", SAMPLES / "questionnaires" / "sus.csv", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "| participant | score | source |" in result.stdout
    assert "| grade | C+ |" in result.stdout


# --- gate ------------------------------------------------------------------------------------------


def test_gate_sus_68_exit_codes(cli):
    passed = cli("sus", SAMPLES / "questionnaires" / "sus.csv", "-f", "csv", "--fail-under", "sus=68")
    assert passed.exit_code == 0, passed.stderr
    assert "gates passed" in passed.stderr
    failed = cli("sus", SAMPLES / "questionnaires" / "sus.csv", "-f", "csv", "--fail-under", "sus=75")
    assert failed.exit_code == 1
    assert failed.stdout == passed.stdout  # the output is still written
    assert "gate failed: overall: SUS mean 71.6 < 75.0 (rule sus=75, point estimate)" in failed.stderr
    # the lower bound of the 95% CI (64.6) misses 68 although the mean passes
    bound = cli(
        "sus", SAMPLES / "questionnaires" / "sus.csv", "-f", "csv", "--fail-under", "sus=68", "--gate-on", "bound"
    )
    assert bound.exit_code == 1
    assert (
        "SUS mean lower 95% bound 64.6 (point estimate 71.6) < 68.0 (rule sus=68, lower bound of the 95% CI)"
        in bound.stderr
    )


def test_gate_rule_typo_is_a_usage_error(cli):
    result = cli("sus", SAMPLES / "questionnaires" / "sus.csv", "--fail-under", "suss=68")
    assert result.exit_code == 2
    assert "--fail-under wants METRIC=TARGET" in result.stderr


# --- the library call behind the command -----------------------------------------------------------


def test_library_call_gives_what_the_command_prints(cli):
    from uxcli.questionnaires.analysis import QuestionnaireOptions, score

    path = "sample_sessions/questionnaires/sus.csv"
    command = cli("sus", path, "-f", "json", "--fail-under", "sus=75")
    result = score("sus", QuestionnaireOptions((path,), fail_under=("sus=75",)))
    assert result.text("json") == command.stdout
    assert result.text("csv") == cli("sus", path, "-f", "csv").stdout
    assert result.summary["n"] == 8 and list(result.respondents["score"]) == list(SAMPLE_SCORES.values())
    assert result.verdict.failed and command.exit_code == 1
    assert command.stderr.splitlines() == [
        *result.messages(),
        *result.verdict.messages(),
        "error: 1 of 1 gate check failed",
    ]


def test_library_lists_every_bad_answer():
    from uxcli.questionnaires.analysis import QuestionnaireOptions, score
    from uxcli.questionnaires.exports import AnswerErrors

    with pytest.raises(AnswerErrors) as caught:
        score("sus", QuestionnaireOptions(("tests/data/q_sus_bad.csv",)))
    assert [p.line for p in caught.value.problems] == [3, 4, 5]


def test_library_imports_neither_typer_nor_rich():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from uxcli.questionnaires.analysis import QuestionnaireOptions, score\n"
        "for key, path in [('sus', 'sample_sessions/questionnaires/sus.csv'), ('seq', 'tests/data/q_seq_wide.csv')]:\n"
        "    result = score(key, QuestionnaireOptions((path,), fail_under=(key + '=1',)))\n"
        "    result.text('json'), result.text('markdown'), result.messages(True)\n"
        "print(sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
