"""`uxcli attempts` end to end: one row per attempt, event-log rules, sources, output files."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from conftest import DATA, SAMPLES

COLUMNS = ["participant", "session", "variant", "task", "attempt", "outcome", "time", "clicks", "errors", "source"]


def attempts_json(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def key(row: dict) -> tuple:
    return row["participant"], row["session"], row["task"], row["attempt"]


def without_source(rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k != "source"} for r in rows), key=key)


def warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning: ")]


# --- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,name", [("csv", "attempts.csv"), ("json", "attempts.json")])
def test_attempts_golden(cli, golden, fmt, name):
    result = cli("attempts", "sample_sessions/", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_sample_has_41_attempts_with_sources(cli):
    rows = attempts_json(cli("attempts", "sample_sessions/", "-f", "json"))
    assert len(rows) == 41  # README: 8 x 5 - 1 not attempted + 2 retries
    assert all(list(r) == COLUMNS for r in rows)
    assert rows[0]["source"] == "sample_sessions/events.csv:2"
    retries = [(r["participant"], r["task"]) for r in rows if r["attempt"] == 2]
    assert retries == [("P02", "change-address"), ("P07", "apply-coupon")]
    assert not any(r["participant"] == "P03" and r["task"] == "change-address" for r in rows)


def test_sources_point_at_the_start_event(cli):
    rows = attempts_json(cli("attempts", "sample_sessions/events.csv", "-f", "json"))
    lines = (SAMPLES / "events.csv").read_text(encoding="utf-8").splitlines()
    for row in rows:
        file, _, line = row["source"].rpartition(":")
        assert file == "sample_sessions/events.csv"
        fields = lines[int(line) - 1].split(",")
        assert fields[0] == row["participant"] and fields[3] == row["task"] and fields[5] == "start"


def test_p06_new_york_offset_gives_same_times_as_attempt_table(cli):
    # README: P06's timestamps carry -05:00, the others +01:00; durations must not be skewed.
    events = attempts_json(cli("attempts", "sample_sessions/events.csv", "-f", "json"))
    table = attempts_json(cli("attempts", "sample_sessions/layouts/attempts.csv", "-f", "json"))
    assert [r["time"] for r in events] == [r["time"] for r in table]
    p06 = [r["time"] for r in events if r["participant"] == "P06"]
    assert p06 == [52.4, 44.4, 39.7, 80.9, 101.1]


def test_attempt_table_retries_numbered_in_input_order(cli):
    rows = attempts_json(cli("attempts", "sample_sessions/layouts/attempts.csv", "-f", "json"))
    p02 = [
        (r["task"], r["attempt"], r["outcome"])
        for r in rows
        if r["participant"] == "P02" and r["task"] == "change-address"
    ]
    assert p02 == [("change-address", 1, "failure"), ("change-address", 2, "success")]
    assert rows[0]["source"] == "sample_sessions/layouts/attempts.csv:2"


def test_yaml_sources_are_yaml_lines(cli):
    rows = attempts_json(cli("attempts", DATA / "v1_session.yaml", "-f", "json"))
    assert [(r["task"], r["attempt"], r["outcome"], r["time"], r["clicks"], r["errors"]) for r in rows] == [
        ("login", 1, "success", 65.0, 4.0, 0.0),
        ("search", 1, "abandon", 9.5, 1.0, 1.0),
        ("search", 2, "success", 11.0, 1.0, 0.0),
    ]
    assert [r["source"].rpartition(":")[2] for r in rows] == ["6", "13", "17"]
    assert {(r["participant"], r["session"], r["variant"]) for r in rows} == {("P9", "S9", "B")}


# --- event logs --------------------------------------------------------------------------------


@pytest.fixture
def edge(cli):
    result = cli("attempts", DATA / "v1_events_edge.csv", "-f", "json")
    return result, attempts_json(result)


def test_event_retries_are_numbered_and_both_counted(edge):
    _, rows = edge
    search = [r for r in rows if r["participant"] == "P1" and r["task"] == "search"]
    assert [(r["attempt"], r["outcome"], r["time"]) for r in search] == [(1, "failure", 10.0), (2, "success", 10.0)]


def test_event_clicks_errors_inside_attempt_only(edge):
    _, rows = edge
    search = [r for r in rows if r["participant"] == "P1" and r["task"] == "search"]
    # attempt 1: click at 12, page at 13 (not a click), error at 14; attempt 2: click 35, Page 36
    assert [(r["clicks"], r["errors"]) for r in search] == [(1.0, 1.0), (1.0, 0.0)]


def test_event_missing_end_is_abandon_with_warning(cli, edge):
    result, rows = edge
    cart = next(r for r in rows if r["participant"] == "P1" and r["task"] == "cart")
    assert cart["outcome"] == "abandon"
    assert cart["clicks"] == 1.0
    assert result.exit_code == 0
    name = str(DATA / "v1_events_edge.csv")
    unended = [w for w in warnings(result) if "no end event" in w]
    assert len(unended) == 1
    assert unended[0].startswith(f"warning: {name}:13: attempt has no end event")
    assert "abandon" in unended[0].split("no end event", 1)[1]


def test_missing_end_warning_names_the_right_start(cli, tmp_path):
    path = tmp_path / "order.csv"
    path.write_text(
        "participant,task,timestamp,event\nP1,a,0,page\nP1,b,1,start\nP1,b,2,success\nP1,a,3,start\n", encoding="utf-8"
    )
    result = cli("attempts", path, "-f", "json")
    rows = attempts_json(result)
    assert [(r["task"], r["outcome"]) for r in rows] == [("b", "success"), ("a", "abandon")]
    unended = [w for w in warnings(result) if "no end event" in w]
    assert [w.split(": ")[1] for w in unended] == [f"{path}:5"]  # the start of "a", not of "b"


def test_events_outside_attempts_warned_and_not_counted(edge):
    result, rows = edge
    name = str(DATA / "v1_events_edge.csv")
    outside = [w for w in warnings(result) if "outside any attempt" in w]
    # line 2: a click before any start; line 12: a click after the success
    assert [w.split(": ")[1] for w in outside] == [f"{name}:2", f"{name}:12"]
    assert sum(r["clicks"] for r in rows) == 4.0  # 1 + 1 + 1 (P1 cart) + 1 (P2 search)


def test_event_aliases(edge):
    _, rows = edge
    outcomes = {(r["participant"], r["task"], r["attempt"]): r["outcome"] for r in rows}
    assert outcomes[("P1", "search", 2)] == "success"  # "completed"
    assert outcomes[("P2", "search", 1)] == "abandon"  # "gave up"
    assert outcomes[("P2", "cart", 1)] == "abandon"  # "Give_Up"
    assert len(rows) == 5


def test_edge_summary_warnings_and_counts(cli):
    result = cli("summary", DATA / "v1_events_edge.csv", "-f", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    # per participant (the default): P1 failed then succeeded at search (a success), P2 gave up
    assert [
        (r["task"], r["attempts"], r["participants"], r["successes"], r["failures"], r["abandons"]) for r in rows
    ] == [
        ("search", 3, 2, 1, 0, 1),
        ("cart", 2, 2, 0, 0, 2),
    ]
    per_attempt = json.loads(cli("summary", DATA / "v1_events_edge.csv", "-f", "json", "--unit", "attempt").stdout)
    assert [(r["task"], r["successes"], r["failures"], r["abandons"]) for r in per_attempt] == [
        ("search", 1, 1, 1),
        ("cart", 0, 0, 2),
    ]
    assert len(warnings(result)) == 3
    assert not any(line.startswith("error") for line in result.stderr.splitlines())


def test_strict_turns_warnings_into_an_error(cli):
    result = cli("summary", DATA / "v1_events_edge.csv", "-f", "json", "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {DATA / 'v1_events_edge.csv'}:")


def test_unsorted_rows_give_the_same_attempts(cli, tmp_path):
    lines = (SAMPLES / "events.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    random.Random(7).shuffle(body)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    original = attempts_json(cli("attempts", "sample_sessions/events.csv", "-f", "json"))
    mixed = attempts_json(cli("attempts", shuffled, "-f", "json"))
    assert without_source(mixed) == without_source(original)
    # and each source still points at that attempt's start event in the shuffled file
    for row in mixed:
        fields = ([header, *body])[int(row["source"].rpartition(":")[2]) - 1].split(",")
        assert (fields[0], fields[3], fields[5]) == (row["participant"], row["task"], "start")


def test_iso_timestamps_with_time_zone_offsets(cli):
    rows = attempts_json(cli("attempts", DATA / "v1_events_iso_tz.csv", "-f", "json"))
    # 10:00+01:00 -> 09:01:30Z is 90 s; 08:00:00.250-05:00 -> 13:02:00.750Z is 120.5 s;
    # 23:59:50+00:00 -> next day 01:00:20+01:00 is 30 s across midnight
    assert [(r["participant"], r["outcome"], r["time"]) for r in rows] == [
        ("P1", "success", 90.0),
        ("P2", "failure", 120.5),
        ("P3", "success", 30.0),
    ]


def test_mixed_timestamp_kinds_are_an_error(cli, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "participant,task,timestamp,event\nP1,a,5,start\nP1,a,2026-01-01T10:00:00Z,success\n", encoding="utf-8"
    )
    result = cli("attempts", path, "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f'error: {path}:3: column "timestamp"')


def test_event_sessions_separate_attempts(cli, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "participant,session,task,timestamp,event\n"
        "P1,S1,a,0,start\nP1,S1,a,5,success\nP1,S2,a,100,start\nP1,S2,a,107,failure\n",
        encoding="utf-8",
    )
    rows = attempts_json(cli("attempts", path, "-f", "json"))
    assert [(r["session"], r["attempt"], r["outcome"], r["time"]) for r in rows] == [
        ("S1", 1, "success", 5.0),
        ("S2", 1, "failure", 7.0),
    ]


def test_event_typo_warns_with_suggestion(cli, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("participant,task,timestamp,event\nP1,a,0,start\nP1,a,1,clik\nP1,a,2,success\n", encoding="utf-8")
    result = cli("attempts", path, "-f", "json")
    rows = attempts_json(result)
    assert rows[0]["clicks"] == 0.0
    (warning,) = warnings(result)
    assert f"{path}:3" in warning and 'did you mean "click"' in warning


# --- formats and output files ------------------------------------------------------------------


def test_attempts_csv_missing_values_are_empty(cli):
    result = cli("attempts", DATA / "v1_published.csv", "-f", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == COLUMNS
    assert (rows[0]["session"], rows[0]["time"], rows[0]["clicks"]) == ("", "", "")
    assert rows[5]["time"] == "55.0"


def test_attempts_output_file(cli, tmp_path):
    out = tmp_path / "a.json"
    result = cli("attempts", "sample_sessions/events.csv", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 41


def test_attempts_table_format(cli, tmp_path):
    out = tmp_path / "attempts.txt"  # .txt -> the Rich table, rendered 160 columns wide
    result = cli("attempts", "tests/data/v1_published.csv", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "participant" in text and "checkout" in text and "135" in text
    assert "tests/data/v1_published.csv:12" in text


def test_attempts_refuses_to_overwrite_input(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes((DATA / "v1_published.csv").read_bytes())
    result = cli("attempts", path, "-o", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert path.read_bytes() == (DATA / "v1_published.csv").read_bytes()


def test_attempts_bad_data(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("participant,task,outcome,clicks\nP1,a,yes,three\n", encoding="utf-8")
    result = cli("attempts", path, "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f'error: {path}:2: column "clicks": "three" is not a')


def test_clicks_and_errors_are_integers_in_json_and_csv(cli):
    rows = attempts_json(cli("attempts", SAMPLES / "events.csv", "-f", "json"))
    assert all(isinstance(r["clicks"], int) and isinstance(r["errors"], int) for r in rows)  # were 2.0, 1.0
    table = list(csv.DictReader(io.StringIO(cli("attempts", SAMPLES / "events.csv", "-f", "csv").stdout)))
    assert all("." not in r["clicks"] and "." not in r["errors"] for r in table)
