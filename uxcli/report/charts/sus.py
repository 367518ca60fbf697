"""Chart kind "sus": each respondent's SUS score over the curved grade bands, the mean and the average."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from uxcli.reference import SUS_AVERAGE, SUS_FAIL_GRADE, SUS_GRADES
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import JITTER_SEED, OKABE_ITO, as_floats, legend_below, no_data, styled
from uxcli.report.model import sus_values

CONDITION_COLORS = [OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange")]
MARKERS = ["o", "s", "D", "^", "v"]

# The SUS grade bands, lowest first, with typographic minus signs for the chart's labels.
SUS_GRADE_BANDS: tuple[tuple[float, str], ...] = ((0.0, SUS_FAIL_GRADE),) + tuple(
    (bound, grade.replace("-", "−")) for bound, grade in reversed(SUS_GRADES)
)
SUS_AVERAGE_TEXT = f"{SUS_AVERAGE:g}"  # "68"
GRADE_RANGE = f"{SUS_GRADES[0][1]} to {SUS_FAIL_GRADE}"  # "A+ to F"


def sus_grade_of(score: float) -> str:
    """Curved grade (A+ … F) of a SUS score, with typographic minus signs."""
    grade = SUS_FAIL_GRADE
    for bound, letter in SUS_GRADE_BANDS:
        if score >= bound:
            grade = letter
    return grade


def _sus_values(scores: Any) -> np.ndarray:
    if isinstance(scores, pd.DataFrame):
        scores = scores["score"]
    values = as_floats(list(scores) if not isinstance(scores, pd.Series) else scores.to_numpy(dtype=object))
    return values[np.isfinite(values)]


def sus_by_condition(report: Any) -> list[tuple[str, np.ndarray]]:
    """(condition, scores) per condition when the report compares conditions and the SUS answers carry the
    compared column (uxcli.report.model.QuestionnaireSection.respondents), in the comparison's order; else []."""
    compared = getattr(report, "compared", None)
    for section in getattr(report, "questionnaires", ()):
        frame = section.respondents
        if section.instrument != "sus" or section.by is None or frame is None or compared is None:
            continue
        groups = frame[section.by].astype(object).where(frame[section.by].notna(), None)
        names = [n for n in dict.fromkeys(str(g) for g in groups if g is not None)]
        order = [g for g in (compared.group_a, compared.group_b) if g in names] + [
            n for n in names if n not in (compared.group_a, compared.group_b)
        ]
        out = [(name, _sus_values(frame.loc[(groups == name).to_numpy(dtype=bool), "score"])) for name in order]
        out = [(name, values) for name, values in out if values.size]
        if len(out) >= 2:
            return out
    return []


@styled
def sus_chart(scores: Any, groups: list[tuple[str, np.ndarray]] | None = None) -> Figure:
    """Each respondent's SUS score (a jittered dot) over the shaded curved grade bands, with the
    mean (solid) and the published average (dashed). Accepts a Series, a list of floats or a frame
    with a `score` column. With ``groups`` ((condition, scores) per condition) each condition is a row of
    its own colour and marker, with its own mean."""
    if groups:
        return _sus_conditions_chart(groups)
    values = _sus_values(scores)
    fig = Figure(figsize=(7.6, 3.1), layout="constrained")
    ax = fig.add_subplot()
    lowest = float(values.min()) if values.size else 40.0
    x_min = max(0.0, min(40.0, math.floor((lowest - 2.5) / 10) * 10))
    _grade_bands(ax, x_min)
    rng = np.random.default_rng(JITTER_SEED)
    if values.size:
        jitter = rng.uniform(0.18, 0.82, values.size)
        alpha = 0.9 if values.size <= 50 else max(0.25, 0.9 * math.sqrt(50 / values.size))
        ax.scatter(
            values,
            jitter,
            s=34,
            color=OKABE_ITO["blue"],
            edgecolors="#FFFFFF",
            linewidths=0.6,
            alpha=alpha,
            zorder=3,
            label=f"One respondent (n = {values.size})",
        )
        mean = float(values.mean())
        ax.axvline(
            mean, color="#000000", linewidth=2.0, zorder=4, label=f"Mean {mean:.1f} (grade {sus_grade_of(mean)})"
        )
    else:
        no_data(ax, "No SUS responses")
    ax.axvline(
        SUS_AVERAGE,
        color=OKABE_ITO["vermillion"],
        linestyle=(0, (5, 3)),
        linewidth=1.5,
        zorder=4,
        label=f"Average {SUS_AVERAGE_TEXT} (Sauro 2011)",
    )
    ax.set_xlim(x_min, 100)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("SUS score (0–100); letters: Sauro–Lewis curved grades")
    fig.suptitle("SUS scores against the grade bands", x=0.02, ha="left", fontsize=10.5, fontweight="bold")
    handles, _ = ax.get_legend_handles_labels()
    legend_below(fig, handles, ncols=3)
    return fig


