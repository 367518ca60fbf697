"""uxcli.load / uxcli.read: layout detection, the four readers, typed errors with locations."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DATA, SAMPLES

import uxcli
from uxcli.errors import InputError, OptionError
from uxcli.readers.options import ReadOptions
from uxcli.readers.read import read as read_options
from uxcli.tasks.attempts import ATTEMPT_COLUMNS


def read(paths, **options):
    """read() on ReadOptions built from keywords, as the tests below spell it."""
    return read_options(ReadOptions(tuple(paths), **options))


def load(path, **kw):
    return uxcli.load([str(path)], **kw)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def error_of(path, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        load(path, **kw)
    return info.value


@pytest.mark.parametrize(
    "path,layout",
    [
        ("events.csv", "events"),
        ("layouts/attempts.csv", "attempts"),
        ("layouts/wide.csv", "wide"),
        ("layouts/study.yaml", "yaml"),
        ("messy/attempts_excel_eu.csv", "attempts"),
        ("messy/tool_export.csv", "attempts"),
    ],
)
def test_layout_detection(path, layout):
    data = load(SAMPLES / path)
    assert [f.layout for f in data.files] == [layout]
    assert list(data.attempts.columns[: len(ATTEMPT_COLUMNS)]) == ATTEMPT_COLUMNS


def test_attempts_frame_dtypes():
    frame = load(SAMPLES / "events.csv").attempts
    assert frame["attempt"].dtype == np.int64
    for column in ("time", "clicks", "errors"):
        assert frame[column].dtype == np.float64
    assert set(frame["outcome"].astype(str)) == {"success", "failure", "abandon"}
    assert list(frame["task"].cat.categories) == [
        "find-product",
        "add-to-cart",
        "apply-coupon",
        "change-address",
        "checkout",
    ]


def test_layout_override_is_used():
    # an attempt table read as an event log has no timestamp column: named in the error
    err = error_of(SAMPLES / "layouts" / "attempts.csv", layout="events")
    assert err.problem.line == 1 and "timestamp" in err.problem.message


def test_layout_override_yaml_for_suffixless_stdin_like_source(tmp_path):
    text = (DATA / "v1_session.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "session.data", text)
    data = load(path, layout="yaml")
    assert len(data.attempts) == 3 and data.files[0].layout == "yaml"


def test_unknown_layout_is_an_option_error():
    with pytest.raises(OptionError):
        load(SAMPLES / "events.csv", layout="matrix")


def test_directory_reads_only_top_level_data_files():
    data = uxcli.load([str(SAMPLES)])
    assert [f.name for f in data.files] == [str(SAMPLES / "events.csv")]
    assert len(data.attempts) == 41


def test_row_accounting_for_events():
    data = load(DATA / "v1_events_edge.csv")
    assert data.rows_read == 18
    assert data.rows_used == 16
    assert data.files[0].account.set_aside == {"event outside any attempt": 2}
    assert [p.line for p in data.problems.warnings] == [2, 12, 13]


def test_blank_rows_set_aside():
    data = load(DATA / "v1_excel_habits.csv")
    assert len(data.attempts) == 4
    assert data.files[0].account.set_aside == {"blank row": 1}  # the ';;;;' row


def test_extra_columns_are_kept_and_groupable(tmp_path):
    path = write(
        tmp_path, "a.csv", "participant,task,outcome,device\n P1 ,a,yes,phone\nP1,a,no,desktop\nP2,b,yes,phone\n"
    )
    data = load(path)
    assert "device" in data.attempts.columns
    assert list(data.attempts["participant"].astype(str)) == ["P1", "P1", "P2"]  # whitespace stripped
    assert list(data.attempts["attempt"]) == [1, 2, 1]  # repeated rows are retries
    table = uxcli.summarize(data.attempts, by=["device"])
    assert list(table["device"].astype(str)) == ["phone", "desktop"]
    assert list(table["attempts"]) == [2, 1]


def test_quoted_newline_keeps_line_numbers(tmp_path):
    path = write(tmp_path, "a.csv", 'participant,task,outcome\nP1,"two\nlines",yes\nP2,a,maybe\n')
    err = error_of(path)
    assert (err.problem.file, err.problem.line, err.problem.column) == (str(path), 4, "outcome")


def test_duplicate_header_is_an_error(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,task,outcome\nP1,a,a,yes\n")
    err = error_of(path)
    assert err.problem.line == 1 and '"task"' in err.problem.message


def test_error_carries_file_line_column_value(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome,time\nP1,a,yes,1:00\nP2,a,yes,10:6O\n")
    err = error_of(path)
    p = err.problem
    assert (p.file, p.line, p.column, p.value) == (str(path), 3, "time", "10:6O")
    assert str(err).startswith(f'{path}:3: column "time": "10:6O"')


def test_read_collects_errors_instead_of_raising(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome\nP1,a,maybe\nP2,a,perhaps\nP3,a,yes\n")
    data = read([str(path)])
    assert [p.line for p in data.problems.errors] == [2, 3]


def test_negative_clicks_reported(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome,clicks\nP1,a,yes,-1\n")
    err = error_of(path)
    assert (err.problem.line, err.problem.column) == (2, "clicks")


@pytest.mark.parametrize("value", ["inf", "nan", "NaN", "1e400"])
def test_non_finite_counts_are_errors(tmp_path, value):
    path = write(tmp_path, "a.csv", f"participant,task,outcome,clicks\nP1,a,yes,3\nP2,a,yes,{value}\n")
    err = error_of(path)
    assert (err.problem.line, err.problem.column) == (3, "clicks")


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_non_finite_timestamps_are_errors(tmp_path, value):
    path = write(tmp_path, "e.csv", f"participant,task,timestamp,event\nP1,a,{value},start\nP1,a,5,success\n")
    err = error_of(path)
    assert (err.problem.line, err.problem.column) == (2, "timestamp")


def test_empty_participant_is_an_error(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome\nP1,a,yes\n,a,no\n")
    err = error_of(path)
    assert (err.problem.line, err.problem.column) == (3, "participant")


def test_empty_outcome_is_a_warning_and_not_counted(tmp_path):
    path = write(tmp_path, "a.csv", "participant,task,outcome\nP1,a,yes\nP2,a,\n")
    data = load(path)
    assert len(data.attempts) == 1
    assert [(p.line, p.column) for p in data.problems.warnings] == [(3, "outcome")]


# --- wide --------------------------------------------------------------------------------------


def test_wide_rows_and_tasks():
    data = load(DATA / "v1_wide_yn.csv")
    frame = data.attempts
    assert list(frame["task"].cat.categories) == ["Login", "Search", "Checkout"]
    assert len(frame) == 10  # 12 cells, 2 empty
    assert frame["time"].isna().all() and frame["clicks"].isna().all()


def test_wide_unknown_cell_is_an_error(tmp_path):
    path = write(tmp_path, "w.csv", "participant,Login,Search\nP1,Y,N\nP2,Y,maybe\n")
    err = error_of(path)
    assert (err.problem.line, err.problem.column) == (3, "Search")


# --- YAML --------------------------------------------------------------------------------------


def test_yaml_study_metadata_and_responses():
    data = load(SAMPLES / "layouts" / "study.yaml")
    assert data.study["name"].startswith("Checkout redesign")
    assert set(data.study["tasks"]) == {"find-product", "add-to-cart", "apply-coupon", "change-address", "checkout"}
    assert len(data.attempts) == 41


def test_yaml_outcome_booleans_and_clock_times(tmp_path):
    path = write(
        tmp_path,
        "s.yml",
        "sessions:\n"
        "  - participant: P1\n    tasks:\n"
        "      - {task: a, outcome: yes, time: 1:05}\n"
        "      - {task: b, outcome: no, time: '0:01:10'}\n"
        "      - {task: c, outcome: gave up, time: 12.5}\n",
    )
    frame = load(path).attempts
    assert list(frame["outcome"].astype(str)) == ["success", "failure", "abandon"]
    assert list(frame["time"]) == [65.0, 70.0, 12.5]


def test_yaml_events_with_iso_times(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "participant: P1\ntasks:\n  - task: a\n    events:\n"
        "      - {at: '2026-11-03T10:00:00+01:00', event: start}\n"
        "      - {at: '2026-11-03T09:00:07Z', event: click}\n"
        "      - {at: '2026-11-03T04:00:12-05:00', event: success}\n",
    )
    frame = load(path).attempts
    assert list(frame["time"]) == [12.0]
    assert list(frame["clicks"]) == [1.0]


def test_yaml_bad_outcome_names_line(tmp_path):
    path = write(
        tmp_path,
        "s.yaml",
        "sessions:\n  - participant: P1\n    tasks:\n      - task: a\n"
        "        outcome: success\n      - task: b\n        outcome: maybe\n",
    )
    err = error_of(path)
    assert (err.problem.file, err.problem.line, err.problem.column) == (str(path), 6, "outcome")


def test_yaml_without_sessions_is_an_error(tmp_path):
    path = write(tmp_path, "s.yaml", "study:\n  name: x\n")
    err = error_of(path)
    assert "sessions" in err.problem.message


def test_yaml_unsafe_tag_is_refused(tmp_path):
    path = write(tmp_path, "s.yaml", "participant: !!python/object/apply:os.getcwd []\ntasks: []\n")
    err = error_of(path)
    assert err.problem.file == str(path) and "YAML" in err.problem.message


def test_yaml_billion_laughs_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("participant: P1\ntasks: []")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    err = error_of(path)
    assert "too many" in err.problem.message
