"""Outcome words researchers use (issue 13): assisted, partial, not attempted, time-outs, and recoding.

Coding (stated in the README): a time-out and a partial completion are failures, giving up is an abandon
(Sauro & Lewis, Quantifying the User Experience, 2nd ed., 2016, ch. 4); an assisted completion is its own
count, a failure in the success rate unless --assisted success; not attempted rows are no attempts.
Success intervals are checked against the adjusted Wald interval computed here with scipy (Sauro & Lewis
2005; Agresti & Coull 1998).
"""

from __future__ import annotations

import csv
import io
import math

import pytest
from scipy import stats as sps

from uxcli.errors import OptionError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read
from uxcli.tasks.metrics import summarize
from uxcli.vocab import outcome_for, parse_recode


def adjusted_wald(x: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    z = sps.norm.ppf(1 - (1 - confidence) / 2)
    n_adj = n + z * z
    p_adj = (x + z * z / 2) / n_adj
    half = z * math.sqrt(p_adj * (1 - p_adj) / n_adj)
    return max(0.0, p_adj - half), min(1.0, p_adj + half)


@pytest.mark.parametrize(
    "word,category",
    [
        ("Completed with help", "assisted"),
        ("Succeeded with assistance", "assisted"),
        ("with help", "assisted"),
        ("ASSISTED", "assisted"),
        ("Success (assisted)", "assisted"),
        ("completed, with help.", "assisted"),
        ("Partial", "failure"),
        ("Partially completed", "failure"),
        ("Incomplete", "failure"),
        ("Timed out", "failure"),
        ("Time-out", "failure"),
        ("time out", "failure"),
        ("Gave up", "abandon"),
        ("Abandoned", "abandon"),
        ("Not attempted", "not attempted"),
        ("N/A", "not attempted"),
        ("n/a", "not attempted"),
        ("NA", "not attempted"),
        ("-", "not attempted"),
        ("—", "not attempted"),
        ("Skipped", "not attempted"),
        ("  success  ", "success"),
        ("Réussi", None),  # not a word uxcli knows: recode it
    ],
)
def test_outcome_words(word, category):
    assert outcome_for(word) == category


def test_accents_are_compared_in_nfc():
    nfd, nfc = "Re\u0301ussi", "R\u00e9ussi"
    recode = parse_recode([f"{nfc}=success"])
    assert outcome_for(nfd, recode) == "success"


def test_parse_recode_refuses_unknown_categories_and_bad_entries():
    with pytest.raises(OptionError, match="not an outcome category"):
        parse_recode(["Done=great"])
    with pytest.raises(OptionError, match="WORD=CATEGORY"):
        parse_recode(["assisted"])
    assert parse_recode(["With Help=Not-Attempted"]) == {"with help": "not attempted"}


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SHAPES = [
    # (file name, text): the same study in several spellings, headers, cases and delimiters
    (
        "a.csv",
        "participant,task,outcome,time\n"
        "P1,T1,Completed with help,30\nP2,T1,success,20\nP3,T1,N/A,\nP4,T1,-,\n"
        "P5,T1,Timed out,100\nP6,T1,Gave up,50\nP7,T1,Partial,40\nP8,T1,success,25\n",
    ),
    (
        "b.tsv",
        "Tester ID\tTask name\tResult\tTime (s)\n"
        "p1\tT1\tSUCCEEDED WITH ASSISTANCE\t30\np2\tT1\tCompleted\t20\np3\tT1\tNot attempted\t\n"
        "p4\tT1\tskipped\t\np5\tT1\tTime out\t100\np6\tT1\tgave_up\t50\np7\tT1\tPartially completed\t40\n"
        "p8\tT1\tpass\t25\n",
    ),
    (
        "c.csv",
        "user;task;status;duration\n"
        "U1;T1;assisted;30\nU2;T1;yes;20\nU3;T1;n/a;\nU4;T1;—;\nU5;T1;timed out;100\nU6;T1;Abandoned;50\n"
        "U7;T1;incomplete;40\nU8;T1;Success;25\n",
    ),
]


@pytest.mark.parametrize("name,text", SHAPES)
def test_summary_counts_assisted_apart_and_not_attempted_in_a_note(cli, tmp_path, name, text):
    path = write(tmp_path, name, text)
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    # 8 rows, 2 not attempted: 6 attempts; 2 successes, 1 assisted, 2 failures (time-out, partial), 1 abandon
    counts = {k: int(row[k]) for k in ("attempts", "participants", "successes", "failures", "abandons", "assisted")}
    assert counts == {
        "attempts": 6,
        "participants": 6,
        "successes": 2,
        "failures": 2,
        "abandons": 1,
        "assisted": 1,
    }
    assert float(row["success_rate"]) == pytest.approx(2 / 6)
    low, high = adjusted_wald(2, 6)
    assert (float(row["success_ci_low"]), float(row["success_ci_high"])) == (
        pytest.approx(low, abs=1e-6),
        pytest.approx(high, abs=1e-6),
    )
    assert "2 rows marked not attempted" in result.stderr
    assert "were not counted as attempts" in result.stderr
    assert "1 assisted attempt" in result.stderr


def test_assisted_success_option_counts_them_in_the_rate(cli, tmp_path):
    path = write(tmp_path, SHAPES[0][0], SHAPES[0][1])
    result = cli("summary", path, "--format", "csv", "--assisted", "success")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (int(row["successes"]), int(row["assisted"])) == (2, 1)
    assert float(row["success_rate"]) == pytest.approx(3 / 6)
    low, high = adjusted_wald(3, 6)
    assert float(row["success_ci_low"]) == pytest.approx(low, abs=1e-6)
    assert float(row["success_ci_high"]) == pytest.approx(high, abs=1e-6)


def test_assisted_caption_in_the_table(cli, tmp_path):
    path = write(tmp_path, SHAPES[0][0], SHAPES[0][1])
    result = cli("summary", path, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "1 assisted completion counted as failures" in " ".join(result.stdout.split())


def test_library_summarize_assisted_modes():
    import pandas as pd

    from uxcli.tasks.attempts import OUTCOME_DTYPE

    frame = pd.DataFrame(
        {
            "participant": ["P1", "P2", "P3", "P4"],
            "task": "T",
            "attempt": 1,
            "outcome": pd.Categorical(["success", "assisted", "assisted", "failure"], dtype=OUTCOME_DTYPE),
            "time": [10.0, 20.0, 40.0, 80.0],
            "clicks": float("nan"),
            "errors": float("nan"),
        }
    )
    failure = summarize(frame, ["task"]).iloc[0]
    success = summarize(frame, ["task"], assisted="success").iloc[0]
    assert (failure["successes"], failure["assisted"], failure["success_rate"]) == (1, 2, 0.25)
    assert success["success_rate"] == 0.75
    # completion times: the unaided success only by default; assisted ones too with assisted="success"
    assert failure["time_geomean"] == pytest.approx(10.0)
    assert success["time_geomean"] == pytest.approx(sps.gmean([10.0, 20.0, 40.0]))


def test_recode_option_and_study_file(cli, tmp_path):
    path = write(tmp_path, "r.csv", "participant,task,outcome\nP1,T1,Réussi\nP2,T1,Réussi\nP3,T1,Échec\nP4,T1,N/A\n")
    result = cli("summary", path, "--format", "csv", "--outcome", "Réussi=success", "--outcome", "échec=failure")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (int(row["successes"]), int(row["failures"]), int(row["attempts"])) == (2, 1, 3)
    study = write(tmp_path, "study.yaml", 'outcomes:\n  "Réussi": success\n  "Échec": failure\n  N/A: failure\n')
    result = cli("summary", path, "--format", "csv", "--study", study)
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (int(row["successes"]), int(row["failures"]), int(row["attempts"])) == (2, 2, 4)
    assert "not attempted" not in result.stderr


def test_bad_recode_category_is_a_usage_error(cli, tmp_path):
    path = write(tmp_path, "r.csv", "participant,task,outcome\nP1,T1,success\n")
    result = cli("summary", path, "--outcome", "Done=great")
    assert result.exit_code == 2
    assert "not an outcome category" in result.stderr
    assert result.stdout == ""


def test_unknown_word_is_one_error_per_label_with_count_lines_and_a_hint(cli, tmp_path):
    rows = "".join(f"P{i},T1,{'Réussi' if i % 2 else 'success'}\n" for i in range(1, 13))
    path = write(tmp_path, "u.csv", "participant,task,outcome\n" + rows)
    result = cli("validate", path, "--format", "csv")
    assert result.exit_code == 1
    problems = list(csv.DictReader(io.StringIO(result.stdout)))
    errors = [p for p in problems if p["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["message"] == '"Réussi" is not an outcome (6 rows, lines 2, 4, 6, 8, 10, …)'
    assert '--outcome "Réussi=success"' in errors[0]["hint"]
    result = cli("summary", path, "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f'error: {path}:2: column "outcome": "Réussi" is not an outcome (6 rows')
    assert "--outcome" in result.stderr


def test_yaml_assisted_not_attempted_and_recode(cli, tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "sessions:\n"
        "  - participant: P1\n    tasks:\n      - {task: T1, outcome: Completed with help, time: 30}\n"
        "  - participant: P2\n    tasks:\n      - {task: T1, outcome: N/A}\n"
        "  - participant: P3\n    tasks:\n      - {task: T1, outcome: Réussi, time: 20}\n",
    )
    result = cli("summary", path, "--format", "csv", "--outcome", "Réussi=success")
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (int(row["attempts"]), int(row["successes"]), int(row["assisted"])) == (2, 1, 1)
    assert "1 task marked not attempted" in result.stderr


def test_yaml_labels_are_nfc(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "sessions:\n"
        '  - participant: P1\n    tasks:\n      - {task: "cafe\u0301", outcome: success}\n'
        '  - participant: P2\n    tasks:\n      - {task: "caf\u00e9", outcome: success}\n',
    )
    attempts = read(ReadOptions((path,))).attempts
    assert list(attempts["task"].astype(str).unique()) == ["caf\u00e9"]


def test_event_log_summary_still_streams_with_four_outcome_codes(cli, tmp_path):
    lines = ["participant,task,event,timestamp"]
    for i in range(1, 5):
        lines += [f"P{i},T1,start,0", f"P{i},T1,{'success' if i < 4 else 'gave up'},{10 * i}"]
    path = write(tmp_path, "e.csv", "\n".join(lines) + "\n")
    for engine in ("whole", "stream"):
        result = cli("summary", path, "--format", "csv", "--engine", engine)
        assert result.exit_code == 0, result.stderr
        (row,) = csv.DictReader(io.StringIO(result.stdout))
        assert (int(row["successes"]), int(row["abandons"]), int(row["assisted"])) == (3, 1, 0)
        assert float(row["time_geomean"]) == pytest.approx(sps.gmean([10, 20, 30]))
