"""Problem discovery and planning (``uxcli problems``, ``uxcli plan``), one library call each on frozen options.

    matrix = read_problems("round1-problems.csv")          # a problem matrix or a long list
    result = discovery(matrix, DiscoveryOptions(goals=(0.8, 0.9)))
    result.p, result.total_estimate, result.needed, result.summary(), result.curve()

    plan(PlanOptions("margin", margins=(0.1,)))              # 93 participants for ±10 points at 95%
    plan(PlanOptions("time", ratio=0.8), observe(attempts))  # last round's log-time SD per task

The modules import numpy, pandas and scipy only inside functions, so the CLI builds options from here cheaply.
"""

from __future__ import annotations

from uxcli.planning.discovery import DiscoveryOptions, DiscoveryResult, discovery
from uxcli.planning.matrix import ProblemMatrix, read_problems
from uxcli.planning.sample_size import Observed, PlanOptions, PlanResult, observe, plan

__all__ = [
    "DiscoveryOptions",
    "DiscoveryResult",
    "Observed",
    "PlanOptions",
    "PlanResult",
    "ProblemMatrix",
    "discovery",
    "observe",
    "plan",
    "read_problems",
]
