"""Durations as people type them, and as uxcli prints them.

A cell is one of

* a bare number (``83``, ``83.5``): in the column's unit (its header or ``--time-unit``; seconds by default);
* a clock: ``m:ss`` (``1:23``), ``m:ss.f`` (``1:23.45``), ``h:mm:ss`` (``00:01:23``, ``00:01:23.5``);
* numbers with units, largest first: ``83s``, ``83 sec``, ``1m 23s``, ``1 min 23 s``, ``1.5 min``,
  ``1h 2m 3s``, ``1500 ms``: what :func:`uxcli.render.formatting.format_duration` prints (``2.1s``,
  ``2m 34s``, ``3h 12m 55s``) reads back as the value it shows.

Each value names its unit or takes the column's, so one column may mix them. Everything is vectorised
over the column (pandas ``str.extract``); anything else is NaN for the caller to report with its line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_UNIT_PARTS = {  # group -> (unit words, seconds per unit); longer words first so "min" is not "m" + "in"
    "h": (("hours", "hour", "hrs", "hr", "h"), 3600.0),
    "m": (("minutes", "minute", "mins", "min", "m"), 60.0),
    "s": (("seconds", "second", "secs", "sec", "s"), 1.0),
    "ms": (("milliseconds", "millisecond", "msecs", "msec", "ms"), 0.001),
}
# "1h 2m 3s", "1 min 23 s", "83s", "1.5 min", "2m, 34s", "1h2m": each part optional, in this order
_WITH_UNITS = (
    r"^(?=\s*[\d.])"
    + "".join(
        rf"(?:(?P<{name}>{_NUMBER})\s*(?:{'|'.join(words)})(?![a-z])[\s,]*)?"
        for name, (words, _) in _UNIT_PARTS.items()
    )
    + r"$"
)
_CLOCK = r"^(?:(?P<hh>\d+):(?=\d\d?:))?(?P<mm>\d+):(?P<ss>\d\d?(?:\.\d*)?)$"  # h:mm:ss(.f) or m:ss(.f)
_BARE = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$"
HINT = "write seconds (83.5), m:ss (1:23), h:mm:ss (1:02:03) or with units (1m 23s, 1.5 min, 83 s)"
WHAT = "a time"  # the hint (HINT) lists the forms


def written_units(text: pd.Series) -> np.ndarray:
    """Which cells write their own unit (a clock or a unit word), as opposed to a bare number."""
    return text.astype(str).str.contains(r"[:A-Za-z]", regex=True).to_numpy(dtype=bool)


def parse_durations(values: pd.Series, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, bare) for a column of duration texts: ``bare`` marks plain numbers, whose unit is the
    column's (the caller converts them); seconds is NaN for empty or unreadable cells. ``decimal_comma``
    (decided for the whole column by the caller) reads "1,5 min" and "1:23,5" as decimals."""
    text = values.astype(str).str.strip().str.lower()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    # a sign before a clock or units ("−2m 5s", as format_duration prints a negative difference)
    sign = np.where(text.str.match(r"^[-−]\s*[\d.]").to_numpy(dtype=bool), -1.0, 1.0)
    text = text.str.replace(r"^[-−+]\s*(?=[\d.].*[:a-z])", "", regex=True)
    bare_mask = text.str.match(_BARE).to_numpy(dtype=bool)
    seconds = np.full(len(text), np.nan)
    seconds[bare_mask] = pd.to_numeric(text[bare_mask], errors="coerce").to_numpy(dtype=np.float64)
    rest = ~bare_mask & (text != "").to_numpy(dtype=bool)
    if rest.any():
        sub = text[rest]
        clock = sub.str.extract(_CLOCK).apply(pd.to_numeric, errors="coerce")
        hh, mm, ss = (clock[c].to_numpy(dtype=np.float64) for c in ("hh", "mm", "ss"))
        has_hours = ~np.isnan(hh)
        valid = ~np.isnan(mm) & (ss < 60) & (~has_hours | (mm < 60))
        by_clock = np.where(valid, np.nan_to_num(hh) * 3600 + mm * 60 + ss, np.nan)
        parts = sub.str.extract(_WITH_UNITS).apply(pd.to_numeric, errors="coerce")
        named = parts.notna().any(axis=1).to_numpy()
        total = sum(
            parts[name].fillna(0).to_numpy(dtype=np.float64) * scale for name, (_, scale) in _UNIT_PARTS.items()
        )
        by_units = np.where(named, total, np.nan)
        seconds[rest] = np.where(np.isnan(by_clock), by_units, by_clock) * sign[rest]
    return seconds, bare_mask


def parse_duration(text: str, unit_seconds: float = 1.0) -> float:
    """One duration as seconds (a bare number in units of ``unit_seconds``); NaN when unreadable."""
    seconds, bare = parse_durations(pd.Series([str(text)]))
    return float(seconds[0] * unit_seconds) if bare[0] else float(seconds[0])
