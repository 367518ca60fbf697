"""Consistency checks across rows and files, beyond what one cell can show.

Each check is vectorised over whole columns and only loops over the problems it
reports (at most ``listing_limit()`` of each kind, then one "N more" line).

* in every read (warnings or errors): repeated events, end events before their start,
  overlapping attempts of one participant, one participant id with several variants;
* in ``validate`` only (:func:`study_checks`): repeated participant x task rows of attempt
  tables (retries or double entries?) and tasks that only some participants attempted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from uxcli.errors import Problem, Problems, Severity
from uxcli.readers.csvfile import CsvTable, listing_limit
from uxcli.readers.dataset import Dataset, InputFile
from uxcli.values import label_text

START = 0
TERMINAL = (3, 4, 5)  # success, failure, abandon codes (uxcli.tasks.attempts)


def _summarise(
    problems: Problems,
    severity: Severity,
    count: int,
    shown: int,
    message: str,
    file: str | None,
    hint: str | None = None,
) -> None:
    if count > shown:
        problems.add(Problem(severity, f"{count - shown} more: {message}", file, None, None, None, hint))


def _codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One int64 per row for a combination of categorical columns (missing is its own value)."""
    key = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        col = frame[name]
        if not isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype("category")
        key = key * (len(col.cat.categories) + 1) + col.cat.codes.to_numpy(dtype=np.int64) + 1
    return key


# --- event logs -----------------------------------------------------------------------------------


def repeated_events(
    info: InputFile,
    events: pd.DataFrame,
    repeats: np.ndarray,
    dropped: np.ndarray,
    problems: Problems,
    table: CsvTable | None = None,
) -> None:
    """Rows that repeat the previous event of the same participant and task at the same time.

    A repeated start or end is a recorder writing twice (a second start would open a phantom
    attempt): it is set aside. A repeated click or error is only reported when every column
    matches (a real double click has the same time only at a coarse clock resolution).
    """
    if len(repeats) == 0:
        return
    rows, earlier = repeats[:, 0], repeats[:, 1]
    is_dropped = np.isin(rows, dropped)
    source_rows = events["_row"].to_numpy()
    same = _same_rows(events, rows, earlier, table)
    kept = np.flatnonzero(same & ~is_dropped)
    for subset, message, hint in (
        (
            np.flatnonzero(is_dropped),
            "repeats the event on line {other} (same participant, task, time and event); set aside as a duplicate",
            "a recorder wrote it twice; delete one of the two lines",
        ),
        (
            kept,
            "repeats line {other} exactly; both are counted",
            "if the recorder wrote it twice, delete one line; a real double click needs distinct timestamps",
        ),
    ):
        if len(subset) == 0:
            continue
        order = np.argsort(rows[subset], kind="stable")
        subset = subset[order]
        limit = listing_limit()
        shown = subset[:limit]
        lines = info.lines(source_rows[rows[shown]])
        others = info.lines(source_rows[earlier[shown]])
        for line, other in zip(lines, others):
            problems.warning(message.format(other=int(other)), file=info.name, line=int(line), hint=hint)
        _summarise(problems, "warning", len(subset), len(shown), message.format(other="before"), info.name, hint)


def _same_rows(events: pd.DataFrame, rows: np.ndarray, earlier: np.ndarray, table: CsvTable | None) -> np.ndarray:
    """Whether each pair of rows is identical in every column (of the file when there is one)."""
    same = np.ones(len(rows), dtype=bool)
    if table is not None:  # compare the cells as written, including columns uxcli does not keep
        source_rows = events["_row"].to_numpy()
        a_rows, b_rows = pa.array(source_rows[rows]), pa.array(source_rows[earlier])
        for header in table.headers:
            column = pc.utf8_trim_whitespace(table.column(header).cast(pa.string()))
            equal = pc.equal(column.take(a_rows), column.take(b_rows))
            same &= np.asarray(equal.to_numpy(zero_copy_only=False), dtype=bool)
        return same
    for name in events.columns:
        if name == "_row":
            continue
        col = events[name]
        values = col.cat.codes.to_numpy() if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy()
        a, b = values[rows], values[earlier]
        equal = a == b
        if values.dtype.kind == "f":
            equal |= np.isnan(a) & np.isnan(b)
        same &= equal
    return same


