"""Excel in and out (issue #13): .xlsx inputs read as the CSV readers read the same table, typed .xlsx
output, and the European-Excel CSV dialect (semicolons, decimal commas, UTF-8 BOM, CRLF).

Every workbook is built here with openpyxl from a CSV file of the repository, numbers typed as numbers
and dates as dates, so each test compares uxcli's output on the workbook with its output on the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import DATA, SAMPLES

from uxcli.errors import OptionError
from uxcli.render.formats import Format


def typed(text: str):
    """A CSV cell as Excel would hold it: a number, a date-time, or text."""
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return when.replace(tzinfo=None)  # Excel has no time zones: the wall-clock time (one zone per file here)


def workbook(csv_path: Path, target: Path, *, sheets: tuple[str, ...] = ("Data",), data_sheet: str = "Data") -> Path:
    """An .xlsx holding the CSV's rows (typed) on ``data_sheet``; the other ``sheets`` hold a note each."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in sheets:
        sheet = book.create_sheet(name)
        if name == data_sheet:
            with open(csv_path, encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    sheet.append([typed(cell) for cell in row])
        else:
            sheet.append(["Study notes", "exported from the lab"])
    book.save(target)
    return target


def output_json(cli, *args) -> list | dict:
    result = cli(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def numbers_equal(left, right) -> None:
    """Same rows, same keys, same text; numbers equal to 1e-9 relative (Excel's cells are doubles)."""
    if isinstance(left, dict):
        assert isinstance(right, dict) and list(left) == list(right)
        for key in left:
            numbers_equal(left[key], right[key])
    elif isinstance(left, list):
        assert isinstance(right, list) and len(left) == len(right)
        for a, b in zip(left, right):
            numbers_equal(a, b)
    elif isinstance(left, float) and not isinstance(right, bool):
        assert right == pytest.approx(left, rel=1e-9, abs=1e-9)
    else:
        assert left == right


# --- reading ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "layouts/attempts.csv",  # an attempt table: numbers in time, clicks, errors
        "layouts/wide.csv",  # a wide matrix of Y/N
        "events.csv",  # an event log: timestamps become date-time cells
    ],
)
def test_workbook_reads_as_its_csv(cli, tmp_path, name):
    source = SAMPLES / name
    book = workbook(source, tmp_path / "study.xlsx")
    cell = openpyxl.load_workbook(book)["Data"]["B2"].value
    assert cell is not None
    numbers_equal(output_json(cli, "summary", book), output_json(cli, "summary", source))


def test_event_log_cells_are_datetimes(tmp_path):
    book = workbook(SAMPLES / "events.csv", tmp_path / "events.xlsx")
    assert isinstance(openpyxl.load_workbook(book)["Data"]["E2"].value, dt.datetime)


def test_sus_export_in_a_workbook(cli, tmp_path):
    source = SAMPLES / "questionnaires" / "sus.csv"
    book = workbook(source, tmp_path / "sus.xlsx")
    from_book = output_json(cli, "sus", book)
    numbers_equal(from_book, output_json(cli, "sus", source))
    assert from_book["respondents"]  # something was scored


