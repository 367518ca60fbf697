"""Questionnaire answers by study design: ``--by`` groups, ``--map`` names and repeated respondents.

``--by NAME`` works as on the task commands: NAME is a column of the export (matched
case-insensitively, ignoring spaces, underscores and units), a name given with ``--map "COLUMN=NAME"``,
a field read from the export (``variant``, and its aliases ``design``, ``condition``, ``group``…;
``session``, ``participant``) or ``file``, the input argument a row came from (uxcli.design.FILE_GROUP).

**Repeated respondents.** One person answering more than once within one group (participant ×
group × task, within one input file) is one respondent: their answers are averaged, item by item, into
one response (so a SUS or UMUX-Lite score is the mean of their scores, an SEQ, NPS or CSAT rating their
mean rating), and a warning names them with their row counts. ``n`` counts respondents, not rows.
The same id in different input files is a different person (rounds restart their ids) unless the
pairing is ``paired``.

The reader (uxcli.questionnaires.exports) calls :func:`kept_header` for every ``--by`` column it is
asked to keep, and stores the column as ``KEEP_PREFIX + name``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from uxcli.design import FILE_GROUP, file_labels
from uxcli.errors import InputError, OptionError
from uxcli.vocab import field_for, normalize_header

KEEP_PREFIX = "by:"  # the reader's column for a kept --by column
LABEL_FIELDS = ("participant", "session", "variant", "task")  # what the questionnaire reader reads as fields
ALL = "(all)"  # the group label of the overall row


def parse_map(entries: Sequence[str] | Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """``"COLUMN=name"`` entries (or pairs) as (column, name) pairs; OptionError when malformed."""
    pairs = []
    for entry in entries:
        if isinstance(entry, tuple):
            column, name = entry
        else:
            column, sep, name = str(entry).rpartition("=")
            if not sep:
                column = ""
        if not str(column).strip() or not str(name).strip():
            raise OptionError(f'--map wants "COLUMN=name", got {entry!r}')
        pairs.append((str(column).strip(), str(name).strip()))
    return tuple(pairs)


def reader_map(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """--map entries whose name is a field the reader reads (participant, session, variant, task, or one
    of their aliases: ``design`` is variant) as the reader's column_map {COLUMN: field}."""
    mapped = {}
    for column, name in pairs:
        field = field_for(name)
        if field in LABEL_FIELDS:
            mapped[column] = field
    return mapped


