"""Read: turn input files into one attempts frame, whatever their layout.

``load()`` is the library's entry point for reading. Layouts are detected from
the columns (event log, attempt table, wide matrix) or the file type (YAML), and
every input row is accounted for: used, or set aside with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from uxcli.attempts import ATTEMPT_COLUMNS, combine, derive_attempts, extra_columns
from uxcli.errors import InputError, OptionError, Problems
from uxcli.readers.common import FileAccount
from uxcli.sources import Source, expand_paths, to_utf8

LAYOUTS = ("events", "attempts", "wide", "yaml")
MAX_LISTED = 20


@dataclass
class InputFile:
    name: str
    layout: str
    account: FileAccount
    lines: Callable[[np.ndarray], np.ndarray]


@dataclass
class Dataset:
    """Everything read from the inputs, normalized to attempts."""

    attempts: pd.DataFrame
    files: list[InputFile]
    problems: Problems
    study: dict = field(default_factory=dict)
    responses: list[dict] = field(default_factory=list)

    def sources(self, frame: pd.DataFrame | None = None) -> pd.Series:
        """'file:line' for each attempt, so every number traces back to the log."""
        frame = self.attempts if frame is None else frame
        out = np.empty(len(frame), dtype=object)
        files = frame["_file"].to_numpy()
        rows = frame["_row"].to_numpy()
        for index, info in enumerate(self.files):
            mask = files == index
            if mask.any():
                lines = info.lines(rows[mask]).astype(str)
                out[mask] = np.char.add(info.name + ":", lines)
        return pd.Series(out, index=frame.index, name="source")

    def attempts_table(self) -> pd.DataFrame:
        """The public attempts frame: ATTEMPT_COLUMNS, extra columns, then source."""
        frame = self.attempts
        table = frame[ATTEMPT_COLUMNS + extra_columns(frame)].copy()
        table["source"] = self.sources()
        return table

    @property
    def rows_read(self) -> int:
        return sum(f.account.rows for f in self.files)

    @property
    def rows_used(self) -> int:
        return sum(f.account.used for f in self.files)


def detect_layout(source: Source, data: bytes, fields: dict[str, str] | None) -> str:
    if source.suffix in (".yaml", ".yml"):
        return "yaml"
    if fields is None:
        return "yaml"
    if "event" in fields and "timestamp" in fields:
        return "events"
    if "outcome" in fields:
        return "attempts"
    if "participant" in fields and "task" not in fields:
        return "wide"
    if "event" in fields:
        return "events"
    return "attempts"  # its reader names the missing column


_YAML_START = re.compile(rb"^\s*(---|[\w\- ]+:(\s|$))")


def _looks_like_yaml(source: Source, data: bytes) -> bool:
    if source.suffix in (".yaml", ".yml"):
        return True
    if source.suffix:
        return False
    for line in data.splitlines()[:20]:
        if line.strip() and not line.lstrip().startswith(b"#"):
            return bool(_YAML_START.match(line)) and not any(d in line for d in (b",", b";", b"\t"))
    return False


def load(
    paths: list[str],
    *,
    layout: str | None = None,
    encoding: str | None = None,
    column_map: dict[str, str] | None = None,
) -> Dataset:
    """Read every input and return one Dataset; raises InputError on bad data.

    Problems found while reading are collected in ``dataset.problems``; the first
    error is raised (so callers never see numbers computed from broken rows).
    """
    dataset = read(paths, layout=layout, encoding=encoding, column_map=column_map)
    dataset.problems.raise_first_error()
    return dataset


def read(
    paths: list[str],
    *,
    layout: str | None = None,
    encoding: str | None = None,
    column_map: dict[str, str] | None = None,
    keep_going: bool = False,
) -> Dataset:
    """Like load(), but leaves errors in ``dataset.problems`` instead of raising them.

    With ``keep_going`` a file that cannot be read at all is recorded as a problem
    and the others are still read (used by ``validate``).
    """
    if layout is not None and layout not in LAYOUTS:
        raise OptionError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    problems = Problems()
    frames, files = [], []
    study: dict = {}
    responses: list[dict] = []
    for index, source in enumerate(expand_paths(paths)):
        try:
            info, frame, extra = _read_one(source, index, layout, encoding, column_map, problems)
        except InputError as exc:
            if not keep_going:
                raise
            problems.add(exc.problem)
            continue
        files.append(info)
        frames.append(frame)
        if extra:
            _merge_study(study, extra.study)
            responses.extend(extra.responses)
    attempts = combine(frames)
    return Dataset(attempts, files, problems, study, responses)


def _merge_study(study: dict, more: dict) -> None:
    for key, value in (more or {}).items():
        if isinstance(value, dict) and isinstance(study.get(key), dict):
            study[key].update(value)
        else:
            study[key] = value


def _read_one(source, index, layout, encoding, column_map, problems):
    from uxcli.readers.csvfile import read_csv_table

    data = to_utf8(source, encoding, problems)
    if layout == "yaml" or (layout is None and _looks_like_yaml(source, data)):
        return _read_yaml_source(source, data, index, problems)
    table = read_csv_table(source, data, column_map)
    kind = layout or detect_layout(source, data, table.fields)
    account = FileAccount(source.name, kind)
    info = InputFile(source.name, kind, account, table.lines)
    if kind == "events":
        from uxcli.readers.events import read_events

        events = read_events(table, index, problems, account)
        return info, _attempts_from_events(events, info, problems), None
    if kind == "wide":
        from uxcli.readers.wide import read_wide

        return info, read_wide(table, index, problems, account), None
    if kind == "yaml":
        raise InputError("is not YAML", file=source.name)
    from uxcli.readers.attempt_table import read_attempt_table

    return info, read_attempt_table(table, index, problems, account), None


def _read_yaml_source(source, data, index, problems):
    from uxcli.readers import yamlfile

    account = FileAccount(source.name, "yaml")
    info = InputFile(source.name, "yaml", account, lambda rows: np.asarray(rows, dtype=np.int64))
    study = yamlfile.read_yaml(source, data, problems, account)
    events, summaries = yamlfile.frames(study, index)
    derived = _attempts_from_events(events, info, problems) if len(events) else None
    frames = [f for f in (summaries, derived) if f is not None and len(f)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames[0] if frames else summaries)
    frame = frame.sort_values("_row", kind="stable").reset_index(drop=True)
    return info, frame, study


def _attempts_from_events(events: pd.DataFrame, info: InputFile, problems: Problems) -> pd.DataFrame:
    derived = derive_attempts(events)
    outside = events["_row"].to_numpy()[derived.outside_rows]
    info.account.aside("event outside any attempt", len(outside))
    _report_rows(info, outside, "event is outside any attempt (no open start for its participant and task)"
                 "; not counted", problems)
    unended = derived.attempts["_row"].to_numpy()[derived.unended]
    _report_rows(info, unended, "attempt has no end event (success, failure or abandon); counted as abandoned",
                 problems)
    return derived.attempts


def _report_rows(info: InputFile, rows: np.ndarray, message: str, problems: Problems) -> None:
    if len(rows) == 0:
        return
    rows = np.sort(rows)
    for line in info.lines(rows[:MAX_LISTED]):
        problems.warning(message, file=info.name, line=int(line))
    if len(rows) > MAX_LISTED:
        problems.warning(f"{len(rows) - MAX_LISTED} more like this: {message}", file=info.name)
