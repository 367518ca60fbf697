"""What a read returns: the Dataset (attempts and where they came from) and one InputFile per file.

Both are built once by the readers and not changed afterwards (uxcli.tasks.exclusions.prepare() returns
a new Dataset). Light to import: pandas and numpy are loaded when a method needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from uxcli.errors import Problems
    from uxcli.readers.common import FileAccount


@dataclass(frozen=True)
class InputFile:
    """One file read: its name, layout and row accounting, and how its rows map to line numbers."""

    name: str
    layout: str
    account: FileAccount
    lines: Callable[[np.ndarray], np.ndarray]
    engine: str = "whole"  # "stream" when read block by block (uxcli.readers.stream.engine)
    headers: list[str] | None = None  # CSV header as written (None for YAML), to check --map against
    # how the file was read, for validate and --verbose: "attempt table; participant ← Tester, task ← Task, …"
    reading: str | None = None


@dataclass(frozen=True)
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
    streamed_design: Any = None  # with ``grouped``: what the stream saw of the design (readers.stream.summary)

    def sources(self, frame: pd.DataFrame | None = None) -> pd.Series:
        """'file:line' for each attempt, so every number traces back to the log."""
        import numpy as np
        import pandas as pd

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
        from uxcli.tasks.attempts import ATTEMPT_COLUMNS, extra_columns

        frame = self.attempts
        table = frame[ATTEMPT_COLUMNS + extra_columns(frame)].copy()
        table["source"] = self.sources()
        if self.flags is not None:  # quality flags were asked for: show them next to each attempt
            table["flags"] = self.flags["detail"].reindex(frame.index).fillna("").to_numpy()
        return table

    def excluded_table(self) -> pd.DataFrame:
        """Excluded attempts like attempts_table(), with the reason each was left out."""
        from uxcli.tasks.attempts import ATTEMPT_COLUMNS, extra_columns

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
        reasons = self.set_aside()
        files = len(self.files)
        text = (
            f"{self.rows_read} rows read from {files} file{'s' if files != 1 else ''}: "
            f"{self.rows_used} used, {self.rows_read - self.rows_used} set aside"
        )
        if reasons:
            text += " (" + ", ".join(f"{n} {reason}" for reason, n in reasons.items()) + ")"
        if self.attempts_read is not None and self.excluded is not None and len(self.excluded):
            text += f"\n{self.attempts_read} attempts: {len(self.attempts)} analysed, {len(self.excluded)} excluded"
        return "\n".join([text, *self.all_notes()])

    def all_notes(self) -> list[str]:
        """What the readers assumed (their notes, with file and line) and what preparation did."""
        return [*(str(p) for p in self.problems.notes), *self.notes]

    def set_aside(self) -> dict[str, int]:
        """Rows set aside over all files, by reason."""
        reasons: dict[str, int] = {}
        for info in self.files:
            for reason, count in info.account.set_aside.items():
                reasons[reason] = reasons.get(reason, 0) + count
        return reasons
