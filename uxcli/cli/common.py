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
from typing import TYPE_CHECKING

import typer

from uxcli.cli.options import Format
from uxcli.exitcodes import ExitStatus

if TYPE_CHECKING:
    from uxcli.gates import GateVerdict
    from uxcli.readers.read import Dataset
    from uxcli.tasks.exclusions import Preparation

MAX_WARNINGS = 10
SUFFIX_FORMATS = {
    ".csv": Format.csv,
    ".json": Format.json,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".txt": Format.table,
}


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


class _ReadProgress:
    """A Rich progress bar on stderr for big inputs (read block by block): started on the first
    report, so small files never show one; only used when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
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


def read_inputs(
    paths: list[str],
    *,
    layout,
    encoding,
    column_map,
    strict: bool,
    verbose: bool,
    prep: Preparation | None = None,
    notes: bool = True,
    engine: str = "auto",
    summarize=None,
) -> Dataset:
    """Read, report warnings on stderr, stop on the first error (or warning with --strict).

    With ``prep`` (see data_options) exclusions, quality flags and pseudonymization are
    applied too (uxcli.tasks.exclusions.prepare), and with ``notes`` what they did is said on
    stderr (table output shows it in the caption instead). ``summarize`` (a SummaryRequest) lets
    the reader compute group statistics while streaming (``dataset.grouped``) when ``prep`` has
    nothing to do: no exclusions, flags or pseudonyms, which need every attempt.
    """
    from uxcli.readers.options import ReadOptions
    from uxcli.readers.read import read

    study_columns = prep.study.columns if prep else {}
    idle_gap = prep.quality.idle_gap if prep and prep.quality.cap_idle else None
    progress = _ReadProgress() if sys.stderr.isatty() else None  # never in pipes or CI logs
    try:
        dataset = read(
            ReadOptions(
                tuple(paths),
                layout=layout.value if layout else None,
                encoding=encoding,
                column_map={**study_columns, **parse_map(column_map)},
                idle_gap=idle_gap,
                engine=getattr(engine, "value", engine),
                progress=progress,
                summarize=summarize if prep is None or not prep.active else None,
            )
        )
    finally:
        if progress is not None:
            progress.close()
    dataset.problems.raise_first_error()
    if prep is not None and dataset.grouped is None:
        prepare(dataset, prep)
    elif prep is not None:
        prep.quality.check()
    try:
        dataset.problems.raise_first_error(strict=strict)
    except Exception as exc:  # a --strict warning may quote an id: pseudonymize it like every output
        private = dataset.pseudonymizer
        if private is None or not hasattr(exc, "problem"):
            raise
        p = exc.problem
        raise type(exc)(
            private.text(p.message),
            file=p.file,
            line=p.line,
            column=p.column,
            value=private.value(p.value),
            hint=private.text(p.hint),
        ) from None
    show_warnings(dataset, verbose)
    if verbose:
        say(dataset.accounting())
    elif notes:
        for note in dataset.notes:
            say(f"note: {note}")
    return dataset


def show_warnings(dataset: Dataset, verbose: bool) -> None:
    warnings = dataset.problems.warnings
    shown = warnings if verbose else warnings[:MAX_WARNINGS]
    private = dataset.pseudonymizer.text if dataset.pseudonymizer is not None else str
    for problem in shown:
        say(f"warning: {private(str(problem))}")
    if len(warnings) > len(shown):
        say(f"warning: … and {len(warnings) - len(shown)} more warnings (--verbose lists them all)")


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


def render_table(table, output: Path | None) -> None:
    """Print a Rich table (colour only on a terminal; NO_COLOR is honoured by Rich)."""
    from rich.console import Console

    if output is None:
        Console(soft_wrap=False).print(table)
        return
    console = Console(record=True, width=160, force_terminal=False, no_color=True, file=open(os.devnull, "w"))
    console.print(table)
    write_output(console.export_text(), output)


def data_files(data: dict) -> list[str]:
    """The study and exclusion files among a command's data options (never to be overwritten)."""
    return [str(data[key]) for key in ("study", "exclusions") if data.get(key)]


def data_options(
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
) -> Preparation:
    """The data-quality, exclusion and privacy options of a command, checked, as one Preparation.

    Study and exclusion files are read here (so their errors come before the data's).
    """
    from uxcli.tasks.exclusions import Preparation, Study, load_exclusions, load_study, parse_rule
    from uxcli.tasks.quality import QualityOptions

    loaded = load_study(study) if study else Study()
    rules = [*loaded.rules]
    if exclusions:
        rules.extend(load_exclusions(exclusions))
    rules.extend(parse_rule(text) for text in exclude or [])
    given = QualityOptions(speeders, speeder_fraction, idle_gap, cap_idle, partial, outliers, drop_flagged)
    quality = loaded.quality.overridden_by(given)
    quality.check()
    return Preparation(rules, quality, pseudonymize, salt, loaded)


def prepare(dataset: Dataset, prep: Preparation) -> Dataset:
    """Between read and metrics: exclusions, quality flags, idle capping, pseudonymization.

    Every command that computes from attempts calls this (read_inputs does, given ``prep``),
    so what is left out, and why, is the same in summary, attempts, report and compare.
    Rules may also come from ``exclude:`` in a YAML data file's ``study:`` section.
    """
    from uxcli.tasks.exclusions import Preparation, rules_from_yaml
    from uxcli.tasks.exclusions import prepare as prepare_dataset

    if dataset.study.get("exclude") is not None:
        names = [f.name for f in dataset.files if f.layout == "yaml"]
        extra = rules_from_yaml({"exclude": dataset.study["exclude"]}, names[0] if names else "study")
        prep = Preparation([*extra, *prep.rules], prep.quality, prep.pseudonymize, prep.salt, prep.study)
    return prepare_dataset(dataset, prep)


def report_gates(verdict: GateVerdict) -> None:
    """Print the gate verdict on stderr (after the output) and exit 1 when a gate failed."""
    from uxcli.errors import GateError

    for line in verdict.messages():
        say(line)
    if verdict.failed:
        raise GateError(verdict.summary())
