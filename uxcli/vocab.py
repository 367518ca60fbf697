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
        "zeit",
        "dauer",
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
    """The field a header names: by alias ('Time (s)'), or a time alias with a unit ('duration_ms')."""
    normal = normalize_header(header)
    found = ALIAS_TO_FIELD.get(normal)
    if found is None:
        split = _unit_suffix(normal)
        found = ALIAS_TO_FIELD[split[0]] if split else None
    return found


# --- time units in headers: 'Time (ms)', 'duration_ms', 'time_min', 'Time [s]', 'Zeit (Sek.)' ---------
TIME_UNITS = ("ms", "s", "min", "h")
UNIT_NAMES = {"ms": "milliseconds", "s": "seconds", "min": "minutes", "h": "hours"}
TIME_FIELDS = ("time", "timestamp")  # fields whose header may carry a unit
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "ms": ("ms", "msec", "msecs", "millis", "millisecond", "milliseconds", "millisek", "millisekunden"),
    "s": ("s", "sec", "secs", "second", "seconds", "sek", "sekunde", "sekunden"),
    "min": ("min", "mins", "minute", "minutes", "minuten"),
    "h": ("h", "hr", "hrs", "hour", "hours", "std", "stunde", "stunden"),
}
UNIT_WORDS: dict[str, str] = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
# '(m:ss)', '[hh:mm:ss]': the values say their own unit (durations parse m:ss); plain numbers are seconds
_CLOCK_WORDS = ("mss", "mmss", "hmmss", "hhmmss", "hms")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_BRACKETS = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")


def _unit_suffix(normal: str) -> tuple[str, str] | None:
    """'durationms' -> ('duration', 'ms'): a time alias (3+ letters) followed by a unit word."""
    for alias, name in ALIAS_TO_FIELD.items():
        if name in TIME_FIELDS and len(alias) >= 3 and normal.startswith(alias) and normal[len(alias) :] in UNIT_WORDS:
            return alias, normal[len(alias) :]
    return None


def header_unit(header: str) -> str | None:
    """The unit a header writes, as written ('ms', 'Sek.', 'fortnights'), or None when it writes none.

    In brackets ('Time (ms)', 'Time [s]'; the first bracket that is a unit, else the last one), as the
    last word ('start_ms', 'durationMs') or as a suffix of a time alias ('durationms'). Only asked of
    columns read as times.
    """
    groups = [a or b for a, b in _BRACKETS.findall(str(header))]
    if groups:
        known = [g for g in groups if unit_for(g) is not None]
        return known[0] if known else groups[-1].strip()
    words = _NOT_ALNUM.split(_CAMEL.sub(r"\1 \2", str(header)).lower())
    last = next((w for w in reversed(words) if w), "")
    if len(words) > 1 and last in UNIT_WORDS:  # 'start_ms', 'durationMs', 'Elapsed seconds'
        return last
    split = _unit_suffix(normalize_header(header))
    return split[1] if split else None


def unit_for(written: str) -> str | None:
    """'Sek.' -> 's', 'milliseconds' -> 'ms', 'mm:ss' -> 's'; None for a unit uxcli does not know."""
    word = _NOT_ALNUM.sub("", written.lower())
    if word in _CLOCK_WORDS:
        return "s"
    return UNIT_WORDS.get(word)


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

# Marks in spreadsheets: a check mark is a success, a cross a failure. "x" is both a tick and a cross in
# practice, so the wide reader decides it from the rest of the matrix (uxcli.readers.wide).
CHECK_MARKS = ("✓", "✔", "☑", "🗸")
CROSS_MARKS = ("✗", "✘", "☒")
TICK_MARKS = ("x", *CHECK_MARKS)  # normalised (normalize_word): "X" -> "x"

OUTCOME_WORDS: dict[str, str] = {
    **{w: "success" for w in (*_SUCCESS, "yes", "y", "true", "t", "1", "ok", "s", *CHECK_MARKS)},
    **{w: "failure" for w in (*_FAILURE, "no", "n", "false", "f", "0", "x", *CROSS_MARKS)},
    **{w: "abandon" for w in _ABANDON},
}

# Labels of a totals row or column in a spreadsheet (normalize_header), never a participant or a task.
TOTAL_LABELS = (
    "total",
    "totals",
    "sum",
    "sums",
    "subtotal",
    "grandtotal",
    "count",
    "score",
    "successes",
    "successrate",
    "completionrate",
    "percent",
    "percentage",
    "pct",
    "average",
    "avg",
    "mean",
    "overall",
)


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
