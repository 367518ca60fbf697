"""`uxcli sus`, `seq`, `umux-lite`, `nps`, `csat`: questionnaire scores from survey exports or YAML sessions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from uxcli.cli import gating
from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, render_table, reported_errors, say, write_output

if TYPE_CHECKING:
    from uxcli.questionnaires.exports import Responses

ImputeNeutralOption = Annotated[
    bool,
    typer.Option(
        "--impute-neutral",
        help="Score a missing answer as the scale's neutral point (3 on SUS; "
        "Bangor, Kortum & Miller 2008) instead of refusing the respondent.",
        rich_help_panel=opt.INPUT,
    ),
]
ColumnOption = Annotated[
    Optional[str],
    typer.Option(
        "--column",
        help="The column holding the answers (default: found from the header).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]


def _read(
    paths: list[str],
    instrument: str,
    *,
    encoding: str | None,
    impute: bool = False,
    column: str | None = None,
    verbose: bool = False,
) -> Responses:
    """Read answers; list every bad answer on stderr and stop (exit 1) if there is any."""
    from uxcli.questionnaires.exports import read_responses

    responses = read_responses(paths, instrument, encoding=encoding, impute_neutral=impute, column=column)
    errors = responses.problems.errors
    if len(errors) > 1:
        for problem in errors:
            say(f"error: {problem}")
    responses.raise_errors()
    warnings = responses.problems.warnings
    for problem in warnings if verbose else warnings[:10]:
        say(f"warning: {problem}")
    if len(warnings) > 10 and not verbose:
        say(f"warning: … and {len(warnings) - 10} more warnings (--verbose lists them all)")
    for note in responses.notes:
        say(f"note: {note}")
    imputed = int(responses.frame["imputed"].sum())
    if imputed:
        people = int((responses.frame["imputed"] > 0).sum())
        say(
            f"note: {imputed} missing answer{'s' if imputed != 1 else ''} of {people} respondent"
            f"{'s' if people != 1 else ''} scored as {responses.instrument.neutral} (--impute-neutral)"
        )
    if verbose:
        say(
            f"{len(responses.frame)} {responses.instrument.name} respondents read from {len(responses.files)} "
            f"file{'s' if len(responses.files) != 1 else ''}"
        )
    return responses


def _dict(values: dict) -> dict[str, Any]:
    """A summary dict with plain-Python values (None for missing, floats rounded like other outputs)."""
    import pandas as pd

    from uxcli.render.text import records

    return records(pd.DataFrame([values]))[0]


def _json(document: Any) -> str:
    import json

    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _respondents_and_summary(fmt: opt.Format, respondents, summary: dict, keys: list[str], summary_title: str) -> str:
    """JSON {"respondents": [...], "summary": {...}}; CSV the respondents; Markdown both."""
    from uxcli.render.text import records, to_csv, to_markdown

    if fmt is opt.Format.json:
        people = [{k: row[k] for k in keys} for row in records(respondents)]
        return _json({"respondents": people, "summary": _dict(summary)})
    if fmt is opt.Format.csv:
        return to_csv(respondents)
    import pandas as pd

    table = pd.DataFrame([{"statistic": k, "value": v} for k, v in _dict(summary).items()])
    return to_markdown(respondents) + f"\n**{summary_title}**\n\n" + to_markdown(table)


def _gate(rules, study: dict, groups=None, by=None, *, gate_on: opt.GateOn, confidence: float):
    if not rules:
        return [], 0
    from uxcli.gates import check

    return check(rules, groups, by, study, mode=gate_on.value, confidence=confidence)


def _one_score(
    instrument: str,
    paths: list[str],
    *,
    confidence: float,
    fail_under: list[str] | None,
    gate_on: opt.GateOn,
    fmt: opt.Format | None,
    output: Path | None,
    encoding: str | None,
    verbose: bool,
    debug: bool,
    impute: bool = False,
    column: str | None = None,
) -> None:
    """The body of sus, umux-lite and nps: read, score each respondent, summarise, gate, render.

    What differs per instrument is in _ONE_SCORE: its results function (uxcli.questionnaires.summaries), the figures
    the gate sees, the table view (uxcli.render.views) and its extra arguments, and the respondent
    columns of JSON output.
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        rules = gating.parse(fail_under)
        responses = _read(paths, instrument, encoding=encoding, impute=impute, column=column, verbose=verbose)
        import importlib

        import uxcli.questionnaires.summaries

        spec = _ONE_SCORE[instrument]
        respondents, summary = getattr(uxcli.questionnaires.summaries, spec["results"])(responses, confidence)
        figures = spec["figures"](respondents, summary, confidence)
        failures, checks = _gate(rules, figures, gate_on=gate_on, confidence=confidence)
        if fmt is opt.Format.table:
            view = getattr(importlib.import_module("uxcli.render.views"), spec["view"])
            render_table(
                view(respondents, summary, confidence=confidence, **spec.get("view_args", _no_args)(figures)), output
            )
        else:
            write_output(_respondents_and_summary(fmt, respondents, summary, spec["keys"], spec["title"]), output)
        gating.report(failures, checks, rules, gate_on.value)


def _no_args(figures: dict) -> dict:
    return {}


def _sus_figures(respondents, summary: dict, confidence: float) -> dict:
    from uxcli.benchmarks import sus_figures

    return sus_figures(respondents["score"].to_numpy(), confidence, 1 - confidence)


