"""Data-quality flags: speeders, idle gaps, partial participants and time outliers.

A step between read and metrics. :func:`flag` looks at the attempts frame and marks
attempts that skew results, without removing anything; `uxcli.tasks.exclusions.prepare`
drops flagged attempts only when asked (``drop_flagged``) and says what it did.

* speeder: time below ``speeders`` seconds, or below ``speeder_fraction`` x the task's
  median time (all timed attempts of the task);
* idle: a pause of more than ``idle_gap`` seconds between two events of an attempt (event
  logs only). With ``cap_idle`` the pause counts only ``idle_gap`` seconds in time on task
  instead, and the attempt is not flagged;
* partial: the participant did not attempt every task (every task of the study's
  ``tasks:``, or else every task someone in their variant attempted);
* outlier: log time more than ``outliers`` standard deviations from the task's mean log time
  (times are log-normal, Sauro & Lewis 2016, ch. 3). With n attempts |z| cannot exceed
  (n-1)/sqrt(n): 2.47 for n = 8, so small tasks need a lower threshold such as 2.

Everything is computed with pandas/NumPy over whole columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from uxcli.errors import InputError, OptionError

FLAGS = ("speeder", "idle", "partial", "outlier")


@dataclass(frozen=True)
class QualityOptions:
    speeders: float | None = None  # seconds
    speeder_fraction: float | None = None  # of the task's median time
    idle_gap: float | None = None  # seconds
    cap_idle: bool = False
    partial: bool = False
    outliers: float | None = None  # |z| of log time
    drop_flagged: bool = False

    @property
    def flagging(self) -> bool:
        return any(
            (
                self.speeders is not None,
                self.speeder_fraction is not None,
                self.idle_gap is not None and not self.cap_idle,
                self.partial,
                self.outliers is not None,
            )
        )

    @property
    def active(self) -> bool:
        return self.flagging or (self.idle_gap is not None and self.cap_idle)

    def check(self) -> None:
        """Raise OptionError for values no study could mean."""
        self.check_values()
        if self.cap_idle and self.idle_gap is None:
            raise OptionError("--cap-idle needs --idle-gap SECONDS (the longest pause to count in full)")

    def check_values(self) -> None:
        """Each number on its own (check() also needs --cap-idle's --idle-gap, which a study file may give)."""
        for name, low, high in (
            ("speeders", 0, None),
            ("speeder_fraction", 0, 1),
            ("idle_gap", 0, None),
            ("outliers", 0, None),
        ):
            value = getattr(self, name)
            if value is None:
                continue
            if not np.isfinite(value) or value <= low or (high is not None and value > high):
                bound = f"between {low} and {high}" if high is not None else f"above {low}"
                raise OptionError(f"--{name.replace('_', '-')} must be {bound}, not {value:g}")

    def overridden_by(self, other: QualityOptions) -> QualityOptions:
        """These options (e.g. from the study file) with every value set in ``other`` (the command line) on top."""
        merged = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            merged[f.name] = theirs if theirs not in (None, False) else mine
        return QualityOptions(**merged)

    @classmethod
    def from_mapping(cls, mapping: Any, file: str | None = None, line: int | None = None) -> QualityOptions:
        """The ``quality:`` section of a study file."""
        if mapping is None:
            return cls()
        if not isinstance(mapping, dict):
            raise InputError("quality: must be a mapping such as {speeders: 10, idle_gap: 60}", file=file, line=line)
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in mapping.items():
            name = str(key).replace("-", "_")
            if name not in known:
                raise InputError(
                    f'quality: has no setting "{key}"',
                    file=file,
                    line=getattr(mapping, "line", line),
                    hint="settings: " + ", ".join(known),
                )
            if name in ("cap_idle", "partial", "drop_flagged"):
                if not isinstance(value, bool):
                    raise InputError(
                        f"quality: {key} must be true or false, not {value!r}",
                        file=file,
                        line=getattr(mapping, "line", line),
                    )
                values[name] = value
            else:
                try:
                    values[name] = None if value is None else float(value)
                except (TypeError, ValueError):
                    raise InputError(
                        f"quality: {key} must be a number, not {value!r}",
                        file=file,
                        line=getattr(mapping, "line", line),
                    ) from None
        return cls(**values)


def flag(
    attempts: pd.DataFrame,
    options: QualityOptions,
    tasks: list[str] | None = None,
    everyone: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per attempt (same index): a bool column per enabled flag, ``flags`` (text) and ``detail``.

    ``detail`` explains each flag of the attempt, e.g. "speeder: 4.2 s < 10 s". ``everyone``
    is all attempts read, before exclusions: a participant is partial for what they did, not
    for what an exclusion rule left out.
    """
    out = pd.DataFrame(index=attempts.index)
    # (mask, text maker): texts are only made for the flagged rows, so a big log costs no strings
    details: list[tuple[np.ndarray, Callable[[np.ndarray], list[str]]]] = []
    time = attempts["time"].to_numpy(dtype=np.float64)
    if options.speeders is not None or options.speeder_fraction is not None:
        mask, why = _speeders(attempts, time, options)
        out["speeder"] = mask
        details.append((mask, why))
    if options.idle_gap is not None and not options.cap_idle:
        gaps = attempts["_max_gap"].to_numpy(dtype=np.float64) if "_max_gap" in attempts else np.full(len(time), np.nan)
        mask = gaps > options.idle_gap
        out["idle"] = mask
        details.append(
            (mask, lambda rows: [f"idle: a pause of {g:.1f} s > {options.idle_gap:g} s" for g in gaps[rows]])
        )
    if options.partial:
        mask, why = _partial(attempts, tasks, attempts if everyone is None else everyone)
        out["partial"] = mask
        details.append((mask, why))
    if options.outliers is not None:
        mask, z = _outliers(attempts, time, options.outliers)
        out["outlier"] = mask
        details.append(
            (mask, lambda rows: [f"outlier: log-time z = {v:.2f} (|z| > {options.outliers:g})" for v in z[rows]])
        )
    out["flags"] = _join(len(out), [(out[name].to_numpy(), _repeated(name)) for name in FLAGS if name in out])
    out["detail"] = _join(len(out), details)
    return out


def _repeated(text: str) -> Callable[[np.ndarray], list[str]]:
    """A text maker giving ``text`` for every row (the flag's name in the ``flags`` column)."""
    return lambda rows: [text] * len(rows)


def _join(n: int, parts: list[tuple[np.ndarray, Callable[[np.ndarray], list[str]]]]) -> np.ndarray:
    """'a; b' texts per row from (mask, text maker) pairs; rows without any flag get ''."""
    out = np.full(n, "", dtype=object)
    for mask, make in parts:
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            continue
        text = np.asarray(make(rows), dtype=object)
        sep = np.where(out[rows] == "", "", "; ").astype(object)
        out[rows] = out[rows] + sep + text
    return out


def _speeders(attempts: pd.DataFrame, time: np.ndarray, options: QualityOptions):
    mask = np.zeros(len(time), dtype=bool)
    absolute = np.zeros(len(time), dtype=bool)
    limit = np.full(len(time), np.nan)
    if options.speeders is not None:
        absolute = time < options.speeders
        mask |= absolute
    if options.speeder_fraction is not None:
        timed = pd.Series(np.where(time > 0, time, np.nan), index=attempts.index)
        median = timed.groupby(attempts["task"], observed=True, sort=False).transform("median").to_numpy()
        limit = options.speeder_fraction * median
        mask |= time < limit

    def why(rows: np.ndarray) -> list[str]:
        return [
            f"speeder: {t:.1f} s < {options.speeders:g} s"
            if a
            else f"speeder: {t:.1f} s < {lim:.1f} s ({options.speeder_fraction:g} x the task median)"
            for t, a, lim in zip(time[rows], absolute[rows], limit[rows])
        ]

    return mask, why


def expected_tasks(attempts: pd.DataFrame, tasks: list[str] | None = None) -> pd.DataFrame:
    """participant -> how many tasks they attempted and how many were expected of them."""
    # distinct (participant, variant, task) first: categorical columns make this cheap, and the
    # text conversions below then run on a few rows per participant, not on every attempt
    did = attempts[["participant", "variant", "task"]].dropna(subset=["participant", "task"]).drop_duplicates()
    did = pd.DataFrame(
        {
            "participant": did["participant"].astype(str).to_numpy(),
            "task": did["task"].astype(str).to_numpy(),
            "variant": did["variant"].astype(object).where(did["variant"].notna(), "").astype(str).to_numpy(),
        }
    ).drop_duplicates(["participant", "task"])
    done = did.groupby("participant", sort=False)["task"].nunique()
    if tasks:
        wanted = set(map(str, tasks))
        done = (
            did[did["task"].isin(wanted)]
            .groupby("participant", sort=False)["task"]
            .nunique()
            .reindex(done.index, fill_value=0)
        )
        expected = pd.Series(len(wanted), index=done.index)
    else:
        variant = did.drop_duplicates("participant").set_index("participant")["variant"]
        per_variant = did.groupby("variant", sort=False)["task"].nunique()
        expected = variant.map(per_variant).reindex(done.index)
    return pd.DataFrame({"done": done, "expected": expected})


def _partial(attempts: pd.DataFrame, tasks: list[str] | None, everyone: pd.DataFrame):
    table = expected_tasks(everyone, tasks)
    participant = attempts["participant"]
    if not isinstance(participant.dtype, pd.CategoricalDtype):
        participant = participant.astype("category")
    names = participant.cat.categories.astype(str)
    done = np.r_[table["done"].reindex(names).to_numpy(dtype=np.float64), np.nan]
    expected = np.r_[table["expected"].reindex(names).to_numpy(dtype=np.float64), np.nan]
    codes = participant.cat.codes.to_numpy()  # -1 (missing) takes the trailing NaN
    mask = (done < expected)[codes]

    def why(rows: np.ndarray) -> list[str]:
        return [f"partial: did {d:.0f} of {e:.0f} tasks" for d, e in zip(done[codes[rows]], expected[codes[rows]])]

    return mask, why


def _outliers(attempts: pd.DataFrame, time: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_time = pd.Series(np.where(time > 0, np.log(np.where(time > 0, time, 1.0)), np.nan), index=attempts.index)
        grouped = log_time.groupby(attempts["task"], observed=True, sort=False)
        z = ((log_time - grouped.transform("mean")) / grouped.transform("std")).to_numpy(dtype=np.float64)
    return np.abs(z) > threshold, z


def idle_capped(attempts: pd.DataFrame) -> tuple[pd.DataFrame, int, float]:
    """Time on task with each pause counted up to the idle gap: (attempts, how many changed, seconds removed).

    Needs the ``_idle`` column that reading with ``idle_gap`` adds (see uxcli.readers.read).
    """
    if "_idle" not in attempts:
        if "_max_gap" in attempts and attempts["_max_gap"].notna().any():
            raise OptionError("capping idle time needs the data read with idle_gap= (uxcli.read(..., idle_gap=60))")
        return attempts, 0, 0.0  # no event logs: no pauses to cap
    idle = attempts["_idle"].to_numpy(dtype=np.float64)
    changed = np.nan_to_num(idle) > 0
    if not changed.any():
        return attempts, 0, 0.0
    out = attempts.copy()
    time = out["time"].to_numpy(dtype=np.float64)
    out["time"] = np.where(changed & ~np.isnan(time), np.round(time - np.nan_to_num(idle), 6), time)
    return out, int(changed.sum()), float(np.nansum(idle[changed]))
