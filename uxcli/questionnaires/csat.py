"""Customer satisfaction: one 1–5 rating, the top-2-box share (4–5) with an adjusted-Wald interval and the
mean rating with its t interval, per task when the answers have one (the formulas are
uxcli.questionnaires.scoring.csat)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from uxcli.questionnaires import scoring
from uxcli.questionnaires.analysis import GateInput, Questionnaire, Scores
from uxcli.questionnaires.exports import AnswerFormat, Responses
from uxcli.questionnaires.instruments import GateMetric

LABELS = {
    "very dissatisfied": 1,
    "dissatisfied": 2,
    "neutral": 3,
    "neither satisfied nor dissatisfied": 3,
    "satisfied": 4,
    "very satisfied": 5,
}
ANSWERS = AnswerFormat(
    "csat",
    "CSAT",
    1,
    1,
    5,
    LABELS,
    keywords=r"csat|satisf",
    claims=r"csat|satisf",
    per_task=True,
    yaml_keys=("csat",),
)
COLUMNS = ["task", "n", "top2", "csat", "ci_low", "ci_high", "mean", "mean_ci_low", "mean_ci_high"]


def results(responses: Responses, confidence: float = 0.95) -> pd.DataFrame:
    """Top-2-box share (4–5 of 5) with an adjusted-Wald interval, and the mean rating (1–5) with its
    t interval (empty for one rating or identical ones), per task when answers have one (task is null
    otherwise)."""
    rows = []
    for task, values in responses.by_task():
        result = scoring.csat(values, confidence)
        rows.append({"task": task, **{k: result[k] for k in COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=COLUMNS)


def _score(responses: Responses, confidence: float) -> Scores:
    return Scores(tasks=results(responses, confidence))


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    """Per task when the answers have tasks, else the one study-wide row."""
    assert scores.tasks is not None
    frame = scores.tasks.rename(columns=metric.renaming("csat", "ci_low", "ci_high"))
    if frame["task"].notna().any():
        return GateInput(frame, ["task"])
    return GateInput(study=frame.iloc[0].to_dict() if len(frame) else {})


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import csat_view

    assert scores.tasks is not None
    return csat_view(scores.tasks, confidence=confidence)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate)
