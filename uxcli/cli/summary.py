"""`uxcli summary`: the five task metrics per task (or any grouping)."""

from __future__ import annotations

from uxcli.cli import gating
from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    data_files,
    data_options,
    read_inputs,
    render_table,
    reported_errors,
    write_output,
)


@opt.with_data_options()
def summary(
    paths: opt.Paths,
    by: opt.ByOption = "task",
    confidence: opt.ConfidenceOption = 0.95,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    benchmark: opt.BenchmarkOption = False,
    fail_under: opt.FailUnderOption = None,
    gate_on: opt.GateOnOption = opt.GateOn.point,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    engine: opt.EngineOption = "auto",
    data: dict | None = None,
) -> None:
    """Success, errors, abandonment, clicks and time per task, with intervals.

    Every input row is accounted for (table caption, or --verbose): rows used and rows set aside, with
    reasons. Exclusions (--exclude, --exclusions, --study) and quality flags (--speeders, --idle-gap,
    --partial, --outliers; --drop-flagged excludes them) are stated in the caption, or on stderr.

    Example: uxcli summary sessions/ --by task,variant --format csv > metrics.csv
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, [*paths, *data_files(data)])
        rules = gating.parse(fail_under)
        groups = [c.strip() for c in by.split(",") if c.strip()]
        from uxcli.readers.stream.summary import SummaryRequest
        from uxcli.tasks.metrics import check_options, group_stats

        check_options(confidence, time_of.value)
        # big event logs are summarised while streaming, unless a gate needs every attempt's errors
        request = None if any(r.metric.key == "errors" for r in rules) else SummaryRequest(groups, time_of.value)
        dataset = read_inputs(
            paths,
            layout=layout,
            encoding=encoding,
            column_map=column_map,
            strict=strict,
            verbose=verbose,
            engine=engine,
            prep=data_options(**data),
            summarize=request,
            notes=fmt is not opt.Format.table,
        )
        grouped = dataset.grouped or group_stats(dataset.attempts, groups, time_of.value)
        overall = grouped.overall()
        result = grouped.summary(confidence)
        extras = gating.summary_extras(
            dataset,
            result,
            overall,
            groups,
            confidence=confidence,
            benchmark=benchmark,
            rules=rules,
            gate_on=gate_on.value,
        )
        result = extras.frame
        if fmt is opt.Format.table:
            from uxcli.render.table import summary_table

            overall_counts = overall.time_counts()
            table = summary_table(
                result,
                overall.summary(confidence),
                groups,
                list(grouped.time_counts()),
                int(overall_counts[0]) if len(overall_counts) else 0,
                confidence=confidence,
                time_of=time_of.value,
                footer="\n".join(t for t in (extras.footer, dataset.accounting()) if t),
                extra_columns=extras.columns,
            )
            render_table(table, output)
        else:
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](result), output)
        gating.report(extras.failures, extras.checks, rules, gate_on.value)
