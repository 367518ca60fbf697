"""The Typer app: every command registered, and the console entry point (`main`).

Commands import pandas and friends inside their bodies, so `uxcli --help` and
completion start as fast as a bare Typer app.
"""

from __future__ import annotations

import os
import signal
import sys

import typer

from uxcli.cli.attempts import attempts
from uxcli.cli.chart import chart
from uxcli.cli.compare import compare
from uxcli.cli.questionnaires import register as register_questionnaires
from uxcli.cli.report import report
from uxcli.cli.summary import summary
from uxcli.cli.usability_metric import sum_command
from uxcli.cli.validate import validate
from uxcli.exitcodes import ExitStatus

app = typer.Typer(
    name="uxcli",
    help="Analyze usability-test logs: task success, errors, abandonment, clicks and time, "
    "with small-sample statistics (Sauro & Lewis).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command()(summary)
app.command()(attempts)
app.command()(validate)
app.command()(compare)
register_questionnaires(app)  # sus, seq, umux-lite, nps, csat: one command per instrument
app.command("sum")(sum_command)
app.command()(report)
app.command()(chart)


def _version(value: bool) -> None:
    if value:
        from uxcli import __version__

        print(f"uxcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Analyze usability-test logs."""


def main() -> None:
    """Console entry point: quiet on broken pipes, 130 on Ctrl-C, and exactly the exit code we chose."""
    if hasattr(signal, "SIGPIPE"):
        # `uxcli summary ... | head` should end quietly, like other Unix tools (csvkit does the same).
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    code: int
    try:
        app(prog_name="uxcli")
        code = ExitStatus.OK
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (ExitStatus.OK if exc.code is None else ExitStatus.ERROR)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = ExitStatus.INTERRUPTED
    _leave(int(code))


def _leave(code: int) -> None:
    """Exit without interpreter teardown.

    pyarrow's worker threads can make CPython abort during shutdown ("terminate called without an
    active exception", exit 134) under load, which would turn an honest exit 1 into a crash. All
    output is written and flushed by now, so skipping teardown loses nothing.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the reader has gone, nothing left to say
            pass
    os._exit(code)
