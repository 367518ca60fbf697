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
    """Time to success with censoring, so failed and abandoned attempts count too.

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
            by=opt.by_columns(by),
            unit=unit.value,
            assisted=assisted or "failure",
            confidence=confidence,
        )
        inputs = read_inputs(paths, source, notes=fmt is not opt.Format.table)
        result = compute(inputs, options)
        frame = result.frame(show.value)
        if fmt is opt.Format.table:
            from uxcli.render.table import frame_table, keep_whole

            lines = [*result.notes, *inputs.notes, inputs.accounting]
            groups = list(result.options.by)
            if show is Show.summary:
                shown = _readable(frame, groups, confidence)
                lines.insert(0, NOT_REACHED_NOTE)
            elif show is Show.curve:
                shown = _readable_curve(frame, groups, confidence)
                lines.insert(0, "still working: Kaplan–Meier S(t); AJ: cumulative incidence of success / give-up")
            else:
                shown = _readable_logrank(frame)
                lines.insert(0, "log-rank test of the two curves (scipy.stats.logrank), two-sided")
            figures = tuple(str(c) for c in shown.columns if c not in (*groups, "column", "groups"))
            render_table(keep_whole(frame_table(shown, caption="\n".join(lines)), figures), output)
        else:
            for note in result.notes:
                say(f"note: {note}")
            write_frame(frame, fmt, output)


NOT_REACHED = "n/r"
NOT_REACHED_NOTE = (
    "n/r: not reached (the curve, or its interval, never falls to 50% still working); "
    "success KM / AJ: eventual success by Kaplan–Meier / Aalen–Johansen"
)
COUNTS, SUCCESS, RUMMEL = "success/\ngave up/\ncensored", "success\nKM / AJ", "Rummel\ntime"


def _readable(frame: Any, by: list[str], confidence: float) -> Any:
    """The summary frame as the terminal table shows it: durations and percentages, the median and its
    interval in two columns that never wrap (80 columns hold it; nothing is cut)."""
    import pandas as pd

    from uxcli.render.formatting import DASH, format_confidence, format_duration, format_percent
    from uxcli.values import is_missing

    def duration(value: Any) -> str:
        return NOT_REACHED if is_missing(value) else format_duration(value)

    interval = f"{format_confidence(confidence)} CI"
    frame_ci = [
        "" if is_missing(r["median_ci_low"]) and is_missing(r["median_ci_high"])
        else f"{duration(r['median_ci_low'])}{DASH}{duration(r['median_ci_high'])}"
        for _, r in frame.iterrows()
    ]  # fmt: skip
    return pd.DataFrame(
        {
            **{c: frame[c] for c in by},
            "n": frame["n"],
            COUNTS: [f"{r.successes}/{r.give_ups}/{r.censored}" for r in frame.itertuples(index=False)],
            "median": frame["median_time"].map(duration),
            interval: frame_ci,
            SUCCESS: [
                f"{format_percent(k)} / {format_percent(a)}" for k, a in zip(frame["km_success"], frame["aj_success"])
            ],
            RUMMEL: frame["rummel_time"].map(format_duration),
        }
    )


def _readable_curve(frame: Any, by: list[str], confidence: float) -> Any:
    """The step curves as the terminal shows them: durations, counts in one cell, percentages."""
    import pandas as pd

    from uxcli.render.formatting import DASH, format_confidence, format_duration, format_percent
    from uxcli.values import is_missing

    def still(row: Any) -> str:
        low, high = row["survival_ci_low"], row["survival_ci_high"]
        if is_missing(low) or is_missing(high):
            return format_percent(row["survival"])
        return f"{format_percent(row['survival'])} ({low * 100:.0f}{DASH}{format_percent(high)})"

    return pd.DataFrame(
        {
            **{c: frame[c] for c in by if c in frame.columns},
            "time": frame["time"].map(format_duration),
            "at\nrisk": frame["at_risk"],
            COUNTS: [f"{r.successes}/{r.give_ups}/{r.censored}" for r in frame.itertuples(index=False)],
            f"still working\n({format_confidence(confidence)} CI)": [still(r) for _, r in frame.iterrows()],
            "AJ: success\n/ gave up": [
                f"{format_percent(a)} / {format_percent(b)}" for a, b in zip(frame["cif_success"], frame["cif_give_up"])
            ],
        }
    )


def _readable_logrank(frame: Any) -> Any:
    """One row per test: the two groups compared, their n, the statistic and p (3 and 4 decimals)."""
    import pandas as pd

    outer = [c for c in frame.columns if c not in ("column", "group_a", "group_b", "n_a", "n_b", "statistic",
                                                   "p_value", "test")]  # fmt: skip
    return pd.DataFrame(
        {
            **{c: frame[c] for c in outer},
            "column": frame["column"],
            "groups": [f"{a} vs {b}" for a, b in zip(frame["group_a"], frame["group_b"])],
            "n": [f"{a} / {b}" for a, b in zip(frame["n_a"], frame["n_b"])],
            "statistic": frame["statistic"].map(lambda v: f"{v:.3f}"),
            "p": frame["p_value"].map(lambda v: f"{v:.4f}"),
        }
    )
