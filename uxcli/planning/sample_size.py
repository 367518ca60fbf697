"""Sample sizes for the next round: a margin of error, a difference between two designs, problem discovery.

Each formula is the usual normal (or noncentral-t) approximation, cited where it is used:

- margin of error on a completion rate, adjusted Wald (Sauro & Lewis, *Quantifying the User Experience*,
  2nd ed., ch. 6): n = z²p(1 − p)/d² − z², rounded up (±.20 → 21, ±.10 → 93 at 95% for p = .5);
- two completion rates, between subjects (Fleiss, Levin & Paik 2003, eq. 4.14, no continuity correction):
  n per group = [z₁₋α/₂ √(2p̄q̄) + z₁₋β √(p₁q₁ + p₂q₂)]² / (p₂ − p₁)²;
- two completion rates, within subjects (McNemar; Connor 1987, Biometrics 43): with p_d the share of
  discordant pairs, n = [z₁₋α/₂ √p_d + z₁₋β √(p_d − δ²)]² / δ², δ = p₂ − p₁;
- task time on log times (the geometric-mean ratio r, SD σ of log times), the fewest n whose t test
  reaches the power (noncentral t, scipy.stats.nct): between subjects two groups of n (ncp = ln r / (σ√(2/n))),
  within subjects n pairs (ncp = ln r √n / σ_d, σ_d = σ√(2(1 − ρ)));
- problem discovery: the fewest n with 1 − (1 − p)^n ≥ goal (uxcli.planning.discovery).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uxcli.errors import OptionError
from uxcli.planning.discovery import GOALS, check_goals, check_p, discovered, participants_for

if TYPE_CHECKING:
    import pandas as pd

WHAT = ("margin", "completion", "time", "discovery")
DESIGNS = ("between", "within")
MARGINS = (0.20, 0.15, 0.10, 0.05)
MAX_N = 1_000_000


def _z(q: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(q))


def margin_n(margin: float, p: float = 0.5, confidence: float = 0.95) -> int:
    """Participants for an adjusted-Wald interval of ± ``margin`` around a completion rate near ``p``."""
    z = _z(1 - (1 - confidence) / 2)
    return max(1, math.ceil(z * z * p * (1 - p) / (margin * margin) - z * z - 1e-9))


def two_proportions_n(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Participants per group to tell completion rates p1 and p2 apart (two-sided z test, between subjects)."""
    za, zb = _z(1 - alpha / 2), _z(power)
    pbar = (p1 + p2) / 2
    root = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root * root / (p2 - p1) ** 2 - 1e-9)


def independent_discordance(p1: float, p2: float) -> float:
    """The share of discordant pairs if success on one design told nothing about the other."""
    return p1 * (1 - p2) + p2 * (1 - p1)


