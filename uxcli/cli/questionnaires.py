"""`uxcli sus`, `seq`, `umux-lite`, `nps`, `csat`: one command per registered questionnaire instrument.

The commands come from uxcli.questionnaires.instruments; each turns its flags into QuestionnaireOptions,
makes one library call (uxcli.questionnaires.analysis.score) and prints what it returns.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

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
from uxcli.questionnaires.instruments import INSTRUMENTS, Choice, Instrument

if TYPE_CHECKING:
    from uxcli.questionnaires.analysis import QuestionnaireOptions

ImputeNeutralOption = Annotated[
    bool,
    typer.Option(
        "--impute-neutral",
        help="Score a missing answer as the scale's neutral point (3 on SUS; "
        "Bangor, Kortum & Miller 2008) instead of refusing the respondent.",
        rich_help_panel=opt.INPUT,
    ),
]
ColumnOption = Annotated[
    Optional[str],
    typer.Option(
        "--column",
        help="The column holding the answers (default: found from the header).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]


def register(app: typer.Typer) -> None:
    """One command per registered instrument, in registry order."""
    for instrument in INSTRUMENTS.values():
        app.command(instrument.key, help=instrument.help_text)(_with_choices(instrument.choices, _command(instrument)))


def _with_choices(choices: tuple[Choice, ...], command: Callable[..., None]) -> Callable[..., None]:
    """Add the instrument's own options (registry ``choices``) to its command, which gets them as ``settings``
    (an instrument without choices gets an empty one)."""
    signature = inspect.signature(command)
    # Typer needs the annotations evaluated (they are strings here, from __future__ annotations)
    own = [
        p.replace(annotation=eval(p.annotation, command.__globals__) if isinstance(p.annotation, str) else p.annotation)
        for p in signature.parameters.values()
        if p.name != "settings"
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
        for choice in choices
    ]
    names = [choice.name for choice in choices]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        settings = tuple((name, kwargs.pop(name)) for name in names)
        command(*args, settings=settings, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
    return wrapper


def _command(instrument: Instrument) -> Callable[..., None]:
    """The command function: the shared options plus --impute-neutral (several items) or --column (one)."""
    key = instrument.key
    if instrument.option == "--impute-neutral":

        def with_impute(
            paths: opt.Paths,
            confidence: opt.ConfidenceOption = 0.95,
            impute_neutral: ImputeNeutralOption = False,
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
                fail_under=tuple(fail_under or ()),
                gate_on=gate_on.value,
                settings=settings,
            )
            _analyse(key, options, fmt, output, verbose, debug)

        return with_impute

    def with_column(
        paths: opt.Paths,
        confidence: opt.ConfidenceOption = 0.95,
        column: ColumnOption = None,
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
            column=column,
            fail_under=tuple(fail_under or ()),
            gate_on=gate_on.value,
            settings=settings,
        )
        _analyse(key, options, fmt, output, verbose, debug)

    return with_column


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
