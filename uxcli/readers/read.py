"""Read: turn input files into one attempts frame, whatever their layout.

``load()`` is the library's entry point for reading. Layouts are detected from
the columns (event log, attempt table, wide matrix) or the file type (YAML), and
every input row is accounted for: used, or set aside with a reason. Each layout's
reader is found through the registry in uxcli.readers.layouts.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import os
import threading
import unicodedata
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from uxcli.errors import InputError, OptionError, Problems
from uxcli.readers.checks import case_groups, case_variants, variant_conflicts
from uxcli.readers.common import FileAccount
from uxcli.readers.csvfile import EXTRA_ALIASES, CsvTable, map_fields, read_csv_table
from uxcli.readers.dataset import Dataset, InputFile
from uxcli.readers.excel import is_spreadsheet, source_bytes
from uxcli.readers.layouts import LAYOUTS, REGISTRY, detect
from uxcli.readers.options import ENGINES, PARTICIPANT_NAME_PATTERN, FileContext, ReadOptions
from uxcli.readers.sniff import looks_like_yaml
from uxcli.readers.stream import COLUMNAR_SUFFIXES, Fallback, wants_stream
from uxcli.readers.wide import looks_transposed
from uxcli.sources import expand_paths
from uxcli.tasks.attempts import combine
from uxcli.vocab import COLUMN_ALIASES, normalize_header

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LAYOUTS", "MAP_FIELDS", "Dataset", "InputFile", "check_column_map", "load", "read"]

MAP_FIELDS = (*COLUMN_ALIASES, *EXTRA_ALIASES)  # what --map may name


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
    _check_options(options)
    if options.summarize is not None and options.idle_gap is None and options.participant_from_name is None:
        grouped = _read_grouped(options)
        if grouped is not None:
            return grouped
    problems = Problems()
    frames: list[pd.DataFrame] = []
    files: list[InputFile] = []
    study: dict = {}
    responses: list[dict] = []
    from uxcli.questionnaires.exports import NotATaskFile

    for source in expand_paths(list(options.paths), problems if options.keep_going else None, notes=problems):
        file = FileContext(source, len(files), options, problems)  # _file indexes Dataset.files: no gaps
        try:
            info, frame, extra = _read_one(file)
        except NotATaskFile as skipped:  # a questionnaire export in the folder: said, not read
            problems.note(str(skipped), file=source.name)
            continue
        except InputError as exc:
            if not options.keep_going:
                raise
            problems.add(exc.problem)
            continue
        files.append(info)
        frames.append(frame)
        if extra:
            _merge_study(study, extra.study)
            responses.extend(extra.responses)
    if options.participant_from_name is not None:
        _same_name_ids(files, frames, dict(options.column_map))
    dataset = Dataset(combine(frames), files, problems, study, responses)
    variant_conflicts(dataset, problems)
    case_variants(dataset, problems)
    _unused_map_entries(files, dict(options.column_map), problems)
    return dataset


def _check_options(options: ReadOptions) -> None:
    if options.layout is not None and options.layout not in LAYOUTS:
        raise OptionError(f"unknown layout {options.layout!r}; choose one of {', '.join(LAYOUTS)}")
    if options.engine not in ENGINES:
        raise OptionError(f"unknown engine {options.engine!r}; choose one of {', '.join(ENGINES)}")
    check_column_map(dict(options.column_map))


def _read_grouped(options: ReadOptions) -> Dataset | None:
    """A Dataset with group statistics computed while streaming, or None when some input cannot be
    streamed this way (then nothing read here is kept: not even its problems)."""
    problems = Problems()
    sources = expand_paths(list(options.paths), problems if options.keep_going else None, notes=problems)
    files = [FileContext(source, index, options, problems) for index, source in enumerate(sources)]
    if not files or not all(_streams(file) for file in files):
        return None
    # the intervals at the end need scipy.special: import it while pyarrow parses the first blocks. Not for
    # inputs of a GB or more: there its ~30 MB would add to the peak, while imported at the end they come
    # after the streaming state is freed, and its ~0.2 s are lost in a minute of reading
    if sum(_size(file) for file in files) < WARM_UP_BELOW:
        threading.Thread(target=importlib.import_module, args=("scipy.special",), daemon=True).start()
    from uxcli.readers.stream.engine import read_event_log  # loaded only when a file streams
    from uxcli.readers.stream.summary import Reducer

    reducer = Reducer(options.summarize)
    try:
        infos = [read_event_log(file, reducer=reducer)[0] for file in files]
        grouped = reducer.finish()
    except Fallback:
        return None
    if any(case_groups(labels.names) for labels in reducer.labels.values()):
        return None  # labels differing only by case: warned about from the attempts frame (checks.case_variants)
    dataset = Dataset(None, infos, problems, grouped=grouped, streamed_design=reducer.design())
    _unused_map_entries(infos, dict(options.column_map), problems)
    return dataset


WARM_UP_BELOW = 1 << 30  # bytes of input below which scipy.special is imported while reading


def _size(file: FileContext) -> int:
    path = file.source.path
    try:
        return os.path.getsize(path) if path is not None else 0
    except OSError:
        return 0


def _streams(file: FileContext) -> bool:
    """Whether to try the streaming engine on this file (never on a spreadsheet: its sheet is converted)."""
    return not is_spreadsheet(file.source) and wants_stream(file)


def _read_one(file: FileContext) -> tuple[InputFile, Any, Any]:
    """(InputFile, attempts frame, study extras or None) of one input, by its layout's reader."""
    if _streams(file) and file.options.participant_from_name is None:
        from uxcli.readers.stream.engine import read_event_log  # loaded only when a file streams

        try:  # big event logs block by block; anything unusual falls back to the whole-file path below
            info, frame = read_event_log(file)
            return info, frame, None
        except Fallback:
            pass
    if file.source.path is not None and file.source.suffix in COLUMNAR_SUFFIXES:  # Parquet / Arrow IPC as CSV text
        from uxcli.readers.stream.columnar import as_csv

        data = as_csv(file.source.path, file.source.name)
    else:
        data = source_bytes(file.source, file.options.encoding, file.problems, file.options.sheet)  # a sheet as CSV
    layout = file.options.layout
    if layout is None and looks_like_yaml(file.source.suffix, data):
        layout = "yaml"
    if layout is not None and not REGISTRY[layout].csv:
        return REGISTRY[layout].read_function()(file, data)
    table = read_csv_table(file.source, data, file.column_map, file.problems)
    if layout is None:  # a SUS export beside the task log: skipped in a folder, refused when named
        from uxcli.questionnaires.exports import refuse_export

        refuse_export(table, data, from_directory=file.source.name not in file.options.paths)
    if file.options.participant_from_name is not None and not (file.options.transpose or looks_transposed(table)):
        participant_from_name(table, file)  # (a matrix with participants in its header has them already)
    if file.options.transpose:
        layout = "transposed"  # its reader reads outcomes or times (--layout wide or wide-times decides)
    layout = layout or detect_layout(table, file)
    info = InputFile(file.name, layout, FileAccount(file.name, layout), table.lines, headers=table.headers)
    frame = REGISTRY[layout].read_function()(table, file, info)
    _account_table(table, info)
    return dataclasses.replace(info, reading=describe_reading(layout, table, frame, file)), frame, None


