"""Layout 4: YAML sessions (summarized tasks and/or event lists), plus study metadata.

Loaded with PyYAML's SafeLoader only (no object construction from tags). Every
mapping remembers its line and the line of each key so messages can point into the
file; a key written twice in one mapping is an error (PyYAML would keep the last one
silently). Alias expansion is measured before construction so a "billion laughs"
document is refused quickly instead of being walked.

Values are strict: time, clicks and errors must be finite numbers from 0 (time at most
times.MAX_TIME_SECONDS), never true/false; ``at:`` timestamps follow the CSV rules (one
kind per file: seconds, or date-times all with a zone or all without).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import yaml

from uxcli.design import attempt_key
from uxcli.errors import InputError, Problems
from uxcli.readers import checks
from uxcli.readers.common import FileAccount
from uxcli.readers.dataset import InputFile
from uxcli.readers.events import attempts_from_events
from uxcli.readers.options import FileContext
from uxcli.readers.times import (
    MAX_TIME_SECONDS,
    NAIVE,
    NUMBER,
    TOO_LONG,
    TOO_LONG_HINT,
    ZONED,
    clock_seconds,
    mixed_timestamps,
)
from uxcli.sources import Source
from uxcli.tasks.attempts import ATTEMPT_COLUMNS, KIND_CODE, OUTCOME_DTYPE
from uxcli.vocab import EVENT_WORDS, NOT_ATTEMPTED, normalize_word, outcome_for

MAX_EXPANSION = 1_000_000  # nodes after alias expansion; real study files are far below this
OTHER = len(KIND_CODE)


class LineDict(dict):
    line: int = 0
    key_lines: dict[Any, int] = {}  # noqa: RUF012 (each instance gets its own)
    texts: dict[Any, str] = {}  # noqa: RUF012 (scalar values as written: ".inf", not inf)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry the line they start on and the line of each key, and refuse
    a key written twice."""


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    seen: dict[Any, int] = {}
    texts: dict[Any, str] = {}
    for key_node, value_node in node.value:  # as written, before merge keys (<<: *base) are expanded
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # a merge key's values are meant to be overridden
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: SafeLoader's own error follows
            continue
        line = key_node.start_mark.line + 1
        if first is not None:
            raise _DuplicateKey(key, line, first)
        seen[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            texts[key] = value_node.value
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = seen
    mapping.texts = texts
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count once aliases are expanded (aliases share node objects: memoise by id)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once rather than looping
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def load_yaml(text: str, name: str) -> Any:
    try:
        loader = _LineLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, name) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty", file=name)
        if _expanded_size(node, {}) > MAX_EXPANSION:
            raise InputError(
                "YAML aliases expand to too many nodes (a 'billion laughs' document?)",
                file=name,
                hint=f"aliases (*name) may expand to at most {MAX_EXPANSION:,} nodes; write the data out",
            )
        return loader.construct_document(node)
    except _DuplicateKey as exc:
        raise InputError(
            f'key "{exc.key}" is written twice in one mapping (first on line {exc.first_line})',
            file=name,
            line=exc.line,
            column=str(exc.key),
            value=str(exc.key),
            hint="keep one of them: uxcli does not choose between two values",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if "could not determine a constructor for the tag" in problem:
            tag = problem.split("for the tag", 1)[1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            raise InputError(
                f"unsupported YAML tag {tag}",
                file=name,
                line=line,
                value=tag,
                hint="uxcli reads plain YAML only and never runs code from it; remove the tag",
            ) from exc
        raise InputError(f"invalid YAML: {problem}", file=name, line=line) from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, name) from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else 'cannot parse'}", file=name
        ) from exc
    except RecursionError as exc:
        raise InputError("YAML nesting is too deep", file=name, hint="real study files nest a few levels") from exc
    finally:
        loader.dispose()


