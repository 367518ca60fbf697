#!/usr/bin/env python3
"""Run bench/duckdb_summary.sql on an event-log CSV and print the per-task table as JSON (or CSV).

    python bench/duckdb_summary.py FILE [--format json|csv] [--threads N]

This is the DuckDB baseline of bench/run.py: the same per-task metrics as `uxcli summary`, computed the way a
researcher fluent in SQL would. DuckDB is a dev-only dependency of the benchmark, not of uxcli.
"""

import argparse
import csv
import json
import math
import os
import sys

import duckdb

SQL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb_summary.sql")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--format", choices=["json", "csv"], default="json")
    ap.add_argument("--threads", type=int, default=None, help="default: DuckDB's default (all cores)")
    a = ap.parse_args()
    with open(SQL_PATH) as fh:
        sql = fh.read()
    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    if a.file.endswith(".parquet"):  # the Parquet copy of the log: the same query on read_parquet
        start = sql.index("read_csv($path")
        end = sql.index("})", start) + 2
        sql = sql[:start] + "read_parquet($path)" + sql[end:]
    cur = con.execute(sql, {"path": a.file})
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if a.format == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        w.writerows(rows)
    else:
        recs = [
            {c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in zip(cols, r, strict=True)}
            for r in rows
        ]
        json.dump(recs, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
