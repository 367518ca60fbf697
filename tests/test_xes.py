"""XES export (uxcli export --format xes): IEEE Std 1849-2016.

The output is validated against the standard's XML schema (tests/data/xes/xes-ieee-1849-2016.xsd, the
schema text published at xes-standard.org, which has no target namespace: it is applied to the XES
namespace as a chameleon schema, as process-mining libraries do) and parsed back event by event.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

xmlschema = pytest.importorskip("xmlschema")

SCHEMA = Path(__file__).resolve().parent / "data" / "xes" / "xes-ieee-1849-2016.xsd"
NS = {"x": "http://www.xes-standard.org/"}

LOG = (
    "participant,condition,task,timestamp,event,target\n"
    "P1,A,login,2026-11-03T10:00:00Z,start,home\n"
    "P1,A,login,2026-11-03T10:00:05.250Z,click,login\n"
    "P1,A,login,2026-11-03T10:00:09Z,click,done\n"
    "P1,A,login,2026-11-03T10:00:10Z,success,\n"
    "P2,B,login,2026-11-03T10:01:00Z,start,home\n"
    "P2,B,login,2026-11-03T10:01:04Z,click,help\n"
    "P2,B,login,2026-11-03T10:01:30Z,abandon,\n"
    "P2,B,search,2026-11-03T10:02:00Z,start,\n"
    "P2,B,search,2026-11-03T10:02:07Z,success,\n"
)


@pytest.fixture
def exported(cli, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    result = cli("export", log, "--format", "xes")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_validates_against_the_xes_schema(exported) -> None:
    schema = xmlschema.XMLSchema(str(SCHEMA), namespace=NS["x"])
    schema.validate(exported)  # raises on any violation
    broken = exported.replace("<trace>", "<trace><bogus/>", 1)
    assert not schema.is_valid(broken)  # the check can fail


def _value(element: ET.Element, key: str) -> str | None:
    found = element.find(f"*[@key='{key}']")
    return None if found is None else found.get("value")


def test_every_event_round_trips(exported) -> None:
    root = ET.fromstring(exported)
    traces = root.findall("x:trace", NS)
    assert [_value(t, "concept:name") for t in traces] == ["P1/login/1", "P2/login/1", "P2/search/1"]
    assert [_value(t, "outcome") for t in traces] == ["success", "abandon", "success"]
    assert [_value(t, "condition") for t in traces] == ["A", "B", "B"]
    written = [
        (_value(t, "participant"), _value(e, "concept:name"), datetime.fromisoformat(_value(e, "time:timestamp")))
        for t in traces
        for e in t.findall("x:event", NS)
    ]
    rows = list(csv.DictReader(io.StringIO(LOG)))
    expected = [
        (r["participant"], r["target"] or r["event"], datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")))
        for r in rows
    ]
    assert len(written) == len(rows)
    assert written == expected
    resources = {_value(e, "org:resource") for e in root.iter(f"{{{NS['x']}}}event")}
    assert resources == {"P1", "P2"}


def test_seconds_and_attempt_tables_are_said(cli, tmp_path) -> None:
    log = tmp_path / "seconds.csv"
    log.write_text("participant,task,timestamp,event\nP1,a,0,start\nP1,a,12.5,success\n", encoding="utf-8")
    table = tmp_path / "attempts.csv"
    table.write_text("participant,task,outcome,time\nP9,b,success,30\n", encoding="utf-8")
    result = cli("export", log, table, "--format", "xes")
    assert result.exit_code == 0, result.stderr
    assert "1970-01-01" in result.stderr and "1 attempt without logged events" in result.stderr
    root = ET.fromstring(result.stdout)
    stamps = [_value(e, "time:timestamp") for e in root.iter(f"{{{NS['x']}}}event")]
    assert stamps == ["1970-01-01T00:00:00.000+00:00", "1970-01-01T00:00:12.500+00:00"]
    xmlschema.XMLSchema(str(SCHEMA), namespace=NS["x"]).validate(result.stdout)
