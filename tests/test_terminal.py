"""The summary table in the terminal (issue 17): laid out for the width it gets, never cutting a number;
COLUMNS, NO_COLOR and FORCE_COLOR honoured; colour only on a terminal or when forced.

Golden renderings at 80 and 120 columns are in tests/golden/terminal/ (UPDATE_GOLDEN=1 regenerates them).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from uxcli import pipeline
from uxcli.render.table import UNRELIABLE_MARK, SummaryTable, summary_cells

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUDIES = {
    "sample": ("sample_sessions/", "task"),  # one design
    "two_designs": ("sample_sessions/layouts/attempts.csv", "task,variant"),  # designs A and B
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)[0-9;]*m")  # a foreground colour, not just bold


def cells_of(study: str):
    path, by = STUDIES[study]
    inputs = pipeline.load_inputs(pipeline.ReadOptions((path,)))
    result = pipeline.summary(inputs, pipeline.SummaryOptions(by=tuple(by.split(","))))
    return summary_cells(
        result.frame,
        result.overall(),
        list(result.options.by),
        result.time_n(),
        result.overall_time_n(),
        confidence=0.95,
        time_of="success",
        footer=result.footer,
        extra_columns=result.columns,
    )


def render(cells, width: int) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"), color_system=None)  # noqa: SIM115
    console.print(SummaryTable(cells))
    return console.export_text()


@pytest.mark.parametrize("study", STUDIES)
@pytest.mark.parametrize("columns", [80, 120])
def test_terminal_golden(cli, golden, monkeypatch, study, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    path, by = STUDIES[study]
    result = cli("summary", path, "--by", by, "-f", "table")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns  # COLUMNS is honoured
    golden(f"terminal/{study}_{columns}.txt", result.stdout)


@pytest.mark.parametrize("study", STUDIES)
@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 160])
def test_no_number_is_cut(study, width):
    cells = cells_of(study)
    text = render(cells, width)
    assert "…" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    if width >= 80:  # every figure and interval appears whole, on one line
        flat = set(text.splitlines())
        for row in [*cells.rows, cells.overall]:
            for cell in row:
                for part in (cell.value, cell.interval):
                    assert any(part in line for line in flat), (part, width)


def test_layout_follows_the_width():
    cells = cells_of("sample")
    wide, narrow, tiny = render(cells, 160), render(cells, 80), render(cells, 40)
    assert "88% (51–100%)" in wide  # intervals beside their figures
    assert "88% (51–100%)" not in narrow and re.search(r"^\s+51–100%", narrow, re.M)  # on the line below
    assert re.search(r"^\s*Success\s+88% \(51–100%\)\s*$", tiny, re.M)  # one block per task


def test_empty_columns_are_left_out_and_said():
    inputs = pipeline.load_inputs(pipeline.ReadOptions(("sample_sessions/layouts/wide.csv",)))
    result = pipeline.summary(inputs, pipeline.SummaryOptions())
    cells = summary_cells(
        result.frame, result.overall(), ["task"], result.time_n(), result.overall_time_n(),
        confidence=0.95, time_of="success",
    )  # fmt: skip
    headers = [c.header for c in cells.columns]
    assert "Clicks" not in headers and "Time" not in headers and "Success" in headers
    assert "Not shown (no data): " in cells.caption and "Clicks" in cells.caption


def test_time_rests_on_few_values_is_flagged():
    cells = cells_of("two_designs")
    time_cells = [row[-1] for row in cells.rows]
    # change-address, design A: two completions (P02, P04) in the file
    frame = pipeline.summary(
        pipeline.load_inputs(pipeline.ReadOptions((STUDIES["two_designs"][0],))),
        pipeline.SummaryOptions(by=("task", "variant")),
    ).frame
    for cell, n in zip(time_cells, frame["time_n"], strict=True):
        if cell.value != "—":
            assert cell.value.endswith(f" n={n}")
            assert cell.interval.endswith(UNRELIABLE_MARK) == (n < pipeline.TIME_RELIABLE_N and cell.interval != "")
    assert f"{UNRELIABLE_MARK} interval from fewer than 5 times: unreliable." in cells.caption


# --- colour and width ------------------------------------------------------------------------------------


def test_colour_is_forced_or_suppressed_by_the_environment(cli, monkeypatch):
    args = ("validate", "tests/malformed/bad_timestamp.csv", "-f", "table")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = cli(*args).stdout
    assert COLOUR.search(forced), "FORCE_COLOR gives colour even off a terminal"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not COLOUR.search(cli(*args).stdout), "NO_COLOR wins over FORCE_COLOR for colours"
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR")
    assert not ANSI.search(cli(*args).stdout), "no escape codes when the output is not a terminal"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS")}
    return subprocess.run(
        [sys.executable, "-m", "uxcli", *args],
        cwd=ROOT,
        env={**environ, "PYTHONPATH": ROOT, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_piped_table_has_no_colour_unless_forced_and_honours_columns():
    piped = _run("summary", "sample_sessions/", "-f", "table", COLUMNS="100")
    assert piped.returncode == 0, piped.stderr
    assert not ANSI.search(piped.stdout)
    assert max(len(line) for line in piped.stdout.splitlines()) <= 100
    forced = _run("summary", "sample_sessions/", "-f", "table", FORCE_COLOR="1", COLUMNS="100")
    assert ANSI.search(forced.stdout)  # `uxcli summary … | less -R` keeps styles only when asked
    assert ANSI.sub("", forced.stdout) == piped.stdout
