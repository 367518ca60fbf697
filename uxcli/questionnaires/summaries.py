"""Questionnaire results: parsed answers (uxcli.questionnaires.exports) -> respondent scores and summaries.

Scoring itself lives in :mod:`uxcli.questionnaires.scoring` (pure, cited); this module shapes its results
into frames and dicts for the CLI and the library, and words the comparison with published
averages.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from uxcli import stats
from uxcli.questionnaires import scoring as q
from uxcli.questionnaires.exports import Responses
from uxcli.reference import SEQ_AVERAGE, SUS_AVERAGE

SUS_SUMMARY_KEYS = ("n", "mean", "sd", "median", "min", "max", "ci_low", "ci_high", "grade", "percentile", "adjective")


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """participant, plus session/variant/task when any respondent has them."""
    keep = ["participant"] + [c for c in ("session", "variant", "task") if frame[c].notna().any()]
    return frame[keep].reset_index(drop=True)


def _items(responses: Responses) -> np.ndarray:
    return responses.frame[responses.instrument.item_columns].to_numpy(dtype=np.float64)


def p_text(p: float) -> str:
    if p is None or math.isnan(p):
        return "p = n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def above_verdict(p_above: float, p_below: float, average: str, alpha: float = 0.05) -> str:
    """Plain words for one-sided tests against a published average ("" for a short form for tables:
    "above (p = 0.020)", "below (…)", "not shown (…)")."""
    target = f" the {average} average" if average else ""
    if not math.isnan(p_above) and p_above < alpha:
        return f"above{target} ({p_text(p_above)})"
    if not math.isnan(p_below) and p_below < alpha:
        return f"below{target} ({p_text(p_below)})"
    if math.isnan(p_above):
        return "too few answers to test" if average else "too few to test"
    return f"{'not shown above' if average else 'not shown'}{target} ({p_text(p_above)})"


def mean_vs(values: np.ndarray, benchmark: float) -> tuple[float, float]:
    """One-sided t p values (above, below) of a mean against a benchmark (QUX ch. 4)."""
    above = stats.one_sided_mean_vs(values, benchmark)
    arr = values[~np.isnan(values)]
    # below = the "above" test on the mirrored values
    below = stats.one_sided_mean_vs(-arr, -benchmark) if arr.size >= 2 else math.nan
    return above, below


# --- SUS ------------------------------------------------------------------------------------------


def sus_results(responses: Responses, confidence: float = 0.95) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant[, session, variant], score, source; summary dict SUS_SUMMARY_KEYS)."""
    scores = q.sus_scores(_items(responses)) if len(responses.frame) else np.zeros(0)
    respondents = _labels(responses.frame)
    respondents["score"] = scores
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = q.sus_summary(scores, confidence)
    return respondents, {key: summary[key] for key in SUS_SUMMARY_KEYS}


def sus_benchmark(scores: np.ndarray, alpha: float = 0.05) -> tuple[float, str]:
    """One-sided p that the mean SUS exceeds 68, and the verdict in words."""
    above, below = mean_vs(np.asarray(scores, dtype=float), SUS_AVERAGE)
    return above, above_verdict(above, below, "SUS 68", alpha)


# --- SEQ ------------------------------------------------------------------------------------------

SEQ_COLUMNS = ["task", "n", "mean", "sd", "ci_low", "ci_high", "benchmark", "p_above", "verdict"]


def seq_results(responses: Responses, confidence: float = 0.95, alpha: float = 0.05) -> pd.DataFrame:
    """One row per task (in order of appearance): n, mean, sd, t CI, and the one-sided test
    against the 5.5 average (Sauro & Dumas 2009; MeasuringU)."""
    frame = responses.frame
    tasks = [None if pd.isna(t) else str(t) for t in frame["task"].astype(object)]
    rows = []
    for task in dict.fromkeys(tasks):
        mask = np.array([t == task for t in tasks], dtype=bool)
        values = frame.loc[mask, "item1"].to_numpy(dtype=np.float64)
        summary = q.seq_summary(values, confidence, SEQ_AVERAGE)
        above, below = mean_vs(values, SEQ_AVERAGE)
        rows.append(
            {
                "task": task,
                **{k: summary[k] for k in SEQ_COLUMNS[1:7]},
                "p_above": above,
                "verdict": above_verdict(above, below, "5.5", alpha),
            }
        )
    return pd.DataFrame(rows, columns=SEQ_COLUMNS)


