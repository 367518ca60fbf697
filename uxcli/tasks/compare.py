"""Compare two groups (design variants, rounds) task by task (QUX ch. 5).

The unit of analysis is the participant: within a group each participant contributes one
observation per task, so the tests' independence (between subjects) and pairing (within subjects)
assumptions hold even when people retried a task.

* completion: the outcome of the participant's final attempt at the task (a retry that ends in
  success counts as a success, once); an assisted one is a failure unless ``assisted="success"``
  (--assisted), and a note counts them either way;
* time: the participant's completion time, when that final attempt succeeded (positive times);
* errors per attempt: the participant's errors divided by their attempts at the task.

``value_a``/``value_b`` are therefore participant-level figures: the share of participants who
completed, the geometric mean completion time, the mean of the participants' errors per attempt.
They can differ from ``uxcli summary``, which counts attempts, when people retried.

Pairing follows the one rule of uxcli.design.decide_pairing, per task: participants who attempted
the task in both groups make it within-subjects (paired tests on those participants; anyone who
did only one group is left out and reported) only when the groups are conditions inside the same
files. Rounds are different people: grouping by ``file`` (the input each row came from), by a
column named like a round, or groups whose rows come from disjoint files give independent tests
even when ids repeat, and a note says why. ``pairing`` ("paired", "independent") forces either.

Tests: completion between subjects by the N−1 two-proportion test, or Fisher's exact test when an
expected cell count is below 1 (stats.compare_proportions); within subjects by McNemar's test,
mid-p variant (stats.compare_paired_proportions; QUX 2nd ed. ch. 5, Fagerland, Lydersen & Laake
2013). Time by a t test on log times, Welch or paired (stats.compare_log_times), reported as the
ratio of geometric means B/A. Errors per attempt by Welch's or the paired t test
(stats.compare_means). Differences are B − A.

Too few to test: a t test (time, errors) needs at least MIN_N = 3 observations in each group (3
pairs when paired). With 2 the t quantile has 1 degree of freedom (12.7 at 95%) and the interval
spans orders of magnitude (a ratio of 2e-06 to 331,800 was printed); such rows keep the observed
difference but their p value and interval are NaN and the test column says "too few (n < 3)".
Completion rows are exempt: the exact tests and adjusted-Wald intervals are defined at any n.

With more than one task, one more row per metric has task ALL_TASKS ("(all tasks)"): see
all_tasks_rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.design import PAIRINGS, decide_pairing
from uxcli.errors import OptionError
from uxcli.questionnaires.scoring import p_text
from uxcli.tasks.metrics import resolve_by

# what every comparison row says of its two groups, tasks' and questionnaires' alike
GROUP_DIFFERENCE = ["group_a", "group_b", "value_a", "value_b", "difference", "ci_low", "ci_high", "p_value", "test"]
COMPARE_COLUMNS = ["task", "metric", *GROUP_DIFFERENCE]
MIN_N = 3  # fewest observations per group (pairs when paired) for a t test on a comparison row
ALL_TASKS = "(all tasks)"


@dataclass
class TaskDesign:
    task: str
    paired: bool
    n_a: int  # participants in group A (in the pairs, when paired)
    n_b: int
    left_out: int = 0  # participants who did only one group of a paired comparison

    def describe(self) -> str:
        if self.paired:
            text = f"within subjects ({self.n_a} participants did both)"
            if self.left_out:
                text += f"; {self.left_out} who did only one left out"
            return text
        return f"between subjects ({self.n_a} vs {self.n_b} participants)"


@dataclass
class Comparison:
    frame: pd.DataFrame  # COMPARE_COLUMNS (+ hidden _design)
    by: str
    group_a: str
    group_b: str
    designs: list[TaskDesign]
    notes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why paired or not (uxcli.design.decide_pairing)

    def design_summary(self) -> str:
        kinds = {d.paired for d in self.designs}
        if kinds == {True}:
            return "within subjects: the same participants did both (paired tests)"
        if kinds == {False}:
            why = next((r for r in self.reasons if not r.startswith("between subjects: no participant")), None)
            if why and why.startswith("independent as asked"):
                return "independent tests, as asked (--pairing independent)"
            if why:
                return "between subjects: ids repeat across the groups but are taken as different people (independent tests)"
            return "between subjects: different participants in each group (independent tests)"
        paired = [d.task for d in self.designs if d.paired]
        return f"mixed: within subjects for {', '.join(paired)}; between subjects for the other tasks"


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def pick_groups(values: list[str], by: str, a: str | None, b: str | None) -> tuple[str, str]:
    """The two groups to compare: --a/--b, or the first two values in order of appearance."""
    shown = ", ".join(repr(v) for v in values)
    for name, given in (("--a", a), ("--b", b)):
        if given is not None and given not in values:
            raise OptionError(f"{name} {given!r}: no such {by} in the data (values: {shown})")
    if a is not None and b is not None:
        if a == b:
            raise OptionError(f"--a and --b are both {a!r}; name two different {by} values")
        return a, b
    if len(values) < 2:
        found = f"only {shown}" if values else "no values"
        raise OptionError(
            f"compare needs two {by} values, the data have {found}",
            hint="choose the groups with --by (e.g. --by session)",
        )
    if a is not None:
        return a, _other_group(values, a, by, shown, "--b")
    if b is not None:
        return _other_group(values, b, by, shown, "--a"), b
    if len(values) > 2:
        raise OptionError(f"{by} has {len(values)} values ({shown}); choose two with --a and --b")
    return values[0], values[1]


def _other_group(values: list[str], given: str, by: str, shown: str, option: str) -> str:
    """The one value besides ``given``; with more, the user names it with ``option``."""
    others = [v for v in values if v != given]
    if len(others) != 1:
        raise OptionError(f"{by} has {len(values)} values ({shown}); name the other group with {option}")
    return others[0]


def _per_participant(attempts: pd.DataFrame, by: str, assisted: str = "failure") -> pd.DataFrame:
    """One row per participant × task × group: final outcome, completion time, errors per attempt
    (``assisted``: whether an assisted final outcome is a success; the ``assisted`` column flags them)."""
    frame = pd.DataFrame(
        {
            "participant": attempts["participant"].astype(object).map(_text),
            "task": attempts["task"].astype(object).map(_text),
            "group": attempts[by].astype(object).map(_text),
            "outcome": attempts["outcome"].astype(str),
            "time": attempts["time"].to_numpy(dtype=np.float64),
            "errors": attempts["errors"].to_numpy(dtype=np.float64),
        }
    )
    frame = frame[frame["group"].notna() & frame["participant"].notna()]
    keys = ["task", "group", "participant"]
    grouped = frame.groupby(keys, sort=False)
    last = grouped.tail(1).set_index(keys)
    unknown = last["outcome"].isna() | last["outcome"].isin(["nan", "None"])
    helped = last["outcome"] == "assisted"
    success = (last["outcome"] == "success") | (helped & (assisted == "success"))
    out = pd.DataFrame(
        {
            # no outcome (a table of times only): success unknown, the time is a completion time
            "success": np.where(unknown, np.nan, success.astype(np.float64)),
            "time": np.where((success | unknown) & (last["time"] > 0), last["time"], np.nan),
            "errors": grouped["errors"].mean(),
            "assisted": helped.to_numpy(),
        }
    )
    return out.reset_index()


def _aligned(rows_a: pd.DataFrame, rows_b: pd.DataFrame, column: str, people: list[str]):
    a = rows_a.set_index("participant")[column].reindex(people).to_numpy(dtype=np.float64)
    b = rows_b.set_index("participant")[column].reindex(people).to_numpy(dtype=np.float64)
    return a, b


def _geomean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.exp(np.mean(np.log(values)))) if values.size else math.nan


def _tested(result: stats.Comparison, n: int, paired: bool) -> stats.Comparison:
    """``result``, or the same difference flagged too few to test when n < MIN_N (module docstring)."""
    if n >= MIN_N:
        return result
    why = f"too few (n < {MIN_N} pairs)" if paired else f"too few (n < {MIN_N})"
    return stats.Comparison(result.difference, math.nan, math.nan, math.nan, why, math.nan)


def _count(values: np.ndarray) -> int:
    return int(np.sum(~np.isnan(values)))


def _row(task, metric, a, b, value_a, value_b, result: stats.Comparison, design: TaskDesign) -> dict:
    subjects = "within subjects" if design.paired else "between subjects"
    return {
        "task": task,
        "metric": metric,
        "group_a": a,
        "group_b": b,
        "value_a": value_a,
        "value_b": value_b,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "test": f"{result.test}, {subjects}",
        "_design": design.describe(),
        "_statistic": result.statistic,
    }


def compare(
    attempts: pd.DataFrame,
    by: str = "variant",
    a: str | None = None,
    b: str | None = None,
    *,
    confidence: float = 0.95,
    pairing: str = "auto",
    assisted: str = "failure",
) -> Comparison:
    """Compare group ``b`` with group ``a`` for every task both groups attempted. ``assisted``: a final
    attempt completed with help counts as a "failure" (its time not a completion time) or a "success"."""
    from uxcli.tasks.metrics import ASSISTED_AS

    if assisted not in ASSISTED_AS:
        raise OptionError(f"--assisted must be one of {', '.join(ASSISTED_AS)}, not {assisted!r}")
    if pairing not in PAIRINGS:
        raise OptionError(f"--pairing must be one of {', '.join(PAIRINGS)}, not {pairing!r}")
    if not 0 < confidence < 1:
        raise OptionError(f"--confidence must be between 0 and 1, not {confidence}")
    by = resolve_by(attempts, [by])[0]
    if by in ("task", "participant"):
        raise OptionError(
            f"cannot compare groups of {by}: compare variants, sessions or rounds "
            f"(--by variant, --by session, or another input column)"
        )
    values = [v for v in pd.unique(attempts[by].astype(object).map(_text)) if v is not None]
    group_a, group_b = pick_groups(values, by, a, b)
    people = _per_participant(attempts, by, assisted)
    cross_file = _cross_file(attempts, by, group_a, group_b)
    rows, designs, notes = [], [], []
    helped = int(people.loc[people["group"].isin([group_a, group_b]), "assisted"].sum())
    if helped:
        counted = "successes (--assisted success)"
        if assisted == "failure":
            counted = "failures (--assisted success counts them as successes)"
        notes.append(
            f"{helped} participant × task final outcome{'s were' if helped != 1 else ' was'} assisted: counted as "
            f"{counted}"
        )
    reasons: list[str] = []
    for task in pd.unique(people["task"]):
        part = people[people["task"] == task]
        rows_a, rows_b = part[part["group"] == group_a], part[part["group"] == group_b]
        if rows_a.empty or rows_b.empty:
            missing = group_a if rows_a.empty else group_b
            notes.append(f'task "{task}" was not attempted in {by} {missing}; not compared')
            continue
        set_a, set_b = list(rows_a["participant"]), list(rows_b["participant"])
        common = [p for p in set_a if p in set(set_b)]
        decision = decide_pairing(by, len(common), pairing=pairing, cross_file=cross_file)
        paired = decision.paired
        if decision.reason not in reasons and (common or pairing != "auto"):
            reasons.append(decision.reason)
        if paired and not common:
            raise OptionError(f'--pairing paired: no participant did task "{task}" in both {group_a} and {group_b}')
        if paired:
            left_out = len(set(set_a) | set(set_b)) - len(common)
            design = TaskDesign(task, True, len(common), len(common), left_out)
            if left_out:
                people_word = "participant" if left_out == 1 else "participants"
                notes.append(
                    f'task "{task}": {left_out} {people_word} did only one of {group_a} and {group_b}; '
                    f"left out of the paired tests"
                )
        else:
            design = TaskDesign(task, False, len(set_a), len(set_b))
        designs.append(design)
        rows.extend(_task_rows(task, rows_a, rows_b, common, design, group_a, group_b, confidence))
    if not rows:
        raise OptionError(f"no task was attempted in both {by} {group_a} and {group_b}")
    if len(designs) > 1:
        tasks = [d.task for d in designs]
        in_both = set(people.loc[people["group"] == group_a, "participant"]) & set(
            people.loc[people["group"] == group_b, "participant"]
        )
        whole = decide_pairing(by, len(in_both), pairing=pairing, cross_file=cross_file)
        resolved = "paired" if whole.paired else "independent"
        rows.extend(all_tasks_rows(people[people["task"].isin(tasks)], group_a, group_b, resolved, confidence))
    notes.extend(f"pairing: {reason}" for reason in reasons if not reason.startswith("within subjects"))
    frame = pd.DataFrame(rows, columns=[*COMPARE_COLUMNS, "_design", "_statistic"])
    return Comparison(frame, by, group_a, group_b, designs, notes, reasons)


def _cross_file(attempts: pd.DataFrame, by: str, group_a: str, group_b: str) -> bool:
    """True when the two groups' rows come from disjoint sets of input files (rounds kept as files)."""
    if "_file" not in attempts.columns or by == "_file":
        return False
    groups = attempts[by].astype(object).map(_text)
    files_a = set(attempts.loc[groups == group_a, "_file"])
    files_b = set(attempts.loc[groups == group_b, "_file"])
    return bool(files_a) and bool(files_b) and not (files_a & files_b)


