"""Real exports' headers: a --map wins over a column named like its field, two columns for one field,
and time units in headers (or --time-unit), the same with both engines."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import uxcli
from uxcli.errors import InputError, OptionError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read as read_options
from uxcli.readers.stream import engine as stream_engine


def read(path, **options):
    return read_options(ReadOptions((str(path),), **options))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(dataset):
    return [str(p) for p in dataset.problems.items]


def error_of(path, **options) -> str:
    with pytest.raises(InputError) as info:
        uxcli.load([str(path)], **options)
    return str(info.value)


# --- 1. a --map entry wins over a column that already has the field's name -------------------------


@pytest.mark.parametrize(
    "header,rows,given,target,column,outcomes,times",
    [
        (
            "participant,task,step,outcome",
            ["P1,T1,success,", "P2,T1,failure,", "P3,T1,success,"],
            "step",
            "outcome",
            "outcome",
            ["success", "failure", "success"],
            [np.nan] * 3,
        ),
        (
            "participant,task,outcome,secs,time",
            ["P1,T1,success,10,", "P2,T1,failure,20,"],
            "secs",
            "time",
            "time",
            ["success", "failure"],
            [10.0, 20.0],
        ),
        (
            "user,participant,task,outcome",
            ["P1,,T1,success", "P2,,T1,failure"],
            "user",
            "participant",
            "participant",
            ["success", "failure"],
            [np.nan] * 2,
        ),
    ],
)
def test_map_wins_over_a_column_with_the_fields_name(tmp_path, header, rows, given, target, column, outcomes, times):
    path = write(tmp_path, "f.csv", "\n".join([header, *rows]) + "\n")
    dataset = read(path, column_map={given: target})
    attempts = dataset.attempts
    assert attempts["outcome"].astype(str).tolist() == outcomes
    np.testing.assert_array_equal(attempts["time"].to_numpy(), np.array(times))
    assert attempts["participant"].astype(str).tolist() == [f"P{i}" for i in range(1, len(rows) + 1)]
    assert messages(dataset) == [f'{path}:1: column "{column}": not used: --map {given}={target} takes its place']
    assert column not in [c for c in attempts.columns if attempts.columns.tolist().count(c) > 1]


def test_displaced_column_with_another_name_stays_an_extra_column(tmp_path):
    path = write(tmp_path, "f.csv", "participant,task,step,Result\nP1,T1,success,ok\nP2,T1,failure,bad\n")
    dataset = read(path, column_map={"step": "outcome"})
    assert dataset.attempts["outcome"].astype(str).tolist() == ["success", "failure"]
    assert dataset.attempts["Result"].astype(str).tolist() == ["ok", "bad"]
    assert messages(dataset) == [
        f'{path}:1: column "Result": not used: --map step=outcome takes its place '
        "(kept as an extra column (usable with --by))"
    ]


def test_cli_summary_with_map_counts_the_mapped_outcomes(tmp_path, cli):
    path = write(tmp_path, "f.csv", "participant,task,step,outcome\nP1,T1,success,\nP2,T1,failure,\nP3,T1,success,\n")
    result = cli("summary", path, "--map", "step=outcome", "--format", "json")
    assert result.exit_code == 0
    row = json.loads(result.stdout)[0]
    assert (row["attempts"], row["successes"], row["failures"], row["abandons"]) == (3, 2, 1, 0)
    assert result.stderr.splitlines() == [
        f'note: {path}:1: column "outcome": not used: --map step=outcome takes its place'
    ]
    checked = cli("validate", path, "--map", "step=outcome", "--format", "csv")
    assert checked.exit_code == 0
    assert checked.stdout.splitlines()[1] == f"note,{path},1,outcome,,not used: --map step=outcome takes its place,"


# --- 2. two columns for one field -------------------------------------------------------------------


@pytest.mark.parametrize(
    "first,second,name",
    [("time", "Time (s)", "time"), ("Participant ID", "user", "participant"), ("Task", "task_name", "task")],
)
def test_second_column_for_a_field_with_the_values_is_used(tmp_path, first, second, name):
    values = {"time": ["10", "20"], "participant": ["P1", "P2"], "task": ["T1", "T2"]}[name]
    others = {"time": "participant,task", "participant": "task,time", "task": "participant,time"}[name]
    fixed = {"time": ["P1,T1", "P2,T1"], "participant": ["T1,10", "T1,20"], "task": ["P1,10", "P2,20"]}[name]
    lines = [f"{others},outcome,{first},{second}"] + [f"{fixed[i]},success,,{values[i]}" for i in range(2)]
    path = write(tmp_path, "f.csv", "\n".join(lines) + "\n")
    dataset = read(path)
    column = dataset.attempts[name]
    got = column.tolist() if name == "time" else column.astype(str).tolist()
    assert got == ([10.0, 20.0] if name == "time" else values)
    assert messages(dataset) == [
        f'{path}:1: column "{second}": columns "{first}" and "{second}" both mean {name}; "{second}" has values '
        f'and is used ("{first}" is empty) (--map "COLUMN={name}" chooses another)'
    ]


def test_two_filled_columns_for_one_field_is_an_error(tmp_path):
    path = write(tmp_path, "f.csv", "participant,task,outcome,time,Time (s)\nP1,T1,success,5,10\nP2,T1,success,,20\n")
    assert error_of(path) == (
        f'{path}:1: columns "time" and "Time (s)" both mean time and have values: which one is meant? '
        '(choose one with --map "time=time" or --map "Time (s)=time")'
    )
    chosen = uxcli.load([str(path)], column_map={"Time (s)": "time"})
    assert chosen.attempts["time"].tolist() == [10.0, 20.0]
    assert messages(chosen) == [f'{path}:1: column "time": not used: --map Time (s)=time takes its place']


# --- 3. time units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,values,seconds,unit",
    [
        ("Time (ms)", ["1500", "250"], [1.5, 0.25], "milliseconds"),
        ("duration_ms", ["2500", "1000"], [2.5, 1.0], "milliseconds"),
        ("time_min", ["2.5", "1:30"], [150.0, 90.0], "minutes"),
        ("Time (min)", ["2.5", "1"], [150.0, 60.0], "minutes"),
        ("Time [h]", ["0.5", "0.25"], [1800.0, 900.0], "hours"),
    ],
)
def test_time_unit_from_the_header(tmp_path, header, values, seconds, unit):
    path = write(
        tmp_path, "f.csv", f"participant,task,outcome,{header}\nP1,T1,success,{values[0]}\nP2,T1,success,{values[1]}\n"
    )
    dataset = read(path)
    assert dataset.attempts["time"].tolist() == seconds
    assert messages(dataset) == [
        f'{path}:1: column "{header}": times are in {unit} (from the header) and converted to seconds '
        "(--time-unit overrides the header)"
    ]


def test_german_seconds_header(tmp_path):
    path = write(tmp_path, "f.csv", "participant,task,outcome,Zeit (Sek.)\nP1,T1,success,7\n")
    dataset = read(path)
    assert dataset.attempts["time"].tolist() == [7.0]
    assert messages(dataset) == []


def test_unknown_unit_is_an_error_unless_time_unit_says(tmp_path):
    path = write(tmp_path, "f.csv", "participant,task,outcome,Time (fortnights)\nP1,T1,success,2.5\n")
    assert error_of(path) == (
        f'{path}:1: column "Time (fortnights)": "fortnights" is not a time unit uxcli knows: ms (milliseconds), '
        "s (seconds), min (minutes), h (hours) (rename the column, or give the unit with --time-unit ms|s|min|h)"
    )
    dataset = read(path, time_unit="s")
    assert dataset.attempts["time"].tolist() == [2.5]
    assert messages(dataset) == [
        f'{path}:1: column "Time (fortnights)": times are in seconds (--time-unit s; the header says fortnights)'
    ]


def test_time_unit_option_overrides_the_header(tmp_path, cli):
    path = write(tmp_path, "f.csv", "participant,task,outcome,Time (ms)\nP1,T1,success,2\nP2,T1,success,4\n")
    dataset = read(path, time_unit="min")
    assert dataset.attempts["time"].tolist() == [120.0, 240.0]
    assert messages(dataset) == [
        f'{path}:1: column "Time (ms)": times are in minutes (--time-unit min; the header says ms) '
        "and converted to seconds"
    ]
    result = cli("attempts", path, "--time-unit", "h", "--format", "csv")
    assert result.exit_code == 0
    assert pd.read_csv(__import__("io").StringIO(result.stdout))["time"].tolist() == [7200.0, 14400.0]
    with pytest.raises(OptionError, match="unknown time unit 'fortnight'; choose one of ms, s, min, h"):
        ReadOptions(("x.csv",), time_unit="fortnight")


def test_start_and_end_columns_take_their_unit(tmp_path):
    path = write(tmp_path, "f.csv", "participant,task,outcome,start_ms,end_ms\nP1,T1,success,1000,4500\n")
    dataset = read(path)
    assert dataset.attempts["time"].tolist() == [3.5]
    assert messages(dataset) == [
        f'{path}:1: column "{h}": times are in milliseconds (from the header) and converted to seconds '
        "(--time-unit overrides the header)"
        for h in ("start_ms", "end_ms")
    ]


# --- both engines ---------------------------------------------------------------------------------


EVENTS = "participant,task,{ts},event,{extra}\n" + "".join(
    f"P{p},T{t},{base},start,{p}\nP{p},T{t},{base + 1500 * p},click,{p}\nP{p},T{t},{base + 4000 * p},success,{p}\n"
    for p in range(1, 4)
    for t, base in ((1, 1000), (2, 90000))
)


def both_engines(monkeypatch, path, **options):
    monkeypatch.setattr(stream_engine, "BLOCK_SIZE", 64)
    whole = read(path, engine="whole", **options)
    streamed = read(path, engine="stream", **options)
    pd.testing.assert_frame_equal(streamed.attempts, whole.attempts, check_exact=True)
    assert [dataclasses.astuple(p) for p in streamed.problems.items] == [
        dataclasses.astuple(p) for p in whole.problems.items
    ]
    return whole, streamed.files[0].engine


def test_event_timestamps_in_milliseconds_both_engines(tmp_path, monkeypatch):
    path = write(tmp_path, "e.csv", EVENTS.format(ts="timestamp_ms", extra="device"))
    whole, engine = both_engines(monkeypatch, path)
    assert engine == "stream"
    assert whole.attempts["time"].tolist() == [4.0, 4.0, 8.0, 8.0, 12.0, 12.0]
    assert messages(whole) == [
        f'{path}:1: column "timestamp_ms": times are in milliseconds (from the header) and converted to seconds '
        "(--time-unit overrides the header)"
    ]
    minutes, engine = both_engines(monkeypatch, path, time_unit="min")
    assert engine == "stream"
    assert minutes.attempts["time"].tolist() == [240000.0, 240000.0, 480000.0, 480000.0, 720000.0, 720000.0]


def test_map_over_a_named_column_both_engines(tmp_path, monkeypatch):
    path = write(
        tmp_path, "e.csv", EVENTS.format(ts="ms", extra="participant").replace("participant,task", "user,task", 1)
    )
    whole, engine = both_engines(
        monkeypatch, path, column_map={"user": "participant", "ms": "timestamp"}, time_unit="ms"
    )
    assert engine == "stream"
    assert whole.attempts["participant"].astype(str).tolist() == ["P1", "P1", "P2", "P2", "P3", "P3"]
    assert whole.attempts["time"].tolist() == [4.0, 4.0, 8.0, 8.0, 12.0, 12.0]
    assert messages(whole) == [
        f'{path}:1: column "participant": not used: --map user=participant takes its place',
        f'{path}:1: column "ms": times are in milliseconds (--time-unit ms) and converted to seconds',
    ]


def test_two_timestamp_columns_fall_back_to_the_whole_file_reader(tmp_path, monkeypatch):
    text = EVENTS.format(ts="timestamp,Timestamp (ms)", extra="device")
    lines = text.splitlines()
    body = [",".join([*cells[:2], "", *cells[2:]]) for cells in (line.split(",") for line in lines[1:])]
    path = write(tmp_path, "e.csv", "\n".join([lines[0], *body]) + "\n")
    whole, engine = both_engines(monkeypatch, path)
    assert engine == "whole"
    assert whole.attempts["time"].tolist() == [4.0, 4.0, 8.0, 8.0, 12.0, 12.0]
    assert messages(whole) == [
        f'{path}:1: column "Timestamp (ms)": columns "timestamp" and "Timestamp (ms)" both mean timestamp; '
        '"Timestamp (ms)" has values and is used ("timestamp" is empty) (--map "COLUMN=timestamp" chooses another)',
        f'{path}:1: column "Timestamp (ms)": times are in milliseconds (from the header) and converted to seconds '
        "(--time-unit overrides the header)",
    ]
