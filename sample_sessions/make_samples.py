#!/usr/bin/env python3
"""Generate the uxcli sample study (checkout redesign of an online shop).

    python sample_sessions/make_samples.py          # (re)write every sample file, then check them
    python sample_sessions/make_samples.py --check  # only re-read the files and check they agree

The script is seeded and deterministic: running it again rewrites byte-identical files.
It uses only the standard library, plus PyYAML for layouts/study.yaml (if PyYAML is not
installed the YAML file is left as it is and a warning is printed).

All layouts are derived from ONE list of attempts built in `build_study()`, so the event log,
the attempt tables, the wide matrix and the YAML study describe the same attempts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML is optional
    yaml = None

SEED = 20261103
HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------
# Study design
# --------------------------------------------------------------------------------------------

STUDY_NAME = "Checkout redesign - online shop (A = current checkout, B = redesign)"

# task id -> metadata; dict order is the task order of every session
TASKS = OrderedDict(
    [
        (
            "find-product",
            {"title": "Find the Kettlo KS200 1.7 l stainless-steel kettle", "optimal_clicks": 4, "time_limit": 180},
        ),
        (
            "add-to-cart",
            {"title": "Add the kettle (colour: steel) to the cart", "optimal_clicks": 3, "time_limit": 120},
        ),
        (
            "apply-coupon",
            {"title": "Apply the coupon code AUTUMN10 to the order", "optimal_clicks": 4, "time_limit": 180},
        ),
        (
            "change-address",
            {
                "title": "Change the delivery address to the office address on the card",
                "optimal_clicks": 6,
                "time_limit": 180,
            },
        ),
        (
            "checkout",
            {"title": "Complete the purchase with the test credit card", "optimal_clicks": 8, "time_limit": 240},
        ),
    ]
)

CET = dt.timezone(dt.timedelta(hours=1))  # Europe/Berlin in November
EST = dt.timezone(dt.timedelta(hours=-5))  # America/New_York in November (remote session)

# participant, session, variant, local session start, time zone
PARTICIPANTS = [
    ("P01", "S1", "A", dt.datetime(2026, 11, 3, 10, 0, tzinfo=CET)),
    ("P02", "S2", "A", dt.datetime(2026, 11, 4, 14, 0, tzinfo=CET)),
    ("P03", "S3", "A", dt.datetime(2026, 11, 5, 10, 30, tzinfo=CET)),
    ("P04", "S4", "A", dt.datetime(2026, 11, 6, 9, 30, tzinfo=CET)),
    ("P05", "S5", "B", dt.datetime(2026, 11, 9, 10, 0, tzinfo=CET)),
    ("P06", "S6", "B", dt.datetime(2026, 11, 10, 9, 0, tzinfo=EST)),  # remote, New York
    ("P07", "S7", "B", dt.datetime(2026, 11, 11, 14, 0, tzinfo=CET)),
    ("P08", "S8", "B", dt.datetime(2026, 11, 12, 11, 0, tzinfo=CET)),
]

S, F, A = "success", "failure", "abandon"
# Outcome of every attempt, in order. A list of two is a retry (failure, then a new start that
# succeeds). A missing (participant, task) pair was not attempted (P03 ran late, the moderator
# skipped change-address).
PLAN = {
    "P01": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [F], "change-address": [S], "checkout": [S]},
    "P02": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [A], "change-address": [F, S], "checkout": [S]},
    "P03": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [S], "checkout": [F]},
    "P04": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [A], "change-address": [F], "checkout": [A]},
    "P05": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [S], "change-address": [S], "checkout": [S]},
    "P06": {"find-product": [F], "add-to-cart": [S], "apply-coupon": [S], "change-address": [S], "checkout": [S]},
    "P07": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [F, S], "change-address": [S], "checkout": [S]},
    "P08": {"find-product": [S], "add-to-cart": [S], "apply-coupon": [S], "change-address": [S], "checkout": [S]},
}

# Terminal event words that are aliases in the event log: (participant, task, attempt) -> word
TERMINAL_ALIASES = {
    ("P02", "apply-coupon", 1): "gave up",
    ("P04", "checkout", 1): "gave up",
    ("P05", "find-product", 1): "completed",
    ("P08", "checkout", 1): "completed",
}
CANONICAL_TERMINAL = {
    "success": "success",
    "completed": "success",
    "failure": "failure",
    "abandon": "abandon",
    "gave up": "abandon",
}

# In layouts/study.yaml these (participant, task) pairs are given as raw `events:` lists
# (P07 apply-coupon contains the retry: failure, then a second start, then success).
# P02 change-address (also a retry) is given as two summarized entries instead.
YAML_EVENT_TASKS = {("P02", "apply-coupon"), ("P07", "apply-coupon"), ("P05", "find-product")}

# median time (s) of a successful attempt, per task and variant
MEDIAN_TIME = {
    "find-product": {"A": 55, "B": 50},
    "add-to-cart": {"A": 34, "B": 30},
    "apply-coupon": {"A": 120, "B": 45},
    "change-address": {"A": 80, "B": 65},
    "checkout": {"A": 130, "B": 95},
}
OUTCOME_TIME_FACTOR = {S: 1.0, F: 1.35, A: 1.6}

# (low, high) number of errors per task, variant, outcome
ERRORS = {
    ("find-product", S): (0, 1),
    ("find-product", F): (1, 2),
    ("add-to-cart", S): (0, 0),
    ("apply-coupon", "A", S): (1, 2),
    ("apply-coupon", "A", F): (2, 4),
    ("apply-coupon", "A", A): (3, 4),
    ("apply-coupon", "B", S): (0, 1),
    ("apply-coupon", "B", F): (1, 2),
    ("change-address", S): (0, 1),
    ("change-address", F): (1, 3),
    ("checkout", "A", S): (0, 2),
    ("checkout", "A", F): (2, 3),
    ("checkout", "A", A): (2, 4),
    ("checkout", "B", S): (0, 1),
}

# click targets: the happy path (in order) and distractors
CLICKS = {
    "find-product": (
        ["search-box", "search-button", "filter:brand-kettlo", "product-card:kettlo-ks200"],
        [
            "nav:home-appliances",
            "filter:price-under-50",
            "sort:rating",
            "pagination:next",
            "product-card:kettlo-kx150",
            "breadcrumb:kitchen",
            "filter:capacity-1.7l",
        ],
    ),
    "add-to-cart": (
        ["option:colour-steel", "option:qty-plus", "btn:add-to-cart"],
        ["option:colour-black", "image-gallery:next", "tab:reviews", "mini-cart:open"],
    ),
    "apply-coupon": (
        ["link:have-a-coupon", "field:coupon-code", "btn:apply-coupon", "order-summary:discount"],
        [
            "link:promotions",
            "field:gift-card",
            "btn:apply-gift-card",
            "tooltip:coupon-help",
            "link:terms-and-conditions",
            "btn:update-cart",
        ],
    ),
    "change-address": (
        ["link:edit-address", "field:street", "field:postcode", "field:city", "dropdown:country", "btn:save-address"],
        [
            "link:my-account",
            "link:address-book",
            "btn:add-new-address",
            "radio:billing-same-as-delivery",
            "btn:cancel",
            "field:company",
        ],
    ),
    "checkout": (
        [
            "btn:proceed-to-checkout",
            "radio:standard-delivery",
            "field:card-number",
            "field:expiry",
            "field:cvc",
            "field:name-on-card",
            "checkbox:terms",
            "btn:place-order",
        ],
        [
            "radio:express-delivery",
            "link:payment-methods",
            "btn:paypal",
            "tooltip:cvc-help",
            "link:back-to-cart",
            "field:card-number",
        ],
    ),
}
ERROR_TARGETS = {
    "find-product": ["search: no results for kettel", "filter: no products match"],
    "add-to-cart": ["option: select a colour first"],
    "apply-coupon": [
        "coupon: code not recognised",
        "coupon: field is empty",
        "gift-card: invalid number",
        "coupon: code not recognised",
    ],
    "change-address": ["postcode: invalid format", "city: required field", "street: required field"],
    "checkout": [
        "card-number: invalid",
        "expiry: date in the past",
        "terms: must be accepted",
        "payment: declined (test card)",
    ],
}
PAGES = {
    "find-product": ["/", "/search?q=kettle", "/c/kitchen/kettles", "/p/kettlo-ks200"],
    "add-to-cart": ["/p/kettlo-ks200", "/cart"],
    "apply-coupon": ["/cart", "/help/coupons", "/cart"],
    "change-address": ["/checkout/address", "/account/addresses", "/checkout/address"],
    "checkout": ["/cart", "/checkout/delivery", "/checkout/payment", "/checkout/review"],
}

# SUS score per participant (A averages 65.0, B 78.1) and NPS likelihood-to-recommend
SUS_TARGET = {"P01": 70.0, "P02": 60.0, "P03": 67.5, "P04": 62.5, "P05": 82.5, "P06": 75.0, "P07": 72.5, "P08": 82.5}
NPS = {"P01": 7, "P02": 5, "P03": 6, "P04": 4, "P05": 9, "P06": 8, "P07": 8, "P08": 10}

SUS_ITEMS = [
    "I think that I would like to use this system frequently.",
    "I found the system unnecessarily complex.",
    "I thought the system was easy to use.",
    "I think that I would need the support of a technical person to be able to use this system.",
    "I found the various functions in this system were well integrated.",
    "I thought there was too much inconsistency in this system.",
    "I would imagine that most people would learn to use this system very quickly.",
    "I found the system very cumbersome to use.",
    "I felt very confident using the system.",
    "I needed to learn a lot of things before I could get going with this system.",
]
SUS_LABELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]

EVENTS_HEADER = ["participant", "session", "variant", "task", "timestamp", "event", "target"]
ATTEMPTS_HEADER = ["participant", "variant", "task", "outcome", "time", "clicks", "errors"]

# --------------------------------------------------------------------------------------------
# Build the study: one list of attempts, each with its events (times in tenths of a second)
# --------------------------------------------------------------------------------------------


def _errors_range(task, variant, outcome):
    for key in ((task, variant, outcome), (task, outcome)):
        if key in ERRORS:
            return ERRORS[key]
    return (1, 2) if outcome != S else (0, 1)


def _click_sequence(rng, task, outcome, n):
    path, distractors = CLICKS[task]
    if outcome == S:
        steps = path[:] if n >= len(path) else path[: n - 1] + path[-1:]
        while len(steps) < n:  # detours before the final step
            steps.insert(rng.randint(0, len(steps) - 1), rng.choice(distractors))
    else:  # lost the path somewhere: part of the path, lots of detours, no final step
        steps = path[: rng.randint(1, len(path) - 1)]
        while len(steps) < n:
            steps.insert(rng.randint(1, len(steps)), rng.choice(distractors))
        steps = steps[:n]
    return steps


def build_study():
    rng = random.Random(SEED)
    attempts = []  # dicts, in chronological order per participant
    sessions = []  # dicts: participant, session, variant, first_start (aware datetime), end
    for pid, sid, variant, local_start in PARTICIPANTS:
        # deciseconds since local_start
        t = rng.randint(3000, 4800)  # intro, consent, think-aloud practice
        first_start = None
        for task in TASKS:
            outcomes = PLAN[pid].get(task)
            if not outcomes:
                continue
            for n_attempt, outcome in enumerate(outcomes, start=1):
                median = MEDIAN_TIME[task][variant] * OUTCOME_TIME_FACTOR[outcome]
                limit = min(240.0, TASKS[task]["time_limit"])  # the moderator calls time at the limit
                while True:  # lognormal around the median, redrawn until inside 20 s .. limit
                    secs = median * math.exp(rng.gauss(0, 0.3))
                    if n_attempt > 1:
                        secs *= 0.6  # second try is quicker: they know where to look now
                    if 20.0 <= secs < limit:
                        break
                ds = int(round(secs * 10))
                lo, hi = _errors_range(task, variant, outcome)
                n_err = rng.randint(lo, hi)
                opt = TASKS[task]["optimal_clicks"]
                ratio = secs / MEDIAN_TIME[task][variant]
                n_clicks = int(round(opt * ratio**0.8 + rng.uniform(1, 6) + 1.5 * n_err))
                n_clicks = min(max(n_clicks, 3), 25)
                pages = PAGES[task][: rng.randint(2, len(PAGES[task]))]
                # interior events in logical order, then timestamps
                interior = [("click", c) for c in _click_sequence(rng, task, outcome, n_clicks)]
                for err in range(n_err):
                    pos = rng.randint(1, len(interior))
                    interior.insert(pos, ("error", ERROR_TARGETS[task][err % len(ERROR_TARGETS[task])]))
                step = max(1, len(interior) // len(pages))
                for k, page in enumerate(pages):
                    interior.insert(min(k * (step + 1), len(interior)), ("page", page))
                offsets = sorted(rng.sample(range(5, ds - 5), len(interior)))
                word = TERMINAL_ALIASES.get((pid, task, n_attempt), outcome)
                events = [(0, "start", "")]
                events += [(off, kind, target) for off, (kind, target) in zip(offsets, interior)]
                events.append((ds, word, ""))
                if first_start is None:
                    first_start = t
                attempts.append(
                    {
                        "participant": pid,
                        "session": sid,
                        "variant": variant,
                        "task": task,
                        "attempt": n_attempt,
                        "outcome": outcome,
                        "time_ds": ds,
                        "clicks": n_clicks,
                        "errors": n_err,
                        "start_ds": t,
                        "events": events,
                        "local_start": local_start,
                    }
                )
                t += ds
                t += rng.randint(50, 150) if n_attempt < len(outcomes) else rng.randint(450, 1200)
        sessions.append(
            {
                "participant": pid,
                "session": sid,
                "variant": variant,
                "local_start": local_start,
                "first_start_ds": first_start,
                "end_ds": t,
            }
        )
    questionnaires = build_questionnaires(rng, attempts)
    return attempts, sessions, questionnaires


def build_questionnaires(rng, attempts):
    sus = {}
    for pid, target in SUS_TARGET.items():
        total = int(round(target / 2.5))  # sum of the ten 0..4 item contributions
        contrib = [min(4, max(0, int(round(total / 10 + rng.gauss(0, 0.7))))) for _ in range(10)]
        while sum(contrib) != total:
            i = rng.randrange(10)
            if sum(contrib) < total and contrib[i] < 4:
                contrib[i] += 1
            elif sum(contrib) > total and contrib[i] > 0:
                contrib[i] -= 1
        # odd items (1,3,5,..) are positive: contribution = answer - 1; even: 5 - answer
        sus[pid] = [c + 1 if i % 2 == 0 else 5 - c for i, c in enumerate(contrib)]
    seq = defaultdict(OrderedDict)
    last = OrderedDict()
    for a in attempts:
        last[(a["participant"], a["task"])] = a
    for (pid, task), a in last.items():
        tries = sum(1 for b in attempts if b["participant"] == pid and b["task"] == task)
        base = {
            "find-product": 6,
            "add-to-cart": 7,
            "apply-coupon": 5 if a["variant"] == "B" else 3,
            "change-address": 5,
            "checkout": 5 if a["variant"] == "A" else 6,
        }[task]
        rating = base + rng.choice([-1, 0, 0, 1]) - (2 if a["outcome"] != S else 0) - (tries - 1)
        rating -= 1 if a["errors"] >= 3 else 0
        seq[pid][task] = min(7, max(1, rating))
    return {"sus": sus, "seq": seq, "nps": NPS}


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _iso(local_start, ds):
    return (local_start + dt.timedelta(milliseconds=ds * 100)).isoformat(timespec="milliseconds")


def _secs(ds):
    return f"{ds // 10}.{ds % 10}"


def _write_csv(path, header, rows, **kw):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=kw.pop("encoding", "utf-8")) as fh:
        w = csv.writer(fh, lineterminator=kw.pop("lineterminator", "\n"), **kw)
        w.writerow(header)
        w.writerows(rows)


def write_events(attempts):
    rows = []
    for a in attempts:
        for off, event, target in a["events"]:
            rows.append(
                [
                    a["participant"],
                    a["session"],
                    a["variant"],
                    a["task"],
                    _iso(a["local_start"], a["start_ds"] + off),
                    event,
                    target,
                ]
            )
    _write_csv(HERE / "events.csv", EVENTS_HEADER, rows)
    return len(rows)


def write_attempts(attempts):
    rows = [
        [a["participant"], a["variant"], a["task"], a["outcome"], _secs(a["time_ds"]), a["clicks"], a["errors"]]
        for a in attempts
    ]
    _write_csv(HERE / "layouts" / "attempts.csv", ATTEMPTS_HEADER, rows)


def final_outcomes(attempts):
    final = OrderedDict()
    for a in attempts:
        final[(a["participant"], a["task"])] = a["outcome"]
    return final


def write_wide(attempts):
    final = final_outcomes(attempts)
    rows = []
    for pid, _sid, variant, _start in PARTICIPANTS:
        cells = []
        for task in TASKS:
            out = final.get((pid, task))
            cells.append("" if out is None else ("Y" if out == S else "N"))
        rows.append([pid, variant] + cells)
    _write_csv(HERE / "layouts" / "wide.csv", ["Participant", "Variant"] + list(TASKS), rows)


def write_messy(attempts):
    yesno = {S: "yes", F: "no", A: "no"}
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Participant", "Task", "Outcome", "Time (s)", "Clicks", "Errors"])
    for a in attempts:
        w.writerow(
            [
                a["participant"],
                a["task"],
                yesno[a["outcome"]],
                _secs(a["time_ds"]).replace(".", ","),
                a["clicks"],
                a["errors"],
            ]
        )
    buf.write("\r\n\r\n")  # two blank trailing lines, as Excel users leave them
    (HERE / "messy").mkdir(parents=True, exist_ok=True)
    with open(HERE / "messy" / "attempts_excel_eu.csv", "w", newline="", encoding="utf-8-sig") as fh:
        fh.write(buf.getvalue())

    result = {S: "Success", F: "Fail", A: "Gave up"}
    rows = [[a["participant"], a["task"], result[a["outcome"]], _secs(a["time_ds"])] for a in attempts]
    _write_csv(HERE / "messy" / "tool_export.csv", ["Tester ID", "Mission", "Result", "Duration (s)"], rows)


def write_questionnaires(sessions, questionnaires):
    rows = []
    for s in sessions:
        pid = s["participant"]
        when = s["local_start"] + dt.timedelta(milliseconds=s["end_ds"] * 100)
        off = int(when.utcoffset().total_seconds() // 3600)
        stamp = when.strftime("%Y/%m/%d %I:%M:%S %p") + f" GMT{off:+d}"
        rows.append([stamp, pid] + [SUS_LABELS[r - 1] for r in questionnaires["sus"][pid]])
    _write_csv(
        HERE / "questionnaires" / "sus.csv", ["Timestamp", "Participant"] + SUS_ITEMS, rows, quoting=csv.QUOTE_ALL
    )
    _write_csv(
        HERE / "questionnaires" / "nps.csv",
        ["participant", "likelihood_to_recommend"],
        [[p, v] for p, v in questionnaires["nps"].items()],
    )
    _write_csv(
        HERE / "questionnaires" / "seq.csv",
        ["participant", "task", "seq"],
        [[p, t, r] for p, tasks in questionnaires["seq"].items() for t, r in tasks.items()],
    )


class _Flow(list):
    pass


class _FlowMap(dict):
    pass


def write_yaml(attempts, sessions, questionnaires):
    if yaml is None:
        print("warning: PyYAML not installed; layouts/study.yaml left unchanged", file=sys.stderr)
        return

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):  # indent lists under their key
            return super().increase_indent(flow, False)

    Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
    Dumper.add_representer(
        _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
    )
    by_session = defaultdict(list)
    for a in attempts:
        by_session[a["session"]].append(a)
    out_sessions = []
    for s in sessions:
        tasks = []
        done = set()
        for a in by_session[s["session"]]:
            key = (a["participant"], a["task"])
            if key in YAML_EVENT_TASKS:
                if key in done:
                    continue
                done.add(key)
                events = []
                for b in by_session[s["session"]]:
                    if b["task"] != a["task"]:
                        continue
                    for off, event, target in b["events"]:
                        at = b["start_ds"] + off - s["first_start_ds"]
                        ev = _FlowMap(at=float(_secs(at)), event=event)
                        if target:
                            ev["target"] = target
                        events.append(ev)
                tasks.append({"task": a["task"], "events": events})
            else:
                tasks.append(
                    {
                        "task": a["task"],
                        "outcome": a["outcome"],
                        "time": float(_secs(a["time_ds"])),
                        "clicks": a["clicks"],
                        "errors": a["errors"],
                    }
                )
        out_sessions.append(
            {
                "participant": s["participant"],
                "session": s["session"],
                "variant": s["variant"],
                "tasks": tasks,
                "questionnaires": {
                    "sus": _Flow(questionnaires["sus"][s["participant"]]),
                    "seq": _FlowMap(questionnaires["seq"][s["participant"]]),
                },
            }
        )
    doc = {"study": {"name": STUDY_NAME, "tasks": {t: dict(m) for t, m in TASKS.items()}}, "sessions": out_sessions}
    header = (
        "# uxcli sample study - the same attempts as ../events.csv, in the YAML layout.\n"
        "# Generated by sample_sessions/make_samples.py; do not edit by hand.\n"
        "# `at` in an events list is seconds since the session's first task start.\n"
        "# P02 change-address (a retry) is given as two summarized entries; P07 apply-coupon (also a\n"
        "# retry) as one events list containing two starts. P03 did not attempt change-address.\n"
    )
    text = yaml.dump(doc, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=110, allow_unicode=True)
    (HERE / "layouts").mkdir(parents=True, exist_ok=True)
    with open(HERE / "layouts" / "study.yaml", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + text)


# --------------------------------------------------------------------------------------------
# Check: re-read every file independently and compare
# --------------------------------------------------------------------------------------------


def _read_csv(path, **kw):
    with open(path, newline="", encoding=kw.pop("encoding", "utf-8")) as fh:
        rows = list(csv.reader(fh, **kw))
    return rows[0], rows[1:]


def _events_to_attempts(rows, when):
    """rows: (participant, variant, task, event, target, time-in-seconds); returns attempt tuples."""
    out, open_ = [], {}
    for pid, variant, task, event, _target, t in rows:
        key = (pid, task)
        if event == "start":
            assert key not in open_, f"start while attempt open: {key}"
            open_[key] = {"p": pid, "v": variant, "task": task, "t0": t, "clicks": 0, "errors": 0}
        elif event in CANONICAL_TERMINAL:
            a = open_.pop(key)
            out.append((pid, variant, task, CANONICAL_TERMINAL[event], round(t - a["t0"], 1), a["clicks"], a["errors"]))
        elif event == "click":
            open_[key]["clicks"] += 1
        elif event == "error":
            open_[key]["errors"] += 1
        elif event != "page":
            raise AssertionError(f"{when}: unknown event {event!r}")
    assert not open_, f"{when}: unterminated attempts {list(open_)}"
    return out


def check():
    problems = []

    def expect(cond, msg):
        if not cond:
            problems.append(msg)

    # events.csv
    header, rows = _read_csv(HERE / "events.csv")
    expect(header == EVENTS_HEADER, f"events.csv header {header}")
    expect(600 <= len(rows) <= 900, f"events.csv has {len(rows)} rows")
    last_ts, offsets_seen = {}, set()
    ev_rows = []
    for r in rows:
        ts = dt.datetime.fromisoformat(r[4])
        expect(ts.tzinfo is not None, f"naive timestamp {r[4]}")
        offsets_seen.add(r[4][-6:])
        expect(r[0] not in last_ts or ts > last_ts[r[0]], f"events.csv not chronological at {r}")
        last_ts[r[0]] = ts
        ev_rows.append((r[0], r[2], r[3], r[5], r[6], ts.timestamp()))
    ev = _events_to_attempts(ev_rows, "events.csv")
    dates = {dt.datetime.fromisoformat(r[4]).date() for r in rows}

    # layouts/attempts.csv
    header, rows = _read_csv(HERE / "layouts" / "attempts.csv")
    expect(header == ATTEMPTS_HEADER, f"attempts.csv header {header}")
    at = [(r[0], r[1], r[2], r[3], float(r[4]), int(r[5]), int(r[6])) for r in rows]
    expect(at == ev, "layouts/attempts.csv differs from events.csv")

    # layouts/study.yaml
    ya = []
    seq_yaml, sus_yaml = {}, {}
    if yaml is not None:
        with open(HERE / "layouts" / "study.yaml", encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        expect(list(doc["study"]["tasks"]) == list(TASKS), "study.yaml task order")
        for s in doc["sessions"]:
            for t in s["tasks"]:
                if "events" in t:
                    ya += _events_to_attempts(
                        [
                            (s["participant"], s["variant"], t["task"], e["event"], e.get("target", ""), e["at"])
                            for e in t["events"]
                        ],
                        "study.yaml",
                    )
                else:
                    ya.append(
                        (s["participant"], s["variant"], t["task"], t["outcome"], t["time"], t["clicks"], t["errors"])
                    )
            sus_yaml[s["participant"]] = s["questionnaires"]["sus"]
            seq_yaml[s["participant"]] = s["questionnaires"]["seq"]
        expect(ya == ev, "layouts/study.yaml differs from events.csv")

    # layouts/wide.csv
    header, rows = _read_csv(HERE / "layouts" / "wide.csv")
    final = OrderedDict()
    for a in ev:
        final[(a[0], a[2])] = a[3]
    empty = []
    for r in rows:
        for task, cell in zip(header[2:], r[2:]):
            want = final.get((r[0], task))
            if cell == "":
                empty.append((r[0], task))
            expect(cell == ("" if want is None else "Y" if want == S else "N"), f"wide.csv {r[0]} {task}")

    # messy/
    with open(HERE / "messy" / "attempts_excel_eu.csv", "rb") as fh:
        raw = fh.read()
    expect(
        raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n\r\n\r\n") and b"\n" not in raw.replace(b"\r\n", b""),
        "attempts_excel_eu.csv BOM / CRLF / trailing lines",
    )
    header, rows = _read_csv(HERE / "messy" / "attempts_excel_eu.csv", encoding="utf-8-sig", delimiter=";")
    rows = [r for r in rows if r]
    eu = [(r[0], r[1], r[2], float(r[3].replace(",", ".")), int(r[4]), int(r[5])) for r in rows]
    expect(eu == [(a[0], a[2], "yes" if a[3] == S else "no", a[4], a[5], a[6]) for a in ev], "attempts_excel_eu.csv")
    header, rows = _read_csv(HERE / "messy" / "tool_export.csv")
    names = {S: "Success", F: "Fail", A: "Gave up"}
    expect(
        [(r[0], r[1], r[2], float(r[3])) for r in rows] == [(a[0], a[2], names[a[3]], a[4]) for a in ev],
        "tool_export.csv",
    )

    # questionnaires/
    header, rows = _read_csv(HERE / "questionnaires" / "sus.csv")
    expect(header[2:] == SUS_ITEMS, "sus.csv item headers")
    variant_of = {p: v for p, _s, v, _t in PARTICIPANTS}
    sus_scores = defaultdict(list)
    for r in rows:
        answers = [SUS_LABELS.index(x) + 1 for x in r[2:]]
        if sus_yaml:
            expect(answers == sus_yaml[r[1]], f"sus.csv vs study.yaml for {r[1]}")
        score = 2.5 * sum(a - 1 if i % 2 == 0 else 5 - a for i, a in enumerate(answers))
        sus_scores[variant_of[r[1]]].append(score)
    _, rows = _read_csv(HERE / "questionnaires" / "seq.csv")
    seq_csv = defaultdict(dict)
    for p, t, v in rows:
        seq_csv[p][t] = int(v)
    if seq_yaml:
        expect(dict(seq_csv) == seq_yaml, "seq.csv vs study.yaml")
    expect({(p, t) for p in seq_csv for t in seq_csv[p]} == set(final), "seq.csv covers exactly the attempted tasks")
    _, rows = _read_csv(HERE / "questionnaires" / "nps.csv")
    expect(all(0 <= int(v) <= 10 for _p, v in rows) and len(rows) == 8, "nps.csv")

    # report
    def tally(atts):
        t = OrderedDict((k, [0, 0, 0, 0]) for k in TASKS)
        for a in atts:
            t[a[2]][0] += 1
            t[a[2]][1 + [S, F, A].index(a[3])] += 1
        return t

    te, tatt, ty = tally(ev), tally(at), tally(ya)
    print(
        f"events.csv: {len(ev_rows)} rows, {len(ev)} attempts, {len(dates)} session days, "
        f"offsets {sorted(offsets_seen)}"
    )
    print(
        f"{'task':<16}{'attempts':>9}{'success':>9}{'failure':>9}{'abandon':>9}"
        f"   successes: events / attempts.csv / study.yaml / wide Y"
    )
    for task in TASKS:
        n, s, f, a = te[task]
        wide_y = sum(1 for (p, t), o in final.items() if t == task and o == S)
        print(f"{task:<16}{n:>9}{s:>9}{f:>9}{a:>9}   {s:>9} / {tatt[task][1]:>14} / {ty[task][1]:>10} / {wide_y:>6}")
    print(
        "apply-coupon by variant (attempts, successes):",
        {
            v: (
                sum(1 for a in ev if a[2] == "apply-coupon" and a[1] == v),
                sum(1 for a in ev if a[2] == "apply-coupon" and a[1] == v and a[3] == S),
            )
            for v in "AB"
        },
    )
    retries = sorted({(a[0], a[2]) for a in ev if sum(1 for b in ev if b[:3] == a[:3]) > 1})
    print("retry pairs:", retries)
    print("not attempted (empty wide.csv cell):", empty)
    print("SUS mean:", {v: round(sum(x) / len(x), 2) for v, x in sorted(sus_scores.items())})
    times = [a[4] for a in ev]
    print(
        f"time range {min(times)}-{max(times)} s, clicks {min(a[5] for a in ev)}-{max(a[5] for a in ev)}, "
        f"errors {min(a[6] for a in ev)}-{max(a[6] for a in ev)}"
    )
    for p in problems:
        print("PROBLEM:", p)
    return not problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only check the existing files")
    args = ap.parse_args(argv)
    if not args.check:
        attempts, sessions, questionnaires = build_study()
        n = write_events(attempts)
        write_attempts(attempts)
        write_wide(attempts)
        write_yaml(attempts, sessions, questionnaires)
        write_messy(attempts)
        write_questionnaires(sessions, questionnaires)
        print(f"wrote {len(attempts)} attempts, {n} events into {HERE}")
    return 0 if check() else 1


if __name__ == "__main__":
    sys.exit(main())