def _task_rows(task, rows_a, rows_b, common, design, group_a, group_b, confidence) -> list[dict]:
    out = []
    if design.paired:
        sa, sb = _aligned(rows_a, rows_b, "success", common)
        result = stats.compare_paired_proportions(sa, sb, confidence)
        out.append(_row(task, "success_rate", group_a, group_b, float(np.mean(sa)), float(np.mean(sb)), result, design))
        ta, tb = _aligned(rows_a, rows_b, "time", common)
        both = ~(np.isnan(ta) | np.isnan(tb))
        if both.any() or (~np.isnan(ta)).any() or (~np.isnan(tb)).any():
            result = stats.compare_log_times(ta, tb, paired=True, confidence=confidence)
            result = _tested(result, int(both.sum()), paired=True)
            out.append(_row(task, "time", group_a, group_b, _geomean(ta[both]), _geomean(tb[both]), result, design))
        ea, eb = _aligned(rows_a, rows_b, "errors", common)
        if (~np.isnan(ea)).any() or (~np.isnan(eb)).any():
            both = ~(np.isnan(ea) | np.isnan(eb))
            result = _tested(stats.compare_means(ea, eb, paired=True, confidence=confidence), int(both.sum()), True)
            out.append(
                _row(
                    task,
                    "errors_per_attempt",
                    group_a,
                    group_b,
                    float(np.mean(ea[both])) if both.any() else math.nan,
                    float(np.mean(eb[both])) if both.any() else math.nan,
                    result,
                    design,
                )
            )
        return out
    xa, na = int(rows_a["success"].sum()), int(rows_a["success"].notna().sum())  # known outcomes only
    xb, nb = int(rows_b["success"].sum()), int(rows_b["success"].notna().sum())
    if na and nb:  # a table of times only has no success rate to compare
        # stats.compare_proportions returns p1 − p2: pass B first for B − A.
        result = stats.compare_proportions(xb, nb, xa, na, confidence)
        out.append(_row(task, "success_rate", group_a, group_b, xa / na, xb / nb, result, design))
    ta, tb = rows_a["time"].to_numpy(np.float64), rows_b["time"].to_numpy(np.float64)
    if (~np.isnan(ta)).any() or (~np.isnan(tb)).any():
        result = stats.compare_log_times(ta, tb, paired=False, confidence=confidence)
        result = _tested(result, min(_count(ta), _count(tb)), paired=False)
        out.append(_row(task, "time", group_a, group_b, _geomean(ta), _geomean(tb), result, design))
    ea, eb = rows_a["errors"].to_numpy(np.float64), rows_b["errors"].to_numpy(np.float64)
    if (~np.isnan(ea)).any() or (~np.isnan(eb)).any():
        result = stats.compare_means(ea, eb, paired=False, confidence=confidence)
        result = _tested(result, min(_count(ea), _count(eb)), paired=False)
        out.append(_row(task, "errors_per_attempt", group_a, group_b, _nanmean(ea), _nanmean(eb), result, design))
    return out


