"""Chart kind "outcome-grid": the final outcome of every participant on every task."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from uxcli.report.charts import ChartText
from uxcli.report.charts.common import (
    NOT_ATTEMPTED_COLOR,
    NOT_ATTEMPTED_HATCH_COLOR,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    OUTCOME_SYMBOLS,
    OUTCOME_TEXT_COLORS,
    OUTCOMES,
    as_floats,
    label,
    legend_below,
    no_data,
    styled,
    wrap,
)


def outcome_grid(attempts: pd.DataFrame) -> tuple[list[str], list[str], dict[tuple[str, str], tuple[str, int]]]:
    """Participants and tasks in first-appearance order, and per (participant, task) the final
    outcome and the number of attempts (the last attempt of the last session is final)."""
    frame = pd.DataFrame(
        {
            "participant": attempts["participant"].astype("object").map(label),
            "task": attempts["task"].astype("object").map(label),
            "outcome": attempts["outcome"].astype("object"),
            "attempt": as_floats(attempts["attempt"]) if "attempt" in attempts else np.ones(len(attempts)),
            "row": np.arange(len(attempts)),
        }
    )
    if "session" in attempts.columns:
        frame["session"] = pd.factorize(attempts["session"].astype("object"), use_na_sentinel=True)[0]
    else:
        frame["session"] = 0
    participants = list(dict.fromkeys(frame["participant"]))
    tasks = list(dict.fromkeys(frame["task"]))
    ordered = frame.sort_values(["session", "attempt", "row"], kind="stable")
    cells: dict[tuple[str, str], tuple[str, int]] = {}
    for (participant, task), group in ordered.groupby(["participant", "task"], sort=False):
        cells[(participant, task)] = (str(group["outcome"].iloc[-1]), len(group))
    return participants, tasks, cells


def _participant_labels(attempts: pd.DataFrame, participants: list[str]) -> list[str]:
    """ "P01 · A" when every participant saw exactly one variant, else the bare id."""
    if "variant" not in attempts.columns or not attempts["variant"].notna().any():
        return participants
    variants = (
        attempts.assign(_p=attempts["participant"].astype("object").map(label))
        .dropna(subset=["variant"])
        .groupby("_p", sort=False)["variant"]
        .agg(lambda s: list(dict.fromkeys(map(str, s))))
    )
    labels = []
    for participant in participants:
        seen = variants.get(participant, [])
        labels.append(f"{participant} · {seen[0]}" if len(seen) == 1 else participant)
    return labels


@styled
def outcome_grid_chart(attempts: pd.DataFrame) -> Figure:
    """Participant × task grid: the colour and symbol of each cell is the final outcome; hatched
    grey cells were not attempted; "×n" marks n attempts (retries)."""
    participants, tasks, cells = outcome_grid(attempts)
    n_rows, n_cols = len(participants), len(tasks)
    rotate = n_cols > 8
    task_labels = [wrap(t, width=13, max_lines=4) for t in tasks]
    if rotate:
        task_labels = [wrap(t, width=24, max_lines=1) for t in tasks]
    participant_labels = [wrap(p, width=22, max_lines=1) for p in _participant_labels(attempts, participants)]
    label_lines = max((label.count("\n") + 1 for label in task_labels), default=1)
    cell_w = 0.5 if rotate else 0.95
    cell_h = 0.34
    header = 1.6 if rotate else 0.35 + 0.16 * label_lines
    width = max(5.8, 1.4 + cell_w * n_cols)
    height = 1.25 + header + cell_h * max(n_rows, 1)

    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    for i, participant in enumerate(participants):
        for j, task in enumerate(tasks):
            _draw_cell(ax, i, j, cells.get((participant, task)))
    # white gutters between cells
    ax.hlines(np.arange(n_rows + 1), 0, n_cols, colors="#FFFFFF", linewidth=2.0, zorder=2)
    ax.vlines(np.arange(n_cols + 1), 0, n_rows, colors="#FFFFFF", linewidth=2.0, zorder=2)

    ax.set_xlim(0, max(n_cols, 1))
    ax.set_ylim(max(n_rows, 1), 0)
    ax.set_yticks(np.arange(n_rows) + 0.5, participant_labels)
    ax.set_xticks(np.arange(n_cols) + 0.5, task_labels)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, pad=4)
    if rotate:
        for tick in ax.get_xticklabels():
            tick.set_rotation(40)
            tick.set_horizontalalignment("left")
            tick.set_rotation_mode("anchor")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_ylabel("Participant")
    if not participants:
        no_data(ax, "No attempts")

    legend_below(fig, _legend_handles(), ncols=3 if width < 7 else 5)
    fig.suptitle("Final outcome per participant and task", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    return fig


def _draw_cell(ax: Any, i: int, j: int, cell: tuple[str, int] | None) -> None:
    """One grid cell: the final outcome's colour and symbol with "×n" for retries, or hatched grey."""
    if cell is None or cell[0] not in OUTCOME_COLORS:
        patch = Rectangle(
            (j, i), 1, 1, facecolor=NOT_ATTEMPTED_COLOR, edgecolor="none", hatch="////", linewidth=0, zorder=1
        )
        if hasattr(patch, "set_hatchcolor"):
            patch.set_hatchcolor(NOT_ATTEMPTED_HATCH_COLOR)
        else:  # older matplotlib draws the hatch in the edge colour
            patch.set_edgecolor(NOT_ATTEMPTED_HATCH_COLOR)
        ax.add_patch(patch)
        return
    outcome, count = cell
    ax.add_patch(Rectangle((j, i), 1, 1, facecolor=OUTCOME_COLORS[outcome], edgecolor="none", linewidth=0, zorder=1))
    ax.text(
        j + 0.5,
        i + 0.5,
        OUTCOME_SYMBOLS[outcome],
        ha="center",
        va="center",
        fontsize=10.5,
        fontweight="bold",
        color=OUTCOME_TEXT_COLORS[outcome],
        zorder=3,
    )
    if count > 1:
        ax.text(
            j + 0.95,
            i + 0.1,
            f"×{count}",
            ha="right",
            va="top",
            fontsize=7,
            fontweight="bold",
            color=OUTCOME_TEXT_COLORS[outcome],
            zorder=3,
        )


