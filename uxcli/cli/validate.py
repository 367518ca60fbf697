"""`uxcli validate`: check logs without computing metrics, and list every problem found."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from uxcli.cli import options as opt
from uxcli.cli.common import check_output_path, choose_format, data_options, parse_map, reported_errors, say
from uxcli.exitcodes import ExitStatus

if TYPE_CHECKING:
    import pandas as pd

    from uxcli.readers.read import Dataset

COLUMNS = ["severity", "file", "line", "column", "value", "message", "hint"]
LAYOUT_NAMES = {"events": "event log", "attempts": "attempt table", "wide": "success matrix", "yaml": "YAML sessions"}


def validate(
    paths: opt.Paths,
    fmt: opt.FormatOption = None,
    output: opt.OutputOption = None,
    layout: opt.LayoutOption = None,
    encoding: opt.EncodingOption = None,
    column_map: opt.MapOption = None,
    study: opt.StudyOption = None,
    exclude: opt.ExcludeOption = None,
    exclusions: opt.ExclusionsOption = None,
    strict: opt.StrictOption = False,
    every: opt.AllOption = False,
    pseudonymize: opt.PseudonymizeOption = False,
    salt: opt.SaltOption = None,
    verbose: opt.VerboseOption = False,
    debug: opt.DebugOption = False,
) -> None:
    """Check logs without computing metrics: every problem, with file:line, column, value and what to do.

    Finds missing or misspelt columns, unknown outcome and event words, bad or mixed times, ends before
    starts, ragged rows, empty files, duplicate events and rows, overlapping or unended attempts, stray
    events, participants with several variants and tasks only some participants attempted. Exclusion
    rules (--exclude, --exclusions, --study) are checked against the data too.

    Exit status: 0 when clean or with warnings only (1 with --strict), 1 on errors.

    Example: uxcli validate sessions/ --format csv > problems.csv
    """
    with reported_errors(debug):
        fmt = choose_format(fmt, output)
        check_output_path(output, paths)
        prep = data_options(study=study, exclude=exclude, exclusions=exclusions, pseudonymize=pseudonymize, salt=salt)
        dataset = _check(paths, layout, encoding, {**prep.study.columns, **parse_map(column_map)}, prep, every)
        frame = problems_frame(dataset, _input_order(paths))
        errors = int((frame["severity"] == "error").sum())
        warnings = len(frame) - errors
        if fmt is opt.Format.table:
            if len(frame):
                from uxcli.cli.common import render_table

                render_table(_rich_table(frame, _files_caption(dataset) if verbose else None), output)
        else:
            from uxcli.cli.common import write_output
            from uxcli.render.text import RENDERERS

            write_output(RENDERERS[fmt.value](frame), output)
        if verbose and fmt is not opt.Format.table:
            say(_files_caption(dataset))
        say(_verdict(dataset, errors, warnings, strict))
    if errors or (strict and warnings):
        raise typer.Exit(ExitStatus.ERROR)


def _check(paths, layout, encoding, column_map, prep, every: bool) -> Dataset:
    from uxcli.errors import UxcliError
    from uxcli.readers.checks import study_checks
    from uxcli.readers.csvfile import LISTING_LIMIT, MAX_LISTED
    from uxcli.readers.options import ReadOptions
    from uxcli.readers.read import read
    from uxcli.tasks.exclusions import check_rules

    token = LISTING_LIMIT.set(None if every else MAX_LISTED)
    try:
        options = ReadOptions(
            tuple(paths),
            layout=layout.value if layout else None,
            encoding=encoding,
            column_map=column_map,
            keep_going=True,
        )
        dataset = read(options)
        study_checks(dataset, dataset.problems, prep.study.tasks)
        if prep.rules and len(dataset.attempts):
            try:
                check_rules(dataset.attempts, prep.rules, dataset.problems)
            except UxcliError as exc:
                dataset.problems.add(exc.problem)
    finally:
        LISTING_LIMIT.reset(token)
    if prep.pseudonymize:
        from uxcli.tasks.privacy import Pseudonymizer

        dataset.pseudonymizer = Pseudonymizer(prep.salt)
        dataset.pseudonymizer.learn(str(p) for p in dataset.attempts["participant"].dropna().unique())
    return dataset


def _input_order(paths: list[str]) -> list[str]:
    """Input names in command-line order (a path that cannot be expanded stands for itself)."""
    from uxcli.errors import Problems
    from uxcli.sources import expand_paths

    names = []
    for raw in paths:
        sources = expand_paths([raw], Problems())
        names.extend([s.name for s in sources] or [raw])
    return names


def problems_frame(dataset: Dataset, order: list[str] | None = None) -> pd.DataFrame:
    """The problems as a frame (COLUMNS): inputs in ``order``, then by line; dataset-wide ones last."""
    import pandas as pd

    private = dataset.pseudonymizer
    rank: dict[str | None, int] = {name: i for i, name in enumerate(order or [])}
    rows = []
    for problem in dataset.problems.items:
        rank.setdefault(problem.file, len(rank))
        message, hint, value = problem.message, problem.hint, problem.value
        if private is not None:
            message, hint = private.text(message), private.text(hint)
            value = private.value(value) if problem.column and "participant" in problem.column.lower() else value
            value = private.text(value) if value and value.startswith('"') else value
        rows.append(
            {
                "severity": problem.severity,
                "file": problem.file,
                "line": problem.line,
                "column": problem.column,
                "value": value,
                "message": message,
                "hint": hint,
                "_rank": 1 << 30 if problem.file is None else rank[problem.file],
                "_unlined": problem.line is None,
                "_line": problem.line or 0,
            }
        )
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_rank", "_unlined", "_line"])
    frame = frame.sort_values(["_rank", "_unlined", "_line"], kind="stable").reset_index(drop=True)
    frame["line"] = pd.Series([None if pd.isna(v) else int(v) for v in frame["line"]], dtype=object)
    return frame[COLUMNS]


def _rich_table(frame: pd.DataFrame, caption: str | None):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    files = [f for f in frame["file"].dropna().unique() if f]
    base = _common_directory(files)
    table = Table(
        box=box.SIMPLE_HEAVY,
        caption=caption,
        caption_justify="left",
        title_justify="left",
        title=f"in {base}" if base else None,
    )
    table.add_column("", no_wrap=True)
    table.add_column("Where", no_wrap=True)
    table.add_column("Column", no_wrap=True)
    table.add_column("Value", overflow="fold", max_width=24)
    table.add_column("Problem", ratio=3)
    table.add_column("What to do", ratio=2)
    styles = {"error": "bold red", "warning": "yellow"}
    for row in frame.itertuples(index=False):
        file, line = _cell(row.file), _cell(row.line)
        file = file[len(base) :] if base and file.startswith(base) else file
        where = f"{file}:{line}" if file and line else file or "(all inputs)"
        table.add_row(
            Text(row.severity, style=styles.get(row.severity, "")),
            where,
            _cell(row.column),
            _cell(row.value),
            _cell(row.message),
            _cell(row.hint),
        )
    return table


def _common_directory(files: list[str]) -> str:
    """The directory all these files share ("tests/malformed/"), so the table can show short names."""
    import os

    if len(files) < 2:
        return ""
    try:
        common = os.path.commonpath(files)
    except ValueError:
        return ""
    if not common or common in files:
        return ""
    return common.rstrip("/\\") + os.sep


def _cell(value) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _files_caption(dataset: Dataset) -> str:
    lines = []
    for info in dataset.files:
        account = info.account
        aside = sum(account.set_aside.values())
        text = f"{info.name}: {LAYOUT_NAMES.get(info.layout, info.layout)}, {account.rows} rows"
        text += (
            f", {aside} set aside (" + ", ".join(f"{n} {r}" for r, n in account.set_aside.items()) + ")"
            if aside
            else ", all used"
        )
        lines.append(text)
    return "\n".join(lines)


def _verdict(dataset: Dataset, errors: int, warnings: int, strict: bool) -> str:
    files = len(dataset.files)
    read_names = {f.name for f in dataset.files}
    unreadable = len(
        {
            p.file
            for p in dataset.problems.items
            if p.severity == "error" and p.file is not None and p.file not in read_names and not p.column
        }
    )
    what = f"{files} file{'s' if files != 1 else ''}, {dataset.rows_read} rows, {len(dataset.attempts)} attempts"
    if unreadable:
        what += f"; {unreadable} unreadable"
    if not errors and not warnings:
        return f"ok: {what}: no problems found"
    counts = ", ".join(
        part
        for part in (
            f"{errors} error{'s' if errors != 1 else ''}" if errors else "",
            f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else "",
        )
        if part
    )
    verdict = "failed" if errors or strict else "ok"
    return f"{verdict}: {what}: {counts}" + (" (--strict makes warnings fail)" if strict and not errors else "")
