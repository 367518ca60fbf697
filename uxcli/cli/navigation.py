"""`uxcli navigation`: lostness, path efficiency, direct success, backtracks, first clicks and misclicks."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

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


@opt.with_input_options()
def navigation(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    debug: opt.DebugOption = False,
    *,
    source: InputFlags,
) -> None:
    """How people navigated each task: lostness, path efficiency, first clicks.

    From event logs with a target column (page, screen or element).

    Lostness (Smith 1996), path efficiency, direct and indirect successes, backtracks, correct first
    clicks with success after a correct vs a wrong first click (N-1 two-proportion test) and misclicks.
    The expected path, first targets and declared targets come from the --study file:
    tasks: {login: {path: \\[home, login, done], first: \\[login], targets: \\[help]}}.

    Example: uxcli navigation nav.csv --study study.yaml --by task,variant
    """
    with reported_errors(debug):
        from uxcli.navigation.events import keeping_events
        from uxcli.navigation.metrics import navigation as analyze

        fmt = choose_format(fmt, output)
        check_output_path(output, source.files(paths))
        with keeping_events():
            inputs = read_inputs(paths, dataclasses.replace(source, engine="whole"), notes=fmt is not opt.Format.table)
        groups = opt.by_columns(by) or ("task",)
        result = analyze(inputs, groups)
        for note in result.notes:
            say(f"note: {note}")
        if fmt is opt.Format.table:
            from rich.console import Console, Group

            from uxcli.render.table import frame_table, keep_whole

            shown, caption = _readable(result.frame, list(groups))
            width = Console().width if output is None else 160
            parts = [
                keep_whole(frame_table(part, caption=caption if last else None), [str(c) for c in part.columns])
                for part, last in _fitting(shown, width)
            ]
            render_table(Group(*parts), output)
        else:
            write_frame(result.frame, fmt, output)


# The terminal's row label and how the value is shown, per result column (csv/json keep the raw columns).
LABELS: dict[str, tuple[str, str]] = {
    "attempts": ("attempts", "count"),
    "successes": ("successes", "count"),
    "optimal_visits": ("fewest visits needed (R)", "count"),
    "lostness": ("lostness (0 best, > .5 lost)", "2"),
    "path_efficiency": ("path efficiency (R ÷ visits)", "%"),
    "direct_successes": ("direct successes", "count"),
    "indirect_successes": ("indirect successes", "count"),
    "backtracks_per_attempt": ("backtracks per attempt", "2"),
    "first_click_attempts": ("attempts with a first click", "count"),
    "first_click_correct": ("first click correct", "%"),
    "success_after_correct": ("success after correct 1st click", "text"),
    "success_after_wrong": ("success after wrong 1st click", "text"),
    "first_click_z": ("correct vs wrong: z (N-1)", "3"),
    "first_click_p": ("correct vs wrong: p", "3"),
    "misclicks_per_attempt": ("misclicks per attempt", "2"),
}


def _readable(frame: Any, groups: list[str]) -> tuple[Any, str]:
    """One row per metric (readable label, formatted value), one column per group: 15 metrics fit a
    terminal. Metrics with no value in any group are left out and named in the caption, as is where R
    came from when every group shares it."""
    import pandas as pd

    from uxcli.render.formatting import format_number, format_percent

    def is_missing(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip()) or bool(pd.isna(value))

    def shown(value: Any, how: str) -> str:
        if is_missing(value):
            return "—"
        if how == "%":
            return format_percent(value)
        if how == "count":
            return format_number(value, 0)
        if how == "text":
            return str(value)
        return f"{float(value):.{int(how)}f}"

    heads = [" / ".join(map(str, key)) if isinstance(key, tuple) else str(key) for key in frame.set_index(groups).index]
    rows, empty = [], []
    for column, (label, how) in LABELS.items():
        if column not in frame.columns:
            continue
        if all(is_missing(v) for v in frame[column]):
            empty.append(label)
            continue
        rows.append([label, *(shown(v, how) for v in frame[column])])
    known = {*LABELS, *groups, "optimal_from"}
    for column in (c for c in frame.columns if c not in known and not str(c).startswith("_")):
        rows.append([str(column), *(shown(v, "text") for v in frame[column])])  # a column added later
    lines = ["Navigation (Smith 1996 lostness; first click: N-1 two-proportion test)"]
    sources = list(dict.fromkeys(str(v) for v in frame.get("optimal_from", pd.Series(dtype=object))))
    if len(sources) == 1:
        lines.append(f"R from: {sources[0]}")
    elif sources:
        rows.insert(3, ["R from", *(str(v) for v in frame["optimal_from"])])
    if empty:
        lines.append(f"no value in any group, left out: {', '.join(empty)}")
    return pd.DataFrame(rows, columns=["metric", *heads]), "\n".join(lines)


def _fitting(shown: Any, width: int) -> list[tuple[Any, bool]]:
    """The metric table split into as many tables as it takes to fit ``width`` columns, each with the
    metric labels and as many groups as fit (no figure is ever cut or wrapped); True marks the last."""
    label = max(len(str(v)) for v in [*shown.iloc[:, 0], "metric"])
    groups = list(shown.columns[1:])
    widths = [max(len(str(g)), *(len(str(v)) for v in shown[g])) for g in groups]
    parts, start = [], 0
    while start < len(groups):
        used, end = label + 4, start
        while end < len(groups) and (end == start or used + widths[end] + 3 <= width):
            used += widths[end] + 3
            end += 1
        parts.append(shown[[shown.columns[0], *groups[start:end]]])
        start = end
    return [(part, i == len(parts) - 1) for i, part in enumerate(parts)]
