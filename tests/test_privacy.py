"""--pseudonymize: stable salted codes in every output, no participant id left behind."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pandas as pd
from conftest import SAMPLES

from uxcli.tasks.privacy import Pseudonymizer

EVENTS = str(SAMPLES / "events.csv")
IDS = [f"P0{i}" for i in range(1, 9)]


def test_code_is_salted_hmac_sha256():
    expected = "p-" + hmac.new(b"s3cret", b"P03", hashlib.sha256).hexdigest()[:6]
    assert Pseudonymizer("s3cret").code("P03") == expected


def test_same_salt_same_code_other_salt_other_code():
    assert Pseudonymizer("a").code("P03") == Pseudonymizer("a").code("P03")
    assert Pseudonymizer("a").code("P03") != Pseudonymizer("b").code("P03")
    assert re.fullmatch(r"p-[0-9a-f]{6}", Pseudonymizer("a").code("P03"))


def test_without_salt_codes_are_random_per_run():
    first, second = Pseudonymizer(None), Pseudonymizer(None)
    assert first.random_salt and first.code("P03") != second.code("P03")


def test_collisions_get_longer_codes():
    p = Pseudonymizer("k")
    ids = [f"user{i}" for i in range(20_000)]  # 20k ids in 16M codes: some 6-digit codes collide
    codes = p.learn(ids)
    assert len(set(codes.values())) == len(ids)
    assert any(len(c) == 14 for c in codes.values()) and all(len(c) in (8, 14) for c in codes.values())


def test_frame_and_text():
    p = Pseudonymizer("k")
    frame = pd.DataFrame({"participant": pd.Categorical(["P1", "P2", "P1"]), "task": ["a", "b", "c"]})
    out = p.frame(frame)
    assert list(out["participant"]) == [p.code("P1"), p.code("P2"), p.code("P1")]
    assert isinstance(out["participant"].dtype, pd.CategoricalDtype)
    assert frame["participant"].tolist() == ["P1", "P2", "P1"]  # the input is left alone
    assert p.text('participant "P1" and "P10" and P1') == f'participant "{p.code("P1")}" and "P10" and P1'


def test_summary_by_participant(cli):
    result = cli("summary", EVENTS, "-f", "json", "--by", "participant", "--pseudonymize", "--salt", "k")
    rows = json.loads(result.stdout)
    assert [r["participant"] for r in rows] == [Pseudonymizer("k").code(i) for i in IDS]
    assert "pseudonymized" in result.stderr


def test_codes_are_stable_across_files_and_runs(cli):
    a = json.loads(cli("attempts", EVENTS, "-f", "json", "--pseudonymize", "--salt", "k").stdout)
    b = json.loads(
        cli("attempts", SAMPLES / "layouts" / "attempts.csv", "-f", "json", "--pseudonymize", "--salt", "k").stdout
    )
    assert [r["participant"] for r in a] == [r["participant"] for r in b]


def test_salt_from_environment(cli, monkeypatch):
    monkeypatch.setenv("UXCLI_SALT", "k")
    rows = json.loads(cli("attempts", EVENTS, "-f", "json", "--pseudonymize").stdout)
    assert rows[0]["participant"] == Pseudonymizer("k").code("P01")


def test_random_salt_is_announced(cli, monkeypatch):
    monkeypatch.delenv("UXCLI_SALT", raising=False)
    result = cli("attempts", EVENTS, "-f", "csv", "--pseudonymize")
    assert "random salt" in result.stderr and "--salt" in result.stderr


def test_no_raw_id_in_any_output(cli, tmp_path):
    options = ["--pseudonymize", "--salt", "k", "--partial", "--speeders", "40", "--exclude", "participant=P02"]
    for command in (["summary", "--by", "participant,task"], ["attempts"]):
        for fmt in ("csv", "json", "markdown"):
            result = cli(*command, EVENTS, "-f", fmt, *options)
            assert result.exit_code == 0, result.stderr
            for raw in IDS:
                assert raw not in result.stdout and raw not in result.stderr, (command, fmt, raw)
        out = tmp_path / "t.txt"
        assert cli(*command, EVENTS, "-o", out, "-f", "table", *options).exit_code == 0
        assert not any(raw in out.read_text(encoding="utf-8") for raw in IDS)


def test_exclusion_rules_may_use_codes(cli):
    code = Pseudonymizer("k").code("P03")
    result = cli(
        "summary",
        EVENTS,
        "-f",
        "json",
        "--pseudonymize",
        "--salt",
        "k",
        "--exclude",
        f"participant={code}",
        "--by",
        "participant",
    )
    assert code not in [r["participant"] for r in json.loads(result.stdout)]
    assert f"Excluded 4 attempts of participant {code}" in result.stderr


def test_strict_error_is_pseudonymized_too(cli):
    result = cli(
        "summary",
        SAMPLES.parent / "tests" / "malformed" / "variant_conflict.csv",
        "--strict",
        "--pseudonymize",
        "--salt",
        "k",
        "-f",
        "csv",
    )
    assert result.exit_code == 1
    assert '"P1"' not in result.stderr and f'"{Pseudonymizer("k").code("P1")}"' in result.stderr