def seq_ratings(responses: list[dict]) -> pd.DataFrame:
    """SEQ ratings from YAML sessions (Dataset.responses): participant, session, variant, task, seq.

    Bad ratings raise InputError with file and line (summary stops on the first error).
    """
    from uxcli.errors import InputError
    from uxcli.questionnaires.exports import INSTRUMENTS, parse_answer

    spec = INSTRUMENTS["seq"]
    rows = []
    for response in responses:
        if str(response.get("instrument", "")).lower() != "seq" or response.get("task") is None:
            continue
        try:
            rating = parse_answer(response.get("answers"), spec)
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


# --- UMUX-Lite ------------------------------------------------------------------------------------

UMUX_SUMMARY_KEYS = ("n", "mean", "sd", "ci_low", "ci_high", "sus_mean", "sus_ci_low", "sus_ci_high")


def umux_lite_results(responses: Responses, confidence: float = 0.95) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant, raw, sus_equivalent, source; summary of raw and SUS-equivalent)."""
    items = _items(responses)
    respondents = _labels(responses.frame)
    raw = np.atleast_1d(q.umux_lite(items[:, 0], items[:, 1])) if len(items) else np.zeros(0)
    respondents["raw"] = raw
    respondents["sus_equivalent"] = np.atleast_1d(q.umux_lite_sus(raw)) if len(raw) else np.zeros(0)
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = (
        q.umux_lite_summary(items[:, 0], items[:, 1], confidence)
        if len(items)
        else q.umux_lite_summary([], [], confidence)
    )
    return respondents, {key: summary[key] for key in UMUX_SUMMARY_KEYS}


# --- NPS ------------------------------------------------------------------------------------------

NPS_SUMMARY_KEYS = ("n", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")


def nps_results(responses: Responses, confidence: float = 0.95) -> tuple[pd.DataFrame, dict]:
    """(respondents: participant, rating, category, source; NPS with the adjusted-Wald interval)."""
    ratings = responses.frame["item1"].to_numpy(dtype=np.float64)
    respondents = _labels(responses.frame)
    respondents["rating"] = ratings.astype(np.int64)
    respondents["category"] = np.select([ratings >= 9, ratings >= 7], ["promoter", "passive"], "detractor")
    respondents["source"] = responses.frame["source"].to_numpy()
    summary = q.nps(ratings, confidence)
    return respondents, {key: summary[key] for key in NPS_SUMMARY_KEYS}


# --- CSAT -----------------------------------------------------------------------------------------

CSAT_COLUMNS = ["task", "n", "top2", "csat", "ci_low", "ci_high"]


def csat_results(responses: Responses, confidence: float = 0.95) -> pd.DataFrame:
    """Top-2-box share (4–5 of 5) with an adjusted-Wald interval, per task when answers have one
    (task is null otherwise)."""
    frame = responses.frame
    tasks = [None if pd.isna(t) else str(t) for t in frame["task"].astype(object)]
    rows = []
    for task in dict.fromkeys(tasks):
        mask = np.array([t == task for t in tasks], dtype=bool)
        result = q.csat(frame.loc[mask, "item1"].to_numpy(dtype=np.float64), confidence)
        rows.append({"task": task, **{k: result[k] for k in CSAT_COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=CSAT_COLUMNS)


def sus_scores_from_sessions(responses: list[dict]) -> np.ndarray:
    """SUS scores from YAML sessions (Dataset.responses); a bad or missing answer raises InputError
    with file and line (use `uxcli sus --impute-neutral` to score incomplete answers)."""
    from uxcli.errors import InputError
    from uxcli.questionnaires.exports import INSTRUMENTS, parse_answer

    spec = INSTRUMENTS["sus"]
    rows = []
    for response in responses:
        if str(response.get("instrument", "")).lower() != "sus":
            continue
        where = {"file": response.get("file"), "line": response.get("line"), "column": "sus"}
        answers = response.get("answers")
        if not isinstance(answers, list) or len(answers) != 10:
            raise InputError("sus: must be a list of 10 answers", **where)
        try:
            parsed = [parse_answer(a, spec) for a in answers]
        except ValueError as exc:
            raise InputError(str(exc), **where) from None
        if any(a is None for a in parsed):
            raise InputError("SUS answer missing", hint="uxcli sus --impute-neutral scores it as 3", **where)
        rows.append(parsed)
    return q.sus_scores(rows) if rows else np.zeros(0)
