"""Terminal tables (Rich) for questionnaires, comparisons and SUM."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich import box
from rich.console import Group
from rich.table import Table

from uxcli.reference import (
    SEQ_AVERAGE,
    SUS_AVERAGE,
    UMUX_LITE_REGRESSION_2013_INTERCEPT,
    UMUX_LITE_REGRESSION_2013_SLOPE,
)
from uxcli.render.formatting import (
    MISSING,
    format_confidence,
    format_duration,
    format_number,
    format_number_interval,
    format_p_value,
    format_percent,
    format_percent_interval,
    is_missing,
)
from uxcli.values import label_text


def _table(
    columns: list[tuple[str, str]], rows: list[list[str]], *, title: str | None = None, caption: str | None = None
) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, title=title, title_justify="left", caption=caption, caption_justify="left")
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return table


def _label(value: Any) -> str:
    return label_text(value, MISSING)


def _respondent_labels(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("participant", "session", "variant", "task") if c in frame.columns]


def _mean_interval(mean: Any, low: Any, high: Any, digits: int, *, constant: bool) -> str:
    """ "6.12 (5.43–6.82)"; identical answers have no interval: "7.00 (not testable: all answers equal)"."""
    if constant and not is_missing(mean):
        return f"{format_number(mean, digits)} (not testable: all answers equal)"
    return format_number_interval(mean, low, high, digits)


def _constant(n: Any, sd: Any) -> bool:
    """Two or more answers with no spread (sd 0): no interval, no test."""
    return not is_missing(n) and int(n) >= 2 and not is_missing(sd) and float(sd) == 0


def _verdict_note(confidence: float, average: float) -> str:
    level = format_confidence(confidence)
    return (
        f"Against {average:g}: above or below only when the whole {level} interval is (the one-sided t test at "
        f"alpha = {(1 - confidence) / 2:.3g}), else not distinguishable; p is that test's one-sided p, for information."
    )


# --- SUS ------------------------------------------------------------------------------------------


def sus_view(
    respondents: pd.DataFrame,
    summary: dict,
    *,
    confidence: float,
    benchmark: str | None,
    notes: list[str] | None = None,
) -> Group:
    labels = _respondent_labels(respondents)
    rows = [
        [_label(r[c]) for c in labels] + [format_number(r["score"], 1), r["source"]] for _, r in respondents.iterrows()
    ]
    people = _table(
        [(c.capitalize(), "left") for c in labels] + [("SUS", "right"), ("Source", "left")], rows, title="Respondents"
    )
    constant = _constant(summary["n"], summary["sd"])
    interval = _mean_interval(summary["mean"], summary["ci_low"], summary["ci_high"], 1, constant=constant)
    percentile = MISSING if is_missing(summary["percentile"]) else f"{summary['percentile']:.0f}"
    stats_rows = [
        ["n", str(summary["n"])],
        [f"Mean ({format_confidence(confidence)} CI)", interval],
        ["SD", format_number(summary["sd"], 1)],
        ["Median", format_number(summary["median"], 1)],
        ["Min – max", f"{format_number(summary['min'], 1)} – {format_number(summary['max'], 1)}"],
        ["Grade (Sauro–Lewis curve)", _label(summary["grade"])],
        ["Percentile rank", percentile],
        ["Adjective (Bangor et al.)", _label(summary["adjective"])],
    ]
    if benchmark:
        stats_rows.append([f"Against the average of {SUS_AVERAGE:g}", benchmark])
    caption = (
        "t interval for the mean; grade, percentile and adjective describe the mean. "
        "Percentile from Sauro's published lookup (QUX ch. 8)."
    )
    if benchmark:
        caption += "\n" + _verdict_note(confidence, SUS_AVERAGE)
    if notes:
        caption += "\n" + "\n".join(notes)
    summary_table = _table([("SUS summary", "left"), ("", "right")], stats_rows, caption=caption)
    return Group(people, summary_table)


# --- UMUX-Lite ------------------------------------------------------------------------------------


def umux_view(respondents: pd.DataFrame, summary: dict, *, confidence: float) -> Group:
    labels = _respondent_labels(respondents)
    rows = [
        [_label(r[c]) for c in labels]
        + [format_number(r["raw"], 1), format_number(r["sus_equivalent"], 1), r["source"]]
        for _, r in respondents.iterrows()
    ]
    method = summary.get("sus_method", "interpolation")
    regression = method == "regression-2013"
    estimate = "SUS estimate (2013 regression)" if regression else "SUS estimate"
    people = _table(
        [(c.capitalize(), "left") for c in labels] + [("Raw", "right"), (estimate, "right"), ("Source", "left")],
        rows,
        title="Respondents",
    )
    level = format_confidence(confidence)
    constant = _constant(summary["n"], summary["sd"])
    stats_rows = [
        ["n", str(summary["n"])],
        [
            f"Raw mean ({level} CI)",
            _mean_interval(summary["mean"], summary["ci_low"], summary["ci_high"], 1, constant=constant),
        ],
        ["Raw SD", format_number(summary["sd"], 1)],
        [
            f"{estimate} ({level} CI)",
            _mean_interval(summary["sus_mean"], summary["sus_ci_low"], summary["sus_ci_high"], 1, constant=constant),
        ],
    ]
    if regression:
        caption = (
            f"Raw = (item1 + item2 − 2)·100/12. SUS estimate: --sus-estimate regression-2013, "
            f"{UMUX_LITE_REGRESSION_2013_SLOPE:g}·raw + {UMUX_LITE_REGRESSION_2013_INTERCEPT:g} (Lewis, Utesch & "
            "Maher 2013), no longer recommended: it underestimates SUS at high usability (Lah, Lewis & Šumak 2020)."
        )
    else:
        caption = (
            "Raw = (item1 + item2 − 2)·100/12. SUS estimate = the raw score itself (two-item interpolation; "
            "MeasuringU, Lewis & Sauro), not the 2013 regression, which underestimates SUS at high usability "
            "(Lah, Lewis & Šumak 2020)."
        )
    return Group(people, _table([("UMUX-Lite summary", "left"), ("", "right")], stats_rows, caption=caption))


# --- NPS ------------------------------------------------------------------------------------------


def nps_view(respondents: pd.DataFrame, summary: dict, *, confidence: float) -> Group:
    labels = _respondent_labels(respondents)
    rows = [
        [_label(r[c]) for c in labels] + [format_number(r["rating"], 0), r["category"], r["source"]]
        for _, r in respondents.iterrows()
    ]
    people = _table(
        [(c.capitalize(), "left") for c in labels] + [("Rating", "right"), ("Category", "left"), ("Source", "left")],
        rows,
        title="Respondents",
    )
    n = summary["n"]

    def share(count: int) -> str:
        return f"{count} ({count / n:.0%})" if n else str(count)

    stats_rows = [
        ["n", str(n)],
        ["Promoters (9–10)", share(summary["promoters"])],
        ["Passives (7–8)", share(summary["passives"])],
        ["Detractors (0–6)", share(summary["detractors"])],
        [f"NPS ({format_confidence(confidence)} CI)", _nps_interval(summary)],
    ]
    caption = "NPS = % promoters − % detractors; adjusted-Wald interval for NPS (Rocks 2016); none for one respondent."
    return Group(people, _table([("NPS summary", "left"), ("", "right")], stats_rows, caption=caption))


def _nps_interval(summary: dict) -> str:
    if is_missing(summary["nps"]):
        return MISSING
    text = f"{summary['nps']:+.0f}"
    if not is_missing(summary["ci_low"]):
        text += f" ({summary['ci_low']:+.0f} to {summary['ci_high']:+.0f})"
    elif summary["n"] == 1:
        text += " (no interval: one respondent)"
    return text


# --- SEQ and CSAT ---------------------------------------------------------------------------------


def seq_view(frame: pd.DataFrame, *, confidence: float) -> Table:
    rows = [
        [
            _label(r["task"]),
            str(r["n"]),
            format_number_interval(r["mean"], r["ci_low"], r["ci_high"], 2),  # the verdict says why none
            format_number(r["sd"], 2),
            r["verdict"],
        ]
        for _, r in frame.iterrows()
    ]
    caption = (
        f"SEQ 1–7, mean with {format_confidence(confidence)} t interval, against the {SEQ_AVERAGE:g} average "
        f"(Sauro & Dumas 2009; MeasuringU).\n{_verdict_note(confidence, SEQ_AVERAGE)}"
    )
    return _table(
        [
            ("Task", "left"),
            ("n", "right"),
            ("Mean (CI)", "right"),
            ("SD", "right"),
            (f"Against {SEQ_AVERAGE:g}", "left"),
        ],
        rows,
        caption=caption,
    )


def csat_view(frame: pd.DataFrame, *, confidence: float) -> Table:
    rows = [
        [
            _label(r["task"]),
            str(r["n"]),
            str(r["top2"]),
            format_percent_interval(r["csat"], r["ci_low"], r["ci_high"]),
            _mean_interval(
                r["mean"],
                r["mean_ci_low"],
                r["mean_ci_high"],
                2,
                constant=r["n"] >= 2 and is_missing(r["mean_ci_low"]) and not is_missing(r["mean"]),
            ),
        ]
        for _, r in frame.iterrows()
    ]
    level = format_confidence(confidence)
    caption = (
        f"CSAT = share of 4–5 answers on a 1–5 scale, {level} adjusted-Wald interval; "
        f"mean rating (1–5) with its {level} t interval."
    )
    return _table(
        [("Task", "left"), ("n", "right"), ("Top 2", "right"), ("CSAT (CI)", "right"), ("Mean 1–5 (CI)", "right")],
        rows,
        caption=caption,
    )


# --- compare --------------------------------------------------------------------------------------

_METRIC_NAMES = {"success_rate": "success", "time": "time", "errors_per_attempt": "errors"}


def _compare_value(metric: str, value: Any) -> str:
    if metric == "success_rate":
        return format_percent(value)
    if metric == "time":
        return format_duration(value)
    return format_number(value, 2)


def _compare_difference(row: pd.Series) -> str:
    metric = row["metric"]
    if metric == "time":
        text = MISSING if is_missing(row["difference"]) else f"{row['difference']:.2f}×"
        if not is_missing(row["ci_low"]):
            text += f" ({row['ci_low']:.2f}–{row['ci_high']:.2f})"
        return text
    if metric == "success_rate":
        text = MISSING if is_missing(row["difference"]) else f"{row['difference'] * 100:+.0f} pts"
        if not is_missing(row["ci_low"]):
            text += f" ({row['ci_low'] * 100:+.0f} to {row['ci_high'] * 100:+.0f})"
        return text
    text = MISSING if is_missing(row["difference"]) else f"{row['difference']:+.2f}"
    if not is_missing(row["ci_low"]):
        text += f" ({row['ci_low']:+.2f} to {row['ci_high']:+.2f})"
    return text


def _group_header(letter: str, name: str) -> str:
    return letter if name == letter else f"{letter}: {name}"


def compare_view(comparison, *, alpha: float, confidence: float) -> Table:
    from uxcli.tasks.compare import verdict

    a, b = comparison.group_a, comparison.group_b
    rows = []
    previous = None
    for _, row in comparison.frame.iterrows():
        significant = not is_missing(row["p_value"]) and row["p_value"] < alpha
        words = verdict(row, alpha)
        if not significant and not is_missing(row["p_value"]):
            words = "not significant"
        rows.append(
            [
                row["task"] if row["task"] != previous else "",
                _METRIC_NAMES[row["metric"]],
                _compare_value(row["metric"], row["value_a"]),
                _compare_value(row["metric"], row["value_b"]),
                _compare_difference(row),
                format_p_value(row["p_value"]),
                f"[bold]{words}[/bold]" if significant else words,
            ]
        )
        previous = row["task"]
    caption = (
        f"A = {comparison.by} {a}, B = {comparison.by} {b}. Differences are B − A; time is the ratio "
        f"B/A of geometric means. {format_confidence(confidence)} intervals; bold = significant at "
        f"alpha {alpha:g}.\n{_design_text(comparison)}\nTests: {_tests_used(comparison.frame)}. "
        "Per participant: final outcome, completion time, errors per attempt (retries count once)."
    )
    table = _table(
        [
            ("Task", "left"),
            ("Metric", "left"),
            (_group_header("A", a), "right"),
            (_group_header("B", b), "right"),
            ("B vs A (CI)", "right"),
            ("p", "right"),
            ("Result", "left"),
        ],
        rows,
        caption=caption,
    )
    task_ends = [i for i in range(len(rows) - 1) if rows[i + 1][0]]
    for index in task_ends:
        table.rows[index].end_section = True
    return table


def _how_paired(comparison) -> str:
    asked = any(r.startswith("paired as asked") for r in getattr(comparison, "reasons", []))
    return "as asked (--pairing paired)" if asked else "detected from the data"


def _design_text(comparison) -> str:
    designs = comparison.designs
    if all(not d.paired for d in designs):
        sizes = sorted({d.n_a for d in designs} | {d.n_b for d in designs})
        span = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
        # design_summary says why: different people, rounds with repeating ids, or as asked
        return f"Design: {comparison.design_summary()}; {span} participants per group and task."
    if all(d.paired for d in designs):
        sizes = sorted({d.n_a for d in designs})
        span = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
        left = sum(d.left_out for d in designs)
        extra = (
            f"; left out: {left} participant{'s' if left != 1 else ''} who did a task in one group only" if left else ""
        )
        return (
            f"Design: within subjects, {_how_paired(comparison)} ({span} participants did each task in "
            f"both groups{extra})."
        )
    return "Design per task (detected from the data): " + "; ".join(f"{d.task}: {d.describe()}" for d in designs) + "."


def _tests_used(frame: pd.DataFrame) -> str:
    seen: list[str] = []
    for test in frame["test"]:
        name = test.split(", ")[0]
        if name not in seen:
            seen.append(name)
    return ", ".join(seen)


# --- SUM ------------------------------------------------------------------------------------------


def _component(row: dict | pd.Series, name: str) -> str:
    return format_percent_interval(row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"])


def sum_view(frame: pd.DataFrame, overall: dict, *, confidence: float, notes: list[str]) -> Table:
    rows = []
    for _, r in frame.iterrows():
        rows.append(
            [
                r["task"],
                _component(r, "sum"),
                str(r["components"]),
                _component(r, "completion"),
                _component(r, "satisfaction"),
                _component(r, "time"),
                _component(r, "errors"),
                format_duration(r["time_spec"]),
                format_number(r["opportunities"], 0),
            ]
        )
    rows.append(
        [
            "Overall",
            _component(overall, "sum"),
            str(overall["components"]),
            _component(overall, "completion"),
            _component(overall, "satisfaction"),
            _component(overall, "time"),
            _component(overall, "errors"),
            "",
            "",
        ]
    )
    caption = (
        f"SUM (Sauro & Kindlund 2005): mean of the components, each the share meeting spec; "
        f"{format_confidence(confidence)} intervals (adjusted Wald per component, averaged). "
        f"Satisfaction: SEQ ≥ {SEQ_AVERAGE:g}; time: ≤ the spec limit; errors: per opportunity."
    )
    if notes:
        caption += "\n" + "\n".join(notes)
    table = _table(
        [
            ("Task", "left"),
            ("SUM (CI)", "right"),
            ("Parts", "right"),
            ("Completion", "right"),
            ("Satisfaction", "right"),
            ("Time", "right"),
            ("Errors", "right"),
            ("Spec", "right"),
            ("Opport.", "right"),
        ],
        rows,
        caption=caption,
    )
    if len(rows) > 1:
        table.rows[len(rows) - 2].end_section = True
    return table
