#!/usr/bin/env python3
"""uxcli performance benchmark: wall time and peak memory against DuckDB and the pyarrow parse-only floor.

    python bench/run.py [--sizes 1e6,1e7] [--with-100m] [--runs 3] [--seed 42]

For each size it generates (or reuses, cached under bench/data/) a synthetic event log with
bench/generate.py, then runs, each as its own subprocess so that peak RSS is per process:

  uxcli      python -m uxcli summary FILE --unit attempt --format csv (attempt-level, like the SQL and the generator's counts)
  duckdb     python bench/duckdb_summary.py FILE        (bench/duckdb_summary.sql, default threads)
  floor      python bench/pyarrow_floor.py FILE         (pyarrow.csv.read_csv, nothing else)
  floor_stream  python bench/pyarrow_floor.py FILE --stream  (pyarrow.csv.open_csv batch by batch: the
             floor for a bounded-memory reader; informational)

after --warmup untimed rounds, --runs times each (interleaved: uxcli, duckdb, floor, ..., uxcli, ...) and reports the median wall time and the
largest peak RSS. It checks uxcli's per-task counts (`--format json`, one extra run) and DuckDB's against the
generator's exact counts (FILE.truth.json), times `python -m uxcli --help` against a minimal Typer app, and with
--with-100m generates a 100M-event log (~3.5 GB) on the fly, runs uxcli on it once for peak memory, and deletes
it. Results go to bench/RESULTS.md (and raw numbers to bench/data/results.json).

Peak RSS comes from GNU time's %M (/usr/bin/time, which forks a fresh child whose ru_maxrss is exactly the
benchmarked program's) or, without GNU time, from os.wait4()'s rusage of each child; Linux carries the
spawning process's high-water RSS over vfork/exec into the child's ru_maxrss, so this script keeps itself
small (no numpy, pandas or pyarrow imported here) and reports its own peak RSS as that method's floor.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as _dt
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PY = sys.executable
COUNT_KEYS = ["attempts", "successes", "failures", "abandons", "errors_total"]
# uxcli/DuckDB metric -> truth.json key (checked with a relative tolerance; extra to the count check)
METRIC_TRUTH = {
    "clicks_mean": "clicks_mean_success",
    "time_geomean": "time_geomean_success",
    "time_mean": "time_mean_success",
}
COMPARE_METRICS = [
    "success_rate",
    "abandonment_rate",
    "errors_per_attempt",
    "error_rate",
    "clicks_mean",
    "time_geomean",
    "time_median",
    "time_mean",
]
TARGETS = {"wall_vs_duckdb": 0.8, "wall_vs_floor": 1.3, "rss_vs_duckdb": 0.5, "help_vs_typer": 1.3}
TARGET_SIZE = 10_000_000


# ----------------------------------------------------------------------------------------------- helpers
def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (supports -f/-o), else None."""
    exe = "/usr/bin/time"
    if not os.access(exe, os.X_OK):
        return None
    r = subprocess.run([exe, "-f", "%M", "-o", os.devnull, "true"], capture_output=True)
    return exe if r.returncode == 0 else None


GNU_TIME = None  # set in main() unless --rss-method wait4


def tree_rss_kb(pid: int) -> int:
    """Current RSS (KB) of pid and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        q = stack.pop()
        try:
            with open(f"/proc/{q}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{q}/task/{q}/children") as fh:
                stack.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            pass
    return total


MAX_RSS_KB = 8 * 1024 * 1024  # set from --max-rss-gb in main()


def measure(cmd: list[str], stdout_path: str | None = None, timeout: float = 3600.0) -> dict:
    """Run cmd as a child; return wall seconds, CPU seconds, peak RSS (MiB), return code, stderr tail.

    Peak RSS comes from GNU time's %M when /usr/bin/time is available: GNU time forks a fresh child, whose
    ru_maxrss is exactly the benchmarked program's. Otherwise from os.wait4()'s rusage, where Linux carries
    the spawning process's high-water RSS over exec, so figures below this runner's own RSS are floors.
    A watchdog kills the child's process group (started by us, in its own session) when it runs longer than
    `timeout` or its RSS exceeds --max-rss-gb, so a tool that does not stream cannot exhaust the machine.
    """
    with (
        open(stdout_path or os.devnull, "wb") as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".time") as tf,
    ):
        full = [GNU_TIME, "-f", "%U %S %M", "-o", tf.name, *cmd] if GNU_TIME else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, cwd=ROOT, env=env(), start_new_session=True)
        done = threading.Event()
        killed: list[str] = []
        seen = [0]

        def watchdog() -> None:
            while not done.wait(0.2):
                rss = tree_rss_kb(p.pid)
                seen[0] = max(seen[0], rss)
                why = (
                    f"killed: RSS above the {MAX_RSS_KB / 2**20:.1f} GiB limit (--max-rss-gb)"
                    if rss > MAX_RSS_KB
                    else f"killed: ran longer than {timeout:.0f} s"
                    if time.perf_counter() - t0 > timeout
                    else None
                )
                if why:
                    killed.append(why)
                    try:
                        os.killpg(p.pid, 9)
                    except ProcessLookupError:
                        pass
                    return

        wd = threading.Thread(target=watchdog, daemon=True)
        wd.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            done.set()
            wd.join()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
        if killed:
            tail += "\n" + killed[0]
        rss_kb, cpu = ru.ru_maxrss, ru.ru_utime + ru.ru_stime
        if GNU_TIME:
            lines = [ln for ln in tf.read().splitlines() if ln.strip()]
            # GNU time writes "Command exited with non-zero status N" before the format line on failure
            try:
                u, s_, m = lines[-1].split()[-3:]
                rss_kb, cpu = int(m), float(u) + float(s_)
            except (IndexError, ValueError):  # killed together with GNU time: use the watchdog's figure
                rss_kb = seen[0] or float("nan")
    rc = p.returncode if not killed else -9
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": rss_kb / 1024.0,
        "rc": rc,
        "stderr": tail,
        "killed": killed[0] if killed else "",
    }


def parse_size(s: str) -> int:
    return int(float(s))


def size_label(n: int) -> str:
    e = int(round(math.log10(n))) if n > 0 else 0
    return f"{n // 10**e}e{e}" if n == 10**e * (n // 10**e) else str(n)


def human(n: int) -> str:
    for div, suf in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{suf}"
    return f"{n:,}"


def data_path(data_dir: str, n: int, seed: int, quirky: bool = False) -> str:
    return os.path.join(data_dir, f"events_{size_label(n)}_s{seed}{'_quirky' if quirky else ''}.csv")


def label(s: dict) -> str:
    """A size's row label: events, and whether the log has the quirks of real recorders."""
    kind = " quirky Parquet" if s.get("parquet") else (" quirky" if s.get("quirky") else "")
    return human(s.get("events_requested", 10**8)) + kind


