"""Read: turn input files into one attempts frame, whatever their layout.

``load()`` is the library's entry point for reading. Layouts are detected from
the columns (event log, attempt table, wide matrix) or the file type (YAML), and
every input row is accounted for: used, or set aside with a reason. Each layout's
reader is found through the registry in uxcli.readers.layouts.
"""

from __future__ import annotations

import difflib
import importlib
import threading
from typing import TYPE_CHECKING, Any

from uxcli.errors import InputError, OptionError, Problems
from uxcli.readers.checks import case_groups, case_variants, variant_conflicts
from uxcli.readers.common import FileAccount
from uxcli.readers.csvfile import EXTRA_ALIASES, CsvTable, read_csv_table
from uxcli.readers.dataset import Dataset, InputFile
from uxcli.readers.layouts import LAYOUTS, REGISTRY, detect
from uxcli.readers.options import ENGINES, FileContext, ReadOptions
from uxcli.readers.sniff import looks_like_yaml
from uxcli.readers.stream import Fallback, wants_stream
from uxcli.sources import expand_paths, to_utf8
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
    if options.summarize is not None and options.idle_gap is None:
        grouped = _read_grouped(options)
        if grouped is not None:
            return grouped
    problems = Problems()
    frames: list[pd.DataFrame] = []
    files: list[InputFile] = []
    study: dict = {}
    responses: list[dict] = []
    for source in expand_paths(list(options.paths), problems if options.keep_going else None):
        file = FileContext(source, len(files), options, problems)  # _file indexes Dataset.files: no gaps
        try:
            info, frame, extra = _read_one(file)
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
    sources = expand_paths(list(options.paths), problems if options.keep_going else None)
    files = [FileContext(source, index, options, problems) for index, source in enumerate(sources)]
    if not files or not all(wants_stream(file) for file in files):
        return None
    # the intervals at the end need scipy.special: import it while pyarrow parses the first blocks
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
    dataset = Dataset(None, infos, problems, grouped=grouped)
    _unused_map_entries(infos, dict(options.column_map), problems)
    return dataset


def _read_one(file: FileContext) -> tuple[InputFile, Any, Any]:
    """(InputFile, attempts frame, study extras or None) of one input, by its layout's reader."""
    if wants_stream(file):
        from uxcli.readers.stream.engine import read_event_log  # loaded only when a file streams

        try:  # big event logs block by block; anything unusual falls back to the whole-file path below
            info, frame = read_event_log(file)
            return info, frame, None
        except Fallback:
            pass
    data = to_utf8(file.source, file.options.encoding, file.problems)
    layout = file.options.layout
    if layout is None and looks_like_yaml(file.source.suffix, data):
        layout = "yaml"
    if layout is not None and not REGISTRY[layout].csv:
        return REGISTRY[layout].read_function()(file, data)
    table = read_csv_table(file.source, data, file.column_map, file.problems)
    layout = layout or detect(table.fields)
    info = InputFile(file.name, layout, FileAccount(file.name, layout), table.lines, headers=table.headers)
    frame = REGISTRY[layout].read_function()(table, file, info)
    _account_table(table, info)
    return info, frame, None


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
