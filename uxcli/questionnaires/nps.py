"""Net Promoter Score: one 0–10 likelihood-to-recommend rating, % promoters − % detractors with the
adjusted-Wald NPS interval (Rocks 2016; the formula is uxcli.questionnaires.scoring.nps)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from uxcli.questionnaires import scoring
from uxcli.questionnaires.analysis import GateInput, Questionnaire, Scores
from uxcli.questionnaires.exports import AnswerFormat, Responses
from uxcli.questionnaires.instruments import GateMetric

if TYPE_CHECKING:
    import pandas as pd

ANSWERS = AnswerFormat(
    "nps",
    "NPS",
    1,
    0,
    10,
    keywords=r"recommend|^nps$|^nps\b|promoter|^ltr$|likelihood",
    claims=r"recommend|^nps|promoter|^ltr$",
    yaml_keys=("nps",),
)
SUMMARY_KEYS = ("n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")


def results(responses: Responses, confidence: float = 0.95) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant, rating, category, source; NPS with the adjusted-Wald interval)."""
    ratings = responses.frame["item1"].to_numpy(dtype=np.float64)
    respondents = responses.labels()
    respondents["rating"] = ratings.astype(np.int64)
    respondents["category"] = np.select([ratings >= 9, ratings >= 7], ["promoter", "passive"], "detractor")
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = scoring.nps(ratings, confidence)
    return respondents, {key: summary[key] for key in SUMMARY_KEYS}


def _score(responses: Responses, confidence: float) -> Scores:
    respondents, summary = results(responses, confidence)
    return Scores(respondents=respondents, summary=summary)


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    summary = scores.summary
    return GateInput(study=metric.figures(summary["nps"], summary["ci_low"], summary["ci_high"]))


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import nps_view

    assert scores.respondents is not None
    return nps_view(scores.respondents, scores.summary, confidence=confidence)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate, json_keys=("participant", "rating", "category"))
