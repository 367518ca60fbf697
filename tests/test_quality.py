"""Quality flags: speeders, idle gaps (and capping them), partial participants, log-time outliers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLES

import uxcli
from uxcli.errors import OptionError
from uxcli.tasks.quality import QualityOptions, expected_tasks, flag, idle_capped

EVENTS = """participant,task,timestamp,event
P1,a,0,start
P1,a,2,click
P1,a,70,click
P1,a,75,success
P1,b,100,start
P1,b,103,success
P2,a,0,start
P2,a,10,click
P2,a,30,success
P2,b,100,start
P2,b,140,success
P3,a,0,start
P3,a,40,success
"""


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    return path


def attempts(path, **kw):
    return uxcli.load([str(path)], **kw).attempts


def by_key(frame, column):
    return {(str(p), str(t)): v for p, t, v in zip(frame["participant"], frame["task"], column)}


def test_max_gap_is_the_longest_pause_inside_an_attempt(log):
    frame = attempts(log)
    gaps = by_key(frame, frame["_max_gap"])
    assert gaps == {("P1", "a"): 68.0, ("P1", "b"): 3.0, ("P2", "a"): 20.0, ("P2", "b"): 40.0, ("P3", "a"): 40.0}


def test_idle_excess_needs_the_threshold_at_read_time(log):
    frame = attempts(log, idle_gap=30)
    assert by_key(frame, frame["_idle"]) == {
        ("P1", "a"): 38.0,
        ("P1", "b"): 0.0,
        ("P2", "a"): 0.0,
        ("P2", "b"): 10.0,
        ("P3", "a"): 10.0,
    }


def test_speeders_by_seconds(log):
    frame = attempts(log)
    flags = flag(frame, QualityOptions(speeders=10))
    assert by_key(frame, flags["speeder"]) == {
        ("P1", "a"): False,
        ("P1", "b"): True,
        ("P2", "a"): False,
        ("P2", "b"): False,
        ("P3", "a"): False,
    }
    assert by_key(frame, flags["detail"])[("P1", "b")] == "speeder: 3.0 s < 10 s"


def test_speeders_by_fraction_of_task_median(log):
    frame = attempts(log)
    # task b: times 3 and 40, median 21.5; 0.25 x 21.5 = 5.375 -> P1 b (3 s) is a speeder
    flags = flag(frame, QualityOptions(speeder_fraction=0.25))
    assert [k for k, v in by_key(frame, flags["speeder"]).items() if v] == [("P1", "b")]
    assert "0.25 x the task median" in by_key(frame, flags["detail"])[("P1", "b")]


def test_idle_flag(log):
    frame = attempts(log)
    flags = flag(frame, QualityOptions(idle_gap=30))
    assert [k for k, v in by_key(frame, flags["idle"]).items() if v] == [("P1", "a"), ("P2", "b"), ("P3", "a")]


def test_cap_idle_shortens_time_by_the_excess(log):
    frame = attempts(log, idle_gap=30)
    capped, changed, removed = idle_capped(frame)
    assert changed == 3 and removed == pytest.approx(58.0)
    times = by_key(capped, capped["time"])
    assert times[("P1", "a")] == pytest.approx(75 - 38) and times[("P1", "b")] == 3.0


def test_cap_idle_without_threshold_at_read_time_is_refused(log):
    with pytest.raises(OptionError):
        idle_capped(attempts(log))


def test_partial_participants(log):
    frame = attempts(log)
    flags = flag(frame, QualityOptions(partial=True))
    assert [k for k, v in by_key(frame, flags["partial"]).items() if v] == [("P3", "a")]
    assert by_key(frame, flags["detail"])[("P3", "a")] == "partial: did 1 of 2 tasks"
    # with the study's task list, everyone who misses one of its tasks is partial
    flags = flag(frame, QualityOptions(partial=True), tasks=["a", "b", "c"])
    assert flags["partial"].all()


def test_partial_is_judged_within_variant():
    frame = uxcli.load([str(SAMPLES / "events.csv")]).attempts
    table = expected_tasks(frame)
    assert table.loc["P03", "done"] == 4 and table.loc["P03", "expected"] == 5
    assert (table.drop("P03")["done"] == 5).all()


def test_outliers_by_log_time_z(tmp_path):
    rows = ["participant,task,outcome,time"] + [
        f"P{i},a,yes,{t}" for i, t in enumerate([30, 31, 29, 32, 30, 28, 31, 30, 29, 300])
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    frame = attempts(path)
    flags = flag(frame, QualityOptions(outliers=2.5))
    assert list(np.flatnonzero(flags["outlier"].to_numpy())) == [9]
    assert flags["detail"].iloc[9].startswith("outlier: log-time z = 2.8")


def test_no_flags_without_times(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("Participant,Login\nP1,Y\nP2,N\n", encoding="utf-8")
    flags = flag(attempts(path), QualityOptions(speeders=10, speeder_fraction=0.5, idle_gap=5, outliers=1))
    assert not flags[["speeder", "idle", "outlier"]].to_numpy().any()
    assert (flags["flags"] == "").all()


@pytest.mark.parametrize(
    "options,word",
    [
        (QualityOptions(speeders=0), "--speeders"),
        (QualityOptions(speeder_fraction=1.5), "--speeder-fraction"),
        (QualityOptions(idle_gap=-1), "--idle-gap"),
        (QualityOptions(cap_idle=True), "--cap-idle"),
        (QualityOptions(outliers=float("nan")), "--outliers"),
    ],
)
def test_bad_thresholds_are_usage_errors(options, word):
    with pytest.raises(OptionError) as info:
        options.check()
    assert word in str(info.value)


# --- through the CLI -----------------------------------------------------------------------------


def test_summary_reports_flags_on_stderr_and_keeps_attempts(cli, log):
    result = cli("summary", log, "-f", "json", "--speeders", "10", "--idle-gap", "30")
    assert result.exit_code == 0
    assert sum(r["attempts"] for r in json.loads(result.stdout)) == 5
    assert "note: Flagged 1 attempt as speeder (under 10 s): P1 b." in result.stderr
    assert "note: Flagged 3 attempts as idle (a pause over 30 s): P1 a, P2 b, P3 a." in result.stderr
    assert "--drop-flagged excludes them" in result.stderr


def test_drop_flagged_excludes_and_counts_add_up(cli, log):
    result = cli("summary", log, "-f", "json", "--speeders", "10", "--drop-flagged", "--by", "participant")
    assert sum(r["attempts"] for r in json.loads(result.stdout)) == 4
    assert "note: Excluded 1 flagged attempt (--drop-flagged)." in result.stderr


def test_cap_idle_changes_times_and_says_so(cli, log):
    plain = {r["task"]: r for r in json.loads(cli("summary", log, "-f", "json", "--time-of", "all").stdout)}
    result = cli("summary", log, "-f", "json", "--time-of", "all", "--idle-gap", "30", "--cap-idle")
    capped = {r["task"]: r for r in json.loads(result.stdout)}
    assert capped["a"]["time_mean"] == pytest.approx((75 - 38 + 30 + 40 - 10) / 3)
    assert plain["a"]["time_mean"] == pytest.approx((75 + 30 + 40) / 3)
    assert "Idle time capped: pauses count at most 30 s, which shortened 3 attempts by 58.0 s" in result.stderr


def test_flags_column_in_attempts(cli, log):
    rows = json.loads(cli("attempts", log, "-f", "json", "--speeders", "10", "--partial").stdout)
    assert [r["flags"] for r in rows] == ["", "speeder: 3.0 s < 10 s", "", "", "partial: did 1 of 2 tasks"]


def test_table_caption_states_flags(cli, log, tmp_path):
    out = tmp_path / "s.txt"
    result = cli("summary", log, "--partial", "--drop-flagged", "-o", out)
    assert result.exit_code == 0 and result.stderr == ""
    text = out.read_text(encoding="utf-8")
    assert "13 rows read from 1 file: 13 used, 0 set aside" in text
    assert "5 attempts: 4 analysed, 1 excluded" in text
    assert "Flagged 1 partial participant (did not attempt every task): P3." in text


def test_quality_thresholds_from_the_study_file(cli, log, tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text("quality:\n  speeders: 10\n  drop_flagged: true\n", encoding="utf-8")
    result = cli("summary", log, "-f", "json", "--study", study)
    assert sum(r["attempts"] for r in json.loads(result.stdout)) == 4
    study.write_text("quality:\n  speeder: 10\n", encoding="utf-8")
    result = cli("summary", log, "-f", "json", "--study", study)
    assert result.exit_code == 1 and 'quality: has no setting "speeder"' in result.stderr


def test_help_documents_the_options(cli):
    text = cli("summary", "--help").stdout
    for option in (
        "--speeders",
        "--speeder-fraction",
        "--idle-gap",
        "--cap-idle",
        "--partial",
        "--outliers",
        "--drop-flagged",
        "--exclude",
        "--exclusions",
        "--study",
        "--pseudonymize",
        "--salt",
    ):
        assert option in text, option
