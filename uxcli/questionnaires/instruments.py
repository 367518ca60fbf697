"""The questionnaire instruments: one registry entry each, naming the module that implements it.

Light on purpose (standard library and uxcli.reference only): the CLI builds one command per entry and
the gates can list the questionnaire metrics without loading pandas.

To add an instrument, write ``uxcli/questionnaires/NAME.py`` exposing ``QUESTIONNAIRE`` (a
:class:`uxcli.questionnaires.analysis.Questionnaire`) and add an :class:`Instrument` to ``INSTRUMENTS``.
Everything else follows from these two: the ``uxcli NAME`` command, the library's ``score(NAME, ...)``,
the reader keeping its columns apart from other instruments', and the registry tests. An instrument's own
choices of method (``choices``, e.g. UMUX-Lite's ``--sus-estimate``) become options of its command and
``QuestionnaireOptions.settings``; its module's ``score`` then takes them as keyword arguments.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from uxcli.reference import (
    SEQ_AVERAGE,
    SUS_AVERAGE,
    UMUX_LITE_REGRESSION_2013_INTERCEPT,
    UMUX_LITE_REGRESSION_2013_SLOPE,
)

if TYPE_CHECKING:
    from uxcli.questionnaires.analysis import Questionnaire


@dataclass(frozen=True)
class GateMetric:
    """The ``--fail-under`` metric an instrument's results answer (the fields of uxcli.gates.Metric)."""

    key: str  # sus in --fail-under sus=68
    label: str  # as gate messages print it
    value: str  # figure (study-wide) or column (per task) holding the point estimate
    low: str  # ... the interval's lower bound
    high: str  # ... and upper bound
    per_task: bool  # checked per task (SEQ, CSAT) or once for the study
    unit: str = ""  # "fraction" allows targets like 80%
    higher_is_better: bool = True
    aliases: tuple[str, ...] = ()  # other spellings accepted in rules

    def figures(self, point: float, low: float, high: float) -> dict[str, float]:
        """A study-wide estimate under the names the gate reads."""
        return {self.value: point, self.low: low, self.high: high}

    def renaming(self, point: str, low: str, high: str) -> dict[str, str]:
        """Columns of a per-task frame -> the names the gate reads."""
        return {point: self.value, low: self.low, high: self.high}


@dataclass(frozen=True)
class Choice:
    """An instrument's own option: one of a few named methods. The generated command gets ``flag``; the
    library takes it as ``QuestionnaireOptions(settings=((name, value),))``; the module's ``score`` as
    the keyword argument ``name``."""

    flag: str  # --sus-estimate
    name: str  # sus_estimate
    values: tuple[str, ...]  # the first is the default
    help: str

    @property
    def default(self) -> str:
        return self.values[0]


@dataclass(frozen=True)
class Instrument:
    """A registry entry: everything known about an instrument before its module is imported."""

    key: str  # the instrument's name, also its command: `uxcli umux-lite`, score("umux-lite", ...)
    module: str  # the module exposing QUESTIONNAIRE
    help: str  # one line: the command list and the top of --help
    details: str  # the rest of --help
    option: Literal["--impute-neutral", "--column"]  # several items: impute missing ones; one item: pick its column
    gate: GateMetric | None = None
    choices: tuple[Choice, ...] = ()  # the instrument's own options (methods), offered by its command

    @property
    def help_text(self) -> str:
        return f"{self.help}\n\n{self.details}"