def ends_before_start(
    info: InputFile, events: pd.DataFrame, outside_rows: np.ndarray, problems: Problems
) -> np.ndarray:
    """End events (outside every attempt) whose time is before the start written above them.

    Returns the events-frame indices of those ends (they are reported as errors here, so the
    generic "outside any attempt" warning skips them).
    """
    kind = events["kind"].to_numpy()
    candidates = outside_rows[np.isin(kind[outside_rows], TERMINAL)]
    if len(candidates) == 0:
        return candidates
    n = len(events)
    key = _codes(events, ["participant", "session", "task"]) * 1024 + events["_file"].to_numpy(dtype=np.int64)
    order = np.argsort(key, kind="stable")  # file order within each participant + task
    sorted_key = key[order]
    index = np.arange(n)
    last_start = np.maximum.accumulate(np.where(kind[order] == START, index, -1))
    group_first = np.maximum.accumulate(np.where(np.r_[True, sorted_key[1:] != sorted_key[:-1]], index, 0))
    position = np.empty(n, dtype=np.int64)
    position[order] = index
    p = position[candidates]
    has_start = last_start[p] >= group_first[p]
    start_rows = order[np.where(has_start, last_start[p], 0)]
    t = events["t"].to_numpy(dtype=np.float64)
    early = has_start & (t[start_rows] > t[candidates])
    found, starts = candidates[early], start_rows[early]
    source_rows = events["_row"].to_numpy()
    limit = listing_limit()
    lines = info.lines(source_rows[found[:limit]])
    start_lines = info.lines(source_rows[starts[:limit]])
    column = "timestamp" if info.layout == "events" else "at"
    for line, start_line, end, start in zip(lines, start_lines, found[:limit], starts[:limit]):
        problems.error(
            f"end event is {t[start] - t[end]:g} s before its start on line {int(start_line)}",
            file=info.name,
            line=int(line),
            column=column,
            hint="check both timestamps: a clock change, or day and month swapped?",
        )
    _summarise(problems, "error", len(found), min(len(found), limit), "end events before their start", info.name)
    return found


def overlapping_attempts(info: InputFile, attempts: pd.DataFrame, problems: Problems) -> None:
    """Attempts of one participant (and session) that start before an earlier one has ended."""
    if len(attempts) < 2 or "_start" not in attempts:
        return
    start = attempts["_start"].to_numpy(dtype=np.float64)
    end = attempts["_end"].to_numpy(dtype=np.float64)
    end = np.where(np.isnan(end), start, end)  # an unended attempt is reported on its own
    who = _codes(attempts, ["participant", "session"])
    order = np.lexsort((start, who))
    w, s, e = who[order], start[order], end[order]
    first = np.r_[True, w[1:] != w[:-1]]
    running = pd.Series(e).groupby(w).cummax().to_numpy()
    previous_max = np.r_[-np.inf, running[:-1]]
    previous_max[first] = -np.inf
    overlap = np.flatnonzero(s < previous_max)
    if len(overlap) == 0:
        return
    limit = listing_limit()
    rows = attempts["_row"].to_numpy()
    tasks = attempts["task"].astype(object).to_numpy()
    participants = attempts["participant"].astype(object).to_numpy()
    for position in overlap[:limit]:
        i = order[position]
        group = np.flatnonzero((w == w[position]) & (np.arange(len(w)) < position) & (e > s[position]))
        j = order[group[0]] if len(group) else i
        problems.warning(
            f'participant "{label_text(participants[i])}" starts task "{label_text(tasks[i])}" while their attempt at '
            f'"{label_text(tasks[j])}" (line {int(info.lines(rows[[j]])[0])}) is still running',
            file=info.name,
            line=int(info.lines(rows[[i]])[0]),
            hint="attempts of one person should not overlap; check the start and end events",
        )
    _summarise(problems, "warning", len(overlap), min(len(overlap), limit), "overlapping attempts", info.name)