def all_tasks_rows(people: pd.DataFrame, group_a: str, group_b: str, pairing: str, confidence: float) -> list[dict]:
    """The all-tasks comparison: one row per metric (task ALL_TASKS) on participant means over tasks.

    ``people`` has one row per participant × task × group (_per_participant), for the compared
    tasks. Each participant contributes one figure per group, their mean over tasks: share of
    tasks completed, geometric mean of their completion times, mean errors per attempt. That is
    the by-participant analysis that treats participants, not participant × task cells, as the
    independent units (Clark 1973, "The language-as-fixed-effect fallacy", J. Verbal Learning and
    Verbal Behavior 12: 335–359, its F1 "by-subjects" test; Hurlbert 1984, Ecological Monographs
    54: 187–211, on pseudoreplication), and that within-subjects usability comparisons report
    (QUX ch. 5: one score per participant and design, then the paired t test).

    Paired (``pairing`` "paired", or "auto" with participants in both groups): the participants
    who took part in both groups, each averaged over the tasks they have a figure for in *both*
    groups, so that both of a participant's means cover the same tasks; paired t (log scale for
    times). Otherwise between subjects: every participant's mean over the tasks they have a
    figure for, Welch t (on log geometric means for times). The tasks are treated as fixed: the
    test generalises over participants, for these tasks. Fewer than MIN_N participants (pairs)
    are too few to test, as for a task row.
    """
    frame = people.assign(log_time=np.log(people["time"]))
    in_a = set(frame.loc[frame["group"] == group_a, "participant"])
    in_b = set(frame.loc[frame["group"] == group_b, "participant"])
    common = in_a & in_b
    paired = bool(common) if pairing == "auto" else pairing == "paired"
    wide = frame.pivot_table(
        index=["participant", "task"],
        columns="group",
        values=["success", "log_time", "errors"],
        aggfunc="first",
        dropna=False,
    )
    order = [p for p in pd.unique(frame["participant"]) if not paired or p in common]
    if paired:
        design = TaskDesign(ALL_TASKS, True, len(common), len(common), len(in_a | in_b) - len(common))
    else:
        design = TaskDesign(ALL_TASKS, False, len(in_a), len(in_b))
    out = []
    for metric, column in (("success_rate", "success"), ("time", "log_time"), ("errors_per_attempt", "errors")):
        if (column, group_a) not in wide.columns or (column, group_b) not in wide.columns:
            continue
        a_cells, b_cells = wide[(column, group_a)].astype(float), wide[(column, group_b)].astype(float)
        if paired:
            both = a_cells.notna() & b_cells.notna()
            a_cells, b_cells = a_cells.where(both), b_cells.where(both)
        a_means = a_cells.groupby(level="participant").mean().reindex(order).to_numpy(np.float64)
        b_means = b_cells.groupby(level="participant").mean().reindex(order).to_numpy(np.float64)
        if paired:
            keep = ~(np.isnan(a_means) | np.isnan(b_means))
            a_means, b_means = a_means[keep], b_means[keep]
            n = int(keep.sum())
        else:
            a_means, b_means = a_means[~np.isnan(a_means)], b_means[~np.isnan(b_means)]
            n = min(a_means.size, b_means.size)
        if a_means.size == 0 and b_means.size == 0:
            continue
        if metric == "time":
            result = stats.compare_log_times(np.exp(a_means), np.exp(b_means), paired=paired, confidence=confidence)
            value_a, value_b = _exp_mean(a_means), _exp_mean(b_means)
            test = f"{'paired' if paired else 'Welch'} t on participants' mean log times"
        else:
            result = stats.compare_means(a_means, b_means, paired=paired, confidence=confidence)
            value_a, value_b = _nanmean(a_means), _nanmean(b_means)
            test = f"{'paired' if paired else 'Welch'} t on participant means"
        result = _tested(result._replace(test=test), n, paired)
        out.append(_row(ALL_TASKS, metric, group_a, group_b, value_a, value_b, result, design))
    return out


