"""Problem discovery: how many problems a formative study missed, and how many people the next round needs.

With p the probability that one participant meets a given problem, n participants discover a share
1 − (1 − p)^n of the problems (the binomial discovery model; Virzi 1992, Nielsen & Landauer 1993).
The raw estimate p̂ (hits ÷ participants × problems) overstates p in small samples, since the problems
nobody met are missing from its denominator. Lewis (2001, IJHCI 13(4)) averages two adjustments:

- deflation: (p̂ − 1/n)(1 − 1/n);
- Good–Turing: p̂ ÷ (1 + E(N1)/N), N1 the problems met by exactly one participant, N the problems met;

adjusted p = the mean of the two (Sauro & Lewis, *Quantifying the User Experience*, 2nd ed., ch. 7).
Estimated problems in all = N ÷ (1 − (1 − p_adj)^n); participants for a goal g: ⌈ln(1 − g) ÷ ln(1 − p)⌉.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uxcli.errors import InputError, OptionError

if TYPE_CHECKING:
    import pandas as pd

    from uxcli.planning.matrix import ProblemMatrix

GOALS = (0.80, 0.85, 0.90, 0.95)
METHOD = (
    "p adjusted by Lewis (2001): the mean of the deflation (p̂ − 1/n)(1 − 1/n) and the Good–Turing p̂/(1 + N1/N); "
    "discovery 1 − (1 − p)^n"
)


def check_goals(goals: tuple[float, ...]) -> tuple[float, ...]:
    for goal in goals:
        if not 0 < goal < 1:
            raise OptionError(f"a discovery goal is a share between 0 and 1 (0.9 for 90%), not {goal}")
    return tuple(goals)


def check_p(p: float, what: str = "--p") -> float:
    if not 0 < p < 1:
        raise OptionError(f"{what} is a probability between 0 and 1 (exclusive), not {p}")
    return p


def discovered(p: float, n: int | float) -> float:
    """The expected share of problems n participants discover when each meets a problem with probability p."""
    return 1.0 - (1.0 - p) ** n


def participants_for(p: float, goal: float) -> int:
    """The fewest participants whose expected discovery 1 − (1 − p)^n reaches ``goal``."""
    n = math.log(1.0 - goal) / math.log(1.0 - p)
    return max(1, math.ceil(n - 1e-9))  # -1e-9: an exact integer (p = .5, goal .75 → 2) is not rounded up


@dataclass(frozen=True)
class DiscoveryOptions:
    """The discovery goals to plan for (shares, e.g. 0.9) and how long the curve runs (None: up to the
    participants the last goal needs, at least the participants observed)."""

    goals: tuple[float, ...] = GOALS
    curve_to: int | None = None

    def __post_init__(self) -> None:
        check_goals(self.goals)
        if self.curve_to is not None and self.curve_to < 1:
            raise OptionError(f"the curve runs to at least 1 participant, not {self.curve_to}")


@dataclass(frozen=True)
class DiscoveryResult:
    """Everything ``uxcli problems`` reports. ``p`` is the adjusted p the plan uses."""

    n: int
    problems_met: int
    hits: int
    once: int
    p_raw: float
    p_deflated: float
    p_good_turing: float
    p: float
    total_estimate: float
    unseen_estimate: float
    discovered_so_far: float
    goals: tuple[float, ...]
    needed: tuple[int, ...]
    curve_to: int
    per_problem: tuple[tuple[str, int, str], ...]  # (problem, participants who met it, severity)
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "participants": [self.n],
                "problems_met": [self.problems_met],
                "hits": [self.hits],
                "met_once": [self.once],
                "p_raw": [self.p_raw],
                "p_deflated": [self.p_deflated],
                "p_good_turing": [self.p_good_turing],
                "p_adjusted": [self.p],
                "problems_estimated": [self.total_estimate],
                "problems_unseen": [self.unseen_estimate],
                "discovered_so_far": [self.discovered_so_far],
                **{f"n_for_{g * 100:.10g}": [k] for g, k in zip(self.goals, self.needed, strict=True)},
            }
        )

    def curve(self) -> pd.DataFrame:
        import pandas as pd

        ns = list(range(1, self.curve_to + 1))
        return pd.DataFrame(
            {
                "participants": ns,
                "discovered_adjusted": [discovered(self.p, k) for k in ns],
                "discovered_raw": [discovered(self.p_raw, k) for k in ns],
            }
        )

    def problems(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "problem": [p for p, _, _ in self.per_problem],
                "participants": [k for _, k, _ in self.per_problem],
                "share": [k / self.n for _, k, _ in self.per_problem],
                "severity": [s for _, _, s in self.per_problem],
            }
        )

    def frame(self, show: str = "summary") -> pd.DataFrame:
        if show not in SHOW:
            raise OptionError(f"show one of {', '.join(SHOW)}, not {show!r}")
        return {"summary": self.summary, "curve": self.curve, "problems": self.problems}[show]()


SHOW = ("summary", "curve", "problems")


def lewis_adjusted(p_raw: float, n: int, once: int, met: int) -> tuple[float, float, float]:
    """(deflated, Good–Turing, adjusted) p of Lewis (2001); the deflation is floored at 0."""
    deflated = max(0.0, (p_raw - 1.0 / n) * (1.0 - 1.0 / n))
    good_turing = p_raw / (1.0 + once / met)
    return deflated, good_turing, (deflated + good_turing) / 2.0


def discovery(matrix: ProblemMatrix, options: DiscoveryOptions | None = None) -> DiscoveryResult:
    """The discovery estimates of one problem matrix (see the module text for the method)."""
    import numpy as np

    options = options or DiscoveryOptions()
    hits = np.array(matrix.hits, dtype=bool).reshape(len(matrix.participants), len(matrix.problems))
    counts = hits.sum(axis=0)
    notes = list(matrix.notes)
    never = [p for p, c in zip(matrix.problems, counts, strict=True) if c == 0]
    if never:
        notes.append(
            f"{len(never)} problem column(s) nobody met set aside ({', '.join(never[:5])}"
            f"{', …' if len(never) > 5 else ''}): p̂ counts problems that were met"
        )
    kept = counts > 0
    met = int(kept.sum())
    n = matrix.n
    if met == 0:
        raise InputError("no participant met any problem: nothing to estimate", file=matrix.file)
    if n < 2:
        raise InputError("discovery estimates need at least 2 participants", file=matrix.file)
    total_hits = int(counts.sum())
    p_raw = total_hits / (n * met)
    once = int((counts == 1).sum())
    deflated, good_turing, p = lewis_adjusted(p_raw, n, once, met)
    if (p_raw - 1.0 / n) < 0:
        notes.append("the deflation (p̂ − 1/n)(1 − 1/n) was below 0 and is taken as 0")
    if p >= 1:
        p = 1 - 1e-12
    total = met / discovered(p, n)
    needed = tuple(participants_for(p, g) for g in options.goals)
    curve_to = options.curve_to or max([n, *needed])
    severity = matrix.severity
    per_problem = tuple((q, int(c), severity.get(q, "")) for q, c in zip(matrix.problems, counts, strict=True) if c > 0)
    return DiscoveryResult(
        n=n,
        problems_met=met,
        hits=total_hits,
        once=once,
        p_raw=p_raw,
        p_deflated=deflated,
        p_good_turing=good_turing,
        p=p,
        total_estimate=total,
        unseen_estimate=total - met,
        discovered_so_far=discovered(p, n),
        goals=options.goals,
        needed=needed,
        curve_to=curve_to,
        per_problem=per_problem,
        notes=tuple(notes),
    )
