"""Write what every command prints, in every format, on the sample and test data: one file per run.

A refactor that must not change behaviour is checked by running this before and after and diffing:

    python scripts/cli_snapshot.py /tmp/before      # on the old commit
    python scripts/cli_snapshot.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after                  # nothing: byte-identical

Each run's file holds its exit code, stdout and stderr (separately), so messages and exit codes are
compared too. Commands run in-process (Typer's CliRunner) from the repository root, with fixed salts and a
fixed terminal width, so the outputs are deterministic. Report and chart files are written into a
scratch folder and copied into the snapshot.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("table", "csv", "json", "markdown")

TASK_INPUTS = [
    "sample_sessions/",
    "sample_sessions/events.csv",
    "sample_sessions/layouts/attempts.csv",
    "sample_sessions/layouts/wide.csv",
    "sample_sessions/layouts/study.yaml",
    "sample_sessions/messy/attempts_excel_eu.csv",
    "sample_sessions/messy/tool_export.csv",
    *sorted(f"tests/data/{p.name}" for p in (ROOT / "tests/data").glob("v1_*")),
    "tests/data/q_compare_paired.csv",
    "tests/data/q_compare_published.csv",
]
MALFORMED = sorted(
    f"tests/malformed/{p.name}" for p in (ROOT / "tests/malformed").glob("*.*") if p.suffix in (".csv", ".yaml")
)
QUESTIONNAIRES = {
    "sus": [
        "sample_sessions/questionnaires/sus.csv",
        "sample_sessions/layouts/study.yaml",
        *sorted(f"tests/data/{p.name}" for p in (ROOT / "tests/data").glob("q_sus_*")),
    ],
    "seq": [
        "sample_sessions/questionnaires/seq.csv",
        "tests/data/q_seq_wide.csv",
        "sample_sessions/layouts/study.yaml",
    ],
    "umux-lite": ["tests/data/q_umux.csv"],
    "nps": ["sample_sessions/questionnaires/nps.csv", "tests/data/q_nps_labels.csv"],
    "csat": ["tests/data/q_csat.csv"],
}
SUMMARY_OPTIONS = [
    [],
    ["--by", "task,variant"],
    ["--by", "participant", "--time-of", "all", "--confidence", "0.9"],
    ["--benchmark", "--fail-under", "success=0.7", "--fail-under", "time=find-product:60"],
    ["--fail-under", "errors=0.5", "--gate-on", "bound"],
    ["--exclude", "participant=P03", "--speeders", "20", "--partial", "--verbose"],
    ["--idle-gap", "30", "--cap-idle", "--outliers", "2", "--drop-flagged"],
    ["--pseudonymize", "--salt", "snapshot"],
    ["--strict"],
]
GENERATED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z]+")
CHART_KINDS = ["success", "time", "errors-clicks", "outcome-grid", "sus", "compare"]


def cases() -> list[tuple[str, list[str]]]:
    runs: list[tuple[str, list[str]]] = []
    for path in TASK_INPUTS:
        for fmt in FORMATS:
            runs.append(("attempts", [path, "-f", fmt]))
            runs.append(("validate", [path, "-f", fmt]))
            for options in SUMMARY_OPTIONS:
                runs.append(("summary", [path, "-f", fmt, *options]))
            runs.append(("compare", [path, "-f", fmt]))
            runs.append(("sum", [path, "-f", fmt, "--time-spec", "120", "--opportunities", "5"]))
    for path in MALFORMED:
        runs.append(("validate", [path, "-f", "csv"]))
        runs.append(("validate", [path, "-f", "table", "--all", "--verbose"]))
        runs.append(("summary", [path, "-f", "csv"]))
    for command, paths in QUESTIONNAIRES.items():
        for path in paths:
            for fmt in FORMATS:
                runs.append((command, [path, "-f", fmt]))
            runs.append((command, [path, "-f", "csv", "--confidence", "0.9", "--verbose"]))
    extra = [
        ("sus", ["tests/data/q_sus_missing.csv", "-f", "json", "--impute-neutral", "--fail-under", "sus=68"]),
        ("sus", ["tests/data/q_sus_bad.csv", "-f", "csv"]),
        ("seq", ["sample_sessions/questionnaires/seq.csv", "-f", "csv", "--fail-under", "seq=5.5"]),
        ("csat", ["tests/data/q_csat.csv", "-f", "csv", "--fail-under", "csat=0.9"]),
        ("nps", ["sample_sessions/questionnaires/nps.csv", "-f", "json", "--fail-under", "nps=10"]),
        ("umux-lite", ["tests/data/q_umux.csv", "-f", "json", "--fail-under", "umux=60"]),
        ("compare", ["sample_sessions/", "-f", "csv", "--pairing", "independent", "--alpha", "0.1"]),
        ("compare", ["tests/data/q_compare_paired.csv", "-f", "table", "--pairing", "paired"]),
        ("sum", ["sample_sessions/layouts/study.yaml", "-f", "json"]),
        ("sum", ["sample_sessions/events.csv", "-f", "csv", "--ratings", "sample_sessions/questionnaires/seq.csv"]),
        ("summary", ["sample_sessions/", "-f", "table", "--benchmark"]),
        ("summary", ["sample_sessions/layouts/study.yaml", "-f", "json", "--benchmark", "--fail-under", "sus=68"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--map", "variant=session"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--map", "Nope=variant"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--map", "variant=varaint"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--by", "nope"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--layout", "yaml"]),
        ("summary", ["sample_sessions/events.csv", "-f", "csv", "--fail-under", "bogus=1"]),
        ("summary", ["sample_sessions/events.csv", "--engine", "stream", "-f", "csv"]),
        ("summary", ["no/such/file.csv", "-f", "csv"]),
        ("attempts", ["sample_sessions/events.csv", "-f", "csv", "--idle-gap", "20", "--speeder-fraction", "0.3"]),
        (
            "validate",
            ["sample_sessions/", "-f", "csv", "--exclude", "participant=P99", "--pseudonymize", "--salt", "s"],
        ),
        ("validate", ["tests/malformed/", "-f", "csv"]),
    ]
    runs.extend(extra)
    return runs


def file_cases(scratch: Path) -> list[tuple[str, list[str], Path]]:
    runs = []
    for path in ["sample_sessions/", "sample_sessions/layouts/study.yaml", "sample_sessions/layouts/wide.csv"]:
        for suffix in (".html", ".md"):
            out = scratch / f"report{len(runs)}{suffix}"
            args = [path, "-o", str(out), "--sus", "sample_sessions/questionnaires/sus.csv"]
            runs.append(("report", args, out))
    out = scratch / f"report{len(runs)}.md"
    runs.append(
        (
            "report",
            ["sample_sessions/events.csv", "-o", str(out), "--compare-by", "session", "--exclude", "participant=P02"],
            out,
        )
    )
    for kind in CHART_KINDS:
        for path in ["sample_sessions/", "sample_sessions/layouts/study.yaml"]:
            out = scratch / f"chart{len(runs)}.svg"
            runs.append(("chart", [kind, path, "-o", str(out), "--sus", "sample_sessions/questionnaires/sus.csv"], out))
    return runs


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python scripts/cli_snapshot.py OUTPUT_DIR", file=sys.stderr)
        return 2
    target = Path(sys.argv[1]).resolve()
    target.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    os.environ.update({"COLUMNS": "140", "NO_COLOR": "1", "UXCLI_SALT": ""})
    from typer.testing import CliRunner

    from uxcli.cli import app

    runner = CliRunner()
    count = 0

    def record(name: str, command: str, args: list[str], extra: bytes = b"") -> None:
        result = runner.invoke(app, [command, *args], catch_exceptions=True)
        text = (
            f"$ uxcli {command} {' '.join(args)}\nexit: {result.exit_code}\n--- stdout\n{result.stdout}"
            f"--- stderr\n{result.stderr}"
        )
        (target / name).write_bytes(text.encode("utf-8") + extra)

    for command, args in cases():
        record(f"{count:04d}-{command}.txt", command, args)
        count += 1
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for command, args, out in file_cases(scratch):
            result_name = f"{count:04d}-{command}.txt"
            record(result_name, command, args)
            text = (target / result_name).read_text(encoding="utf-8").replace(str(scratch), "SCRATCH")
            (target / result_name).write_text(text, encoding="utf-8")
            if out.exists():
                # the report's "Generated <date>" line is the one thing that changes from run to run
                report = GENERATED.sub("GENERATED", out.read_text(encoding="utf-8"))
                (target / f"{count:04d}-{command}{out.suffix}").write_text(report, encoding="utf-8")
                files = out.parent / f"{out.stem}_files"
                if files.is_dir():
                    shutil.copytree(files, target / f"{count:04d}-{command}_files")
            count += 1
    print(f"{count} runs written to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
