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
from uxcli.questionnaires.instruments import INSTRUMENTS, Instrument

if TYPE_CHECKING:
    from uxcli.questionnaires.analysis import QuestionnaireOptions


GroupByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Group respondents by these column(s), comma-separated: a condition column (Design, variant), a "
        "--map name, or file (the input each row came from). One row per group, then (all); two groups are "
        "compared.",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
QuestionnaireMapOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--map",
        help='Name a column: --map "Versão=design" (then --by design); participant, session, variant and task '
        '(and their aliases) read it as that field: --map "Tester=participant". Repeatable.',
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]
GroupA = Annotated[
    Optional[str],
    typer.Option("--a", help="The baseline group A of --by.", show_default=False, rich_help_panel=opt.STATS),
]
GroupB = Annotated[
    Optional[str],
    typer.Option("--b", help="The group B compared with A.", show_default=False, rich_help_panel=opt.STATS),
]
PairingChoice = Annotated[
    Literal["auto", "paired", "independent"],
    typer.Option(
        "--pairing",
        help="auto: paired t when the same respondents answered in both groups of one file, independent for "
        "rounds and files; or force one.",
        rich_help_panel=opt.STATS,
    ),
]
ItemsOption = Annotated[
    Optional[str],
    typer.Option(
        "--items",
        help="Read the items from the columns whose header starts with this, when a file has two blocks "
        "(--items pre_sus for pre_sus_q1..q10).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]
CompareOption = Annotated[
    bool,
    typer.Option(
        "--compare",
        help="With --by and csv or markdown output: write the comparison of the two groups instead of the groups.",
        rich_help_panel=opt.OUTPUT,
    ),
]


def register(app: typer.Typer) -> None:
    """One command per registered instrument, in registry order."""
    for instrument in INSTRUMENTS.values():
        app.command(instrument.key, help=instrument.help_text)(_with_choices(instrument, _command(instrument)))


def _with_choices(instrument: Instrument, command: Callable[..., None]) -> Callable[..., None]:
    """The instrument's command: its input option (--impute-neutral or --column; the other is left out) and
    its own options (registry ``choices``), which the command gets as ``settings``."""
    signature = inspect.signature(command)
    hidden = {"settings", *(("column",) if instrument.option == "--impute-neutral" else ("impute_neutral", "items"))}
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
        items: ItemsOption = None,
        fail_under: opt.FailUnderOption = None,
        gate_on: opt.GateOnOption = opt.GateOn.point,
        by: GroupByOption = "",
        column_map: QuestionnaireMapOption = None,
        a: GroupA = None,
        b: GroupB = None,
        pairing: PairingChoice = "auto",
        compare: CompareOption = False,
        fmt: opt.FormatOption = None,
        output: opt.OutputOption = None,
        encoding: opt.EncodingOption = None,
        sheet: opt.SheetOption = None,
        verbose: opt.VerboseOption = False,
        debug: opt.DebugOption = False,
        *,
        settings: tuple[tuple[str, str], ...] = (),
    ) -> None:
        from uxcli.questionnaires.analysis import QuestionnaireOptions
        from uxcli.questionnaires.grouping import parse_map

        with reported_errors(debug):
            groups = opt.by_columns(by)
            if compare and not groups:
                from uxcli.errors import OptionError

                raise OptionError("--compare needs --by (the column whose two groups are compared)")
            options = QuestionnaireOptions(
                tuple(paths),
                encoding=encoding,
                sheet=sheet,
                confidence=confidence,
                impute_neutral=impute_neutral,
                column=column,
                items=items,
                fail_under=tuple(fail_under or ()),
                gate_on=gate_on.value,
                settings=settings,
                by=groups,
                column_map=parse_map(column_map or []),
                a=a,
                b=b,
                pairing=pairing,
            )
        _analyse(key, options, fmt, output, verbose, debug, compare)

    return command


def _analyse(
    key: str,
    options: QuestionnaireOptions,
    fmt: opt.Format | None,
    output: Path | None,
    verbose: bool,
    debug: bool,
    compare: bool = False,
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
        _say_all(f"note: {note}" for note in result.notes)  # the pairing, said before the numbers
        if fmt is opt.Format.table:
            render_table(result.table(), output)
        else:
            write_output(result.text(fmt.value, compare), output)
        report_gates(result.verdict)


def _say_all(lines: Iterable[str]) -> None:
    for line in lines:
        say(line)
