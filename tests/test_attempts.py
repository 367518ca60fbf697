"""derive_attempts on hand-built events frames, plus property tests on generated event logs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as hst

from uxcli.tasks.attempts import ATTEMPT_COLUMNS, KIND_CODE, OTHER, combine, derive_attempts

CODE = {**KIND_CODE, "page": OTHER}


def events(rows: list[tuple], session: bool = False) -> pd.DataFrame:
    """rows: (participant, task, t, kind) or (participant, session, task, t, kind)."""
    if not session:
        rows = [(p, None, task, t, k) for p, task, t, k in rows]
    participants, sessions, tasks, times, kinds = zip(*rows, strict=True) if rows else ((),) * 5

    def cat(values):
        order = list(dict.fromkeys(v for v in values if v is not None))
        return pd.Categorical(list(values), categories=order)

    return pd.DataFrame(
        {
            "participant": cat(participants),
            "session": cat(sessions),
            "variant": cat([None] * len(rows)),
            "task": cat(tasks),
            "t": np.asarray(times, dtype=np.float64),
            "kind": np.asarray([CODE[k] for k in kinds], dtype=np.int8),
            "_file": np.zeros(len(rows), dtype=np.int64),
            "_row": np.arange(len(rows), dtype=np.int64),
        }
    )


def summary(derived) -> list[tuple]:
    a = derived.attempts
    return list(
        zip(
            a["participant"].astype(str),
            a["task"].astype(str),
            a["attempt"],
            a["outcome"].astype(str),
            a["time"],
            a["clicks"],
            a["errors"],
            strict=True,
        )
    )


def test_simple_attempt():
    d = derive_attempts(
        events(
            [
                ("P1", "a", 0, "start"),
                ("P1", "a", 2, "click"),
                ("P1", "a", 3, "error"),
                ("P1", "a", 4, "page"),
                ("P1", "a", 9.5, "success"),
            ]
        )
    )
    assert summary(d) == [("P1", "a", 1, "success", 9.5, 1.0, 1.0)]
    assert list(d.attempts.columns[: len(ATTEMPT_COLUMNS)]) == ATTEMPT_COLUMNS
    assert d.outside_rows.tolist() == [] and d.unended.tolist() == [False]


def test_retry_is_a_second_attempt():
    d = derive_attempts(
        events(
            [
                ("P1", "a", 0, "start"),
                ("P1", "a", 1, "click"),
                ("P1", "a", 5, "failure"),
                ("P1", "a", 10, "start"),
                ("P1", "a", 11, "click"),
                ("P1", "a", 12, "click"),
                ("P1", "a", 16, "success"),
            ]
        )
    )
    assert summary(d) == [("P1", "a", 1, "failure", 5.0, 1.0, 0.0), ("P1", "a", 2, "success", 6.0, 2.0, 0.0)]
    assert d.attempts["_row"].tolist() == [0, 3]


def test_second_start_without_end_opens_a_retry():
    d = derive_attempts(
        events([("P1", "a", 0, "start"), ("P1", "a", 1, "click"), ("P1", "a", 10, "start"), ("P1", "a", 15, "success")])
    )
    assert summary(d)[1] == ("P1", "a", 2, "success", 5.0, 0.0, 0.0)
    first = summary(d)[0]
    assert first[:4] == ("P1", "a", 1, "abandon") and np.isnan(first[4]) and first[5] == 1.0
    assert d.unended.tolist() == [True, False]


def test_unended_attempt_is_abandoned():
    d = derive_attempts(
        events([("P1", "a", 0, "start"), ("P1", "a", 3, "click"), ("P1", "b", 5, "start"), ("P1", "b", 8, "success")])
    )
    rows = summary(d)
    assert rows[0][3] == "abandon" and np.isnan(rows[0][4]) and rows[0][5] == 1.0
    assert rows[1] == ("P1", "b", 1, "success", 3.0, 0.0, 0.0)
    assert d.unended.tolist() == [True, False]


def test_unended_flags_follow_the_attempts_frame_order():
    # task "a" sorts first (first seen on row 0) but its attempt starts last: the unended flag must
    # line up with the attempts frame (ordered by start row), not with the internal sort order
    d = derive_attempts(
        events([("P1", "a", 0, "page"), ("P1", "b", 1, "start"), ("P1", "b", 2, "success"), ("P1", "a", 3, "start")])
    )
    assert d.attempts["task"].astype(str).tolist() == ["b", "a"]
    assert d.unended.tolist() == [False, True]
    assert d.attempts["_row"][d.unended].tolist() == [3]


def test_outside_rows_before_start_and_after_end():
    frame = events(
        [
            ("P1", "a", 0, "click"),
            ("P1", "a", 1, "start"),
            ("P1", "a", 2, "success"),
            ("P1", "a", 3, "click"),
            ("P1", "a", 4, "error"),
            ("P1", "a", 5, "failure"),
            ("P2", "a", 1, "success"),
        ]
    )
    d = derive_attempts(frame)
    assert summary(d) == [("P1", "a", 1, "success", 1.0, 0.0, 0.0)]
    assert d.outside_rows.tolist() == [0, 3, 4, 5, 6]


def test_events_of_other_participants_or_tasks_do_not_close_an_attempt():
    d = derive_attempts(
        events(
            [
                ("P1", "a", 0, "start"),
                ("P2", "a", 1, "success"),
                ("P1", "b", 2, "failure"),
                ("P1", "a", 4, "click"),
                ("P1", "a", 6, "success"),
            ]
        )
    )
    assert summary(d) == [("P1", "a", 1, "success", 6.0, 1.0, 0.0)]
    assert d.outside_rows.tolist() == [1, 2]


def test_interleaved_tasks():
    d = derive_attempts(
        events(
            [
                ("P1", "a", 0, "start"),
                ("P1", "b", 1, "start"),
                ("P1", "a", 2, "click"),
                ("P1", "b", 3, "error"),
                ("P1", "b", 4, "abandon"),
                ("P1", "a", 7, "success"),
            ]
        )
    )
    assert summary(d) == [("P1", "a", 1, "success", 7.0, 1.0, 0.0), ("P1", "b", 1, "abandon", 3.0, 0.0, 1.0)]


def test_sessions_are_separate():
    d = derive_attempts(
        events(
            [
                ("P1", "S1", "a", 0, "start"),
                ("P1", "S1", "a", 4, "failure"),
                ("P1", "S2", "a", 100, "start"),
                ("P1", "S2", "a", 103, "success"),
            ],
            session=True,
        )
    )
    assert [row[2] for row in summary(d)] == [1, 1]
    assert d.attempts["session"].astype(str).tolist() == ["S1", "S2"]


def test_out_of_order_equals_sorted():
    rows = [
        ("P1", "a", 0, "start"),
        ("P1", "a", 1, "click"),
        ("P1", "a", 2, "failure"),
        ("P1", "a", 3, "start"),
        ("P1", "a", 4, "error"),
        ("P1", "a", 5, "success"),
        ("P2", "a", 10, "start"),
        ("P2", "a", 12, "click"),
        ("P2", "a", 13, "abandon"),
    ]
    sorted_frame = events(rows)
    shuffled = sorted_frame.iloc[[8, 3, 0, 5, 7, 1, 6, 4, 2]]
    a, b = derive_attempts(sorted_frame), derive_attempts(shuffled)
    pd.testing.assert_frame_equal(a.attempts, b.attempts)
    assert a.unended.tolist() == b.unended.tolist()
    assert summary(a)[1] == ("P1", "a", 2, "success", 2.0, 0.0, 1.0)


def test_out_of_order_outside_rows_index_the_input_frame():
    frame = events([("P1", "a", 5, "click"), ("P1", "a", 1, "start"), ("P1", "a", 3, "success")])
    d = derive_attempts(frame)
    assert summary(d) == [("P1", "a", 1, "success", 2.0, 0.0, 0.0)]
    assert d.outside_rows.tolist() == [0]  # row 0 of the input (t=5, after the success)


def test_no_events_and_no_starts():
    d = derive_attempts(events([("P1", "a", 1, "click"), ("P1", "a", 2, "success")]))
    assert len(d.attempts) == 0 and d.outside_rows.tolist() == [0, 1]


def test_duration_from_epoch_seconds_is_exact_to_the_millisecond():
    t0 = 1_793_700_318.3  # 2026-11-03, as float epoch seconds
    d = derive_attempts(events([("P1", "a", t0, "start"), ("P1", "a", t0 + 39.1, "success")]))
    assert d.attempts["time"].tolist() == [39.1]


def test_combine_orders_categories_by_first_appearance():
    one = derive_attempts(events([("P2", "zeta", 0, "start"), ("P2", "zeta", 1, "success")])).attempts
    two = derive_attempts(
        events(
            [
                ("P1", "alpha", 0, "start"),
                ("P1", "alpha", 1, "success"),
                ("P1", "zeta", 2, "start"),
                ("P1", "zeta", 3, "failure"),
            ]
        )
    ).attempts
    two["_file"] = 1
    both = combine([one, two])
    assert list(both["task"].cat.categories) == ["zeta", "alpha"]
    assert list(both["participant"].cat.categories) == ["P2", "P1"]


# --- property tests ----------------------------------------------------------------------------

OUTCOMES = ["success", "failure", "abandon"]


@hst.composite
def event_logs(draw):
    """A valid log: participants x tasks, each with 1-3 attempts of known outcome/clicks/errors."""
    n_participants = draw(hst.integers(1, 4))
    tasks = draw(hst.lists(hst.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=3, unique=True))
    rows, expected = [], []
    for p in range(n_participants):
        t = float(draw(hst.integers(0, 1000)))
        for task in tasks:
            for attempt in range(1, draw(hst.integers(1, 3)) + 1):
                outcome = draw(hst.sampled_from(OUTCOMES))
                clicks, errors, pages = draw(hst.integers(0, 4)), draw(hst.integers(0, 2)), draw(hst.integers(0, 2))
                start = t
                rows.append((f"P{p}", task, t, "start"))
                for kind in ["click"] * clicks + ["error"] * errors + ["page"] * pages:
                    t += draw(hst.integers(1, 5))
                    rows.append((f"P{p}", task, t, kind))
                t += draw(hst.integers(1, 5))
                rows.append((f"P{p}", task, t, outcome))
                expected.append((f"P{p}", task, attempt, outcome, t - start, float(clicks), float(errors)))
                t += draw(hst.integers(1, 30))
    return rows, expected


@settings(max_examples=60, deadline=None)
@given(event_logs())
def test_generated_logs_give_generated_attempts(log):
    rows, expected = log
    d = derive_attempts(events(rows))
    assert sorted(summary(d)) == sorted(expected)
    assert d.outside_rows.tolist() == [] and not d.unended.any()


@settings(max_examples=60, deadline=None)
@given(event_logs(), hst.randoms(use_true_random=False))
def test_shuffling_rows_does_not_change_attempts(log, rnd):
    rows, _ = log
    frame = events(rows)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    a, b = derive_attempts(frame), derive_attempts(frame.iloc[order])
    pd.testing.assert_frame_equal(a.attempts, b.attempts)
    assert a.unended.tolist() == b.unended.tolist()


@settings(max_examples=40, deadline=None)
@given(event_logs(), hst.data())
def test_dropping_an_end_event_makes_exactly_one_abandon(log, data):
    rows, expected = log
    ends = [i for i, row in enumerate(rows) if row[3] in OUTCOMES]
    drop = data.draw(hst.sampled_from(ends))
    d = derive_attempts(events([row for i, row in enumerate(rows) if i != drop]))
    assert int(d.unended.sum()) == 1
    assert len(d.attempts) == len(expected)
    assert d.outside_rows.tolist() == []


# --- the array rules against the same rules written as a plain loop --------------------------------


def _loop_attempts(t, kind, key, idle_gap):
    """The attempt rules one event at a time (the reference for attempts_of_sorted)."""
    from uxcli.tasks.attempts import ABANDON, CLICK, ERROR, START, SUCCESS

    out, current, outside = [], None, []
    for i in range(len(kind)):
        if current is not None and (key[i] != current["key"] or kind[i] == START):
            out.append(current)  # a new key or a new start: the open attempt ends unended
            current = None
        if kind[i] == START:
            number = out[-1]["number"] + 1 if out and out[-1]["key"] == key[i] else 1
            current = {
                "key": key[i],
                "start": i,
                "number": number,
                "clicks": 0,
                "errors": 0,
                "gaps": [0.0],
                "end_kind": ABANDON,
                "end_time": np.nan,
                "unended": True,
            }
        elif current is None:
            outside.append(i)
        else:
            current["gaps"].append(t[i] - t[i - 1])
            current["clicks"] += kind[i] == CLICK
            current["errors"] += kind[i] == ERROR
            if SUCCESS <= kind[i] <= ABANDON:
                current.update(end_kind=kind[i], end_time=t[i], unended=False)
                out.append(current)
                current = None
    if current is not None:
        out.append(current)
    for a in out:
        a["max_gap"] = max(a["gaps"])
        a["idle"] = sum(max(g - idle_gap, 0.0) for g in a["gaps"]) if idle_gap is not None else None
    return out, outside


@settings(max_examples=300, deadline=None)
@given(
    hst.lists(hst.tuples(hst.integers(0, 3), hst.integers(0, 6), hst.integers(0, 20)), max_size=60),
    hst.sampled_from([None, 2.0]),
)
def test_array_rules_equal_the_loop(rows, idle_gap):
    from uxcli.tasks.attempts import attempts_of_sorted

    rows.sort(key=lambda r: (r[0], r[2]))  # by key, then time (the rules' input order)
    key = np.array([r[0] for r in rows], dtype=np.int64)
    kind = np.array([r[1] for r in rows], dtype=np.int8)
    t = np.array([float(r[2]) for r in rows])
    new_key = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    found = attempts_of_sorted(t, kind, new_key, idle_gap)
    expected, outside = _loop_attempts(t, kind, key, idle_gap)
    assert found["starts"].tolist() == [a["start"] for a in expected]
    assert found["number"].tolist() == [a["number"] for a in expected]
    assert found["end_kind"].tolist() == [a["end_kind"] for a in expected]
    assert np.array_equal(found["end_time"], [a["end_time"] for a in expected], equal_nan=True)
    assert found["unended"].tolist() == [a["unended"] for a in expected]
    assert found["clicks"].tolist() == [a["clicks"] for a in expected]
    assert found["errors"].tolist() == [a["errors"] for a in expected]
    assert found["outside"].tolist() == outside
    if expected:
        assert found["max_gap"].tolist() == [a["max_gap"] for a in expected]
    if idle_gap is not None and expected:
        assert np.allclose(found["idle"], [a["idle"] for a in expected])
    summary = attempts_of_sorted(t, kind, new_key, None, gaps=False)  # what a streaming summary asks for
    assert summary["max_gap"] is None and summary["idle"] is None
    assert summary["clicks"].tolist() == found["clicks"].tolist()