# --- what both event-log readers say about the attempts they derived -------------------------------

OUTSIDE = "event outside any attempt"  # the reason such rows are set aside (Dataset.accounting)


def attempt_warnings(
    info: InputFile, outside: np.ndarray, unended: np.ndarray, attempts: pd.DataFrame | None, problems: Problems
) -> None:
    """Warnings about derived attempts, worded here for both engines (whole-file and streaming):
    events outside every attempt (``outside``: their source rows), attempts without an end event
    (``unended``: their start rows), then overlapping attempts of one participant (``attempts``;
    None when the streaming summary checked them as it went)."""
    list_rows(
        info,
        outside,
        "event is outside any attempt (no open start for its participant and task); not counted",
        problems,
        hint="add the missing start event, or delete the stray line",
    )
    list_rows(info, unended, "attempt has no end event (success, failure or abandon); counted as abandoned", problems)
    if attempts is not None:
        overlapping_attempts(info, attempts, problems)
        from uxcli.readers.times import derived_times  # times imports this module

        derived_times(info, attempts, problems)  # 0 s completions, attempts over 30 days


def list_rows(info: InputFile, rows: np.ndarray, message: str, problems: Problems, hint: str | None = None) -> None:
    """One warning per source row, in line order (at most listing_limit(), then how many more)."""
    if len(rows) == 0:
        return
    rows = np.sort(rows)
    limit = listing_limit()
    for line in info.lines(rows[:limit]):
        problems.warning(message, file=info.name, line=int(line), hint=hint)
    if len(rows) > limit:
        problems.warning(f"{len(rows) - limit} more like this: {message}", file=info.name, hint=hint)


def zero_times(file: str, lines: np.ndarray, column: str, problems: Problems) -> None:
    """Task times of 0 s, given in a file (attempt tables, YAML summaries): kept as attempts, but left
    out of the time metrics, since a geometric mean (a log) needs times above 0. Said once per line
    (at most listing_limit(), then how many more), each naming how many the file has."""
    if len(lines) == 0:
        return
    count = len(lines)
    message = f"time is 0 s: left out of the time metrics ({count} such time{'s' if count > 1 else ''} in this file)"
    hint = "a geometric mean needs times above 0; if the task took under a second, write it with decimals, e.g. 0.4"
    limit = listing_limit()
    for line in np.sort(lines)[:limit]:
        problems.warning(message, file=file, line=int(line), column=column, value="0", hint=hint)
    if count > limit:
        problems.warning(f"{count - limit} more like this: {message}", file=file, column=column, hint=hint)


# --- the whole dataset ------------------------------------------------------------------------------


def _where(dataset: Dataset, file_index: int, row: int) -> tuple[str | None, int | None]:
    if 0 <= file_index < len(dataset.files):
        info = dataset.files[file_index]
        return info.name, int(info.lines(np.array([row]))[0])
    return None, None


def variant_conflicts(dataset: Dataset, problems: Problems) -> None:
    """One participant id under several variants: counted in both groups of a comparison."""
    frame = dataset.attempts
    if len(frame) == 0 or frame["variant"].isna().all():
        return
    pairs = frame[["participant", "variant", "_file", "_row"]].dropna(subset=["participant", "variant"])
    firsts = pairs.drop_duplicates(["participant", "variant"])
    counts = firsts.groupby("participant", observed=True, sort=False)["variant"].size()
    conflicted = counts[counts > 1].index
    if len(conflicted) > len(counts) / 2:
        # Most participants saw several variants: a within-subjects design, where this is the
        # plan, not a mistyped id (compare then pairs the participants).
        return
    limit = listing_limit()
    for participant in list(conflicted)[:limit]:
        rows = firsts[firsts["participant"] == participant]
        places = []
        for _, r in rows.iterrows():
            file, line = _where(dataset, int(r["_file"]), int(r["_row"]))
            places.append(f'"{r["variant"]}" ({file}:{line})')
        file, line = _where(dataset, int(rows["_file"].iloc[1]), int(rows["_row"].iloc[1]))
        problems.warning(
            f'participant "{participant}" appears with several variants: ' + ", ".join(places),
            file=file,
            line=line,
            column="variant",
            value=str(rows["variant"].iloc[1]),
            hint="a participant belongs to one variant; fix the id or the variant",
        )
    _summarise(
        problems, "warning", len(conflicted), min(len(conflicted), limit), "participants with several variants", None
    )


