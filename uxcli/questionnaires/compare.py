"""Two groups of questionnaire answers compared: what `uxcli sus --by Design` adds under the groups.

    from uxcli.questionnaires.compare import compare_scores

    result = compare_scores("sus", scores, "Design", "A", "B", pairing="auto", confidence=0.95)
    result.frame  # metric, [task,] group_a, group_b, value_a, value_b, difference, ci_low, ci_high, ...
    result.decision.reason  # "between subjects: no participant is in both groups"

``scores`` has one row per respondent and group: ``participant``, the group column ``by``, ``value``
(the respondent's SUS score, UMUX-Lite score, SEQ/NPS/CSAT rating), and optionally ``task`` (SEQ, CSAT:
one comparison per task) and ``file`` (the input the row came from; rows of the two groups from
disjoint files are rounds, see uxcli.design). ``uxcli.questionnaires.analysis.respondent_values``
builds it from parsed answers; the report can call the two for per-condition SUS.

Tests (difference is always B − A):

* SUS, SEQ, UMUX-Lite: Welch two-sample t between subjects, paired t within (on the respondents in
  both groups), with the t interval of the difference (QUX ch. 5; uxcli.stats.compare_means).
* NPS: difference of the two NPS (points) with the adjusted-Wald interval for a difference of NPS
  and its z test: each group gets n + 3 respondents and ¾ extra promoters and detractors, NPS' = p' − d',
  Var = (p' + d' − NPS'²)/n', and the difference NPS'_B − NPS'_A ± z·√(Var_A + Var_B)
  (Lewis & Sauro, MeasuringU 2021, "How to Statistically Compare Two Net Promoter Scores", built on
  Rocks 2016, The American Statistician 70(4)). Within subjects: paired t on the respondents'
  promoter/passive/detractor codes (+100/0/−100), the trinomial-means form of the NPS.
* CSAT top-2-box: N−1 two-proportion test with the adjusted-Wald difference interval between subjects
  (QUX ch. 5), McNemar mid-p with the matched-pairs adjusted-Wald interval within
  (uxcli.stats.two_proportion_n1, compare_paired_proportions).

Pairing follows uxcli.design.decide_pairing: the same participant ids in both groups within the same
files are the same people (paired tests on the matched respondents; unmatched ones are counted in a
note); groups from different files (rounds) are independent unless ``pairing="paired"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.design import FILE_GROUP, PairingDecision, decide_pairing
from uxcli.errors import OptionError
from uxcli.tasks.compare import GROUP_DIFFERENCE

COLUMNS = ["metric", "task", *GROUP_DIFFERENCE, "n_a", "n_b"]
METRICS = {"sus": "sus", "umux-lite": "umux_lite", "seq": "seq", "nps": "nps", "csat": "csat"}
NAN = float("nan")


@dataclass(frozen=True)
class QuestionnaireComparison:
    """Two groups compared: ``frame`` (COLUMNS; ``task`` only for per-task instruments), the pairing
    decision and notes (how many respondents were left unmatched)."""

    instrument: str
    by: str
    group_a: str
    group_b: str
    frame: pd.DataFrame
    decision: PairingDecision
    notes: tuple[str, ...] = ()


def nps_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> stats.Comparison:
    """NPS of ratings ``b`` minus NPS of ratings ``a`` (points, −200..200) with the adjusted-Wald interval
    for a difference of two NPS and its two-sided z test (see the module docstring for the source).

    The difference is of the observed NPS; the interval and z use the adjusted estimates, as published.
    """
    first, second = _clean(a), _clean(b)
    if first.size == 0 or second.size == 0:
        return stats.Comparison(NAN, NAN, NAN, NAN, "adjusted-Wald NPS difference", NAN)

    def adjusted(values: np.ndarray) -> tuple[float, float, float]:
        n = values.size + 3
        promoters = (np.sum(values >= 9) + 0.75) / n
        detractors = (np.sum(values <= 6) + 0.75) / n
        score = promoters - detractors
        return 100 * (np.mean(values >= 9) - np.mean(values <= 6)), score, (promoters + detractors - score**2) / n

    nps_a, adj_a, var_a = adjusted(first)
    nps_b, adj_b, var_b = adjusted(second)
    se = math.sqrt(var_a + var_b)
    z_crit = stats.z_for(confidence)
    centre = adj_b - adj_a
    z = centre / se if se > 0 else NAN
    p_value = float(2 * _norm_sf(abs(z))) if not math.isnan(z) else NAN
    low, high = max(centre - z_crit * se, -2.0), min(centre + z_crit * se, 2.0)
    return stats.Comparison(float(nps_b - nps_a), 100 * low, 100 * high, p_value, "adjusted-Wald NPS difference", z)


def _norm_sf(z: float) -> float:
    from scipy.stats import norm

    return float(norm.sf(z))


def _clean(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    return arr[~np.isnan(arr)]


def _nps_codes(values: np.ndarray) -> np.ndarray:
    return np.select([values >= 9, values <= 6], [100.0, -100.0], 0.0)


def compare_scores(
    name: str,
    scores: pd.DataFrame,
    by: str,
    a: str,
    b: str,
    pairing: str = "auto",
    confidence: float = 0.95,
) -> QuestionnaireComparison:
    """Compare groups ``a`` and ``b`` of column ``by`` for instrument ``name`` (a registry key: sus,
    umux-lite, seq, nps, csat). See the module docstring for ``scores`` and the tests used."""
    if name not in METRICS:
        raise OptionError(f"no comparison for {name!r}; known: {', '.join(METRICS)}")
    labels = scores[by].astype(str)
    part_a, part_b = scores[labels == a], scores[labels == b]
    # shared ids, whatever file they are in: across files (rounds) they are reported and not paired
    shared = len(set(part_a["participant"].astype(str)) & set(part_b["participant"].astype(str)))
    cross_file = False
    if "file" in scores.columns and by != FILE_GROUP:
        cross_file = not (set(part_a["file"].astype(str)) & set(part_b["file"].astype(str)))
    decision = decide_pairing(by, shared, pairing=pairing, cross_file=cross_file)
    notes: list[str] = []
    tasks = [None]
    if "task" in scores.columns and scores["task"].notna().any():
        tasks = list(dict.fromkeys(scores["task"].astype(object)))
    rows = []
    for task in tasks:
        in_task_a = part_a if task is None else part_a[part_a["task"].astype(object) == task]
        in_task_b = part_b if task is None else part_b[part_b["task"].astype(object) == task]
        rows.append(_row(name, task, a, b, in_task_a, in_task_b, decision, confidence, pairing, notes))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if tasks == [None]:
        frame = frame.drop(columns="task")
    for column in ("n_a", "n_b"):
        frame[column] = frame[column].astype("int64")
    return QuestionnaireComparison(name, by, a, b, frame, decision, tuple(dict.fromkeys(notes)))


def _keys(part: pd.DataFrame) -> list[tuple[str, str]]:
    files = part["file"].astype(str) if "file" in part.columns else pd.Series([""] * len(part), index=part.index)
    return list(zip(files, part["participant"].astype(str), strict=True))


def _row(
    name: str,
    task: object,
    a: str,
    b: str,
    part_a: pd.DataFrame,
    part_b: pd.DataFrame,
    decision: PairingDecision,
    confidence: float,
    pairing: str,
    notes: list[str],
) -> dict:
    values_a = part_a["value"].to_numpy(dtype=float)
    values_b = part_b["value"].to_numpy(dtype=float)
    if decision.paired:
        match = "participant" if pairing == "paired" else None
        values_a, values_b, left = _matched(part_a, part_b, match)
        if left:
            where = f" (task {task})" if task is not None else ""
            notes.append(
                f"{left} respondent{'s' if left != 1 else ''} answered in only one of {a} and {b}{where}: "
                "left out of the paired test"
            )
    if name == "nps":
        value_a, value_b = _nps(values_a), _nps(values_b)
        if decision.paired:
            result = stats.compare_means(_nps_codes(values_a), _nps_codes(values_b), paired=True, confidence=confidence)
            result = result._replace(difference=value_b - value_a, test="paired t on NPS codes (+100/0/-100)")
        else:
            result = nps_difference(values_a, values_b, confidence)
    elif name == "csat":
        top_a, top_b = values_a >= 4, values_b >= 4
        value_a = float(np.mean(top_a)) if top_a.size else NAN
        value_b = float(np.mean(top_b)) if top_b.size else NAN
        if decision.paired:
            result = stats.compare_paired_proportions(top_a, top_b, confidence)
        else:
            result = stats.two_proportion_n1(int(top_b.sum()), top_b.size, int(top_a.sum()), top_a.size, confidence)
    else:
        value_a = float(np.mean(values_a)) if values_a.size else NAN
        value_b = float(np.mean(values_b)) if values_b.size else NAN
        result = stats.compare_means(values_a, values_b, paired=decision.paired, confidence=confidence)
    return {
        "metric": METRICS[name],
        "task": task,
        "group_a": a,
        "group_b": b,
        "value_a": value_a,
        "value_b": value_b,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "test": result.test,
        "n_a": int(values_a.size),
        "n_b": int(values_b.size),
    }


def _nps(values: np.ndarray) -> float:
    if values.size == 0:
        return NAN
    return float(100 * (np.mean(values >= 9) - np.mean(values <= 6)))


def _matched(part_a: pd.DataFrame, part_b: pd.DataFrame, key: str | None) -> tuple[np.ndarray, np.ndarray, int]:
    """The values of respondents in both groups, aligned (by file and id, or by id alone), and how many
    respondents were in only one group."""

    def keyed(part: pd.DataFrame) -> pd.Series:
        index = part["participant"].astype(str) if key else pd.Index(_keys(part))
        return pd.Series(part["value"].to_numpy(dtype=float), index=index)

    first, second = keyed(part_a), keyed(part_b)
    common = [k for k in first.index if k in set(second.index)]
    left = len(first) + len(second) - 2 * len(common)
    return first.loc[common].to_numpy(), second.loc[common].to_numpy(), left
