"""UMUX-Lite (Lewis, Utesch & Maher, CHI 2013): two 1–7 items, a 0–100 raw score and its SUS estimate.

The SUS estimate is the raw score itself (MeasuringU's two-item interpolation) unless the 2013 regression
is asked for (``--sus-estimate regression-2013``; Lah, Lewis & Šumak 2020 found it underestimates SUS at
high usability). The formulas are in uxcli.questionnaires.scoring (umux_lite, umux_lite_sus, umux_lite_summary).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from uxcli.questionnaires import scoring
from uxcli.questionnaires.analysis import GateInput, Questionnaire, Scores
from uxcli.questionnaires.exports import AGREEMENT_7, AnswerFormat, Responses
from uxcli.questionnaires.instruments import GateMetric

if TYPE_CHECKING:
    import pandas as pd

LABELS_7 = AGREEMENT_7  # the 7-point agreement labels (Qualtrics' default set)
TEXTS = ((r"capabilit", r"requirement"), (r"easy to use",))
ANSWERS = AnswerFormat(
    "umux-lite",
    "UMUX-Lite",
    2,
    1,
    7,
    LABELS_7,
    stems=("", "q", "umux", "umuxlite", "umuxl", "umuxq", "umuxliteq", "item", "ul"),
    texts=TEXTS,
    yaml_keys=("umuxlite", "umux"),
    hint="name the items UMUX1 and UMUX2, or keep the item texts as headers",
)
SUMMARY_KEYS = ("n", "mean", "sd", "ci_low", "ci_high", "sus_mean", "sus_ci_low", "sus_ci_high", "sus_method")


def results(
    responses: Responses, confidence: float = 0.95, sus_estimate: str = "interpolation"
) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant, raw, sus_equivalent, sus_method, source; summary of raw and SUS estimate,
    with sus_method naming the estimate: "interpolation" or "regression-2013")."""
    items = responses.items()
    respondents = responses.labels()
    raw = np.atleast_1d(scoring.umux_lite(items[:, 0], items[:, 1])) if len(items) else np.zeros(0)
    respondents["raw"] = raw
    estimate = scoring.umux_lite_sus(raw, sus_estimate)
    respondents["sus_equivalent"] = np.atleast_1d(estimate) if len(raw) else np.zeros(0)
    respondents["sus_method"] = sus_estimate
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = (
        scoring.umux_lite_summary(items[:, 0], items[:, 1], confidence, sus_estimate)
        if len(items)
        else scoring.umux_lite_summary([], [], confidence, sus_estimate)
    )
    return respondents, {key: summary[key] for key in SUMMARY_KEYS}


def _score(responses: Responses, confidence: float, sus_estimate: str = "interpolation") -> Scores:
    respondents, summary = results(responses, confidence, sus_estimate)
    return Scores(respondents=respondents, summary=summary)


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    # the gate reads the SUS estimate, so a target means the same as on `uxcli sus`
    summary = scores.summary
    return GateInput(study=metric.figures(summary["sus_mean"], summary["sus_ci_low"], summary["sus_ci_high"]))


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import umux_view

    assert scores.respondents is not None
    return umux_view(scores.respondents, scores.summary, confidence=confidence)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate, json_keys=("participant", "raw", "sus_equivalent"))
