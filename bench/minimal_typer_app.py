#!/usr/bin/env python3
"""A minimal Typer app with one command: the reference for `uxcli --help` start-up time (bench/run.py)."""

import typer

app = typer.Typer()


@app.command()
def summary(path: str, format: str = typer.Option("table", help="Output format.")) -> None:
    """Summarise a usability-test log."""
    typer.echo(f"{path} {format}")


if __name__ == "__main__":
    app()
