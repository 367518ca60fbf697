"""Release gates: ``--fail-under success=0.8`` and friends, for usability checks in CI.

A rule is ``METRIC=TARGET`` (every task) or ``METRIC=TASK:TARGET`` (one task). Metrics:

==========  =====================================  ==========  =========================================
metric      figure checked                         passes if   interval used with ``--gate-on bound``
==========  =====================================  ==========  =========================================
success     completion rate (0.8 or 80%)           ≥ target    lower adjusted-Wald bound
time        geometric mean completion time (s)     ≤ target    upper log-t bound
errors      errors per attempt                     ≤ target    upper t bound
seq         mean SEQ rating (1–7)                  ≥ target    lower t bound
sus         mean SUS score (study-wide)            ≥ target    lower t bound
umux        mean UMUX-Lite SUS-equivalent          ≥ target    lower t bound
nps         Net Promoter Score (−100..100)         ≥ target    lower adjusted-Wald bound
csat        CSAT top-2-box share                   ≥ target    lower adjusted-Wald bound
==========  =====================================  ==========  =========================================

Which estimate is compared with the target: the **point estimate** by default (the figure the
team reads in the summary). With the 5–10 participants of a typical test the pessimistic end of a
95% interval sits far from the observed figure (8 successes of 8 have a lower bound of 0.63), so a
gate on the bound could only be passed by large studies. ``--gate-on bound`` uses that pessimistic
end instead (lower bound for higher-is-better metrics, upper bound for time and errors): the gate
then passes only when the data show the target is met with the chosen confidence.

A success gate's point estimate is the **observed rate** x/n, not the best point estimate of
``success_best_estimate`` (Lewis & Sauro 2006, which pulls small-sample rates towards 50%: 5/5 → 0.857).
That estimate minimises the expected error of a *reported* rate; a gate is a decision on the figure
the team reads beside its interval, and the uncertainty of a small sample is what ``--gate-on bound``
is for. Mixing the two would fail 5 successes of 5 against 0.9 in point mode while the summary says 100%.

A success gate reads the summary's success_rate and its interval, so it counts what the rates count:
participants by default (one outcome per participant × task: success in any attempt; ``--unit attempt``
counts attempts), and ``--gate-on bound`` uses the participants' adjusted-Wald lower bound.

A figure equal to its target up to a relative 1e-9 (floating-point rounding: a geometric mean of
30 s, 30 s, 30 s computes as 30.000000000000004) meets it.

A time gate with ``--gate-on bound`` passes when the upper log-t bound is at or below the target; with
``--benchmark`` and a study time_limit the summary's time verdict reads the same bound ("faster than the
target" iff it is below), which is the one-sided t test of log times at alpha = (1 − C)/2.

Pure: rules are parsed and checked here; the CLI prints failures and picks the exit code.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import pandas as pd

from uxcli.errors import OptionError
from uxcli.questionnaires.instruments import gate_metrics

GATE_MODES = ("point", "bound")
TOLERANCE = 1e-9  # relative: a figure this close to its target meets it (floating-point rounding)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: str  # column (per-group metrics) or key (study-wide metrics)
    low: str
    high: str
    higher_is_better: bool
    per_task: bool
    unit: str = ""  # "fraction", "seconds" or ""


METRICS: dict[str, Metric] = {
    "success": Metric(
        "success", "success rate", "success_rate", "success_ci_low", "success_ci_high", True, True, "fraction"
    ),
    "time": Metric(
        "time", "time (geometric mean)", "time_geomean", "time_ci_low", "time_ci_high", False, True, "seconds"
    ),
    "errors": Metric(
        "errors", "errors per attempt", "errors_per_attempt", "_errors_ci_low", "_errors_ci_high", False, True
    ),
    # questionnaire metrics come from the instruments' registry: a new gated instrument needs no edit here
    **{
        g.key: Metric(g.key, g.label, g.value, g.low, g.high, g.higher_is_better, g.per_task, g.unit)
        for g in gate_metrics()
    },
}
ALIASES = {
    "success_rate": "success",
    "completion": "success",
    "error": "errors",
    "errors_per_attempt": "errors",
    **{alias: g.key for g in gate_metrics() for alias in g.aliases},
}


@dataclass(frozen=True)
class Rule:
    metric: Metric
    target: float
    task: str | None
    text: str


@dataclass(frozen=True)
class Failure:
    rule: Rule
    where: str  # task "apply-coupon", or "overall" for study-wide metrics
    message: str

    def __str__(self) -> str:
        return self.message


def parse_rule(text: str) -> Rule:
    """``success=0.8``, ``success=80%``, ``time=checkout:120``, ``sus=68`` -> Rule (OptionError if bad)."""
    name, sep, rest = text.partition("=")
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if not sep or key not in METRICS:
        choices = ", ".join(METRICS)
        raise OptionError(
            f"--fail-under wants METRIC=TARGET or METRIC=TASK:TARGET with METRIC one of {choices}; got {text!r}"
        )
    metric = METRICS[key]
    named, colon, number = rest.rpartition(":")
    task = named.strip() if colon else None
    if colon and not task:
        raise OptionError(f"--fail-under {text!r}: the task name before ':' is empty")
    if task is not None and not metric.per_task:
        raise OptionError(f"--fail-under {text!r}: {metric.label} is study-wide, not per task")
    target = _target(number.strip(), metric, text)
    return Rule(metric, target, task, text)


def _target(number: str, metric: Metric, text: str) -> float:
    percent = number.endswith("%")
    raw = number[:-1].strip() if percent else number
    if metric.unit == "seconds" and raw.lower().endswith("s"):
        raw = raw[:-1]
    try:
        value = float(raw)
    except ValueError:
        raise OptionError(f"--fail-under {text!r}: {number!r} is not a number") from None
    if math.isnan(value):
        raise OptionError(f"--fail-under {text!r}: the target is not a number")
    if metric.unit == "fraction":
        if percent:
            value /= 100
        if not 0 <= value <= 1:
            raise OptionError(f"--fail-under {text!r}: {metric.label} is a fraction 0-1 (0.8) or a percent (80%)")
    elif percent:
        raise OptionError(f"--fail-under {text!r}: a percent only makes sense for success and csat")
    if metric.unit == "seconds" and value <= 0:
        raise OptionError(f"--fail-under {text!r}: the time limit must be positive")
    return value


def parse_rules(texts: list[str] | None) -> list[Rule]:
    return [parse_rule(text) for text in texts or []]


def describe_mode(mode: str, metric: Metric, confidence: float) -> str:
    if mode == "point":
        return "point estimate"
    side = "lower" if metric.higher_is_better else "upper"
    return f"{side} bound of the {confidence:.0%} CI"


def _figure(value: float, metric: Metric) -> str:
    if metric.unit == "fraction":
        return f"{value:.2f}"
    if metric.unit == "seconds":
        return f"{value:.1f} s"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _untested(rule: Rule, where: str, values: dict, mode: str, how: str) -> str:
    """Why a rule could not be tested: no figure at all, or (``--gate-on bound``) an estimate
    without the interval bound: fewer than 2 values, or identical values (stats returns NaN)."""
    metric = rule.metric
    point = values.get(metric.value)
    if mode == "bound" and point is not None and not pd.isna(point):
        return (
            f"{where}: {metric.label} {_figure(float(point), metric)} has no {how} (too few values, or no "
            f"variation); could not be tested (rule {rule.text}, {how})"
        )
    return f"{where}: no {metric.label} to check{_source_hint(rule)}; could not be tested (rule {rule.text}, {how})"


def _source_hint(rule: Rule) -> str:
    """Where a questionnaire metric's answers come from, for a gate that found none."""
    from uxcli.questionnaires.instruments import INSTRUMENTS

    for name, instrument in INSTRUMENTS.items():
        if instrument.gate is not None and instrument.gate.key == rule.metric.key:
            key = name.replace("-", "_")
            return (
                f" (no {rule.metric.key.upper()} data: give YAML sessions with questionnaires: {{{key}: ...}} "
                f"answers, or check a survey export with: uxcli {name} FILE --fail-under {rule.text})"
            )
    return ""


