"""Summary rows a spreadsheet adds under an attempt table ("Total", "Moyenne") are set aside with a note."""

import json

import pytest


@pytest.mark.parametrize(
    "tail",
    ["Total;;;\r\n", "Moyenne :;;;\r\n", ";Durchschnitt;;\r\n", "Average;Average;;\r\n"],
)
def test_summary_row_set_aside_with_a_note(cli, tmp_path, tail):
    path = tmp_path / "export.csv"
    body = "Tester;Task;Result;Time (s)\r\nP1;Login;Success;30\r\nP2;Login;Fail;45\r\nP3;Login;success;60\r\n"
    path.write_bytes(("\ufeff" + body + ";;;\r\n" + tail).encode("utf-8"))
    result = cli("summary", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["task"], r["participants"], r["successes"]) for r in rows] == [("Login", 3, 2)]
    notes = [line for line in result.stderr.splitlines() if "summary row" in line]
    assert len(notes) == 1 and notes[0].startswith(f"note: {path}:6:"), result.stderr


def test_a_participant_named_like_a_word_with_a_task_is_data(cli, tmp_path):
    # "Total" with a task filled in is a participant's row, not a summary: it is counted.
    path = tmp_path / "export.csv"
    path.write_text("participant,task,outcome\nTotal,Login,success\nP2,Login,failure\n", encoding="utf-8")
    result = cli("summary", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["participants"] == 2
    assert "summary row" not in result.stderr
