"""The study design rules shared by every comparison: when are two groups the same people?

A study has participants, conditions (design variants, methods, prototypes), rounds (test
iterations) and tasks. Task comparisons (tasks/compare.py) and questionnaire comparisons use the
one rule below, so a researcher gets the same answer from ``compare``, ``report``, ``chart`` and
the questionnaire commands.

Pairing ("auto"): two groups are the same people (within subjects, paired tests) only when they
share participant ids *and* the grouping is a condition inside the same input files. Rounds are
different people unless the user says otherwise (``--pairing paired``): ids such as P01…P12
restart in every round, so a shared id across rounds is not evidence of one person. A grouping is
a round when

* it is the input the rows came from (``--by file``: the path as given on the command line), or
* the two groups' rows come from disjoint sets of input files, or
* its column is named like a round (ROUND_WORDS: "Round", "iteration", "wave", …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILE_GROUP = "file"  # the pseudo-column: which input (as given on the command line) a row came from
PAIRINGS = ("auto", "paired", "independent")
ROUND_WORDS = ("round", "iteration", "wave", "sprint", "cycle", "phase", "rnd")
_WORDS = re.compile(r"[a-z]+")


def is_round_column(name: str) -> bool:
    """True for a grouping that names rounds: ``file`` or a column named like a round."""
    words = _WORDS.findall(str(name).lower())
    return name == FILE_GROUP or any(w in ROUND_WORDS for w in words)


@dataclass(frozen=True)
class PairingDecision:
    paired: bool
    reason: str  # one sentence for notes and captions


def decide_pairing(by: str, shared: int, *, pairing: str = "auto", cross_file: bool = False) -> PairingDecision:
    """Whether two groups of ``by`` are paired (the same people).

    ``shared`` is how many participant ids appear in both groups; ``cross_file`` is True when the
    two groups' rows come from disjoint sets of input files.
    """
    if pairing == "paired":
        return PairingDecision(True, "paired as asked (--pairing paired): the same ids are the same people")
    if pairing == "independent":
        return PairingDecision(False, "independent as asked (--pairing independent)")
    if not shared:
        return PairingDecision(False, "between subjects: no participant is in both groups")
    if is_round_column(by) or cross_file:
        why = "the groups are rounds" if is_round_column(by) else "the groups come from different files"
        return PairingDecision(
            False,
            f"between subjects: {why}, so the {shared} shared participant id(s) are taken as different "
            f"people (--pairing paired if they are the same people)",
        )
    return PairingDecision(True, f"within subjects: {shared} participant(s) are in both groups (paired tests)")
