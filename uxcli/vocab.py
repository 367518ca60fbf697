"""The words uxcli understands: column names, event kinds and outcomes.

Researchers name things in many ways ("Tester ID", "time_on_task", "gave up"), so
every lookup goes through a normaliser first and then an alias table.
"""

from __future__ import annotations

import difflib
import re

# Canonical field -> accepted spellings (already normalised: see normalize_header).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "participant": (
        "participant",
        "participantid",
        "user",
        "userid",
        "tester",
        "testerid",
        "respondent",
        "respondentid",
        "id",
        "pid",
        "subject",
        "subjectid",
    ),
    "task": ("task", "taskid", "taskname", "mission", "missionid", "scenario"),
    "timestamp": ("timestamp", "ts", "datetime", "eventtime", "at", "when"),
    "event": ("event", "eventtype", "eventname", "action", "kind"),
    "outcome": ("outcome", "result", "status", "success", "completed", "completion", "tasksuccess"),
    "time": (
        "time",
        "times",
        "seconds",
        "duration",
        "durations",
        "timeontask",
        "tot",
        "elapsed",
        "timesec",
        "taskduration",
    ),
    "clicks": ("clicks", "clickcount", "nclicks", "numclicks", "taps"),
    "errors": ("errors", "errorcount", "nerrors", "numerrors", "mistakes"),
    "session": ("session", "sessionid"),
    "variant": ("variant", "design", "condition", "group", "version", "arm"),
    "target": ("target", "element", "page", "url"),
    "note": ("note", "notes", "comment", "comments"),
}

ALIAS_TO_FIELD: dict[str, str] = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}

_UNITS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(name: str) -> str:
    """'Duration (s)' -> 'duration', 'Tester ID' -> 'testerid', 'time_on-task' -> 'timeontask'."""
    text = _UNITS.sub("", str(name).lstrip("\ufeff").lower())
    return _NOT_ALNUM.sub("", text)


def field_for(header: str) -> str | None:
    return ALIAS_TO_FIELD.get(normalize_header(header))


def did_you_mean(wanted: str, found: list[str]) -> str | None:
    """The found column closest to a wanted field or any of its aliases."""
    candidates = {normalize_header(f): f for f in found}
    targets = (wanted, *COLUMN_ALIASES.get(wanted, ()))
    best: tuple[float, str] | None = None
    for target in targets:
        for norm, original in candidates.items():
            score = difflib.SequenceMatcher(None, target, norm).ratio()
            if score >= 0.6 and (best is None or score > best[0]):
                best = (score, original)
    return best[1] if best else None


def normalize_word(value: str) -> str:
    """'Gave_Up ' -> 'gave up'."""
    return " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split())


OUTCOMES = ("success", "failure", "abandon")

_SUCCESS = ("success", "successful", "succeeded", "complete", "completed", "pass", "passed", "done")
_FAILURE = ("failure", "fail", "failed")
_ABANDON = ("abandon", "abandoned", "give up", "gave up", "giveup", "quit", "skip", "skipped")

EVENT_WORDS: dict[str, str] = {
    **{w: "start" for w in ("start", "started", "begin", "task start")},
    **{w: "click" for w in ("click", "clicked", "tap")},
    **{w: "error" for w in ("error", "mistake", "misclick")},
    **{w: "success" for w in _SUCCESS},
    **{w: "failure" for w in _FAILURE},
    **{w: "abandon" for w in _ABANDON},
}
EVENT_KINDS = ("start", "click", "error", "success", "failure", "abandon")

OUTCOME_WORDS: dict[str, str] = {
    **{w: "success" for w in (*_SUCCESS, "yes", "y", "true", "t", "1", "ok", "s")},
    **{w: "failure" for w in (*_FAILURE, "no", "n", "false", "f", "0", "x")},
    **{w: "abandon" for w in _ABANDON},
}


def outcome_for(value: str) -> str | None:
    return OUTCOME_WORDS.get(normalize_word(value))


# Event kinds recorders commonly log that uxcli keeps but does not count: never "typos".
OTHER_EVENTS = (
    "page",
    "pageview",
    "page view",
    "view",
    "navigate",
    "navigation",
    "scroll",
    "hover",
    "focus",
    "blur",
    "input",
    "keypress",
    "key",
    "submit",
    "note",
    "comment",
    "load",
    "resize",
)


def closest_word(value: str, vocabulary: list[str] | tuple[str, ...]) -> str | None:
    """A likely intended word for a typo such as 'clik' or 'sucess'."""
    word = normalize_word(value)
    if word in OTHER_EVENTS:
        return None
    match = difflib.get_close_matches(word, list(vocabulary), n=1, cutoff=0.75)
    return match[0] if match else None
