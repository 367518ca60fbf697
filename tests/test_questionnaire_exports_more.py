"""Questionnaire exports as they really come (issue #13, follow-up): Qualtrics' question-text row read
when matching columns to instruments, numbered blocks another instrument claims kept out of SEQ tasks and
UMUX-Lite items, guessed SEQ task columns that hold no SEQ answers left out with a note, bad-label counts
per column, and the exports of Google Forms, Microsoft Forms, SurveyMonkey and Typeform with SUS, SEQ and
NPS and a condition column.

SUS is checked against Brooke's (1996) scoring (``brooke`` below; its worked vector 4,1,5,2,4,2,5,1,4,3
gives 82.5), SEQ means and intervals against scipy's t interval, NPS against % promoters - % detractors.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from conftest import SUS_ITEM_TEXTS
from scipy import stats as st

from uxcli.errors import InputError
from uxcli.questionnaires.analysis import QuestionnaireOptions, score

LABELS_5 = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
QUALTRICS_5 = [
    "Strongly disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Strongly agree",
]
PUBLISHED = [4, 1, 5, 2, 4, 2, 5, 1, 4, 3]  # 82.5
# ten respondents' SUS answers (1-5), SEQ (1-7) and NPS (0-10); conditions alternate A, B
SUS_ROWS = [[(3 * r + 2 * k) % 5 + 1 for k in range(10)] for r in range(9)] + [PUBLISHED]
SEQ = [3, 4, 3, 3, 7, 4, 3, 6, 7, 6]
NPS = [9, 10, 3, 7, 8, 10, 0, 6, 9, 5]
CONDITION = ["A", "B"] * 5


def brooke(answers: list[int]) -> float:
    """Brooke (1996): odd items score minus 1, even items 5 minus score; the sum times 2.5."""
    return 2.5 * sum((a - 1) if i % 2 == 0 else (5 - a) for i, a in enumerate(answers))


def t_interval(values: list[int]) -> tuple[float, float, float]:
    x = np.asarray(values, dtype=float)
    low, high = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    return float(x.mean()), float(low), float(high)


def nps(ratings: list[int]) -> float:
    return 100 * (sum(r >= 9 for r in ratings) - sum(r <= 6 for r in ratings)) / len(ratings)


def write(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def qualtrics(path: Path, texts: list[str], seq_text: str = "How easy was the task?", import_ids: bool = True) -> Path:
    """A Qualtrics export: field ids, question texts, ImportIds, then answers (SUS in Qualtrics' labels)."""
    ids = ["StartDate", "Status", "Duration (in seconds)", "ResponseId", "Condition"]
    words = ["Start Date", "Response Type", "Duration (in seconds)", "Response ID", "Condition"]
    header = [*ids, *[f"Q5_{i}" for i in range(1, 11)], "Q6"]
    rows = [header, [*words, *texts, seq_text]]
    if import_ids:
        rows.append([f'{{"ImportId":"{h}"}}' for h in header])
    for r, answers in enumerate(SUS_ROWS):
        meta = ["2026-03-01 10:00:00", "IP Address", "300", f"R_{r:03d}", CONDITION[r]]
        rows.append([*meta, *[QUALTRICS_5[a - 1] for a in answers], SEQ[r]])
    return write(path, rows)


def errors_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


# --- 1. Qualtrics' question-text row -------------------------------------------------------------------


def test_seq_by_condition_in_a_qualtrics_export_with_a_sus_block(cli, tmp_path):
    # the user test: SUS Q5_1…Q5_10 with neutral texts, one SEQ question Q6 whose text says "easy"
    path = qualtrics(tmp_path / "export.csv", [f"Please rate - statement {i}" for i in range(1, 11)])
    result = cli("seq", path, "--by", "Condition", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "'Q6' ('How easy was the task?')" in result.stderr  # found by its question text, named by its id
    assert "Q5_" not in result.stderr
    groups = score("seq", QuestionnaireOptions((str(path),), by=("Condition",))).groups
    assert groups is not None
    for condition in ("A", "B"):
        row = groups[groups["Condition"] == condition].iloc[0]
        mean, low, high = t_interval([s for s, c in zip(SEQ, CONDITION, strict=True) if c == condition])
        assert row["n"] == 5 and row["mean"] == pytest.approx(mean)
        assert row["ci_low"] == pytest.approx(max(low, 1.0)) and row["ci_high"] == pytest.approx(min(high, 7.0))
    sus = score("sus", QuestionnaireOptions((str(path),)))
    assert sus.respondents is not None
    assert list(sus.respondents["score"]) == pytest.approx([brooke(a) for a in SUS_ROWS])


def test_sus_item_texts_in_the_question_row_identify_the_sus_block(tmp_path):
    # field ids say nothing (QID-like Q5_1…); row 2 holds the SUS statements, as a Qualtrics matrix writes them
    path = qualtrics(tmp_path / "texts.csv", [f"How much do you agree? - {t}" for t in SUS_ITEM_TEXTS])
    result = score("sus", QuestionnaireOptions((str(path),), items=None))
    assert result.respondents is not None
    assert list(result.respondents["score"]) == pytest.approx([brooke(a) for a in SUS_ROWS])
    assert any("SUS items found by their question text: 'Q5_1'" in n for n in result.responses.notes)
    # SUS item 3 says "easy to use": SEQ must still read Q6 alone, not a SUS item
    seq = score("seq", QuestionnaireOptions((str(path),)))
    assert seq.tasks is not None and list(seq.tasks["n"]) == [10]
    assert seq.tasks["mean"].iloc[0] == pytest.approx(np.mean(SEQ))


def test_question_row_without_import_ids_is_read_and_skipped(tmp_path):
    # an older Qualtrics export: field ids and question texts only; "Response ID" under "ResponseId" tells
    path = qualtrics(tmp_path / "legacy.csv", [f"Statement {i}" for i in range(1, 11)], "Ease", import_ids=False)
    seq = score("seq", QuestionnaireOptions((str(path),)))
    assert seq.tasks is not None and list(seq.tasks["n"]) == [10]  # "Ease" is not read as an answer
    assert any("line 2 under the header holds question texts" in n for n in seq.responses.notes)
    sus = score("sus", QuestionnaireOptions((str(path),)))
    assert sus.respondents is not None and len(sus.respondents) == 10


def test_an_ordinary_first_row_is_no_question_row(tmp_path):
    rows = [["participant", "StartDate", "Ease"]] + [[f"P{i}", "2026-03-01", s] for i, s in enumerate(SEQ)]
    seq = score("seq", QuestionnaireOptions((str(write(tmp_path / "plain.csv", rows)),)))
    assert seq.tasks is not None and list(seq.tasks["n"]) == [10]
    assert not any("question text" in n for n in seq.responses.notes)


# --- 2. numbered blocks another instrument claims; guessed SEQ task columns ---------------------------------


def test_a_numbered_sus_block_is_never_taken_as_seq_tasks(cli, tmp_path):
    # numbers 1-5 fit the SEQ scale, so only the numbering keeps Q1…Q10 out of the tasks
    rows = [["participant", *[f"Q{i}" for i in range(1, 11)], "Login", "Checkout"]]
    rows += [[f"P{r}", *answers, SEQ[r], 8 - SEQ[r]] for r, answers in enumerate(SUS_ROWS)]
    path = write(tmp_path / "sus_seq.csv", rows)
    result = score("seq", QuestionnaireOptions((str(path),)))
    assert result.tasks is not None and list(result.tasks["task"]) == ["Login", "Checkout"]
    assert result.tasks["mean"].tolist() == pytest.approx([np.mean(SEQ), np.mean([8 - s for s in SEQ])])
    assert any("read 'Login', 'Checkout' as the SEQ answers, one column per task" in n for n in result.responses.notes)


def test_a_qualtrics_sus_block_is_never_taken_as_umux_lite_items(cli, tmp_path):
    path = qualtrics(tmp_path / "export.csv", [f"Statement {i}" for i in range(1, 11)])
    result = cli("umux-lite", path)
    assert result.exit_code == 1 and result.stdout == ""
    assert "no UMUX-Lite item columns" in result.stderr  # not Q5_1 and Q5_2 of the SUS block


def test_guessed_task_columns_without_seq_answers_are_left_out_with_a_note(tmp_path):
    rows = [["participant", "Agreement", "Search", "Checkout", "Feedback"]]
    comments = ["slow", "", "I could not find the button", "fine", "", "meh", "great", "", "ok", "no"]
    rows += [[f"P{r}", QUALTRICS_5[r % 5], SEQ[r], 8 - SEQ[r], comments[r]] for r in range(10)]
    result = score("seq", QuestionnaireOptions((str(write(tmp_path / "wide.csv", rows)),)))
    assert result.tasks is not None and list(result.tasks["task"]) == ["Search", "Checkout"]
    notes = " ".join(result.responses.notes)
    assert "left out as SEQ tasks" in notes and "'Agreement'" in notes and "'Feedback'" in notes
    assert "read 'Search', 'Checkout' as the SEQ answers" in notes


def test_a_slip_in_a_task_column_is_still_an_error_not_a_left_out_column(cli, tmp_path):
    rows = [["participant", "Login", "Search"]] + [[f"P{r}", "too hard", SEQ[r]] for r in range(10)]
    result = cli("seq", write(tmp_path / "slip.csv", rows))
    assert result.exit_code == 1 and result.stdout == ""
    assert 'column "Login": "too hard" is not a SEQ answer (10 cells' in result.stderr


def test_when_no_guessed_column_fits_their_answers_are_errors(cli, tmp_path):
    rows = [["participant", "A", "B"]] + [[f"P{r}", QUALTRICS_5[r % 5], "Agree"] for r in range(10)]
    result = cli("seq", write(tmp_path / "none.csv", rows))
    assert result.exit_code == 1 and result.stdout == ""
    assert 'column "B": "Agree" is not a SEQ answer (10 cells' in result.stderr


def test_several_seq_questions_are_the_tasks_and_a_comment_column_is_not(tmp_path):
    rows = [["Timestamp", "How easy was task 1?", "How easy was task 2?", "Any other comments?"]]
    rows += [["2026/03/01 10:00", SEQ[r], 8 - SEQ[r], "hard to find" if r % 2 else "fine"] for r in range(10)]
    result = score("seq", QuestionnaireOptions((str(write(tmp_path / "forms.csv", rows)),)))
    assert result.tasks is not None
    assert list(result.tasks["task"]) == ["How easy was task 1?", "How easy was task 2?"]


# --- 3. bad-label counts per column ----------------------------------------------------------------------


def test_bad_label_counts_and_lines_are_per_column(cli, tmp_path):
    rows = [["participant", "Login", "Search"]]
    # "Agree" in Login on lines 2-4 (3 cells), in Search on lines 5 and 7 (2 cells)
    login = ["Agree", "Agree", "Agree", 4, 5, 6, 7, 1, 2, 3]
    search = [4, 5, 6, "Agree", 2, "Agree", 7, 1, 2, 3]
    rows += [[f"P{r}", login[r], search[r]] for r in range(10)]
    result = cli("seq", write(tmp_path / "bad.csv", rows))
    assert result.exit_code == 1 and result.stdout == ""
    errors = errors_of(result)
    assert len(errors) == 3, result.stderr
    assert 'bad.csv:2: column "Login": "Agree" is not a SEQ answer (3 cells, lines 2, 3, 4)' in errors[0]
    assert 'bad.csv:5: column "Search": "Agree" is not a SEQ answer (2 cells, lines 5, 7)' in errors[1]


# --- 4. the exports of other survey tools --------------------------------------------------------------------


def _google(path: Path) -> tuple[Path, str]:
    header = ["Timestamp", "Email Address", "Which prototype did you test?"]
    header += [f"Please rate your agreement [{t}]" for t in SUS_ITEM_TEXTS]
    header += [
        "Overall, how easy or difficult was the task?",
        "How likely are you to recommend this app to a friend?",
        "Any other comments?",
    ]
    rows = [header]
    for r, answers in enumerate(SUS_ROWS):
        note = ["", "Nice", "Too slow, the search was hard to find", "ok"][r % 4]
        rows.append(["2026/03/01 10:00:00 AM GMT+1", f"p{r}@example.org", CONDITION[r]]
                    + [LABELS_5[a - 1] for a in answers] + [SEQ[r], NPS[r], note])  # fmt: skip
    return write(path, rows), "Which prototype did you test?"


def _microsoft(path: Path) -> tuple[Path, str]:
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Group", *SUS_ITEM_TEXTS]
    header += ["How easy or difficult was it to complete the task?", "How likely is it that you would recommend it?"]
    rows = [header]
    for r, answers in enumerate(SUS_ROWS):
        rows.append([r + 1, "3/1/26 10:00:00", "3/1/26 10:05:00", "anonymous", "", CONDITION[r]]
                    + [LABELS_5[a - 1] for a in answers] + [SEQ[r], NPS[r]])  # fmt: skip
    return write(path, rows), "Group"


def _surveymonkey(path: Path) -> tuple[Path, str]:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    top = [*meta, "Which design did you see?", "Please rate each statement.", *[""] * 9]
    top += ["How easy or difficult was it to complete this task?", "How likely is it that you would recommend us?"]
    below = [""] * len(meta) + ["Response", *SUS_ITEM_TEXTS, "Response", "Response"]
    rows = [top, below]
    for r, answers in enumerate(SUS_ROWS):
        seq = {1: "1 - Very difficult", 7: "7 - Very easy"}.get(SEQ[r], SEQ[r])
        rows.append([11400 + r, 4000, "03/01/2026", "03/01/2026", "1.2.3.4", "", CONDITION[r]]
                    + [LABELS_5[a - 1] for a in answers] + [seq, NPS[r]])  # fmt: skip
    return write(path, rows), "Which design did you see?"


def _typeform(path: Path) -> tuple[Path, str]:
    header = [
        "#",
        *SUS_ITEM_TEXTS,
        "How easy was it to complete the task?",
        "How likely is it that you'd recommend us?",
    ]
    header += ["Anything else you want to tell us?", "condition", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]
    rows = [header]
    for r, answers in enumerate(SUS_ROWS):
        rows.append([f"tok{r:03d}", *answers, SEQ[r], NPS[r], ["", "love it", "meh"][r % 3], CONDITION[r],
                     "2026-03-01 10:00:00", "2026-03-01 10:04:00", "abc123"])  # fmt: skip
    return write(path, rows), "condition"


EXPORTS = {"google": _google, "microsoft": _microsoft, "surveymonkey": _surveymonkey, "typeform": _typeform}


@pytest.mark.parametrize("tool", list(EXPORTS))
def test_survey_tool_exports_score_sus_seq_and_nps_with_and_without_by(tool, tmp_path):
    path, condition = EXPORTS[tool](tmp_path / f"{tool}.csv")
    paths = (str(path),)
    sus = score("sus", QuestionnaireOptions(paths))
    assert sus.respondents is not None
    assert list(sus.respondents["score"]) == pytest.approx([brooke(a) for a in SUS_ROWS])
    seq = score("seq", QuestionnaireOptions(paths))
    assert seq.tasks is not None and list(seq.tasks["n"]) == [10]
    mean, low, high = t_interval(SEQ)
    assert seq.tasks["mean"].iloc[0] == pytest.approx(mean)
    assert seq.tasks["ci_low"].iloc[0] == pytest.approx(low) and seq.tasks["ci_high"].iloc[0] == pytest.approx(high)
    promoters = score("nps", QuestionnaireOptions(paths))
    assert promoters.summary["nps"] == pytest.approx(nps(NPS))
    for instrument in ("sus", "seq", "nps"):
        groups = score(instrument, QuestionnaireOptions(paths, by=(condition,))).groups
        assert groups is not None and list(groups[condition]) == ["A", "B", "(all)"]
    by_group = score("nps", QuestionnaireOptions(paths, by=(condition,))).groups
    assert by_group is not None
    for name in ("A", "B"):
        ratings = [n for n, c in zip(NPS, CONDITION, strict=True) if c == name]
        assert by_group[by_group[condition] == name]["nps"].iloc[0] == pytest.approx(nps(ratings))


@pytest.mark.parametrize("tool", list(EXPORTS))
@pytest.mark.parametrize("by", [False, True])
def test_umux_lite_is_not_guessed_from_an_seq_question_and_a_comment(cli, tool, by, tmp_path):
    # no UMUX-Lite items: the two columns left over (the SEQ question, a comment) are not its items
    path, condition = EXPORTS[tool](tmp_path / f"{tool}.csv")
    result = cli("umux-lite", path, *(["--by", condition] if by else []))
    assert result.exit_code == 1 and result.stdout == ""
    assert "no UMUX-Lite item columns" in result.stderr
    with pytest.raises(InputError, match="no UMUX-Lite item columns"):
        score("umux-lite", QuestionnaireOptions((str(path),)))


def test_qualtrics_seq_matrix_and_nps_question_found_by_their_texts(cli, tmp_path):
    # SEQ asked as one matrix question (a row per task: Q6_1…Q6_3), NPS as Q7 with Qualtrics' NPS_GROUP
    stem = "How easy or difficult was each task?"
    header = ["StartDate", "ResponseId", "Condition", "Q6_1", "Q6_2", "Q6_3", "Q7", "Q7_NPS_GROUP", "Q8"]
    texts = ["Start Date", "Response ID", "Condition", f"{stem} - Find", f"{stem} - Pay", f"{stem} - Return"]
    texts += ["How likely are you to recommend this site to a friend?", "NPS group", "What else?"]
    rows = [header, texts, [f'{{"ImportId":"{h}"}}' for h in header]]
    for r in range(10):
        group = "Promoter" if NPS[r] >= 9 else "Detractor" if NPS[r] <= 6 else "Passive"
        rows.append(["2026-03-01", f"R_{r}", CONDITION[r], SEQ[r], 8 - SEQ[r], 7, NPS[r], group, "meh" * (r % 2)])
    path = write(tmp_path / "matrix.csv", rows)
    seq = score("seq", QuestionnaireOptions((str(path),)))
    assert seq.tasks is not None and list(seq.tasks["task"]) == ["Q6_1", "Q6_2", "Q6_3"]
    assert seq.tasks["mean"].tolist() == pytest.approx([np.mean(SEQ), 8 - np.mean(SEQ), 7.0])
    promoters = score("nps", QuestionnaireOptions((str(path),)))
    assert promoters.summary["nps"] == pytest.approx(nps(NPS))
    assert any("NPS answers found by their question text: 'Q7'" in n for n in promoters.responses.notes)
    result = cli("umux-lite", path)  # Q6_1 and Q6_2 are two rows of a three-row question, not UMUX-Lite
    assert result.exit_code == 1 and "no UMUX-Lite item columns" in result.stderr


def test_a_qualtrics_export_without_its_extra_rows_loses_no_respondent(tmp_path):
    # rows 2-3 deleted by hand: the first respondent's Status "IP Address" is a value, not a question text
    rows = [["Status", "ResponseId", "Q6"]] + [["IP Address", f"R_{r}", SEQ[r]] for r in range(10)]
    seq = score("seq", QuestionnaireOptions((str(write(tmp_path / "trimmed.csv", rows)),)))
    assert seq.tasks is not None and list(seq.tasks["n"]) == [10]
    assert seq.tasks["mean"].iloc[0] == pytest.approx(np.mean(SEQ))
