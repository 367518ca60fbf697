"""The Typer app: every command registered, and the console entry point (`main`).

Commands import pandas and friends inside their bodies, so `uxcli --help` and
completion start as fast as a bare Typer app.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _interrupted_at_start(signum: int, frame: Any) -> None:
    """Ctrl-C while the commands are still being imported: no traceback, exit 130 (main() puts Python's
    own handler back once the app is ready)."""
    try:
        os.write(2, b"interrupted\n")
    except OSError:
        pass
    os._exit(130)


_STARTING = signal.getsignal(signal.SIGINT) is signal.default_int_handler
if _STARTING:  # before the heavy imports below; Python's handler is back once they are done
    signal.signal(signal.SIGINT, _interrupted_at_start)

import typer  # noqa: E402

from uxcli.cli.attempts import attempts  # noqa: E402
from uxcli.cli.chart import chart  # noqa: E402
from uxcli.cli.common import say  # noqa: E402
from uxcli.cli.compare import compare  # noqa: E402
from uxcli.cli.export import export  # noqa: E402
from uxcli.cli.navigation import navigation  # noqa: E402
from uxcli.cli.plan import plan  # noqa: E402
from uxcli.cli.problems import problems  # noqa: E402
from uxcli.cli.questionnaires import register as register_questionnaires  # noqa: E402
from uxcli.cli.report import report  # noqa: E402
from uxcli.cli.summary import summary  # noqa: E402
from uxcli.cli.survival import survival  # noqa: E402
from uxcli.cli.usability_metric import sum_command  # noqa: E402
from uxcli.cli.validate import validate  # noqa: E402
from uxcli.errors import OutputError  # noqa: E402
from uxcli.exitcodes import ExitStatus  # noqa: E402

if _STARTING:  # a library user (or a test runner) keeps KeyboardInterrupt once the import is done
    signal.signal(signal.SIGINT, signal.default_int_handler)

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
app.command()(survival)
app.command()(problems)
app.command()(plan)
app.command()(navigation)
app.command()(export)


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


class _ClosedOutput:
    """Stands in for a closed stdout (`>&-`): asking is fine, writing is an OutputError (exit 1)."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise ValueError("standard output is closed")

    @property
    def buffer(self) -> _ClosedOutput:
        return self

    def write(self, data: Any) -> int:
        raise OutputError("cannot write output: standard output is closed")

    def flush(self) -> None:
        pass


def main() -> None:
    """Console entry point: quiet on broken pipes, 130 on Ctrl-C, and exactly the exit code we chose.

    A closed stderr (`2>&-`) silences messages (they never go to stdout); a closed stdout makes writing
    output an error. SIGXFSZ is ignored, so a file-size limit fails the write (EFBIG) and is reported.
    """
    if hasattr(signal, "SIGPIPE"):
        # `uxcli summary ... | head` should end quietly, like other Unix tools (csvkit does the same).
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (open for the life of the process)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    code: int
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        app(prog_name="uxcli")
        code = ExitStatus.OK
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (ExitStatus.OK if exc.code is None else ExitStatus.ERROR)
    except KeyboardInterrupt:
        say("interrupted")
        code = ExitStatus.INTERRUPTED
    except OutputError as exc:  # writing outside a command (e.g. --help) to a closed or full stdout
        say(f"error: {exc}")
        code = ExitStatus.ERROR
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
