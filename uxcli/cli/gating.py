"""CLI side of the release gates: parse --fail-under early, report failures after the output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uxcli.cli.common import say

if TYPE_CHECKING:
    from uxcli.gates import Failure, Rule
    from uxcli.readers.read import Dataset


def parse(texts: list[str] | None) -> list[Rule]:
    """Parse the rules before any work, so a typo is a usage error (exit 2) straight away."""
    if not texts:
        return []
    from uxcli.gates import parse_rules

    return parse_rules(texts)


def report(failures: list[Failure], checks: int, rules: list[Rule], mode: str) -> None:
    """List failures on stderr and raise GateError (exit 1); one quiet line when all pass."""
    if not rules:
        return
    from uxcli.errors import GateError

    estimate = "point estimates" if mode == "point" else "pessimistic CI bounds"
    if not failures:
        say(
            f"gates passed: {checks} check{'s' if checks != 1 else ''} of "
            f"{', '.join(r.text for r in rules)} on {estimate}"
        )
        return
    for failure in failures:
        say(f"gate failed: {failure}")
    raise GateError(f"{len(failures)} of {checks} gate check{'s' if checks != 1 else ''} failed")


@dataclass
class SummaryExtras:
    """What --benchmark, SEQ ratings and --fail-under add to `uxcli summary`."""

    frame: Any  # the summary frame with its extra columns (hidden "_" columns feed the gates)
    columns: list[tuple[str, list[str], str]]  # Rich table: header, a cell per row, the overall cell
    footer: str | None
    failures: list[Failure]
    checks: int


def summary_extras(
    dataset: Dataset,
    result: Any,
    overall_stats: Any,
    by: list[str],
    *,
    confidence: float,
    benchmark: bool,
    rules: list[Rule],
    gate_on: str,
) -> SummaryExtras:
    """seq_mean (when the sessions carry SEQ ratings), benchmark columns, and the gate checks.

    Without SEQ ratings, --benchmark or rules the summary frame comes back unchanged, so the default
    columns stay stable.
    """
    from uxcli.benchmarks import add_errors_interval, add_seq_mean, add_success_benchmark, sus_figures
    from uxcli.questionnaires.summaries import seq_ratings, sus_scores_from_sessions
    from uxcli.tasks.metrics import METRICS

    alpha = 1 - confidence
    ratings = seq_ratings(dataset.responses)
    has_seq = not ratings.empty
    keys = {rule.metric.key for rule in rules}
    # the overall row is only needed for SEQ and benchmark columns
    overall = overall_stats.summary(confidence) if has_seq or benchmark else None

    def extend(frame: Any, groups: list[str]) -> Any:
        if has_seq:
            frame = add_seq_mean(frame, ratings, groups, confidence, benchmark, alpha)
        if benchmark:
            frame = add_success_benchmark(frame, alpha)
        if "errors" in keys:
            frame = add_errors_interval(frame, dataset.attempts, groups, confidence)
        public = [
            *groups,
            *METRICS,
            *(["seq_mean"] if has_seq else []),
            *(["benchmark_success_p", "benchmark_success_verdict"] if benchmark else []),
            *(["benchmark_seq_p", "benchmark_seq_verdict"] if benchmark and has_seq else []),
        ]
        return frame[public + [c for c in frame.columns if c not in public]]

    frame, overall = extend(result, by), (extend(overall, []) if overall is not None else None)
    figures: dict = {}
    if benchmark or "sus" in keys:
        figures = sus_figures(sus_scores_from_sessions(dataset.responses), confidence, alpha)
    failures, checks = [], 0
    if rules:
        from uxcli.gates import check

        failures, checks = check(rules, frame, by, figures, mode=gate_on, confidence=confidence)
    columns = []
    if has_seq:
        from uxcli.render.formatting import format_number

        columns.append(
            ("SEQ", [format_number(v, 2) for v in frame["seq_mean"]], format_number(overall["seq_mean"].iloc[0], 2))
        )
    if benchmark:
        columns.append(("vs 78%", list(frame["_benchmark_success_short"]), overall["_benchmark_success_short"].iloc[0]))
        if has_seq:
            columns.append(("SEQ vs 5.5", list(frame["_benchmark_seq_short"]), overall["_benchmark_seq_short"].iloc[0]))
    footer = None
    if benchmark:
        footer = (
            f"SUS {figures['sus_mean']:.1f} (n = {figures['sus_n']}): {figures['sus_verdict']}."
            if figures
            else "No SUS answers to compare with the average of 68."
        )
        footer += " One-sided tests against published averages at alpha = " + f"{alpha:.2g}."
    return SummaryExtras(frame, columns, footer, failures, checks)
