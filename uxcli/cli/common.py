"""What every command shares: reading inputs, reporting problems, writing output.

Errors from the core (typed, with file/line/column) become one line on stderr
and an exit code here, and nowhere else.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from uxcli.exitcodes import ExitStatus
from uxcli.render.formats import FORMATS, SUFFIX_FORMATS, Format

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import RenderableType
    from rich.progress import Progress, TaskID

    from uxcli.cli.options import InputFlags
    from uxcli.gates import GateVerdict
    from uxcli.pipeline import Inputs, PrepareOptions
    from uxcli.readers.options import ReadOptions
    from uxcli.readers.stream.summary import SummaryRequest


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
    """--map "COLUMN=field" entries as ReadOptions.column_map."""
    from uxcli.errors import OptionError

    mapping = {}
    for entry in entries or []:
        column, sep, field = entry.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise OptionError(f'--map wants "COLUMN=field", got {entry!r}')
        mapping[column.strip()] = field.strip().lower()
    return mapping


class _ReadProgress:
    """A Rich progress bar on stderr for big inputs (read block by block): started on the first
    report, so small files never show one; only used when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None or self.task is None:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("reading"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),
            )
            self.bar.start()
            self.task = self.bar.add_task("reading", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def prepare_options(
    *,
    study: Path | None = None,
    exclude: list[str] | None = None,
    exclusions: Path | None = None,
    speeders: float | None = None,
    speeder_fraction: float | None = None,
    idle_gap: float | None = None,
    cap_idle: bool = False,
    partial: bool = False,
    outliers: float | None = None,
    drop_flagged: bool = False,
    pseudonymize: bool = False,
    salt: str | None = None,
) -> PrepareOptions:
    """The data-quality, exclusion and privacy flags of a command (cli.options.QUALITY_OPTIONS and
    PRIVACY_OPTIONS) as one checked PrepareOptions."""
    from uxcli.pipeline import PrepareOptions
    from uxcli.tasks.quality import QualityOptions

    quality = QualityOptions(speeders, speeder_fraction, idle_gap, cap_idle, partial, outliers, drop_flagged)
    return PrepareOptions(study, tuple(exclude or ()), exclusions, quality, pseudonymize, salt)


def read_options(paths: list[str], source: InputFlags, **more: Any) -> ReadOptions:
    """The library's ReadOptions for these paths and flags (``more``: other ReadOptions fields)."""
    from uxcli.readers.options import ReadOptions

    return ReadOptions(
        tuple(paths),
        layout=source.layout,
        encoding=source.encoding,
        column_map=parse_map(list(source.column_map)),
        engine=source.engine,
        time_unit=source.time_unit,
        **more,
    )


def read_inputs(
    paths: list[str], source: InputFlags, *, notes: bool = True, summarize: SummaryRequest | None = None
) -> Inputs:
    """Read and prepare the inputs (uxcli.pipeline.load_inputs), then say on stderr what the library
    found: warnings, and the notes (``notes``; table output shows them in its caption instead) or with
    ``--verbose`` the row accounting. A progress bar shows while big files are read on a terminal."""
    from uxcli.pipeline import load_inputs

    progress = _ReadProgress() if sys.stderr.isatty() else None  # never in pipes or CI logs
    read = read_options(paths, source, progress=progress, summarize=summarize)
    try:
        inputs = load_inputs(read, source.prepare, strict=source.strict)
    finally:
        if progress is not None:
            progress.close()
    for line in inputs.messages(verbose=source.verbose, notes=notes):
        say(line)
    return inputs


def choose_format(fmt: Format | None, output: Path | None, allowed: tuple[Format, ...] = tuple(FORMATS)) -> Format:
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
        if target == path or (
            path.is_dir() and target.parent == path and output.suffix.lower() in (".csv", ".yaml", ".yml")
        ):
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
    from uxcli.sources import write_atomic

    write_atomic(output, lambda handle: handle.write(text if isinstance(text, bytes) else text.encode("utf-8")))


def render_table(table: RenderableType, output: Path | None) -> None:
    """Print a Rich table (colour only on a terminal; NO_COLOR is honoured by Rich)."""
    from rich.console import Console

    if output is None:
        Console(soft_wrap=False).print(table)
        return
    console = Console(record=True, width=160, force_terminal=False, no_color=True, file=open(os.devnull, "w"))
    console.print(table)
    write_output(console.export_text(), output)


def write_frame(frame: pd.DataFrame, fmt: Format, output: Path | None) -> None:
    """A frame in a text format (csv, json, markdown: uxcli.render.formats), to stdout or a file."""
    from uxcli.render.text import RENDERERS

    write_output(RENDERERS[fmt.value](frame), output)


def report_gates(verdict: GateVerdict) -> None:
    """Print the gate verdict on stderr (after the output) and exit 1 when a gate failed."""
    from uxcli.errors import GateError

    for line in verdict.messages():
        say(line)
    if verdict.failed:
        raise GateError(verdict.summary())
