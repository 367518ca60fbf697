"""Human-friendly formatting of report values (durations, percentages, intervals).

Pure functions without pandas; a missing value (None or NaN) is shown as an em dash.
"""

from __future__ import annotations

from typing import Any

from uxcli.values import is_missing

MISSING = "—"
DASH = "–"  # en dash, used between interval bounds


def format_duration(seconds: Any) -> str:
    """Seconds as "5.2s", "42s", "1m 33s" or "1h 2m 5s"; "—" when missing.

    Under ten seconds one decimal is kept; longer times are rounded to whole seconds.
    """
    if is_missing(seconds):
        return MISSING
    value = float(seconds)
    sign = "−" if value < 0 else ""
    value = abs(value)
    if round(value, 1) < 10:
        return f"{sign}{value:.1f}s"
    total = int(round(value))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{sign}{minutes}m {secs}s"
    return f"{sign}{secs}s"


def format_percent(fraction: Any, digits: int = 0) -> str:
    """A fraction 0–1 as a percentage: 0.8 -> "80%"; "—" when missing."""
    if is_missing(fraction):
        return MISSING
    return f"{float(fraction) * 100:.{digits}f}%"


def format_number(value: Any, digits: int = 2) -> str:
    """A number with `digits` decimals ("1.25"); integral counts stay integral; "—" when missing."""
    if is_missing(value):
        return MISSING
    number = float(value)
    if digits == 0:
        return f"{number:.0f}"
    return f"{number:.{digits}f}"


def format_count(value: Any) -> str:
    """A count as an integer ("12"); "—" when missing."""
    if is_missing(value):
        return MISSING
    return f"{int(round(float(value)))}"


def format_percent_interval(value: Any, low: Any, high: Any, digits: int = 0) -> str:
    """ "80% (36–98%)"; the interval is left out when either bound is missing."""
    text = format_percent(value, digits)
    if text == MISSING or is_missing(low) or is_missing(high):
        return text
    low_text = f"{float(low) * 100:.{digits}f}"
    return f"{text} ({low_text}{DASH}{format_percent(high, digits)})"


def format_duration_interval(value: Any, low: Any, high: Any) -> str:
    """ "1m 33s (1m 2s–2m 20s)"; the interval is left out when either bound is missing."""
    text = format_duration(value)
    if text == MISSING or is_missing(low) or is_missing(high):
        return text
    return f"{text} ({format_duration(low)}{DASH}{format_duration(high)})"


def format_number_interval(value: Any, low: Any, high: Any, digits: int = 2) -> str:
    """ "0.25 (0.10–0.40)"; the interval is left out when either bound is missing."""
    text = format_number(value, digits)
    if text == MISSING or is_missing(low) or is_missing(high):
        return text
    return f"{text} ({format_number(low, digits)}{DASH}{format_number(high, digits)})"


def format_p_value(value: Any) -> str:
    """p values as "0.032" or "<0.001"; "—" when missing."""
    if is_missing(value):
        return MISSING
    number = float(value)
    if number < 0.001:
        return "<0.001"
    return f"{number:.3f}"


def format_confidence(confidence: float) -> str:
    """0.95 -> "95%", 0.9 -> "90%", 0.995 -> "99.5%"."""
    percent = confidence * 100
    if abs(percent - round(percent)) < 1e-9:
        return f"{int(round(percent))}%"
    return f"{percent:g}%"
