"""`uxcli sum`: the Single Usability Metric per task and overall (Sauro & Kindlund 2005)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import (
    check_output_path,
    choose_format,
    data_files,
    data_options,
    read_inputs,
    render_table,
    reported_errors,
    say,
    write_output,
)

TimeSpecOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--time-spec",
        metavar="TASK=SECONDS",
        help="Spec limit for task time (SECONDS alone: every task) (default: study.tasks.TASK.time_limit "
        "in YAML). Repeatable.",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
OpportunitiesOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--opportunities",
        metavar="TASK=N",
        help="Error opportunities per attempt (N alone: every task) (default: "
        "study.tasks.TASK.error_opportunities in YAML). Repeatable.",
        show_default=False,
        rich_help_panel=opt.STATS,
    ),
]
RatingsOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--ratings",
        metavar="PATH",
        help="SEQ ratings (CSV: participant, task, seq) for the satisfaction component, when the "
        "logs do not carry them (default: seq: in YAML sessions).",
        show_default=False,
        rich_help_panel=opt.INPUT,
    ),
]


@opt.with_data_options(privacy=False)
def sum_command(
    paths: opt.Paths,
    time_spec: TimeSpecOption = None,
    opportunities: OpportunitiesOption = None,
    ratings: RatingsOption = None,
    confidence: Annotated[
        float,
        typer.Option(
            "--confidence",
            min=0.5,
            max=0.999,
            help="Confidence level (SUM tools report 90%).",
            rich_help_panel=opt.STATS,
        ),
    ] = 0.90,
    time_of: opt.TimeOfOption = opt.TimeOf.success,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    strict: opt.StrictOption = False,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
    data: dict | None = None,
) -> None:
    """Single Usability Metric (SUM) per task and overall, with its components and 90% intervals.

    Completion, satisfaction (SEQ), time and errors are each standardized as the share meeting spec and averaged (Sauro & Kindlund 2005); a component without data is left out.

    Example: uxcli sum study.yaml --time-spec checkout=150 --opportunities 5
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, [*paths, *data_files(data)])
        from uxcli.tasks.usability_metric import parse_task_numbers

        specs = parse_task_numbers(time_spec, "--time-spec")
        chances = parse_task_numbers(opportunities, "--opportunities")
        prep = data_options(**data)
        dataset = read_inputs(
            paths, layout=layout, encoding=encoding, column_map=column_map, strict=strict, verbose=verbose, prep=prep
        )
        import pandas as pd

        from uxcli.questionnaires.summaries import seq_ratings
        from uxcli.tasks.usability_metric import single_usability_metric

        seq = seq_ratings(dataset.responses)
        if ratings:
            from uxcli.questionnaires.exports import read_responses

            extra = read_responses(ratings, "seq", encoding=encoding)
            extra.raise_errors()
            frame = extra.frame.rename(columns={"item1": "seq"})[["participant", "session", "variant", "task", "seq"]]
            seq = frame if seq.empty else pd.concat([seq, frame], ignore_index=True)
        frame, overall, notes = single_usability_metric(
            dataset.attempts,
            seq,
            _task_metadata(dataset.study, prep.study.metadata),
            time_specs=specs,
            opportunities=chances,
            confidence=confidence,
            time_of=time_of.value,
        )
        for note in notes:
            say(f"note: {note}")
        if fmt is opt.Format.table:
            from uxcli.render.views import sum_view

            render_table(sum_view(frame, overall, confidence=confidence, notes=[]), output)
        elif fmt is opt.Format.json:
            import json

            from uxcli.render.text import records

            document = {"tasks": records(frame), "overall": records(pd.DataFrame([overall]))[0]}
            write_output(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n", output)
        else:
            from uxcli.render.text import RENDERERS

            table = pd.concat([frame, pd.DataFrame([{**overall, "task": "(overall)"}])], ignore_index=True)
            write_output(RENDERERS[fmt.value](table), output)


def _task_metadata(*studies: dict) -> dict:
    """study.tasks from the data's YAML and the --study file (the file wins, task by task)."""
    tasks: dict = {}
    for study in studies:
        entries = (study or {}).get("tasks")
        if isinstance(entries, dict):
            for task, meta in entries.items():
                if isinstance(meta, dict):
                    tasks.setdefault(str(task), {}).update(meta)
    return {"tasks": tasks}