LABEL_PLURALS = {"participant": "participants", "session": "sessions", "variant": "variants", "task": "tasks"}


def case_groups(names: list[str]) -> list[list[int]]:
    """Positions of labels that differ only by upper/lower case ("Checkout", "checkout"), one list per
    group, in order of first appearance; labels are compared after lower-casing (Unicode, not ASCII only)."""
    if len(names) < 2:
        return []
    lowered = pd.Index(pc.utf8_lower(pa.array(names, pa.string())).to_numpy(zero_copy_only=False))
    clashing = np.flatnonzero(lowered.duplicated(keep=False))
    groups: dict[str, list[int]] = {}
    for position in clashing:
        groups.setdefault(lowered[position], []).append(int(position))
    return list(groups.values())


def case_variants(dataset: Dataset, problems: Problems) -> None:
    """Labels of one column that differ only by case are counted apart (a row each in a summary), and
    uxcli does not merge them on its own ("iOS" and "ios" may be one device; "P1" and "p1" two people):
    one warning per group, naming the line where each spelling first appears."""
    from uxcli.tasks.attempts import KEY_COLUMNS, extra_columns

    frame = dataset.attempts
    if frame is None or len(frame) == 0:
        return
    for name in [*KEY_COLUMNS, *extra_columns(frame)]:
        column = frame[name]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            continue
        names = [str(c) for c in column.cat.categories]
        groups = case_groups(names)
        if not groups:
            continue
        present, first = np.unique(column.cat.codes.to_numpy(), return_index=True)  # each label's first attempt
        first_of = dict(zip(present.tolist(), first.tolist()))
        files, rows = frame["_file"].to_numpy(), frame["_row"].to_numpy()
        limit = listing_limit()
        for group in groups[:limit]:
            places = [_where(dataset, int(files[first_of[g]]), int(rows[first_of[g]])) for g in group]
            spellings = " and ".join(f'"{names[g]}"' for g in group)
            if len({file for file, _ in places}) == 1:
                where = "lines " + ", ".join(str(line) for _, line in places)
            else:
                where = ", ".join(f"{file}:{line}" for file, line in places)
            what = LABEL_PLURALS.get(name, f'values of "{name}"')
            problems.warning(
                f"{name} {spellings} differ only by case ({where}) and are counted as {len(group)} {what}; "
                f"--map cannot merge them: fix the file, or leave them if they are different {what}",
                file=places[0][0],
                line=places[0][1],
                value=names[group[1]],
                hint="--map renames columns, not values; write each one the same way everywhere",
            )
        shown = min(len(groups), limit)
        _summarise(problems, "warning", len(groups), shown, f"{name} labels differing only by case", None)


def study_checks(dataset: Dataset, problems: Problems, tasks: list[str] | None = None) -> None:
    """Checks that describe the study design rather than broken rows (``validate`` only)."""
    retries(dataset, problems)
    task_coverage(dataset, problems, tasks)


