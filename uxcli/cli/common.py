"""What every command shares: reading inputs, reporting problems, writing output.

Errors from the core (typed, with file/line/column) become one line on stderr
and an exit code here, and nowhere else.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import typer

from uxcli.cli.options import Format
from uxcli.exitcodes import ExitStatus

if TYPE_CHECKING:
    from uxcli.readers import Dataset

MAX_WARNINGS = 10
SUFFIX_FORMATS = {".csv": Format.csv, ".json": Format.json, ".md": Format.markdown,
                  ".markdown": Format.markdown, ".txt": Format.table}


def say(message: str) -> None:
    """A message for the person, on stderr, so stdout stays clean data."""
    print(message, file=sys.stderr)


@contextmanager
def reported_errors(debug: bool = False) -> Iterator[None]:
    """Turn uxcli's typed errors into one stderr line and an honest exit code."""
    from uxcli.errors import GateError, OptionError, UxcliError

    try:
        yield
    except typer.Exit:
        raise
    except OptionError as exc:
        _show(exc, debug)
        raise typer.Exit(ExitStatus.USAGE) from None
    except (UxcliError, GateError) as exc:
        _show(exc, debug)
        raise typer.Exit(ExitStatus.ERROR) from None
    except KeyboardInterrupt:
        say("interrupted")
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    except MemoryError:
        say("error: out of memory")
        raise typer.Exit(ExitStatus.ERROR) from None
    except Exception as exc:  # a bug: still one line, unless --debug asks for the traceback
        if debug:
            traceback.print_exc()
        say(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug and please report it)")
        raise typer.Exit(ExitStatus.ERROR) from None


def _show(exc: Exception, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    say(f"error: {exc}")


def parse_map(entries: list[str] | None) -> dict[str, str]:
    from uxcli.errors import OptionError

    mapping = {}
    for entry in entries or []:
        column, sep, field = entry.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise OptionError(f'--map wants "COLUMN=field", got {entry!r}')
        mapping[column.strip()] = field.strip().lower()
    return mapping


def read_inputs(paths: list[str], *, layout, encoding, column_map, strict: bool, verbose: bool) -> Dataset:
    """Read, report warnings on stderr, stop on the first error (or warning with --strict)."""
    from uxcli.readers import read

    dataset = read(paths, layout=layout.value if layout else None, encoding=encoding,
                   column_map=parse_map(column_map))
    dataset.problems.raise_first_error(strict=strict)
    show_warnings(dataset, verbose)
    if verbose:
        say(accounting(dataset))
    return dataset


def show_warnings(dataset: Dataset, verbose: bool) -> None:
    warnings = dataset.problems.warnings
    shown = warnings if verbose else warnings[:MAX_WARNINGS]
    for problem in shown:
        say(f"warning: {problem}")
    if len(warnings) > len(shown):
        say(f"warning: … and {len(warnings) - len(shown)} more warnings (--verbose lists them all)")


def accounting(dataset: Dataset) -> str:
    """'812 rows read from 2 files: 806 used, 6 set aside (6 event outside any attempt)'."""
    reasons: dict[str, int] = {}
    for info in dataset.files:
        for reason, count in info.account.set_aside.items():
            reasons[reason] = reasons.get(reason, 0) + count
    files = len(dataset.files)
    text = (f"{dataset.rows_read} rows read from {files} file{'s' if files != 1 else ''}: "
            f"{dataset.rows_used} used, {dataset.rows_read - dataset.rows_used} set aside")
    if reasons:
        text += " (" + ", ".join(f"{n} {reason}" for reason, n in reasons.items()) + ")"
    return text


def choose_format(fmt: Format | None, output: Path | None, allowed: tuple[Format, ...] = tuple(Format)) -> Format:
    from uxcli.errors import OptionError

    if fmt is None and output is not None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise OptionError(f"cannot tell the format from {output.name!r}; pass --format")
    if fmt is None:
        fmt = Format.table if sys.stdout.isatty() else Format.csv
    if fmt not in allowed:
        raise OptionError(f"--format {fmt.value} is not available here; use {', '.join(f.value for f in allowed)}")
    return fmt


def check_output_path(output: Path | None, paths: list[str]) -> None:
    """Refuse to overwrite an input: a typo in -o must not destroy the study's data."""
    from uxcli.errors import OptionError

    if output is None:
        return
    target = output.resolve()
    for raw in paths:
        if raw == "-":
            continue
        path = Path(raw).resolve()
        if target == path or (path.is_dir() and target.parent == path and output.suffix.lower()
                                in (".csv", ".yaml", ".yml")):
            raise OptionError(f"output {output} would overwrite an input; choose another path")


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write to stdout, or to a file atomically (temporary file, then rename)."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(output, lambda handle: handle.write(text if isinstance(text, bytes) else text.encode("utf-8")))


def write_atomic(path: Path, fill: Callable) -> None:
    from uxcli.errors import InputError

    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_table(table, output: Path | None) -> None:
    """Print a Rich table (colour only on a terminal; NO_COLOR is honoured by Rich)."""
    from rich.console import Console

    if output is None:
        Console(soft_wrap=False).print(table)
        return
    console = Console(record=True, width=160, force_terminal=False, no_color=True, file=open(os.devnull, "w"))
    console.print(table)
    write_output(console.export_text(), output)