def ensure_data(path: str, n: int, seed: int, quirky: bool = False) -> dict:
    truth_path = path + ".truth.json"
    if os.path.exists(path) and os.path.exists(truth_path):
        with open(truth_path) as fh:
            truth = json.load(fh)
        if (
            truth.get("events_requested") == n
            and truth.get("seed") == seed
            and bool(truth.get("quirky")) == quirky
            and truth.get("bytes") == os.path.getsize(path)
        ):
            print(f"[data] reusing {os.path.relpath(path, ROOT)}", flush=True)
            return truth
    print(f"[data] generating {os.path.relpath(path, ROOT)} ({n:,} events)...", flush=True)
    m = measure(
        [PY, os.path.join(BENCH, "generate.py"), "--events", str(n), "--out", path, "--seed", str(seed), "--quiet"]
        + (["--quirky"] if quirky else []),
        timeout=4 * 3600,
    )
    if m["rc"]:
        raise SystemExit(f"generation failed for {path}: {m['stderr'][-1000:]}")
    with open(truth_path) as fh:
        truth = json.load(fh)
    truth["generation_wall"], truth["generation_rss_mb"] = m["wall"], m["rss_mb"]
    print(
        f"[data]   {truth['events']:,} events, {truth['bytes'] / 1e6:.0f} MB in "
        f"{m['wall']:.1f} s, peak RSS {m['rss_mb']:.0f} MiB",
        flush=True,
    )
    return truth


def warm_page_cache(path: str) -> None:
    with open(path, "rb", buffering=0) as fh:
        while fh.read(8 << 20):
            pass


def find_records(obj) -> list[dict] | None:
    """The per-task records in a JSON document: the first list of dicts that have a 'task' key."""
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        if any("task" in x for x in obj):
            return obj
    if isinstance(obj, list):
        for x in obj:
            r = find_records(x)
            if r:
                return r
    if isinstance(obj, dict):
        # column-oriented {"task": [...], "attempts": [...]} tables
        if "task" in obj and isinstance(obj["task"], list):
            keys = [k for k, v in obj.items() if isinstance(v, list) and len(v) == len(obj["task"])]
            return [{k: obj[k][i] for k in keys} for i in range(len(obj["task"]))]
        for v in obj.values():
            r = find_records(v)
            if r:
                return r
    return None