def retries(dataset: Dataset, problems: Problems) -> None:
    """Repeated participant x task rows of attempt tables without an attempt column."""
    frame = dataset.attempts
    if len(frame) == 0:
        return
    numbered = [i for i, f in enumerate(dataset.files) if f.account.numbered_retries]
    if not numbered:
        return
    mask = frame["_file"].isin(numbered).to_numpy() & (frame["attempt"].to_numpy() > 1)
    for index in numbered:  # rows already reported as exact double entries
        doubles = dataset.files[index].account.double_entries
        if doubles:
            mask &= ~((frame["_file"].to_numpy() == index) & np.isin(frame["_row"].to_numpy(), doubles))
    found = np.flatnonzero(mask)
    limit = listing_limit()
    for i in found[:limit]:
        row = frame.iloc[i]
        file, line = _where(dataset, int(row["_file"]), int(row["_row"]))
        differs = _differing_column(frame, i)
        hint = "delete a double entry; add an attempt column (1, 2, …) to mark retries"
        if differs is not None:  # the rows differ in a column that may be the condition (within subjects)
            hint = (
                f'the rows differ in "{differs}": if it is the condition, --map "{differs}=variant" '
                f"(or design: condition: {differs} in the study file); else {hint}"
            )
        problems.warning(
            f'participant "{row["participant"]}" has another row for task "{row["task"]}": '
            f"counted as a retry (attempt {int(row['attempt'])}); retry or double entry?",
            file=file,
            line=line,
            hint=hint,
        )
    _summarise(problems, "warning", len(found), min(len(found), limit), "repeated participant x task rows", None)


def _differing_column(frame: pd.DataFrame, i: int) -> str | None:
    """An extra column (a label, not a measure) whose value differs between row ``i`` and the earlier
    rows of the same participant and task in the same file: the likely condition of a within-subjects
    study, when the rows are not retries."""
    from uxcli.tasks.attempts import extra_columns

    row = frame.iloc[i]
    same = (
        (frame["_file"] == row["_file"])
        & (frame["participant"].astype(object) == row["participant"])
        & (frame["task"].astype(object) == row["task"])
    )
    earlier = frame.iloc[: i + 1][same.iloc[: i + 1].to_numpy()]
    for name in extra_columns(frame):
        column = frame[name]
        if name.startswith("_") or name == "source" or pd.api.types.is_numeric_dtype(column):
            continue
        if column.astype(object).nunique() > max(2, frame["participant"].nunique() // 2):
            continue  # free text or ids, not a condition
        values = earlier[name].astype(object)
        if values.notna().all() and values.nunique() > 1:
            return name
    return None


def task_coverage(dataset: Dataset, problems: Problems, tasks: list[str] | None = None) -> None:
    """Tasks that only some participants attempted (within their variant when there are variants)."""
    frame = dataset.attempts
    if len(frame) == 0:
        return
    participants = frame["participant"].dropna().unique()
    if len(participants) < 2:
        return
    all_tasks = [str(t) for t in (tasks or frame["task"].dropna().unique())]
    pairs = frame[["participant", "task"]].dropna().drop_duplicates()
    attempted = pairs.groupby("task", observed=True, sort=False)["participant"].agg(list)
    firsts = frame.dropna(subset=["participant"]).drop_duplicates("participant")
    variant_of = dict(zip(firsts["participant"].astype(str), firsts["variant"].astype(object)))
    participants = [str(p) for p in participants]
    limit = listing_limit()
    reported = 0
    for task in all_tasks:
        did = set(map(str, attempted.get(task, [])))
        # only participants of a variant in which someone attempted the task are expected to do it
        variants = {label_text(variant_of.get(p)) for p in did}
        expected = [p for p in participants if label_text(variant_of.get(p)) in variants or not did]
        missing = [p for p in expected if p not in did]
        if not missing:
            continue
        reported += 1
        if reported > limit:
            continue
        shown = ", ".join(f'"{p}"' for p in missing[:8]) + (" …" if len(missing) > 8 else "")
        problems.warning(
            f'task "{task}" was attempted by {len(expected) - len(missing)} of {len(expected)} '
            f"participants (not by {shown})",
            column="task",
            value=task,
            hint="fine if it was skipped on purpose; --partial flags these participants in summary",
        )
    _summarise(problems, "warning", reported, min(reported, limit), "tasks not attempted by everyone", None)
