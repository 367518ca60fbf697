"""Exclusions: --exclude, exclusion files, study files; what was excluded and why is always stated."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

import uxcli
from uxcli.errors import InputError, OptionError, Problems
from uxcli.tasks.exclusions import Preparation, Rule, apply, load_exclusions, load_study, parse_rule, prepare

EVENTS = str(SAMPLES / "events.csv")


def test_parse_rule_forms():
    assert parse_rule("participant=P03,P07").conditions == {"participant": ["P03", "P07"]}
    assert parse_rule("Participant=P05&task=checkout").conditions == {"participant": ["P05"], "task": ["checkout"]}
    assert parse_rule("device = phone").conditions == {"device": ["phone"]}
    for bad in ("P03", "participant=", "=P03", "participant=P03&"):
        with pytest.raises(OptionError):
            parse_rule(bad)


def test_apply_first_rule_wins_and_reasons_are_kept():
    frame = uxcli.load([EVENTS]).attempts
    rules = [
        Rule({"participant": ["P03"]}, "fell asleep", "x.yaml:2"),
        Rule({"task": ["checkout"]}, None, "--exclude task=checkout"),
    ]
    kept, excluded = apply(frame, rules)
    assert len(kept) + len(excluded) == len(frame) == 41
    assert (kept["participant"] != "P03").all() and (kept["task"] != "checkout").all()
    reasons = excluded.groupby("_reason", sort=False).size().to_dict()
    assert reasons == {"fell asleep": 4, "--exclude task=checkout": 7}


def test_unmatched_value_is_a_warning_with_a_likely_value():
    frame = uxcli.load([EVENTS]).attempts
    problems = Problems()
    kept, excluded = apply(frame, [parse_rule("participant=p03")], problems)
    assert len(excluded) == 0
    (warning,) = problems.warnings
    assert warning.hint == 'did you mean "P03"?' and warning.column == "participant"


def test_unknown_field_is_an_error_naming_the_rule():
    frame = uxcli.load([EVENTS]).attempts
    with pytest.raises(OptionError) as info:
        apply(frame, [parse_rule("partcipant=P03")])
    assert "--exclude partcipant=P03" in str(info.value) and 'did you mean "participant"' in str(info.value)


def test_exclusion_file(tmp_path):
    path = tmp_path / "exclusions.yaml"
    path.write_text(
        "# kept with the study\nexclude:\n  - participant: P03\n    reason: fell asleep\n"
        "  - participant: [P05, P07]\n    task: checkout\n    reason: prototype crashed\n",
        encoding="utf-8",
    )
    rules = load_exclusions(path)
    assert [(r.conditions, r.reason, r.origin) for r in rules] == [
        ({"participant": ["P03"]}, "fell asleep", f"{path}:3"),
        ({"participant": ["P05", "P07"], "task": ["checkout"]}, "prototype crashed", f"{path}:5"),
    ]


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("exclude: P03\n", 1, "must be a list"),
        ("exclude:\n  - P03\n", 1, "must be a mapping"),
        ("exclude:\n  - reason: why\n", 2, "names no field"),
        ("exclude:\n  - participant: {a: 1}\n", 2, "wants a value"),
        ("other: 1\n", 1, "no exclude: list"),
        ("exclude: [\n", 2, "invalid YAML"),
    ],
)
def test_bad_exclusion_files_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_exclusions(path)
    assert info.value.problem.line == line and message in info.value.problem.message


def test_study_file_columns_rules_quality_tasks(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(
        "study:\n  name: Checkout\n  tasks: [find-product, checkout]\n"
        'columns:\n  "Tester ID": participant\n  Mission: task\n'
        "exclude:\n  - participant: P03\n    reason: no-show\n"
        "quality:\n  speeders: 5\n  cap_idle: true\n  idle_gap: 60\n",
        encoding="utf-8",
    )
    study = load_study(path)
    assert study.columns == {"Tester ID": "participant", "Mission": "task"}
    assert study.tasks == ["find-product", "checkout"]
    assert study.rules[0].reason == "no-show"
    assert (study.quality.speeders, study.quality.idle_gap, study.quality.cap_idle) == (5.0, 60.0, True)


def test_study_file_unknown_field(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text('columns:\n  "Tester ID": partcipant\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_study(path)
    assert 'did you mean "participant"' in str(info.value)


def test_sample_study_yaml_works_as_study_file():
    study = load_study(SAMPLES / "layouts" / "study.yaml")
    assert study.tasks == ["find-product", "add-to-cart", "apply-coupon", "change-address", "checkout"]


def test_prepare_counts_add_up():
    dataset = prepare(uxcli.load([EVENTS]), Preparation(rules=[parse_rule("participant=P03,P07")]))
    assert dataset.attempts_read == 41
    assert len(dataset.attempts) + len(dataset.excluded) == 41
    assert len(dataset.excluded) == 4 + 6
    assert dataset.notes == ["Excluded 10 attempts of participant P03, P07 (--exclude participant=P03,P07)."]
    table = dataset.excluded_table()
    assert list(table.columns[-2:]) == ["source", "reason"]
    assert table["source"].iloc[0].startswith(f"{EVENTS}:")


# --- through the CLI -----------------------------------------------------------------------------


def test_exclude_on_the_command_line(cli):
    result = cli("summary", EVENTS, "-f", "json", "--exclude", "participant=P03,P07", "--by", "participant")
    assert result.exit_code == 0
    assert [r["participant"] for r in json.loads(result.stdout)] == ["P01", "P02", "P04", "P05", "P06", "P08"]
    assert result.stderr == ("note: Excluded 10 attempts of participant P03, P07 (--exclude participant=P03,P07).\n")


def test_exclusions_file_reason_in_the_table_caption(cli, tmp_path):
    rules = tmp_path / "exclusions.yaml"
    rules.write_text("exclude:\n  - participant: P03\n    reason: fell asleep\n", encoding="utf-8")
    out = tmp_path / "summary.txt"
    assert cli("summary", EVENTS, "--exclusions", rules, "-o", out).exit_code == 0
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "41 attempts: 37 analysed, 4 excluded" in text
    assert f"Excluded 4 attempts of participant P03: fell asleep ({rules}:2)." in text


def test_study_file_maps_columns_of_another_tool(cli, tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text('columns:\n  "Tester ID": participant\n  "Mission": task\n  "Result": outcome\n', encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text("Tester ID,Mission,Result,Duration (s)\nP1,a,Success,20\nP2,a,Fail,30\n", encoding="utf-8")
    rows = json.loads(cli("summary", export, "--study", study, "-f", "json").stdout)
    assert (rows[0]["task"], rows[0]["attempts"], rows[0]["successes"]) == ("a", 2, 1)


def test_exclude_by_any_column_and_attempt(cli, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "participant,task,outcome,device\nP1,a,no,phone\nP1,a,yes,phone\nP2,a,yes,laptop\n", encoding="utf-8"
    )
    rows = json.loads(cli("attempts", path, "-f", "json", "--exclude", "device=phone").stdout)
    assert [r["participant"] for r in rows] == ["P2"]
    rows = json.loads(cli("attempts", path, "-f", "json", "--exclude", "participant=P1&attempt=1").stdout)
    assert [(r["participant"], r["attempt"]) for r in rows] == [("P1", 2), ("P2", 1)]


def test_unmatched_exclusion_warns_and_strict_fails(cli):
    result = cli("summary", EVENTS, "-f", "json", "--exclude", "participant=P3")
    assert result.exit_code == 0
    assert (
        'warning: column "participant": "P3" matches no attempt (--exclude participant=P3) '
        '(did you mean "P03"?)' in result.stderr
    )
    assert cli("summary", EVENTS, "-f", "json", "--exclude", "participant=P3", "--strict").exit_code == 1


def test_bad_exclude_is_a_usage_error(cli):
    result = cli("summary", EVENTS, "--exclude", "P03")
    assert result.exit_code == 2 and "--exclude wants FIELD=VALUE" in result.stderr


def test_exclusions_from_a_yaml_data_files_study_section(cli, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "study:\n  exclude:\n    - participant: P2\n      reason: pilot\n"
        "sessions:\n  - participant: P1\n    tasks:\n      - {task: a, outcome: success}\n"
        "  - participant: P2\n    tasks:\n      - {task: a, outcome: failure}\n",
        encoding="utf-8",
    )
    result = cli("summary", path, "-f", "json")
    assert json.loads(result.stdout)[0]["attempts"] == 1
    assert "Excluded 1 attempt of participant P2: pilot" in result.stderr