def wanted_columns(by: Sequence[str], pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(label, column to look for) of each --by name that is not ``file``: a --map name stands for its column."""
    names = {normalize_header(name): column for column, name in pairs}
    return tuple((label, names.get(normalize_header(label), label)) for label in by if label.lower() != FILE_GROUP)


def kept_header(headers: Sequence[str], fields: dict[str, str], wanted: str, *, file: str, line: int | None) -> str:
    """The header a --by name stands for in one CSV file; InputError (with a did-you-mean) when none does.

    Exact (case-insensitive) header first, then the normalized header, then the field the name is an alias
    of (``--by design`` finds the column read as the variant, whatever its header).
    """
    folded = {h.casefold(): h for h in reversed(headers)}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    normalized = {normalize_header(h): h for h in reversed(headers)}
    if normalize_header(wanted) in normalized:
        return normalized[normalize_header(wanted)]
    field = field_for(wanted)
    if field in LABEL_FIELDS and field in fields:
        return fields[field]
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=1, cutoff=0.6)
    hint = f'did you mean "{folded[close[0]]}"?' if close else "columns: " + ", ".join(headers)
    raise InputError(f'no column "{wanted}" to group by (--by)', file=file, line=line, hint=hint)


def row_files(frame: pd.DataFrame) -> list[str]:
    """The input file of each row, from its ``source`` ("file:line", or just "file" for a YAML session)."""
    out = []
    for source in frame["source"].astype(str):
        head, sep, tail = source.rpartition(":")
        out.append(head if sep and tail.isdigit() else source)
    return out


def group_columns(
    frame: pd.DataFrame, by: Sequence[str], wanted: Sequence[tuple[str, str]], paths: Sequence[str]
) -> pd.DataFrame:
    """``frame`` with ``_file`` (each row's input file) and one internal column ``_g0``, ``_g1``… per --by
    name, holding each row's group label. A row without a value is an InputError naming it."""
    frame = frame.copy()
    files = row_files(frame)
    frame["_file"] = files
    kept = dict(wanted)
    for i, label in enumerate(by):
        if label.lower() == FILE_GROUP:
            values: list[Any] = file_labels(files, tuple(paths))
        else:
            column = KEEP_PREFIX + label
            values = list(frame[column]) if column in frame.columns else [None] * len(frame)
            field = field_for(kept.get(label, label))
            if field in ("participant", "session", "variant") and field in frame.columns:
                values = [v if not _missing(v) else f for v, f in zip(values, frame[field], strict=True)]
        for value, source in zip(values, frame["source"], strict=True):
            if _missing(value):
                raise InputError(
                    f'no value for --by "{label}"',
                    file=str(source).rpartition(":")[0] or str(source),
                    line=_line(source),
                    column=label,
                    hint="fill it in, or leave the row out of the file",
                )
        frame[f"_g{i}"] = [str(v) for v in values]
    return frame


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value)


def _line(source: Any) -> int | None:
    tail = str(source).rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


def collapse(
    frame: pd.DataFrame, items: Sequence[str], groups: Sequence[str], labels: Sequence[str], paired: bool = False
) -> tuple[pd.DataFrame, str | None]:
    """One row per respondent within each group: rows of the same participant × group columns × task
    (× input file, unless ``paired``) averaged item by item. Returns (frame, warning or None)."""
    if "_file" not in frame.columns:
        frame = frame.assign(_file=row_files(frame))
    keys = ["participant", *groups, "task"] + ([] if paired else ["_file"])
    key_frame = frame[keys].astype(object).where(frame[keys].notna(), "")
    repeated = key_frame.duplicated(keep=False)
    if not repeated.any():
        return frame, None
    codes = key_frame.astype(str).agg("\x1f".join, axis=1)
    order = pd.unique(codes)
    rows = []
    people = []
    for code in order:
        part = frame[codes.to_numpy() == code]
        first = part.iloc[0].copy()
        if len(part) > 1:
            first[list(items)] = part[list(items)].mean(axis=0, skipna=True).to_numpy()
            first["imputed"] = int(part["imputed"].sum())
            first["source"] = ", ".join(part["source"].astype(str))
            where = ", ".join(f"{label}={first[g]}" for label, g in zip(labels, groups, strict=True))
            task = "" if _missing(first["task"]) else f", task {first['task']}"
            people.append(f"{first['participant']} ×{len(part)}{' (' + where + task + ')' if where or task else ''}")
        rows.append(first)
    collapsed = pd.DataFrame(rows, columns=frame.columns).reset_index(drop=True)
    for name in items:
        collapsed[name] = collapsed[name].astype(np.float64)
    collapsed["imputed"] = collapsed["imputed"].astype(np.int64)
    shown = "; ".join(people[:8]) + (f"; … and {len(people) - 8} more" if len(people) > 8 else "")
    plural = "s" if len(people) != 1 else ""
    message = (
        f"{len(people)} respondent{plural} answered more than once in the same group: each one's answers are "
        f"averaged into one response, so n counts respondents, not rows ({shown})"
    )
    if not groups:
        message += "; if the rows are different conditions, group by that column with --by"
    return collapsed, message


def group_keys(frame: pd.DataFrame, groups: Sequence[str]) -> list[tuple[str, ...]]:
    """The groups' label tuples in order of first appearance."""
    return list(dict.fromkeys(tuple(str(v) for v in row) for row in frame[list(groups)].itertuples(index=False)))


def match_group(value: str, known: Sequence[str], option: str) -> str:
    """A group named on the command line (``--a``/``--b``) as it is in the data: case-insensitive, with a
    did-you-mean on a miss (OptionError)."""
    for candidate in known:
        if candidate == value:
            return candidate
    folded = [k for k in known if k.casefold() == value.casefold()]
    if folded:
        return folded[0]
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    hint = f'did you mean "{close[0]}"?' if close else "groups: " + ", ".join(known)
    raise OptionError(f'{option} "{value}": no such group ({hint})')
