"""Typed errors and problem records.

The core never prints and never exits: it raises :class:`InputError` (or collects
:class:`Problem` records) carrying the file, line and column, and the CLI turns
them into one line on stderr and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]  # a note states an assumption; it never fails --strict


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in an input file."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None

    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        parts = []
        where = self.location()
        if where:
            parts.append(where)
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        text = self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        parts.append(text)
        return ": ".join(parts)


class UxcliError(Exception):
    """Base class of every error uxcli raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = Problem("error", message, file, line, column, value, hint)
        super().__init__(str(self.problem))

    @classmethod
    def from_problem(cls, problem: Problem) -> UxcliError:
        p = problem
        return cls(p.message, file=p.file, line=p.line, column=p.column, value=p.value, hint=p.hint)


class InputError(UxcliError):
    """The input data is missing, unreadable or malformed (exit 1)."""


class OptionError(UxcliError):
    """An option value is invalid, e.g. an unknown --by column (exit 2)."""


class OutputError(UxcliError):
    """The output cannot be written: a full disk, a file-size limit, a read-only or closed target (exit 1).
    The environment's fault, not a bug: said as one plain line."""


class GateError(UxcliError):
    """A --fail-under quality gate was not met (exit 1)."""


@dataclass
class Problems:
    """Collects problems while reading, so `validate` can list all of them.

    ``summary`` calls :meth:`raise_first_error` after reading: it stops on the
    first error, while ``validate`` reports every problem found.
    """

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, message: str, **where: object) -> None:
        self.items.append(Problem("error", message, **where))  # type: ignore[arg-type]

    def warning(self, message: str, **where: object) -> None:
        self.items.append(Problem("warning", message, **where))  # type: ignore[arg-type]

    def note(self, message: str, **where: object) -> None:
        """An assumption the reader made (a unit from a header, which columns are tasks): said, not doubted."""
        self.items.append(Problem("note", message, **where))  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "note"]

    def raise_first_error(self, strict: bool = False) -> None:
        for p in self.items:
            if p.severity == "error" or (strict and p.severity == "warning"):
                raise InputError.from_problem(p)
