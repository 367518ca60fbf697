#!/usr/bin/env python3
"""The Polars baseline of bench/run.py: per-task metrics from an event-log CSV with a lazy query
(``scan_csv``, run by Polars' streaming engine), as a researcher fluent in Polars would write it.

    python bench/polars_summary.py FILE

Same rules as bench/duckdb_summary.sql: attempt = running count of starts per participant + task by time;
an attempt ends at its first terminal event; a start or end repeated exactly (same participant, task, time
and event) is dropped, a repeated click or error counts. Polars is a dev-only dependency of the benchmark.
"""

import json
import sys

import polars as pl

TERMINAL = ["success", "failure", "abandon"]


def main() -> int:
    path = sys.argv[1]
    keys = ["participant", "task"]
    if path.endswith(".parquet"):  # the Parquet copy of the log (bench/generate.py --parquet)
        lf = pl.scan_parquet(path)
    else:
        lf = pl.scan_csv(path, schema_overrides={"timestamp": pl.Float64, "participant": pl.String, "task": pl.String})
    lf = lf.select("participant", "task", "timestamp", "event").sort([*keys, "timestamp", "event"])
    same = pl.all_horizontal(pl.col(c) == pl.col(c).shift() for c in [*keys, "timestamp", "event"]).fill_null(False)
    lf = lf.filter(~(same & pl.col("event").is_in(["start", *TERMINAL])))
    lf = lf.with_columns(attempt=(pl.col("event") == "start").cast(pl.Int32).cum_sum().over(keys))
    attempts = (
        lf.filter(pl.col("attempt") > 0)
        .group_by([*keys, "attempt"])
        .agg(
            t_start=pl.col("timestamp").filter(pl.col("event") == "start").min(),
            t_end=pl.col("timestamp").filter(pl.col("event").is_in(TERMINAL)).min(),
            outcome=pl.col("event").filter(pl.col("event").is_in(TERMINAL)).first(),
            errors=(pl.col("event") == "error").sum(),
            clicks=(pl.col("event") == "click").sum(),
        )
        .filter(pl.col("outcome").is_not_null())
        .with_columns(time=pl.col("t_end") - pl.col("t_start"))
    )
    success = pl.col("outcome") == "success"
    summary = (
        attempts.group_by("task")
        .agg(
            attempts=pl.len(),
            successes=success.sum(),
            failures=(pl.col("outcome") == "failure").sum(),
            abandons=(pl.col("outcome") == "abandon").sum(),
            errors_total=pl.col("errors").sum(),
            clicks_mean=pl.col("clicks").filter(success).mean(),
            time_geomean=pl.col("time").filter(success).log().mean().exp(),
            time_median=pl.col("time").filter(success).median(),
            time_mean=pl.col("time").filter(success).mean(),
        )
        .sort("task")
        .collect(engine="streaming")
    )
    json.dump(summary.to_dicts(), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