def describe_reading(layout: str, table: CsvTable, frame: Any, file: FileContext) -> str:
    """How a CSV file was read, in one line: its layout and which column is which field
    ("attempt table; participant ← Tester, task ← Task, outcome ← Result, time ← Time (s) [s]")."""
    from uxcli.readers.csvfile import describe_fields

    fields = {k: v for k, v in table.fields.items() if not (k == "task" and layout == "transposed")}
    parts = describe_fields(fields, file.options.time_unit, table.name, table.header_line)
    if layout in ("wide", "wide-times", "transposed") and frame is not None and len(frame):
        tasks = [str(t) for t in dict.fromkeys(frame["task"].astype(str))]
        first = table.headers[0]
        where = (
            ("rows of the first column" if first.startswith("column_") else f"rows of {first}")
            if (layout == "transposed")
            else "columns"
        )
        shown = ", ".join(tasks[:8]) + (f" and {len(tasks) - 8} more" if len(tasks) > 8 else "")
        parts.append(f"tasks ← {len(tasks)} {where} ({shown})")
        if layout == "transposed":
            from uxcli.readers.wide import unnamed_empty  # trailing separators name no participant

            people = sum(not unnamed_empty(table, h) for h in table.headers[1:])
            parts.append(f"participants ← {people} header cells")
    return REGISTRY[layout].title + ("; " + ", ".join(parts) if parts else "")


