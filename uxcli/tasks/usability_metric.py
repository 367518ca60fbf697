"""SUM, the Single Usability Metric (Sauro & Kindlund, CHI 2005), per task and overall.

Each component is the proportion of observations "meeting spec", then averaged with equal weights:

* completion: successes / attempts (every attempt, as in ``uxcli summary``);
* satisfaction: Φ((mean − spec)/sd) of the task's SEQ ratings (7-point; spec 5.5, the relative
  position of the paper's 4 on 5-point items);
* time: Φ((spec − mean)/sd) of the task's times (completion times by default, see ``time_of``)
  with a per-task spec limit: ``--time-spec`` or ``study.tasks.<task>.time_limit`` in YAML;
* errors: 1 − Σerrors / (attempts × opportunities), opportunities from ``--opportunities`` or
  ``study.tasks.<task>.error_opportunities``.

A component without its data (no ratings, no spec limit, no opportunities, fewer than 2 values, or
values all alike: sd 0 makes Φ(distance/sd) undefined) is left out with a note, giving the paper's 3-
or 2-metric versions; ``components`` says how many were averaged. The overall SUM is the mean of the
task SUMs, as in the paper's product-level score.

Intervals (90% by default). The paper gives no interval for the SUM. A public re-implementation
(carljpearson/openshift-sum, comb-ana-plot.R) pushes the z interval of the raw mean through Φ for
satisfaction and time and averages the components' bounds; uxcli used to treat Φ(z) as "Φ(z)·n
successes of n" (adjusted Wald) and average the bounds. Neither has a derivation, and in simulation
the averaged bounds covered the true SUM 99–100% of the time at twice the needed width. Now:

* SUM, satisfaction, time, errors: participant bootstrap (uxcli.tasks.bootstrap). Participants are
  resampled with all their attempts and ratings (B = 2000, fixed seed, so outputs are reproducible),
  every component and the SUM are recomputed, and the interval is the BCa percentile interval
  (Efron & Tibshirani 1993, ch. 14) with the small-sample expansion of Hesterberg (2014,
  arXiv:1411.5279; R ``resample::CI.bca(expand = TRUE)``). Errors are thus resampled per participant
  rather than counted as n × opportunities independent trials (which under-covered, 85–87%, when errors
  per attempt are Poisson). A resample whose values are all alike takes the limit of Φ (0, ½ or 1); one
  with fewer than 2 values is dropped.
* completion inside the SUM: each resample's completion rate is a draw from the Jeffreys distribution
  Beta(x_b + ½, n_b − x_b + ½) of that resample's successes x_b and attempts n_b (Jeffreys prior; Brown,
  Cai & DasGupta 2001, Statist. Sci. 16(2)), a smoothed bootstrap. The plain resampled rate x_b/n_b has
  no spread when everyone succeeds (or fails), and the SUM interval of such a task collapsed to [1, 1]
  at any n; the draw keeps the binomial uncertainty of n attempts and, through x_b, the correlation with
  the other components. The point estimates stay the observed x/n and SUM. When the estimate lies at or
  past the edge of every replicate (x = n or x = 0), BCa's bias correction is infinite: the interval is
  then the expanded percentile interval extended to the estimate, as the Jeffreys interval takes 1 (0)
  as its bound at x = n (x = 0) (Brown et al. 2001). Example: 8 of 8, no errors: SUM 1, interval
  0.863–1 = (1 + Beta⁻¹(0.0214; 8.5, 0.5))/2 (was 1–1).
  Coverage of the 90% SUM interval in simulation (tests/test_sum.py, 600 studies each, one attempt per
  participant, p = .75): 91.5% at n = 8, 89.3% at n = 8 with correlated components (ρ = .5) and
  overdispersed errors, 92.3% at n = 15, 90.3% at n = 15 correlated (without the smoothing: 88.5, 89.0,
  88.2, 88.3%). The smoothing adds the Beta's variance to the resampling variance, so it errs wide.
* completion's own interval: adjusted Wald over attempts (Sauro & Lewis 2005), as ``uxcli summary``
  reports it; a one-component SUM takes that interval.
* overall: the same resamples, all tasks at once (a participant brings every task's data).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as st

from uxcli import stats
from uxcli.errors import OptionError
from uxcli.tasks import bootstrap
from uxcli.tasks.metrics import ASSISTED_AS, TIME_OF
from uxcli.tasks.per_task import check_task_names, number_for

SUM_COLUMNS = [
    "task",
    "sum",
    "sum_ci_low",
    "sum_ci_high",
    "components",
    "completion",
    "completion_ci_low",
    "completion_ci_high",
    "satisfaction",
    "satisfaction_ci_low",
    "satisfaction_ci_high",
    "time",
    "time_ci_low",
    "time_ci_high",
    "errors",
    "errors_ci_low",
    "errors_ci_high",
    "time_spec",
    "opportunities",
]
COMPONENTS = ("completion", "satisfaction", "time", "errors")
SEQ_SCALE = 7
NAN = math.nan


def single_usability_metric(
    attempts: pd.DataFrame,
    ratings: pd.DataFrame | None = None,
    study: dict | None = None,
    *,
    time_specs: dict[str | None, float] | None = None,
    opportunities: dict[str | None, float] | None = None,
    confidence: float = 0.90,
    time_of: str = "success",
    assisted: str = "failure",
) -> tuple[pd.DataFrame, dict, list[str]]:
    """(per-task frame SUM_COLUMNS, overall dict with the same keys, notes on left-out components).
    ``assisted``: an assisted completion is a "failure" (the default) or a "success" in completion and
    time, as in uxcli.tasks.metrics (--assisted)."""
    if time_of not in TIME_OF:
        raise OptionError(f"--time-of must be one of {', '.join(TIME_OF)}, not {time_of!r}")
    if assisted not in ASSISTED_AS:
        raise OptionError(f"--assisted must be one of {', '.join(ASSISTED_AS)}, not {assisted!r}")
    time_specs, opportunities = time_specs or {}, opportunities or {}
    tasks = [str(t) for t in pd.unique(attempts["task"].astype(object))]
    check_task_names(time_specs, tasks, "--time-spec")
    check_task_names(opportunities, tasks, "--opportunities")
    if ratings is not None and not len(ratings):
        ratings = None
    attempt_unit, rating_unit, units = _units(attempts, ratings)
    weights = bootstrap.resample_counts(units)
    task_col = attempts["task"].astype(object).astype(str).to_numpy()
    outcome = attempts["outcome"].astype(str).to_numpy()
    helped = outcome == "assisted"
    if assisted == "success":  # an assisted completion is a success, in completion and in time
        outcome = np.where(helped, "success", outcome)
    all_times = attempts["time"].to_numpy(np.float64)
    all_errors = attempts["errors"].to_numpy(np.float64)
    timed = np.isin(outcome, TIME_OF[time_of])
    rating_task = ratings["task"].astype(str).to_numpy() if ratings is not None else None
    seq_all = ratings["seq"].to_numpy(np.float64) if ratings is not None else None
    rows: list[dict] = []
    replicates: list[dict[str, np.ndarray]] = []
    reasons: dict[str, list[str]] = {}
    for task in tasks:
        mask = task_col == task
        spec = number_for(time_specs, task, study, "time_limit")
        chances = number_for(opportunities, task, study, "error_opportunities")
        parts = _Parts(weights, units, confidence)
        n, successes = int(mask.sum()), int((outcome[mask] == "success").sum())
        parts.completion(attempt_unit[mask], outcome[mask] == "success", successes, n, task)
        seq = None
        if rating_task is not None and seq_all is not None:
            keep = (rating_task == task) & ~np.isnan(seq_all)
            seq = (seq_all[keep], rating_unit[keep]) if keep.any() else None
            if seq is not None:
                parts.spread("satisfaction", *seq, stats.satisfaction_spec(SEQ_SCALE), higher_is_better=True)
        times_mask = mask & timed & (all_times > 0)
        if not math.isnan(spec):
            parts.spread("time", all_times[times_mask], attempt_unit[times_mask], spec, higher_is_better=False)
        errors_mask = mask & ~np.isnan(all_errors)
        if errors_mask.any() and not math.isnan(chances):
            parts.errors(all_errors[errors_mask], attempt_unit[errors_mask], chances)
        for reason in _missing(seq, int(times_mask.sum()), spec, bool(errors_mask.any()), chances, parts):
            reasons.setdefault(reason, []).append(task)
        row = {"task": task, **parts.row(), "time_spec": spec, "opportunities": chances}
        rows.append(row)
        replicates.append(parts.draws)
    notes = [
        f"{reason}: {'every task' if len(names) == len(tasks) > 1 else ', '.join(names)}"
        for reason, names in reasons.items()
    ]
    if helped.any():
        n = int(helped.sum())
        counted = "successes (--assisted success)"
        if assisted == "failure":
            counted = "failures (--assisted success counts them as successes)"
        notes.append(f"{n} assisted attempt{'s' if n != 1 else ''}: counted in completion and time as {counted}")
    frame = pd.DataFrame(rows, columns=SUM_COLUMNS)
    frame["components"] = frame["components"].astype(np.int64)
    return frame, _overall(frame, replicates, weights, units, confidence), notes


class _Parts:
    """One task's components: point estimates, bootstrap replicates (row 0: the data) and intervals."""

    def __init__(self, weights: np.ndarray, units: int, confidence: float) -> None:
        self.weights, self.units, self.confidence = weights, units, confidence
        self.values: dict[str, tuple[float, float, float]] = {}
        self.draws: dict[str, np.ndarray] = {}
        self.present: dict[str, np.ndarray] = {}  # the units that have data for a component
        self.alike: set[str] = set()

    def _counts(self, unit: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(unit, weights=values, minlength=self.units).astype(np.float64)

    def completion(self, unit: np.ndarray, success: np.ndarray, successes: int, n: int, key: str) -> None:
        if not n:
            return
        attempts = self._counts(unit)
        wins = self.weights @ self._counts(unit, success.astype(np.float64))
        draws = bootstrap.jeffreys(wins, self.weights @ attempts, self.units, key)
        low, high = stats.adjusted_wald(successes, n, self.confidence)
        self._keep("completion", successes / n, draws, attempts > 0, (float(low), float(high)))

    def spread(self, name: str, values: np.ndarray, unit: np.ndarray, spec: float, *, higher_is_better: bool) -> None:
        """Φ((mean − spec)/sd) (or Φ((spec − mean)/sd)): the share of a normal population meeting spec."""
        if values.size < 2:
            return
        sd = float(np.std(values, ddof=1))
        if not sd > 0:  # Φ(distance / 0) is undefined: the component is left out (see _missing)
            self.alike.add(name)
            return
        centre = float(np.mean(values))
        shifted = values - centre
        count, mean, sds = bootstrap.moments(
            self.weights, self._counts(unit), self._counts(unit, shifted), self._counts(unit, shifted**2)
        )
        sign = 1.0 if higher_is_better else -1.0
        distance = sign * (mean + centre - spec)
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = st.norm.cdf(distance / np.where(sds > 0, sds, 1.0))
        # a resample whose values are all alike: the limit of Φ(distance / sd) as sd -> 0
        draws = np.where(sds > 0, draws, np.where(distance > 0, 1.0, np.where(distance < 0, 0.0, 0.5)))
        draws = np.where(count > 1, draws, np.nan)
        value = float(st.norm.cdf(sign * (centre - spec) / sd))
        self._keep(name, value, draws, self._counts(unit) > 0)

    def errors(self, counts: np.ndarray, unit: np.ndarray, opportunities: float) -> None:
        attempts = self._counts(unit)
        per_attempt = bootstrap.ratio(self.weights, self._counts(unit, counts), attempts)
        draws = np.maximum(0.0, 1 - per_attempt / opportunities)
        value = max(0.0, 1 - float(np.sum(counts)) / (counts.size * opportunities))
        self._keep("errors", value, draws, attempts > 0)

    def _keep(self, name: str, value: float, draws: np.ndarray, present: np.ndarray, interval=None) -> None:
        draws = draws.copy()
        draws[0] = value
        low, high = interval or bootstrap.interval(draws, int(present.sum()), self.confidence)
        self.values[name], self.draws[name], self.present[name] = (value, low, high), draws, present

    def row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"components": len(self.values)}
        for name in COMPONENTS:
            row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = self.values.get(name, (NAN, NAN, NAN))
        if not self.values:
            row["sum"] = row["sum_ci_low"] = row["sum_ci_high"] = NAN
            return row
        names = list(self.values)
        draws = np.mean([self.draws[name] for name in names], axis=0)
        self.draws["sum"] = draws
        present = np.any([self.present[name] for name in names], axis=0)
        self.present["sum"] = present
        if len(names) == 1:  # SUM = that component, with its interval
            low, high = self.values[names[0]][1:]
        else:
            low, high = bootstrap.interval(draws, int(present.sum()), self.confidence)
        row["sum"], row["sum_ci_low"], row["sum_ci_high"] = float(draws[0]), low, high
        return row


