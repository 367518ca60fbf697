"""Questionnaire exports as survey tools write them (issue #13): Qualtrics' three header rows and label
sets, SurveyMonkey's two header rows, banner rows, prefixed/suffixed item headers, two SUS blocks, several
instruments in one file, localised metadata columns, summary rows, bad labels counted once, the SEQ scale,
and a study folder mixing a task log with a SUS export.

Scores are checked against Brooke's (1996) scoring, written out in ``brooke`` below, and its worked
vector 4,1,5,2,4,2,5,1,4,3 -> 82.5 (used throughout tests/test_cli_sus.py); UMUX-Lite against Lewis,
Utesch & Maher (2013): (item1 + item2 - 2) x 100/12.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import SUS_ITEM_TEXTS
from scipy import stats as st

from uxcli.errors import InputError, OptionError
from uxcli.questionnaires.analysis import QuestionnaireOptions, score
from uxcli.questionnaires.exports import drop_banner, read_responses

PUBLISHED = [4, 1, 5, 2, 4, 2, 5, 1, 4, 3]  # Brooke's scoring gives 82.5
NEUTRAL = [3] * 10  # 50.0
QUALTRICS_5 = {
    1: "Strongly disagree",
    2: "Somewhat disagree",
    3: "Neither agree nor disagree",
    4: "Somewhat agree",
    5: "Strongly agree",
}
QUALTRICS_META = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
]


def brooke(answers: list[int]) -> float:
    """Brooke (1996): odd items score answer - 1, even items 5 - answer; the sum times 2.5."""
    return 2.5 * sum((a - 1) if i % 2 == 0 else (5 - a) for i, a in enumerate(answers))


def write(path: Path, rows: list[list], delimiter: str = ",", encoding: str = "utf-8", prefix: str = "") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes((prefix + buffer.getvalue()).encode(encoding))
    return path


def sus_scores(path: Path, **options) -> dict[str, float]:
    result = score("sus", QuestionnaireOptions((str(path),), **options))
    assert result.respondents is not None
    return dict(zip(result.respondents["participant"], result.respondents["score"], strict=True))


def notes_of(path: Path, instrument: str = "sus", **options) -> list[str]:
    return score(instrument, QuestionnaireOptions((str(path),), **options)).messages()


# --- Qualtrics ------------------------------------------------------------------------------------


def qualtrics_rows(answers: list[list[int]], labels: dict[int, str] | None = QUALTRICS_5, block: str = "Q1") -> list:
    fields = [f"{block}_{i}" for i in range(1, 11)]
    texts = [f"Please rate your agreement - {text}" for text in SUS_ITEM_TEXTS]
    imports = [json.dumps({"ImportId": f"QID1_{i}"}) for i in range(1, 11)]
    meta_imports = [json.dumps({"ImportId": name}) for name in ("startDate", "endDate", "status", "ipAddress")]
    rows = [
        [*QUALTRICS_META, *fields],
        ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
         "Recorded Date", "Response ID", *texts],
        [*meta_imports, *([json.dumps({"ImportId": "x"})] * 5), *imports],
    ]  # fmt: skip
    for n, row in enumerate(answers):
        cells = [labels[a] for a in row] if labels else row
        rows.append(["2024-05-01 10:00:00", "2024-05-01 10:04:00", "IP Address", "10.0.0.1", "100", "240", "True",
                     "2024-05-01 10:04:01", f"R_{n}", *cells])  # fmt: skip
    return rows


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", ""), (",", "utf-8", "\ufeff"), ("\t", "utf-16", ""), (";", "cp1252", "")],
)
def test_qualtrics_three_header_rows_and_default_labels(tmp_path, delimiter, encoding, bom):
    path = write(tmp_path / "qualtrics.csv", qualtrics_rows([PUBLISHED, NEUTRAL]), delimiter, encoding, bom)
    options = {"encoding": "cp1252"} if encoding == "cp1252" else {}
    assert (
        sus_scores(path, **options)
        == {"R_0": brooke(PUBLISHED), "R_1": brooke(NEUTRAL)}
        == {
            "R_0": 82.5,
            "R_1": 50.0,
        }
    )
    notes = notes_of(path, **options)
    assert any("lines 2-3 under the header" in n and "ImportId" in n and "skipped" in n for n in notes), notes


def test_qualtrics_numeric_answers_and_metadata_set_aside(tmp_path):
    path = write(tmp_path / "q.csv", qualtrics_rows([PUBLISHED], labels=None))
    result = score("sus", QuestionnaireOptions((str(path),)))
    assert result.respondents is not None
    assert list(result.respondents["score"]) == [82.5]
    # the answers came from Q1_1…Q1_10; the line of the respondent is line 4 (3 header rows)
    assert [s.rpartition("/")[2] for s in result.respondents["source"]] == ["q.csv:4"]


def test_qualtrics_seven_point_labels_umux_lite_and_seq(tmp_path):
    # Qualtrics' 7-point agreement set: Agree = 6, Strongly agree = 7, Somewhat disagree = 3
    umux = write(
        tmp_path / "umux.csv",
        [
            ["ResponseId", "Q2_1", "Q2_2"],
            ["R_1", "Agree", "Strongly agree"],
            ["R_2", "Somewhat disagree", "Neither agree nor disagree"],
        ],
    )
    result = score("umux-lite", QuestionnaireOptions((str(umux),)))
    assert result.respondents is not None
    expected = [(6 + 7 - 2) * 100 / 12, (3 + 4 - 2) * 100 / 12]
    assert np.allclose(result.respondents["raw"], expected)
    seq = write(
        tmp_path / "seq.csv",
        [["participant", "task", "seq"], ["P1", "login", "Very easy"], ["P2", "login", "Somewhat difficult"],
         ["P3", "login", "Neither easy nor difficult"]],
    )  # fmt: skip
    tasks = score("seq", QuestionnaireOptions((str(seq),))).tasks
    assert tasks is not None
    assert tasks.loc[0, "mean"] == pytest.approx(np.mean([7, 3, 4]))


# --- SurveyMonkey, Google Forms, Microsoft Forms, Typeform ----------------------------------------


def test_surveymonkey_item_texts_in_the_second_header_row(tmp_path):
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    words = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}
    path = write(
        tmp_path / "monkey.csv",
        [
            [*meta, "Please rate the following statements", *[""] * 9],
            [""] * len(meta) + SUS_ITEM_TEXTS,
            ["114", "22", "01/02/2024", "01/02/2024", "1.1.1.1", "", *[words[a] for a in PUBLISHED]],
        ],
    )
    assert sus_scores(path) == {"114": 82.5}
    assert any("line 2 holds the item texts" in n for n in notes_of(path))


@pytest.mark.parametrize(
    "meta",
    [
        ["Timestamp"],  # Google Forms (English)
        ["Horodateur", "Adresse e-mail"],  # French
        ["Marca temporal", "Dirección de correo electrónico"],  # Spanish
        ["Zeitstempel", "E-Mail-Adresse"],  # German
        ["Informazioni cronologiche"],  # Italian
        ["Tidsstempel"],  # Danish/Norwegian
        ["Tijdstempel"],  # Dutch
        ["ID", "Start time", "Completion time", "Email", "Name"],  # Microsoft Forms
        ["#", "Submitted At", "Network ID"],  # Typeform
    ],
)
def test_localised_metadata_columns_are_not_answers(tmp_path, meta):
    # one SEQ rating column per task: a metadata column read as a task would be a silent wrong result
    rows = [[*meta, "Login", "Search"]]
    for n in range(3):
        rows.append([*(f"{n}" if h in ("ID", "#") else f"2024-01-0{n + 1}" for h in meta), 6 - n, 4 + n])
    path = write(tmp_path / "form.csv", rows)
    tasks = score("seq", QuestionnaireOptions((str(path),))).tasks
    assert tasks is not None
    assert list(tasks["task"]) == ["Login", "Search"]
    assert list(tasks["mean"]) == [5.0, 5.0]


def test_google_forms_item_texts_with_localised_timestamp(tmp_path):
    words = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5"}
    path = write(
        tmp_path / "gforms.csv",
        [["Horodateur", *SUS_ITEM_TEXTS], ["2024/03/01 10:00:00", *[words[a] for a in PUBLISHED]]],
        ";",
        "utf-8",
        "\ufeff",
    )
    assert sus_scores(path) == {"R1": 82.5}


# --- banner rows, summary rows --------------------------------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [
        ["SUS results, round 2", *[""] * 10],  # a title in the first cell
        ["", "", "", "", "", "Post-test questionnaire", "", "", "", "", ""],  # a title spanning the columns
        ["Usability study"],  # a title alone on its line
    ],
)
def test_banner_row_above_the_header_is_skipped_with_a_note(tmp_path, banner):
    path = write(tmp_path / "banner.csv", [banner, ["participant", *[f"SUS{i}" for i in range(1, 11)]],
                                           ["P1", *PUBLISHED], ["P2", *NEUTRAL]])  # fmt: skip
    result = score("sus", QuestionnaireOptions((str(path),)))
    assert result.respondents is not None
    assert list(result.respondents["score"]) == [82.5, 50.0]
    assert [s.rpartition("/")[2] for s in result.respondents["source"]] == [
        "banner.csv:3",
        "banner.csv:4",
    ]  # line numbers kept
    title = next(cell for cell in banner if cell)
    assert any(f"line 1: {title!r} is a title above the header; skipped" in n for n in result.messages())


def test_drop_banner_leaves_a_real_header_alone():
    data = b"participant,q1,q2\nP1,3,4\n"
    assert drop_banner(data) == (data, [])
    single = b"rating\n5\n4\n"  # a one-column file: its header is no title
    assert drop_banner(single) == (single, [])


@pytest.mark.parametrize(
    "summary",
    [
        ["", "Average", "81,67"],
        ["Mean", "3.4"],
        ["Total", "41"],
        ["Moyenne :", "3,2"],
        ["Promedio", "3.1"],
        ["Durchschnitt", "3,3"],
        ["", "3.4"],  # no respondent, values that are no answers
    ],
)
def test_summary_rows_at_the_bottom_are_set_aside_with_a_note(tmp_path, summary):
    header = ["participant", *[f"Q{i}" for i in range(1, 11)]]
    rows = [header, ["P1", *PUBLISHED], ["P2", *NEUTRAL], summary + [""] * (len(header) - len(summary))]
    path = write(tmp_path / "with_mean.csv", rows, ";")
    assert sus_scores(path) == {"P1": 82.5, "P2": 50.0}
    notes = notes_of(path)
    assert any("1 summary row at the bottom set aside (line 4" in n for n in notes), notes


def test_a_bad_answer_in_the_last_respondent_row_is_still_an_error(tmp_path):
    rows = [["participant", *[f"Q{i}" for i in range(1, 11)]], ["P1", *PUBLISHED], ["P2", *PUBLISHED[:-1], "7"]]
    with pytest.raises(InputError, match="out of range"):
        score("sus", QuestionnaireOptions((str(write(tmp_path / "bad.csv", rows)),)))


# --- item headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["uta7_usability_q{}", "SUS_Q{}_score", "sus{}", "SUS {}", "Q3_{}", "SUS-{} (1-5)", "Item {}", "{}"],
)
def test_item_headers_with_a_prefix_or_a_suffix(tmp_path, pattern):
    header = ["participant", "age", *[pattern.format(i) for i in range(1, 11)], "comment"]
    path = write(tmp_path / "items.csv", [header, ["P1", "34", *PUBLISHED, "fine"], ["P2", "51", *NEUTRAL, ""]])
    assert sus_scores(path) == {"P1": 82.5, "P2": 50.0}


def test_two_sus_blocks_need_items_prefix(tmp_path):
    header = ["id", *[f"pre_sus_q{i}" for i in range(1, 11)], *[f"post_sus_q{i}" for i in range(1, 11)]]
    path = write(tmp_path / "prepost.csv", [header, ["P1", *NEUTRAL, *PUBLISHED]])
    with pytest.raises(InputError) as caught:
        score("sus", QuestionnaireOptions((str(path),)))
    problem = caught.value.problem
    assert "2 blocks of columns could be the SUS items: pre_sus_q1…pre_sus_q10, post_sus_q1…post_sus_q10" in str(
        problem
    )
    assert "--items pre_sus" in (problem.hint or "") and "--items post_sus" in (problem.hint or "")
    pre = read_responses([str(path)], "sus", items="pre_sus")
    post = read_responses([str(path)], "sus", items="post_sus")
    assert pre.items().tolist() == [NEUTRAL]
    assert post.items().tolist() == [PUBLISHED]
    with pytest.raises(OptionError, match="prepost.csv starts with"):
        read_responses([str(path)], "sus", items="mid_sus")


def test_items_option_on_the_command_line(cli, tmp_path):
    header = ["id", *[f"pre_sus_q{i}" for i in range(1, 11)], *[f"post_sus_q{i}" for i in range(1, 11)]]
    path = write(tmp_path / "prepost.csv", [header, ["P1", *NEUTRAL, *PUBLISHED]])
    failed = cli("sus", str(path), "-f", "json")
    assert failed.exit_code == 1 and failed.stdout == ""
    assert "--items pre_sus" in failed.stderr
    result = cli("sus", str(path), "--items", "post_sus", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["respondents"] == [{"participant": "P1", "score": 82.5}]


# --- several instruments in one file ------------------------------------------------------------------


def test_sus_and_umux_lite_texts_in_one_file(tmp_path):
    # UMUX-Lite's "This system is easy to use" also reads as SUS item 3 ("easy to use"): the SUS block
    # decides, and UMUX-Lite keeps its column
    umux = ["This system's capabilities meet my requirements", "This system is easy to use"]
    path = write(
        tmp_path / "both.csv",
        [["Timestamp", *SUS_ITEM_TEXTS, *umux, "How likely are you to recommend us?"], ["2024", *PUBLISHED, 6, 5, 9]],
    )
    assert sus_scores(path) == {"R1": 82.5}
    assert any("SUS item 3: took 'I thought the system was easy to use'" in n for n in notes_of(path))
    result = score("umux-lite", QuestionnaireOptions((str(path),)))
    assert result.respondents is not None
    assert list(result.respondents["raw"]) == pytest.approx([(6 + 5 - 2) * 100 / 12])
    nps = score("nps", QuestionnaireOptions((str(path),)))
    assert nps.respondents is not None and list(nps.respondents["rating"]) == [9]


@pytest.mark.parametrize("renamed", [0, 6, 9])
def test_nine_of_ten_items_in_a_block_fill_the_tenth_by_position(tmp_path, renamed):
    texts = list(SUS_ITEM_TEXTS)
    texts[renamed] = f"Statement ({renamed + 1}) reworded"
    path = write(tmp_path / "nine.csv", [["Name", *texts, "Comments"], ["Ann", *PUBLISHED, "ok"]])
    result = score("sus", QuestionnaireOptions((str(path),)))
    assert result.respondents is not None and list(result.respondents["score"]) == [82.5]
    warnings = [m for m in result.messages() if m.startswith("warning:")]
    assert any(f"SUS item {renamed + 1}: no header with its text; took {texts[renamed]!r}" in w for w in warnings)


def test_nine_numbered_items_fill_the_renamed_one(tmp_path):
    header = ["participant", *[f"SUS{i}" for i in range(1, 7)], "learn quickly", "SUS8", "SUS9", "SUS10", "age"]
    path = write(tmp_path / "nine.csv", [header, ["P1", *PUBLISHED, 40]])
    result = score("sus", QuestionnaireOptions((str(path),)))
    assert result.respondents is not None and list(result.respondents["score"]) == [82.5]
    assert any("SUS item 7: no header with its number; took 'learn quickly'" in m for m in result.messages())


def test_nine_items_scattered_are_still_an_error(tmp_path):
    texts = list(SUS_ITEM_TEXTS)
    texts[4] = "Something else"
    # the renamed item is moved away from its place: no block to fill it from
    header = ["participant", *texts[:4], *texts[5:], texts[4]]
    path = write(tmp_path / "scattered.csv", [header, ["P1", *PUBLISHED]])
    with pytest.raises(InputError, match="item text found for 9 of 10 items; no column for item 5"):
        score("sus", QuestionnaireOptions((str(path),)))


# --- bad labels ---------------------------------------------------------------------------------------


def test_one_error_line_per_distinct_bad_label(cli, tmp_path):
    rows = [["participant", *[f"Q{i}" for i in range(1, 11)]]]
    rows += [[f"P{n}", "Agree strongly", *NEUTRAL[1:9], "Agree strongly"] for n in range(14)]
    rows += [["P99", "Totally", *NEUTRAL[1:]]]
    path = write(tmp_path / "labels.csv", rows)
    result = cli("sus", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4, result.stderr  # one per column and label, and the count line
    # counted per column: 14 cells in Q1 and 14 in Q10, not 28 under Q1
    assert '"Agree strongly" is not a SUS answer (14 cells, lines 2, 3, 4, …)' in errors[0]
    assert 'labels.csv:2: column "Q1"' in errors[0]
    assert 'labels.csv:2: column "Q10"' in errors[1] and "(14 cells" in errors[1]
    assert '"Totally" is not a SUS answer' in errors[2] and "labels.csv:16" in errors[2]
    assert "cells" not in errors[2]


# --- the SEQ scale ------------------------------------------------------------------------------------


def test_seq_on_five_points_is_not_tested_against_the_seven_point_average(tmp_path):
    ratings = [4, 5, 3, 5, 4]
    path = write(tmp_path / "seq5.csv", [["participant", "task", "Ease (1-5)"]] + [
        [f"P{n}", "login", r] for n, r in enumerate(ratings)])  # fmt: skip
    result = score("seq", QuestionnaireOptions((str(path),)))
    tasks = result.tasks
    assert tasks is not None
    row = tasks.iloc[0]
    assert row["mean"] == pytest.approx(np.mean(ratings))
    low, high = st.t.interval(0.95, len(ratings) - 1, np.mean(ratings), st.sem(ratings))
    assert row["ci_low"] == pytest.approx(max(low, 1.0)) and row["ci_high"] == pytest.approx(min(high, 5.0))
    assert math.isnan(row["benchmark"]) and math.isnan(row["p_above"])
    assert row["verdict"].startswith("not tested: 1-5 ratings")
    assert any("the header says the SEQ answers are 1-5" in m for m in result.messages())


def test_seq_declared_scale_refuses_ratings_above_it(tmp_path):
    path = write(tmp_path / "seq.csv", [["participant", "task", "seq"], ["P1", "t", 4], ["P2", "t", 6]])
    with pytest.raises(InputError, match="SEQ rating 6 is above 5"):
        score("seq", QuestionnaireOptions((str(path),), settings=(("scale", "5"),)))
    tested = score("seq", QuestionnaireOptions((str(path),))).tasks
    assert tested is not None and tested.loc[0, "benchmark"] == 5.5


def test_seq_values_all_within_five_points_get_a_note(tmp_path):
    rows = [["participant", "task", "seq"]] + [[f"P{n}", "t", 1 + n % 5] for n in range(12)]
    path = write(tmp_path / "seq.csv", rows)
    assert any("--scale 5" in m for m in notes_of(path, "seq"))


def test_seq_scale_option_on_the_command_line(cli, tmp_path):
    path = write(tmp_path / "seq.csv", [["participant", "task", "seq"], ["P1", "t", 4], ["P2", "t", 5]])
    result = cli("seq", str(path), "--scale", "5", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["verdict"].startswith("not tested")


# --- a study folder -----------------------------------------------------------------------------------


@pytest.fixture
def round1(tmp_path) -> Path:
    folder = tmp_path / "round1"
    folder.mkdir()
    (folder / "log.csv").write_text("participant,task,outcome,time\nP1,login,success,30\nP2,login,failure,50\n")
    write(folder / "sus.csv", qualtrics_rows([PUBLISHED, NEUTRAL]))
    return folder


def test_summary_of_a_folder_skips_the_questionnaire_export(cli, round1):
    result = cli("summary", str(round1), "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["task"], r["attempts"], r["successes"]) for r in rows] == [("login", 2, 1)]
    assert "sus.csv: a SUS questionnaire export, not a task log; skipped" in result.stderr


def test_sus_of_a_folder_skips_the_task_log(cli, round1):
    result = cli("sus", str(round1), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["score"] for r in json.loads(result.stdout)["respondents"]] == [82.5, 50.0]
    assert "log.csv: a task log, no SUS answers; skipped" in result.stderr


def test_a_questionnaire_export_named_for_a_task_command_is_refused(cli, round1):
    result = cli("summary", str(round1 / "sus.csv"))
    assert result.exit_code == 1 and result.stdout == ""
    assert "is a SUS questionnaire export, not a task log" in result.stderr
    assert "uxcli sus" in result.stderr


def test_a_seq_export_in_the_folder_is_skipped_too(cli, round1):
    write(round1 / "seq.csv", [["participant", "task", "SEQ"], ["P1", "login", 6], ["P2", "login", 5]])
    result = cli("summary", str(round1), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["attempts"] for r in json.loads(result.stdout)] == [2]
    assert "seq.csv: a SEQ questionnaire export, not a task log; skipped" in result.stderr
    assert "sus.csv: a SUS questionnaire export" in result.stderr


def test_validate_of_a_folder_notes_the_skipped_export(cli, round1):
    result = cli("validate", str(round1), "-f", "json")
    assert result.exit_code == 0, result.stderr
    problems = json.loads(result.stdout)
    skipped = [p for p in problems if p["severity"] == "note" and "questionnaire export" in p["message"]]
    assert [p["file"].rpartition("/")[2] for p in skipped] == ["sus.csv"]


def test_a_wide_success_matrix_with_numbered_tasks_is_no_export(cli, tmp_path):
    # Q1…Q10 headers over 1/0 outcomes: a task matrix, not SUS answers
    header = ["participant", *[f"Q{i}" for i in range(1, 11)]]
    path = write(tmp_path / "matrix.csv", [header, ["P1", *[1] * 10], ["P2", *[1, 0] * 5]])
    result = cli("summary", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["task"] for r in rows] == [f"Q{i}" for i in range(1, 11)]
    assert sum(r["successes"] for r in rows) == 15


def test_bad_labels_in_a_wide_seq_sheet_are_counted_once(cli, tmp_path):
    rows = [["participant", "Login", "Search", "Checkout"]]
    rows += [[f"P{n}", "very hard", "very hard", 5] for n in range(1, 45)]
    result = cli("seq", str(write(tmp_path / "seq_wide.csv", rows)))
    assert result.exit_code == 1 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3, result.stderr  # one per column and the count line, not 88 lines
    assert 'column "Login": "very hard" is not a SEQ answer (44 cells, lines 2, 3, 4, …)' in errors[0]
    assert 'column "Search": "very hard" is not a SEQ answer (44 cells, lines 2, 3, 4, …)' in errors[1]


def test_typeform_hash_id_and_umux_lite_numbered_with_suffix(tmp_path):
    rows = [["#", "UMUX_1_rating", "UMUX_2_rating", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
            ["a1b2", 7, 6, "2024-01-01 10:00:00", "2024-01-01 10:03:00", "9f8e"]]  # fmt: skip
    result = score("umux-lite", QuestionnaireOptions((str(write(tmp_path / "typeform.csv", rows)),)))
    assert result.respondents is not None
    assert list(result.respondents["participant"]) == ["a1b2"]
    assert list(result.respondents["raw"]) == pytest.approx([(7 + 6 - 2) * 100 / 12])


def test_a_last_row_without_id_and_one_slip_is_an_error_not_a_summary(tmp_path):
    header = ["participant", *[f"Q{i}" for i in range(1, 11)]]
    rows = [header, ["P1", *PUBLISHED], ["", *PUBLISHED[:-1], 6]]
    with pytest.raises(InputError, match="out of range"):
        score("sus", QuestionnaireOptions((str(write(tmp_path / "slip.csv", rows)),)))