def test_two_sheets_default_and_choice(cli, tmp_path):
    source = SAMPLES / "layouts" / "attempts.csv"
    book = workbook(source, tmp_path / "two.xlsx", sheets=("Data", "Notes"))
    expected = output_json(cli, "summary", source)
    result = cli("summary", book, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected
    assert "read sheet 'Data'" in result.stderr and "'Notes'" in result.stderr and "--sheet" in result.stderr
    # data on the second sheet: chosen by name, by case-folded name, or by position
    second = workbook(source, tmp_path / "second.xlsx", sheets=("Notes", "Attempts"), data_sheet="Attempts")
    for choice in ("Attempts", "attempts", "2"):
        assert output_json(cli, "summary", second, "--sheet", choice) == expected


def test_unknown_sheet_lists_the_sheets(cli, tmp_path):
    book = workbook(SAMPLES / "layouts" / "attempts.csv", tmp_path / "s.xlsx", sheets=("Data", "Notes"))
    result = cli("summary", book, "--sheet", "Results")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no such sheet" in result.stderr and "1 'Data', 2 'Notes'" in result.stderr


def test_time_cells_become_seconds_whatever_the_header_unit(cli, tmp_path):
    """Durations formatted as time (a time of day cell, a [h]:mm:ss duration) are absolute: a header
    unit ("Time (min)") applies only to bare numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["participant", "task", "outcome", "Time (min)"])
    sheet.append(["P1", "Login", "success", dt.time(0, 1, 23, 500000)])  # 83.5 s
    sheet.append(["P2", "Login", "success", dt.timedelta(minutes=2, seconds=5)])  # 125 s
    sheet.append(["P3", "Login", "success", 1.5])  # 1.5 min = 90 s
    sheet.append(["P4", "Login", "success", dt.timedelta(hours=25)])  # 90,000 s (over a day)
    book.save(tmp_path / "times.xlsx")
    rows = output_json(cli, "attempts", tmp_path / "times.xlsx")
    assert [row["time"] for row in rows] == pytest.approx([83.5, 125.0, 90.0, 90000.0])


def test_messages_name_the_spreadsheet_row(cli, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # blank rows and a blank column before the table, and one inside it
    sheet.append([])
    sheet.append([None, "participant", "task", "outcome", "time"])
    sheet.append([None, "P1", "Login", "success", 12.5])
    sheet.append([])
    sheet.append([None, "P2", "Login", "maybe", 20])
    book.save(tmp_path / "bad.xlsx")
    result = cli("summary", tmp_path / "bad.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad.xlsx:6:" in result.stderr and "maybe" in result.stderr


def test_line_breaks_in_cells_keep_row_numbers(tmp_path):
    from uxcli.errors import Problems
    from uxcli.readers.excel import sheet_as_csv
    from uxcli.sources import Source

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["participant", "task", "outcome"])
    sheet.append(["P1", "Log\nin", True])
    sheet.append(["P2", "Search", 3.0])
    book.save(tmp_path / "breaks.xlsx")
    problems = Problems()
    text = sheet_as_csv(Source("breaks.xlsx", tmp_path / "breaks.xlsx"), None, problems).decode()
    assert text.splitlines() == ["participant,task,outcome", "P1,Log in,TRUE", "P2,Search,3"]
    assert any("line breaks" in p.message for p in problems.notes)


def test_damaged_workbook_is_one_clear_error(cli, tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a zip file")
    result = cli("summary", tmp_path / "broken.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cannot be read as a spreadsheet" in result.stderr


# --- writing .xlsx ------------------------------------------------------------------------------------------


def _sheet_frame(path: Path) -> tuple[list, list]:
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "sample_sessions/events.csv"),
        ("attempts", "sample_sessions/layouts/attempts.csv"),
        ("compare", "sample_sessions/layouts/attempts.csv"),
        ("sus", "sample_sessions/questionnaires/sus.csv"),
    ],
)
def test_xlsx_output_has_typed_cells(cli, tmp_path, args):
    target = tmp_path / "metrics.xlsx"
    result = cli(*args, "-o", target)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(target)
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header, rows = _sheet_frame(target)
    expected = pd.read_csv(io.StringIO(cli(*args, "-f", "csv").stdout))
    assert header == list(expected.columns) and len(rows) == len(expected)
    kinds = {"n": "numeric", "b": "bool"}
    checked = 0
    for index, column in enumerate(header):
        kind = expected[column].dtype.kind
        if kind not in "iufb":
            continue
        for r, value in enumerate(expected[column]):
            cell = sheet.cell(r + 2, index + 1)
            if pd.isna(value):
                assert cell.value is None  # missing is an empty cell, never 0 or "nan"
                continue
            assert kinds[cell.data_type] == ("bool" if kind == "b" else "numeric"), (column, cell.value)
            assert cell.value == pytest.approx(value)
            checked += 1
    assert checked >= len(rows)  # at least one typed number per row
    assert sheet.column_dimensions["A"].width >= len(header[0])


def test_xlsx_round_trip_reads_back_the_same_numbers(cli, tmp_path):
    source = SAMPLES / "layouts" / "attempts.csv"
    target = tmp_path / "attempts.xlsx"
    assert cli("attempts", source, "-f", "xlsx", "-o", target).exit_code == 0
    assert pd.read_excel(target, engine="openpyxl")["time"].dtype.kind == "f"
    numbers_equal(output_json(cli, "summary", target), output_json(cli, "summary", source))


def test_xlsx_is_refused_on_a_terminal(monkeypatch):
    from uxcli.cli.common import choose_format

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert choose_format(None, Path("metrics.xlsx")) is Format.xlsx
    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(OptionError, match="binary"):
        choose_format(Format.xlsx, None)
    assert choose_format(Format.xlsx, Path("m.xlsx")) is Format.xlsx  # a file is fine


# --- the European Excel CSV ---------------------------------------------------------------------------------


def test_csv_eu_shape(cli):
    result = cli("summary", "sample_sessions/events.csv", "-f", "csv-eu")
    assert result.exit_code == 0, result.stderr
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") > 1
    expected = pd.read_csv(io.StringIO(cli("summary", "sample_sessions/events.csv", "-f", "csv").stdout))
    read = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(read.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(read, expected, check_exact=False, rtol=1e-9)
    assert re.search(rb";0,\d+;", raw)  # decimal commas are really there (a rate such as 0,875)


def test_csv_eu_round_trip(cli, tmp_path):
    """Write the attempts with uxcli in the European dialect, read them back with uxcli: same summary."""
    source = SAMPLES / "layouts" / "attempts.csv"
    target = tmp_path / "attempts_eu.csv"
    result = cli("attempts", source, "-f", "csv-eu", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert b"61,5" in target.read_bytes()  # P01's find-product time, with a decimal comma
    numbers_equal(output_json(cli, "summary", target), output_json(cli, "summary", source))


def test_csv_eu_small_numbers_are_not_in_exponent_form():
    from uxcli.render.text import to_csv_eu

    text = to_csv_eu(pd.DataFrame({"p_value": [3.35e-7], "n": [4], "name": ["a;b"]}))
    assert text == '\ufeffp_value;n;name\r\n0,000000335;4;"a;b"\r\n'


def test_wide_matrix_file_from_data(cli, tmp_path):
    """A questionnaire-style wide matrix with Y/N labels from the test data, via a workbook."""
    source = DATA / "v1_wide_yn.csv"
    book = workbook(source, tmp_path / "wide.xlsx")
    numbers_equal(output_json(cli, "summary", book), output_json(cli, "summary", source))


def test_sus_sheet_option(cli, tmp_path):
    source = SAMPLES / "questionnaires" / "sus.csv"
    book = workbook(source, tmp_path / "survey.xlsx", sheets=("About", "Answers"), data_sheet="Answers")
    expected = output_json(cli, "sus", source)
    numbers_equal(output_json(cli, "sus", book, "--sheet", "Answers"), expected)
    numbers_equal(output_json(cli, "sus", book, "--sheet", "2"), expected)


def test_empty_first_sheet_is_said(cli, tmp_path):
    source = SAMPLES / "layouts" / "attempts.csv"
    book = openpyxl.load_workbook(workbook(source, tmp_path / "later.xlsx"))
    book.create_sheet("Cover", 0)
    book.save(tmp_path / "later.xlsx")
    result = cli("summary", tmp_path / "later.xlsx", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "read sheet 'Data' (sheet 'Cover' is empty)" in result.stderr
    numbers_equal(json.loads(result.stdout), output_json(cli, "summary", source))


def test_xlsx_to_a_pipe_is_a_workbook(cli):
    result = cli("summary", "sample_sessions/events.csv", "-f", "xlsx")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_excel(io.BytesIO(result.stdout_bytes), engine="openpyxl")
    assert list(frame["task"])[:1] == ["find-product"] and frame["attempts"].dtype.kind == "i"
