"""Pieces every CSV layout reader shares: label columns, blank rows, accounting."""

from __future__ import annotations

import unicodedata
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uxcli.errors import Problems
from uxcli.readers.csvfile import CsvTable


def labels(table: CsvTable, header: str) -> pd.Series:
    """A text column as a categorical; empty cells become missing (NaN); labels in Unicode NFC."""
    series = nfc_labels(table.text(header))
    if "" in series.cat.categories:
        series = series.cat.remove_categories([""])
    return series


def nfc_labels(series: pd.Series) -> pd.Series:
    """Labels in Unicode normal form C: "café" typed (one code point for é) and "café" pasted from a
    macOS file name (e + a combining accent) look the same and are one label. Categories keep their
    order; forms that meet are merged into the first one's place. The streaming engine does the same
    (uxcli.readers.stream.codes.Labels)."""
    cats = series.cat.categories
    if len(cats) == 0 or pc.all(pc.string_is_ascii(pa.array(cats.astype(str), pa.string()))).as_py():
        return series  # the usual case, checked in one pass: ASCII text is always in NFC
    if all(unicodedata.is_normalized("NFC", str(c)) for c in cats):
        return series
    composed = [unicodedata.normalize("NFC", str(c)) for c in cats]
    if len(set(composed)) == len(composed):
        return series.cat.rename_categories(composed)
    unique = list(dict.fromkeys(composed))
    position = {label: i for i, label in enumerate(unique)}
    lookup = np.array([position[c] for c in composed] + [-1], dtype=np.int64)  # -1 (missing) stays missing
    codes = lookup[series.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=unique), index=series.index, name=series.name)


def no_labels(n: int) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=[]))


def label_columns(table: CsvTable, names: tuple[str, ...]) -> dict[str, pd.Series]:
    """Canonical label fields (participant, task, ...) plus any extra columns."""
    out = {}
    for name in names:
        out[name] = labels(table, table.fields[name]) if table.has(name) else no_labels(table.num_rows)
    return out


def extra_labels(table: CsvTable, skip: AbstractSet[str] = frozenset()) -> dict[str, pd.Series]:
    """Columns uxcli does not know keep their header and can be used with --by."""
    return {h: labels(table, h) for h in table.extra_headers() if h not in skip}


def blank_mask(columns: list[pd.Series | np.ndarray]) -> np.ndarray:
    """Rows where every given column is missing: leftovers of spreadsheet formatting."""
    mask = None
    for col in columns:
        missing = pd.isna(col) if isinstance(col, np.ndarray) else col.isna().to_numpy()
        mask = missing if mask is None else mask & missing
    return mask if mask is not None else np.zeros(0, dtype=bool)


def require_labels(
    table: CsvTable, columns: dict[str, pd.Series], names: tuple[str, ...], usable: np.ndarray, problems: Problems
) -> None:
    """Report rows that lack a participant or task (they cannot be attributed)."""
    for name in names:
        bad = np.flatnonzero(columns[name].isna().to_numpy() & usable)
        values = np.full(table.num_rows, "", dtype=object)
        table.report_bad(
            bad,
            table.fields[name],
            values,
            f"is an empty {name}",
            problems,
            hint=f"every row needs a {name}; fill it in or delete the row",
        )


@dataclass
class FileAccount:
    """How many input rows a file had and where each of them went."""

    file: str
    layout: str
    rows: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)
    numbered_retries: bool = False  # attempt numbers inferred from repeated participant x task rows
    double_entries: list[int] = field(default_factory=list)  # rows repeating an earlier row exactly (reported)

    @property
    def used(self) -> int:
        return self.rows - sum(self.set_aside.values())

    def aside(self, reason: str, count: int) -> None:
        if count:
            self.set_aside[reason] = self.set_aside.get(reason, 0) + int(count)