def _reader_error(exc: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
    character = exc.character if isinstance(exc.character, str) else chr(exc.character) if exc.character else "?"
    return InputError(
        f"invalid YAML: the character {character!r} (#x{ord(character[:1] or '?'):04x}) is not allowed in YAML text",
        file=name,
        line=line,
        value=repr(character),
        hint="a binary file, or text in another encoding? pass --encoding",
    )


def read_yaml_file(file: FileContext, data: bytes) -> tuple[InputFile, pd.DataFrame, YamlStudy]:
    """The attempts of a YAML study file (the "yaml" layout's reader): task summaries as written, and
    attempts derived from event lists; the YamlStudy carries the study metadata and responses."""
    account = FileAccount(file.name, "yaml")
    info = InputFile(file.name, "yaml", account, lambda rows: np.asarray(rows, dtype=np.int64))
    study = read_yaml(file.source, data, file.problems, account, recode=file.options.outcomes)
    events, summaries = frames(study, file.index)
    derived = attempts_from_events(events, info, file.problems, file.options.idle_gap) if len(events) else None
    found = [f for f in (summaries, derived) if f is not None and len(f)]
    frame = pd.concat(found, ignore_index=True) if len(found) > 1 else (found[0] if found else summaries)
    frame = frame.sort_values("_row", kind="stable").reset_index(drop=True)
    columns = [*ATTEMPT_COLUMNS, *[c for c in frame.columns if c not in ATTEMPT_COLUMNS]]
    return info, frame[columns], study


@dataclass
class YamlStudy:
    events: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    responses: list[dict] = field(default_factory=list)
    study: dict = field(default_factory=dict)
    rows: int = 0
    time_kinds: dict[str, int] = field(default_factory=dict)  # timestamp kind -> line of its first at:
    mixes: set[str] = field(default_factory=set)  # mixes of timestamp kinds already reported
    zero_times: list[int] = field(default_factory=list)  # lines of 0 s task times
    recode: Mapping[str, str] = field(default_factory=dict)  # outcome word -> category (--outcome, outcomes:)
    not_attempted: list[tuple[int, str]] = field(default_factory=list)  # (line, word) of tasks not attempted
    assisted: list[tuple[int, str]] = field(default_factory=list)  # (line, word) of assisted completions
    unknown: dict[str, list[int]] = field(default_factory=dict)  # outcome word that is none -> its lines


def read_yaml(
    source: Source, data: bytes, problems: Problems, account: FileAccount, recode: Mapping[str, str] | None = None
) -> YamlStudy:
    doc = load_yaml(data.decode("utf-8"), source.name)
    if not isinstance(doc, dict):
        raise InputError("expected a mapping with sessions: (or one session)", file=source.name, line=1)
    sessions = doc.get("sessions", [doc] if "participant" in doc else None)
    if not isinstance(sessions, list) or not sessions:
        raise InputError(
            "no sessions: list (and no participant: at the top level)",
            file=source.name,
            line=getattr(doc, "line", 1),
            hint="see the YAML layout in the README",
        )
    out = YamlStudy(study=doc.get("study") or {}, recode=recode or {})
    for session in sessions:
        _read_session(session, source.name, out, problems)
    if out.not_attempted:
        n, said = len(out.not_attempted), ", ".join(f'"{w}"' for w in dict.fromkeys(w for _, w in out.not_attempted))
        problems.note(
            f"{n} {'task' if n == 1 else 'tasks'} marked not attempted ({said}) {'was' if n == 1 else 'were'} not "
            "counted as attempts",
            file=source.name,
            line=out.not_attempted[0][0],
            column="outcome",
            hint='to count them, recode the word: --outcome "N/A=failure"',
        )
    if out.assisted:
        n, said = len(out.assisted), ", ".join(f'"{w}"' for w in dict.fromkeys(w for _, w in out.assisted))
        problems.note(
            f"{n} assisted attempt{'s' if n != 1 else ''} ({said}): counted in the assisted column and as failures "
            "in the success rate unless --assisted success",
            file=source.name,
            line=out.assisted[0][0],
            column="outcome",
        )
    _report_unknown(source.name, out.unknown, problems)
    checks.zero_times(source.name, np.asarray(out.zero_times, dtype=np.int64), "time", problems)
    account.rows = out.rows
    return out


def _report_unknown(name: str, unknown: dict[str, list[int]], problems: Problems) -> None:
    """One error per outcome word that is none: its count and first lines, a hint naming --outcome."""
    from uxcli.vocab import OUTCOME_WORDS, closest_word

    for word, lines in unknown.items():
        guess = closest_word(word, list(OUTCOME_WORDS))
        hint = f'did you mean "{guess}"? Otherwise recode it: --outcome "{word}=CATEGORY"'
        if not guess:
            hint = f'say what it means, e.g. --outcome "{word}=success" (or failure, abandon, assisted, not-attempted)'
        shown = ", ".join(str(line) for line in lines[:5]) + (", …" if len(lines) > 5 else "")
        where = "" if len(lines) == 1 else f" ({len(lines)} tasks, lines {shown})"
        problems.error(
            f'"{word}" is not an outcome{where}', file=name, line=lines[0], column="outcome", value=word, hint=hint
        )


def _where(name: str, item: Any, key: str | None = None) -> dict:
    """file and line of a mapping (of its ``key`` when given)."""
    line = getattr(item, "line", None)
    return {"file": name, "line": getattr(item, "key_lines", {}).get(key, line) if key else line}


def _text(value: Any) -> str | None:
    """A label as CSV labels are read: trimmed, Unicode NFC (a café typed on macOS is the same task)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return unicodedata.normalize("NFC", str(value).strip())


def _read_session(session: Any, name: str, out: YamlStudy, problems: Problems) -> None:
    if not isinstance(session, dict):
        raise InputError("each session must be a mapping with participant: and tasks:", **_where(name, session))
    participant = _text(session.get("participant"))
    if participant is None:
        raise InputError("session has no participant", **_where(name, session))
    labels = {
        "participant": participant,
        "session": _text(session.get("session")),
        "variant": _text(session.get("variant")),
    }
    tasks = session.get("tasks") or []
    if not isinstance(tasks, list):
        raise InputError("tasks: must be a list", **_where(name, session))
    for entry in tasks:
        if not isinstance(entry, dict) or _text(entry.get("task")) is None:
            raise InputError(
                "each task entry needs task:", **_where(name, entry if isinstance(entry, dict) else session)
            )
        if "events" in entry:
            _read_events(cast(LineDict, entry), labels, name, out, problems)
        else:
            _read_summary(cast(LineDict, entry), labels, name, out, problems)
    _read_questionnaires(session, labels, name, out)


def _read_summary(entry: LineDict, labels: dict, name: str, out: YamlStudy, problems: Problems) -> None:
    out.rows += 1
    raw = entry.get("outcome")
    outcome = (
        ("success" if raw else "failure")
        if isinstance(raw, bool)
        else outcome_for(str(raw), out.recode)
        if raw is not None
        else None
    )
    if outcome is None:  # one error per word, after the file is read (as attempt tables report them)
        out.unknown.setdefault(str(raw), []).append(_where(name, entry)["line"])
        return
    if outcome == "assisted":
        out.assisted.append((_where(name, entry, "outcome")["line"], str(raw)))
    if outcome == NOT_ATTEMPTED:  # the task was not attempted: no attempt, counted in a note
        out.not_attempted.append((_where(name, entry, "outcome")["line"], str(raw)))
        return
    values = {k: _number(entry.get(k), k, name, entry, problems) for k in ("time", "clicks", "errors")}
    if values["time"] == 0:
        out.zero_times.append(_where(name, entry, "time")["line"])
    out.attempts.append({**labels, "task": _text(entry["task"]), "outcome": outcome, **values, "_row": entry.line})


def _number(value: Any, key: str, name: str, entry: LineDict, problems: Problems) -> float:
    if value is None or value == "":
        return np.nan
    if isinstance(value, bool):  # yes/no/true/false: not a count or a time
        number = np.nan
    elif isinstance(value, str) and key == "time":
        number = float(clock_seconds(pd.Series([value]))[0])
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = np.nan
    message = None
    text = entry.texts.get(key, str(value))
    if np.isnan(number) or number < 0:
        message = f'"{text}" is not a valid {key}'
    elif not np.isfinite(number):
        message = f'"{text}" is not a finite {"time" if key == "time" else "count"}'
    elif key == "time" and number > MAX_TIME_SECONDS:
        message = f'"{text}" {TOO_LONG}'
    if message is not None:
        hint = TOO_LONG_HINT if key == "time" else f"{key} is a count: 0, 1, 2, …"
        problems.error(message, column=key, value=text, hint=hint, **_where(name, entry, key))
        return np.nan
    return number


def _timestamp(value: Any) -> tuple[float, str]:
    """(seconds, kind) of an at: value: NUMBER, NAIVE or ZONED (times.py); NaN when it is not a time.
    Naive date-times are read as UTC, as in CSV files (only differences within a file matter)."""
    if isinstance(value, bool) or value is None:
        return np.nan, NUMBER
    if isinstance(value, (int, float)):
        number = float(value)
        return (number if np.isfinite(number) else np.nan), NUMBER  # .inf, 1.0e+309
    if isinstance(value, dt.datetime):
        kind = ZONED if value.utcoffset() is not None else NAIVE
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).timestamp(), kind
    try:
        stamp = pd.Timestamp(str(value))
    except (ValueError, TypeError, OverflowError):
        return np.nan, NUMBER
    if stamp is pd.NaT:
        return np.nan, NUMBER
    return stamp.timestamp(), ZONED if stamp.tzinfo is not None else NAIVE


def _read_events(entry: LineDict, labels: dict, name: str, out: YamlStudy, problems: Problems) -> None:
    events = entry.get("events")
    if not isinstance(events, list):
        raise InputError("events: must be a list of {at:, event:}", **_where(name, entry))
    task = _text(entry["task"])
    for event in events:
        out.rows += 1
        if not isinstance(event, dict):
            problems.error("each event needs at: and event:", **_where(name, entry))
            continue
        at, time_kind = _timestamp(event.get("at"))
        text = cast(LineDict, event).texts.get("at", str(event.get("at")))
        if np.isnan(at):
            problems.error(
                f'"{text}" is not a time (seconds or ISO 8601)',
                column="at",
                value=text,
                **_where(name, event, "at"),
            )
            continue
        _check_time_kind(time_kind, text, _where(name, event, "at")["line"], name, out, problems)
        word = normalize_word(str(event.get("event", "")))
        kind = EVENT_WORDS.get(word)
        out.events.append(
            {
                **labels,
                "task": task,
                "t": at,
                "kind": KIND_CODE[kind] if kind else OTHER,
                "_row": cast(LineDict, event).line,
            }
        )


def _check_time_kind(kind: str, text: str, line: int, name: str, out: YamlStudy, problems: Problems) -> None:
    """One kind of timestamp per file, as in CSV files: seconds or date-times, and date-times all
    with a zone or all without (see times.py for why a mix is refused rather than guessed). Each
    mix is reported once, on the first line of the kind that came second, as the CSV reader does."""
    out.time_kinds.setdefault(kind, line)
    seen = out.time_kinds
    if kind == NUMBER:
        others = [k for k in (ZONED, NAIVE) if k in seen]
        mix, other = "number", min(others, key=seen.__getitem__) if others else None
    elif NUMBER in seen:
        mix, other = "number", NUMBER
    else:
        mix, other = "zone", ZONED if kind == NAIVE else NAIVE
    if other not in seen or out.mixes:  # after the first mix, the kinds are beside the point
        return
    out.mixes.add(mix)
    message, hint = mixed_timestamps(kind, other, text, seen[other])
    problems.error(message, file=name, line=line, column="at", value=text, hint=hint)


def _read_questionnaires(session: dict, labels: dict, name: str, out: YamlStudy) -> None:
    answers = session.get("questionnaires") or {}
    seq = session.get("seq") or (answers.get("seq") if isinstance(answers, dict) else None)
    if isinstance(answers, dict):
        for instrument, value in answers.items():
            if instrument != "seq":
                out.responses.append(
                    {
                        **labels,
                        "instrument": str(instrument).lower(),
                        "task": None,
                        "answers": value,
                        "file": name,
                        "line": getattr(answers, "line", None),
                    }
                )
    if isinstance(seq, dict):
        for task, rating in seq.items():
            out.responses.append(
                {
                    **labels,
                    "instrument": "seq",
                    "task": unicodedata.normalize("NFC", str(task)),
                    "answers": rating,
                    "file": name,
                    "line": getattr(seq, "line", None),
                }
            )


def frames(study: YamlStudy, file_index: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events frame, attempts frame) for the shared pipeline."""
    labels = ["participant", "session", "variant", "task"]
    events = pd.DataFrame(study.events, columns=[*labels, "t", "kind", "_row"])
    attempts = pd.DataFrame(study.attempts, columns=[*labels, "outcome", "time", "clicks", "errors", "_row"])
    for frame in (events, attempts):
        for col in labels:
            frame[col] = frame[col].astype("category")
        frame["_file"] = file_index
    events["kind"] = events["kind"].astype(np.int8)
    attempts["outcome"] = attempts["outcome"].astype(OUTCOME_DTYPE)
    # numbered as attempt tables number them: within participant × session × condition × task (design.attempt_key)
    key = attempt_key(attempts.columns)
    attempts["attempt"] = attempts.groupby(key, observed=True, dropna=False, sort=False).cumcount() + 1
    return events, attempts
