"""Navigation metrics from each attempt's events (``_events``, see uxcli.navigation.events).

A visit is an event with a ``target`` (page, screen or element); two visits in a row to the same target
(a click on "login", then the "login" page view) are one visit. Per attempt: S visits, N unique targets,
R the fewest visits needed.

- Lostness (Smith 1996, Behaviour & Information Technology 15(6)): L = √((N/S − 1)² + (R/N − 1)²).
- Path efficiency: R / S, over successful attempts.
- Backtracks: returns to a target visited before in the attempt (S − N).
- Direct success: a success with no backtrack and (when the study file gives the expected path) no
  visit off that path; indirect: every other success.
- First click: the target of the first ``click`` event; correct when it is one of the expected first
  targets. Success after a correct vs a wrong first click: the N−1 two-proportion test (uxcli.stats).
- Misclicks: clicks on no declared target (when the study file declares targets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from uxcli.errors import InputError
from uxcli.navigation.events import EVENTS_COLUMN

CLICK = 1  # uxcli.tasks.attempts.CLICK


def lostness(unique: float, visited: float, needed: float) -> float:
    """Smith (1996): L = √((N/S − 1)² + (R/N − 1)²); 0 is a perfect path, above about .5 users are lost."""
    if visited <= 0 or unique <= 0:
        return math.nan
    return math.sqrt((unique / visited - 1) ** 2 + (needed / unique - 1) ** 2)


@dataclass(frozen=True)
class TaskPlan:
    """What the study file says about one task's navigation."""

    path: tuple[str, ...] | None = None  # the expected path, first page included
    optimal: int | None = None  # the fewest visits needed (Smith's R), when no path is given
    first: tuple[str, ...] = ()  # the correct first-click targets
    targets: frozenset[str] | None = None  # declared targets (for misclicks)

    @property
    def needed(self) -> int | None:
        return len(self.path) if self.path else self.optimal

    @property
    def expected_first(self) -> tuple[str, ...]:
        if self.first:
            return self.first
        return (self.path[1],) if self.path and len(self.path) > 1 else ()


@dataclass(frozen=True)
class StudyPlan:
    tasks: dict[str, TaskPlan] = field(default_factory=dict)
    source: str | None = None

    def task(self, name: str) -> TaskPlan:
        return self.tasks.get(name, TaskPlan())


def _names(value: Any, what: str, file: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value).strip(),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v).strip() for v in value)
    raise InputError(f"{what} must be a target name or a list of them", file=file, value=str(value)[:60])


def study_plan(metadata: dict | None, file: str | None = None) -> StudyPlan:
    """Read ``tasks:`` (a mapping task → {path, optimal, first, targets}, or a list of such mappings with
    ``task:``) and a study-wide ``targets:`` list from a study file's settings."""
    metadata = metadata or {}
    shared = _names(metadata.get("targets"), "targets:", file)
    entries = metadata.get("tasks")
    if isinstance(entries, list):
        entries = {str(e.get("task", e.get("id"))): e for e in entries if isinstance(e, dict)}
    plans: dict[str, TaskPlan] = {}
    for name, spec in (entries or {}).items() if isinstance(entries, dict) else ():
        if not isinstance(spec, dict):
            continue
        path = _names(spec.get("path"), f"tasks: {name}: path:", file) or None
        optimal = spec.get("optimal")
        if optimal is not None and (isinstance(optimal, bool) or not isinstance(optimal, int) or optimal < 1):
            raise InputError(
                f"tasks: {name}: optimal: must be a whole number of visits (1 or more)", file=file, value=str(optimal)
            )
        first = _names(spec.get("first", spec.get("first_click")), f"tasks: {name}: first:", file)
        own = _names(spec.get("targets"), f"tasks: {name}: targets:", file)
        declared = frozenset((*own, *shared, *(path or ()), *first)) if (own or shared) else None
        plans[str(name)] = TaskPlan(path, optimal, first, declared)
    if shared:
        for name in set(map(str, metadata.get("tasks") or ())) - set(plans):
            plans[name] = TaskPlan(targets=frozenset(shared))
    return StudyPlan(plans, file)


def _visits(events: tuple) -> list[str]:
    out: list[str] = []
    for _t, _kind, _word, target in events:
        if target is not None and (not out or out[-1] != target):
            out.append(target)
    return out


def per_attempt(attempts: pd.DataFrame, plan: StudyPlan) -> pd.DataFrame:
    """One row per attempt that has events: visits S, unique N, backtracks, first click, misclicks, off path."""
    rows: list[dict[str, Any] | None] = []
    for events, task in zip(attempts[EVENTS_COLUMN], attempts["task"].astype(str)):
        if not isinstance(events, tuple):
            rows.append(None)
            continue
        task_plan = plan.task(task)
        visits = _visits(events)
        clicks = [target for _t, kind, _w, target in events if kind == CLICK]
        first = next((c for c in clicks if c is not None), None)
        declared = task_plan.targets
        rows.append(
            {
                "visits": len(visits),
                "unique": len(set(visits)),
                "first_click": first,
                "misclicks": sum(c is None or c not in declared for c in clicks) if declared is not None else np.nan,
                "off_path": bool(set(visits) - set(task_plan.path)) if task_plan.path else False,
            }
        )
    have = [r is not None for r in rows]
    frame = pd.DataFrame([r for r in rows if r is not None], index=attempts.index[np.array(have, dtype=bool)])
    return frame


@dataclass(frozen=True)
class NavigationResult:
    frame: pd.DataFrame
    notes: tuple[str, ...]