INSTRUMENTS: dict[str, Instrument] = {
    "sus": Instrument(
        "sus",
        "uxcli.questionnaires.sus",
        "System Usability Scale: respondent scores; mean, CI, grade, percentile, adjective.",
        "Reads survey exports (an id column and ten item columns: Q1-Q10, SUS1-SUS10 or the item texts; answers "
        "1-5 or Strongly disagree ... Strongly agree) and YAML sessions (questionnaires: {sus: [...]}).\n\n"
        f"Example: uxcli sus responses.csv --fail-under sus={SUS_AVERAGE:g}",
        "--impute-neutral",
        GateMetric("sus", "SUS mean", "sus_mean", "sus_ci_low", "sus_ci_high", per_task=False, aliases=("sus_mean",)),
    ),
    "seq": Instrument(
        "seq",
        "uxcli.questionnaires.seq",
        f"Single Ease Question (1-7) per task: mean with its interval, tested against the {SEQ_AVERAGE:g} average.",
        "Long CSV (participant, task, seq), wide CSV (participant, one column per task) or YAML sessions "
        f"(seq: {{task: rating}}). Gate with --fail-under seq={SEQ_AVERAGE:g} or seq=TASK:{SEQ_AVERAGE:g}.",
        "--column",
        GateMetric("seq", "SEQ mean", "seq_mean", "_seq_ci_low", "_seq_ci_high", per_task=True, aliases=("seq_mean",)),
        choices=(
            Choice(
                "--scale",
                "scale",
                ("auto", "7", "5"),
                f"Points of the rating scale: auto = 7 unless a header says 1-5; on 5 points the {SEQ_AVERAGE:g} "
                "average (a 1-7 figure) is not tested.",
            ),
        ),
    ),
    "umux-lite": Instrument(
        "umux-lite",
        "uxcli.questionnaires.umux_lite",
        "UMUX-Lite: score (two 1-7 items, 0-100), which is also its SUS estimate.",
        "Item columns: UMUX1/UMUX2 (or Q1/Q2, or the item texts); YAML: questionnaires: {umux_lite: [6, 7]}. "
        "The SUS estimate is the UMUX-Lite score itself, (item1 + item2 - 2) x 100/12 (MeasuringU, Lewis & "
        "Sauro: two-item interpolation); --sus-estimate regression-2013 uses the 2013 regression "
        f"{UMUX_LITE_REGRESSION_2013_SLOPE:g} x score + {UMUX_LITE_REGRESSION_2013_INTERCEPT:g} instead, which "
        "underestimates SUS at high usability (Lah, Lewis & Šumak 2020). "
        f"Gate on the SUS-estimate mean with --fail-under umux={SUS_AVERAGE:g}.",
        "--impute-neutral",
        GateMetric(
            "umux",
            "UMUX-Lite (SUS-equivalent) mean",
            "umux_mean",
            "umux_ci_low",
            "umux_ci_high",
            per_task=False,
            aliases=("umux-lite", "umuxlite"),
        ),
        choices=(
            Choice(
                "--sus-estimate",
                "sus_estimate",
                ("interpolation", "regression-2013"),
                "How to estimate SUS: interpolation = the UMUX-Lite score itself (MeasuringU); regression-2013 = "
                f"{UMUX_LITE_REGRESSION_2013_SLOPE:g} x score + {UMUX_LITE_REGRESSION_2013_INTERCEPT:g} (Lewis, "
                "Utesch & Maher 2013; no longer recommended by its authors).",
            ),
        ),
    ),
    "nps": Instrument(
        "nps",
        "uxcli.questionnaires.nps",
        "Net Promoter Score: % promoters - % detractors, with the adjusted-Wald NPS interval.",
        'Answer column: a header mentioning "recommend" or "NPS", or the only answer column; '
        "YAML: questionnaires: {nps: 9}.",
        "--column",
        GateMetric("nps", "NPS", "nps", "nps_ci_low", "nps_ci_high", per_task=False),
    ),
    "csat": Instrument(
        "csat",
        "uxcli.questionnaires.csat",
        "Customer satisfaction: top-2-box share (4-5 of 5) with its interval, per task if given.",
        "Answers 1-5 or Very dissatisfied ... Very satisfied; YAML: questionnaires: {csat: 4}. "
        "Gate with --fail-under csat=0.8.",
        "--column",
        GateMetric("csat", "CSAT", "csat", "csat_ci_low", "csat_ci_high", per_task=True, unit="fraction"),
    ),
}


def load(key: str) -> Questionnaire:
    """The QUESTIONNAIRE of a registered instrument (imports its module)."""
    if key not in INSTRUMENTS:
        from uxcli.errors import OptionError

        raise OptionError(f"no questionnaire instrument {key!r}; known: {', '.join(INSTRUMENTS)}")
    questionnaire: Questionnaire = importlib.import_module(INSTRUMENTS[key].module).QUESTIONNAIRE
    return questionnaire


def gate_metrics() -> list[GateMetric]:
    """The --fail-under metrics the instruments answer, in registry order."""
    return [instrument.gate for instrument in INSTRUMENTS.values() if instrument.gate is not None]