def _units(attempts: pd.DataFrame, ratings: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, int]:
    """The resampling unit (participant) of each attempt and rating as indices 0..units-1, and units.

    Attempts and ratings without a participant are each their own unit."""

    def keys(frame: pd.DataFrame, prefix: str) -> np.ndarray:
        if "participant" not in frame.columns:
            return np.array([f"{prefix}{i}" for i in range(len(frame))], dtype=object)
        who = frame["participant"].astype(object).to_numpy()
        missing = pd.isna(who)
        return np.array(
            [f"{prefix}{i}" if gone else f"p:{p}" for i, (p, gone) in enumerate(zip(who, missing))], dtype=object
        )

    attempt_keys = keys(attempts, "a:")
    rating_keys = keys(ratings, "r:") if ratings is not None else np.array([], dtype=object)
    names, index = np.unique(np.concatenate([attempt_keys, rating_keys]).astype(str), return_inverse=True)
    return index[: len(attempt_keys)], index[len(attempt_keys) :], len(names)


def _overall(
    frame: pd.DataFrame, replicates: list[dict[str, np.ndarray]], weights: np.ndarray, units: int, confidence: float
) -> dict[str, Any]:
    """Means of the task values; intervals from the same participant resamples (all tasks at once)."""
    overall: dict[str, Any] = {"task": None}
    for column in SUM_COLUMNS[1:]:
        values = frame[column].to_numpy(np.float64)
        overall[column] = float(np.nanmean(values)) if (~np.isnan(values)).any() else NAN
    overall["components"] = int(frame["components"].max()) if len(frame) else 0
    overall["time_spec"] = NAN
    overall["opportunities"] = NAN
    if len(frame) == 1:
        for column in SUM_COLUMNS[1:4] + [f"{n}_ci_{s}" for n in COMPONENTS for s in ("low", "high")]:
            overall[column] = float(frame[column].iloc[0])
        return overall
    for name in ("sum", *COMPONENTS):
        draws = [task[name] for task in replicates if name in task]
        if not draws:
            continue
        mean = np.mean(draws, axis=0)
        prefix = "sum" if name == "sum" else name
        overall[f"{prefix}_ci_low"], overall[f"{prefix}_ci_high"] = bootstrap.interval(mean, units, confidence)
    return overall


def _missing(seq, times: int, spec: float, errors: bool, chances: float, parts: _Parts) -> list[str]:
    out = []
    if seq is None:
        out.append("satisfaction left out, no SEQ ratings (YAML seq: or --ratings)")
    elif "satisfaction" in parts.alike:
        out.append("satisfaction left out, SEQ ratings all alike (sd 0: Φ((mean − spec)/sd) is undefined)")
    elif "satisfaction" not in parts.values:
        out.append("satisfaction left out, fewer than 2 SEQ ratings")
    if math.isnan(spec):
        out.append("time left out, no spec limit (--time-spec TASK=SECONDS or study.tasks.TASK.time_limit)")
    elif "time" in parts.alike:
        out.append("time left out, times all alike (sd 0: Φ((spec − mean)/sd) is undefined)")
    elif times < 2:
        out.append("time left out, fewer than 2 times")
    if not errors:
        out.append("errors left out, no error counts")
    elif math.isnan(chances):
        out.append(
            "errors left out, no error opportunities (--opportunities TASK=N or study.tasks.TASK.error_opportunities)"
        )
    return out
