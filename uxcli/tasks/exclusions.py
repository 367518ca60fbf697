"""Exclusions and the preparation step between reading and metrics.

Exclusion rules leave attempts out on purpose, with a reason that every output
states. They come from ``--exclude participant=P03,P07`` or from YAML kept with
the study (``--exclusions FILE``, or ``exclude:`` in the ``--study`` file)::

    exclude:
      - participant: P03
        reason: fell asleep during the session
      - participant: [P05, P07]
        task: checkout
        reason: prototype crashed on the payment page

A rule's fields must all match (values in a list: any of them). Fields are any
column of the attempts frame: participant, task, session, variant, attempt, or an
input column such as device.

:func:`prepare` applies rules, quality flags (uxcli.tasks.quality), idle-time capping and
pseudonymization (uxcli.tasks.privacy) to a Dataset and returns a new one, which records what was left
out in ``excluded`` and one sentence per decision in ``notes``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from uxcli.errors import InputError, OptionError, Problems
from uxcli.tasks.quality import QualityOptions, flag, idle_capped

if TYPE_CHECKING:
    from uxcli.readers.dataset import Dataset
    from uxcli.tasks.privacy import Pseudonymizer

Shower = Callable[[str, str], str]  # (field, value) -> the value as outputs show it (pseudonym codes)
MAX_NAMED = 6  # ids named in one note before "and N more"


@dataclass
class Rule:
    """Attempts matching every condition (field -> accepted values) are excluded."""

    conditions: dict[str, list[str]]
    reason: str | None = None
    origin: str = ""  # "--exclude participant=P03" or "exclusions.yaml:4"
    file: str | None = None
    line: int | None = None

    def shown_origin(self, show=lambda name, value: value) -> str:
        """Where the rule came from; a command-line rule is rewritten with ``show`` (pseudonym codes)."""
        if not self.origin.startswith("--exclude"):
            return self.origin
        return "--exclude " + "&".join(
            f"{name}=" + ",".join(show(name, v) for v in values) for name, values in self.conditions.items()
        )

    def describe(self, show=lambda name, value: value) -> str:
        parts = []
        for name, values in self.conditions.items():
            parts.append(f"{name} " + ", ".join(show(name, v) for v in values))
        return " and ".join(parts)


@dataclass
class Study:
    """What a study file (``--study``) says about reading and preparing the data."""

    path: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header as written -> field
    rules: list[Rule] = field(default_factory=list)
    quality: QualityOptions = field(default_factory=QualityOptions)
    tasks: list[str] | None = None
    metadata: dict = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # outcomes: word -> category (vocab.parse_recode)


@dataclass(frozen=True)
class Preparation:
    """Everything between read and metrics, as one value the commands pass around."""

    rules: list[Rule] = field(default_factory=list)
    quality: QualityOptions = field(default_factory=QualityOptions)
    pseudonymize: bool = False
    salt: str | None = None
    study: Study = field(default_factory=Study)

    @property
    def active(self) -> bool:
        return bool(self.rules or self.quality.active or self.pseudonymize)


# --- rules from the command line and from YAML -------------------------------------------------------


def parse_rule(text: str) -> Rule:
    """``participant=P03,P07`` or ``participant=P05&task=checkout`` (from --exclude)."""
    conditions: dict[str, list[str]] = {}
    for part in text.split("&"):
        name, sep, values = part.partition("=")
        name = name.strip()
        items = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not name or not items:
            raise OptionError(
                f"--exclude wants FIELD=VALUE[,VALUE…][&FIELD=VALUE…], got {text!r}",
                hint='e.g. --exclude participant=P03,P07 or --exclude "participant=P05&task=checkout"',
            )
        conditions.setdefault(name.lower() if name.lower() in _KNOWN else name, []).extend(items)
    return Rule(conditions, None, f"--exclude {text}")


_KNOWN = ("participant", "task", "session", "variant", "attempt", "outcome")


def rules_from_yaml(doc: Any, name: str) -> list[Rule]:
    """Rules from an exclusions document: a list, or a mapping with exclude: (or exclusions:)."""
    line = getattr(doc, "line", 1)
    if isinstance(doc, dict):
        entries = doc.get("exclude", doc.get("exclusions"))
        if entries is None:
            raise InputError(
                "no exclude: list",
                file=name,
                line=line,
                hint="write exclude: then one - participant: P03 / reason: … entry per rule",
            )
    else:
        entries = doc
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError("exclude: must be a list of rules (- participant: P03)", file=name, line=line)
    rules = []
    for entry in entries:
        where = getattr(entry, "line", line)
        if not isinstance(entry, dict) or not entry:
            raise InputError(
                "each exclusion rule must be a mapping such as {participant: P03, reason: …}", file=name, line=where
            )
        conditions: dict[str, list[str]] = {}
        reason = None
        for key, value in entry.items():
            key = str(key).strip()
            if key.lower() in ("reason", "why", "note", "comment"):
                reason = None if value is None else str(value).strip()
                continue
            values = value if isinstance(value, list) else [value]
            if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
                raise InputError(f"{key}: wants a value or a list of values", file=name, line=where)
            conditions[key.lower() if key.lower() in _KNOWN else key] = [str(v).strip() for v in values]
        if not conditions:
            raise InputError(
                "exclusion rule names no field to match (only a reason)",
                file=name,
                line=where,
                hint="add e.g. participant: P03",
            )
        rules.append(Rule(conditions, reason, f"{name}:{where}", name, where))
    return rules


def load_exclusions(path: str | Path) -> list[Rule]:
    name = str(path)
    return rules_from_yaml(_load_yaml_file(path), name)


def _load_yaml_file(path: str | Path) -> Any:
    from uxcli.readers.yamlfile import load_yaml
    from uxcli.sources import Source, to_utf8

    source = Source(str(path), Path(path))
    if not Path(path).exists():
        raise InputError("no such file", file=str(path))
    data = to_utf8(source, None, Problems())
    return load_yaml(data.decode("utf-8"), str(path))


def _outcome_map(found: object, name: str, line: int) -> dict[str, str]:
    """``outcomes: {"Completed with help": assisted, "N/A": not-attempted}``: word -> category."""
    from uxcli.errors import OptionError
    from uxcli.vocab import parse_recode

    if found is None:
        return {}
    if not isinstance(found, dict):
        raise InputError(
            'outcomes: must map words to categories, e.g. {"Completed with help": assisted}', file=name, line=line
        )
    try:
        return parse_recode({str(k): str(v) for k, v in found.items()}, "outcomes:")
    except OptionError as exc:
        raise InputError(str(exc), file=name, line=getattr(found, "line", line)) from None


def load_study(path: str | Path) -> Study:
    """A study file: columns:, exclude:, quality:, tasks: (at the top level or under study:)."""
    from uxcli.readers.read import MAP_FIELDS

    name = str(path)
    doc = _load_yaml_file(path)
    if not isinstance(doc, dict):
        raise InputError("a study file is a mapping with columns:, exclude:, quality: or tasks:", file=name, line=1)
    settings = dict(doc)
    if isinstance(doc.get("study"), dict):
        settings = {**doc["study"], **{k: v for k, v in doc.items() if k != "study"}}
    study = Study(path=name, metadata=settings)
    columns = settings.get("columns") or {}
    if not isinstance(columns, dict):
        raise InputError(
            'columns: must map headers to fields, e.g. {"Tester ID": participant}',
            file=name,
            line=getattr(doc, "line", 1),
        )
    for header, target in columns.items():
        target_name = str(target).strip().lower()
        if target_name not in MAP_FIELDS:
            close = difflib.get_close_matches(target_name, MAP_FIELDS, n=1)
            raise InputError(
                f'columns: "{header}" maps to "{target}", which is not a field uxcli knows',
                file=name,
                line=getattr(columns, "line", None),
                hint=f'did you mean "{close[0]}"?' if close else "fields: " + ", ".join(MAP_FIELDS),
            )
        study.columns[str(header).strip()] = target_name
    if settings.get("exclude") is not None or settings.get("exclusions") is not None:
        study.rules = rules_from_yaml(settings, name)
    study.quality = QualityOptions.from_mapping(settings.get("quality"), name, getattr(doc, "line", None))
    study.outcomes = _outcome_map(settings.get("outcomes"), name, getattr(doc, "line", 1))
    tasks = settings.get("tasks")
    if isinstance(tasks, dict):
        study.tasks = [str(t) for t in tasks]
    elif isinstance(tasks, list):
        study.tasks = [str(t.get("task", t.get("id"))) if isinstance(t, dict) else str(t) for t in tasks]
    return study


# --- applying rules ------------------------------------------------------------------------------------


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype("string")  # vectorised; missing stays missing (never equal to a rule value)


def match(attempts: pd.DataFrame, rule: Rule) -> np.ndarray:
    """Which attempts a rule matches (vectorised: categories are compared, not rows)."""
    mask = np.ones(len(attempts), dtype=bool)
    for name, values in rule.conditions.items():
        column = attempts[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            hit = np.asarray([str(c) in values for c in column.cat.categories] + [False])
            mask &= hit[column.cat.codes.to_numpy()]
        elif pd.api.types.is_numeric_dtype(column):  # attempt: compare numbers, no text per row
            numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy()
            mask &= np.isin(column.to_numpy(), numbers)
        else:
            mask &= _as_text(column).isin(values).to_numpy()
    return mask


def check_rules(attempts: pd.DataFrame, rules: list[Rule], problems: Problems) -> None:
    """Unknown fields are errors; values that match nothing are warnings with a likely intended value."""
    usable = [c for c in attempts.columns if not str(c).startswith("_") and c not in ("time", "clicks", "errors")]
    for rule in rules:
        for name, values in rule.conditions.items():
            if name not in usable:
                close = difflib.get_close_matches(name, usable, n=1)
                hint = f'did you mean "{close[0]}"?' if close else "fields: " + ", ".join(usable)
                message = f'exclusion rule names "{name}", which is not a column of the data'
                if rule.file:
                    raise InputError(message, file=rule.file, line=rule.line, hint=hint)
                raise OptionError(f"{rule.origin}: {message}", hint=hint)
            column = attempts[name]
            values_present = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column.unique()
            present = {str(v) for v in values_present if not pd.isna(v)}
            for value in values:
                if value in present:
                    continue
                lowered = {p.lower(): p for p in present}
                close = (
                    [lowered[value.lower()]]
                    if value.lower() in lowered
                    else difflib.get_close_matches(value, sorted(present), n=1, cutoff=0.6)
                )
                problems.warning(
                    f'"{value}" matches no attempt ({rule.origin})',
                    file=rule.file,
                    line=rule.line,
                    column=name,
                    value=value,
                    hint=f'did you mean "{close[0]}"?' if close else "check the spelling",
                )


def apply(
    attempts: pd.DataFrame, rules: list[Rule], problems: Problems | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept attempts, excluded attempts with ``_reason`` and ``_rule`` columns). First matching rule wins."""
    problems = problems if problems is not None else Problems()
    check_rules(attempts, rules, problems)
    excluded = np.zeros(len(attempts), dtype=bool)
    reason = np.full(len(attempts), None, dtype=object)
    origin = np.full(len(attempts), None, dtype=object)
    for rule in rules:
        hit = match(attempts, rule) & ~excluded
        excluded |= hit
        reason[hit] = rule.reason or rule.origin
        origin[hit] = rule.origin
    out = attempts[excluded].copy()
    out["_reason"] = reason[excluded]
    out["_rule"] = origin[excluded]
    return attempts[~excluded], out


