"""Real exports: never a silently wrong number.

Time zones mixed with naive date-times, seconds mixed with dates in YAML, non-finite or absurd
values, YAML keys written twice, and 0 s task times (left out of the time metrics, with a warning).
"""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

import uxcli
import uxcli.readers.stream.engine as stream
from uxcli.errors import InputError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read
from uxcli.readers.times import MAX_TIME_SECONDS

ZONE_HINT = (
    "give every date-time in the file its zone (2026-11-03T10:01:30+01:00) or none: uxcli does not guess "
    "the zone of a time written without one"
)
TOO_LONG_HINT = "a task time is in seconds, m:ss or h:mm:ss; check the unit and the value"
ZERO_HINT = "a geometric mean needs times above 0; if the task took under a second, write it with decimals, e.g. 0.4"


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(path: str, **options) -> list[tuple]:
    dataset = read(ReadOptions((path,), keep_going=True, **options))
    return [dataclasses.astuple(p)[:6] for p in dataset.problems.items]


def error_of(path: str, **options) -> str:
    with pytest.raises(InputError) as caught:
        uxcli.load([path], **options)
    return str(caught.value)


def times(path: str) -> list[float]:
    return uxcli.load([path]).attempts["time"].tolist()


# --- 1. zoned and naive date-times ---------------------------------------------------------------

EVENTS = "participant,task,timestamp,event\n"


def test_csv_naive_after_zoned_is_an_error(tmp_path):
    path = write(
        tmp_path, "z.csv", EVENTS + "P1,T1,2026-11-03T10:00:00+01:00,start\nP1,T1,2026-11-03T10:01:30,success\n"
    )
    assert error_of(path) == (
        f'{path}:3: column "timestamp": "2026-11-03T10:01:30" has no time zone, but line 2 has one ({ZONE_HINT})'
    )
    for start, end in [
        ("2026-11-03T10:00:00+01:00", "2026-11-03T09:01:30Z"),  # zones differ but each is given
        ("2026-11-03T10:00:00+0100", "2026-11-03T10:01:30+01"),
        ("2026-11-03T10:00:00", "2026-11-03 10:01:30"),  # no zone at all: one clock
        ("2026-11-03", "2026-11-03T00:01:30"),  # a date alone has no zone
    ]:
        ok = write(tmp_path, "ok.csv", EVENTS + f"P1,T1,{start},start\nP1,T1,{end},success\n")
        assert times(ok) == [90.0], (start, end)


def test_csv_zoned_after_naive_is_an_error(tmp_path):
    path = write(
        tmp_path, "z.csv", EVENTS + "P1,T1,2026-11-03T09:00:00,start\nP1,T1,2026-11-03 10:01:30 +01:00,success\n"
    )
    assert problems(path) == [
        (
            "error",
            '"2026-11-03 10:01:30 +01:00" has a time zone, but line 2 has none',
            path,
            3,
            "timestamp",
            "2026-11-03 10:01:30 +01:00",
        )
    ]


def test_stream_refuses_zoned_and_naive_blocks_like_the_whole_file(tmp_path, monkeypatch):
    """Each block may hold one kind only; the engine must still not read the file as valid."""
    rows = [
        f"P{i},T1,2026-11-03T10:00:{i:02d}+01:00,start\nP{i},T1,2026-11-03T10:01:{i:02d}+01:00,success\n"
        for i in range(10)
    ]
    rows += [f"Q{i},T1,2026-11-03T10:00:{i:02d},start\nQ{i},T1,2026-11-03T10:01:{i:02d},success\n" for i in range(10)]
    path = write(tmp_path, "big.csv", EVENTS + "".join(rows))
    expected = (
        f'{path}:22: column "timestamp": "2026-11-03T10:00:00" has no time zone, but line 2 has one ({ZONE_HINT})'
    )
    assert error_of(path, engine="whole") == expected
    for block in (64, 200, 300, 450, 1000, 4096):
        monkeypatch.setattr(stream, "BLOCK_SIZE", block)
        assert error_of(path, engine="stream") == expected, block


YAML_EVENTS = """sessions:
  - participant: P1
    tasks:
      - task: T1
        events:
          - {{at: {start}, event: start}}
          - {{at: {end}, event: success}}
"""