def _exp_mean(logs: np.ndarray) -> float:
    return float(np.exp(np.mean(logs))) if logs.size else math.nan


def _nanmean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.mean(values)) if values.size else math.nan


def verdict(row: dict | pd.Series, alpha: float = 0.05) -> str:
    """The row's result in plain words, e.g. "B is faster: 0.72× the time, p = 0.010"."""
    p, b = row["p_value"], row["group_b"]
    if p is None or pd.isna(p):
        test = str(row.get("test", ""))
        if test.startswith("too few"):
            unit = "pairs" if "pairs" in test else "participants per group"
            return f"not testable (fewer than {MIN_N} {unit})"
        same = row["value_a"] == row["value_b"]
        if same:
            return "no difference (the same in both groups)"
        if row["metric"] == "time":
            return "not testable (no variation in the times)"
        return "not testable (too few observations, or no variation)"
    if p >= alpha:
        return f"no significant difference ({p_text(p)})"
    metric, diff = row["metric"], row["difference"]
    if metric == "success_rate":
        word = "more" if diff > 0 else "less"
        return f"{b} succeeds {word} often: {row['value_b']:.0%} vs {row['value_a']:.0%} of participants, {p_text(p)}"
    if metric == "time":
        word = "faster" if diff < 1 else "slower"
        return f"{b} is {word}: {diff:.2f}× the time, {p_text(p)}"
    word = "fewer" if diff < 0 else "more"
    return f"{b} has {word} errors: {row['value_b']:.2f} vs {row['value_a']:.2f} per attempt, {p_text(p)}"
