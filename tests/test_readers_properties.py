"""Property tests: generated valid logs read exactly; counts add up; row order is irrelevant;
generated garbage never produces a traceback."""

from __future__ import annotations

import json
import random
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import uxcli
from uxcli.tasks.exclusions import Preparation, parse_rule, prepare
from uxcli.tasks.quality import QualityOptions

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TERMINALS = ("success", "failure", "abandon")


@st.composite
def event_logs(draw):
    """A valid event log: per participant a sequence of attempts, each start … end, times increasing."""
    n_participants = draw(st.integers(1, 6))
    tasks = [f"t{i}" for i in range(draw(st.integers(1, 4)))]
    rows, attempts = [], []
    for p in range(n_participants):
        participant, variant = f"P{p + 1}", draw(st.sampled_from(["A", "B"]))
        t = draw(st.integers(0, 1000)) + 0.5
        for task in draw(st.lists(st.sampled_from(tasks), min_size=0, max_size=6)):
            start = t
            rows.append((participant, variant, task, start, "start"))
            clicks = errors = 0
            for kind in draw(st.lists(st.sampled_from(["click", "error", "page"]), max_size=5)):
                t += draw(st.integers(1, 90)) / 2
                rows.append((participant, variant, task, t, kind))
                clicks += kind == "click"
                errors += kind == "error"
            t += draw(st.integers(1, 300)) / 4
            end = draw(st.sampled_from(TERMINALS))
            rows.append((participant, variant, task, t, end))
            attempts.append(
                {
                    "participant": participant,
                    "task": task,
                    "outcome": end,
                    "time": t - start,
                    "clicks": clicks,
                    "errors": errors,
                }
            )
            t += draw(st.integers(1, 50))
    return rows, attempts


def to_csv(rows) -> str:
    lines = ["participant,variant,task,timestamp,event"]
    lines += [f"{p},{v},{task},{t:g},{e}" for p, v, task, t, e in rows]
    return "\n".join(lines) + "\n"


def load_text(tmp_path, text, name="log.csv", **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return uxcli.load([str(path)], **kw)


def as_records(frame: pd.DataFrame) -> list[tuple]:
    return sorted(
        (str(r.participant), str(r.task), str(r.outcome), round(float(r.time), 6), r.clicks, r.errors)
        for r in frame.itertuples()
    )


@SETTINGS
@given(log=event_logs())
def test_generated_log_reads_exactly(tmp_path, log):
    rows, expected = log
    if not rows:
        return
    dataset = load_text(tmp_path, to_csv(rows))
    assert not dataset.problems.items
    assert as_records(dataset.attempts) == sorted(
        (a["participant"], a["task"], a["outcome"], round(a["time"], 6), float(a["clicks"]), float(a["errors"]))
        for a in expected
    )
    # nothing lost: every row is used (these logs have no stray events)
    assert dataset.rows_read == len(rows) == dataset.rows_used


@SETTINGS
@given(log=event_logs(), seed=st.integers(0, 2**32 - 1))
def test_shuffled_rows_give_the_same_metrics(tmp_path, log, seed):
    rows, _ = log
    if not rows:
        return
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    first = load_text(tmp_path, to_csv(rows), "a.csv")
    second = load_text(tmp_path, to_csv(shuffled), "b.csv")
    assert as_records(first.attempts) == as_records(second.attempts)
    by = ["task", "variant"]
    a, b = (
        uxcli.summarize(d.attempts, by).astype({c: str for c in by}).sort_values(by).reset_index(drop=True)
        for d in (first, second)
    )
    pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(log=event_logs(), data=st.data())
def test_attempts_in_log_equal_reported_plus_excluded(tmp_path, log, data):
    rows, expected = log
    if not rows:
        return
    dataset = load_text(tmp_path, to_csv(rows), idle_gap=20)
    participants = sorted({a["participant"] for a in expected})
    excluded = data.draw(st.lists(st.sampled_from(participants), unique=True, max_size=len(participants)))
    rules = [parse_rule("participant=" + ",".join(excluded))] if excluded else []
    quality = QualityOptions(
        speeders=data.draw(st.sampled_from([None, 5.0, 30.0])),
        speeder_fraction=data.draw(st.sampled_from([None, 0.5])),
        idle_gap=20.0,
        cap_idle=data.draw(st.booleans()),
        partial=data.draw(st.booleans()),
        outliers=data.draw(st.sampled_from([None, 1.0, 2.0])),
        drop_flagged=data.draw(st.booleans()),
    )
    dataset = prepare(dataset, Preparation(rules=rules, quality=quality))
    assert dataset.attempts_read == len(expected)
    assert len(dataset.attempts) + len(dataset.excluded) == len(expected)
    by_rule = dataset.excluded[dataset.excluded["_rule"] != "--drop-flagged"]
    assert len(by_rule) == sum(a["participant"] in excluded for a in expected)
    if not quality.drop_flagged and dataset.flags is not None:
        assert len(dataset.flags) == len(dataset.attempts)


@SETTINGS
@given(log=event_logs())
def test_cli_counts_add_up(cli, tmp_path, log):
    rows, expected = log
    if not rows:
        return
    path = tmp_path / "log.csv"
    path.write_text(to_csv(rows), encoding="utf-8")
    result = cli("attempts", path, "-f", "json", "--exclude", "participant=P1", "--speeders", "10", "--drop-flagged")
    assert result.exit_code == 0, result.stderr
    excluded = sum(int(n) for n in re.findall(r"note: Excluded (\d+)", result.stderr))
    assert len(json.loads(result.stdout)) + excluded == len(expected)


# --- garbage -----------------------------------------------------------------------------------------

TOKENS = [
    "participant",
    "task",
    "outcome",
    "timestamp",
    "event",
    "time",
    "variant",
    "P1",
    "a",
    "yes",
    "start",
    "success",
    "click",
    "1",
    "-2",
    "1:30",
    "2026-01-01T00:00:00Z",
    "nan",
    "",
    '"',
    "\n",
    "\r\n",
    ",",
    ";",
    "\t",
    "é",
    "\x00",
    "sessions:",
    "- ",
    ": ",
    "[",
    "&a",
    "*a",
    "!!python/object",
    "\ufeff",
    "ÿþ",
]


@st.composite
def garbage(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    text = "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=80)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=garbage(), suffix=st.sampled_from([".csv", ".yaml", ".txt"]))
def test_garbage_never_gives_a_traceback(cli, tmp_path, data, suffix):
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(data)
    for args in (
        ["summary", path, "-f", "json"],
        ["validate", path, "-f", "json"],
        ["attempts", path, "-f", "csv", "--partial", "--speeder-fraction", "0.5", "--pseudonymize"],
    ):
        result = cli(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr and "error: unexpected " not in result.stderr, result.stderr
        if result.exit_code == 1 and args[0] != "validate":
            errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
            assert len(errors) == 1 and errors[0].startswith(f"error: {path}"), result.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=garbage())
def test_garbage_on_stdin(cli, data):
    result = cli("summary", "-", "-f", "json", input=data)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr and "error: unexpected " not in result.stderr, result.stderr
    if result.exit_code == 1:
        assert result.stderr.startswith("error: <stdin>"), result.stderr


@pytest.mark.parametrize("text", ["participant,task,outcome\nP1,a,yes\n" * 3, "a,b\n1,2\n"])
def test_repeated_header_lines_are_reported_not_counted(cli, tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    result = cli("summary", path, "-f", "json")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