def test_yaml_naive_after_zoned_is_an_error(tmp_path):
    path = write(tmp_path, "z.yaml", YAML_EVENTS.format(start="2026-11-03T10:00:00+01:00", end="2026-11-03T10:01:30"))
    assert error_of(path) == (
        f'{path}:7: column "at": "2026-11-03T10:01:30" has no time zone, but line 6 has one ({ZONE_HINT})'
    )
    for start, end in [
        ("2026-11-03T10:00:00+01:00", "2026-11-03T09:01:30Z"),
        ("2026-11-03T10:00:00", "2026-11-03 10:01:30"),
    ]:
        assert times(write(tmp_path, "ok.yaml", YAML_EVENTS.format(start=start, end=end))) == [90.0], (start, end)


def test_yaml_quoted_zoned_after_naive_is_an_error(tmp_path):
    path = write(tmp_path, "z.yaml", YAML_EVENTS.format(start="2026-11-03T09:00:00", end='"2026-11-03T10:01:30Z"'))
    assert problems(path) == [
        ("error", '"2026-11-03T10:01:30Z" has a time zone, but line 6 has none', path, 7, "at", "2026-11-03T10:01:30Z")
    ]


# --- 2. YAML seconds and dates mixed ------------------------------------------------------------


def test_yaml_seconds_then_date_is_an_error(tmp_path):
    path = write(tmp_path, "m.yaml", YAML_EVENTS.format(start=12, end="2026-11-03T10:01:30"))
    assert error_of(path) == (
        f'{path}:7: column "at": "2026-11-03T10:01:30" mixes timestamp formats: line 6 has a number of seconds '
        "(use seconds everywhere or ISO 8601 date-times everywhere)"
    )
    assert times(write(tmp_path, "ok.yaml", YAML_EVENTS.format(start=0, end=90))) == [90.0]


def test_yaml_date_then_seconds_is_one_error(tmp_path):
    text = YAML_EVENTS.format(start="2026-11-03T10:00:00+01:00", end=90) + (
        "      - task: T2\n        events:\n          - {at: 100, event: start}\n          - {at: 2026-11-03T10:05:00, event: success}\n"
    )
    path = write(tmp_path, "m.yaml", text)
    mixes = [p for p in problems(path) if "mixes" in p[1] or "time zone" in p[1]]  # reported once per file
    assert mixes == [("error", '"90" mixes timestamp formats: line 6 has a date-time', path, 7, "at", "90")]


@pytest.mark.parametrize("value", [".inf", "-.inf", "1.0e+309", ".nan"])
def test_yaml_non_finite_at_is_refused(tmp_path, value):
    path = write(tmp_path, "m.yaml", YAML_EVENTS.format(start=0, end=value))
    assert problems(path)[0] == ("error", f'"{value}" is not a time (seconds or ISO 8601)', path, 7, "at", value)


# --- 3. non-finite and absurd values ------------------------------------------------------------

SUMMARY = """sessions:
  - participant: P1
    tasks:
      - task: T1
        outcome: success
        time: {time}
        clicks: {clicks}
        errors: {errors}
"""


def test_yaml_non_finite_time_clicks_errors_are_refused(tmp_path):
    path = write(tmp_path, "inf.yaml", SUMMARY.format(time=".inf", clicks="1e309", errors=".inf"))
    assert problems(path) == [
        ("error", '".inf" is not a finite time', path, 6, "time", ".inf"),
        ("error", '"1e309" is not a finite count', path, 7, "clicks", "1e309"),
        ("error", '".inf" is not a finite count', path, 8, "errors", ".inf"),
    ]
    assert error_of(path) == f'{path}:6: column "time": ".inf" is not a finite time ({TOO_LONG_HINT})'


def test_yaml_true_is_not_a_count(tmp_path):
    path = write(tmp_path, "b.yaml", SUMMARY.format(time=30, clicks="yes", errors=0))
    assert problems(path) == [("error", '"yes" is not a valid clicks', path, 7, "clicks", "yes")]


def test_yaml_time_over_30_days_is_refused(tmp_path):
    path = write(tmp_path, "big.yaml", SUMMARY.format(time="1.0e+300", clicks=1, errors=0))
    assert error_of(path) == f'{path}:6: column "time": "1.0e+300" is longer than 30 days ({TOO_LONG_HINT})'
    at_bound = write(tmp_path, "edge.yaml", SUMMARY.format(time=MAX_TIME_SECONDS, clicks=1, errors=0))
    assert times(at_bound) == [2_592_000.0]


