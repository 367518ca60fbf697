"""The self-contained HTML report: one file, styles and charts inline, nothing fetched.

`render_html(report)` returns the whole page as text. Charts are matplotlib figures embedded as
inline SVG (see uxcli.report.charts); every value from user files is HTML-escaped; there is no
JavaScript, no external font, stylesheet or image, so the page works offline, as an e-mail
attachment and archived with the study, and prints cleanly to PDF.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from string import Template
from typing import TYPE_CHECKING, Any

from uxcli.reference import COMPLETION_AVERAGE, SUS_AVERAGE
from uxcli.render.formatting import (
    MISSING,
    format_confidence,
    format_count,
    format_duration,
    format_duration_interval,
    format_number,
    format_percent,
    format_percent_interval,
)
from uxcli.report.charts import CHART_KINDS, SECTIONS, draw, report_text
from uxcli.report.model import ReportData, sus_values
from uxcli.values import is_missing, label_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

GEOMEAN_MAX_N = 25  # below this, the geometric mean estimates the median best (Sauro & Lewis 2010)

# --------------------------------------------------------------------------- report model
# Shared by the HTML and the Markdown renderers, so both show the same content.


@dataclass(frozen=True)
class ReportChart:
    """One chart of the report: where it goes, its caption and alt text, and the figure."""

    kind: str
    figure_id: str
    section: str  # one of SECTIONS: "charts", "sus" or "comparison"
    caption: str
    alt: str
    figure: Figure


@dataclass(frozen=True)
class Table:
    """A table as plain text cells (not yet escaped); numeric columns are right-aligned."""

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    caption: str
    split: list[bool] | None = None  # columns whose trailing "(…)" goes on a second line (HTML)


def _label(column: str) -> str:
    return column.replace("_", " ").strip().capitalize() or column


def _float(value: Any) -> float:
    return math.nan if is_missing(value) else float(value)


def time_headline(row: Any, n_times: float) -> tuple[str, float]:
    """("geometric mean" | "median", value) for a summary row: the geometric mean when it rests on
    fewer than 25 times, else the median (Sauro & Lewis 2010, CHI: "Average task times in
    usability tests"), as in `uxcli summary`."""
    if not math.isnan(n_times) and n_times >= GEOMEAN_MAX_N:
        return "median", _float(row["time_median"])
    return "geometric mean", _float(row["time_geomean"])


def time_sample_sizes(report: ReportData) -> list[float]:
    """Per summary row, the number of times behind its time metrics: report.time_n when given,
    else the successful attempts with a time in the row's group."""
    from uxcli.report.charts.common import group_columns, match_rows

    summary, attempts = report.summary, report.attempts
    if report.time_n is not None:
        return [float(n) for n in report.time_n]
    groups = [c for c in (list(report.group_columns) or group_columns(summary)) if c in attempts.columns]
    if "time" not in attempts.columns or "outcome" not in attempts.columns:
        return [0.0] * len(summary)
    timed = attempts[(attempts["outcome"].astype("object") == "success") & attempts["time"].notna()]
    if not groups:
        return [float(len(timed))] * len(summary)
    return [
        float(match_rows(timed, dict(zip(groups, values, strict=True))).sum())
        for values in summary[groups].itertuples(index=False, name=None)
    ]


def task_table(report: ReportData) -> Table:
    """The per-task metrics table, as in `uxcli summary`, with intervals."""
    from uxcli.pipeline import TIME_RELIABLE_N, UNRELIABLE_MARK
    from uxcli.report.charts.common import group_columns

    summary = report.summary
    groups = list(report.group_columns) or group_columns(summary)
    n_times = time_sample_sizes(report)
    estimators = {time_headline(row, n)[0] for (_, row), n in zip(summary.iterrows(), n_times, strict=True)}
    time_header = f"Time ({estimators.pop()})" if len(estimators) == 1 else "Time"
    headers = [
        *(_label(c) for c in groups),
        "n",
        "Success",
        "Abandonment",
        "Errors / attempt",
        "Error rate",
        "Clicks (mean)",
        time_header,
    ]
    rows = []
    for (_, row), n in zip(summary.iterrows(), n_times, strict=True):
        estimator, value = time_headline(row, n)
        time_text = format_duration_interval(value, row["time_ci_low"], row["time_ci_high"])
        if time_text != MISSING:  # how many times it rests on; an interval from fewer than 5 is unreliable (†)
            unreliable = 0 < n < TIME_RELIABLE_N and "(" in time_text
            time_text = f"{time_text}{UNRELIABLE_MARK if unreliable else ''} n={int(n)}"
        if len(estimators) > 1 and time_text != MISSING:
            time_text = f"{time_text} {'median' if estimator == 'median' else 'geo. mean'}"
        rows.append(
            [
                *(label_text(row[c], MISSING) for c in groups),
                format_count(row["attempts"]),
                format_percent_interval(row["success_rate"], row["success_ci_low"], row["success_ci_high"]),
                format_percent(row["abandonment_rate"]),
                format_number(row["errors_per_attempt"], 2),
                format_percent(row["error_rate"]),
                format_number(row["clicks_mean"], 1),
                time_text,
            ]
        )
    conf = format_confidence(report.confidence)
    caption = (
        f"Intervals are {conf} confidence intervals: adjusted Wald for success rates; for times, "
        f"the interval of the log-transformed times. Time is the geometric mean when it rests on fewer "
        f"than {GEOMEAN_MAX_N} times and the median otherwise (Sauro & Lewis 2010). A dash means the data has no values "
        f"for that metric. n= is the number of times a time rests on; {UNRELIABLE_MARK} marks an interval from fewer "
        f"than {TIME_RELIABLE_N} times (unreliable)."
    )
    numeric = [False] * len(groups) + [True] * 7
    return Table(headers, rows, numeric, caption)


def _comparison_value(metric: str, value: Any) -> str:
    if metric == "success_rate":
        return format_percent(value)
    if metric == "time":
        return format_duration(value)
    return format_number(value, 2)


def _signed(value: float, digits: int, unit: str = "") -> str:
    text = f"{abs(value):.{digits}f}{unit}"
    return text if round(value, digits) == 0 else ("+" if value > 0 else "−") + text


def _comparison_estimate(metric: str, estimate: Any, low: Any, high: Any) -> str:
    estimate, low, high = _float(estimate), _float(low), _float(high)
    if math.isnan(estimate):
        return MISSING
    if metric == "time":
        text = f"{estimate:.2f}×"
        bounds = (f"{low:.2f}×", f"{high:.2f}×")
    elif metric == "success_rate":
        text = _signed(estimate * 100, 0, " pts")
        bounds = (_signed(low * 100, 0), _signed(high * 100, 0))
    else:
        text = _signed(estimate, 2)
        bounds = (_signed(low, 2), _signed(high, 2))
    if math.isnan(low) or math.isnan(high):
        return text
    return f"{text} ({bounds[0]} to {bounds[1]})"


def comparison_table(report: ReportData) -> Table | None:
    """The comparison frame as a table, with the direction of each difference spelled out."""
    from uxcli.render.formatting import format_p_value
    from uxcli.report.charts.common import as_floats
    from uxcli.report.charts.compare import COMPARE_METRICS, difference_direction, group_pairs

    frame = report.comparison
    if frame is None or len(frame) == 0:
        return None
    pairs = group_pairs(frame)
    single = len(pairs) == 1
    name_a, name_b = pairs[0] if single else ("Group A", "Group B")
    directions: dict[str, str] = {}
    for metric, sub in frame.groupby(frame["metric"].astype(str), sort=False):
        ratio = metric == "time"
        b_first = difference_direction(
            as_floats(sub["value_a"]), as_floats(sub["value_b"]), as_floats(sub["difference"]), ratio
        )
        first, second = ("B", "A") if b_first else ("A", "B")
        if single:
            first, second = (name_b, name_a) if b_first else (name_a, name_b)
        directions[metric] = f"{first} {'÷' if ratio else '−'} {second}"
    conf = format_confidence(report.confidence)
    headers = ["Task", "Metric", name_a, name_b, f"Difference ({conf} CI)", "p", "Test"]
    rows = []
    for _, row in frame.iterrows():
        metric = str(row["metric"])
        value_a = _comparison_value(metric, row["value_a"])
        value_b = _comparison_value(metric, row["value_b"])
        if not single:
            value_a = f"{label_text(row['group_a'], MISSING)}: {value_a}"
            value_b = f"{label_text(row['group_b'], MISSING)}: {value_b}"
        rows.append(
            [
                label_text(row["task"], MISSING),
                f"{COMPARE_METRICS.get(metric, metric)} ({directions[metric]})",
                value_a,
                value_b,
                _comparison_estimate(metric, row["difference"], row["ci_low"], row["ci_high"]),
                format_p_value(row["p_value"]),
                label_text(row["test"], MISSING),
            ]
        )
    caption = (
        "Success rate differences are in percentage points; time is compared as a ratio of "
        "geometric means (below 1× means faster); errors per attempt as a difference of means."
    )
    return Table(
        headers,
        rows,
        [False, False, True, True, True, True, False],
        caption,
        split=[False, True, True, True, True, False, False],
    )


# --------------------------------------------------------------------------- A/B readout
# With conditions or rounds compared (report.compared), the report leads with the verdicts in words and
# shows the task metrics and questionnaires per condition side by side.

SIGNIFICANT_MARK = "*"
QUESTIONNAIRE_TITLES = {"sus": "SUS", "seq": "SEQ", "umux-lite": "UMUX-Lite", "nps": "NPS", "csat": "CSAT"}


def readout_lines(report: ReportData) -> list[tuple[str, str, bool]]:
    """(lead, text, significant) per verdict: lead "Significant difference" or "No detectable difference",
    text naming the task and the comparison (uxcli.report.build.verdict_text)."""
    lines = []
    for verdict in report.readout:
        lead = "Significant difference" if verdict.significant else "No detectable difference"
        if verdict.text.endswith(")") and "not testable" in verdict.text:
            lead = "Not testable"
        where = f"{verdict.task} — " if verdict.task else ""
        lines.append((lead, f"{where}{verdict.text}", verdict.significant))
    return lines


def readout_caption(report: ReportData) -> str:
    compared = report.compared
    if compared is None:
        return ""
    return (
        f"{compared.group_b} compared with {compared.group_a} ({compared.column}; {compared.subjects}); "
        f"differences are {compared.group_b} − {compared.group_a} (time: the ratio {compared.group_b} ÷ "
        f"{compared.group_a} of geometric mean completion times), significant at p < 0.05."
    )


def condition_table(report: ReportData) -> Table | None:
    """The task metrics per condition side by side (participant-level values of the comparison: the share
    of participants who completed, geometric mean completion time, errors per attempt), the B value
    marked when its difference from A is significant."""
    frame, compared = report.comparison, report.compared
    if frame is None or compared is None or len(frame) == 0:
        return None
    a, b = compared.group_a, compared.group_b
    metrics = [m for m in ("success_rate", "time", "errors_per_attempt") if (frame["metric"] == m).any()]
    names = {"success_rate": "Success", "time": "Time", "errors_per_attempt": "Errors / attempt"}
    headers = ["Task"] + [f"{names[m]} {group}" for m in metrics for group in (a, b)]
    rows = []
    for task in dict.fromkeys(frame["task"].astype(str)):
        part = frame[frame["task"].astype(str) == task]
        cells = [task]
        for metric in metrics:
            row = part[part["metric"] == metric]
            if row.empty:
                cells.extend([MISSING, MISSING])
                continue
            first = row.iloc[0]
            p = _float(first["p_value"])
            mark = f" {SIGNIFICANT_MARK}" if not math.isnan(p) and p < 0.05 else ""
            cells.append(_comparison_value(metric, first["value_a"]))
            cells.append(_comparison_value(metric, first["value_b"]) + mark)
        rows.append(cells)
    caption = (
        f"{a} and {b} side by side, per participant: success is the share of participants who completed the "
        f"task, time the geometric mean completion time, errors the mean of the participants' errors per "
        f"attempt. {SIGNIFICANT_MARK} marks a {b} value that differs significantly from {a} (p < 0.05; tests "
        f"in the Comparison table)."
    )
    return Table(headers, rows, [False] + [True] * (len(headers) - 1), caption)


_HEADLINE = {"sus": "mean", "seq": "mean", "umux-lite": "mean", "nps": "nps", "csat": "csat"}
_EXTRA = {
    "sus": (("grade", "Grade"), ("adjective", "Adjective")),
    "umux-lite": (("sus_mean", "SUS equivalent"),),
    "nps": (("promoters", "Promoters"), ("passives", "Passives"), ("detractors", "Detractors")),
    "csat": (("top2", "Top-2-box"), ("mean", "Mean rating")),
}


def _score_text(instrument: str, value: Any, low: Any, high: Any) -> str:
    from uxcli.render.formatting import format_number_interval

    if instrument == "csat":
        return format_percent_interval(value, low, high)
    return format_number_interval(value, low, high, 2 if instrument == "seq" else 1)


def questionnaire_tables(report: ReportData) -> list[tuple[str, Table, Table | None]]:
    """(heading, per-condition table, comparison table or None) per questionnaire section; SUS without
    conditions is left to the SUS facts (sus_facts)."""
    from uxcli.render.formatting import format_p_value

    conf = format_confidence(report.confidence)
    out = []
    for section in report.questionnaires:
        if section.by is None and section.instrument == "sus" and (report.sus_summary or sus_values(report)):
            continue
        title = QUESTIONNAIRE_TITLES.get(section.instrument, section.instrument.upper())
        groups = section.groups
        keys = [c for c in (section.by, "task") if c and c in groups.columns and groups[c].notna().any()]
        headline = _HEADLINE.get(section.instrument, "mean")
        extras = [(c, label) for c, label in _EXTRA.get(section.instrument, ()) if c in groups.columns]
        headers = [*(_label(k) for k in keys), "n", f"{title} ({conf} CI)"]
        headers += [label for _, label in extras]
        rows = []
        for _, row in groups.iterrows():
            cells = [label_text(row[k], MISSING) for k in keys]
            cells.append(format_count(row.get("n")))
            cells.append(_score_text(section.instrument, row.get(headline), row.get("ci_low"), row.get("ci_high")))
            for column, _ in extras:
                value = row.get(column)
                cells.append(format_number(value, 1) if isinstance(value, float) else label_text(value, MISSING))
            rows.append(cells)
        caption = f"{title} per {section.by}; (all) is every respondent together." if section.by else f"{title}."
        numeric = [False] * len(keys) + [True, True] + [c not in ("grade", "adjective") for c, _ in extras]
        table = Table(headers, rows, numeric, caption)
        compared_table = None
        frame = section.comparison
        if frame is not None and len(frame):
            task = "task" in frame.columns
            c_headers = [*(["Task"] if task else []), "Compared", f"Difference ({conf} CI)", "p", "Test"]
            c_rows = []
            for _, row in frame.iterrows():
                diff = _questionnaire_difference(section.instrument, row)
                compared = f"{row['group_b']}: {_score_text(section.instrument, row['value_b'], None, None)} vs "
                compared += f"{row['group_a']}: {_score_text(section.instrument, row['value_a'], None, None)}"
                compared += f" (n = {format_count(row['n_b'])} vs {format_count(row['n_a'])})"
                cells = [label_text(row["task"], MISSING)] if task else []
                c_rows.append([*cells, compared, diff, format_p_value(row["p_value"]), str(row["test"])])
            notes = " ".join(section.notes)
            c_caption = f"{title}: {frame.iloc[0]['group_b']} − {frame.iloc[0]['group_a']}. {notes}".strip()
            numeric = [*([False] if task else []), False, True, True, False]
            compared_table = Table(c_headers, c_rows, numeric, c_caption)
        out.append((title, table, compared_table))
    return out


def _questionnaire_difference(instrument: str, row: Any) -> str:
    diff, low, high = _float(row["difference"]), _float(row["ci_low"]), _float(row["ci_high"])
    if math.isnan(diff):
        return MISSING
    if instrument == "csat":
        text, bounds = _signed(diff * 100, 0, " pts"), (_signed(low * 100, 0), _signed(high * 100, 0))
    else:
        digits = 2 if instrument == "seq" else 1
        text, bounds = _signed(diff, digits), (_signed(low, digits), _signed(high, digits))
    if math.isnan(low) or math.isnan(high):
        return text
    return f"{text} ({bounds[0]} to {bounds[1]})"


def questionnaire_content(report: ReportData) -> tuple[str, dict[str, str], list[tuple[str, Table, Table | None]]]:
    """(heading, SUS facts, questionnaire tables) of the questionnaire section; heading "" without one.
    Only SUS without conditions keeps the single-instrument heading "Questionnaire: SUS"."""
    tables = questionnaire_tables(report)
    pooled_sus = bool(sus_values(report) or report.sus_summary) and not any(t == "SUS" for t, _, _ in tables)
    if not tables and not pooled_sus:
        return "", {}, []
    heading = "Questionnaire: SUS" if pooled_sus and not tables else "Questionnaires"
    return heading, sus_facts(report) if pooled_sus else {}, tables


def _ordinal(value: float) -> str:
    number = int(round(value))
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def sus_facts(report: ReportData) -> dict[str, str]:
    """Label -> value for the questionnaire section, from sus_summary (keys that are present)."""
    data = report.sus_summary or {}
    facts: dict[str, str] = {}
    conf = format_confidence(report.confidence)
    if "n" in data:
        facts["Respondents"] = format_count(data["n"])
    if "mean" in data:
        mean = format_number(data["mean"], 1)
        if not is_missing(data.get("ci_low")) and not is_missing(data.get("ci_high")):
            mean += f" ({conf} CI {format_number(data['ci_low'], 1)}–{format_number(data['ci_high'], 1)})"
        facts["Mean SUS score"] = mean
    if data.get("grade"):
        facts["Grade (Sauro–Lewis curve)"] = str(data["grade"])
    if not is_missing(data.get("percentile")):
        facts["Percentile"] = _ordinal(float(data["percentile"]))
    if data.get("adjective"):
        facts["Adjective (Bangor et al.)"] = str(data["adjective"])
    if "sd" in data:
        facts["Standard deviation"] = format_number(data["sd"], 1)
    if "median" in data:
        facts["Median"] = format_number(data["median"], 1)
    if "min" in data and "max" in data:
        facts["Range"] = f"{format_number(data['min'], 1)}–{format_number(data['max'], 1)}"
    return facts


def build_report_charts(report: ReportData) -> list[ReportChart]:
    """Every registered chart kind that applies to the report's data, in page order: by section
    (uxcli.report.charts.SECTIONS), then in registry order."""
    built = []
    for kind in CHART_KINDS.values():
        text = report_text(kind.name, report)
        if text is not None:
            figure = draw(kind.name, report)
            built.append(ReportChart(kind.name, f"fig-{kind.name}", kind.section, text.caption, text.alt, figure))
    return sorted(built, key=lambda chart: SECTIONS.index(chart.section))


def skipped_chart_notes(report: ReportData, built: Sequence[ReportChart]) -> list[str]:
    """Why a chart the reader may expect is missing: the skipped_note of each kind left out."""
    shown = {chart.kind for chart in built}
    return [kind.skipped_note for kind in CHART_KINDS.values() if kind.skipped_note and kind.name not in shown]


def _p_text(value: Any) -> str:
    p = _float(value)
    return "" if math.isnan(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")


def _fixed(value: Any, digits: int = 2) -> str:
    x = _float(value)
    return "" if math.isnan(x) else f"{x:.{digits}f}"


def _share(value: Any) -> str:
    x = _float(value)
    return "" if math.isnan(x) else f"{x:.0%}"


NAVIGATION_METHOD = (
    "Lostness L = √((N/S − 1)² + (R/N − 1)²), S visits, N unique targets, R the fewest visits needed, the mean "
    "over attempts; 0 is the optimal path, above about .5 users are lost (Smith 1996). Path efficiency R ÷ S over "
    "successful attempts. Direct success: no backtrack and no visit off the expected path. First click: success "
    "after a correct vs a wrong first click, N−1 two-proportion test (Sauro & Lewis, QUX ch. 5)."
)


def navigation_tables(report: ReportData) -> tuple[Table, Table | None, str] | None:
    """(path table, first-click table or None, method and source line) of the navigation section, or None."""
    section = report.navigation
    if section is None or not len(section.frame):
        return None
    frame = section.frame
    keys = [c for c in section.by if c in frame.columns]
    misclicks = "misclicks_per_attempt" in frame.columns and frame["misclicks_per_attempt"].notna().any()
    headers = [_label(k) for k in keys] + [
        "Attempts", "Successes (direct / indirect)", "Lostness", "Path efficiency", "Backtracks per attempt",
        "R (fewest visits)",
    ] + (["Misclicks per attempt"] if misclicks else [])  # fmt: skip
    rows = []
    for _, row in frame.iterrows():
        cells = [label_text(row[k]) for k in keys] + [
            str(int(row["attempts"])),
            f"{int(row['successes'])} ({int(row['direct_successes'])} / {int(row['indirect_successes'])})",
            _fixed(row["lostness"]),
            _share(row["path_efficiency"]),
            _fixed(row["backtracks_per_attempt"]),
            f"{_fixed(row['optimal_visits'], 0)} ({row['optimal_from']})" if _fixed(row["optimal_visits"], 0) else
            str(row["optimal_from"]),
        ] + ([_fixed(row["misclicks_per_attempt"])] if misclicks else [])  # fmt: skip
        rows.append(cells)
    numeric = [False] * len(keys) + [True] * (len(headers) - len(keys))
    paths = Table(headers, rows, numeric, "Navigation per " + " and ".join(_label(k).lower() for k in keys) + ".")
    first = None
    clicked = frame[frame["first_click_attempts"] > 0] if "first_click_attempts" in frame.columns else frame[:0]
    if len(clicked):
        first_rows = [
            [label_text(row[k]) for k in keys]
            + [
                str(int(row["first_click_attempts"])),
                _share(row["first_click_correct"]),
                str(row["success_after_correct"]),
                str(row["success_after_wrong"]),
                _fixed(row["first_click_z"], 3),
                _p_text(row["first_click_p"]),
            ]
            for _, row in clicked.iterrows()
        ]
        first_headers = [_label(k) for k in keys] + [
            "First clicks", "Correct", "Success after correct", "Success after wrong", "z (N−1)", "p",
        ]  # fmt: skip
        first = Table(
            first_headers,
            first_rows,
            [False] * len(keys) + [True] * 6,
            "First clicks against the study file's expected first targets; success after a correct vs a wrong "
            "first click, N−1 two-proportion test.",
        )
    source = f"the study file {section.study_file}" if section.study_file else "no study file"
    notes = " ".join(n[:1].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in section.notes)
    return paths, first, f"{NAVIGATION_METHOD} Source: the event log's targets; expected paths from {source}. {notes}"


DISCOVERY_METHOD = (
    "p̂ = hits ÷ (participants × problems met); the adjusted p is the mean of the deflation (p̂ − 1/n)(1 − 1/n) "
    "and the Good–Turing p̂ ÷ (1 + N1/N) (Lewis 2001; Sauro & Lewis, QUX ch. 7); problems in all ≈ N ÷ "
    "(1 − (1 − p)ⁿ); participants for a goal g: ⌈ln(1 − g) ÷ ln(1 − p)⌉."
)


def discovery_content(report: ReportData) -> tuple[dict[str, str], str] | None:
    """(facts, method and source line) of the problem-discovery section, or None without --problems."""
    result = report.discovery
    if result is None:
        return None
    facts = {
        "Participants": str(result.n),
        "Problems met": f"{result.problems_met} ({result.hits} hits, {result.once} met once)",
        "Discovery rate p̂ (raw)": f"{result.p_raw:.3f}",
        "Adjusted p (Lewis 2001)": f"{result.p:.3f} (deflated {result.p_deflated:.3f}, Good–Turing "
        f"{result.p_good_turing:.3f})",
        "Problems estimated": f"{result.total_estimate:.1f} (about {result.unseen_estimate:.1f} not yet seen)",
        "Discovered so far": f"{result.discovered_so_far:.0%}",
        "Participants needed": ", ".join(f"{g:.0%}: {k}" for g, k in zip(result.goals, result.needed, strict=True)),
    }
    notes = " ".join(n[:1].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in result.notes)
    source = f" Source: {report.discovery_source}." if report.discovery_source else ""
    return facts, f"{DISCOVERY_METHOD}{source} {notes}".strip()


def methods_text(report: ReportData) -> list[str]:
    conf = format_confidence(report.confidence)
    return [
        f"Success rates carry {conf} adjusted-Wald intervals (Agresti & Coull 1998; Sauro & Lewis 2005). "
        f"Task times are summarised by the geometric mean for fewer than {GEOMEAN_MAX_N} times and the "
        f"median otherwise, with intervals from the log-transformed times (Sauro & Lewis 2010).",
        f"Benchmarks: the {COMPLETION_AVERAGE:.0%} average task completion rate and the average SUS score of "
        f"{SUS_AVERAGE:g} (Sauro 2011); SUS grades follow the Sauro–Lewis curved grading scale (Quantifying the "
        "User Experience, 2nd ed., ch. 8).",
        "Charts are drawn with matplotlib in the Okabe–Ito colour-blind-safe palette; outcomes are also "
        "told apart by shape and symbol.",
    ]


# --------------------------------------------------------------------------- HTML

STYLE = """
:root {
  color-scheme: light;
  --fg: #1a1a1a; --muted: #575757; --line: #d9d9d9; --soft: #f5f6f7; --accent: #0072B2;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: #ffffff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  font-size: 16px; line-height: 1.5;
}
.page { max-width: 68rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
header.report-header { border-bottom: 3px solid var(--accent); padding-bottom: 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .35rem; overflow-wrap: anywhere; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0; max-width: 48rem; }
.generated { color: var(--muted); margin: 0; }
nav.contents ul { list-style: none; padding: 0; margin: .75rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
nav.contents a { color: var(--accent); text-decoration: none; }
nav.contents a:hover { text-decoration: underline; }
dl.facts {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: .75rem; margin: 1rem 0;
}
dl.facts > div { background: var(--soft); border-radius: 8px; padding: .65rem .85rem; min-width: 0; }
dl.facts dt { font-size: .78rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
dl.facts dd { margin: .1rem 0 0; font-size: 1.15rem; font-weight: 600; overflow-wrap: anywhere; }
ul.notes { padding-left: 1.25rem; margin: .5rem 0; }
ul.notes li { margin: .2rem 0; overflow-wrap: anywhere; }
ul.readout { list-style: none; padding: 0; margin: .5rem 0; }
ul.readout li { margin: .35rem 0; padding: .45rem .75rem; border-left: 4px solid var(--line); background: var(--soft); }
ul.readout li.significant { border-left-color: #D55E00; }
ul.readout li.significant strong { color: #A04000; }
.table-wrap { overflow-x: auto; margin: 1rem 0 .5rem; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; font-variant-numeric: tabular-nums; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem; padding: .6rem .8rem; }
th, td { padding: .5rem .75rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; vertical-align: bottom; }
tbody th { font-weight: 600; min-width: 10rem; }
.ci { display: block; color: var(--muted); font-size: .8rem; white-space: nowrap; }
tbody tr:last-child > * { border-bottom: none; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td { overflow-wrap: anywhere; }
#task-metrics td:first-of-type { overflow-wrap: normal; }
figure.chart {
  margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--line); border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, .06); background: #ffffff;
}
figure.chart svg { display: block; width: 100%; height: auto; margin: 0 auto; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .75rem; max-width: 48rem; }
figcaption strong { color: var(--fg); }
.muted { color: var(--muted); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  .page { padding: 1rem .75rem 2rem; }
  h1 { font-size: 1.5rem; }
  figure.chart { padding: .5rem; }
}
@media print {
  @page { margin: 14mm 12mm; }
  :root { --muted: #333333; --line: #999999; --soft: #ffffff; }
  body { font-size: 10.5pt; color: #000000; background: #ffffff; }
  .page { max-width: none; padding: 0; }
  nav.contents { display: none; }
  header.report-header { border-bottom-color: #000000; }
  h1, h2, h3, p, dd, dt, td, th, caption, figcaption, footer, li { color: #000000; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.chart { box-shadow: none; border: none; border-radius: 0; padding: 0;
    break-inside: avoid; page-break-inside: avoid; }
  figure.chart svg { width: 100%; max-width: 100% !important; max-height: 23cm; }
  .table-wrap { overflow: visible; border: none; border-radius: 0; }
  table { font-size: 9pt; }
  th, td { padding: .3rem .4rem; }
  tbody th { min-width: 0; }
  .ci { font-size: 7.5pt; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead th { background: #ffffff; border-bottom: 1.5pt solid #000000; }
  dl.facts > div { border: 1px solid #999999; break-inside: avoid; }
  a { color: #000000; text-decoration: none; }
}
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="uxcli">
<title>$title</title>
<style>$style</style>
</head>
<body>
<div class="page">
<header class="report-header">
<h1>$title</h1>
<p class="generated">Generated $generated</p>
<nav class="contents" aria-label="Contents"><ul>
$nav</ul></nav>
</header>
<main>
$body</main>
<footer>
$footer</footer>
</div>
</body>
</html>
""")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _facts_html(facts: Mapping[str, str], css: str = "facts") -> str:
    items = "".join(f"<div><dt>{_e(label)}</dt><dd>{_e(value)}</dd></div>\n" for label, value in facts.items())
    return f'<dl class="{css}">\n{items}</dl>\n'


NUM = ' class="num"'
_INTERVAL = re.compile(r"^(.*?) (\(.*\))$")


def _cell_html(text: str, split: bool) -> str:
    """A cell's trailing "(…)" (an interval) goes on its own smaller line, keeping columns narrow."""
    match = _INTERVAL.match(text) if split else None
    if match is None:
        return _e(text)
    return f'{_e(match.group(1))}<span class="ci">{_e(match.group(2))}</span>'


def _table_html(table: Table, table_id: str) -> str:
    head = "".join(
        f'<th scope="col"{NUM if numeric else ""}>{_e(h)}</th>'
        for h, numeric in zip(table.headers, table.numeric, strict=True)
    )
    body_rows = []
    for row in table.rows:
        cells = []
        split = table.split or table.numeric
        for index, (cell, numeric) in enumerate(zip(row, table.numeric, strict=True)):
            if index == 0:
                cells.append(f'<th scope="row">{_e(cell)}</th>')
            else:
                cells.append(f"<td{NUM if numeric else ''}>{_cell_html(cell, split[index])}</td>")
        body_rows.append(f"<tr>{''.join(cells)}</tr>\n")
    return (
        f'<div class="table-wrap"><table id="{_e(table_id)}">\n'
        f"<caption>{_e(table.caption)}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{''.join(body_rows)}</tbody>\n</table></div>\n"
    )


def _figure_html(chart: ReportChart, number: int) -> str:
    from uxcli.report.charts.common import figure_to_svg

    svg = figure_to_svg(chart.figure, id_prefix=chart.figure_id)
    # Scale with the page, but never beyond 1.45× the drawn size (text would get too large).
    width = re.search(r'<svg[^>]*\bwidth="([0-9.]+)pt"', svg)
    limit = f' style="max-width: {float(width.group(1)) * 4 / 3 * 1.45:.0f}px"' if width else ""
    attributes = f'role="img" aria-label="{_e(chart.alt)}" focusable="false"{limit}'
    svg = svg.replace("<svg ", f"<svg {attributes} ", 1)
    return (
        f'<figure class="chart" id="{_e(chart.figure_id)}">\n{svg}'
        f"<figcaption><strong>Figure {number}.</strong> {_e(chart.caption)}</figcaption>\n</figure>\n"
    )


def render_html(report: ReportData) -> str:
    """The complete report page (UTF-8 text) for `uxcli report … -o report.html`."""
    charts_built = build_report_charts(report)
    numbers = {chart.figure_id: i for i, chart in enumerate(charts_built, start=1)}

    def figures(section: str) -> str:
        return "".join(_figure_html(c, numbers[c.figure_id]) for c in charts_built if c.section == section)

    sections: list[tuple[str, str, str]] = []  # (id, heading, html)

    overview = _facts_html(report.overview) if report.overview else '<p class="muted">No overview.</p>\n'
    if report.notes:
        notes = '<ul class="notes">\n' + "".join(f"<li>{_e(n)}</li>\n" for n in report.notes) + "</ul>\n"
    else:
        notes = '<p class="muted">No exclusions, warnings or rows set aside.</p>\n'
    readout = readout_lines(report)
    if readout:
        items = "".join(
            f'<li class="{"significant" if significant else "not-significant"}"><strong>{_e(lead)}:</strong> '
            f"{_e(text)}</li>\n"
            for lead, text, significant in readout
        )
        content = f'<ul class="readout">\n{items}</ul>\n<p class="muted">{_e(readout_caption(report))}</p>\n'
        sections.append(("readout", "Readout", content))
    sections.append(("overview", "Overview", overview + "<h3>Data quality</h3>\n" + notes))

    side_by_side = condition_table(report)
    tasks = ""
    if side_by_side is not None and report.compared is not None:
        tasks = _table_html(side_by_side, "task-metrics-conditions")
        tasks += f"<h3>Per task and {_e(report.compared.column)}</h3>\n"
    tasks += _table_html(task_table(report), "task-metrics")
    sections.append(("tasks", "Task metrics", tasks))

    chart_notes = "".join(f'<p class="muted">{_e(n)}</p>\n' for n in skipped_chart_notes(report, charts_built))
    sections.append(("charts", "Charts", figures("charts") + chart_notes))

    heading, facts, tables = questionnaire_content(report)
    if heading:
        content = _facts_html(facts) if facts else ""
        for number, (title, table, compared) in enumerate(tables, start=1):
            content += f"<h3>{_e(title)}</h3>\n" + _table_html(table, f"questionnaire-{number}")
            content += _table_html(compared, f"questionnaire-{number}-comparison") if compared else ""
        sections.append(("sus", heading, content + figures("sus")))

    comparison = comparison_table(report)
    if comparison is not None:
        sections.append(
            ("comparison", "Comparison", figures("comparison") + _table_html(comparison, "comparison-table"))
        )

    navigation = navigation_tables(report)
    if navigation is not None:
        paths, first, method = navigation
        content = _table_html(paths, "navigation-table")
        content += _table_html(first, "first-click-table") if first is not None else ""
        sections.append(("navigation", "Navigation", content + f'<p class="muted">{_e(method)}</p>\n'))

    discovery = discovery_content(report)
    if discovery is not None:
        facts, method = discovery
        content = _facts_html(facts) + figures("discovery") + f'<p class="muted">{_e(method)}</p>\n'
        sections.append(("discovery", "Problem discovery", content))

    body = "".join(
        f'<section id="{sid}" aria-labelledby="{sid}-heading">\n<h2 id="{sid}-heading">{_e(heading)}</h2>\n'
        f"{content}</section>\n"
        for sid, heading, content in sections
    )
    nav = "".join(f'<li><a href="#{sid}">{_e(heading)}</a></li>\n' for sid, heading, _ in sections)
    footer = "".join(f"<p>{_e(p)}</p>\n" for p in methods_text(report))
    footer += f"<p>Generated by uxcli on {_e(report.generated)}.</p>\n"
    return PAGE.substitute(
        title=_e(report.title),
        generated=_e(report.generated),
        style=STYLE,
        nav=nav,
        body=body,
        footer=footer,
    )
