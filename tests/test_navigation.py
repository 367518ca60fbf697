"""Navigation from raw event logs (uxcli navigation).

Sources of the worked examples:
- Lostness: Smith, P. A. (1996), "Towards a practical measure of hypertext usability", Interacting with
  Computers 8(4): L = √((N/S − 1)² + (R/N − 1)²); the example N = 6 unique pages, S = 9 visited, R = 3
  needed gives L = .60 (also in Albert & Tullis, *Measuring the User Experience*, ch. 4).
- First click: 17/20 succeed after a correct first click vs 4/10 after a wrong one; N−1 two-proportion
  test (Sauro & Lewis, QUX ch. 5; Campbell 2007): z = 2.493, p = .0127, checked against scipy here.
"""

from __future__ import annotations

import json
import math

import pytest
from scipy.stats import norm

from uxcli.errors import InputError
from uxcli.navigation.metrics import lostness, navigation_table, study_plan

HEADER = "participant,task,timestamp,event,target\n"

# P1 takes the expected path; P2 detours to help and back home (a backtrack); P3 clicks a banner and gives up.
SMALL = HEADER + (
    "P1,login,0,start,home\nP1,login,5,click,login\nP1,login,9,click,done\nP1,login,10,success,\n"
    "P2,login,60,start,home\nP2,login,64,click,help\nP2,login,68,click,home\nP2,login,72,click,login\n"
    "P2,login,75,click,done\nP2,login,76,success,\n"
    "P3,login,120,start,home\nP3,login,124,click,banner\nP3,login,150,abandon,\n"
)
STUDY = "tasks:\n  login:\n    path: [home, login, done]\n    targets: [help]\n"


@pytest.fixture
def small(tmp_path):
    log = tmp_path / "nav.csv"
    log.write_text(SMALL, encoding="utf-8")
    study = tmp_path / "study.yaml"
    study.write_text(STUDY, encoding="utf-8")
    return log, study


def test_smith_1996_lostness_example() -> None:
    assert round(lostness(6, 9, 3), 2) == 0.60
    assert lostness(3, 3, 3) == 0.0  # the optimal path is not lost
    assert math.isnan(lostness(0, 0, 3))


