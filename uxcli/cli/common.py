"""What every command shares: reading inputs, reporting problems, writing output.

Errors from the core (typed, with file/line/column) become one line on stderr
and an exit code here, and nowhere else.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

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
    """A message for the person, on stderr, so stdout stays clean data (never on stdout, even when
    stderr is closed: then it is not said at all)."""
    if sys.stderr is None:
        return
    try:
        print(message, file=sys.stderr)
    except (OSError, ValueError):  # stderr closed or full: nowhere left to say it
        pass


@contextmanager
def reported_errors(debug: bool = False) -> Iterator[None]:
    """Turn uxcli's typed errors into one stderr line and an honest exit code."""
    from uxcli.errors import GateError, OptionError, UxcliError
    from uxcli.sources import ENVIRONMENT_ERRNOS, output_error

    try:
        with _glyph_notes():
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
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # the reader has gone (`| head`): nothing left to say
            raise typer.Exit(ExitStatus.ERROR) from None
        if exc.errno not in ENVIRONMENT_ERRNOS:  # e.g. EBADF: a bug, reported as one below
            _unexpected(exc, debug)
        _show(output_error(exc, None), debug)  # a full disk or a size limit: the system, not uxcli
        raise typer.Exit(ExitStatus.ERROR) from None
    except Exception as exc:  # a bug: still one line, unless --debug asks for the traceback
        _unexpected(exc, debug)


_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")


@contextmanager
def _glyph_notes() -> Iterator[None]:
    """matplotlib's "Glyph … missing from font" UserWarnings (an emoji in a label) become one note per
    character on stderr, said once after the output; every other warning shows as usual."""
    missing: dict[str, None] = {}
    with warnings.catch_warnings():
        show = warnings.showwarning

        def route(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
            found = _GLYPH.search(str(message))
            if found is None:
                show(message, category, *args, **kwargs)
            else:
                missing.setdefault(chr(int(found.group(1))), None)

        warnings.showwarning = route
        try:
            yield
        finally:
            if missing:
                chars = " ".join(f"{c} (U+{ord(c):04X})" for c in missing)
                say(f"note: the chart font cannot draw {chars}; those characters show as empty boxes")


def _unexpected(exc: Exception, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    say(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug and please report it)")
    raise typer.Exit(ExitStatus.ERROR) from None


def _show(exc: Exception, debug: bool) -> None:
    if debug and sys.stderr is not None:
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
    from uxcli.vocab import parse_recode

    return ReadOptions(
        tuple(paths),
        layout=source.layout,
        encoding=source.encoding,
        column_map=parse_map(list(source.column_map)),
        engine=source.engine,
        time_unit=source.time_unit,
        **source.layout_options(),
        outcomes=parse_recode(source.outcome) if source.outcome else {},
        **more,
    )


def _one_malloc_arena() -> None:
    """Ask glibc's malloc for one arena shared by all threads. A big log is parsed on a few threads;
    with an arena each, the blocks' freed arrays stay spread over them and peak memory grows by
    ~15% (10M events: ~470 -> ~410 MB) for no speed gained. The CLI owns its process, so it may
    (here, where a command starts reading, so `--help` does not pay for ctypes); the library leaves the
    allocator alone. No-op where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, 1)  # M_ARENA_MAX (malloc.h)
    except (OSError, AttributeError):  # musl and other C libraries: nothing to tune
        pass


def read_inputs(
    paths: list[str], source: InputFlags, *, notes: bool = True, summarize: SummaryRequest | None = None
) -> Inputs:
    """Read and prepare the inputs (uxcli.pipeline.load_inputs), then say on stderr what the library
    found: warnings, and the notes (``notes``; table output shows them in its caption instead) or with
    ``--verbose`` the row accounting. A progress bar shows while big files are read on a terminal."""
    from uxcli.pipeline import load_inputs

    _one_malloc_arena()  # before the reader's threads allocate
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
    if FORMATS[fmt].binary and output is None and sys.stdout.isatty():
        raise OptionError(f"--format {fmt.value} writes a binary file; pass -o FILE.{fmt.value} or redirect the output")
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
    """Write to stdout, or to a file atomically (temporary file, then rename).

    Stdout is written with os.write until every byte is out: a short write (a file-size limit, a full
    disk) becomes the next write's error (uxcli.errors.OutputError, exit 1), never a silent truncation.
    """
    if output is None:
        write_stdout(text if isinstance(text, bytes) else text.encode("utf-8"))
        return
    from uxcli.sources import write_atomic

    write_atomic(output, lambda handle: handle.write(text if isinstance(text, bytes) else text.encode("utf-8")))


def write_stdout(data: bytes) -> None:
    """Every byte to stdout, or an OutputError naming why not."""
    import io

    from uxcli.errors import OutputError
    from uxcli.sources import output_error

    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write output: standard output is closed")
    try:
        stream.flush()
        fd = stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # not a real file (a test runner's buffer)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
        else:
            stream.write(data.decode("utf-8"))
        stream.flush()
        return
    except OSError as exc:
        raise output_error(exc, None) from None
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise  # the reader has gone (`| head`): quiet, as main() handles it
        raise output_error(exc, None) from None


def render_table(table: RenderableType, output: Path | None) -> None:
    """Print a Rich table (colour only on a terminal; NO_COLOR is honoured by Rich)."""
    from rich.console import Console

    if output is None and sys.stdout.isatty():
        Console(soft_wrap=False).print(table)
        return
    if output is None:  # a pipe or a file, rendered as Rich would there: every byte written, or an error
        import io

        buffer = io.StringIO()
        Console(soft_wrap=False, file=buffer).print(table)
        write_stdout(buffer.getvalue().encode("utf-8"))
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
