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

# The 7-point ease labels (Qualtrics' default set; "Extremely" is the other common end wording).
LABELS = {
    "very difficult": 1,
    "extremely difficult": 1,
    "difficult": 2,
    "somewhat difficult": 3,
    "neither easy nor difficult": 4,
    "neither difficult nor easy": 4,
    "somewhat easy": 5,
    "easy": 6,
    "very easy": 7,
    "extremely easy": 7,
}
ANSWERS = AnswerFormat(
    "seq",
    "SEQ",
    1,
    1,
    7,
    LABELS,
    keywords=r"\bseq\b|^seq|ease|easy|difficult|rating|score",
    claims=r"\bseq\b|^seq|single ease",
    per_task=True,
    yaml_keys=("seq",),
    scales=(5,),  # some studies ask it on 1-5; the published average is for 1-7 (see results)
)
COLUMNS = ["task", "n", "mean", "sd", "ci_low", "ci_high", "benchmark", "p_above", "verdict"]


def results(responses: Responses, confidence: float = 0.95, scale: str = "auto") -> pd.DataFrame:
    """One row per task (in order of appearance): n, mean, sd, t CI, and how the mean stands against the
    5.5 average (Sauro & Dumas 2009; MeasuringU): the verdict is read off the printed two-sided interval
    (above / below only when the whole interval is), which is the one-sided t test at alpha = (1 − C)/2;
    ``p_above`` is that test's p value, for information. Identical ratings: no interval, no p,
    "not testable (all answers equal)".

    Ratings on a 5-point scale (``scale="5"``, or "auto" and a header saying 1-5) are summarised as they
    are, but not tested: the 5.5 average is a 7-point figure, and a 1-5 mean cannot be compared with it
    (rescaling would assume the two scales are answered alike, which nothing published shows). The
    verdict says so and the benchmark and p are empty."""
    top = scale_top(responses, scale)
    rows = []
    for task, values in responses.by_task():
        summary = scoring.seq_summary(values, confidence, SEQ_AVERAGE)
        above, _, verdict = scoring.verdict_vs(values, SEQ_AVERAGE, f"{SEQ_AVERAGE:g}", confidence)
        if top != ANSWERS.high:
            summary["benchmark"] = float("nan")
            summary["ci_high"] = min(summary["ci_high"], float(top))  # the interval stays on the scale
            above, verdict = float("nan"), f"not tested: {ANSWERS.low}-{top} ratings ({SEQ_AVERAGE:g} is a 1-7 average)"
        rows.append(
            {
                "task": task,
                **{k: summary[k] for k in COLUMNS[1:7]},
                "p_above": above,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def scale_top(responses: Responses, scale: str = "auto") -> int:
    """The top of the rating scale: declared (``--scale 5``), else what a header said, else 7. A rating
    above a declared top is an InputError naming its row."""
    from uxcli.errors import InputError

    top = responses.scale or ANSWERS.high if scale == "auto" else int(scale)
    frame = responses.frame
    over = frame[frame["item1"] > top]
    if len(over):
        row = over.iloc[0]
        file, _, line = str(row["source"]).rpartition(":")
        raise InputError(
            f"SEQ rating {row['item1']:g} is above {top}, the top of the {ANSWERS.low}-{top} scale "
            f"({len(over)} rating{'s' * (len(over) != 1)} above it)",
            file=file or str(row["source"]),
            line=int(line) if line.isdigit() else None,
            hint="leave out --scale (7 points) if the ratings are 1-7",
        )
    return top


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


def _score(responses: Responses, confidence: float, scale: str = "auto") -> Scores:
    return Scores(tasks=results(responses, confidence, scale))


def _gate(scores: Scores, metric: GateMetric) -> GateInput:
    # always per task, even for ratings without one (their rows say task "None")
    assert scores.tasks is not None
    return GateInput(scores.tasks.rename(columns=metric.renaming("mean", "ci_low", "ci_high")), ["task"])


def _table(scores: Scores, confidence: float) -> Any:
    from uxcli.render.views import seq_view

    assert scores.tasks is not None
    return seq_view(scores.tasks, confidence=confidence)


QUESTIONNAIRE = Questionnaire(ANSWERS, _score, _table, _gate)
