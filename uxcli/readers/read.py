"""Read: turn input files into one attempts frame, whatever their layout.

``load()`` is the library's entry point for reading. Layouts are detected from
the columns (event log, attempt table, wide matrix) or the file type (YAML), and
every input row is accounted for: used, or set aside with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from uxcli.errors import InputError, OptionError, Problems
from uxcli.readers.common import FileAccount
from uxcli.readers.csvfile import EXTRA_ALIASES, listing_limit
from uxcli.readers.options import ReadOptions
from uxcli.sources import Source, expand_paths, to_utf8
from uxcli.tasks.attempts import ATTEMPT_COLUMNS, combine, derive_attempts, extra_columns
from uxcli.vocab import COLUMN_ALIASES

LAYOUTS = ("events", "attempts", "wide", "yaml")
MAP_FIELDS = (*COLUMN_ALIASES, *EXTRA_ALIASES)  # what --map may name


@dataclass
class InputFile:
    name: str
    layout: str
    account: FileAccount
    lines: Callable[[np.ndarray], np.ndarray]
    engine: str = "v1"  # "stream" when read block by block (uxcli.readers.stream.engine)
    headers: list[str] | None = None  # CSV header as written (None for YAML), to check --map against


@dataclass
class Dataset:
    """Everything read from the inputs, normalized to attempts."""

    attempts: pd.DataFrame
    files: list[InputFile]
    problems: Problems
    study: dict = field(default_factory=dict)
    responses: list[dict] = field(default_factory=list)
    # Filled in by uxcli.tasks.exclusions.prepare(): what was left out and why, for every output.
    excluded: pd.DataFrame | None = None  # excluded attempts, with a "reason" column
    flags: pd.DataFrame | None = None  # quality flags of the kept attempts (uxcli.tasks.quality.flag)
    notes: list[str] = field(default_factory=list)  # one sentence each: exclusions, flags, capping
    attempts_read: int | None = None  # attempts before exclusions (None: prepare() has not run)
    pseudonymizer: Any = None  # uxcli.tasks.privacy.Pseudonymizer when ids are pseudonymized
    # Set instead of ``attempts`` (which is then None) when read() was asked for group statistics
    # and could compute them while streaming (uxcli.readers.stream.summary): a uxcli.tasks.metrics.Grouped.
    grouped: Any = None

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
        if self.flags is not None:  # quality flags were asked for: show them next to each attempt
            table["flags"] = self.flags["detail"].reindex(frame.index).fillna("").to_numpy()
        return table

    def excluded_table(self) -> pd.DataFrame:
        """Excluded attempts like attempts_table(), with the reason each was left out."""
        frame = self.excluded if self.excluded is not None else self.attempts.iloc[0:0].assign(_reason=[])
        table = frame[ATTEMPT_COLUMNS + extra_columns(frame)].copy()
        table["source"] = self.sources(frame)
        table["reason"] = frame["_reason"].to_numpy()
        return table

    @property
    def rows_read(self) -> int:
        return sum(f.account.rows for f in self.files)

    @property
    def rows_used(self) -> int:
        return sum(f.account.used for f in self.files)

    def accounting(self) -> str:
        """'812 rows read from 2 files: 806 used, 6 set aside (6 event outside any attempt)',
        then how many attempts were excluded and the exclusion/quality notes."""
        reasons: dict[str, int] = {}
        for info in self.files:
            for reason, count in info.account.set_aside.items():
                reasons[reason] = reasons.get(reason, 0) + count
        files = len(self.files)
        text = (
            f"{self.rows_read} rows read from {files} file{'s' if files != 1 else ''}: "
            f"{self.rows_used} used, {self.rows_read - self.rows_used} set aside"
        )
        if reasons:
            text += " (" + ", ".join(f"{n} {reason}" for reason, n in reasons.items()) + ")"
        if self.attempts_read is not None and self.excluded is not None and len(self.excluded):
            text += f"\n{self.attempts_read} attempts: {len(self.attempts)} analysed, {len(self.excluded)} excluded"
        return "\n".join([text, *self.notes])

    def set_aside(self) -> dict[str, int]:
        """Rows set aside over all files, by reason."""
        reasons: dict[str, int] = {}
        for info in self.files:
            for reason, count in info.account.set_aside.items():
                reasons[reason] = reasons.get(reason, 0) + count
        return reasons


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


def load(paths: list[str] | tuple[str, ...], **options: Any) -> Dataset:
    """Read every input and return one Dataset; raises InputError on bad data.

    ``options`` are the fields of ReadOptions. Problems found while reading are collected in
    ``dataset.problems``; the first error is raised (so callers never see numbers computed from
    broken rows).
    """
    dataset = read(ReadOptions(tuple(paths), **options))
    dataset.problems.raise_first_error()
    return dataset


def read(options: ReadOptions) -> Dataset:
    """Like load(), but leaves errors in ``dataset.problems`` instead of raising them.

    With ``keep_going`` a path or file that cannot be read at all is recorded as a
    problem and the others are still read (used by ``validate``). ``idle_gap``
    (seconds) adds an ``_idle`` column to attempts from event logs: the time by
    which pauses between events exceed it (see uxcli.tasks.quality).

    ``summarize`` (a uxcli.readers.stream.summary.SummaryRequest) says which summary will be computed:
    when every input is a streamable event log, the dataset then carries ``grouped`` statistics
    instead of an attempts frame, and memory stays bounded however long the logs are.
    Otherwise (or when the streaming path must give up) the attempts frame is read as usual.
    """
    paths, layout, encoding = list(options.paths), options.layout, options.encoding
    column_map = dict(options.column_map)
    keep_going, idle_gap, engine = options.keep_going, options.idle_gap, options.engine
    progress, summarize = options.progress, options.summarize
    if layout is not None and layout not in LAYOUTS:
        raise OptionError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if engine not in ("auto", "v1", "stream"):  # stream: event-log CSV files block by block (readers/stream.py)
        raise OptionError(f"unknown engine {engine!r}; choose one of auto, v1, stream")
    check_column_map(column_map or {})
    if summarize is not None and idle_gap is None:
        grouped = _read_grouped(paths, layout, encoding, column_map, keep_going, engine, progress, summarize)
        if grouped is not None:
            return grouped
    problems = Problems()
    frames, files = [], []
    study: dict = {}
    responses: list[dict] = []
    for source in expand_paths(paths, problems if keep_going else None):
        index = len(files)  # _file indexes dataset.files, so a skipped file leaves no gap
        try:
            info, frame, extra = _read_one(
                source, index, layout, encoding, column_map, problems, idle_gap, engine, progress
            )
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
    dataset = Dataset(attempts, files, problems, study, responses)
    from uxcli.readers.checks import variant_conflicts

    variant_conflicts(dataset, problems)
    _unused_map_entries(files, column_map or {}, problems)
    return dataset


def _read_grouped(paths, layout, encoding, column_map, keep_going, engine, progress, request) -> Dataset | None:
    """A Dataset with group statistics computed while streaming, or None when some input cannot be
    streamed this way (then nothing read here is kept: not even its problems)."""
    from uxcli.readers.stream.engine import Fallback, read_event_log, wants_stream
    from uxcli.readers.stream.summary import Reducer

    problems = Problems()
    sources = list(expand_paths(paths, problems if keep_going else None))
    if not sources or not all(wants_stream(s, layout, encoding, engine) for s in sources):
        return None
    import importlib
    import threading

    # the intervals at the end need scipy.special: import it while pyarrow parses the first blocks
    threading.Thread(target=importlib.import_module, args=("scipy.special",), daemon=True).start()
    reducer = Reducer(request)
    files: list[InputFile] = []
    try:
        for index, source in enumerate(sources):
            info, _ = read_event_log(
                source, index, layout, encoding, column_map, problems, None, progress, reducer=reducer
            )
            info.engine = "stream"
            files.append(info)
        grouped = reducer.finish()
    except Fallback:
        return None
    dataset = Dataset(None, files, problems, grouped=grouped)
    _unused_map_entries(files, column_map or {}, problems)
    return dataset


def _unused_map_entries(files: list[InputFile], column_map: dict[str, str], problems: Problems) -> None:
    """A --map column found in no file is a typo more often than not: say so (once, not per file)."""
    import difflib

    from uxcli.vocab import normalize_header

    headers = [h for f in files if f.headers for h in f.headers]
    if not column_map or not headers:
        return
    present = {normalize_header(h) for h in headers}
    for given, target in column_map.items():
        if normalize_header(given) not in present:
            close = difflib.get_close_matches(given, sorted(set(headers)), n=1, cutoff=0.5)
            problems.warning(
                f'--map "{given}={target}" names a column that no input has',
                column=given,
                hint=f'did you mean "{close[0]}"?' if close else "check the header spelling",
            )


def check_column_map(column_map: dict[str, str]) -> None:
    """--map targets must be fields uxcli knows: a typo there would otherwise do nothing."""
    import difflib

    for given, target in column_map.items():
        if target not in MAP_FIELDS:
            close = difflib.get_close_matches(target, MAP_FIELDS, n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else "fields: " + ", ".join(MAP_FIELDS)
            raise OptionError(f'--map "{given}={target}": uxcli has no field "{target}" ({hint})')


def _merge_study(study: dict, more: dict) -> None:
    for key, value in (more or {}).items():
        if isinstance(value, dict) and isinstance(study.get(key), dict):
            study[key].update(value)
        else:
            study[key] = value


def _read_one(source, index, layout, encoding, column_map, problems, idle_gap=None, engine="auto", progress=None):
    from uxcli.readers.csvfile import read_csv_table
    from uxcli.readers.stream.engine import Fallback, read_event_log, wants_stream

    if wants_stream(source, layout, encoding, engine):
        try:  # big event logs block by block; anything unusual falls back to the whole-file path below
            info, frame = read_event_log(source, index, layout, encoding, column_map, problems, idle_gap, progress)
            info.engine = "stream"
            return info, frame, None
        except Fallback:
            pass

    data = to_utf8(source, encoding, problems)
    if layout == "yaml" or (layout is None and _looks_like_yaml(source, data)):
        return _read_yaml_source(source, data, index, problems, idle_gap)
    table = read_csv_table(source, data, column_map, problems)
    kind = layout or detect_layout(source, data, table.fields)
    if kind == "yaml":
        raise InputError("is not YAML", file=source.name, hint="leave out --layout yaml for CSV files")
    account = FileAccount(source.name, kind)
    info = InputFile(source.name, kind, account, table.lines, headers=table.headers)
    if kind == "events":
        from uxcli.readers.events import read_events

        events = read_events(table, index, problems, account)
        frame = _attempts_from_events(events, info, problems, idle_gap, table)
    elif kind == "wide":
        from uxcli.readers.wide import read_wide

        frame = read_wide(table, index, problems, account)
    else:
        from uxcli.readers.attempt_table import read_attempt_table

        frame = read_attempt_table(table, index, problems, account)
    if account.rows and account.set_aside.get("blank row", 0) == account.rows:
        raise InputError(
            "has a header row but no data rows (only blank rows)",
            file=source.name,
            line=table.header_line,
            hint="the sheet was exported empty; export it again with its rows",
        )
    if table.ragged_rows:  # rows pyarrow left out still count as read, and as set aside
        account.rows += table.ragged_rows
        account.aside("row with a different number of fields", table.ragged_rows)
    return info, frame, None


def _read_yaml_source(source, data, index, problems, idle_gap=None):
    from uxcli.readers import yamlfile

    account = FileAccount(source.name, "yaml")
    info = InputFile(source.name, "yaml", account, lambda rows: np.asarray(rows, dtype=np.int64))
    study = yamlfile.read_yaml(source, data, problems, account)
    events, summaries = yamlfile.frames(study, index)
    derived = _attempts_from_events(events, info, problems, idle_gap) if len(events) else None
    frames = [f for f in (summaries, derived) if f is not None and len(f)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames[0] if frames else summaries)
    frame = frame.sort_values("_row", kind="stable").reset_index(drop=True)
    columns = [*ATTEMPT_COLUMNS, *[c for c in frame.columns if c not in ATTEMPT_COLUMNS]]
    return info, frame[columns], study


def _attempts_from_events(
    events: pd.DataFrame, info: InputFile, problems: Problems, idle_gap: float | None = None, table=None
) -> pd.DataFrame:
    from uxcli.readers import checks

    derived = derive_attempts(events, idle_gap)
    source_rows = events["_row"].to_numpy()
    info.account.aside("duplicate event", len(derived.dropped_rows))
    checks.repeated_events(info, events, derived.repeats, derived.dropped_rows, problems, table)
    info.account.aside("event outside any attempt", len(derived.outside_rows))
    early = checks.ends_before_start(info, events, derived.outside_rows, problems)
    outside = source_rows[np.setdiff1d(derived.outside_rows, early)]
    _report_rows(
        info,
        outside,
        "event is outside any attempt (no open start for its participant and task); not counted",
        problems,
        hint="add the missing start event, or delete the stray line",
    )
    unended = derived.attempts["_row"].to_numpy()[derived.unended]
    _report_rows(
        info, unended, "attempt has no end event (success, failure or abandon); counted as abandoned", problems
    )
    checks.overlapping_attempts(info, derived.attempts, problems)
    return derived.attempts


def _report_rows(info: InputFile, rows: np.ndarray, message: str, problems: Problems, hint: str | None = None) -> None:
    if len(rows) == 0:
        return
    rows = np.sort(rows)
    limit = listing_limit()
    for line in info.lines(rows[:limit]):
        problems.warning(message, file=info.name, line=int(line), hint=hint)
    if len(rows) > limit:
        problems.warning(f"{len(rows) - limit} more like this: {message}", file=info.name, hint=hint)
