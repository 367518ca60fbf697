"""Missing values, one way everywhere: None, NaN, pandas NA/NaT (no pandas import needed here)."""

from __future__ import annotations

import math
from typing import Any


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and anything that cannot be read as a float.

    A string counts as missing too (it is not a number): callers that show labels use label_text().
    """
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def is_missing_label(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT; a string (even "") is a label, not missing."""
    return not isinstance(value, str) and is_missing(value)


def label_text(value: Any, missing: str = "") -> str:
    """A cell or label as text: ``missing`` for a missing value, str(value) otherwise."""
    return missing if is_missing_label(value) else str(value)