def _sus_conditions_chart(groups: list[tuple[str, np.ndarray]]) -> Figure:
    """One row per condition: its respondents' scores (dots), its mean (a solid bar across the row)."""
    fig = Figure(figsize=(7.6, 1.6 + 0.9 * len(groups)), layout="constrained")
    ax = fig.add_subplot()
    lowest = min(float(values.min()) for _, values in groups)
    x_min = max(0.0, min(40.0, math.floor((lowest - 2.5) / 10) * 10))
    _grade_bands(ax, x_min)
    rng = np.random.default_rng(JITTER_SEED)
    rows = len(groups)
    for i, (name, values) in enumerate(groups):
        top = rows - i  # the first condition (A) on top
        color, marker = CONDITION_COLORS[i % len(CONDITION_COLORS)], MARKERS[i % len(MARKERS)]
        jitter = top - 1 + rng.uniform(0.2, 0.8, values.size)
        ax.scatter(values, jitter, s=34, color=color, marker=marker, edgecolors="#FFFFFF", linewidths=0.6,
                   alpha=0.9, zorder=3, label=f"{name} (n = {values.size})")  # fmt: skip
        mean = float(values.mean())
        ax.plot([mean, mean], [top - 0.95, top - 0.05], color=color, linewidth=2.4, zorder=4,
                label=f"{name} mean {mean:.1f} (grade {sus_grade_of(mean)})")  # fmt: skip
    ax.axvline(SUS_AVERAGE, color="#000000", linestyle=(0, (5, 3)), linewidth=1.2, zorder=4,
               label=f"Average {SUS_AVERAGE_TEXT} (Sauro 2011)")  # fmt: skip
    ax.set_xlim(x_min, 100)
    ax.set_ylim(0, rows)
    ax.set_yticks([rows - i - 0.5 for i in range(rows)], [name for name, _ in groups])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("SUS score (0–100); letters: Sauro–Lewis curved grades")
    fig.suptitle("SUS scores per condition against the grade bands", x=0.02, ha="left", fontsize=10.5,
                 fontweight="bold")  # fmt: skip
    handles, _ = ax.get_legend_handles_labels()
    legend_below(fig, handles, ncols=min(3, len(handles)))
    return fig


def _grade_bands(ax: Any, x_min: float) -> None:
    """Alternating grey bands, one per grade from x_min up, with the grade's letter above."""
    bounds = [b for b, _ in SUS_GRADE_BANDS] + [100.0]
    for k, (low, grade) in enumerate(SUS_GRADE_BANDS):
        high = bounds[k + 1]
        if high <= x_min:
            continue
        ax.axvspan(max(low, x_min), high, color="#EDEDED" if k % 2 == 0 else "#FAFAFA", linewidth=0, zorder=0)
        centre = (max(low, x_min) + high) / 2
        narrow = (high - max(low, x_min)) < 4.5
        ax.text(
            centre,
            1.02,
            grade,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7.5 if narrow else 8.5,
            rotation=90 if narrow else 0,
            color="#333333",
        )


def draw(report: Any) -> Figure:
    return sus_chart(sus_values(report), sus_by_condition(report) or None)


def report_text(report: Any) -> ChartText | None:
    """In the report when it has SUS scores (per condition when the report compares conditions)."""
    scores = sus_values(report)
    groups = sus_by_condition(report)
    if groups:
        means = "; ".join(
            f"{name}: {v.size} scores, mean {v.mean():.1f} (grade {sus_grade_of(float(v.mean()))})"
            for name, v in groups
        )
        return ChartText(
            caption="SUS score of each respondent per condition against the Sauro–Lewis curved grade bands "
            f"({GRADE_RANGE}). The solid bar in each row is that condition's mean; the dashed line is the average "
            f"SUS score of {SUS_AVERAGE_TEXT} (Sauro 2011).",
            alt=f"Dot plot of SUS scores in one row per condition over shaded grade bands: {means}.",
        )
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return ChartText(
        caption=f"SUS score of each respondent against the Sauro–Lewis curved grade bands ({GRADE_RANGE}). The "
        f"solid line is the mean; the dashed line is the average SUS score of {SUS_AVERAGE_TEXT} (Sauro 2011).",
        alt=f"Dot plot of {len(scores)} SUS scores from {min(scores):.1f} to {max(scores):.1f}, mean {mean:.1f} "
        f"(grade {sus_grade_of(mean)}), over shaded grade bands with the average of {SUS_AVERAGE_TEXT} marked.",
    )