def navigation_table(attempts: pd.DataFrame, plan: StudyPlan, by: tuple[str, ...] = ("task",)) -> NavigationResult:
    """Navigation metrics per group (``by``) of the attempts that carry their events."""
    from uxcli.stats import two_proportion_n1

    notes: list[str] = []
    if EVENTS_COLUMN not in attempts.columns:
        attempts = attempts.assign(**{EVENTS_COLUMN: None})
    has = attempts[EVENTS_COLUMN].map(lambda e: isinstance(e, tuple) and any(x[3] is not None for x in e))
    without = int((~has).sum())
    if without:
        notes.append(
            f"{without} attempt{'s' if without != 1 else ''} without targeted events (attempt tables, summaries "
            "or event logs without a target column) left out of the navigation metrics"
        )
    used = attempts[has.to_numpy(dtype=bool)].copy()
    if used.empty:
        raise InputError(
            "no attempt has events with a target: navigation needs an event log with a target column "
            "(page, screen or element)",
            hint="add a target column to the event log, or map one with --map COLUMN=target",
        )
    nav = per_attempt(used, plan)
    used = used.join(nav)
    used["task"] = used["task"].astype(str)
    success = (used["outcome"].astype(str) == "success").to_numpy()
    needed: dict[str, float] = {}
    source: dict[str, str] = {}
    for task, group in used.groupby("task", sort=False):
        task_plan = plan.task(str(task))
        if task_plan.path:
            needed[task], source[task] = len(task_plan.path), "expected path"
        elif task_plan.optimal:
            needed[task], source[task] = task_plan.optimal, "optimal in study file"
        else:
            ok = group["visits"][group["outcome"].astype(str) == "success"]
            needed[task] = float(ok.min()) if len(ok) else np.nan
            source[task] = "shortest successful path observed" if len(ok) else "unknown (no success)"
    r = used["task"].map(needed).astype(float)
    used["R"] = r
    used["lostness"] = [lostness(n, s, rr) for n, s, rr in zip(used["unique"], used["visits"], r)]
    used["efficiency"] = np.where(success, r / used["visits"], np.nan)
    used["backtracks"] = used["visits"] - used["unique"]
    used["success"] = success
    used["direct"] = success & (used["backtracks"].to_numpy() == 0) & ~used["off_path"].to_numpy(dtype=bool)
    firsts = {str(t): plan.task(str(t)).expected_first for t in used["task"].unique()}
    used["first_known"] = used["task"].map(lambda t: bool(firsts[t])) & used["first_click"].notna()
    used["first_correct"] = [
        bool(known) and fc in firsts[t] for known, fc, t in zip(used["first_known"], used["first_click"], used["task"])
    ]
    by = tuple(by) or ("task",)
    unknown = [b for b in by if b not in used.columns or str(b).startswith("_")]
    if unknown:
        from uxcli.errors import OptionError

        known = [c for c in used.columns if not str(c).startswith("_") and c in attempts.columns]
        raise OptionError(f"--by {', '.join(unknown)}: no such column; choose from {', '.join(known)}")
    records = []
    for keys, g in used.groupby(list(by), sort=False, observed=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        tasks = list(dict.fromkeys(g["task"]))
        known = g[g["first_known"]]
        right, wrong = known[known["first_correct"]], known[~known["first_correct"]]
        test = two_proportion_n1(int(right["success"].sum()), len(right), int(wrong["success"].sum()), len(wrong))
        records.append(
            {
                **dict(zip(by, (str(k) for k in keys))),
                "attempts": len(g),
                "successes": int(g["success"].sum()),
                "optimal_visits": float(g["R"].iloc[0]) if len(tasks) == 1 else np.nan,
                "optimal_from": source[tasks[0]] if len(tasks) == 1 else "per task",
                "lostness": float(g["lostness"].mean()),
                "path_efficiency": float(g["efficiency"].mean()) if g["success"].any() else np.nan,
                "direct_successes": int(g["direct"].sum()),
                "indirect_successes": int((g["success"] & ~g["direct"]).sum()),
                "backtracks_per_attempt": float(g["backtracks"].mean()),
                "first_click_attempts": len(known),
                "first_click_correct": float(known["first_correct"].mean()) if len(known) else np.nan,
                "success_after_correct": f"{int(right['success'].sum())}/{len(right)}" if len(known) else "",
                "success_after_wrong": f"{int(wrong['success'].sum())}/{len(wrong)}" if len(known) else "",
                "first_click_z": test.statistic,
                "first_click_p": test.p_value,
                "misclicks_per_attempt": float(g["misclicks"].mean()) if g["misclicks"].notna().any() else np.nan,
            }
        )
    observed = sorted(t for t, s in source.items() if s.startswith("shortest"))
    if observed:
        notes.append(
            "the fewest visits needed (R) is the shortest successful path observed for "
            + ", ".join(observed)
            + ": the study file gives no expected path or optimal for them"
        )
    notes.append(
        "a visit is an event with a target; repeated targets in a row count once; path efficiency is over "
        "successful attempts"
    )
    return NavigationResult(pd.DataFrame.from_records(records), tuple(notes))


def navigation(inputs: Any, by: tuple[str, ...] = ("task",)) -> NavigationResult:
    """The library call behind ``uxcli navigation``: ``inputs`` read inside ``keeping_events()``."""
    study = inputs.preparation.study if inputs.preparation is not None else None
    plan = study_plan(study.metadata if study else None, study.path if study else None)
    attempts = inputs.with_groups(by).attempts
    result = navigation_table(attempts, plan, by)
    if study is None or not plan.tasks:
        notes = (
            "no study file with tasks: the shortest successful path stands in for the expected one; first "
            "clicks and misclicks need the study file's path:, first: or targets:",
        )
        result = NavigationResult(result.frame, result.notes + notes)
    return result
