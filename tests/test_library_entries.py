"""The issue #16 analyses as library calls from ``import uxcli``: each gives what its command prints.

For every entry (time to success, problem discovery, sample-size planning, navigation) the CLI's JSON
output is compared with the library result, value by value; and ``import uxcli`` still loads neither
Typer, Rich nor pandas (the entries are resolved lazily).

Worked examples used as data: Sauro & Lewis, *Quantifying the User Experience* (2nd ed., 2016), table 7.5
(4 participants × 7 problems, 20 hits: adjusted p = .487, 90% discovery needs 4 participants) and ch. 6
(±.10 at 95% for p = .5 needs 93 participants); the survival example of issue #16 (successes at 45, 55,
62, 65, 75, 135 s; a give-up at 120 s, a time-out at 180 s: median time-to-success 65 s).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

TABLE_7_5 = "participant,P1,P2,P3,P4,P5,P6,P7\nA,1,1,1,1,1,1,1\nB,1,1,1,1,1,0,0\nC,x,✓,1,1,,1,0\nD,1,1,1,0,0,0,0\n"

SURVIVAL_LOG = "participant,task,time,outcome\n" + "".join(
    f"P{i},checkout,{t},{o}\n"
    for i, (t, o) in enumerate(
        [(45, "success"), (55, "success"), (62, "success"), (65, "success"), (75, "success"), (135, "success"),
         (120, "abandon"), (180, "timeout")],
        start=1,
    )
)  # fmt: skip

NAV_LOG = "participant,task,timestamp,event,target\n" + (
    "P1,login,0,start,home\nP1,login,5,click,login\nP1,login,9,click,done\nP1,login,10,success,\n"
    "P2,login,60,start,home\nP2,login,64,click,help\nP2,login,68,click,home\nP2,login,72,click,login\n"
    "P2,login,75,click,done\nP2,login,76,success,\n"
    "P3,login,120,start,home\nP3,login,124,click,banner\nP3,login,150,abandon,\n"
)
STUDY = "tasks:\n  login:\n    path: [home, login, done]\n    targets: [help]\n"


def _same(cli_rows: list[dict], frame) -> None:
    """The CLI's JSON records equal the library frame, column by column (numbers to 1e-6)."""
    library = json.loads(frame.to_json(orient="records"))
    assert len(cli_rows) == len(library) and len(library) > 0
    for got, want in zip(cli_rows, library, strict=True):
        assert set(got) == set(want)
        for key, value in want.items():
            shown = got[key]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value is not None:
                assert shown == pytest.approx(value, abs=1e-6), key
            elif value is None or (isinstance(value, float) and math.isnan(value)):
                assert shown in (None, "") or (isinstance(shown, float) and math.isnan(shown)), key
            else:
                assert shown == value, key


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (
        ("problems.csv", TABLE_7_5),
        ("times.csv", SURVIVAL_LOG),
        ("nav.csv", NAV_LOG),
        ("study.yaml", STUDY),
    ):
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    return out


def test_import_uxcli_loads_no_typer_rich_or_pandas() -> None:
    code = (
        "import sys, uxcli\n"
        "names = ['time_to_success', 'SurvivalOptions', 'problems', 'discovery', 'DiscoveryOptions', 'plan',\n"
        "         'PlanOptions', 'navigation_metrics', 'NavigationOptions', 'read_problems']\n"
        "assert all(n in uxcli.__all__ for n in names), names\n"
        "print(sorted(m for m in ('typer', 'rich', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_survival_cli_equals_library(cli, files) -> None:
    import uxcli

    result = cli("survival", files["times.csv"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    inputs = uxcli.load_inputs(uxcli.ReadOptions((str(files["times.csv"]),)))
    library = uxcli.time_to_success(inputs, uxcli.SurvivalOptions())
    assert library.summary["median_time"].iloc[0] == 65  # the worked example
    _same(json.loads(result.stdout), library.summary)
    assert uxcli.survival.survival(inputs).summary.equals(library.summary)  # the subpackage's own call


def test_problems_cli_equals_library(cli, files) -> None:
    import uxcli

    result = cli("problems", files["problems.csv"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    library = uxcli.problems(files["problems.csv"], uxcli.DiscoveryOptions())
    assert round(library.p, 3) == 0.487 and library.needed[library.goals.index(0.9)] == 4  # QUX table 7.5
    _same(json.loads(result.stdout), library.summary())
    assert uxcli.discovery(uxcli.read_problems(files["problems.csv"])).p == library.p


def test_plan_cli_equals_library(cli) -> None:
    import uxcli

    result = cli("plan", "margin", "--margin", "0.1", "--margin", "0.2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    library = uxcli.plan(uxcli.PlanOptions("margin", margins=(0.1, 0.2)))
    assert list(library.frame["participants"]) == [93, 21]  # QUX ch. 6
    _same(json.loads(result.stdout), library.frame)


def test_navigation_cli_equals_library(cli, files) -> None:
    import uxcli

    result = cli("navigation", files["nav.csv"], "--study", files["study.yaml"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    read = uxcli.ReadOptions((str(files["nav.csv"]),))
    prepare = uxcli.PrepareOptions(study=str(files["study.yaml"]))
    library = uxcli.navigation_metrics(uxcli.load_inputs(read, prepare, events=True), uxcli.NavigationOptions())
    # Smith (1996) per attempt: P1 0; P2 S=5, N=4, R=3; P3 S=2, N=2, R=3
    expected = (0 + math.hypot(4 / 5 - 1, 3 / 4 - 1) + math.hypot(0, 3 / 2 - 1)) / 3
    assert library.frame["lostness"].iloc[0] == pytest.approx(expected)
    _same(json.loads(result.stdout), library.frame)


def test_navigation_without_events_says_how_to_read(files) -> None:
    import uxcli

    inputs = uxcli.load_inputs(uxcli.ReadOptions((str(files["nav.csv"]),)))
    with pytest.raises(uxcli.InputError, match="events=True"):
        uxcli.navigation_metrics(inputs)
    with pytest.raises(uxcli.OptionError):
        uxcli.NavigationOptions(by="task")  # type: ignore[arg-type]
