"""Durations as people type them (issue 13) and as uxcli prints them (issue 17 item 9: round trip)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uxcli.readers.durations import parse_duration, parse_durations
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read
from uxcli.render.formatting import format_duration


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("83", 83.0),
        ("83.5", 83.5),
        ("83s", 83.0),
        ("83 s", 83.0),
        ("83 sec", 83.0),
        ("83 Seconds", 83.0),
        ("1m 23s", 83.0),
        ("1m23s", 83.0),
        ("1 min 23 s", 83.0),
        ("1.5 min", 90.0),
        ("1h 2m 3s", 3723.0),
        ("1 h 2 min", 3720.0),
        ("00:01:23", 83.0),
        ("00:01:23.5", 83.5),
        ("1:23", 83.0),
        ("1:23.45", 83.45),
        ("75:30", 4530.0),
        ("2m 34s", 154.0),
        ("3h 12m 55s", 11575.0),
        ("2.1s", 2.1),
        ("1500 ms", 1.5),
        ("−2m 5s", -125.0),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["banana", "1:60", "1:60:00", "12 apples", "1m 2m", "s", "1:2:3:4", "m 5"])
def test_garbage_is_not_a_duration(text):
    assert np.isnan(parse_duration(text))


def test_bare_numbers_are_marked_for_the_column_unit():
    seconds, bare = parse_durations(pd.Series(["1500", "2s", "1:00", ""]))
    assert list(bare) == [True, False, False, False]
    assert list(seconds[:3]) == [1500.0, 2.0, 60.0]
    assert np.isnan(seconds[3])


def tolerance(value: float) -> float:
    """Half the last printed digit: format_duration keeps one decimal under 10 s, whole seconds above."""
    return (0.05 if round(abs(value), 1) < 10 else 0.5) + 1e-9


@pytest.mark.parametrize(
    "value", [0, 0.04, 0.05, 0.949, 9.94, 9.95, 9.96, 10, 59.4, 59.5, 60, 3599.5, 3600, 11575.4, 86400 * 3 + 1]
)
def test_every_printed_duration_reads_back(value):
    assert abs(parse_duration(format_duration(value)) - value) <= tolerance(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e6, max_value=3e6, allow_nan=False))
def test_printed_durations_round_trip_property(value):
    printed = format_duration(value)
    assert abs(parse_duration(printed) - value) <= tolerance(value), printed


def test_many_printed_durations_round_trip_vectorised():
    values = np.r_[np.random.default_rng(7).exponential(600, 5000), np.linspace(0, 20, 2001)]
    seconds, _ = parse_durations(pd.Series([format_duration(v) for v in values]))
    assert np.all(np.abs(seconds - values) <= np.array([tolerance(v) for v in values]))


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "name,text",
    [
        (
            "a.csv",
            "participant,task,outcome,time\nP1,T1,success,1m 23s\nP2,T1,success,83s\nP3,T1,success,00:01:23.5\n"
            "P4,T1,success,1.5 min\n",
        ),
        (
            "b.tsv",
            "Tester\tTask\tResult\tTime on task\nP1\tT1\tyes\t1 min 23 s\nP2\tT1\tyes\t83 sec\nP3\tT1\tyes\t1:23.5\n"
            "P4\tT1\tyes\t90\n",
        ),
        (
            "c.csv",
            "participant;task;outcome;Dauer\nP1;T1;success;1:23\nP2;T1;success;83\nP3;T1;success;83,5 s\n"
            "P4;T1;success;1,5 min\n",
        ),
    ],
)
def test_typed_durations_in_attempt_tables(tmp_path, name, text):
    attempts = read(ReadOptions((write(tmp_path, name, text),))).attempts
    assert list(attempts["time"]) == pytest.approx([83.0, 83.0, 83.5, 90.0])


def test_bare_numbers_take_the_header_unit_and_units_win(tmp_path):
    path = write(
        tmp_path,
        "ms.csv",
        "participant,task,outcome,Time (ms)\nP1,T1,success,1500\nP2,T1,success,2s\nP3,T1,success,1m 23s\n",
    )
    attempts = read(ReadOptions((path,))).attempts
    assert list(attempts["time"]) == pytest.approx([1.5, 2.0, 83.0])


def test_summary_reads_uxcli_printed_times(cli, tmp_path):
    values = [154.0, 11575.0, 2.1, 42.0]
    rows = "".join(f"P{i},T1,success,{format_duration(v)}\n" for i, v in enumerate(values, 1))
    path = write(tmp_path, "printed.csv", "participant,task,outcome,time\n" + rows)
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert float(row["time_geomean"]) == pytest.approx(float(np.exp(np.mean(np.log(values)))), rel=1e-6)


def test_garbage_duration_is_one_clear_error(cli, tmp_path):
    path = write(tmp_path, "bad.csv", "participant,task,outcome,time\nP1,T1,success,1m 23s\nP2,T1,success,soon\n")
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f'error: {path}:3: column "time": "soon" is not a time')


def test_yaml_typed_durations(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "sessions:\n  - participant: P1\n    tasks:\n      - {task: T1, outcome: success, time: 1m 23s}\n"
        "      - {task: T2, outcome: success, time: '00:01:23.5'}\n      - {task: T3, outcome: success, time: 90}\n",
    )
    attempts = read(ReadOptions((path,))).attempts
    assert list(attempts["time"]) == pytest.approx([83.0, 83.5, 90.0])
