"""Chart kind "discovery": the problem-discovery curve 1 − (1 − p)^n with the participants each goal
(80, 85, 90, 95%) needs marked (uxcli.planning.discovery).

Drawn from a :class:`uxcli.planning.DiscoveryResult` (``uxcli problems FILE --chart discovery.svg``): the
curve of the adjusted p, the raw p̂ dashed, and the observed sample marked. A task log's report data has
no problem matrix, so drawn from it (``uxcli chart discovery``) the chart shows the reference curves of
problems met by 10, 31 and 50% of participants, for planning; the report leaves it out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from uxcli.planning.discovery import GOALS, DiscoveryResult, discovered, participants_for
from uxcli.report.charts import ChartText
from uxcli.report.charts.common import MUTED, OKABE_ITO, legend_below, styled

REFERENCE_P = (0.10, 0.31, 0.50)  # .31: Nielsen & Landauer's (1993) average; .10: a rarer problem
COLORS = [OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple")]


@styled
def discovery_chart(
    curves: list[tuple[str, float, str]], goals: tuple[float, ...], observed_n: int | None = None, title: str = ""
) -> Figure:
    """Curves (label, p, line style) of 1 − (1 − p)^n; each goal's n marked on the first curve."""
    first_p = curves[0][1]
    top = max([participants_for(p, max(goals)) for _, p, _ in curves] + [observed_n or 0, 5])
    top = int(min(top + 2, 60))
    n = np.arange(0, top + 1)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    handles = []
    for i, (name, p, style) in enumerate(curves):
        (line,) = ax.plot(n, 1 - (1 - p) ** n, linestyle=style, color=COLORS[i % len(COLORS)], linewidth=1.8,
                          marker="o", markersize=2.5, label=name)  # fmt: skip
        handles.append(line)
    for goal in goals:
        need = participants_for(first_p, goal)
        ax.axhline(goal, color=MUTED, linewidth=0.6, linestyle=":")
        ax.plot([need], [discovered(first_p, need)], marker="D", color=COLORS[0], markersize=5)
        ax.annotate(
            f"{goal:.0%}: n = {need}", (need, goal), xytext=(4, -10), textcoords="offset points", fontsize=8,
            color=MUTED,
        )  # fmt: skip
    if observed_n is not None:
        handles.append(
            ax.axvline(observed_n, color=MUTED, linewidth=1.0, linestyle="--", label=f"this study: n = {observed_n}")
        )
    ax.set_xlim(0, top)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Participants")
    ax.set_ylabel("Share of problems discovered")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.grid(color="#E0E0E0", linewidth=0.6)
    legend_below(fig, handles)
    fig.suptitle(title or "Problem discovery 1 − (1 − p)ⁿ")
    return fig


def result_chart(result: DiscoveryResult) -> Figure:
    curves = [(f"adjusted p = {result.p:.3f}", result.p, "-"), (f"raw p̂ = {result.p_raw:.3f}", result.p_raw, "--")]
    return discovery_chart(curves, result.goals, result.n, "Problem discovery (p adjusted, Lewis 2001)")


def draw(report: Any) -> Figure:
    """The discovery chart of a DiscoveryResult, or the reference curves for report data without one."""
    if isinstance(report, DiscoveryResult):
        return result_chart(report)
    found = getattr(report, "discovery", None)
    if isinstance(found, DiscoveryResult):
        return result_chart(found)
    curves = [(f"p = {p:.2f}", p, "-") for p in REFERENCE_P]
    return discovery_chart(curves, GOALS, None, "Problem discovery 1 − (1 − p)ⁿ for problems met by p of users")


def caption(result: DiscoveryResult) -> ChartText:
    marks = ", ".join(f"{g:.0%}: {k}" for g, k in zip(result.goals, result.needed, strict=True))
    return ChartText(
        caption=f"Expected share of problems discovered by n participants, 1 − (1 − p)ⁿ, with p adjusted for "
        f"small samples (Lewis 2001: {result.p:.3f}; raw p̂ {result.p_raw:.3f}, dashed). Participants needed: {marks}.",
        alt=f"Rising curve of problems discovered against participants; {result.n} participants observed found "
        f"{result.problems_met} problems of about {result.total_estimate:.1f}; participants needed for {marks}.",
    )


def report_text(report: Any) -> ChartText | None:
    """In the report only when its data carries a problem-discovery result (task logs do not)."""
    found = report if isinstance(report, DiscoveryResult) else getattr(report, "discovery", None)
    return caption(found) if isinstance(found, DiscoveryResult) else None
