"""`uxcli sus`, `seq`, `umux-lite`, `nps`, `csat`: one command per registered questionnaire instrument.

The commands come from uxcli.questionnaires.instruments; each turns its flags into QuestionnaireOptions,
makes one library call (uxcli.questionnaires.analysis.score) and prints what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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
        app.command(instrument.key, help=instrument.help_text)(_command(instrument))


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
        ) -> None:
            from uxcli.questionnaires.analysis import QuestionnaireOptions

            options = QuestionnaireOptions(
                tuple(paths),
                encoding=encoding,
                confidence=confidence,
                impute_neutral=impute_neutral,
                fail_under=tuple(fail_under or ()),
                gate_on=gate_on.value,
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
    ) -> None:
        from uxcli.questionnaires.analysis import QuestionnaireOptions

        options = QuestionnaireOptions(
            tuple(paths),
            encoding=encoding,
            confidence=confidence,
            column=column,
            fail_under=tuple(fail_under or ()),
            gate_on=gate_on.value,
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
