"""The study design rules shared by every comparison: when are two groups the same people?

A study has participants, conditions (design variants, methods, prototypes), rounds (test
iterations) and tasks. Task comparisons (tasks/compare.py) and questionnaire comparisons use the
one rule below, so a researcher gets the same answer from ``compare``, ``report``, ``chart`` and
the questionnaire commands.

Pairing ("auto"): two groups are the same people (within subjects, paired tests) only when they
share participant ids *and* the grouping is a condition inside the same input files. Rounds are
different people unless the user says otherwise (``--pairing paired``): ids such as P01…P12
restart in every round, so a shared id across rounds is not evidence of one person. A grouping is
a round when

* it is the input the rows came from (``--by file``: the path as given on the command line), or
* the two groups' rows come from disjoint sets of input files, or
* its column is named like a round (ROUND_WORDS: "Round", "iteration", "wave", …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILE_GROUP = "file"  # the pseudo-column: which input (as given on the command line) a row came from
PAIRINGS = ("auto", "paired", "independent")
ROUND_WORDS = ("round", "iteration", "wave", "sprint", "cycle", "phase", "rnd")
_WORDS = re.compile(r"[a-z]+")


def is_round_column(name: str) -> bool:
    """True for a grouping that names rounds: ``file`` or a column named like a round."""
    words = _WORDS.findall(str(name).lower())
    return name == FILE_GROUP or any(w in ROUND_WORDS for w in words)


@dataclass(frozen=True)
class PairingDecision:
    paired: bool
    reason: str  # one sentence for notes and captions


def decide_pairing(by: str, shared: int, *, pairing: str = "auto", cross_file: bool = False) -> PairingDecision:
    """Whether two groups of ``by`` are paired (the same people).

    ``shared`` is how many participant ids appear in both groups; ``cross_file`` is True when the
    two groups' rows come from disjoint sets of input files.
    """
    if pairing == "paired":
        return PairingDecision(True, "paired as asked (--pairing paired): the same ids are the same people")
    if pairing == "independent":
        return PairingDecision(False, "independent as asked (--pairing independent)")
    if not shared:
        return PairingDecision(False, "between subjects: no participant is in both groups")
    if is_round_column(by) or cross_file:
        why = "the groups are rounds" if is_round_column(by) else "the groups come from different files"
        return PairingDecision(
            False,
            f"between subjects: {why}, so the {shared} shared participant id(s) are taken as different "
            f"people (--pairing paired if they are the same people)",
        )
    return PairingDecision(True, f"within subjects: {shared} participant(s) are in both groups (paired tests)")


# --- rounds from files: the input each row came from ----------------------------------------------------


def file_label(raw: str) -> str:
    """A command-line path as a group label: as typed, minus a trailing slash ("round1/" → "round1")."""
    text = str(raw)
    stripped = text.rstrip("/\\")
    return stripped or text


def file_labels(names: list[str], paths: tuple[str, ...] | list[str]) -> list[str]:
    """For each input file name (InputFile.name), the label of the command-line argument it came from.

    A file given itself is its own argument; a file found in a directory belongs to that directory.
    Without ``paths`` (a library caller) each file is its own label.
    """
    from pathlib import Path

    out = []
    for name in names:
        label = None
        for raw in paths:
            if name == raw:
                label = raw
                break
            base = Path(raw)
            if str(raw) != "-" and Path(name).parent == base:
                label = raw
                break
        out.append(file_label(label if label is not None else name))
    return out


def with_file_column(attempts, names: list[str], paths: tuple[str, ...] | list[str]):
    """``attempts`` with the pseudo-column FILE_GROUP (the input argument each row came from), as an
    ordered categorical in the order the inputs were given. A real column named ``file`` is kept."""
    import pandas as pd

    if attempts is None or FILE_GROUP in attempts.columns or "_file" not in attempts.columns:
        return attempts
    labels = file_labels(names, paths)
    order = list(dict.fromkeys(labels))
    codes = attempts["_file"].to_numpy()
    values = [labels[int(i)] if 0 <= int(i) < len(labels) else None for i in codes]
    column = pd.Categorical(values, categories=order)
    return attempts.assign(**{FILE_GROUP: column})


# --- the study design: conditions, rounds, participants -----------------------------------------------

CONDITION_COLUMNS = ("variant",)  # the attempts frame's condition (design, method, prototype… map to it)
SUBJECTS = ("between", "within")


@dataclass(frozen=True)
class StudyDesign:
    """What the data say about the design: the condition column and its values, whether it is within
    subjects (some participant has rows in two or more conditions in one file), the round grouping."""

    participant: str = "participant"
    condition: str | None = None
    conditions: tuple[str, ...] = ()
    within: int = 0  # participants with rows in 2+ conditions in the same file
    subjects: str | None = None  # "between" / "within" (set by the study file, else detected)
    round: str | None = None
    rounds: tuple[str, ...] = ()
    stated: bool = False  # subjects set in the study file

    written: str | None = None  # the condition's header as written in the file ("Method"), when not the field's name

    def describe(self) -> str:
        """One line: 'condition = variant (2: A, B), within subjects (8 participants did both); rounds: file (2)'."""
        parts = []
        if self.condition:
            shown = ", ".join(self.conditions[:6]) + (", …" if len(self.conditions) > 6 else "")
            name = self.condition
            if self.written and self.written != self.condition:
                name = f'{self.condition} (column "{self.written}")'
            text = f"condition = {name} ({len(self.conditions)}: {shown})"
            if self.subjects == "within":
                did = "both" if len(self.conditions) == 2 else "two or more"
                people = "participant" if self.within == 1 else "participants"
                text += f", within subjects ({self.within} {people} did {did})"
                if self.stated:
                    text += " (study file)"
            elif self.subjects == "between":
                text += ", between subjects" + (" (study file)" if self.stated else " (each participant saw one)")
            parts.append(text)
        else:
            parts.append("no condition column (one design)")
        if self.round:
            parts.append(f"rounds: {self.round} ({len(self.rounds)})")
        return "; ".join(parts)


def design_settings(metadata: dict | None) -> dict[str, str]:
    """The study file's ``design:`` section (condition, round, subjects), checked."""
    from uxcli.errors import OptionError

    section = (metadata or {}).get("design") or {}
    if not isinstance(section, dict):
        raise OptionError("design: in the study file must be a mapping (condition:, round:, subjects:)")
    settings = {str(k).strip().lower(): str(v).strip() for k, v in section.items() if v is not None}
    unknown = [k for k in settings if k not in ("condition", "round", "subjects")]
    if unknown:
        raise OptionError(f"design: {unknown[0]!r} is not a design setting (condition, round, subjects)")
    if "subjects" in settings and settings["subjects"].lower() not in SUBJECTS:
        raise OptionError(f"design: subjects must be between or within, not {settings['subjects']!r}")
    return settings