def read_csv_records(path: str) -> list[dict]:
    import csv

    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def num(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def check_counts(records: list[dict] | None, truth: dict, tool: str) -> dict:
    """Compare per-task counts (exact) and a few means (rel. 1e-6) with the generator's truth."""
    res = {"tool": tool, "ok": False, "count_mismatches": [], "metric_mismatches": [], "note": ""}
    if not records:
        res["note"] = "no per-task records found in the output"
        return res
    by_task = {str(r.get("task")): r for r in records}
    for task, t in truth["tasks"].items():
        r = by_task.get(task)
        if r is None:
            res["count_mismatches"].append(f"{task}: missing")
            continue
        for k in COUNT_KEYS:
            v = num(r.get(k))
            if v is None or int(round(v)) != t[k] or abs(v - round(v)) > 1e-9:
                res["count_mismatches"].append(f"{task}.{k}: {r.get(k)} != {t[k]}")
        for k, tk in METRIC_TRUTH.items():
            if k in r and t.get(tk) is not None:
                v = num(r.get(k))
                if v is None or abs(v - t[tk]) > 1e-6 * abs(t[tk]) + 5e-7:  # outputs may round to 6 decimals
                    res["metric_mismatches"].append(f"{task}.{k}: {r.get(k)} != {t[tk]:.9g}")
    extra = sorted(set(by_task) - set(truth["tasks"]))
    if extra:
        res["count_mismatches"].append(f"unexpected tasks {extra[:5]}")
    res["ok"] = not res["count_mismatches"]
    return res


def compare_metrics(a: list[dict] | None, b: list[dict] | None) -> dict:
    """Largest relative difference per metric between two per-task tables (informational)."""
    if not a or not b:
        return {}
    ia = {str(r.get("task")): r for r in a}
    out = {}
    for r in b:
        ra = ia.get(str(r.get("task")))
        if not ra:
            continue
        for m in COMPARE_METRICS:
            x, y = num(ra.get(m)), num(r.get(m))
            if x is None or y is None:
                continue
            d = abs(x - y) / max(abs(y), 1e-12)
            out[m] = max(out.get(m, 0.0), d)
    return out


def uxcli_available() -> tuple[bool, str]:
    """uxcli counts as available when `import uxcli.cli` works and `python -m uxcli --help` exits 0."""
    for probe in ([PY, "-c", "import uxcli.cli"], [PY, "-m", "uxcli", "--help"]):
        r = subprocess.run(probe, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
            return False, f"`{' '.join(probe[1:])}` failed: {last}"
    return True, ""


def compile_bytecode() -> None:
    """Compile uxcli's modules to bytecode before timing, as `pip install` does: where PYTHONDONTWRITEBYTECODE
    is set (many CI and container images), a source checkout would otherwise compile every module anew on each
    run (~0.1 s a run), a cost the peers, installed from wheels with their bytecode, never pay."""
    compileall.compile_dir(os.path.join(ROOT, "uxcli"), quiet=1)


def version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_facts() -> dict:
    mem = "?"
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count()
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "uxcli"], cwd=ROOT, capture_output=True, text=True)
    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "nproc": ncpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ["uxcli", "pyarrow", "pandas", "numpy", "duckdb", "typer", "rich"]},
        "git": (git.stdout.strip() or "no commits")
        + (" (uxcli/ has uncommitted changes)" if dirty.stdout.strip() else ""),
    }


def median_or_none(xs):
    return statistics.median(xs) if xs else None


# ------------------------------------------------------------------------------------------------ phases
def ensure_parquet(csv_path: str) -> str:
    """The quirky log as Parquet (bench/generate.py --to-parquet), made once and reused while newer than the CSV."""
    path = os.path.splitext(csv_path)[0] + ".parquet"
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(csv_path):
        print(f"[data] converting to {os.path.relpath(path, ROOT)}...", flush=True)
        m = measure([PY, os.path.join(BENCH, "generate.py"), "--to-parquet", csv_path], timeout=4 * 3600)
        if m["rc"]:
            raise SystemExit(f"Parquet conversion failed for {csv_path}: {m['stderr'][-1000:]}")
    return path


