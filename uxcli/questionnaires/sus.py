"""System Usability Scale (Brooke 1996): ten 1–5 items, one 0–100 score per respondent.

The formulas (score, grade, percentile, adjective, summary) are in uxcli.questionnaires.scoring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from uxcli.questionnaires import scoring
from uxcli.questionnaires.analysis import GateInput, Questionnaire, Scores
from uxcli.questionnaires.exports import AnswerFormat, Responses, parse_answer
from uxcli.questionnaires.instruments import GateMetric
from uxcli.reference import SUS_AVERAGE

if TYPE_CHECKING:
    import pandas as pd

# Brooke (1996) item wording; the regexes tolerate "system"/"website"/"product" and the common
# "awkward" for "cumbersome" (Bangor, Kortum & Miller 2008). All of an item's regexes must match.
TEXTS = (
    (r"would like to use", r"frequent"),
    (r"unnecessar", r"complex"),
    (r"easy to use",),
    (r"technical person|support of a technical",),
    (r"well integrated|integrated",),
    (r"inconsisten",),
    (r"learn", r"quick"),
    (r"cumbersome|awkward",),
    (r"confident",),
    (r"learn(ed)? a lot|a lot of things",),
)
# Brooke's end labels plus the 5-point agreement labels survey tools write by default (Qualtrics:
# "Somewhat disagree" … "Somewhat agree"; Google/Microsoft Forms, SurveyMonkey: "Disagree" … "Agree").
LABELS = {**scoring.LIKERT_LABELS, "somewhat disagree": 2, "neither disagree nor agree": 3, "somewhat agree": 4}
ANSWERS = AnswerFormat(
    "sus",
    "SUS",
    10,
    1,
    5,
    LABELS,
    stems=("", "q", "sus", "susq", "item", "susitem", "i", "question", "usability", "statement"),
    texts=TEXTS,
    yaml_keys=("sus",),
    hint="name the items Q1-Q10 or SUS1-SUS10, or keep the item texts as headers",
)
SUMMARY_KEYS = ("n", "mean", "sd", "median", "min", "max", "ci_low", "ci_high", "grade", "percentile", "adjective")


def results(responses: Responses, confidence: float = 0.95) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant[, session, variant], score, source; summary dict SUMMARY_KEYS)."""
    scores = scoring.sus_scores(responses.items()) if len(responses.frame) else np.zeros(0)
    respondents = responses.labels()
    respondents["score"] = scores
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = scoring.sus_summary(scores, confidence)
    return respondents, {key: summary[key] for key in SUMMARY_KEYS}


def benchmark(scores: np.ndarray, alpha: float = 0.05, *, confidence: float | None = None) -> tuple[float, str]:
    """The one-sided p that the mean SUS exceeds the average (68), and the verdict in words.

    The verdict is read off the two-sided t interval at ``confidence`` (default ``1 - alpha``, so a caller
    passing alpha = 1 − C gets the C interval it prints): "above" only when the whole interval is above 68,
    "below" only when it is below, else "not distinguishable from" (scoring.interval_verdict). That is the
    one-sided test at alpha = (1 − C)/2; the p value is shown for information.
    """
    level = 1 - alpha if confidence is None else confidence
    above, _, words = scoring.verdict_vs(np.asarray(scores, dtype=float), SUS_AVERAGE, f"SUS {SUS_AVERAGE:g}", level)
    return above, words


def scores_from_sessions(responses: list[dict]) -> np.ndarray:
    """SUS scores from YAML sessions (Dataset.responses); a bad or missing answer raises InputError
    with file and line (use `uxcli sus --impute-neutral` to score incomplete answers)."""
    from uxcli.errors import InputError

    rows: list[list[float]] = []
    for response in responses:
        if str(response.get("instrument", "")).lower() != "sus":
            continue
        file, line = response.get("file"), response.get("line")
        answers = response.get("answers")
        if not isinstance(answers, list) or len(answers) != ANSWERS.items:
            raise InputError(f"sus: must be a list of {ANSWERS.items} answers", file=file, line=line, column="sus")
        try:
            parsed = [parse_answer(a, ANSWERS) for a in answers]
        except ValueError as exc:
            raise InputError(str(exc), file=file, line=line, column="sus") from None
        if any(a is None for a in parsed):
            hint = f"uxcli sus --impute-neutral scores it as {ANSWERS.neutral}"
            raise InputError("SUS answer missing", file=file, line=line, column="sus", hint=hint)
        rows.append([float(a) for a in parsed if a is not None])
    return scoring.sus_scores(rows) if rows else np.zeros(0)


def _score(responses: Responses, confidence: float) -> Scores:
    respondents, summary = results(responses, confidence)
    return Scores(respondents=respondents, summary=summary)


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    summary = scores.summary
    return GateInput(study=metric.figures(summary["mean"], summary["ci_low"], summary["ci_high"]))


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import sus_view

    assert scores.respondents is not None
    values = scores.respondents["score"].to_numpy()
    # the mean against the published average, read off the printed interval; nothing to test without scores
    words = benchmark(values, confidence=confidence)[1] if len(values) else None
    return sus_view(scores.respondents, scores.summary, confidence=confidence, benchmark=words)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate, json_keys=("participant", "score"))
