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
import pyarrow.csv as pacsv

HEADER = "participant,variant,task,timestamp,event\n"
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


def _chunk(rng: np.random.Generator, g0: int, n_part: int):
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

    # --- exact counts (truth) ---
    errors_att = np.bincount(ev_att[is_err], minlength=A)
    clicks_att = m - errors_att
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
        "events": np.bincount(att_t, weights=n_ev, minlength=N_TASKS),
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
    table = pa.table(
        [participant, variant, task, timestamp, event], names=["participant", "variant", "task", "timestamp", "event"]
    )
    return table, stats, E


def generate(events: int, out: str, seed: int = 42, quiet: bool = False) -> dict:
    n_participants = participants_for(events)
    t0 = time.perf_counter()
    acc: dict[str, np.ndarray] = {}
    total_events = 0
    wopts = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=1 << 16)
    tmp = out + ".partial"
    with open(tmp, "wb") as fh:
        fh.write(HEADER.encode())
        for ci, g0 in enumerate(range(0, n_participants, CHUNK_PARTICIPANTS)):
            n = min(CHUNK_PARTICIPANTS, n_participants - g0)
            rng = np.random.default_rng(np.random.SeedSequence([seed, ci]))
            table, stats, E = _chunk(rng, g0, n)
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
        "header": HEADER.strip(),
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", required=True, type=float, help="approximate number of events (e.g. 1e7)")
    ap.add_argument("--out", required=True, help="output CSV path (PATH.truth.json is written next to it)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    truth = generate(int(a.events), a.out, a.seed, a.quiet)
    print(
        f"wrote {a.out}: {truth['events']:,} events, {truth['participants']:,} participants, "
        f"{truth['bytes'] / 1e6:.1f} MB in {truth['generation_seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