@pytest.mark.parametrize("value", ["2592001", "1e300", "720:00:01"])
def test_csv_time_over_30_days_is_refused(tmp_path, value):
    path = write(tmp_path, "t.csv", f"participant,task,outcome,time\nP1,T1,success,30\nP2,T1,success,{value}\n")
    assert error_of(path) == f'{path}:3: column "time": "{value}" is longer than 30 days ({TOO_LONG_HINT})'
    at_bound = write(tmp_path, "edge.csv", "participant,task,outcome,time\nP1,T1,success,720:00:00\n")
    assert times(at_bound) == [2_592_000.0]


def test_summary_json_of_infinite_yaml_is_an_input_error(cli, tmp_path):
    path = write(tmp_path, "inf.yaml", SUMMARY.format(time=".inf", clicks=1, errors=0))
    result = cli("summary", path, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == f'error: {path}:6: column "time": ".inf" is not a finite time ({TOO_LONG_HINT})\n'


# --- 4. YAML keys written twice -----------------------------------------------------------------


def test_yaml_duplicate_key_is_refused(tmp_path):
    text = "sessions:\n  - participant: P1\n    tasks:\n      - task: T1\n        outcome: success\n        outcome: failure\n"
    path = write(tmp_path, "dup.yaml", text)
    assert error_of(path) == (
        f'{path}:6: column "outcome": key "outcome" is written twice in one mapping (first on line 5) '
        "(keep one of them: uxcli does not choose between two values)"
    )
    # a merge key (<<: *base) is meant to be overridden: not a duplicate
    merged = (
        "base: &base {outcome: failure, time: 20}\n"
        "participant: P1\n"
        "tasks:\n"
        "  - <<: *base\n    task: T1\n    outcome: success\n"
    )
    frame = uxcli.load([write(tmp_path, "merge.yaml", merged)]).attempts
    assert frame["outcome"].astype(str).tolist() == ["success"]
    assert frame["time"].tolist() == [20.0]


def test_yaml_duplicate_key_in_flow_mapping_is_refused(tmp_path):
    path = write(
        tmp_path, "dup.yaml", "participant: P1\ntasks:\n  - {task: T1, time: 30, outcome: success, time: 40}\n"
    )
    assert problems(path) == [
        ("error", 'key "time" is written twice in one mapping (first on line 3)', path, 3, "time", "time")
    ]


# --- 5. 0 s task times --------------------------------------------------------------------------

ZERO = "time is 0 s: left out of the time metrics ({} such time{} in this file)"


def test_csv_zero_times_are_warned_about(tmp_path):
    path = write(
        tmp_path,
        "zero.csv",
        "participant,task,outcome,time\nP1,T1,success,0\nP2,T1,success,30\nP3,T1,success,0:00\nP4,T1,success,40\n",
    )
    assert problems(path) == [
        ("warning", ZERO.format(2, "s"), path, 2, "time", "0"),
        ("warning", ZERO.format(2, "s"), path, 4, "time", "0"),
    ]


def test_yaml_zero_time_is_warned_about(tmp_path):
    text = "sessions:\n  - participant: P1\n    tasks:\n      - {task: T1, outcome: success, time: 0}\n"
    path = write(tmp_path, "zero.yaml", text)
    assert problems(path) == [("warning", ZERO.format(1, ""), path, 4, "time", "0")]


def test_summary_says_a_zero_time_is_left_out(cli, tmp_path):
    path = write(tmp_path, "zero.csv", "participant,task,outcome,time\nP1,T1,success,0\nP2,T1,success,30\n")
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == f'warning: {path}:2: column "time": {ZERO.format(1, "")} ({ZERO_HINT})\n'
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["time_geomean"], row["time_median"], row["time_mean"]) == ("30.0", "30.0", "30.0")


def test_validate_lists_zero_times(cli, tmp_path):
    path = write(tmp_path, "zero.csv", "participant,task,outcome,time\nP1,T1,success,0\nP2,T1,success,30\n")
    result = cli("validate", path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == f'warning,{path},2,time,0,{ZERO.format(1, "")},"{ZERO_HINT}"'
