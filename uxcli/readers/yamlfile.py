"""Layout 4: YAML sessions (summarized tasks and/or event lists), plus study metadata.

Loaded with PyYAML's SafeLoader only (no object construction from tags). Every
mapping remembers its line so messages can point into the file, and alias
expansion is measured before construction so a "billion laughs" document is
refused quickly instead of being walked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import yaml

from uxcli.errors import InputError, Problems
from uxcli.readers.common import FileAccount
from uxcli.readers.dataset import InputFile
from uxcli.readers.events import attempts_from_events
from uxcli.readers.options import FileContext
from uxcli.readers.times import clock_seconds
from uxcli.sources import Source
from uxcli.tasks.attempts import ATTEMPT_COLUMNS, KIND_CODE, OUTCOME_DTYPE
from uxcli.vocab import EVENT_WORDS, normalize_word, outcome_for

MAX_EXPANSION = 1_000_000  # nodes after alias expansion; real study files are far below this
OTHER = len(KIND_CODE)


class LineDict(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry the line they start on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
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
    study = read_yaml(file.source, data, file.problems, account)
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


def read_yaml(source: Source, data: bytes, problems: Problems, account: FileAccount) -> YamlStudy:
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
    out = YamlStudy(study=doc.get("study") or {})
    for session in sessions:
        _read_session(session, source.name, out, problems)
    account.rows = out.rows
    return out


def _where(name: str, item: Any) -> dict:
    return {"file": name, "line": getattr(item, "line", None)}


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()


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
        else outcome_for(str(raw))
        if raw is not None
        else None
    )
    if outcome is None:
        problems.error(
            f'"{raw}" is not an outcome',
            column="outcome",
            value=str(raw),
            hint="use success, failure or abandon",
            **_where(name, entry),
        )
        return
    values = {k: _number(entry.get(k), k, name, entry, problems) for k in ("time", "clicks", "errors")}
    out.attempts.append(
        {**labels, "task": str(entry["task"]).strip(), "outcome": outcome, **values, "_row": entry.line}
    )


def _number(value: Any, key: str, name: str, entry: LineDict, problems: Problems) -> float:
    if value is None or value == "":
        return np.nan
    if isinstance(value, str) and key == "time":
        number = float(clock_seconds(pd.Series([value]))[0])
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = np.nan
    if np.isnan(number) or number < 0:
        problems.error(f'"{value}" is not a valid {key}', column=key, value=str(value), **_where(name, entry))
        return np.nan
    return number


def _timestamp(value: Any) -> float:
    if isinstance(value, bool):
        return np.nan
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).timestamp()
    try:
        return pd.Timestamp(str(value)).timestamp() if value is not None else np.nan
    except (ValueError, TypeError):
        return np.nan


def _read_events(entry: LineDict, labels: dict, name: str, out: YamlStudy, problems: Problems) -> None:
    events = entry.get("events")
    if not isinstance(events, list):
        raise InputError("events: must be a list of {at:, event:}", **_where(name, entry))
    task = str(entry["task"]).strip()
    for event in events:
        out.rows += 1
        if not isinstance(event, dict):
            problems.error("each event needs at: and event:", **_where(name, entry))
            continue
        at = _timestamp(event.get("at"))
        if np.isnan(at):
            problems.error(
                f'"{event.get("at")}" is not a time (seconds or ISO 8601)',
                column="at",
                value=str(event.get("at")),
                **_where(name, event),
            )
            continue
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
                    "task": str(task),
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
    attempts["attempt"] = (
        attempts.groupby(["participant", "session", "task"], observed=True, dropna=False, sort=False).cumcount() + 1
    )
    return events, attempts
