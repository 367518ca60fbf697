"""`uxcli compare`: two design variants (or rounds) task by task, with the right test for the design."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    read_inputs,
    render_table,
    reported_errors,
    say,
    write_frame,
)

if TYPE_CHECKING:
    from uxcli.cli.options import InputFlags


class Pairing(str, Enum):
    auto = "auto"
    paired = "paired"
    independent = "independent"


CompareByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="The column whose values are the two groups: variant, session, any input column (e.g. round), "
        "or file (the input each row came from: rounds kept as files or folders).",
        rich_help_panel=opt.STATS,
    ),
]
GroupAOption = Annotated[
    Optional[str],
    typer.Option(
        "--a",
        help="The baseline group A (default: the first value in the data).",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
GroupBOption = Annotated[
    Optional[str],
    typer.Option(
        "--b",
        help="The group B compared with A (default: the second value).",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
AlphaOption = Annotated[
    float,
    typer.Option(
        "--alpha", min=0.0001, max=0.5, help="Significance level for the words in the table.", rich_help_panel=opt.STATS
    ),
]
PairingOption = Annotated[
    Pairing,
    typer.Option(
        "--pairing",
        help="auto: paired (within subjects) when the same participants did the task under both "
        "conditions in the same files; rounds (--by file, a round column, groups from different files) "
        "are different people. Or force one.",
        rich_help_panel=opt.STATS,
    ),
]
PairedFlag = Annotated[
    bool,
    typer.Option(
        "--paired",
        help="Short for --pairing paired: the same ids are the same people, also across rounds.",
        rich_help_panel=opt.STATS,
    ),
]


def pairing_value(pairing: Pairing, paired: bool) -> str:
    """The pairing setting from --pairing and --paired (which may not contradict each other)."""
    if paired and pairing is Pairing.independent:
        from uxcli.errors import OptionError

        raise OptionError("--paired contradicts --pairing independent: give one of them")
    return Pairing.paired.value if paired else pairing.value


@opt.with_input_options(privacy=False)
def compare(
    paths: opt.Paths,
    by: CompareByOption = "variant",
    a: GroupAOption = None,
    b: GroupBOption = None,
    alpha: AlphaOption = 0.05,
    confidence: opt.ConfidenceOption = 0.95,
    pairing: PairingOption = Pairing.auto,
    paired: PairedFlag = False,
    assisted: opt.AssistedOption = None,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Compare group B with group A for each task: completion, time and errors per attempt.

    Completion: N-1 two-proportion test (Fisher exact for tiny expected counts) or the McNemar mid-p test when the same participants did both; time: Welch or paired t on log times, as the ratio of geometric means B/A; errors per attempt: Welch or paired t. Pairing is detected from the data and reported: only a condition inside the same files is paired; rounds (--by file, a round column) are different people unless --paired. Time and errors with fewer than 3 participants (or pairs) per group are not tested. With several tasks, rows for "(all tasks)" compare each participant's mean over tasks.

    Example: uxcli compare sessions/ --by variant --a old --b new
    """
    with reported_errors(debug):
        from uxcli import pipeline

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        options = pipeline.CompareOptions(
            by, a, b, confidence=confidence, pairing=pairing_value(pairing, paired), assisted=assisted or "failure"
        )
        inputs = read_inputs(
            paths,
            source,
        )
        result = pipeline.compare(inputs, options)
        for line in result.messages:
            say(line)
        if fmt is opt.Format.table:
            from uxcli.render.views import compare_view

            render_table(compare_view(result.comparison, alpha=alpha, confidence=confidence), output)
        else:
            write_frame(result.comparison.frame, fmt, output)