def _legend_handles() -> list[Any]:
    handles: list[Any] = [
        Patch(facecolor=OUTCOME_COLORS[o], edgecolor="none", label=f"{OUTCOME_SYMBOLS[o]} {OUTCOME_LABELS[o]}")
        for o in OUTCOMES
    ]
    not_attempted = Patch(
        facecolor=NOT_ATTEMPTED_COLOR,
        edgecolor=NOT_ATTEMPTED_HATCH_COLOR,
        hatch="////",
        linewidth=0.0,
        label="Not attempted",
    )
    handles.append(not_attempted)
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="$×2$",
            markersize=9,
            color="#333333",
            label="2 attempts (retried); final outcome shown",
        )
    )
    return handles


def draw(report: Any) -> Figure:
    return outcome_grid_chart(report.attempts)


def report_text(report: Any) -> ChartText | None:
    """In the report when there are attempts."""
    if not len(report.attempts):
        return None
    participants, tasks, cells = outcome_grid(report.attempts)
    finals = [outcome for outcome, _ in cells.values()]
    missing = len(participants) * len(tasks) - len(cells)
    retried = sum(1 for _, count in cells.values() if count > 1)
    return ChartText(
        caption="Final outcome of every participant on every task: ✓ success, ✗ failure, – abandon; "
        "hatched grey cells were not attempted, and ×n marks a task attempted n times.",
        alt=f"Grid of {len(participants)} participants by {len(tasks)} tasks showing each final outcome: "
        f"{finals.count('success')} successes, {finals.count('failure')} failures, "
        f"{finals.count('abandon')} abandons, {missing} not attempted, {retried} retried.",
    )
