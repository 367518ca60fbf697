"""Pseudonymous participant codes, so reports can be shared.

A code is ``p-`` and the first 6 hex digits of HMAC-SHA256(salt, participant id):
the same id and salt give the same code in every file and every run, and without
the salt the codes cannot be turned back into ids by trying likely ids (P01, P02,
…). Without a salt a random one is drawn, so codes differ from run to run. Should
two ids of one dataset share a 6-digit code, both get 12 digits instead.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PREFIX = "p-"
DIGITS = 6
LONG_DIGITS = 12


class Pseudonymizer:
    """Maps participant ids to salted codes and rewrites frames and messages with them."""

    def __init__(self, salt: str | None = None) -> None:
        self.random_salt = not salt
        self._key = (salt or secrets.token_hex(16)).encode("utf-8")
        self.codes: dict[str, str] = {}
        self._short: dict[str, str] = {}  # 6-digit code -> the first id that got it
        self._reverse: dict[str, str] | None = None

    def _digest(self, participant: str) -> str:
        return hmac.new(self._key, participant.encode("utf-8"), hashlib.sha256).hexdigest()

    def code(self, participant: object) -> str:
        key = str(participant)
        if key not in self.codes:
            self.learn([key])
        return self.codes[key]

    def learn(self, participants: Iterable[object]) -> dict[str, str]:
        """Codes for these ids (and every id seen before), collision-free among them."""
        for participant in participants:
            key = str(participant)
            if key in self.codes:
                continue
            self._reverse = None
            digest = self._digest(key)
            code = PREFIX + digest[:DIGITS]
            other = self._short.get(code)
            if other is None:
                self._short[code] = key
                self.codes[key] = code
            else:  # two ids share the short code: both get the long one
                self.codes[key] = PREFIX + digest[:LONG_DIGITS]
                self.codes[other] = PREFIX + self._digest(other)[:LONG_DIGITS]
        return self.codes

    def raw_for(self, code: str) -> str | None:
        """The id behind a code this pseudonymizer has handed out (for exclusion rules written with codes)."""
        if self._reverse is None:
            self._reverse = {known: raw for raw, known in self.codes.items()}
        return self._reverse.get(code)

    def frame(self, frame: pd.DataFrame, column: str = "participant") -> pd.DataFrame:
        """A copy of the frame with the column's ids replaced by codes (categoricals stay categoricals)."""
        import pandas as pd

        if frame is None or column not in frame:
            return frame
        out = frame.copy()
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = [str(c) for c in series.cat.categories]
            self.learn(categories)
            out[column] = series.cat.rename_categories([self.codes[c] for c in categories])
        else:
            present = series.dropna().astype(str).unique()
            self.learn(present)
            out[column] = series.map(lambda v: v if v is None or v != v else self.codes[str(v)])
        return out

    def text(self, message: str | None) -> str | None:
        """A message with every quoted id ("P03") replaced by its quoted code."""
        if not message or not self.codes:
            return message
        pattern = _pattern(tuple(sorted(self.codes, key=len, reverse=True)))
        return pattern.sub(lambda m: f'"{self.codes[m.group(1)]}"', message)

    def value(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self.codes.get(str(value).strip(), value)


_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


def _pattern(ids: tuple[str, ...]) -> re.Pattern:
    if ids not in _PATTERNS:
        _PATTERNS.clear()
        _PATTERNS[ids] = re.compile('"(' + "|".join(re.escape(i) for i in ids) + ')"')
    return _PATTERNS[ids]
