"""CSV / JSON / Markdown exports: missing values, rounding, -0.0, escaping."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd

from uxcli.render.text import RENDERERS, records, to_csv, to_json, to_markdown


def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task": pd.Categorical(["a|b", "c", None]),
            "attempts": np.array([3, 0, 1], dtype=np.int64),
            "rate": [0.5, -0.0, np.nan],
            "time": [1 / 3, -1e-9, 2.0],
            "_hidden": [1, 2, 3],
        }
    )


def test_records_clean_values():
    rows = records(sample())
    assert rows[0] == {"task": "a|b", "attempts": 3, "rate": 0.5, "time": 0.333333}
    assert rows[2]["task"] is None and rows[2]["rate"] is None
    assert type(rows[0]["attempts"]) is int and type(rows[0]["rate"]) is float


def test_no_negative_zero():
    rows = records(sample())
    assert str(rows[1]["rate"]) == "0.0"
    assert str(rows[1]["time"]) == "0.0"  # -1e-9 rounds to -0.0, shown as 0.0
    assert "-0" not in to_csv(sample()) and "-0" not in to_json(sample())


def test_json_null_for_missing_and_valid_json():
    text = to_json(sample())
    assert "NaN" not in text
    data = json.loads(text)
    assert data[2]["rate"] is None and data[2]["task"] is None
    assert list(data[0]) == ["task", "attempts", "rate", "time"]  # internal _columns dropped


def test_csv_empty_for_missing():
    text = to_csv(sample())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["task", "attempts", "rate", "time"]
    assert rows[3] == ["", "1", "", "2.0"]
    assert "nan" not in text.lower()
    assert text.endswith("\n") and "\r" not in text


def test_csv_quotes_delimiters():
    frame = pd.DataFrame({"task": ["a, b", 'say "hi"'], "n": [1, 2]})
    rows = list(csv.reader(io.StringIO(to_csv(frame))))
    assert rows[1:] == [["a, b", "1"], ['say "hi"', "2"]]


def test_markdown_escapes_pipes_and_newlines():
    frame = pd.DataFrame({"task": ["a|b", "two\nlines"], "n": [1, 2]})
    lines = to_markdown(frame).splitlines()
    assert lines[0] == "| task | n |"
    assert lines[1] == "|---|---:|"
    assert lines[2] == "| a\\|b | 1 |"
    assert lines[3] == "| two lines | 2 |"


def test_markdown_numbers_and_missing():
    lines = to_markdown(sample()).splitlines()
    assert lines[1] == "|---|---:|---:|---:|"
    assert lines[2] == "| a\\|b | 3 | 0.5 | 0.3333 |"
    assert lines[3] == "| c | 0 | 0 | 0 |"
    assert lines[4] == "|  | 1 |  | 2 |"


def test_rounding_is_six_decimals():
    frame = pd.DataFrame({"x": [0.1234564, 0.1234566, 123456.0000004]})
    assert [r["x"] for r in records(frame)] == [0.123456, 0.123457, 123456.0]


def test_renderers_table():
    assert {"csv", "json", "markdown", "markdown-raw"} <= set(RENDERERS)  # and any format added since
    frame = pd.DataFrame({"n": [1]})
    assert RENDERERS["json"](frame) == '[\n  {\n    "n": 1\n  }\n]\n'


def test_p_values_keep_full_precision_and_counts_print_as_integers():
    """p = 3.35e-7 rounded to 6 decimals printed as 0.0; counts printed as 5.0 (issue "Statistical truth")."""
    frame = pd.DataFrame(
        {
            "errors_total": pd.array([5, None], dtype="Int64"),
            "benchmark_success_p": [3.35e-7, 0.5],
            "p_value": [1.23456789e-9, np.nan],
            "rate": [0.123456789, 0.5],
        }
    )
    rows = json.loads(to_json(frame))
    assert rows[0] == {"errors_total": 5, "benchmark_success_p": 3.35e-7, "p_value": 1.23456789e-9, "rate": 0.123457}
    assert rows[1]["errors_total"] is None and rows[1]["p_value"] is None
    table = list(csv.DictReader(io.StringIO(to_csv(frame))))
    assert table[0]["errors_total"] == "5" and float(table[0]["benchmark_success_p"]) == 3.35e-7
    assert table[1]["errors_total"] == ""
    assert "<0.001" in to_markdown(frame)  # tables keep "p < 0.001"
