"""Wide success matrices as researchers export them: ticks, attribute columns, totals (issue "Real files in")."""

from __future__ import annotations

import json

import pytest
from conftest import DATA

import uxcli
from uxcli.errors import InputError

WIDE = DATA / "real_wide"


def load(name: str, **kw):
    return uxcli.load([str(WIDE / name)], **kw)


def counts(data) -> dict[str, tuple[int, int]]:
    """task -> (successes, failures), in task order."""
    frame = data.attempts
    out = {}
    for task in frame["task"].cat.categories:
        rows = frame[frame["task"] == task]
        out[str(task)] = (int((rows["outcome"] == "success").sum()), int((rows["outcome"] == "failure").sum()))
    return out


def warnings(data) -> list[str]:
    """The warnings and notes (the assumptions made) as printed, file names relative to the data folder."""
    return [str(p).replace(f"{WIDE}/", "") for p in data.problems.items if p.severity != "error"]


def where(problem) -> tuple:
    return (problem.file.replace(f"{WIDE}/", ""), problem.line, problem.column, problem.value)


def test_x_ticks_are_successes_and_empty_cells_not_ticked():
    data = load("ticks_x.csv")
    assert counts(data) == {"login": (2, 1), "search": (2, 1)}
    assert list(data.attempts["tick"].astype(str)) == ["ticked", "ticked", "empty", "ticked", "empty", "ticked"]
    assert warnings(data) == [
        'ticks_x.csv:1: a matrix of ticks ("x"): a ticked cell is a success, an empty cell a failure '
        "(not ticked) (if an empty cell means the task was not attempted, add --exclude tick=empty)"
    ]
    assert (data.files[0].account.rows, data.files[0].account.used) == (3, 3)


def test_mixed_tick_marks_and_a_row_without_ticks():
    data = load("ticks_mixed_marks.csv")
    assert counts(data) == {"Login": (2, 2), "Search": (2, 2), "Checkout": (2, 2)}
    assert warnings(data)[1] == (
        "ticks_mixed_marks.csv:5: 1 participant row has no tick in any task column (line 5): counted as failing "
        "every task (if the participant did not take part, leave the row out or --exclude participant=ID)"
    )


def test_the_other_reading_of_empty_cells_through_exclude(cli):
    result = cli("summary", WIDE / "ticks_x.csv", "--exclude", "tick=empty", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["task"]: (r["attempts"], r["successes"]) for r in json.loads(result.stdout)}
    assert rows == {"login": (2, 2), "search": (2, 2)}


def test_check_marks_beside_x_make_x_a_cross():
    data = load("checks_and_crosses.csv")
    assert counts(data) == {"login": (2, 0), "search": (1, 2)}
    assert warnings(data) == [
        'checks_and_crosses.csv:1: column "search": "x" is read as a cross (failure), next to the check marks '
        "of this column; an empty cell is not attempted"
    ]


def test_x_beside_outcome_words_is_refused():
    with pytest.raises(InputError) as info:
        load("ambiguous_x.csv")
    p = info.value.problem
    assert where(p) == ("ambiguous_x.csv", 2, "search", "x")
    assert p.message == '"x" could be a tick (success) or a cross (failure) next to the outcome words of this column'


def test_columns_that_are_not_outcomes_are_participant_attributes():
    data = load("attributes.csv")
    assert counts(data) == {"login": (2, 1), "search": (1, 1)}
    frame = data.attempts
    assert list(frame["age"].astype(str)) == ["23", "31", "27", "23", "31"]
    assert list(frame["Notes"].astype(object).fillna("")) == ["slow on search", "", "left early", "slow on search", ""]
    assert warnings(data)[0] == (
        "attributes.csv:1: columns age, Notes are participant attributes, not tasks: their values are not "
        "outcomes (use with --by)"
    )


def test_attributes_work_with_by(cli):
    result = cli("summary", WIDE / "attributes.csv", "--by", "age", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["age"]: (r["attempts"], r["successes"]) for r in json.loads(result.stdout)}
    assert rows == {"23": (2, 1), "31": (2, 1), "27": (1, 1)}


def test_a_1_0_column_among_word_columns_is_an_attribute():
    data = load("flag_column.csv")
    assert counts(data) == {"login": (2, 1), "search": (2, 1)}
    assert list(data.attempts["consent"].astype(str)) == ["1", "1", "0", "1", "1", "0"]
    assert warnings(data)[0] == (
        "flag_column.csv:1: column consent holds only 1/0 while the task columns hold words or ticks: it is a "
        "participant attribute, not a task (write its outcomes as words (yes/no) if it is a task)"
    )


def test_1_0_matrix_with_a_total_column_and_an_unlabelled_total_row():
    data = load("ones_with_totals.csv")
    assert counts(data) == {"login": (2, 1), "search": (2, 1), "checkout": (1, 2)}
    account = data.files[0].account
    assert (account.rows, account.used, account.set_aside) == (4, 3, {"total row": 1})
    assert warnings(data) == [
        'ones_with_totals.csv:5: column "participant": line 5 (no participant; its numbers are the column '
        "totals): a totals row, set aside: not a participant",
        'ones_with_totals.csv:1: column "Total": a totals column (each row\'s successes), set aside: not a task',
    ]


def test_percentage_totals_row_and_column():
    data = load("percent_totals.csv")
    assert counts(data) == {"login": (2, 1), "search": (1, 2)}
    assert set(data.attempts["participant"].astype(str)) == {"P1", "P2", "P3"}
    assert data.files[0].account.set_aside == {"total row": 1}
    assert 'column "Score": a totals column (each row\'s successes)' in warnings(data)[1]


def test_a_matrix_without_outcomes_is_refused_naming_a_column_and_value():
    with pytest.raises(InputError) as info:
        load("not_outcomes.csv")
    p = info.value.problem
    assert where(p) == ("not_outcomes.csv", 2, "age", "23")
    assert p.message == 'wide success matrix has no task columns: no column holds outcomes ("23" is not an outcome)'


def test_validate_lists_the_readings(cli):
    result = cli("validate", WIDE / "ones_with_totals.csv", "-f", "json")
    assert result.exit_code == 0, result.stderr
    listed = [(p["severity"], p["line"], p["column"]) for p in json.loads(result.stdout)]
    assert listed == [("note", 1, "Total"), ("note", 5, "participant")]


def test_assumptions_are_notes_that_strict_accepts(cli):
    # A stated reading (a totals column set aside) is a note: --strict fails on warnings, not on notes.
    result = cli("summary", WIDE / "ones_with_totals.csv", "-f", "csv", "--strict")
    assert result.exit_code == 0, result.stderr
    assert any(line.startswith("note: ") and "totals column" in line for line in result.stderr.splitlines())
    assert not any(line.startswith("warning: ") for line in result.stderr.splitlines())