def _check_one(rule: Rule, where: str, values: dict, mode: str, confidence: float) -> Failure | None:
    metric = rule.metric
    column = metric.value if mode == "point" else (metric.low if metric.higher_is_better else metric.high)
    how = describe_mode(mode, metric, confidence)
    figure = values.get(column)
    if figure is None or pd.isna(figure):
        return Failure(rule, where, _untested(rule, where, values, mode, how))
    figure = float(figure)
    target = rule.target
    # equal up to rounding passes: exp(mean(ln 30)) is 30.000000000000004, and a gate at 30 s must pass
    tied = math.isclose(figure, target, rel_tol=TOLERANCE)
    passed = tied or (figure >= target if metric.higher_is_better else figure <= target)
    if passed:
        return None
    sign = "<" if metric.higher_is_better else ">"
    shown = f"{metric.label} {_figure(figure, metric)}"
    if mode == "bound":  # name the bound, and the estimate it belongs to: "time upper 95% bound 97.1 s (...)"
        name, _, estimate = metric.label.partition(" (")
        estimate = estimate.rstrip(")") or "point estimate"
        point = values.get(metric.value)
        of = "" if point is None or pd.isna(point) else f" ({estimate} {_figure(float(point), metric)})"
        side = "lower" if metric.higher_is_better else "upper"
        shown = f"{name} {side} {confidence:.0%} bound {_figure(figure, metric)}{of}"
    return Failure(rule, where, f"{where}: {shown} {sign} {_figure(target, metric)} (rule {rule.text}, {how})")