def bench_size(
    n: int, args, ux_ok: bool, ux_why: str, out_dir: str, quirky: bool = False, parquet: bool = False
) -> dict:
    path = data_path(args.data_dir, n, args.seed, quirky)
    truth = dict(ensure_data(path, n, args.seed, quirky))
    tag = size_label(n) + ("_quirky" if quirky else "") + ("_parquet" if parquet else "")
    if parquet:  # the same events (the CSV's truth), read by row group
        path = ensure_parquet(path)
        truth["bytes"] = os.path.getsize(path)
    warm_page_cache(path)
    tools = {}
    if ux_ok:
        tools["uxcli"] = [PY, "-m", "uxcli", "summary", path, "--unit", "attempt", "--format", "csv"]
    if ux_ok and args.with_whole:  # uxcli's whole-file (in-memory) reader: the "before" of the streaming engine
        tools["uxcli_whole"] = [
            PY,
            "-m",
            "uxcli",
            "summary",
            path,
            "--unit",
            "attempt",
            "--format",
            "csv",
            "--engine",
            "whole",
        ]
    tools["duckdb"] = [PY, os.path.join(BENCH, "duckdb_summary.py"), path]
    tools["polars"] = [PY, os.path.join(BENCH, "polars_summary.py"), path]
    tools["floor"] = [PY, os.path.join(BENCH, "pyarrow_floor.py"), path]
    tools["floor_stream"] = [PY, os.path.join(BENCH, "pyarrow_floor.py"), path, "--stream"]
    tools = {k: v for k, v in tools.items() if k not in args.skip}
    res = {
        "events": truth["events"],
        "events_requested": n,
        "quirky": quirky,
        "parquet": parquet,
        "bytes": truth["bytes"],
        "participants": truth["participants"],
        "file": os.path.relpath(path, ROOT),
        "generation_seconds": truth.get("generation_seconds"),
        "tools": {},
        "checks": {},
    }
    if not ux_ok and "uxcli" not in args.skip:
        res["tools"]["uxcli"] = {"ok": False, "skipped": True, "error": f"uxcli not importable: {ux_why}"}
    runs = {k: [] for k in tools}
    outputs = {}
    for _ in range(args.warmup):  # untimed: bytecode, page cache, allocator/VM memory state
        for cmd in tools.values():
            measure(cmd)
    for i in range(args.runs):
        for name, cmd in tools.items():
            so = os.path.join(out_dir, f"{name}_{tag}.out") if i == 0 else None
            m = measure(cmd, so)
            runs[name].append(m)
            if so:
                outputs[name] = so
            status = "ok" if m["rc"] == 0 else f"EXIT {m['rc']}"
            print(
                f"[{human(n)}] {name:12s} run {i + 1}/{args.runs}: {m['wall']:7.2f} s wall "
                f"{m['cpu']:7.2f} s cpu {m['rss_mb']:8.0f} MiB  {status}",
                flush=True,
            )
            if m["rc"] != 0:
                print("    " + m["stderr"].strip().replace("\n", "\n    ")[-1500:], flush=True)
    for name, ms in runs.items():
        good = [m for m in ms if m["rc"] == 0]
        res["tools"][name] = {
            "ok": len(good) == len(ms),
            "walls": [round(m["wall"], 3) for m in ms],
            "wall_median": median_or_none([m["wall"] for m in good]),
            "cpu_median": median_or_none([m["cpu"] for m in good]),
            "rss_mb": max((m["rss_mb"] for m in good), default=None),
            "error": next(
                (m["stderr"].strip().splitlines()[-1] for m in ms if m["rc"] != 0 and m["stderr"].strip()),
                "" if len(good) == len(ms) else "non-zero exit",
            ),
        }

    # correctness
    if "uxcli" in outputs and "uxcli_whole" in outputs:  # both engines must print the very same bytes
        with open(outputs["uxcli"], "rb") as a, open(outputs["uxcli_whole"], "rb") as b:
            same = a.read() == b.read()
        res["checks"]["uxcli_whole"] = {
            "tool": "uxcli --engine whole vs streaming",
            "ok": same,
            "count_mismatches": [],
            "metric_mismatches": [],
            "note": "byte-identical CSV output" if same else "the two engines' CSV outputs differ",
        }
        print(f"[{human(n)}] check engines: {'PASS' if same else 'FAIL'}", flush=True)
    duck_recs = None
    if "duckdb" in outputs and res["tools"]["duckdb"]["ok"]:
        with open(outputs["duckdb"]) as fh:
            duck_recs = json.load(fh)
        res["checks"]["duckdb"] = check_counts(duck_recs, truth, "duckdb")
    if "polars" in outputs and res["tools"]["polars"]["ok"]:
        with open(outputs["polars"]) as fh:
            res["checks"]["polars"] = check_counts(json.load(fh), truth, "polars")
    ux_recs = None
    if "uxcli" in tools:
        so = os.path.join(out_dir, f"uxcli_{tag}.json")
        m = measure([PY, "-m", "uxcli", "summary", path, "--unit", "attempt", "--format", "json"], so)
        if m["rc"] != 0:
            res["checks"]["uxcli"] = {
                "tool": "uxcli",
                "ok": False,
                "count_mismatches": [],
                "metric_mismatches": [],
                "note": f"--format json exited {m['rc']}: " + (m["stderr"].strip().splitlines() or [""])[-1],
            }
        else:
            try:
                with open(so) as fh:
                    ux_recs = find_records(json.load(fh))
            except ValueError as exc:
                ux_recs = None
                print(f"    uxcli json output is not JSON: {exc}")
            res["checks"]["uxcli"] = check_counts(ux_recs, truth, "uxcli")
        if "uxcli" in outputs and res["tools"]["uxcli"]["ok"]:
            csv_recs = read_csv_records(outputs["uxcli"])
            res["checks"]["uxcli_csv"] = check_counts(csv_recs, truth, "uxcli --format csv")
        res["uxcli_vs_duckdb_metrics"] = compare_metrics(ux_recs, duck_recs)
    for name, c in res["checks"].items():
        verdict = "PASS" if c["ok"] else "FAIL"
        detail = "; ".join((c["count_mismatches"] + c["metric_mismatches"])[:6]) or c.get("note", "")
        print(f"[{human(n)}] check {name}: {verdict} {detail}", flush=True)

    # ratios
    t = res["tools"]

    def ratio(a, b, key):
        x, y = t.get(a, {}).get(key), t.get(b, {}).get(key)
        return x / y if x and y else None

    faster = min(("duckdb", "polars"), key=lambda k: t.get(k, {}).get("wall_median") or float("inf"))
    leaner = min(("duckdb", "polars"), key=lambda k: t.get(k, {}).get("rss_mb") or float("inf"))
    res["ratios"] = {
        "faster": faster,
        "leaner": leaner,
        "wall_vs_best": ratio("uxcli", faster, "wall_median"),
        "rss_vs_best": ratio("uxcli", leaner, "rss_mb"),
        "wall_vs_polars": ratio("uxcli", "polars", "wall_median"),
        "rss_vs_polars": ratio("uxcli", "polars", "rss_mb"),
        "wall_vs_duckdb": ratio("uxcli", "duckdb", "wall_median"),
        "wall_vs_floor": ratio("uxcli", "floor", "wall_median"),
        "rss_vs_duckdb": ratio("uxcli", "duckdb", "rss_mb"),
        "duckdb_vs_floor": ratio("duckdb", "floor", "wall_median"),
        "wall_vs_floor_stream": ratio("uxcli", "floor_stream", "wall_median"),
        # CPU time is steadier than wall time on a shared VM: shown next to the wall-time targets
        "cpu_vs_duckdb": ratio("uxcli", "duckdb", "cpu_median"),
        "cpu_vs_floor": ratio("uxcli", "floor", "cpu_median"),
        "whole_wall_vs_stream": ratio("uxcli_whole", "uxcli", "wall_median"),
        "whole_rss_vs_stream": ratio("uxcli_whole", "uxcli", "rss_mb"),
    }
    return res