# --- the preparation step ------------------------------------------------------------------------------


def _names(values: list[str], more: int = 0) -> str:
    """The first MAX_NAMED values, then "and N more" (``more``: values not even passed in)."""
    shown = ", ".join(values[:MAX_NAMED])
    rest = len(values) - min(len(values), MAX_NAMED) + more
    return shown + (f" and {rest} more" if rest else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def prepare(dataset: Dataset, options: Preparation) -> Dataset:
    """Apply exclusion rules, quality flags, idle capping and pseudonymization: a new Dataset.

    In the Dataset returned ``attempts`` holds the attempts to analyse, ``excluded`` those left out (with
    ``_reason`` and ``_rule``), ``flags`` the quality flags of the kept attempts (when any flag is
    enabled), and ``notes`` says what happened, one sentence each. Rule problems (a value that matches
    nothing) are added to its ``problems`` as warnings. The Dataset given is left as it was.
    """
    options.quality.check()
    attempts = dataset.attempts
    problems = Problems(list(dataset.problems.items))
    pseudonymizer = None
    if options.pseudonymize:
        from uxcli.tasks.privacy import Pseudonymizer

        pseudonymizer = Pseudonymizer(options.salt)
        pseudonymizer.learn(str(c) for c in attempts["participant"].dropna().unique())
    rules = [_decode_rule(r, pseudonymizer) for r in options.rules] if pseudonymizer else options.rules
    show = _shower(pseudonymizer)
    notes: list[str] = []
    pieces = []

    if rules:
        attempts, by_rule = apply(attempts, rules, problems)
        pieces.append(by_rule)
        notes.extend(_rule_notes(by_rule, rules, show, pseudonymizer is not None))

    quality = options.quality
    if quality.idle_gap is not None and quality.cap_idle:
        attempts, changed, removed = idle_capped(attempts)
        if changed:
            notes.append(
                f"Idle time capped: pauses count at most {quality.idle_gap:g} s, which shortened "
                f"{_plural(changed, 'attempt')} by {removed:.1f} s in all (--cap-idle)."
            )
    flags = None
    if quality.flagging:
        flags = flag(attempts, quality, options.study.tasks, everyone=dataset.attempts)
        flagged = flags["flags"].to_numpy() != ""
        notes.extend(_flag_notes(attempts, flags, quality, show))
        if quality.idle_gap is not None and not quality.cap_idle and "_max_gap" in attempts:
            unchecked = int(attempts["_max_gap"].isna().sum())
            if unchecked:
                notes.append(
                    f"{_plural(unchecked, 'attempt')} could not be checked for idle gaps "
                    "(no event times: attempt tables and success matrices)."
                )
        if flagged.any():
            if quality.drop_flagged:
                dropped = attempts[flagged].copy()
                dropped["_reason"] = flags["detail"].to_numpy()[flagged]
                dropped["_rule"] = "--drop-flagged"
                pieces.append(dropped)
                attempts, flags = attempts[~flagged], flags[~flagged]
                notes.append(f"Excluded {_plural(int(flagged.sum()), 'flagged attempt')} (--drop-flagged).")
            else:
                notes.append("Flagged attempts are kept; --drop-flagged excludes them.")
    if quality.idle_gap is not None and "_max_gap" not in attempts and len(attempts):
        notes.append("--idle-gap needs event logs: these inputs have no event times.")

    excluded = pd.concat(pieces, ignore_index=False) if pieces else attempts.iloc[0:0].assign(_reason=[], _rule=[])
    responses = dataset.responses
    if pseudonymizer is not None:
        attempts = pseudonymizer.frame(attempts)
        excluded = pseudonymizer.frame(excluded)
        shown = {r.origin: r.shown_origin(show) for r in rules}
        for column in ("_reason", "_rule"):
            excluded[column] = excluded[column].astype(object).replace(shown)
        responses = [
            {**r, "participant": pseudonymizer.code(r["participant"])} if r.get("participant") else r
            for r in dataset.responses
        ]
        notes.append(_pseudonym_note(pseudonymizer))
    return replace(
        dataset,
        attempts=attempts,
        problems=problems,
        responses=responses,
        excluded=excluded,
        flags=flags,
        notes=notes,
        attempts_read=len(dataset.attempts),
        pseudonymizer=pseudonymizer,
    )


def data_rules(dataset: Dataset) -> list[Rule]:
    """Exclusion rules the data carry themselves: ``exclude:`` in a YAML data file's ``study:`` section."""
    if dataset.study.get("exclude") is None:
        return []
    names = [f.name for f in dataset.files if f.layout == "yaml"]
    return rules_from_yaml({"exclude": dataset.study["exclude"]}, names[0] if names else "study")


def _rule_notes(excluded: pd.DataFrame, rules: list[Rule], show: Shower, pseudonymized: bool) -> list[str]:
    """One sentence per rule that left attempts out: how many, of whom, why and where the rule came from."""
    notes = []
    for rule in rules:
        hit = excluded[excluded["_rule"] == rule.origin]
        if len(hit):
            why = f": {rule.reason}" if rule.reason else ""
            notes.append(
                f"Excluded {_plural(len(hit), 'attempt')} of {rule.describe(show)}{why} "
                f"({rule.shown_origin(show) if pseudonymized else rule.origin})."
            )
    return notes


def _pseudonym_note(pseudonymizer: Pseudonymizer) -> str:
    if pseudonymizer.random_salt:
        return (
            "Participant ids are pseudonymized with a random salt: codes change from run to run "
            "(pass --salt or set UXCLI_SALT to keep them stable)."
        )
    return "Participant ids are pseudonymized (salted codes)."


def _shower(pseudonymizer: Pseudonymizer | None) -> Shower:
    if pseudonymizer is None:
        return lambda name, value: value
    return lambda name, value: pseudonymizer.code(value) if name == "participant" else value


def _decode_rule(rule: Rule, pseudonymizer: Pseudonymizer) -> Rule:
    """Rules may name participants by their codes (from a shared report): translate them to ids."""
    values = rule.conditions.get("participant")
    if not values:
        return rule
    decoded = [pseudonymizer.raw_for(v) or v for v in values]
    return Rule({**rule.conditions, "participant": decoded}, rule.reason, rule.origin, rule.file, rule.line)


def _flag_notes(attempts: pd.DataFrame, flags: pd.DataFrame, quality: QualityOptions, show: Shower) -> list[str]:
    notes = []
    who, task = attempts["participant"].to_numpy(), attempts["task"].to_numpy()
    descriptions = {
        "speeder": "speeder"
        + ("" if quality.speeders is None else f" (under {quality.speeders:g} s")
        + (
            ""
            if quality.speeder_fraction is None
            else (" or " if quality.speeders is not None else " (")
            + f"under {quality.speeder_fraction:g} x the task median"
        )
        + ")",
        "idle": f"idle (a pause over {quality.idle_gap or 0:g} s)",
        "outlier": f"time outlier (|log-time z| > {quality.outliers or 0:g})",
    }
    for name in ("speeder", "idle", "outlier"):
        if name not in flags:
            continue
        hits = np.flatnonzero(flags[name].to_numpy())
        if len(hits) == 0:
            notes.append(f"No attempt flagged as {descriptions[name]}.")
            continue
        listed = [f"{show('participant', str(who[i]))} {task[i]}" for i in hits[: MAX_NAMED + 1]]
        more = len(hits) - len(listed)
        notes.append(f"Flagged {_plural(len(hits), 'attempt')} as {descriptions[name]}: {_names(listed, more)}.")
    if "partial" in flags:
        hits = flags["partial"].to_numpy()
        people = [str(p) for p in pd.unique(who[hits])]
        if people:
            notes.append(
                f"Flagged {_plural(len(people), 'partial participant')} (did not attempt every task): "
                f"{_names([show('participant', p) for p in people])}."
            )
        else:
            notes.append("No partial participants: everyone attempted every task.")
    return notes
