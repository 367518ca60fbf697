"""uxcli.vocab: header normalisation, aliases, event and outcome words, "did you mean"."""

from __future__ import annotations

import pytest

from uxcli.vocab import (
    EVENT_WORDS,
    closest_word,
    did_you_mean,
    field_for,
    normalize_header,
    normalize_word,
    outcome_for,
)


@pytest.mark.parametrize(
    "header,normal",
    [
        ("Participant ID", "participantid"),
        ("Task_Name", "taskname"),
        ("Time (s)", "time"),
        ("TIME-ON-TASK", "timeontask"),
        ("time_on-task", "timeontask"),
        ("Duration [sec]", "duration"),
        ("\ufeffparticipant", "participant"),
        ("  user_id  ", "userid"),
    ],
)
def test_normalize_header(header, normal):
    assert normalize_header(header) == normal


@pytest.mark.parametrize(
    "header,field",
    [
        ("participant", "participant"),
        ("Participant ID", "participant"),
        ("user", "participant"),
        ("User_ID", "participant"),
        ("Tester", "participant"),
        ("respondent", "participant"),
        ("ID", "participant"),
        ("task", "task"),
        ("Task_ID", "task"),
        ("task name", "task"),
        ("Mission", "task"),
        ("time", "time"),
        ("time_s", "time"),
        ("Seconds", "time"),
        ("Duration (s)", "time"),
        ("TIME-ON-TASK", "time"),
        ("Time (s)", "time"),
        ("Timestamp", "timestamp"),
        ("Event", "event"),
        ("Outcome", "outcome"),
        ("Result", "outcome"),
        ("Clicks", "clicks"),
        ("Errors", "errors"),
        ("Session", "session"),
        ("Variant", "variant"),
        ("device", None),
        ("Login", None),
    ],
)
def test_field_for(header, field):
    assert field_for(header) == field


@pytest.mark.parametrize(
    "word,kind",
    [
        ("start", "start"),
        ("Click", "click"),
        ("ERROR", "error"),
        ("success", "success"),
        ("complete", "success"),
        ("Completed", "success"),
        ("pass", "success"),
        ("failure", "failure"),
        ("fail", "failure"),
        ("Failed", "failure"),
        ("abandon", "abandon"),
        ("give up", "abandon"),
        ("gave up", "abandon"),
        ("give_up", "abandon"),
        ("Give_Up", "abandon"),
        ("GAVE-UP", "abandon"),
        ("quit", "abandon"),
        ("skip", "abandon"),
    ],
)
def test_event_words(word, kind):
    assert EVENT_WORDS[normalize_word(word)] == kind


@pytest.mark.parametrize("word", ["page", "note", "scroll", "", "start task now"])
def test_other_event_words_are_not_kinds(word):
    assert normalize_word(word) not in EVENT_WORDS


@pytest.mark.parametrize(
    "word,outcome",
    [
        ("success", "success"),
        ("yes", "success"),
        ("Y", "success"),
        ("true", "success"),
        ("1", "success"),
        ("pass", "success"),
        ("completed", "success"),
        ("failure", "failure"),
        ("no", "failure"),
        ("n", "failure"),
        ("FALSE", "failure"),
        ("0", "failure"),
        ("fail", "failure"),
        ("abandon", "abandon"),
        ("Gave up", "abandon"),
        ("skip", "not attempted"),  # skipped: the task was not attempted (issue 13), not an abandon
        (" quit ", "abandon"),
        ("maybe", None),
        ("", None),
        ("2", None),
    ],
)
def test_outcome_for(word, outcome):
    assert outcome_for(word) == outcome


def test_normalize_word():
    assert normalize_word("  Gave_Up ") == "gave up"
    assert normalize_word("give-up") == "give up"
    assert normalize_word("Give   UP") == "give up"


def test_did_you_mean_finds_closest_column():
    assert did_you_mean("task", ["participant", "tsk", "outcome"]) == "tsk"
    assert did_you_mean("participant", ["Particpant", "Task"]) == "Particpant"
    assert did_you_mean("timestamp", ["participant", "task", "timestmp", "event"]) == "timestmp"
    # an alias counts too: "Time on tsk" is close to "timeontask"
    assert did_you_mean("time", ["participant", "Time on tsk"]) == "Time on tsk"


def test_did_you_mean_gives_up_on_unrelated_names():
    assert did_you_mean("task", ["participant", "outcome", "device"]) is None
    assert did_you_mean("outcome", []) is None


def test_closest_word_for_typos_not_for_other_kinds():
    assert closest_word("clik", list(EVENT_WORDS)) == "click"
    assert closest_word("sucess", list(EVENT_WORDS)) == "success"
    assert closest_word("page", list(EVENT_WORDS)) is None
    assert closest_word("zzzz", list(EVENT_WORDS)) is None
