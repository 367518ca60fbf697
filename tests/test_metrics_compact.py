"""GroupStats keeps a compact state per participant × task while blocks arrive (issue #15): pruned rows in
hash buckets, merged block by block. The summary must stay the one-block summary, bit for bit."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from uxcli.tasks import metrics
from uxcli.tasks.metrics import GroupStats


def _feed(stats, rows, parts):
    for part in parts:
        stats.add(
            *(column[part] for column in rows[:6]), unit=rows[6][part], attempt=rows[7][part], person=rows[8][part]
        )


@settings(max_examples=40, deadline=None)
@given(
    seed=hs.integers(0, 10_000),
    size=hs.integers(1, 300),
    blocks=hs.integers(1, 8),
    time_of=hs.sampled_from(sorted(metrics.TIME_OF)),
    assisted=hs.sampled_from(metrics.ASSISTED_AS),
    unknown=hs.booleans(),
    counted=hs.sampled_from(metrics.UNITS),
)
def test_merging_every_block_equals_one_block(seed, size, blocks, time_of, assisted, unknown, counted):
    rng = np.random.default_rng(seed)
    person = rng.integers(0, 10, size)
    unit = person * 3 + rng.integers(0, 3, size)
    attempt = rng.integers(1, 4, size)  # a unit's attempts may share a number: the order key breaks ties
    outcome = rng.integers(-1 if unknown else 0, 4, size)
    group = rng.integers(0, 3, size)  # a unit's attempts spread over groups, as --by attempt does
    time = np.where(rng.random(size) < 0.1, np.nan, np.round(rng.lognormal(3, 1, size), 2))
    errors, clicks = rng.poisson(0.5, size).astype(float), rng.poisson(4, size).astype(float)
    rows = (group, rng.permutation(size), outcome, errors, clicks, time, unit, attempt, person)
    whole, pieces = (GroupStats(time_of, counted, assisted=assisted) for _ in range(2))
    with pytest.MonkeyPatch.context() as patch:  # the reference: every row of every unit, reduced once
        patch.setattr(metrics._Units, "_prune", lambda self, *columns: list(columns))
        _feed(whole, rows, [np.arange(size)])
        a = whole.summary(labels := pd.DataFrame({"id": np.arange(whole.groups)}))
        whole_overall = whole.merged().summary(one := pd.DataFrame(index=range(1)))
    parts = np.split(rng.permutation(size), np.sort(rng.integers(0, size + 1, blocks - 1)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(metrics._Units, "_MIN_MERGE", 0)  # merge and prune at every block
        _feed(pieces, rows, parts)
    pd.testing.assert_frame_equal(a, pieces.summary(labels), check_exact=True)
    pd.testing.assert_frame_equal(whole_overall, pieces.merged().summary(one), check_exact=True)
    retried = len({p for p, u in zip(person, unit) if (unit == u).sum() > 1})
    assert pieces.retried() == whole.retried() == pieces.merged().retried() == retried


def test_a_unit_tried_once_keeps_one_row(monkeypatch):
    monkeypatch.setattr(metrics._Units, "_MIN_MERGE", 0)
    stats = GroupStats()
    n = 1000  # 1000 units tried once, then one unit tried 10 times (success on the 4th)
    unit = np.r_[np.arange(n), np.full(10, n)]
    outcome = np.r_[np.zeros(n, dtype=np.int64), [1, 2, 1, 0, 1, 0, 2, 1, 1, 2]]
    for part in np.array_split(np.arange(n + 10), 7):
        stats.add(
            np.zeros(len(part), dtype=np.int64),
            part,
            outcome[part],
            np.zeros(len(part)),
            np.zeros(len(part)),
            np.ones(len(part)),
            unit=unit[part],
            attempt=np.r_[np.ones(n, dtype=np.int64), np.arange(1, 11)][part],
            person=unit[part],
        )
    summary = stats.summary(pd.DataFrame(index=range(1))).iloc[0]
    kept = sum(len(rows[0]) for rows in stats.units.stored if rows is not None)
    # the retried unit keeps its first attempt, first success (4th) and last attempt (10th): 3 rows
    assert kept == n + 3
    assert (summary["participants"], summary["successes"], summary["abandons"]) == (n + 1, n + 1, 0)
    assert summary["first_try_success_rate"] == pytest.approx(n / (n + 1))
    assert stats.retried() == 1


def test_rows_of_unit_attempt_keep_no_time():
    """With unit "attempt" the time metrics rest on every attempt's time (GroupStats.times), so the per-unit
    rows keep none: 8 bytes less a row. With unit "participant" they keep it."""
    rng = np.random.default_rng(3)
    size = 5000
    person = rng.integers(0, 500, size)
    columns = (np.zeros(size, dtype=np.int64), np.arange(size), rng.integers(0, 3, size), np.zeros(size))
    rows = (*columns, np.zeros(size), rng.lognormal(3, 1, size), person * 4 + rng.integers(0, 4, size))
    for counted, timed in (("attempt", False), ("participant", True)):
        stats = GroupStats("success", counted)
        stats.add(*rows[:6], unit=rows[6], attempt=np.ones(size, dtype=np.int64), person=person)
        stats.units._merge(0)
        stored = [bucket for bucket in stats.units.stored if bucket is not None]
        assert stored and all((bucket[5] is not None) == timed for bucket in stored)
        assert stats.time_counts()[0] > 0 and stats.summary(pd.DataFrame(index=range(1)))["time_median"].iloc[0] > 0