def detect_layout(table: CsvTable, file: FileContext) -> str:
    """The layout of a CSV table: from its header (layouts.DETECTION), then from its values where the
    header cannot tell (a matrix of times or of outcomes, tasks in rows or in columns, an attempt table
    whose other columns are a matrix too). Stops with the --layout choices when two fit."""
    from uxcli.readers.wide import refine_layout

    return refine_layout(detect(table.fields), table, file)


def participant_from_name(table: CsvTable, file: FileContext) -> None:
    """A file with no participant column takes its participant from its name (--participant-from-name)."""
    import re

    import pyarrow as pa

    if table.has("participant"):
        file.problems.note(
            "--participant-from-name not used: the file has a participant column",
            file=file.name,
            line=table.header_line,
            column=table.fields["participant"],
        )
        return
    pattern = file.options.participant_from_name or PARTICIPANT_NAME_PATTERN
    stem = PurePath(file.name).stem
    found = re.search(pattern, stem) if file.name != "-" else None
    if found is None or not (found.group(found.lastindex or 0) or "").strip():
        raise InputError(
            f'no participant id in the file name "{stem}" (pattern {pattern})',
            file=file.name,
            hint="name the file after its participant (P07.csv), or give a pattern: --participant-pattern REGEX",
        )
    pid = unicodedata.normalize("NFC", found.group(found.lastindex or 0).strip())
    header = next(h for h in ("(file name)", "participant (file name)", "_participant") if h not in table.headers)
    table.table = table.table.append_column(header, pa.array([pid] * table.num_rows, pa.string()).dictionary_encode())
    table.fields["participant"] = header
    file.problems.note(
        f'participant "{pid}" taken from the file name (no participant column)',
        file=file.name,
        line=table.header_line,
        value=pid,
    )


def _same_name_ids(files: list[InputFile], frames: list[Any], column_map: dict[str, str]) -> None:
    """Two files whose names give the same participant would merge two people: refuse it."""
    seen: dict[str, str] = {}
    for info, frame in zip(files, frames):
        if info.headers is None or frame is None or not len(frame) or "participant" not in frame:
            continue
        if map_fields(info.headers, column_map, info.name, 1).get("participant"):
            continue  # the file has its own participant column
        for pid in frame["participant"].dropna().astype(str).unique():
            if pid in seen and seen[pid] != info.name:
                raise InputError(
                    f'participant "{pid}" comes from two files: {seen[pid]} and {info.name}',
                    file=info.name,
                    value=pid,
                    hint="rename one file, or give --participant-pattern REGEX that tells them apart",
                )
            seen[pid] = info.name


def _account_table(table: CsvTable, info: InputFile) -> None:
    """What a CSV file's rows came to beyond its reader: only blank rows is an error; rows pyarrow
    left out (a different number of fields) still count as read, and as set aside."""
    account = info.account
    if account.rows and account.set_aside.get("blank row", 0) == account.rows:
        raise InputError(
            "has a header row but no data rows (only blank rows)",
            file=info.name,
            line=table.header_line,
            hint="the sheet was exported empty; export it again with its rows",
        )
    if table.ragged_rows:
        account.rows += table.ragged_rows
        account.aside("row with a different number of fields", table.ragged_rows)


def _unused_map_entries(files: list[InputFile], column_map: dict[str, str], problems: Problems) -> None:
    """A --map column found in no file is a typo more often than not: say so (once, not per file)."""
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
