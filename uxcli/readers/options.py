"""ReadOptions: everything the readers need to know, as one typed value (no pandas here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from uxcli.errors import OptionError, Problems
from uxcli.sources import Source

# How a file is read: "whole" (the whole file in memory, every layout), "stream" (an event-log CSV block
# by block, falling back to "whole" when it cannot give the same results) or "auto" (stream big event logs).
ENGINES = ("auto", "whole", "stream")
TIME_UNIT_CHOICES = ("ms", "s", "min", "h")
# The participant in a file name: the last run of digits, with a short word or a capital letter before it
# ("TimeTaskP7" -> P7, "P07_session" -> P07, "participant-12" -> 12).
PARTICIPANT_NAME_PATTERN = (
    r"(?:\b[A-Za-z]{1,3}|[A-Z])?\d+(?!.*\d)"  # uxcli.vocab.TIME_UNITS (not imported: keep this module light)
)


@dataclass(frozen=True)
class ReadOptions:
    """What to read and how.

    ``paths``: files, directories (their *.csv, *.yaml, *.yml) or "-" for stdin. ``layout``: one of the
    registered layouts, or None to detect it from the columns. ``column_map``: header -> field, like
    ``--map``. ``idle_gap`` (seconds) adds an ``_idle`` column to attempts from event logs. ``engine``:
    "auto" (big event logs block by block), "whole" (the whole file in memory) or "stream".
    ``keep_going``: record an unreadable file as a problem and read the others (``validate``).
    ``progress(done, total)`` is called while big files are read. ``summarize`` (a
    uxcli.readers.stream.summary.SummaryRequest) lets the reader compute group statistics while streaming.
    ``time_unit`` (ms, s, min or h) is the unit of numeric times (attempt-table times, event timestamps),
    overriding a unit in the header ('Time (ms)'); None: the header's unit, else seconds.
    ``transpose``: read matrices as tasks in rows, participants in columns. ``participant_from_name``: a
    regex whose match in a file's name (or its first group) is the participant of a file with no
    participant column (PARTICIPANT_NAME_PATTERN by default); None: off. ``outcomes`` recodes outcome
    words ({"Completed with help": "assisted"}, like ``--outcome``; categories vocab.OUTCOME_CATEGORIES).
    ``sheet``: which sheet of a spreadsheet input (.xlsx, .ods: uxcli.readers.excel) to read.
    """

    paths: tuple[str, ...]
    layout: str | None = None
    encoding: str | None = None
    column_map: Mapping[str, str] = field(default_factory=dict)
    idle_gap: float | None = None
    engine: str = "auto"
    keep_going: bool = False
    progress: Callable[[int, int], None] | None = None
    summarize: Any = None
    time_unit: str | None = None
    transpose: bool = False
    participant_from_name: str | None = None
    outcomes: Mapping[str, str] = field(default_factory=dict)  # outcome word -> category (vocab.parse_recode)
    sheet: str | None = None  # a workbook's sheet: name or 1-based position (None: the first holding data)

    def __post_init__(self) -> None:
        if self.participant_from_name is not None:
            import re

            try:
                re.compile(self.participant_from_name)
            except re.error as exc:
                raise OptionError(
                    f"--participant-pattern: {self.participant_from_name!r} is not a regex: {exc}"
                ) from None
        if self.time_unit is not None and self.time_unit not in TIME_UNIT_CHOICES:
            raise OptionError(f"unknown time unit {self.time_unit!r}; choose one of {', '.join(TIME_UNIT_CHOICES)}")
        if self.outcomes:
            from uxcli.vocab import parse_recode

            object.__setattr__(self, "outcomes", parse_recode(dict(self.outcomes), "outcomes"))


@dataclass(frozen=True)
class FileContext:
    """One input file being read: where it comes from, its place in ``Dataset.files`` (the ``_file``
    of its rows), the read's options, and where its problems go."""

    source: Source
    index: int
    options: ReadOptions
    problems: Problems

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def column_map(self) -> dict[str, str]:
        return dict(self.options.column_map)
