"""Time-to-success with censoring: Kaplan–Meier, Aalen–Johansen, Rummel's estimate and the log-rank test.

Every attempt counts. An attempt (or a participant's run of attempts) that ends without success at time t
had not succeeded by t: it is right-censored there.

- Kaplan–Meier (Kaplan & Meier 1958) of the share still working, S(t), censoring every non-success, via
  ``scipy.stats.ecdf(CensoredData(...))``, with pointwise log-log intervals (Kalbfleisch & Prentice 2002,
  ``sf.confidence_interval(method="log-log")``). Median time-to-success: the first time S(t) ≤ 0.5; its
  interval is where the interval curves cross 0.5 (Brookmeyer & Crowley 1982): from the first time the
  lower curve reaches 0.5 to the first time the upper curve does (NaN: not reached).
- Cumulative incidence of success with give-ups (abandons) as a competing event and failures/time-outs
  censored, by Aalen–Johansen (Aalen & Johansen 1978; Putter, Fiocco & Geskus 2007, Stat Med 26:2389):
  CIF_k(t) = Σ_{t_j ≤ t} S(t_{j-1}) d_kj / n_j, S the all-cause Kaplan–Meier.
- Rummel (2014, JUS 10(1)): the geometric mean of the successful times divided by the completion rate.
- Log-rank test of two groups' curves: ``scipy.stats.logrank`` (two-sided).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

SUCCESS, GIVE_UP, CENSORED = "success", "give_up", "censored"
TOLERANCE = 1e-12  # S(t) = 0.5 computed as a product may be 0.5 ± one ulp

SUMMARY_COLUMNS = [
    "unit",
    "n",
    "successes",
    "give_ups",
    "censored",
    "median_time",
    "median_ci_low",
    "median_ci_high",
    "km_success",
    "aj_success",
    "aj_give_up",
    "rummel_time",
]
CURVE_COLUMNS = [
    "time",
    "at_risk",
    "successes",
    "give_ups",
    "censored",
    "survival",
    "survival_ci_low",
    "survival_ci_high",
    "cif_success",
    "cif_give_up",
]
LOGRANK_COLUMNS = ["column", "group_a", "group_b", "n_a", "n_b", "statistic", "p_value", "test"]


@dataclass(frozen=True)
class Units:
    """One record per unit: the group columns, ``time`` (seconds) and ``status`` (SUCCESS, GIVE_UP, CENSORED);
    ``unknown`` counts the units set aside because a time they need is unknown."""

    frame: pd.DataFrame
    unknown: int


def units(attempts: pd.DataFrame, by: list[str], unit: str = "participant", assisted: str = "failure") -> Units:
    """The records the curves are estimated from.

    ``unit="participant"``: one record per participant × session × task within the groups (the summary's
    unit). Success if any attempt succeeded, its time the sum of the attempts' times up to and including the
    first success (time to eventual success); else the sum of every attempt's time, a give-up when the last
    attempt was abandoned, censored otherwise. ``unit="attempt"``: every attempt on its own.
    ``assisted``: an assisted completion counts as a success ("success") or is censored ("failure").
    """
    frame = attempts.copy()
    outcome = frame["outcome"].astype("object")
    success = (outcome == "success") | ((outcome == "assisted") & (assisted == "success"))
    frame["_status"] = np.where(success, SUCCESS, np.where(outcome == "abandon", GIVE_UP, CENSORED))
    frame["_time"] = pd.to_numeric(frame["time"], errors="coerce").astype(float)
    keys = [*by, *(c for c in ("participant", "session", "task") if c not in by)]
    for column in keys:  # labels as objects: groups in order of first appearance, never unobserved categories
        frame[column] = frame[column].astype("object")
    frame["_pos"] = np.arange(len(frame))
    if unit == "attempt" or frame.empty:
        records = frame[[*by, "_time", "_status"]].rename(columns={"_time": "time", "_status": "status"})
    else:
        frame = frame.sort_values([*keys, "attempt"], kind="stable")
        succeeded = frame["_status"].eq(SUCCESS)
        grouping = [frame[k] for k in keys]
        prior = succeeded.groupby(grouping, sort=False, dropna=False).cumsum() - succeeded
        counted = frame[prior.eq(0)]  # the attempts up to and including the first success
        per = counted.groupby(keys, sort=False, dropna=False)["_time"]
        time = per.sum(min_count=1).where(per.count() == per.size())  # unknown if any of them is
        last = frame.groupby(keys, sort=False, dropna=False)["_status"].last()
        any_success = succeeded.groupby(grouping, sort=False, dropna=False).any()
        status = last.where(~any_success.reindex(last.index), SUCCESS)
        first = frame.groupby(keys, sort=False, dropna=False)["_pos"].min()
        records = pd.DataFrame({"time": time.reindex(last.index), "status": status, "_pos": first})
        records = records.sort_values("_pos", kind="stable").reset_index()
        records = records[[*by, "time", "status"]]
    known = records["time"].notna() & (records["time"] >= 0)
    return Units(records[known].reset_index(drop=True), int((~known).sum()))


def _ecdf(times: np.ndarray, status: np.ndarray, confidence: float) -> tuple[Any, Any]:
    data = stats.CensoredData(uncensored=times[status == SUCCESS], right=times[status != SUCCESS])
    result = stats.ecdf(data)
    with warnings.catch_warnings():  # undefined where S is 0 or 1: NaN, as documented by scipy
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = result.sf.confidence_interval(confidence, method="log-log")
    return result, interval


def curve(times: np.ndarray, status: np.ndarray, confidence: float = 0.95) -> pd.DataFrame:
    """One group's curves (CURVE_COLUMNS): a row at time 0, then one per distinct time."""
    times = np.asarray(times, dtype=float)
    status = np.asarray(status, dtype=object)
    grid = np.unique(times)
    n = len(times)
    rows: dict[str, Any] = {c: [] for c in CURVE_COLUMNS}
    if n == 0:
        return pd.DataFrame(rows)
    result, interval = _ecdf(times, status, confidence)
    survival = result.sf.evaluate(grid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = interval.low.evaluate(grid), interval.high.evaluate(grid)
    at_risk = np.array([(times >= t).sum() for t in grid])
    counts = {s: np.array([((times == t) & (status == s)).sum() for t in grid]) for s in (SUCCESS, GIVE_UP, CENSORED)}
    cif_success, cif_give_up = aalen_johansen(at_risk, counts[SUCCESS], counts[GIVE_UP])
    start = 0.0 if grid[0] > 0 else None
    frame = pd.DataFrame(
        {
            "time": grid,
            "at_risk": at_risk,
            "successes": counts[SUCCESS],
            "give_ups": counts[GIVE_UP],
            "censored": counts[CENSORED],
            "survival": survival,
            "survival_ci_low": low,
            "survival_ci_high": high,
            "cif_success": cif_success,
            "cif_give_up": cif_give_up,
        }
    )
    if start is not None:
        first = pd.DataFrame([{**dict.fromkeys(CURVE_COLUMNS, 0.0), "time": 0.0, "at_risk": n, "survival": 1.0}])
        first[["survival_ci_low", "survival_ci_high"]] = np.nan
        frame = pd.concat([first.astype(frame.dtypes.to_dict()), frame], ignore_index=True)
    for column in ("at_risk", "successes", "give_ups", "censored"):
        frame[column] = frame[column].astype("int64")
    return frame


def aalen_johansen(at_risk: np.ndarray, successes: np.ndarray, give_ups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative incidence of success and of giving up at each distinct time (Aalen & Johansen 1978):
    the all-cause survival just before t_j times the cause's hazard d_kj / n_j, summed."""
    n = np.asarray(at_risk, dtype=float)
    d1, d2 = np.asarray(successes, dtype=float), np.asarray(give_ups, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard1, hazard2 = np.where(n > 0, d1 / n, 0.0), np.where(n > 0, d2 / n, 0.0)
    before = np.concatenate([[1.0], np.cumprod(1 - hazard1 - hazard2)[:-1]])  # S(t_{j-1}), all causes
    return np.cumsum(before * hazard1), np.cumsum(before * hazard2)


def first_below_half(times: np.ndarray, values: np.ndarray) -> float:
    """The first time a curve is at or below 0.5 (NaN when it never is)."""
    hit = np.flatnonzero(np.nan_to_num(values, nan=np.inf) <= 0.5 + TOLERANCE)
    return float(times[hit[0]]) if len(hit) else float("nan")


def rummel(times: np.ndarray, status: np.ndarray) -> float:
    """Rummel (2014): geometric mean of the successful times ÷ completion rate (NaN without a success or
    with a successful time of 0, which has no logarithm)."""
    done = np.asarray(times, dtype=float)[np.asarray(status, dtype=object) == SUCCESS]
    if len(done) == 0 or (done <= 0).any():
        return float("nan")
    return float(stats.gmean(done) / (len(done) / len(times)))


def summary_row(table: pd.DataFrame, times: np.ndarray, status: np.ndarray, unit: str) -> dict[str, Any]:
    """One group's SUMMARY_COLUMNS from its curve table."""
    grid = table["time"].to_numpy(dtype=float)
    last = table.iloc[-1] if len(table) else None
    return {
        "unit": unit,
        "n": len(times),
        "successes": int((status == SUCCESS).sum()),
        "give_ups": int((status == GIVE_UP).sum()),
        "censored": int((status == CENSORED).sum()),
        "median_time": first_below_half(grid, table["survival"].to_numpy(dtype=float)),
        "median_ci_low": first_below_half(grid, table["survival_ci_low"].to_numpy(dtype=float)),
        "median_ci_high": first_below_half(grid, table["survival_ci_high"].to_numpy(dtype=float)),
        "km_success": float("nan") if last is None else 1 - float(last["survival"]),
        "aj_success": float("nan") if last is None else float(last["cif_success"]),
        "aj_give_up": float("nan") if last is None else float(last["cif_give_up"]),
        "rummel_time": rummel(times, status),
    }


def logrank(a: pd.DataFrame, b: pd.DataFrame) -> tuple[float, float]:
    """scipy's two-sided log-rank test of two groups' records (success the event, all else censored)."""

    def data(records: pd.DataFrame) -> Any:
        times, success = records["time"].to_numpy(dtype=float), records["status"].eq(SUCCESS).to_numpy()
        return stats.CensoredData(uncensored=times[success], right=times[~success])

    with warnings.catch_warnings():  # no success in either group: no variance, NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.logrank(data(a), data(b))
    return float(result.statistic), float(result.pvalue)


def estimate(
    records: pd.DataFrame, by: list[str], unit: str, confidence: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """The summary, curve and log-rank frames of the records (Units.frame), groups in order of appearance,
    and notes on comparisons not made. The log-rank test compares the two values of the last ``by`` column
    within each combination of the others."""
    summaries, curves = [], []
    groups = records.groupby(by, sort=False, dropna=False) if by else [((), records)]
    for key, part in groups:
        labels = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        times, status = part["time"].to_numpy(dtype=float), part["status"].to_numpy(dtype=object)
        table = curve(times, status, confidence)
        summaries.append({**labels, **summary_row(table, times, status, unit)})
        curves.append(table.assign(**labels)[[*by, *CURVE_COLUMNS]])
    summary = pd.DataFrame(summaries, columns=[*by, *SUMMARY_COLUMNS])
    curve_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=[*by, *CURVE_COLUMNS])
    tests, notes = [], []
    if len(by) >= 2 or (len(by) == 1 and by[0] != "task"):
        column, outer = by[-1], by[:-1]
        blocks = records.groupby(outer, sort=False, dropna=False) if outer else [((), records)]
        for key, block in blocks:
            labels = dict(zip(outer, key if isinstance(key, tuple) else (key,), strict=True))
            values = list(dict.fromkeys(block[column].dropna().tolist()))
            where = ", ".join(f"{k} {v}" for k, v in labels.items()) or "all records"
            if len(values) != 2:
                notes.append(f"no log-rank test for {where}: {column} has {len(values)} values there, not 2")
                continue
            a, b = (block[block[column] == v] for v in values)
            statistic, p = logrank(a, b)
            tests.append(
                {**labels, "column": column, "group_a": values[0], "group_b": values[1], "n_a": len(a), "n_b": len(b),
                 "statistic": statistic, "p_value": p, "test": "log-rank (two-sided)"}
            )  # fmt: skip
        logrank_frame = pd.DataFrame(tests, columns=[*outer, *LOGRANK_COLUMNS])
    else:
        logrank_frame = pd.DataFrame(columns=LOGRANK_COLUMNS)
    return summary, curve_frame, logrank_frame, notes