def bench_help(args, ux_ok: bool) -> dict:
    cmds = {"typer_minimal": [PY, os.path.join(BENCH, "minimal_typer_app.py"), "--help"]}
    if ux_ok:
        cmds["uxcli"] = [PY, "-m", "uxcli", "--help"]
    for c in cmds.values():  # warm-up (bytecode compilation, page cache)
        measure(c)
    runs = {k: [] for k in cmds}
    for _ in range(args.help_runs):
        for k, c in cmds.items():
            runs[k].append(measure(c))
    out = {}
    for k, ms in runs.items():
        good = [m for m in ms if m["rc"] == 0]
        out[k] = {
            "ok": len(good) == len(ms),
            "wall_median": median_or_none([m["wall"] for m in good]),
            "rss_mb": max((m["rss_mb"] for m in good), default=None),
            "error": next((m["stderr"].strip().splitlines()[-1] for m in ms if m["rc"]), ""),
        }
        print(
            f"[help] {k:14s} median {out[k]['wall_median'] or float('nan'):.3f} s over {len(ms)} runs  "
            f"{out[k]['rss_mb'] or 0:.0f} MiB",
            flush=True,
        )
    if ux_ok and out["uxcli"]["wall_median"] and out["typer_minimal"]["wall_median"]:
        out["ratio"] = out["uxcli"]["wall_median"] / out["typer_minimal"]["wall_median"]
    return out


def bench_100m(args, ux_ok: bool, ux_why: str, out_dir: str) -> dict:
    n = 100_000_000
    big_dir = args.big_dir or args.data_dir
    os.makedirs(big_dir, exist_ok=True)
    path = data_path(big_dir, n, args.seed, quirky=True)
    free = shutil.disk_usage(big_dir).free
    if free < 5e9 and not os.path.exists(path):
        return {"skipped": f"only {free / 1e9:.1f} GB free in {big_dir}; need ~4 GB"}
    res = {"tools": {}, "reused": os.path.exists(path) and os.path.exists(path + ".truth.json"), "kept": args.keep_100m}
    try:
        t0 = time.perf_counter()
        truth = ensure_data(path, n, args.seed, quirky=True)
        res.update(
            events=truth["events"],
            bytes=truth["bytes"],
            generation_wall=time.perf_counter() - t0,
            generation_rss_mb=truth.get("generation_rss_mb"),
            events_requested=n,
        )
        warm_page_cache(path)
        cmds = {}
        if ux_ok:
            cmds["uxcli"] = [PY, "-m", "uxcli", "summary", path, "--unit", "attempt", "--format", "json"]
        if args.floor_100m:
            cmds["floor_stream"] = [PY, os.path.join(BENCH, "pyarrow_floor.py"), path, "--stream"]
        for name, cmd in cmds.items():
            so = os.path.join(out_dir, f"{name}_1e8.out")
            m = measure(cmd, so, timeout=3 * 3600)
            print(
                f"[100M] {name:12s} {m['wall']:7.1f} s wall {m['cpu']:7.1f} s cpu {m['rss_mb']:8.0f} MiB  "
                f"rc={m['rc']} {m['killed']}",
                flush=True,
            )
            res["tools"][name] = {
                "ok": m["rc"] == 0,
                "wall_median": m["wall"],
                "rss_mb": m["rss_mb"],
                "cpu_median": m["cpu"],
                "walls": [round(m["wall"], 3)],
                "error": m["killed"] or ((m["stderr"].strip().splitlines() or [""])[-1] if m["rc"] else ""),
            }
            if name == "uxcli" and m["rc"] == 0:
                try:
                    with open(so) as fh:
                        recs = find_records(json.load(fh))
                except ValueError:
                    recs = None
                res["check"] = check_counts(recs, truth, "uxcli")
                print(f"[100M] check uxcli: {'PASS' if res['check']['ok'] else 'FAIL'}", flush=True)
        if not ux_ok:
            res["tools"]["uxcli"] = {"ok": False, "skipped": True, "error": f"uxcli not importable: {ux_why}"}
    finally:
        if not args.keep_100m:
            for p in (path, path + ".truth.json", path + ".partial"):
                if os.path.exists(p):
                    os.remove(p)
            print("[100M] deleted the 100M-event file", flush=True)
    return res


# ------------------------------------------------------------------------------------------------ report
def fmt(x, spec=".2f", none="–"):
    return none if x is None else format(x, spec)


def verdict(ratio, target, judged: bool = True):
    """A ratio with its verdict against the target; ``judged`` False: shown for information only."""
    if ratio is None:
        return "n/a"
    if not judged:
        return f"{ratio:.2f} (info)"
    return f"{ratio:.2f} {'✅' if ratio <= target else '❌'}"