_ONE_SCORE: dict[str, dict[str, Any]] = {
    "sus": {
        "results": "sus_results",
        "view": "sus_view",
        "title": "SUS summary",
        "keys": ["participant", "score"],
        "figures": _sus_figures,
        "view_args": lambda figures: {"benchmark": figures.get("sus_verdict")},
    },
    "umux-lite": {
        "results": "umux_lite_results",
        "view": "umux_view",
        "title": "UMUX-Lite summary",
        "keys": ["participant", "raw", "sus_equivalent"],
        "figures": lambda _, s, __: {
            "umux_mean": s["sus_mean"],
            "umux_ci_low": s["sus_ci_low"],
            "umux_ci_high": s["sus_ci_high"],
        },
    },
    "nps": {
        "results": "nps_results",
        "view": "nps_view",
        "title": "NPS summary",
        "keys": ["participant", "rating", "category"],
        "figures": lambda _, s, __: {"nps": s["nps"], "nps_ci_low": s["ci_low"], "nps_ci_high": s["ci_high"]},
    },
}


def sus(
    paths: opt.Paths,
    confidence: opt.ConfidenceOption = 0.95,
    impute_neutral: ImputeNeutralOption = False,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    encoding: opt.EncodingOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """System Usability Scale: respondent scores; mean, CI, grade, percentile, adjective.

    Reads survey exports (an id column and ten item columns: Q1-Q10, SUS1-SUS10 or the item texts; answers 1-5 or Strongly disagree ... Strongly agree) and YAML sessions (questionnaires: {sus: [...]}).

    Example: uxcli sus responses.csv --fail-under sus=68
    """
    _one_score(
        "sus",
        paths,
        confidence=confidence,
        fail_under=fail_under,
        gate_on=gate_on,
        fmt=fmt,
        output=output,
        encoding=encoding,
        verbose=verbose,
        debug=debug,
        impute=impute_neutral,
    )


def umux_lite(
    paths: opt.Paths,
    confidence: opt.ConfidenceOption = 0.95,
    impute_neutral: ImputeNeutralOption = False,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    encoding: opt.EncodingOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """UMUX-Lite: raw score (two 1-7 items) and its SUS equivalent, 0.65 x raw + 22.9.

    Item columns: UMUX1/UMUX2 (or Q1/Q2, or the item texts); YAML: questionnaires: {umux_lite: [a, b]}. Gate on the SUS-equivalent mean with --fail-under umux=68.
    """
    _one_score(
        "umux-lite",
        paths,
        confidence=confidence,
        fail_under=fail_under,
        gate_on=gate_on,
        fmt=fmt,
        output=output,
        encoding=encoding,
        verbose=verbose,
        debug=debug,
        impute=impute_neutral,
    )


def nps(
    paths: opt.Paths,
    confidence: opt.ConfidenceOption = 0.95,
    column: ColumnOption = None,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    encoding: opt.EncodingOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """Net Promoter Score: % promoters - % detractors, with the adjusted-Wald NPS interval.

    Answer column: a header mentioning "recommend" or "NPS", or the only answer column; YAML: questionnaires: {nps: 9}.
    """
    _one_score(
        "nps",
        paths,
        confidence=confidence,
        fail_under=fail_under,
        gate_on=gate_on,
        fmt=fmt,
        output=output,
        encoding=encoding,
        verbose=verbose,
        debug=debug,
        column=column,
    )


def _per_task_output(fmt: opt.Format, frame, output: Path | None, view) -> None:
    if fmt is opt.Format.table:
        render_table(view, output)
        return
    from uxcli.render.text import RENDERERS

    write_output(RENDERERS[fmt.value](frame), output)


def seq(
    paths: opt.Paths,
    confidence: opt.ConfidenceOption = 0.95,
    column: ColumnOption = None,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    encoding: opt.EncodingOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """Single Ease Question (1-7) per task: mean with its interval, tested against the 5.5 average.

    Long CSV (participant, task, seq), wide CSV (participant, one column per task) or YAML sessions (seq: {task: rating}). Gate with --fail-under seq=5.5 or seq=TASK:5.5.
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        rules = gating.parse(fail_under)
        responses = _read(paths, "seq", encoding=encoding, column=column, verbose=verbose)
        from uxcli.questionnaires.summaries import seq_results

        frame = seq_results(responses, confidence, 1 - confidence)
        groups = frame.rename(columns={"mean": "seq_mean", "ci_low": "_seq_ci_low", "ci_high": "_seq_ci_high"})
        failures, checks = _gate(rules, {}, groups, ["task"], gate_on=gate_on, confidence=confidence)
        view = None
        if fmt is opt.Format.table:
            from uxcli.render.views import seq_view

            view = seq_view(frame, confidence=confidence)
        _per_task_output(fmt, frame, output, view)
        gating.report(failures, checks, rules, gate_on.value)


def csat(
    paths: opt.Paths,
    confidence: opt.ConfidenceOption = 0.95,
    column: ColumnOption = None,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    encoding: opt.EncodingOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """Customer satisfaction: top-2-box share (4-5 of 5) with its interval, per task if given.

    Answers 1-5 or Very dissatisfied ... Very satisfied; YAML: questionnaires: {csat: 4}. Gate with --fail-under csat=0.8.
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        rules = gating.parse(fail_under)
        responses = _read(paths, "csat", encoding=encoding, column=column, verbose=verbose)
        from uxcli.questionnaires.summaries import csat_results

        frame = csat_results(responses, confidence)
        renamed = frame.rename(columns={"ci_low": "csat_ci_low", "ci_high": "csat_ci_high"})
        per_task = frame["task"].notna().any()
        failures, checks = _gate(
            rules,
            {} if per_task else renamed.iloc[0].to_dict(),
            renamed if per_task else None,
            ["task"] if per_task else None,
            gate_on=gate_on,
            confidence=confidence,
        )
        view = None
        if fmt is opt.Format.table:
            from uxcli.render.views import csat_view

            view = csat_view(frame, confidence=confidence)
        _per_task_output(fmt, frame, output, view)
        gating.report(failures, checks, rules, gate_on.value)
