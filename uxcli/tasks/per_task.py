"""Numbers given per task: ``--time-spec checkout=120``, ``--opportunities 5``, or the study file's
``tasks: {checkout: {time_limit: 120}}``. Light on purpose: options check themselves with it before
any file is read, so it must not import the statistics (scipy.stats alone takes most of a second)."""

from __future__ import annotations

import math
from typing import Any

from uxcli.errors import OptionError


def parse_task_numbers(entries: list[str] | None, option: str) -> dict[str | None, float]:
    """``["checkout=120", "90"]`` -> {"checkout": 120.0, None: 90.0} (None: every task)."""
    out: dict[str | None, float] = {}
    for entry in entries or []:
        task, sep, number = entry.rpartition("=")
        try:
            value = float(number.strip().removesuffix("s"))
        except ValueError:
            raise OptionError(f"{option} wants TASK=NUMBER (or NUMBER for every task), got {entry!r}") from None
        if not value > 0:
            raise OptionError(f"{option} {entry!r}: the number must be positive")
        key = task.strip() if sep else None
        if sep and not key:
            raise OptionError(f"{option} {entry!r}: the task name before '=' is empty")
        out[key] = value
    return out


def study_number(study: dict | None, task: str, key: str) -> float:
    """study.tasks.TASK.<key> as a positive number; NaN when absent or not a positive number."""
    meta = ((study or {}).get("tasks") or {}).get(task)
    value: Any = meta.get(key) if isinstance(meta, dict) else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if number > 0 else math.nan


def number_for(given: dict[str | None, float], task: str | None, study: dict | None, key: str) -> float:
    """The option's TASK=N, else its N for every task, else the study file's; NaN when none."""
    if task is not None and task in given:
        return given[task]
    if None in given:
        return given[None]
    return study_number(study, task, key) if task is not None else math.nan


def check_task_names(given: dict[str | None, float], tasks: list[str], option: str) -> None:
    """Refuse TASK=N for a task the data does not have, naming the tasks it has."""
    unknown = [t for t in given if t is not None and t not in tasks]
    if unknown:
        raise OptionError(f"{option}: no task {unknown[0]!r} in the data (tasks: {', '.join(tasks)})")
