"""`uxcli sus`, `seq`, `umux-lite`, `nps`, `csat`: one command per registered questionnaire instrument.

The commands come from uxcli.questionnaires.instruments; each turns its flags into QuestionnaireOptions,
makes one library call (uxcli.questionnaires.analysis.score) and prints what it returns.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    render_table,
    report_gates,
    reported_errors,
    say,
    write_output,
)
from uxcli.questionnaires.instruments import INSTRUMENTS, Instrument

if TYPE_CHECKING:
    from uxcli.questionnaires.analysis import QuestionnaireOptions


def register(app: typer.Typer) -> None:
    """One command per registered instrument, in registry order."""
    for instrument in INSTRUMENTS.values():
        app.command(instrument.key, help=instrument.help_text)(_with_choices(instrument, _command(instrument)))


def _with_choices(instrument: Instrument, command: Callable[..., None]) -> Callable[..., None]:
    """The instrument's command: its input option (--impute-neutral or --column; the other is left out) and
    its own options (registry ``choices``), which the command gets as ``settings``."""
    signature = inspect.signature(command)
    hidden = {"settings", "column" if instrument.option == "--impute-neutral" else "impute_neutral"}
    # Typer needs the annotations evaluated (they are strings here, from __future__ annotations)
    own = [
        p.replace(annotation=eval(p.annotation, command.__globals__) if isinstance(p.annotation, str) else p.annotation)
        for p in signature.parameters.values()
        if p.name not in hidden
    ]
    added = [
        inspect.Parameter(
            choice.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=choice.default,
            annotation=Annotated[
                Literal[choice.values],  # Typer offers the values as the option's choices
                typer.Option(choice.flag, help=choice.help, rich_help_panel=opt.STATS),
            ],
        )
        for choice in instrument.choices
    ]
    names = [choice.name for choice in instrument.choices]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        settings = tuple((name, kwargs.pop(name)) for name in names)
        command(*args, settings=settings, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
    return wrapper


def _command(instrument: Instrument) -> Callable[..., None]:
    """The command function: the shared options, --impute-neutral (several items) or --column (one)."""
    key = instrument.key

    def command(
        paths: opt.Paths,
        confidence: opt.ConfidenceOption = 0.95,
        impute_neutral: opt.ImputeNeutralOption = False,
        column: opt.ColumnOption = None,
        fail_under: opt.FailUnderOption = None,
        gate_on: opt.GateOnOption = opt.GateOn.point,
        fmt: opt.FormatOption = None,
        output: opt.OutputOption = None,
        encoding: opt.EncodingOption = None,
        verbose: opt.VerboseOption = False,
        debug: opt.DebugOption = False,
        *,
        settings: tuple[tuple[str, str], ...] = (),
    ) -> None:
        from uxcli.questionnaires.analysis import QuestionnaireOptions

        options = QuestionnaireOptions(
            tuple(paths),
            encoding=encoding,
            confidence=confidence,
            impute_neutral=impute_neutral,
            column=column,
            fail_under=tuple(fail_under or ()),
            gate_on=gate_on.value,
            settings=settings,
        )
        _analyse(key, options, fmt, output, verbose, debug)

    return command


def _analyse(
    key: str, options: QuestionnaireOptions, fmt: opt.Format | None, output: Path | None, verbose: bool, debug: bool
) -> None:
    """Settle the output, make the one library call, write the table or text, then report the gates."""
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, list(options.paths))
        from uxcli.questionnaires.analysis import messages, score
        from uxcli.questionnaires.exports import AnswerErrors

        try:
            # reading's warnings are printed as soon as the answers are read, before any gate error
            result = score(key, options, on_read=lambda responses: _say_all(messages(responses, verbose)))
        except AnswerErrors as exc:
            _say_all(f"error: {problem}" for problem in exc.problems)
            raise
        if fmt is opt.Format.table:
            render_table(result.table(), output)
        else:
            write_output(result.text(fmt.value), output)
        report_gates(result.verdict)


def _say_all(lines: Iterable[str]) -> None:
    for line in lines:
        say(line)
