#!/usr/bin/env python3
"""Seeded generator of synthetic usability-test event logs for benchmarking uxcli.

    python bench/generate.py --events 10000000 --out bench/data/events_1e7_s42.csv [--seed 42]

Writes an event-log CSV with the header ``participant,variant,task,timestamp,event`` and, next to it,
``PATH.truth.json`` holding the exact per-task counts that were generated, so any tool's output can be
checked against them.

Shape of the data
-----------------
* participants ``P000001``, ``P000002``, ...; variant A/B alternating by participant (P000001 is A);
* each participant does the 12 tasks ``T01``..``T12`` in order;
* ~10 % of participant x task pairs are retried: a pair whose first attempt failed gets, with probability
  ~0.74, a second ``start`` (so attempt-level outcome shares stay ~0.75 / 0.15 / 0.10);
* an attempt is ``start``, then its clicks and errors interleaved at random increasing times, then one
  terminal event (``success`` / ``failure`` / ``abandon``);
* clicks ~ Poisson(task mean, overall ~8), errors ~ Poisson(task mean, overall ~0.5) (drawn as a Poisson
  total split by thinning, which gives exactly these two independent Poisson counts);
* outcome probabilities depend on the task (overall ~ success 0.75 / failure 0.15 / abandon 0.10);
  variant B succeeds slightly more often and is slightly faster;
* time on task ~ lognormal (median ~60 s, sigma 0.6), varying by task and outcome;
* timestamps are Unix-epoch seconds with exactly 3 decimals (integer milliseconds internally), strictly
  increasing within a participant (at least 1 ms apart), with >= 1 s between attempts;
* the number of participants is chosen so that the expected number of events is ``--events``.

Quirks (``--quirky``): what real recorders write, at these rates, each drawn independently
-----------------------------------------------------------------------------------------
* exact repeats: ~2 per 100,000 events are written twice (a recorder double-logging); uxcli sets a
  repeated start or end aside and counts a repeated click or error, so the truth counts those twice;
* out of time order: ~1 per 10,000 events (a click or error) swaps places in the file with the next event
  of its attempt (times stay with their rows);
* a ``target`` column (the element clicked); ~1 % of the targets hold a comma and are quoted
  (``"Add to cart, large"``), the others are plain;
* blank lines: ~1 per 100,000 lines; CRLF line ends throughout;
* ``--iso``: ISO 8601 timestamps in UTC with milliseconds (``2023-11-14T22:13:20.123Z``), not epoch seconds.

Parquet (``--parquet``, or ``--to-parquet CSV`` for a log already written): the same events as
``PATH.parquet`` (zstd, row groups of 1M rows; participant, variant, task, event and target strings,
timestamp float64 seconds), converted batch by batch from the CSV (blank lines are no rows there; repeats
and out-of-order events stay), so the CSV's truth file holds for it too.

Generation is vectorised with numpy in chunks of participants (each chunk has its own seeded stream,
so the output depends only on the seed and the participant count) and written with pyarrow's CSV
writer; memory stays bounded (a few hundred MB) whatever the size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HEADER = "participant,variant,task,timestamp,event\n"
QUIRKY_HEADER = "participant,variant,task,timestamp,event,target\r\n"
REPEAT_RATE = 2e-5  # events written twice
SWAP_RATE = 1e-4  # events swapped with the next one of their attempt
BLANK_RATE = 1e-5  # blank lines after a line
TARGETS = ["#nav", "button.buy", "a.help", "input#q", "li.item", "div.card", "img.logo", "span.price"]
QUOTED_TARGETS = ["Add to cart, large", "Size: S, M, L"]
QUOTED_RATE = 0.01
TASKS = [f"T{i:02d}" for i in range(1, 13)]
EVENTS = ["start", "click", "error", "success", "failure", "abandon"]  # codes 0..5; outcome o -> 3 + o
OUTCOMES = ["success", "failure", "abandon"]

# Per-task parameters (12 tasks). Means: clicks ~8, errors ~0.5, success ~0.75, abandon ~0.10.
CLICK_MEAN = np.array([5.0, 6.0, 7.0, 8.0, 8.0, 9.0, 10.0, 7.0, 6.0, 11.0, 12.0, 7.0])
ERROR_MEAN = np.array([0.2, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7, 0.4, 0.3, 0.8, 0.9, 0.4])
P_SUCCESS = np.array([0.90, 0.85, 0.80, 0.78, 0.75, 0.72, 0.70, 0.78, 0.82, 0.62, 0.55, 0.73])
P_ABANDON = np.array([0.04, 0.06, 0.08, 0.09, 0.10, 0.11, 0.12, 0.09, 0.07, 0.15, 0.20, 0.09])
TIME_MEDIAN = 60.0 * np.array([0.6, 0.8, 1.0, 1.0, 1.1, 1.2, 1.4, 0.9, 0.7, 1.5, 1.8, 1.0])
TIME_SIGMA = 0.6
OUTCOME_TIME_FACTOR = np.array([1.0, 1.3, 0.7])  # success, failure, abandon
VARIANT_B_SUCCESS_BONUS = 0.03  # taken from failure
VARIANT_B_TIME_FACTOR = 0.92
RETRY_P = 0.10
GAP_MEAN_S = 10.0  # between attempts, plus a fixed 1 s
EPOCH_BASE_MS = 1_700_000_000_000  # 2023-11-14
PARTICIPANT_SPACING_MS = 900_000  # participants start 15 min apart (+ jitter)
CHUNK_PARTICIPANTS = 20_000

N_TASKS = len(TASKS)


def _p_failure(is_b):
    return 1.0 - P_SUCCESS - P_ABANDON - VARIANT_B_SUCCESS_BONUS * is_b


# A pair is retried when its first attempt failed, with this probability: ~RETRY_P of all pairs are retried,
# and the overall attempt-level outcome shares stay at P_SUCCESS / failure / P_ABANDON on average.
RETRY_GIVEN_FAILURE = min(1.0, RETRY_P / float(np.mean((_p_failure(0) + _p_failure(1)) / 2)))


def expected_events_per_participant() -> float:
    """Expected events of one participant: per pair (1 + retry) attempts of (start + clicks + errors + end)."""
    p_retry = RETRY_GIVEN_FAILURE * (_p_failure(0) + _p_failure(1)) / 2
    return float(np.sum((1.0 + p_retry) * (2.0 + CLICK_MEAN + ERROR_MEAN)))


def participants_for(events: int) -> int:
    return max(1, int(round(events / expected_events_per_participant())))


def _chunk(rng: np.random.Generator, g0: int, n_part: int, quirky: bool = False, iso: bool = False):
    """Generate participants g0 .. g0+n_part-1 (0-based global index). Returns (table, stats)."""
    P = n_part
    gid = g0 + np.arange(P, dtype=np.int64)
    is_b = (gid % 2) == 1  # P000001 (gid 0) is A

    # participant x task pairs, then attempts (a retried pair has 2 attempts)
    n_pairs = P * N_TASKS
    pair_p = np.repeat(np.arange(P, dtype=np.int64), N_TASKS)
    pair_t = np.tile(np.arange(N_TASKS, dtype=np.int64), P)
    # outcome: 0 success, 1 failure, 2 abandon. Draw a first and a second outcome for every pair; a pair
    # whose first attempt failed is retried with probability RETRY_GIVEN_FAILURE.
    pair_b = is_b[pair_p]
    ps = P_SUCCESS[pair_t] + VARIANT_B_SUCCESS_BONUS * pair_b
    pab = P_ABANDON[pair_t]
    u = rng.random((2, n_pairs))
    pair_out = np.where(u < ps, 0, np.where(u < ps + pab, 2, 1)).astype(np.int64)
    retry = (pair_out[0] == 1) & (rng.random(n_pairs) < RETRY_GIVEN_FAILURE)
    n_att = 1 + retry.astype(np.int64)
    A = int(n_att.sum())
    att_pair = np.repeat(np.arange(n_pairs, dtype=np.int64), n_att)
    pair_first_att = np.cumsum(n_att) - n_att
    att_no = np.arange(A, dtype=np.int64) - pair_first_att[att_pair] + 1
    att_p = pair_p[att_pair]
    att_t = pair_t[att_pair]
    att_b = is_b[att_p]
    outcome = pair_out[att_no - 1, att_pair]

    # inner events (clicks + errors) by Poisson thinning
    lam = CLICK_MEAN[att_t] + ERROR_MEAN[att_t]
    m = rng.poisson(lam).astype(np.int64)

    # durations (ms) and attempt start/end times
    med = TIME_MEDIAN[att_t] * OUTCOME_TIME_FACTOR[outcome] * np.where(att_b, VARIANT_B_TIME_FACTOR, 1.0)
    dur = np.rint(np.exp(np.log(med) + TIME_SIGMA * rng.standard_normal(A)) * 1000.0).astype(np.int64)
    dur = np.maximum(dur, np.maximum(2000, m + 2))
    gap = 1000 + np.rint(rng.exponential(GAP_MEAN_S * 1000.0, A)).astype(np.int64)
    seg = gap + dur
    cseg = np.cumsum(seg)
    part_first_att = pair_first_att[::N_TASKS]  # first attempt of each participant
    base = cseg[part_first_att] - seg[part_first_att]
    pstart = EPOCH_BASE_MS + gid * PARTICIPANT_SPACING_MS + rng.integers(0, 600_000, P)
    a_end = pstart[att_p] + (cseg - base[att_p])
    a_start = a_end - dur

    # events: start, m inner, terminal
    n_ev = m + 2
    E = int(n_ev.sum())
    ev_att = np.repeat(np.arange(A, dtype=np.int64), n_ev)
    ev_first = np.cumsum(n_ev) - n_ev
    j = np.arange(E, dtype=np.int64) - ev_first[ev_att]
    last = n_ev[ev_att] - 1
    is_start = j == 0
    is_end = j == last
    inner = ~(is_start | is_end)
    p_err = (ERROR_MEAN[att_t] / lam)[ev_att]
    is_err = inner & (rng.random(E) < p_err)

    # strictly increasing offsets: normalised cumulative exponential gaps, floor, + position
    x = rng.standard_exponential(E)
    x[is_start] = 0.0
    cx = np.cumsum(x)
    cx -= cx[ev_first][ev_att]
    total = cx[(ev_first + n_ev - 1)][ev_att]
    frac = cx / total
    del x, cx, total
    room = (dur - (m + 1))[ev_att]
    off = np.floor(frac * room).astype(np.int64) + j
    off[is_end] = dur[ev_att][is_end]
    ts = a_start[ev_att] + off
    del frac, room, off

    code = np.where(is_start, 0, np.where(is_end, 3 + outcome[ev_att], np.where(is_err, 2, 1))).astype(np.int8)

    # --- quirks (file order and repeats; times stay with their events) ---
    rep = np.zeros(E, dtype=bool)
    row_order = np.arange(E, dtype=np.int64)
    if quirky:
        rep = rng.random(E) < REPEAT_RATE
        swap = inner & np.r_[ev_att[1:] == ev_att[:-1], False] & (rng.random(E) < SWAP_RATE)
        swap &= ~np.r_[False, swap[:-1]]  # no event moves twice
        at = np.flatnonzero(swap)
        row_order[at], row_order[at + 1] = at + 1, at
        row_order = np.repeat(row_order, 1 + rep[row_order])

    # --- exact counts (truth) ---
    errors_att = np.bincount(ev_att[is_err], minlength=A)
    clicks_att = m - errors_att
    if quirky:  # a repeated click or error is counted twice; a repeated start or end is set aside
        errors_att = errors_att + np.bincount(ev_att[is_err & rep], minlength=A)
        clicks_att = clicks_att + np.bincount(ev_att[inner & ~is_err & rep], minlength=A)
    succ = outcome == 0
    time_s = dur / 1000.0
    stats = {
        "attempts": np.bincount(att_t, minlength=N_TASKS),
        "successes": np.bincount(att_t[succ], minlength=N_TASKS),
        "failures": np.bincount(att_t[outcome == 1], minlength=N_TASKS),
        "abandons": np.bincount(att_t[outcome == 2], minlength=N_TASKS),
        "errors_total": np.bincount(att_t, weights=errors_att, minlength=N_TASKS),
        "attempts_with_errors": np.bincount(att_t[errors_att > 0], minlength=N_TASKS),
        "clicks_total": np.bincount(att_t, weights=clicks_att, minlength=N_TASKS),
        "clicks_success_sum": np.bincount(att_t[succ], weights=clicks_att[succ], minlength=N_TASKS),
        "time_success_sum": np.bincount(att_t[succ], weights=time_s[succ], minlength=N_TASKS),
        "log_time_success_sum": np.bincount(att_t[succ], weights=np.log(time_s[succ]), minlength=N_TASKS),
        "retries": np.bincount(att_t[att_no == 2], minlength=N_TASKS),
        "events": np.bincount(att_t, weights=n_ev, minlength=N_TASKS)
        + np.bincount(att_t[ev_att[rep]], minlength=N_TASKS),
        "attempts_B": np.bincount(att_t[att_b], minlength=N_TASKS),
        "successes_B": np.bincount(att_t[succ & att_b], minlength=N_TASKS),
    }

    # --- arrow table ---
    ev_p = att_p[ev_att]
    labels = pa.array([f"P{g + 1:06d}" for g in gid.tolist()], pa.string())
    participant = pa.DictionaryArray.from_arrays(pa.array(ev_p.astype(np.int32)), labels)
    variant = pa.DictionaryArray.from_arrays(pa.array(att_b[ev_att].astype(np.int8)), pa.array(["A", "B"]))
    task = pa.DictionaryArray.from_arrays(pa.array(att_t[ev_att].astype(np.int8)), pa.array(TASKS))
    dec = np.zeros((E, 2), dtype=np.int64)  # decimal128 little-endian: low 64 bits, high 64 bits (0)
    dec[:, 0] = ts
    timestamp = pa.Array.from_buffers(pa.decimal128(18, 3), E, [None, pa.py_buffer(dec)])
    event = pa.DictionaryArray.from_arrays(pa.array(code), pa.array(EVENTS))
    columns = [participant, variant, task, timestamp, event]
    names = ["participant", "variant", "task", "timestamp", "event"]
    if iso:
        stamps = pa.array(ts, pa.timestamp("ms", tz="UTC"))
        columns[3] = pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%SZ")
    if quirky:
        choice = rng.integers(0, len(TARGETS), E)
        quoted = rng.random(E) < QUOTED_RATE
        choice[quoted] = len(TARGETS) + rng.integers(0, len(QUOTED_TARGETS), int(quoted.sum()))
        choice[is_start | is_end] = len(TARGETS) + len(QUOTED_TARGETS)  # no target
        names.append("target")
        columns.append(
            pa.DictionaryArray.from_arrays(
                pa.array(choice.astype(np.int8)),
                pa.array([*TARGETS, *(f"@Q{i}@" for i in range(len(QUOTED_TARGETS))), ""]),
            )
        )
    table = pa.table(columns, names=names)
    if quirky:
        table = table.take(pa.array(row_order))
    return table, stats, len(row_order)


def _quirky_bytes(table: pa.Table, rng: np.random.Generator) -> bytes:
    """The table as CSV with CRLF line ends, quotes only where needed, and a few blank lines."""
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=1 << 16))
    data = sink.getvalue().to_pybytes()
    for i, target in enumerate(QUOTED_TARGETS):  # placeholders: pyarrow quotes every string or none
        data = data.replace(f"@Q{i}@".encode(), f'"{target}"'.encode())
    data = data.replace(b"\n", b"\r\n")
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    blank = ends[rng.random(len(ends)) < BLANK_RATE] + 1
    if not len(blank):
        return data
    parts, previous = [], 0
    for at in blank.tolist():
        parts += [data[previous:at], b"\r\n"]
        previous = at
    parts.append(data[previous:])
    return b"".join(parts)


def generate(
    events: int, out: str, seed: int = 42, quiet: bool = False, quirky: bool = False, iso: bool = False
) -> dict:
    n_participants = participants_for(events)
    t0 = time.perf_counter()
    acc: dict[str, np.ndarray] = {}
    total_events = 0
    wopts = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=1 << 16)
    tmp = out + ".partial"
    with open(tmp, "wb") as fh:
        fh.write((QUIRKY_HEADER if quirky else HEADER).encode())
        for ci, g0 in enumerate(range(0, n_participants, CHUNK_PARTICIPANTS)):
            n = min(CHUNK_PARTICIPANTS, n_participants - g0)
            rng = np.random.default_rng(np.random.SeedSequence([seed, ci]))
            table, stats, E = _chunk(rng, g0, n, quirky, iso)
            if quirky:
                fh.write(_quirky_bytes(table, rng))
            else:
                pacsv.write_csv(table, fh, wopts)
            del table
            total_events += E
            for k, v in stats.items():
                acc[k] = acc.get(k, 0) + v
            if not quiet and ci % 10 == 9:
                print(
                    f"  {g0 + n:,}/{n_participants:,} participants, {total_events:,} events, "
                    f"{time.perf_counter() - t0:.1f} s",
                    file=sys.stderr,
                )
    os.replace(tmp, out)
    elapsed = time.perf_counter() - t0

    int_keys = {
        "attempts",
        "successes",
        "failures",
        "abandons",
        "errors_total",
        "attempts_with_errors",
        "clicks_total",
        "clicks_success_sum",
        "retries",
        "events",
        "attempts_B",
        "successes_B",
    }
    per_task = {}
    for i, t in enumerate(TASKS):
        row = {}
        for k in [
            "attempts",
            "successes",
            "failures",
            "abandons",
            "errors_total",
            "attempts_with_errors",
            "clicks_total",
            "clicks_success_sum",
            "time_success_sum",
            "log_time_success_sum",
            "retries",
            "events",
            "attempts_B",
            "successes_B",
        ]:
            v = acc[k][i]
            row[k] = int(round(float(v))) if k in int_keys else float(v)
        s = row["successes"]
        row["time_geomean_success"] = math.exp(row["log_time_success_sum"] / s) if s else None
        row["time_mean_success"] = row["time_success_sum"] / s if s else None
        row["clicks_mean_success"] = row["clicks_success_sum"] / s if s else None
        per_task[t] = row
    truth = {
        "generator": "bench/generate.py",
        "seed": seed,
        "events_requested": events,
        "events": total_events,
        "participants": n_participants,
        "bytes": os.path.getsize(out),
        "header": (QUIRKY_HEADER if quirky else HEADER).strip(),
        "quirky": quirky,
        "iso": iso,
        "time_definition": "terminal timestamp - start timestamp, seconds (ms precision)",
        "tasks": per_task,
        "totals": {
            k: sum(r[k] for r in per_task.values())
            for k in [
                "attempts",
                "successes",
                "failures",
                "abandons",
                "errors_total",
                "clicks_success_sum",
                "retries",
                "events",
            ]
        },
        "generation_seconds": round(elapsed, 2),
    }
    assert truth["totals"]["events"] == total_events
    with open(out + ".truth.json", "w") as fh:
        json.dump(truth, fh, indent=1)
    return truth


def to_parquet(csv_path: str, out: str | None = None, row_group: int = 1 << 20) -> str:
    """Write the CSV's events as Parquet (PATH with .parquet), streamed batch by batch; return its path."""
    import pyarrow.parquet as pq

    out = out or os.path.splitext(csv_path)[0] + ".parquet"
    strings = {c: pa.string() for c in ("participant", "variant", "task", "event", "target")}
    reader = pacsv.open_csv(
        csv_path,
        read_options=pacsv.ReadOptions(block_size=16 << 20),
        convert_options=pacsv.ConvertOptions(column_types={**strings, "timestamp": pa.float64()}),
    )
    tmp = out + ".tmp"
    with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= row_group:
                writer.write_table(pa.Table.from_batches(pending), row_group_size=row_group)
                pending, rows = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=row_group)
    os.replace(tmp, out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=float, help="approximate number of events (e.g. 1e7)")
    ap.add_argument("--out", help="output CSV path (PATH.truth.json is written next to it)")
    ap.add_argument("--parquet", action="store_true", help="also write the events as PATH.parquet")
    ap.add_argument("--to-parquet", metavar="CSV", help="only convert this generated CSV to Parquet, and stop")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--quirky", action="store_true", help="repeats, out-of-order events, quoted targets, blank lines, CRLF"
    )
    ap.add_argument("--iso", action="store_true", help="ISO 8601 timestamps (UTC, milliseconds)")
    a = ap.parse_args(argv)
    if a.to_parquet:
        print(f"wrote {to_parquet(a.to_parquet)}", file=sys.stderr)
        return 0
    if a.events is None or a.out is None:
        ap.error("--events and --out are required (or --to-parquet CSV)")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    truth = generate(int(a.events), a.out, a.seed, a.quiet, a.quirky, a.iso)
    if a.parquet:
        to_parquet(a.out)
    print(
        f"wrote {a.out}: {truth['events']:,} events, {truth['participants']:,} participants, "
        f"{truth['bytes'] / 1e6:.1f} MB in {truth['generation_seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
