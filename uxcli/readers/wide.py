"""Layout 3: wide success matrix, one row per participant and one column per task."""

from __future__ import annotations

import numpy as np
import pandas as pd

from uxcli.errors import InputError, Problems
from uxcli.readers.attempt_table import outcomes, report_unknown_outcomes
from uxcli.readers.common import blank_mask, label_columns, labels, require_labels
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import InputFile
from uxcli.readers.options import FileContext
from uxcli.tasks.attempts import OUTCOME_DTYPE

LABELS = ("participant", "session", "variant")


def task_headers(table: CsvTable) -> list[str]:
    used = {table.fields[name] for name in LABELS if table.has(name)}
    return [h for h in table.headers if h not in used]


def read_wide(table: CsvTable, file: FileContext, info: InputFile) -> pd.DataFrame:
    """The attempts of a wide success matrix (the "wide" layout's reader)."""
    file_index, problems, account = file.index, file.problems, info.account
    table.require(("participant",), "wide success matrix")
    tasks = task_headers(table)
    if not tasks:
        raise_no_tasks(table)
    cols = label_columns(table, LABELS)
    cells = {h: labels(table, h) for h in tasks}
    blank = blank_mask([*cols.values(), *cells.values()])
    account.rows = table.num_rows
    account.aside("blank row", blank.sum())
    require_labels(table, cols, ("participant",), ~blank, problems)
    _warn_repeated_participants(table, cols, blank, problems)
    pieces = []
    for position, header in enumerate(tasks):
        words = cells[header]
        outcome, unknown = outcomes(words)
        report_unknown_outcomes(table, header, words, unknown, problems)
        attempted = words.notna().to_numpy() & ~blank
        rows = np.flatnonzero(attempted)
        pieces.append(
            pd.DataFrame(
                {
                    **{name: col.take(rows).reset_index(drop=True) for name, col in cols.items()},
                    "task": header,
                    "attempt": 1,
                    "outcome": pd.Categorical(np.asarray(outcome)[rows], dtype=OUTCOME_DTYPE),
                    "time": np.nan,
                    "clicks": np.nan,
                    "errors": np.nan,
                    "_file": file_index,
                    "_row": rows,
                    "_col": position,
                }
            )
        )
    frame = pd.concat(pieces, ignore_index=True)
    # Row by row, as a researcher reads the sheet; tasks keep their column order.
    frame = frame.sort_values(["_col", "_row"], kind="stable").drop(columns="_col")
    no_cells = ~blank & blank_mask(list(cells.values()))
    if no_cells.any():
        problems.warning(
            f"{int(no_cells.sum())} participant rows have no outcome in any task column",
            file=table.name,
            line=table.line(int(np.flatnonzero(no_cells)[0])),
        )
        account.aside("no task attempted", no_cells.sum())
    return frame.reset_index(drop=True)


def raise_no_tasks(table: CsvTable) -> None:
    raise InputError(
        "wide success matrix has no task columns next to the participant column",
        file=table.name,
        line=table.header_line,
    )


def _warn_repeated_participants(
    table: CsvTable, cols: dict[str, pd.Series], blank: np.ndarray, problems: Problems
) -> None:
    """A participant on two rows of a success matrix is counted twice in every task."""
    frame = pd.DataFrame({"participant": cols["participant"], "session": cols["session"]})
    frame = frame[~blank & frame["participant"].notna().to_numpy()]
    repeated = frame.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    first = (
        frame.reset_index()
        .groupby(["participant", "session"], observed=True, dropna=False, sort=False)["index"]
        .transform("first")
        .to_numpy()
    )
    found = np.flatnonzero(repeated)
    limit = listing_limit()
    for i in found[:limit]:
        row = int(frame.index[i])
        problems.warning(
            f'participant "{frame["participant"].iloc[i]}" already has a row (line '
            f"{table.line(int(first[i]))}); both rows are counted",
            file=table.name,
            line=table.line(row),
            column=table.fields["participant"],
            value=str(frame["participant"].iloc[i]),
            hint="a double entry? delete one row, or add a session column for a second session",
        )
    if len(found) > limit:
        problems.warning(f"{len(found) - limit} more repeated participant rows", file=table.name)
