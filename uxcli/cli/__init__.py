"""The command-line interface: a thin Typer layer over the uxcli library.

Commands import pandas and friends inside their bodies, so `uxcli --help` and
completion start as fast as a bare Typer app.
"""

from __future__ import annotations

import signal
import sys

import typer

from uxcli.cli.attempts import attempts
from uxcli.cli.summary import summary
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
    """Console entry point: quiet on broken pipes, 130 on Ctrl-C."""
    if hasattr(signal, "SIGPIPE"):
        # `uxcli summary ... | head` should end quietly, like other Unix tools (csvkit does the same).
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        app(prog_name="uxcli")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(ExitStatus.INTERRUPTED)