def condition_header(headers: list[list[str] | None]) -> str | None:
    """The header read as the variant (the condition) in the first file that has one."""
    from uxcli.vocab import field_for, normalize_header

    for names in headers:
        found = [h for h in names or () if field_for(h) == "variant"]
        others = [h for h in found if normalize_header(h) != "group"]
        if others or found:
            return (others or found)[0]
    return None


def study_design(
    attempts, names: list[str] | None = None, settings: dict | None = None, headers: list | None = None
) -> StudyDesign:
    """The design of an attempts frame (detected; the study file's ``design:`` settings win).

    Condition: ``settings["condition"]``, else the variant column when it has two or more values.
    Within subjects when some participant has rows in two or more conditions in the same file.
    Round: ``settings["round"]``, else a column named like a round, else the files when there are
    two or more inputs (``--by file``).
    """
    settings = settings or {}
    if attempts is None or len(attempts) == 0:
        return StudyDesign()
    columns = [c for c in attempts.columns if not str(c).startswith("_")]
    condition = settings.get("condition")
    written = None
    if condition is not None and _column(columns, condition) is None and "variant" in columns:
        condition, written = "variant", condition  # the study file's condition column is read as the variant
    elif condition is not None:
        condition = _column(columns, condition) or condition
    elif "variant" in columns and attempts["variant"].dropna().nunique() >= 2:
        condition = "variant"
    conditions: tuple[str, ...] = ()
    within = 0
    if condition in attempts.columns:
        import pandas as pd

        column = attempts[condition].astype(object)
        known = column.notna().to_numpy()
        conditions = tuple(dict.fromkeys(column[known].astype(str)))
        if "participant" in attempts.columns:
            files = attempts["_file"].to_numpy() if "_file" in attempts.columns else 0
            frame = pd.DataFrame(
                {"f": files, "p": attempts["participant"].astype(object).to_numpy(), "c": column.to_numpy()}
            )[known]
            counts = frame.groupby(["f", "p"])["c"].nunique()
            within = int(counts[counts >= 2].reset_index()["p"].nunique())

    def values_of(column: str) -> tuple | None:
        return tuple(dict.fromkeys(attempts[column].dropna().astype(str))) if column in attempts.columns else None

    return _design(condition, conditions, within, written, settings, columns, values_of, names, headers)


