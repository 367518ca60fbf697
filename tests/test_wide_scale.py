"""Wide matrices of thousands of columns (issue #15, item 3): read in work that does not grow per column.

The bounds are counts, never the clock: how many pandas DataFrames are built and how many columns are read
one by one as categoricals while reading a matrix, for 50 and for 2,000 task columns (the same), and the
attempts of an 8,000-column matrix against the counts the test wrote into it.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

import uxcli
import uxcli.readers.common as common
import uxcli.readers.wide as wide
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read

WORDS = ("success", "failure", "abandon", "assisted", "")


def write_matrix(path, columns: int, rows: int, seed: int = 3, extra: str = "") -> dict[str, dict[str, int]]:
    """A wide success matrix of outcome words (and empty cells); returns the outcomes written, per task."""
    rng = random.Random(seed)
    cells = [[rng.choice(WORDS) for _ in range(columns)] for _ in range(rows)]
    header = ["participant", *(f"task {i + 1}" for i in range(columns))]
    lines = [",".join(header + ([extra] if extra else []))]
    for r, row in enumerate(cells):
        lines.append(",".join([f"P{r + 1}", *row] + ([str(r % 3 + 20)] if extra else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written: dict[str, dict[str, int]] = {}
    for c in range(columns):
        column = [row[c] for row in cells if row[c]]
        written[f"task {c + 1}"] = {w: column.count(w) for w in WORDS[:4]}
    return written


class Counter:
    """Counts DataFrame constructions and column-by-column categorical reads while active."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.frames = 0
        self.labels = 0
        init = pd.DataFrame.__init__
        labels = common.labels

        def counting_init(frame, *args, **kwargs):
            self.frames += 1
            init(frame, *args, **kwargs)

        def counting_labels(table, header):
            self.labels += 1
            return labels(table, header)

        monkeypatch.setattr(pd.DataFrame, "__init__", counting_init)
        monkeypatch.setattr(common, "labels", counting_labels)
        monkeypatch.setattr(wide, "labels", counting_labels)


def counted_read(path, monkeypatch: pytest.MonkeyPatch, **options) -> tuple[Counter, uxcli.Dataset]:
    with monkeypatch.context() as patch:
        counter = Counter(patch)
        data = uxcli.load([str(path)], **options)
    return counter, data


@pytest.mark.parametrize("extra", ["", "age"])
def test_work_per_matrix_does_not_grow_with_the_number_of_columns(tmp_path, monkeypatch, extra):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_matrix(small, 50, 12, extra=extra)
    write_matrix(large, 2000, 12, extra=extra)
    few, few_data = counted_read(small, monkeypatch)
    many, many_data = counted_read(large, monkeypatch)
    assert few_data.attempts["task"].nunique() == 50 and many_data.attempts["task"].nunique() == 2000
    # The old reader built one DataFrame and one categorical per task column (2,000+ here).
    assert many.frames == few.frames
    assert many.labels == few.labels
    assert many.labels <= 1 + bool(extra)  # the participant column, and the attribute column kept for --by


def test_wide_time_matrix_builds_one_frame_whatever_its_width(tmp_path, monkeypatch):
    def times(path, columns):
        rng = random.Random(5)
        header = ["participant", *(f"task{i} time" for i in range(columns))]
        rows = [",".join([f"P{r}", *(str(rng.randint(5, 90)) for _ in range(columns))]) for r in range(6)]
        path.write_text("\n".join([",".join(header), *rows]) + "\n", encoding="utf-8")

    times(tmp_path / "a.csv", 20)
    times(tmp_path / "b.csv", 400)
    few, few_data = counted_read(tmp_path / "a.csv", monkeypatch, layout="wide-times")
    many, many_data = counted_read(tmp_path / "b.csv", monkeypatch, layout="wide-times")
    assert len(few_data.attempts) == 20 * 6 and len(many_data.attempts) == 400 * 6
    assert many.frames == few.frames


def test_eight_thousand_columns_give_the_outcomes_written(tmp_path):
    path = tmp_path / "wide.csv"
    written = write_matrix(path, 8000, 3, seed=11)
    data = uxcli.load([str(path)])
    frame = data.attempts
    filled = [t for t, w in written.items() if sum(w.values())]
    assert len(filled) < 8000  # some columns are empty in all three rows: warned about, not tasks
    assert frame["task"].nunique() == len(filled)
    empty = [p.column for p in data.problems.items if "empty in every participant row" in p.message]
    assert empty == [t for t in written if t not in filled]
    assert len(frame) == sum(sum(w.values()) for w in written.values())  # empty cells are no attempt
    got = frame.groupby(["task", "outcome"], observed=False).size()
    for task in (filled[0], filled[4000], filled[-1]):
        for outcome, n in written[task].items():
            assert got[(task, outcome)] == n, (task, outcome)
    total = {w: sum(t[w] for t in written.values()) for w in WORDS[:4]}
    assert frame["outcome"].value_counts().to_dict() == total
    # tasks keep their column order, rows their sheet order within each task
    assert list(dict.fromkeys(frame["task"].astype(str))) == filled
    assert np.all(np.diff(frame["_row"].to_numpy()[frame["task"].astype(str).to_numpy() == filled[0]]) > 0)
    assisted_notes = [p for p in data.problems.items if "assisted attempt" in p.message]
    assert len(assisted_notes) == sum(1 for t in written.values() if t["assisted"])


def test_unknown_words_and_not_attempted_are_reported_per_column_as_before(tmp_path):
    """The vectorised reader still names each column, line and value (the messages of the per-column one)."""
    header = ["participant", *(f"t{i}" for i in range(300)), "score"]
    rows = []
    for r in range(4):
        cells = ["yes" if (r + i) % 2 else "no" for i in range(300)]
        rows.append([f"P{r + 1}", *cells, str(sum(c == "yes" for c in cells))])
    rows[2][1 + 8] = "N/A"  # cells that said "no": the score (each row's yes) still fits
    rows[3][1 + 251] = "banana"
    path = tmp_path / "m.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    data = read(ReadOptions((str(path),)))  # errors kept in data.problems, not raised
    errors = [p for p in data.problems.items if p.severity == "error"]
    assert [(p.message, p.line, p.column, p.value) for p in errors] == [
        ('"banana" is not an outcome', 5, "t251", "banana")
    ]
    skipped = [p for p in data.problems.items if "not attempted" in p.message]
    assert [(p.line, p.column) for p in skipped] == [(4, "t8")]
    totals = [p for p in data.problems.items if "totals column" in p.message]
    assert [(p.column, p.message) for p in totals] == [
        ("score", "a totals column (each row's successes), set aside: not a task")
    ]
