"""Write the malformed-input corpus and its expectations (expected.json).

Each file shows one problem `uxcli validate` must find. expected.json says, per file:

* ``summary``: exit code of ``uxcli summary FILE -f json``;
* ``line``: the line the message names (null when the problem is about the whole file);
* ``message``: text the error line (exit 1) or a warning line (exit 0) contains;
* ``validate``: exit code of ``uxcli validate FILE`` (1 with errors; 0 with warnings only);
* ``validate_only``: a note about the study design that only ``validate`` makes (summary is silent).

Run ``python tests/malformed/make_corpus.py`` after changing a case; tests/test_robustness.py
checks every file against expected.json.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

CASES: dict[str, tuple[bytes | str, dict]] = {}


def case(
    name: str,
    content: bytes | str,
    summary: int,
    line: int | None,
    message: str,
    validate: int | None = None,
    validate_only: bool = False,
):
    CASES[name] = (
        content,
        {
            "summary": summary,
            "line": line,
            "message": message,
            "validate": summary if validate is None else validate,
            "validate_only": validate_only,
        },
    )


# --- columns and files ----------------------------------------------------------------------------
case(
    "missing_column.csv",
    "Participnt,task,outcome\nP1,login,success\n",
    1,
    1,
    'no participant column for the attempt table layout (columns found: "Participnt", "task", "outcome") '
    '(did you mean "Participnt"?',
)
case("empty.csv", "", 1, None, "file is empty")
case("header_only.csv", "participant,task,outcome\n", 1, 1, "has a header row but no data rows")
case("blank_rows_only.csv", "participant;task;outcome\r\n;;\r\n;;\r\n", 1, 1, "no data rows")
case("duplicate_header.csv", "participant,task,task,outcome\nP1,a,a,yes\n", 1, 1, 'column "task" appears twice')
case(
    "ragged_rows.csv",
    "participant,task,outcome\nP1,a,yes\nP2,a,yes,oops\nP3,a,no\nP4,a\n",
    1,
    3,
    "row has a different number of fields than the header (3)",
)
case(
    "unclosed_quote.csv",
    'participant,task,outcome\nP1,a,yes\nP2,"b,yes\nP3,a,no\n',
    1,
    3,
    "a quote opened on this line is never closed",
)
case("binary_garbage.csv", bytes(range(256)) * 4, 1, 1, "looks like a binary file")
case("workbook_saved_as.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), 1, None, "spreadsheet workbook")

# --- values ---------------------------------------------------------------------------------------
case(
    "unknown_outcome.csv",
    "participant,task,outcome\nP1,a,success\nP2,a,sucess\n",
    1,
    3,
    '"sucess" is not an outcome (did you mean "success"?)',
)
case(
    "non_numeric_time.csv",
    "participant,task,outcome,time\nP1,a,yes,12.5\nP2,a,yes,1O\n",
    1,
    3,
    '"1O" is not a time in seconds',
)
case("negative_time.csv", "participant,task,outcome,time\nP1,a,yes,-5\n", 1, 2, '"-5" is a negative time')
case(
    "infinite_clicks.csv",
    "participant,task,outcome,clicks\nP1,a,yes,3\nP2,a,yes,inf\n",
    1,
    3,
    '"inf" is not a number of clicks',
)
case(
    "bad_timestamp.csv",
    "participant,task,timestamp,event\nP1,a,0,start\nP1,a,yesterday,success\n",
    1,
    3,
    '"yesterday" is not a time (seconds or ISO 8601 date-time)',
)
case(
    "mixed_timestamps.csv",
    "participant,task,timestamp,event\nP1,a,12.5,start\nP1,a,2026-11-03T10:05:18+01:00,success\n",
    1,
    3,
    "mixes timestamp formats: line 2 has a number of seconds",
)
case(
    "end_before_start.csv",
    "participant,task,timestamp,event\nP1,a,100,start\nP1,a,40,success\nP1,b,200,start\nP1,b,210,success\n",
    1,
    3,
    "end event is 60 s before its start on line 2",
)
case(
    "end_before_start_table.csv",
    "participant,task,outcome,start,end\nP1,a,yes,2026-11-03T10:00:00Z,2026-11-03T10:01:30Z\n"
    "P2,a,yes,2026-11-03T11:00:00Z,2026-11-03T10:59:00Z\n",
    1,
    3,
    "is 60 s before the start of this attempt",
)
case(
    "unknown_event.csv",
    "participant,task,timestamp,event\nP1,a,0,start\nP1,a,1,clik\nP1,a,2,success\n",
    0,
    3,
    '"clik" is not a known event kind; 1 row counted as neither click nor error (did you mean "click"?)',
)
case(
    "latin1_export.csv",
    "participant,task,outcome\nMüller,a,yes\nP2,a,no\n".encode("latin-1"),
    0,
    2,
    "is not UTF-8 (first bad byte on this line); read it as cp1252",
)

# --- rows that do not fit ---------------------------------------------------------------------------
case(
    "duplicate_events.csv",
    "participant,task,timestamp,event\nP1,a,0,start\nP1,a,0,start\nP1,a,4,click\nP1,a,9,success\n",
    0,
    3,
    "repeats the event on line 2 (same participant, task, time and event); set aside as a duplicate",
)
case(
    "overlapping_attempts.csv",
    "participant,task,timestamp,event\nP1,a,0,start\nP1,b,5,start\nP1,a,8,success\nP1,b,12,success\n",
    0,
    3,
    'participant "P1" starts task "b" while their attempt at "a" (line 2) is still running',
)
case(
    "unended_attempt.csv",
    "participant,task,timestamp,event\nP1,a,0,start\nP1,a,3,click\nP1,b,10,start\nP1,b,12,success\n",
    0,
    2,
    "attempt has no end event (success, failure or abandon); counted as abandoned",
)
case(
    "event_outside_attempt.csv",
    "participant,task,timestamp,event\nP1,a,0,click\nP1,a,1,start\nP1,a,5,success\n",
    0,
    2,
    "event is outside any attempt",
)
case(
    "double_entry.csv",
    "participant,task,outcome,time\nP1,a,yes,10\nP2,a,no,20\nP2,a,no,20\n",
    0,
    4,
    "row repeats line 3 exactly: a double entry?",
)
case(
    "retry_or_double_entry.csv",
    "participant,task,outcome,time\nP1,a,no,10\nP1,a,yes,20\nP2,a,yes,9\n",
    0,
    3,
    'participant "P1" has another row for task "a": counted as a retry (attempt 2); retry or double entry?',
    validate_only=True,
)
case(
    "variant_conflict.csv",
    "participant,variant,task,outcome\nP1,A,a,yes\nP1,B,b,yes\nP2,B,a,no\nP2,B,b,no\n",
    0,
    3,
    'participant "P1" appears with several variants',
)
case(
    "partial_task.csv",
    "participant,task,outcome\nP1,a,yes\nP1,b,yes\nP2,a,yes\nP2,b,no\nP3,a,yes\n",
    0,
    None,
    'task "b" was attempted by 2 of 3 participants (not by "P3")',
    validate_only=True,
)
case(
    "wide_repeated_participant.csv",
    "Participant,Login,Search\nP1,Y,N\nP2,Y,Y\nP1,N,N\n",
    0,
    4,
    'participant "P1" already has a row (line 2)',
)

# --- YAML -------------------------------------------------------------------------------------------
laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
for i in range(1, 12):
    laughs.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
case("billion_laughs.yaml", "\n".join(laughs) + "\nsessions: *l\n", 1, None, "YAML aliases expand to too many nodes")
case(
    "python_tag.yaml",
    "sessions:\n  - participant: !!python/object/apply:os.system ['echo pwned']\n    tasks: []\n",
    1,
    2,
    "unsupported YAML tag !!python/object/apply:os.system",
)
case(
    "yaml_bad_outcome.yaml",
    "sessions:\n  - participant: P1\n    tasks:\n      - task: a\n        outcome: maybe\n",
    1,
    4,
    '"maybe" is not an outcome',
)
case("yaml_syntax.yaml", "sessions:\n  - participant: P1\n    tasks: a: b\n", 1, 3, "invalid YAML")

# --- encodings that must simply work ------------------------------------------------------------------
case(
    "utf16_unicode_text.csv",
    codecs.BOM_UTF16_LE + "participant\ttask\toutcome\nP1\tlogin\tyes\nP2\tlogin\tno\n".encode("utf-16-le"),
    0,
    None,
    "",
)


def main() -> None:
    expected = {}
    for name, (content, expectation) in CASES.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
        expected[name] = expectation
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} files and expected.json")


if __name__ == "__main__":
    main()