def _where(row: pd.Series, by: list[str]) -> str:
    if not by:
        return "overall"
    return ", ".join(f'{column} "{row[column]}"' for column in by)


def check(
    rules: list[Rule],
    groups: pd.DataFrame | None = None,
    by: list[str] | None = None,
    study: dict | None = None,
    *,
    mode: str = "point",
    confidence: float = 0.95,
    scope: str = "overall",
) -> tuple[list[Failure], int]:
    """Check rules against per-group rows (a summary frame, with its group columns ``by``) and
    study-wide figures (``study``: sus_mean, sus_ci_low, ...). Returns (failures, checks made).

    ``scope`` names where the study-wide figures come from in messages ("overall", or a group with --by:
    'Design "A"').

    A metric the data have no figure for fails its rule (a gate must not pass on missing data),
    and so does a bound the data cannot give (``mode="bound"`` on one value or on identical values:
    no interval): the message says the rule could not be tested.
    A rule naming a task that is not in the data, or needing a task column that the grouping
    lacks, is an OptionError.
    """
    if mode not in GATE_MODES:
        raise OptionError(f"--gate-on must be one of {', '.join(GATE_MODES)}, not {mode!r}")
    by = list(by or [])
    failures: list[Failure] = []
    checks = 0
    for rule in rules:
        metric = rule.metric
        if not metric.per_task or groups is None:
            checks += 1
            failure = _check_one(rule, scope, study or {}, mode, confidence)
            if failure:
                failures.append(failure)
            continue
        rows = groups
        if rule.task is not None:
            if "task" not in by:
                raise OptionError(
                    f"--fail-under {rule.text!r} names a task, but the rows are grouped by "
                    f"{', '.join(by) or 'nothing'}; add task to --by"
                )
            tasks = [str(t) for t in pd.unique(groups["task"].astype(object))]
            if rule.task not in tasks:
                guess = difflib.get_close_matches(rule.task, tasks, n=1, cutoff=0.6)
                hint = f' (did you mean "{guess[0]}"?)' if guess else f" (tasks: {', '.join(tasks)})"
                raise OptionError(f"--fail-under {rule.text!r}: no task {rule.task!r} in the data{hint}")
            rows = groups[groups["task"].astype(object).astype(str) == rule.task]
        for _, row in rows.iterrows():
            checks += 1
            failure = _check_one(rule, _where(row, by), row.to_dict(), mode, confidence)
            if failure:
                failures.append(failure)
    return failures, checks


@dataclass(frozen=True)
class GateVerdict:
    """What ``--fail-under`` found: the rules, the failures and how many checks were made.

    The library decides and words the verdict; the CLI prints ``messages()`` on stderr and exits 1
    when ``failed``.
    """

    rules: tuple[Rule, ...] = ()
    failures: tuple[Failure, ...] = ()
    checks: int = 0
    mode: str = "point"

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def messages(self) -> list[str]:
        """One line per failure, or one line saying every check passed; nothing without rules."""
        if not self.rules:
            return []
        if self.failures:
            return [f"gate failed: {failure}" for failure in self.failures]
        estimate = "point estimates" if self.mode == "point" else "pessimistic CI bounds"
        plural = "s" if self.checks != 1 else ""
        return [f"gates passed: {self.checks} check{plural} of {', '.join(r.text for r in self.rules)} on {estimate}"]

    def summary(self) -> str:
        """The error line when gates failed: '2 of 5 gate checks failed'."""
        return f"{len(self.failures)} of {self.checks} gate check{'s' if self.checks != 1 else ''} failed"


def evaluate(
    rules: list[Rule],
    groups: pd.DataFrame | None = None,
    by: list[str] | None = None,
    study: dict | None = None,
    *,
    mode: str = "point",
    confidence: float = 0.95,
    scope: str = "overall",
) -> GateVerdict:
    """check() as a GateVerdict (no rules: an empty verdict, nothing checked)."""
    if not rules:
        return GateVerdict(mode=mode)
    failures, checks = check(rules, groups, by, study, mode=mode, confidence=confidence, scope=scope)
    return GateVerdict(tuple(rules), tuple(failures), checks, mode)
