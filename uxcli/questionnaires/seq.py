"""Single Ease Question (Sauro & Dumas 2009): one 1–7 rating per task, summarised per task and tested
against the published average (5.5, MeasuringU)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from uxcli.questionnaires import scoring
from uxcli.questionnaires.analysis import GateInput, Questionnaire, Scores
from uxcli.questionnaires.exports import AnswerFormat, Responses, parse_answer
from uxcli.questionnaires.instruments import GateMetric
from uxcli.reference import SEQ_AVERAGE

ANSWERS = AnswerFormat(
    "seq",
    "SEQ",
    1,
    1,
    7,
    keywords=r"\bseq\b|^seq|ease|easy|difficult|rating|score",
    claims=r"\bseq\b|^seq|single ease",
    per_task=True,
    yaml_keys=("seq",),
)
COLUMNS = ["task", "n", "mean", "sd", "ci_low", "ci_high", "benchmark", "p_above", "verdict"]


def results(responses: Responses, confidence: float = 0.95) -> pd.DataFrame:
    """One row per task (in order of appearance): n, mean, sd, t CI, and how the mean stands against the
    5.5 average (Sauro & Dumas 2009; MeasuringU): the verdict is read off the printed two-sided interval
    (above / below only when the whole interval is), which is the one-sided t test at alpha = (1 − C)/2;
    ``p_above`` is that test's p value, for information. Identical ratings: no interval, no p,
    "not testable (all answers equal)"."""
    rows = []
    for task, values in responses.by_task():
        summary = scoring.seq_summary(values, confidence, SEQ_AVERAGE)
        above, _, verdict = scoring.verdict_vs(values, SEQ_AVERAGE, f"{SEQ_AVERAGE:g}", confidence)
        rows.append(
            {
                "task": task,
                **{k: summary[k] for k in COLUMNS[1:7]},
                "p_above": above,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def ratings_from_sessions(responses: list[dict]) -> pd.DataFrame:
    """SEQ ratings from YAML sessions (Dataset.responses): participant, session, variant, task, seq.

    Bad ratings raise InputError with file and line (summary stops on the first error).
    """
    from uxcli.errors import InputError

    rows = []
    for response in responses:
        if str(response.get("instrument", "")).lower() != "seq" or response.get("task") is None:
            continue
        try:
            rating = parse_answer(response.get("answers"), ANSWERS)
        except ValueError as exc:
            raise InputError(
                str(exc), file=response.get("file"), line=response.get("line"), column=f"seq: {response['task']}"
            ) from None
        if rating is not None:
            rows.append(
                {
                    **{k: response.get(k) for k in ("participant", "session", "variant")},
                    "task": str(response["task"]),
                    "seq": float(rating),
                }
            )
    return pd.DataFrame(rows, columns=["participant", "session", "variant", "task", "seq"])


def _score(responses: Responses, confidence: float) -> Scores:
    return Scores(tasks=results(responses, confidence))


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    # always per task, even for ratings without one (their rows say task "None")
    assert scores.tasks is not None
    return GateInput(scores.tasks.rename(columns=metric.renaming("mean", "ci_low", "ci_high")), ["task"])


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import seq_view

    assert scores.tasks is not None
    return seq_view(scores.tasks, confidence=confidence)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate)