def mcnemar_n(p1: float, p2: float, discordant: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Participants (each trying both designs) to tell p1 and p2 apart with McNemar's test (Connor 1987)."""
    d = p2 - p1
    if not abs(d) < discordant <= 1:
        raise OptionError(
            f"the discordant share ({discordant:g}) must exceed the difference |p2 − p1| = {abs(d):g} and be ≤ 1"
        )
    za, zb = _z(1 - alpha / 2), _z(power)
    root = za * math.sqrt(discordant) + zb * math.sqrt(discordant - d * d)
    return math.ceil(root * root / (d * d) - 1e-9)


def _t_power(ncp: float, df: float, alpha: float) -> float:
    from scipy.stats import nct, t

    crit = float(t.ppf(1 - alpha / 2, df))
    return float(nct.sf(crit, df, ncp) + nct.cdf(-crit, df, ncp))


def log_time_n(
    ratio: float, sd: float, alpha: float = 0.05, power: float = 0.8, design: str = "between", correlation: float = 0.5
) -> int:
    """Participants (per group between subjects; in all within) for a t test on log times to detect a
    geometric-mean ratio ``ratio`` with the power asked, ``sd`` the SD of log times."""
    delta = abs(math.log(ratio))
    if design == "within":
        sd_diff = sd * math.sqrt(2 * (1 - correlation))

        def power_at(n: int) -> float:
            return _t_power(delta * math.sqrt(n) / sd_diff, n - 1, alpha)
    else:

        def power_at(n: int) -> float:
            return _t_power(delta / (sd * math.sqrt(2 / n)), 2 * n - 2, alpha)

    sd_of = sd * math.sqrt(2 * (1 - correlation)) if design == "within" else sd * math.sqrt(2)
    z = _z(1 - alpha / 2) + _z(power)
    start = (z * sd_of / delta) ** 2  # the normal approximation: the t test needs at least about this many
    if start > MAX_N:
        raise OptionError("more than a million participants: the difference is too small to plan for")
    n = max(2, math.floor(start) - 1)
    while power_at(n) < power:
        n += 1
    return n


@dataclass(frozen=True)
class Observed:
    """What last round measured for one task: completion (per participant) and the SD of log times of
    successful attempts."""

    task: str
    participants: int
    successes: int
    timed: int
    log_sd: float | None

    @property
    def rate(self) -> float:
        return self.successes / self.participants


@dataclass(frozen=True)
class PlanOptions:
    """What to plan for (``what``: margin, completion, time or discovery) and its inputs. Unset values
    that have a conventional default take it (p = .5, α = .05, power = .8, confidence = .95, correlation
    = .5) and the result says so in its notes."""

    what: str = "margin"
    margins: tuple[float, ...] = MARGINS
    p: float | None = None
    p2: float | None = None
    difference: float | None = None
    ratio: float | None = None
    sd: float | None = None
    design: str = "between"
    correlation: float | None = None
    discordant: float | None = None
    alpha: float = 0.05
    power: float = 0.8
    confidence: float = 0.95
    goals: tuple[float, ...] = GOALS

    def __post_init__(self) -> None:
        if self.what not in WHAT:
            raise OptionError(f"plan for one of {', '.join(WHAT)}, not {self.what!r}")
        if self.design not in DESIGNS:
            raise OptionError(f"--design must be between or within, not {self.design!r}")
        for name, value in (("--alpha", self.alpha), ("--power", self.power), ("--confidence", self.confidence)):
            if not 0 < value < 1:
                raise OptionError(f"{name} must be between 0 and 1, not {value}")
        for m in self.margins:
            if not 0 < m < 0.5:
                raise OptionError(f"a margin of error is a share between 0 and 0.5 (0.1 for ±10 points), not {m}")
        if self.p is not None:
            check_p(self.p)
        if self.p2 is not None:
            check_p(self.p2, "--p2")
        if self.p2 is not None and self.difference is not None:
            raise OptionError("give --p2 or --difference, not both")
        if self.ratio is not None and (self.ratio <= 0 or self.ratio == 1):
            raise OptionError(f"--ratio is the time of one design over the other (0.8: 20% faster), not {self.ratio}")
        if self.sd is not None and self.sd <= 0:
            raise OptionError(f"--sd (of log times) must be above 0, not {self.sd}")
        if self.correlation is not None and not -1 < self.correlation < 1:
            raise OptionError(f"--correlation must be between -1 and 1, not {self.correlation}")
        if self.discordant is not None and not 0 < self.discordant <= 1:
            raise OptionError(f"--discordant must be a share between 0 and 1, not {self.discordant}")
        check_goals(self.goals)


@dataclass(frozen=True)
class PlanResult:
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()


def plan(options: PlanOptions, observed: tuple[Observed, ...] = (), observed_p: float | None = None) -> PlanResult:
    """Sample sizes for ``options.what``. ``observed``: last round's tasks (uxcli.planning.observe); each
    task gives its own row with its observed rate or log-time SD. ``observed_p``: a problem matrix's
    adjusted p, for discovery."""
    import pandas as pd

    notes: list[str] = []
    rows: list[dict[str, object]] = []
    o = options
    sources: list[tuple[str | None, float | None, float | None]] = (
        [(t.task, t.rate, t.log_sd) for t in observed] if observed else [(None, None, None)]
    )
    if observed and o.what in ("margin", "completion"):
        notes.append("p: each task's observed completion rate (participants who succeeded ÷ participants)")
    if observed and o.what == "time" and o.sd is None:
        notes.append("sd: each task's observed SD of log times of successful attempts (one per participant)")
    for task, rate, log_sd in sources:
        row: dict[str, object] = {"task": task} if observed else {}
        if o.what == "margin":
            p = o.p if o.p is not None else rate if rate is not None else 0.5
            if o.p is None and rate is None:
                notes.append("p = .5 (no --p or --from): the largest sample for any completion rate")
            p = min(max(p, 1e-9), 1 - 1e-9)
            for margin in o.margins:
                rows.append({**row, "margin": margin, "p": p, "confidence": o.confidence,
                             "participants": margin_n(margin, p, o.confidence)})  # fmt: skip
            continue
        if o.what == "completion":
            p1 = o.p if o.p is not None else rate
            if p1 is None:
                raise OptionError("completion needs --p (the current completion rate) or --from a task log")
            if o.p2 is None and o.difference is None:
                raise OptionError("completion needs --p2 (the rate to detect) or --difference (p2 − p)")
            p2 = o.p2 if o.p2 is not None else p1 + (o.difference or 0.0)
            if observed and o.p is None and (not 0 < p2 < 1 or not 0 < p1 < 1 or p1 == p2):
                t = next(t for t in observed if t.task == task)
                notes.append(
                    f"task {task}: observed completion {t.successes}/{t.participants} and p2 = {p2:g}: the two rates "
                    "must differ and lie strictly between 0 and 1; left out"
                )
                continue
            if not 0 < p2 < 1 or not 0 < p1 < 1 or p1 == p2:
                raise OptionError(
                    f"the two completion rates must differ and lie strictly between 0 and 1: {p1:g}, {p2:g}"
                )
            row.update({"design": o.design, "p1": p1, "p2": p2, "alpha": o.alpha, "power": o.power})
            if o.design == "between":
                n = two_proportions_n(p1, p2, o.alpha, o.power)
                rows.append({**row, "participants_per_group": n, "participants": 2 * n})
            else:
                disc = o.discordant if o.discordant is not None else independent_discordance(p1, p2)
                if o.discordant is None:
                    notes.append(
                        "discordant share p1(1 − p2) + p2(1 − p1), as if the two designs' outcomes were independent "
                        "(pass --discordant for the share expected to succeed on one design only)"
                    )
                n = mcnemar_n(p1, p2, disc, o.alpha, o.power)
                rows.append({**row, "discordant": disc, "participants_per_group": n, "participants": n})
            continue
        if o.what == "time":
            if o.ratio is None:
                raise OptionError("time needs --ratio (the time of the new design over the old one, e.g. 0.8)")
            sd = o.sd if o.sd is not None else log_sd
            if sd is None or not sd > 0:
                if observed:
                    notes.append(f"task {task}: too few successful times for a log-time SD; left out")
                    continue
                raise OptionError("time needs --sd (the SD of log times) or --from a task log")
            corr = o.correlation if o.correlation is not None else 0.5
            if o.design == "within" and o.correlation is None:
                notes.append("correlation of a participant's log times on the two designs taken as .5 (--correlation)")
            n = log_time_n(o.ratio, sd, o.alpha, o.power, o.design, corr)
            within = {"correlation": corr} if o.design == "within" else {}
            rows.append({**row, "design": o.design, "ratio": o.ratio, "log_sd": sd, **within, "alpha": o.alpha,
                         "power": o.power, "participants_per_group": n,
                         "participants": 2 * n if o.design == "between" else n})  # fmt: skip
            continue
        wanted = o.p if o.p is not None else observed_p
        if wanted is None:
            raise OptionError(
                "discovery needs --p (the chance one participant meets a problem) or --from a problem matrix"
            )
        for goal in o.goals:
            k = participants_for(wanted, goal)
            rows.append({"p": wanted, "goal": goal, "participants": k, "discovered": discovered(wanted, k)})
        break
    if o.what == "discovery" and o.p is None:
        notes.append("p: the problem matrix's adjusted p (Lewis 2001)")
    if observed and not rows:
        left = [n for n in notes if n.startswith("task ")]
        raise OptionError(
            f"none of the {len(observed)} task(s) in the --from data can be planned for"
            + (f"; the first: {left[0]}" if left else "")
        )
    return PlanResult(pd.DataFrame(rows), tuple(dict.fromkeys(notes)))


def observe(attempts: pd.DataFrame) -> tuple[Observed, ...]:
    """Last round per task, from an attempts frame: participants, those who succeeded, and the SD (ddof 1)
    of the log of each participant's first successful time."""
    import numpy as np

    out = []
    for task, part in attempts.groupby("task", sort=False):
        people = part.groupby("participant", sort=False)["outcome"].apply(lambda s: bool((s == "success").any()))
        ok = part[(part["outcome"] == "success") & (part["time"] > 0)]
        first = ok.sort_values("attempt").groupby("participant", sort=False)["time"].first()
        logs = np.log(first.to_numpy(dtype=float))
        sd = float(np.std(logs, ddof=1)) if len(logs) >= 2 else None
        out.append(Observed(str(task), int(len(people)), int(people.sum()), int(len(logs)), sd))
    return tuple(out)
