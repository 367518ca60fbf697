#!/usr/bin/env python3
"""Wide success matrices: wall time and peak RSS of `uxcli summary` as the number of task columns grows.

    python bench/wide_columns.py [--columns 1000,4000,8000,16000] [--rows 20] [--runs 1] [--markdown]

Generates (under a temporary directory) one matrix per size: a participant column and N task columns of
outcome words (success, failure, abandon, assisted, and some empty cells), ROWS participant rows; runs
`python -m uxcli summary FILE -f csv` on each as its own subprocess, and prints the wall time, the peak RSS
(GNU time's %M, else os.wait4's rusage), the wall time per 1,000 columns, and the slope past the first
size (start-up left out), so that linearity shows: the last column stays about constant when the reader is
linear. 9,999 task columns (10,000 with the participant) is the widest header uxcli reads. A size uxcli refuses (more columns than it
reads) is shown as "refused" with the time it took to say so.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PY = sys.executable
WORDS = ["success", "failure", "success", "abandon", "assisted", "success", ""]


def generate(path: str, columns: int, rows: int, seed: int = 7) -> int:
    rng = random.Random(seed + columns)
    with open(path, "w", encoding="utf-8") as out:
        out.write(",".join(["participant", *(f"task_{i + 1}" for i in range(columns))]) + "\n")
        for r in range(rows):
            out.write(",".join([f"P{r + 1}", *(rng.choice(WORDS) for _ in range(columns))]) + "\n")
    return os.path.getsize(path)


def measure(path: str) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, output lines) of one `uxcli summary` run."""
    command = [PY, "-m", "uxcli", "summary", path, "-f", "csv"]
    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
    if gnu_time:
        fd, report = tempfile.mkstemp(suffix=".time")
        os.close(fd)
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report, *command], capture_output=True, text=True)
        wall = time.perf_counter() - start
        with open(report, encoding="utf-8") as fh:
            rss_kib = int(fh.read().strip().splitlines()[-1])
        os.unlink(report)
    else:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate()
        _, _, usage = os.wait4(proc.pid, 0) if proc.returncode is None else (0, 0, None)
        wall = time.perf_counter() - start
        done = subprocess.CompletedProcess(command, proc.returncode, out, err)
        rss_kib = usage.ru_maxrss if usage else 0
    if done.returncode != 0:  # refused (e.g. more columns than uxcli reads): shown as such, not a number
        return wall, rss_kib / 1024, -1
    return wall, rss_kib / 1024, len(done.stdout.strip().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", default="1000,2000,4000,8000,9999,16000")
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1, help="timed runs per size (median wall, max RSS)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.columns.split(",")]
    header = (
        "| task columns | rows | CSV KB | summary lines | wall s | peak RSS MiB | wall ms per 1,000 columns "
        "| ms per 1,000 columns beyond the first size |"
    )
    print(header)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    first: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = os.path.join(tmp, f"wide_{n}.csv")
            size = generate(path, n, args.rows)
            results = [measure(path) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results)
            lines = results[0][2]
            shown = "refused (exit 1)" if lines < 0 else f"{lines:,}"
            # the slope past the first size leaves start-up out: constant when the work per column is
            marginal = "–" if first is None or lines < 0 else f"{1e6 * (wall - first[1]) / (n - first[0]):.0f}"
            first = first or (n, wall)
            print(
                f"| {n:,} | {args.rows} | {size / 1024:.0f} | {shown} | {wall:.2f} | {rss:.0f} | "
                f"{1e6 * wall / n:.0f} | {marginal} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