def test_metrics_of_a_small_log(cli, small) -> None:
    log, study = small
    result = cli("navigation", log, "--study", study, "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    # Lostness per attempt: P1 0; P2 S=5 N=4 R=3; P3 S=2 N=2 R=3. Path efficiency over successes: 3/3, 3/5.
    expected = (0 + math.hypot(4 / 5 - 1, 3 / 4 - 1) + math.hypot(0, 3 / 2 - 1)) / 3
    assert row["lostness"] == pytest.approx(expected, abs=1e-6)
    assert row["optimal_from"] == "expected path" and row["optimal_visits"] == 3
    assert row["path_efficiency"] == pytest.approx((1 + 3 / 5) / 2)
    assert (row["direct_successes"], row["indirect_successes"]) == (1, 1)
    assert row["backtracks_per_attempt"] == pytest.approx(1 / 3)
    # Expected first target: the path's second page (login); only P1 clicked it first.
    assert row["first_click_attempts"] == 3 and row["first_click_correct"] == pytest.approx(1 / 3)
    assert (row["success_after_correct"], row["success_after_wrong"]) == ("1/1", "1/2")
    # Declared targets: help plus the path; P3's banner click is the one misclick.
    assert row["misclicks_per_attempt"] == pytest.approx(1 / 3)


def test_without_study_file_the_shortest_success_stands_in(cli, small) -> None:
    log, _ = small
    result = cli("navigation", log, "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["optimal_from"] == "shortest successful path observed" and row["optimal_visits"] == 3
    assert row["first_click_attempts"] == 0 and row["misclicks_per_attempt"] is None
    assert "shortest successful path observed for login" in result.stderr


def test_events_out_of_order_and_exclusions(cli, tmp_path) -> None:
    lines = SMALL.splitlines()
    log = tmp_path / "shuffled.csv"
    log.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    result = cli("navigation", log, "--exclude", "participant=P3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["attempts"] == 2 and row["successes"] == 2
    assert row["backtracks_per_attempt"] == pytest.approx(0.5)


def _first_click_log() -> str:
    rows = [HEADER.strip()]
    plan = [("correct", 17, 20), ("wrong", 4, 10)]
    n = 0
    for kind, wins, total in plan:
        for i in range(total):
            n += 1
            first = "menu" if kind == "correct" else "search"
            end = "success" if i < wins else "failure"
            rows += [f"P{n},find,0,start,home", f"P{n},find,3,click,{first}", f"P{n},find,9,{end},"]
    return "\n".join(rows) + "\n"


def test_first_click_worked_example(cli, tmp_path) -> None:
    log = tmp_path / "first.csv"
    log.write_text(_first_click_log(), encoding="utf-8")
    study = tmp_path / "study.yaml"
    study.write_text("tasks:\n  find:\n    first: menu\n", encoding="utf-8")
    result = cli("navigation", log, "--study", study, "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["success_after_correct"], row["success_after_wrong"]) == ("17/20", "4/10")
    assert row["first_click_correct"] == pytest.approx(20 / 30)
    assert row["first_click_z"] == pytest.approx(2.493, abs=5e-4)
    assert row["first_click_p"] == pytest.approx(0.0127, abs=5e-5)
    # The same statistic from its definition, with scipy's normal tail.
    p1, p2, pooled, total = 17 / 20, 4 / 10, 21 / 30, 30
    z = (p1 - p2) * math.sqrt((total - 1) / total) / math.sqrt(pooled * (1 - pooled) * (1 / 20 + 1 / 10))
    assert row["first_click_z"] == pytest.approx(z) and row["first_click_p"] == pytest.approx(2 * norm.sf(z))


def test_a_log_without_targets_is_refused(cli, tmp_path) -> None:
    log = tmp_path / "plain.csv"
    log.write_text("participant,task,timestamp,event\nP1,a,0,start\nP1,a,5,success\n", encoding="utf-8")
    result = cli("navigation", log, "-f", "csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert "target" in result.stderr


def test_unknown_by_column(cli, small) -> None:
    log, _ = small
    result = cli("navigation", log, "--by", "nonesuch", "-f", "csv")
    assert result.exit_code == 2 and "nonesuch" in result.stderr and result.stdout == ""


def test_bad_optimal_in_study_file() -> None:
    with pytest.raises(InputError, match="optimal"):
        study_plan({"tasks": {"login": {"optimal": -1}}}, "study.yaml")


def test_optimal_count_from_the_study_file() -> None:
    import pandas as pd

    events = ((0.0, 0, "start", "home"), (1.0, 1, "click", "a"), (2.0, 1, "click", "b"), (3.0, 3, "success", None))
    attempts = pd.DataFrame({"participant": ["P1"], "task": ["t"], "outcome": ["success"], "_events": [events]})
    result = navigation_table(attempts, study_plan({"tasks": {"t": {"optimal": 2}}}))
    (row,) = result.frame.to_dict("records")
    assert row["optimal_from"] == "optimal in study file" and row["path_efficiency"] == pytest.approx(2 / 3)
    assert row["lostness"] == pytest.approx(lostness(3, 3, 2))


def test_table_has_one_column_per_group(cli, tmp_path) -> None:
    log = tmp_path / "two.csv"
    rows = SMALL.replace("participant,task,", "participant,variant,task,").splitlines()
    body = [
        r.replace(",login,", ",A,login,") if r.startswith(("P1", "P2")) else r.replace(",login,", ",B,login,")
        for r in rows[1:]
    ]
    log.write_text("\n".join([rows[0], *body]) + "\n", encoding="utf-8")
    result = cli("navigation", log, "--by", "task,variant", "-f", "table")
    assert result.exit_code == 0, result.stderr
    assert "login / A" in result.stdout and "login / B" in result.stdout
    assert any(line.split()[:1] == ["lostness"] for line in result.stdout.splitlines())
