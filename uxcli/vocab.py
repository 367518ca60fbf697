"""The words uxcli understands: column names, event kinds and outcomes.

Researchers name things in many ways ("Tester ID", "time_on_task", "gave up"), so
every lookup goes through a normaliser first and then an alias table.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

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
    # "group" last: taken only when no other column names the condition (readers.csvfile.map_header)
    "variant": ("variant", "design", "condition", "method", "prototype", "version", "arm", "group"),
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
    """'Gave_Up ' -> 'gave up', 'Completed (with help).' -> 'completed with help', 'N/A' -> 'n a'.

    Unicode NFC, case-folded; punctuation is a space and runs of spaces are one. A value of punctuation
    only ('-', '–', '—', '/') is '-' (a dash: not attempted, in outcome columns).
    """
    text = unicodedata.normalize("NFC", str(value)).strip().casefold()
    spaced = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    words = " ".join(spaced.split())
    return "-" if not words and text else words


OUTCOMES = ("success", "failure", "abandon", "assisted")  # uxcli.tasks.attempts.OUTCOME_DTYPE, in code order
NOT_ATTEMPTED = "not attempted"  # an outcome cell saying the task was not attempted: the row is no attempt
OUTCOME_CATEGORIES = (*OUTCOMES, NOT_ATTEMPTED)  # what --outcome WORD=CATEGORY and outcomes: may name
CATEGORY_WORDS = {name: name for name in OUTCOME_CATEGORIES}  # normalize_word: 'not-attempted' -> 'not attempted'

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

# Outcome words in attempt tables, wide matrices and YAML. The coding of moderated tests (Sauro & Lewis,
# Quantifying the User Experience, 2nd ed., ch. 4; MeasuringU): a time-out is a failure (the moderator
# stopped the task), giving up an abandon, a partial completion a failure (the task was not done), an
# assisted completion its own outcome (counted as a failure in the success rate unless --assisted success).
_OUTCOME_SUCCESS = (*_SUCCESS, "completed successfully", "yes", "y", "true", "t", "1", "ok", "s", *CHECK_MARKS)
_OUTCOME_FAILURE = (
    *_FAILURE,
    "no", "n", "false", "f", "0", "x", *CROSS_MARKS,
    "unsuccessful", "not completed", "not complete", "incomplete", "did not complete", "failed to complete",
    "timed out", "time out", "timeout", "out of time", "time expired", "time limit",
    "partial", "partially", "partly", "partial success", "partially successful", "partially completed",
    "partially complete", "partly completed", "partial completion", "incorrect", "wrong",
)  # fmt: skip
_OUTCOME_ABANDON = ("abandon", "abandoned", "give up", "gave up", "giveup", "given up", "quit", "quitted", "stopped")
_OUTCOME_NOT_ATTEMPTED = (
    "not attempted", "unattempted", "no attempt", "not tried", "did not attempt", "skip", "skipped",
    "n a", "na", "n a n", "not applicable", "-", "not started",
)  # fmt: skip
# "with help", "assisted", "completed with assistance": an assisted word alone or after a success word
_HELP = (
    "with help",
    "with assistance",
    "with a hint",
    "with hint",
    "with hints",
    "with prompting",
    "assisted",
    "helped",
)
_ASSISTED = re.compile(
    r"^(?:(?:" + "|".join(re.escape(w) for w in (*_SUCCESS, "success") if len(w) > 1) + r")\s+)?"
    r"(?:" + "|".join(re.escape(w) for w in _HELP) + r")(?:\s+(?:success|completion|completed|complete))?$"
)

OUTCOME_WORDS: dict[str, str] = {
    **{w: "success" for w in _OUTCOME_SUCCESS},
    **{w: "failure" for w in _OUTCOME_FAILURE},
    **{w: "abandon" for w in _OUTCOME_ABANDON},
    **{w: "assisted" for w in ("assisted", "with help", "with assistance", "completed with help", "assisted success")},
    **{w: NOT_ATTEMPTED for w in _OUTCOME_NOT_ATTEMPTED},
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

# Cells of a spreadsheet's summary rows ("Average", "Total", …) in the languages researchers write them,
# compared by summary_key (lower-cased, accents removed, a trailing colon dropped).
SUMMARY_WORDS = frozenset(
    {
        "average", "avg", "mean", "total", "totals", "sum", "median", "sd", "std", "stdev", "std dev",
        "standard deviation", "count", "min", "max", "overall", "score moyen", "moyenne", "somme", "mediane",
        "ecart type", "ecart-type", "promedio", "media", "suma", "mediana", "desviacion estandar",
        "durchschnitt", "mittelwert", "summe", "gesamt", "standardabweichung", "totale", "somma",
        "gemiddelde", "totaal", "gemiddeld", "gennemsnit", "gjennomsnitt", "genomsnitt", "summa", "soma", "keskiarvo", "srednia", "razem",
    }
)  # fmt: skip


def summary_key(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value).strip().rstrip(":").strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def is_summary_label(value: str) -> bool:
    """True for a cell that labels a summary row or column ("Total", "Moyenne", "Average:", "%")."""
    text = str(value).strip()
    return text == "%" or summary_key(text) in SUMMARY_WORDS or normalize_header(text) in TOTAL_LABELS


def outcome_for(value: str, recode: Mapping[str, str] | None = None) -> str | None:
    """The category of an outcome cell: success, failure, abandon, assisted or "not attempted" (None: not an
    outcome word). ``recode`` (normalised word -> category, see :func:`parse_recode`) comes first."""
    word = normalize_word(value)
    if recode and word in recode:
        return recode[word]
    found = OUTCOME_WORDS.get(word)
    if found is None and _ASSISTED.match(word):
        return "assisted"
    return found


def outcome_category(text: str) -> str | None:
    """'assisted', 'Not attempted', 'not-attempted' -> the category; None when it names none."""
    return CATEGORY_WORDS.get(normalize_word(text))


def parse_recode(entries: Mapping[str, str] | Iterable[str], where: str = "--outcome") -> dict[str, str]:
    """--outcome "Completed with help=assisted" entries (or a study file's outcomes: map) as
    {normalised word: category}. Raises OptionError for an entry without "=" or an unknown category."""
    from uxcli.errors import OptionError

    pairs: list[tuple[str, str]] = []
    if isinstance(entries, Mapping):
        pairs = [(str(k), str(v)) for k, v in entries.items()]
    else:
        for entry in entries:
            word, sep, category = str(entry).rpartition("=")
            if not sep or not word.strip():
                raise OptionError(f'{where} wants WORD=CATEGORY, e.g. "Completed with help=assisted", not {entry!r}')
            pairs.append((word, category))
    out: dict[str, str] = {}
    for word, category in pairs:
        found = outcome_category(category.strip())
        if found is None:
            raise OptionError(
                f'{where} "{word}={category}": "{category}" is not an outcome category; '
                f"choose one of success, failure, abandon, assisted, not-attempted"
            )
        out[normalize_word(word)] = found
    return out


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