def write_report(
    path: str, facts: dict, sizes: list[dict], helpres: dict | None, big: dict | None, args, ux_ok: bool, ux_why: str
) -> None:
    L = []
    L.append("# uxcli benchmark results\n")
    L.append(
        f"Generated by `python bench/run.py {' '.join(sys.argv[1:])}`".rstrip() + " — see "
        "[README.md](README.md) for what is measured and how to read it.\n"
    )
    L.append("## Machine\n")
    v = facts["versions"]
    L.append(f"- date: {facts['date']}")
    L.append(f"- CPU: {facts['cpu']}, {facts['nproc']} cores; memory {facts['memory']}; {facts['os']}")
    L.append(
        f"- Python {facts['python']}; pyarrow {v['pyarrow']}; pandas {v['pandas']}; numpy {v['numpy']}; "
        f"duckdb {v['duckdb']}; typer {v['typer']}; rich {v['rich']}"
    )
    L.append(
        f"- uxcli: {'importable, bytecode compiled before timing (as pip install does)' if ux_ok else 'NOT importable (' + ux_why + ')'}; git {facts['git']}"
    )
    busy = facts["load_start"] > 0.5  # at the end the benchmark's own processes are in the figure
    L.append(
        f"- 1-minute load average at start / end: {facts['load_start']:.2f} / {facts['load_end']:.2f} "
        "(the end figure counts the benchmark's own processes)"
        + (" ⚠ the machine was busy when the run began: timings are noisy, rerun on an idle machine" if busy else "")
    )
    L.append(f"- runs per measurement: {args.runs} (median wall time; peak RSS = max over runs)")
    L.append(
        f"- peak RSS measured with {facts['rss_method']}; benchmark runner's own peak RSS "
        f"{facts.get('runner_rss_mb', 0):.0f} MiB\n"
    )

    L.append("## Wall time and peak memory\n")
    L.append("| events | file MB | tool | median wall s | all runs s | median CPU s (user+sys) | peak RSS MiB |")
    L.append("|---:|---:|---|---:|---|---:|---:|")
    names = {
        "uxcli": "uxcli summary",
        "duckdb": "DuckDB SQL",
        "floor": "pyarrow read_csv (floor)",
        "floor_stream": "pyarrow open_csv streaming (floor)",
        "uxcli_whole": "uxcli summary --engine whole (in-memory, before)",
        "polars": "Polars lazy scan_csv (streaming engine)",
    }
    parquet_names = {
        "polars": "Polars lazy scan_parquet (streaming engine)",
        "duckdb": "DuckDB SQL (read_parquet)",
        "floor": "pyarrow.parquet read_table (floor)",
        "floor_stream": "pyarrow.parquet iter_batches (floor)",
    }
    rows = list(sizes) + ([big] if big and "tools" in big else [])
    for s in rows:
        for tool, r in s["tools"].items():
            name_of = {**names, **parquet_names} if s.get("parquet") else names
            if r.get("skipped") or not r.get("ok"):
                L.append(
                    f"| {label(s) if s is not big else '100M'} "
                    f"| {s['bytes'] / 1e6:.0f} | {name_of.get(tool, tool)} | – | {r.get('error', 'failed')} | – | – |"
                )
                continue
            walls = ", ".join(f"{w:.2f}" for w in r["walls"])
            L.append(
                f"| {label(s) if s is not big else '100M'} | {s['bytes'] / 1e6:.0f} "
                f"| {name_of.get(tool, tool)} | {fmt(r['wall_median'])} | {walls} | {fmt(r.get('cpu_median'))} "
                f"| {fmt(r['rss_mb'], '.0f')} |"
            )
    L.append("")

    L.append("## Targets\n")
    L.append(
        f"Targets apply to the {human(TARGET_SIZE)}-event file; smaller sizes are shown for information "
        "(start-up time dominates there).\n"
    )
    L.append(
        "| events | uxcli / faster of DuckDB, Polars wall (≤ 0.8) | uxcli / floor wall (≤ 1.3) "
        "| uxcli / leaner of DuckDB, Polars peak RSS (≤ 0.5) | uxcli / DuckDB wall | uxcli / Polars wall "
        "| uxcli / streaming floor wall | DuckDB / floor wall | uxcli / DuckDB CPU | uxcli / floor CPU |"
    )
    L.append("|---:|---|---|---|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        r = s["ratios"]
        judged = s.get("events_requested") == TARGET_SIZE
        L.append(
            f"| {label(s)} | {verdict(r['wall_vs_best'], TARGETS['wall_vs_duckdb'], judged)} ({r['faster']}) "
            f"| {verdict(r['wall_vs_floor'], TARGETS['wall_vs_floor'], judged)} "
            f"| {verdict(r['rss_vs_best'], TARGETS['rss_vs_duckdb'], judged)} ({r['leaner']}) "
            f"| {fmt(r['wall_vs_duckdb'])} | {fmt(r.get('wall_vs_polars'))} | {fmt(r.get('wall_vs_floor_stream'))} "
            f"| {fmt(r['duckdb_vs_floor'])} | {fmt(r.get('cpu_vs_duckdb'))} | {fmt(r.get('cpu_vs_floor'))} |"
        )
    L.append("")
    if any(s["ratios"].get("whole_wall_vs_stream") for s in sizes):
        L.append(
            "Before/after: uxcli's whole-file (in-memory) reader (`--engine whole`) against the streaming engine "
            "(the default for event logs of 16 MB and more):\n"
        )
        L.append("| events | whole / streaming wall | whole / streaming peak RSS |")
        L.append("|---:|---:|---:|")
        for s in sizes:
            r = s["ratios"]
            L.append(f"| {label(s)} | {fmt(r.get('whole_wall_vs_stream'))} | {fmt(r.get('whole_rss_vs_stream'))} |")
        L.append("")
    if helpres:
        t, u = helpres.get("typer_minimal", {}), helpres.get("uxcli")
        L.append(
            "Start-up (`--help`, median of "
            f"{args.help_runs} runs): minimal Typer app {fmt(t.get('wall_median'), '.3f')} s "
            f"({fmt(t.get('rss_mb'), '.0f')} MiB); "
            + (
                f"`python -m uxcli --help` {fmt(u.get('wall_median'), '.3f')} s ({fmt(u.get('rss_mb'), '.0f')} MiB)"
                f" → ratio {verdict(helpres.get('ratio'), TARGETS['help_vs_typer'])} (target ≤ 1.3)"
                if u
                else "uxcli not importable → n/a"
            )
            + "\n"
        )

    L.append("## Memory as the input grows (uxcli peak RSS)\n")
    L.append("| events | CSV MB | uxcli peak RSS MiB | RSS / CSV size |")
    L.append("|---:|---:|---:|---:|")
    for s in rows:
        r = s["tools"].get("uxcli", {})
        rss = r.get("rss_mb") if r.get("ok") else None
        lab = label(s) if s is not big else "100M"
        L.append(
            f"| {lab} | {s['bytes'] / 1e6:.0f} | {fmt(rss, '.0f', r.get('error', '–') or '–')} "
            f"| {fmt(rss * 2**20 / s['bytes'] if rss else None, '.2f')} |"
        )
    if big:
        if big.get("skipped"):
            L.append(f"\n100M events: skipped — {big['skipped']}")
        else:
            ux10 = next(
                (s["tools"].get("uxcli", {}).get("rss_mb") for s in sizes if s["events_requested"] == TARGET_SIZE), None
            )
            ux100 = big["tools"].get("uxcli", {}).get("rss_mb") if big["tools"].get("uxcli", {}).get("ok") else None
            ux_big = big["tools"].get("uxcli", {})
            if ux_big.get("error", "").startswith("killed"):
                L.append(f"\nBounded memory: ❌ uxcli on 100M events was {ux_big['error']}.")
            elif ux10 and ux100:
                within = ux100 * 2**20 <= 1e9
                L.append(
                    f"\n100M events (quirky) in at most 1 GB peak memory: {ux100:.0f} MiB "
                    f"({ux100 * 2**20 / 1e9:.2f} GB) {'✅' if within else '❌'}; counts "
                    f"{'exact' if big.get('check', {}).get('ok') else 'NOT exact'} against the generator. "
                    f"(100M peak / 10M peak: {ux100 / ux10:.2f}×: what grows is per participant, and the 100M log has "
                    "ten times as many.)"
                )
            else:
                L.append("\nBounded memory: n/a (needs uxcli results at 10M and 100M).")
        if not big.get("skipped"):
            made = (
                "reused from an earlier run of the generator (same seed, size and bytes)"
                if big.get("reused")
                else f"generated in {big['generation_wall']:.0f} s (generator peak RSS "
                f"{fmt(big.get('generation_rss_mb'), '.0f')} MiB)"
            )
            kept = "kept (`--keep-100m`)" if big.get("kept") else "deleted afterwards"
            L.append(
                f"\nThe 100M-event file ({big['events']:,} events, {big['bytes'] / 1e9:.2f} GB) was {made} and {kept}."
            )
    else:
        L.append("\n100M events: not run (use `--with-100m`).")
    L.append("")

    L.append("## Correctness (per-task counts equal the generator's exact counts)\n")
    L.append("| events | tool | result | details |")
    L.append("|---:|---|---|---|")
    for s in sizes:
        for c in s["checks"].values():
            det = (
                "; ".join((c["count_mismatches"] + c["metric_mismatches"])[:4])
                or c.get("note")
                or (
                    "attempts, successes, failures, abandons, errors_total exact; clicks_mean, time_geomean, "
                    "time_mean of successes within 1e-6"
                )
            )
            L.append(f"| {label(s)} | {c['tool']} | {'PASS' if c['ok'] else 'FAIL'} | {det} |")
        if "uxcli" not in s["checks"]:
            L.append(f"| {label(s)} | uxcli | not run | {s['tools'].get('uxcli', {}).get('error', 'skipped')} |")
    if big and big.get("check"):
        c = big["check"]
        L.append(
            f"| 100M | uxcli | {'PASS' if c['ok'] else 'FAIL'} | "
            f"{'; '.join(c['count_mismatches'][:4]) or c.get('note') or 'exact'} |"
        )
    L.append("")
    diffs = [(s, s.get("uxcli_vs_duckdb_metrics")) for s in sizes if s.get("uxcli_vs_duckdb_metrics")]
    if diffs:
        L.append(
            "Largest relative difference between uxcli's and DuckDB's per-task metrics (informational; "
            "definitions may differ, e.g. error_rate):\n"
        )
        L.append("| events | " + " | ".join(COMPARE_METRICS) + " |")
        L.append("|---:|" + "---:|" * len(COMPARE_METRICS))
        for s, d in diffs:
            L.append(f"| {label(s)} | " + " | ".join(fmt(d.get(m), ".1e") for m in COMPARE_METRICS) + " |")
        L.append("")
    L.append("## Data\n")
    for s in sizes:
        L.append(
            f"- {label(s)}: `{s['file']}` — {s['events']:,} events, "
            f"{s['participants']:,} participants, {s['bytes'] / 1e6:.0f} MB, generated in "
            f"{fmt(s.get('generation_seconds'), '.1f')} s (seed {args.seed})"
        )
    L.append("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="uxcli performance benchmark (see bench/README.md)")
    ap.add_argument("--sizes", default="1e6,1e7", help="comma-separated event counts (default 1e6,1e7)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool and size (>= 3 for the record)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed rounds of every tool before timing (default 1)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--with-100m",
        action="store_true",
        help="also generate a 100M-event log on the fly, run uxcli once on it, then delete it",
    )
    ap.add_argument(
        "--floor-100m", action="store_true", help="with --with-100m, also time pyarrow's streaming CSV reader on it"
    )
    ap.add_argument("--keep-100m", action="store_true", help="do not delete the 100M-event file")
    ap.add_argument("--big-dir", default=None, help="directory for the 100M file (default: --data-dir)")
    ap.add_argument("--help-runs", type=int, default=10, help="runs of each --help timing (default 10)")
    ap.add_argument("--skip", default="", help="comma-separated tools to skip: uxcli,duckdb,floor,floor_stream,help")
    ap.add_argument(
        "--with-whole",
        action="store_true",
        help="also time uxcli's whole-file reader (--engine whole, the 'before') and check both engines "
        "print identical output",
    )
    ap.add_argument(
        "--rss-method",
        choices=["auto", "wait4"],
        default="auto",
        help="peak RSS from GNU /usr/bin/time when present (auto), or from os.wait4 rusage",
    )
    ap.add_argument(
        "--max-rss-gb",
        type=float,
        default=8.0,
        help="kill a measured process whose RSS exceeds this many GiB (default 8)",
    )
    ap.add_argument("--no-parquet", action="store_true", help="skip the Parquet copy of the quirky log")
    ap.add_argument("--data-dir", default=os.path.join(BENCH, "data"))
    ap.add_argument("--out", default=os.path.join(BENCH, "RESULTS.md"))
    args = ap.parse_args(argv)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    global GNU_TIME, MAX_RSS_KB
    GNU_TIME = gnu_time() if args.rss_method == "auto" else None
    MAX_RSS_KB = int(args.max_rss_gb * 2**20)
    if args.runs < 3:
        print("warning: fewer than 3 runs; medians are not meaningful for the record", file=sys.stderr)
    os.makedirs(args.data_dir, exist_ok=True)
    out_dir = os.path.join(args.data_dir, "outputs")
    os.makedirs(out_dir, exist_ok=True)

    facts = machine_facts()
    facts["load_start"] = os.getloadavg()[0]
    ux_ok, ux_why = (False, "skipped by --skip") if "uxcli" in args.skip else uxcli_available()
    print(f"[setup] uxcli {'importable' if ux_ok else 'NOT importable: ' + ux_why}", flush=True)
    if ux_ok:
        compile_bytecode()
    t0 = time.perf_counter()
    sizes = [
        bench_size(parse_size(s), args, ux_ok, ux_why, out_dir, quirky, parquet)
        for s in args.sizes.split(",")
        if s.strip()
        for quirky, parquet in ((False, False), (True, False), (True, True))  # clean, quirky, quirky as Parquet
        if not (parquet and args.no_parquet)
    ]
    helpres = None if "help" in args.skip else bench_help(args, ux_ok)
    big = bench_100m(args, ux_ok, ux_why, out_dir) if args.with_100m else None
    facts["rss_method"] = (
        "GNU time %M (/usr/bin/time)"
        if GNU_TIME
        else "os.wait4 ru_maxrss (values below the runner's own RSS are floors)"
    )
    facts["load_end"] = os.getloadavg()[0]
    facts["runner_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    facts["benchmark_seconds"] = round(time.perf_counter() - t0, 1)
    write_report(args.out, facts, sizes, helpres, big, args, ux_ok, ux_why)
    with open(os.path.join(args.data_dir, "results.json"), "w") as fh:
        json.dump({"facts": facts, "sizes": sizes, "help": helpres, "100m": big}, fh, indent=1, default=str)
    print(f"[done] {facts['benchmark_seconds']:.0f} s; wrote {os.path.relpath(args.out, ROOT)}", flush=True)
    failed = any(not c["ok"] for s in sizes for c in s["checks"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
