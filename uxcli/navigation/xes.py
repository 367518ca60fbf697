"""XES (IEEE Std 1849-2016) export: one trace per attempt, one event per logged event.

Written with xml.etree (no process-mining library). The trace carries concept:name (participant/task/
attempt), the participant, task, condition and outcome; each event carries concept:name (its target, or
the event word when it has none), time:timestamp, org:resource (the participant), and the event word and
target as plain attributes. The extensions used are declared (Concept, Time, Organizational) with
globals and an Activity classifier, as the standard asks.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from uxcli.navigation.events import EVENTS_COLUMN

if TYPE_CHECKING:
    import pandas as pd

XES_NAMESPACE = "http://www.xes-standard.org/"
XES_VERSION = "1849.2016"  # xs:decimal in the standard's schema
EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
)
EPOCH_GUESS = 1e8  # timestamps below this (1973) are seconds from the start of a recording, not dates


def timestamp(seconds: float) -> str:
    """Seconds since 1970-01-01 UTC as an xs:dateTime with milliseconds and zone."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds")


def _attribute(parent: ET.Element, tag: str, key: str, value: object) -> None:
    ET.SubElement(parent, tag, {"key": key, "value": str(value)})


def to_xes(attempts: pd.DataFrame, name: str = "uxcli study") -> tuple[str, tuple[str, ...]]:
    """The attempts (with ``_events``) as an XES document, and notes on what the reader should know."""
    notes: list[str] = []
    log = ET.Element(
        "log", {"xes.version": XES_VERSION, "xes.features": "", "xmlns": XES_NAMESPACE}
    )  # the namespace as an attribute: ElementTree would otherwise invent a prefix
    for ext, prefix, uri in EXTENSIONS:
        ET.SubElement(log, "extension", {"name": ext, "prefix": prefix, "uri": uri})
    trace_global = ET.SubElement(log, "global", {"scope": "trace"})
    _attribute(trace_global, "string", "concept:name", "__INVALID__")
    event_global = ET.SubElement(log, "global", {"scope": "event"})
    _attribute(event_global, "string", "concept:name", "__INVALID__")
    _attribute(event_global, "date", "time:timestamp", timestamp(0))
    ET.SubElement(log, "classifier", {"name": "Activity", "keys": "concept:name"})
    _attribute(log, "string", "concept:name", name)

    events = attempts[EVENTS_COLUMN] if EVENTS_COLUMN in attempts.columns else [None] * len(attempts)
    empty, earliest = 0, math.inf
    has_session = "session" in attempts.columns
    for i, row in enumerate(attempts.itertuples(index=False)):
        trace = ET.SubElement(log, "trace")
        participant = _text(row.participant)
        _attribute(trace, "string", "concept:name", f"{participant}/{_text(row.task)}/{int(row.attempt)}")
        _attribute(trace, "string", "participant", participant)
        _attribute(trace, "string", "task", _text(row.task))
        if has_session and _text(row.session):
            _attribute(trace, "string", "session", _text(row.session))
        if _text(row.variant):
            _attribute(trace, "string", "condition", _text(row.variant))
        _attribute(trace, "string", "outcome", _text(row.outcome))
        _attribute(trace, "int", "attempt", int(row.attempt))
        if not math.isnan(float(row.time)):
            _attribute(trace, "float", "duration", float(row.time))
        own = events[i]
        if not isinstance(own, tuple) or not own:
            empty += 1
            continue
        for t, _kind, word, target in own:
            event = ET.SubElement(trace, "event")
            _attribute(event, "string", "concept:name", target or word or "event")
            _attribute(event, "date", "time:timestamp", timestamp(t))
            _attribute(event, "string", "org:resource", participant)
            if word:
                _attribute(event, "string", "event", word)
            if target:
                _attribute(event, "string", "target", target)
            earliest = min(earliest, t)
    if empty:
        notes.append(
            f"{empty} attempt{'s' if empty != 1 else ''} without logged events (from attempt tables, summaries "
            "or YAML sessions) written as traces with no events"
        )
    if earliest < EPOCH_GUESS:
        notes.append(
            "timestamps given in seconds are written as that many seconds after 1970-01-01T00:00:00Z: only "
            "their differences are meaningful"
        )
    ET.indent(log)
    text = ET.tostring(log, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", tuple(notes)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
