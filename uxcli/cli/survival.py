"""`uxcli survival`: time-to-success with censoring (Kaplan–Meier, Aalen–Johansen, Rummel, log-rank)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

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


class Show(str, Enum):
    summary = "summary"
    curve = "curve"
    logrank = "logrank"


ShowOption = Annotated[
    Show,
    typer.Option(
        "--show",
        help="summary: one row per group (median time-to-success with its interval, Kaplan–Meier and "
        "Aalen–Johansen eventual success, Rummel's estimate); curve: the step curves, one row per group and "
        "time; logrank: the log-rank test of the two values of the last --by column within each task.",
        rich_help_panel=opt.STATS,
    ),
]


@opt.with_input_options()
def survival(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    show: ShowOption = Show.summary,
    confidence: opt.ConfidenceOption = 0.95,
    unit: opt.UnitOption = opt.Unit.participant,
    assisted: opt.AssistedOption = None,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """Time-to-success with censoring: every attempt counts, not only the successful ones.

    An attempt that ends without success at time t is censored at t. Kaplan–Meier curves of the share
    still working (pointwise log-log intervals) and the median time-to-success with its interval
    censor every non-success; the cumulative incidence of success (Aalen–Johansen) treats give-ups as a
    competing outcome and censors failures and time-outs. A record is one participant × task (times
    summed over attempts until the first success); --unit attempt takes every attempt on its own.

    Example: uxcli survival sessions/ --by task,variant --show logrank
    """
    with reported_errors(debug):
        from uxcli.survival import SurvivalOptions
        from uxcli.survival import survival as compute

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        options = SurvivalOptions(
            by=tuple(c.strip() for c in by.split(",") if c.strip()),
            unit=unit.value,
            assisted=assisted or "failure",
            confidence=confidence,
        )
        inputs = read_inputs(paths, source, notes=fmt is not opt.Format.table)
        result = compute(inputs, options)
        frame = result.frame(show.value)
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table

            caption = "\n".join([*result.notes, *inputs.notes, inputs.accounting])
            shown = _readable(frame, list(result.options.by), confidence) if show is Show.summary else frame
            render_table(frame_table(shown, caption=caption), output)
        else:
            for note in result.notes:
                say(f"note: {note}")
            write_frame(frame, fmt, output)


def _readable(frame: Any, by: list[str], confidence: float) -> Any:
    """The summary frame as the terminal table shows it: durations and percentages, intervals in one cell."""
    import pandas as pd

    from uxcli.render.formatting import format_confidence, format_duration, format_percent
    from uxcli.values import is_missing

    def median(row: Any) -> str:
        if is_missing(row["median_time"]):
            return "not reached"
        low, high = (format_duration(row[c]) if not is_missing(row[c]) else "not reached" for c in (
            "median_ci_low", "median_ci_high"))  # fmt: skip
        return f"{format_duration(row['median_time'])} ({low}–{high})"

    return pd.DataFrame(
        {
            **{c: frame[c] for c in by},
            "n": frame["n"],
            "succ/gave up/cens": [f"{r.successes}/{r.give_ups}/{r.censored}" for r in frame.itertuples(index=False)],
            f"median ({format_confidence(confidence)} CI)": [median(r) for _, r in frame.iterrows()],
            "success (KM)": frame["km_success"].map(format_percent),
            "success (AJ)": frame["aj_success"].map(format_percent),
            "Rummel": frame["rummel_time"].map(format_duration),
        }
    )