def streamed_design(
    facts, names: list[str] | None = None, settings: dict | None = None, headers: list | None = None
) -> StudyDesign | None:
    """The design of a summary computed while streaming (no attempts frame), by study_design's rules, from
    what the stream kept (uxcli.readers.stream.summary.StreamedDesign). None when the study file names a
    condition column other than the variant: the stream kept no record of who saw which of its values."""
    settings = settings or {}
    columns = list(facts.columns)
    condition, written = settings.get("condition"), None
    if condition is not None and _column(columns, condition) is None and "variant" in columns:
        condition, written = "variant", condition  # the study file's condition column is read as the variant
    elif condition is not None:
        condition = _column(columns, condition) or condition
        if condition != "variant" and condition in columns:
            return None
    elif "variant" in columns and len(facts.conditions) >= 2:
        condition = "variant"
    known = condition == "variant" and "variant" in columns
    conditions, within = (facts.conditions, facts.within) if known else ((), 0)
    return _design(condition, conditions, within, written, settings, columns, facts.columns.get, names, headers)


def _design(
    condition, conditions: tuple, within: int, written, settings: dict, columns: list[str], values_of, names, headers
) -> StudyDesign:
    """What both readings of the design share: the subjects (the study file's, else within when someone did
    two conditions), the rounds (_rounds) and the condition's header as written."""
    stated = "subjects" in settings
    subjects = settings["subjects"].lower() if stated else ("within" if within else "between") if conditions else None
    round_name, rounds = _rounds(columns, settings.get("round"), values_of, names)
    if written is None and condition == "variant":
        written = condition_header(headers or [])
    return StudyDesign("participant", condition, conditions, within, subjects, round_name, rounds, stated, written)


def _rounds(columns: list[str], setting: str | None, values_of, names: list[str] | None) -> tuple[str | None, tuple]:
    """(round column, its values): the study file's ``round:``, else a column named like a round, else the
    input files when there are two or more. ``values_of(column)``: its values in order, None if not read."""
    if setting is not None:
        round_name: str | None = _column(columns, setting) or setting
    else:
        round_name = next((c for c in columns if c != FILE_GROUP and is_round_column(str(c))), None)
    values = values_of(round_name) if round_name is not None else None
    if values is not None:
        return round_name, tuple(values)
    if round_name is None and names and len(set(names)) >= 2:
        return FILE_GROUP, tuple(dict.fromkeys(names))
    return round_name, ()


def _column(columns: list[str], name: str) -> str | None:
    """The column ``name`` means: exact, else case-insensitive."""
    if name in columns:
        return name
    lowered = {str(c).lower(): c for c in columns}
    return lowered.get(str(name).lower())


def attempt_key(columns) -> list[str]:
    """What an attempt number counts within: participant × session × condition × round × task.

    A participant who does a task under method A and then method B made one attempt under each
    condition, not a retry; nor is P01 of round 2 retrying P01 of round 1. Rounds here are columns
    named like a round (the input file separates its own rows already).
    """
    names = [str(c) for c in columns]
    rounds = [c for c in names if not c.startswith("_") and c != FILE_GROUP and is_round_column(c)]
    return [c for c in ("participant", "session", "variant") if c in names] + rounds + ["task"]


def condition_candidates(candidates: dict[str, list[str]], mapped: bool, file: str, line: int) -> list:
    """Which header is the condition, when a ``group`` column is among the candidates for variant.

    ``candidates`` (field → headers, from readers.csvfile.map_header) is changed in place: a column
    named "group" is the condition only when no other condition-like column (variant, design,
    condition, method, prototype, version, arm) is present; otherwise it stays an attribute (an extra
    column, usable with ``--by group``). Returns the notes that say which reading was taken.
    """
    from uxcli.errors import Problem
    from uxcli.vocab import normalize_header

    found = candidates.get("variant") or []
    groups = [h for h in found if normalize_header(h) == "group"]
    if mapped or not groups:
        return []
    others = [h for h in found if h not in groups]
    if others:
        candidates["variant"] = others
        return [
            Problem(
                "note",
                f'kept as an attribute (usable with --by {groups[0]}); "{others[0]}" is the condition (variant)',
                file,
                line,
                groups[0],
                None,
                f'--map "{groups[0]}=variant" if "{groups[0]}" is the condition',
            )
        ]
    return [
        Problem(
            "note",
            "taken as the condition (variant): no other column names one",
            file,
            line,
            groups[0],
            None,
            'if it is a session group, name the condition with --map "COLUMN=variant"',
        )
    ]
