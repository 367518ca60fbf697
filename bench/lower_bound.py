#!/usr/bin/env python3
"""How fast can any uxcli summary be on this machine? Lower bounds, against the parse-only floor.

    python bench/lower_bound.py FILE [--runs 5]

Each measurement is its own fresh process (python -c ...), timed from spawn to exit, median of --runs:

  floor          pyarrow.csv.read_csv(FILE): bench/pyarrow_floor.py, the target's reference
  parse          what uxcli's streaming reader asks pyarrow for, and nothing else: 12 MB blocks parsed on
                 2 threads, single-threaded pyarrow each, the five columns typed as uxcli types them
                 (labels dictionary-encoded, timestamps float64), quotes off
  parse+imports  the same, while the main thread imports what the CLI must load besides pyarrow and
                 numpy (pandas, scipy.special, Typer with its pydantic adapters, Rich). Imports hold
                 the GIL, parsing does not: this is the best overlap there can be.

  uxcli          python -m uxcli summary FILE --format csv, for comparison

The first three do no derivation, no metrics and no output: anything uxcli does costs at least
"parse+imports". The
parse options mirror uxcli.readers.stream.engine._Engine._parse (kept in step by hand: this script must not
import uxcli, whose modules import pandas at the top, to show the overlapped best case).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))

PARSE = r"""
import sys, threading
from concurrent.futures import ThreadPoolExecutor
import numpy, pyarrow as pa, pyarrow.csv as pacsv
path, overlap = sys.argv[1], sys.argv[2] == "1"
with open(path, "rb") as f:
    header = f.readline()
names = header.decode().strip().split(",")
label = pa.dictionary(pa.int32(), pa.string())
types = {c: label for c in names}
types["timestamp"] = pa.float64()

def parse(block):
    return pacsv.read_csv(pa.py_buffer(block),
        read_options=pacsv.ReadOptions(column_names=names, block_size=4 << 20, use_threads=False),
        parse_options=pacsv.ParseOptions(quote_char=False),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, check_utf8=False)).num_rows

def blocks():
    with open(path, "rb") as f:
        f.readline()
        rest = b""
        while True:
            data = f.read(6 << 20)  # uxcli.readers.stream.engine.BLOCK_SIZE
            if not data:
                if rest:
                    yield rest
                return
            data = rest + data
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            yield data[:cut]

pool = ThreadPoolExecutor(2)
futures = []
feeder = threading.Thread(target=lambda: futures.extend(pool.submit(parse, b) for b in blocks()))
feeder.start()
if overlap:
    import pandas, scipy.special, typer, typer._adapters, rich.console
feeder.join()
print(sum(f.result() for f in futures))
"""


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.path.dirname(BENCH))  # this checkout's uxcli
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - start, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with open(args.file, "rb") as handle:  # into the page cache
        while handle.read(1 << 24):
            pass
    tools = {
        "floor": [sys.executable, os.path.join(BENCH, "pyarrow_floor.py"), args.file],
        "parse": [sys.executable, "-c", PARSE, args.file, "0"],
        "parse+imports": [sys.executable, "-c", PARSE, args.file, "1"],
        "uxcli": [sys.executable, "-m", "uxcli", "summary", args.file, "--unit", "attempt", "--format", "csv"],
    }
    times: dict[str, list[float]] = {name: [] for name in tools}
    rows: dict[str, str] = {}
    for _ in range(args.runs):  # interleaved: a noisy moment hits every tool
        for name, cmd in tools.items():
            seconds, out = timed(cmd)
            times[name].append(seconds)
            if name != "uxcli":
                rows[name] = out
    if len(set(rows.values())) != 1:
        print(f"row counts differ: {rows}", file=sys.stderr)
        return 1
    floor = statistics.median(times["floor"])
    print(f"{args.file}: {rows['floor']} rows, median of {args.runs} runs, load average {os.getloadavg()[0]:.2f}")
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:14s} {median:5.2f} s  ({median / floor:.2f}x floor)  runs: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
