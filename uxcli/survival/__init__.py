"""``uxcli survival``: time-to-success with censoring, as one library call on frozen options.

    inputs = uxcli.load_inputs(uxcli.ReadOptions(("sessions/",)))
    result = survival(inputs, SurvivalOptions(by=("task", "variant")))
    result.summary, result.curves, result.logrank, result.notes

The estimates live in uxcli.survival.estimate (numpy, pandas, scipy: imported only when computing), so the
CLI builds its options from here without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from uxcli.errors import OptionError

if TYPE_CHECKING:
    import pandas as pd

    from uxcli.pipeline import Inputs

SHOW = ("summary", "curve", "logrank")  # the frames a result holds, as ``--show`` names them
UNITS = ("participant", "attempt")
ASSISTED_AS = ("failure", "success")

TREATMENT = (
    "Kaplan–Meier (survival, median_*, km_success): every attempt without success is censored at its time "
    "(give-ups, failures, time-outs); Aalen–Johansen (cif_*, aj_*): give-ups (abandons) are a competing "
    "outcome, failures and time-outs censored; rummel_time: geometric mean of successful times ÷ completion "
    "rate (Rummel 2014)"
)


@dataclass(frozen=True)
class SurvivalOptions:
    """Groups (``by``: columns, "task" first as a rule), the unit of a record ("participant": one per
    participant × session × task, times summed over attempts until the first success; "attempt"), how
    assisted completions count, and the confidence of the pointwise log-log intervals."""

    by: tuple[str, ...] = ("task",)
    unit: str = "participant"
    assisted: str = "failure"
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if isinstance(self.by, str):
            raise OptionError(f"by wants a tuple of column names, e.g. ('task', 'variant'), not {self.by!r}")
        if self.unit not in UNITS:
            raise OptionError(f"--unit must be one of {', '.join(UNITS)}, not {self.unit!r}")
        if self.assisted not in ASSISTED_AS:
            raise OptionError(f"--assisted must be one of {', '.join(ASSISTED_AS)}, not {self.assisted!r}")
        if not 0 < self.confidence < 1:
            raise OptionError(f"--confidence must be between 0 and 1, not {self.confidence}")


@dataclass(frozen=True)
class SurvivalResult:
    """``summary``: one row per group (estimate.SUMMARY_COLUMNS); ``curves``: the step curves, one row per
    group and distinct time (estimate.CURVE_COLUMNS); ``logrank``: the two-group tests
    (estimate.LOGRANK_COLUMNS); ``notes``: what each number assumes and what was set aside."""

    summary: pd.DataFrame
    curves: pd.DataFrame
    logrank: pd.DataFrame
    notes: tuple[str, ...]
    options: SurvivalOptions

    def frame(self, show: str = "summary") -> pd.DataFrame:
        if show not in SHOW:
            raise OptionError(f"--show must be one of {', '.join(SHOW)}, not {show!r}")
        return {"summary": self.summary, "curve": self.curves, "logrank": self.logrank}[show]


def survival(inputs: Inputs, options: SurvivalOptions | None = None) -> SurvivalResult:
    """Kaplan–Meier, Aalen–Johansen and Rummel per group, and log-rank tests of two conditions."""
    from uxcli.errors import InputError
    from uxcli.tasks.metrics import resolve_by

    options = options or SurvivalOptions()
    dataset = inputs.with_groups(options.by)
    if dataset.attempts is None:
        raise InputError("survival needs the attempts: read without the streaming summary")
    by = resolve_by(dataset.attempts, list(options.by))
    return survival_of(dataset.attempts, by, options)


def survival_of(attempts: pd.DataFrame, by: list[str], options: SurvivalOptions) -> SurvivalResult:
    """The same, from an attempts frame and resolved group columns (the report's charts use this)."""
    from dataclasses import replace

    from uxcli.survival.estimate import estimate, units

    records = units(attempts, by, options.unit, options.assisted)
    summary, curves, logrank, skipped = estimate(records.frame, by, options.unit, options.confidence)
    what = (
        "one record per participant × task (× session): time summed over the attempts up to the first success, "
        "else over all attempts; the outcome is success if any attempt succeeded, else the last attempt's"
        if options.unit == "participant"
        else "one record per attempt, with its own time and outcome"
    )
    notes = [f"unit: {what}", f"treatment: {TREATMENT}"]
    if options.assisted == "success":
        notes.append("assisted completions count as successes (--assisted success)")
    if records.unknown:
        notes.append(
            f"{records.unknown} {options.unit}{'s' if records.unknown != 1 else ''} set aside: "
            "a time they need is unknown or negative"
        )
    notes.append(
        "median_ci_*: where the pointwise log-log interval curves cross 0.5 (Brookmeyer & Crowley 1982); "
        "empty when a curve never reaches 0.5"
    )
    notes.extend(skipped)
    return SurvivalResult(summary, curves, logrank, tuple(notes), replace(options, by=tuple(by)))
