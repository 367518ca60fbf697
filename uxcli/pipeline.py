"""What each command computes, as library calls: typed options in, frozen result values out.

Every task command runs the same two stages (``uxcli.cli`` only turns flags into these options and
renders the results)::

    inputs = load_inputs(ReadOptions(("sessions/",)), PrepareOptions(exclude=("participant=P03",)))
    result = summary(inputs, SummaryOptions(benchmark=True, fail_under=("success=0.8",)))
    result.frame, result.verdict.failed

:func:`load_inputs` reads (uxcli.readers), stops on the first error, prepares the attempts (exclusions,
quality flags, pseudonyms: uxcli.tasks.exclusions) and, with ``strict``, stops on the first warning too.
Then one function per command: :func:`summary`, :func:`attempts`, :func:`compare`,
:func:`usability_metric`, :func:`report_data` and :func:`chart`; :func:`validate` reads on its own,
listing every problem instead of stopping.

Option values check themselves when made (OptionError), so a typo fails before any file is read. This
module imports nothing heavy at load time: the CLI builds its options from it without pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uxcli.errors import InputError, OptionError
from uxcli.readers.options import ReadOptions

if TYPE_CHECKING:
    import pandas as pd

    from uxcli.gates import GateVerdict, Rule
    from uxcli.readers.dataset import Dataset
    from uxcli.readers.stream.summary import SummaryRequest
    from uxcli.report.build import ReportOptions
    from uxcli.report.charts import ChartKind
    from uxcli.report.model import ReportData
    from uxcli.tasks.compare import Comparison
    from uxcli.tasks.exclusions import Preparation
    from uxcli.tasks.metrics import Grouped
    from uxcli.tasks.quality import QualityOptions

__all__ = [
    "AttemptsResult",
    "CompareOptions",
    "CompareResult",
    "Inputs",
    "PrepareOptions",
    "ReadOptions",
    "SummaryOptions",
    "SummaryResult",
    "UsabilityMetricOptions",
    "UsabilityMetricResult",
    "ValidateOptions",
    "Validation",
    "attempts",
    "chart",
    "chart_kind",
    "compare",
    "load_inputs",
    "problems_frame",
    "report_data",
    "summary",
    "usability_metric",
    "validate",
]

MAX_WARNINGS = 10  # warnings listed after reading; the rest are counted (all of them with verbose)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise OptionError(f"--confidence must be between 0 and 1, not {confidence}")


def _check_time_of(time_of: str) -> None:
    from uxcli.tasks.metrics import TIME_OF

    if time_of not in TIME_OF:
        raise OptionError(f"--time-of must be one of {', '.join(TIME_OF)}, not {time_of!r}")


# --- reading and preparing: the stage every task command shares --------------------------------------


@dataclass(frozen=True)
class PrepareOptions:
    """Between read and metrics: exclusion rules, data-quality flags and pseudonyms.

    ``exclude`` holds rules as written after ``--exclude`` ("participant=P03,P07"); ``study`` and
    ``exclusions`` are YAML files (uxcli.tasks.exclusions); ``quality`` the flags asked for, on top of
    the study file's ``quality:`` settings.
    """

    study: str | Path | None = None
    exclude: tuple[str, ...] = ()
    exclusions: str | Path | None = None
    quality: QualityOptions | None = None
    pseudonymize: bool = False
    salt: str | None = None

    def __post_init__(self) -> None:
        if self.exclude:
            from uxcli.tasks.exclusions import parse_rule

            for text in self.exclude:
                parse_rule(text)
        if self.quality is not None:
            # each number alone; --cap-idle without --idle-gap may still get its gap from the study file
            self.quality.check_values()

    def files(self) -> list[str]:
        """The study and exclusion files: inputs too, which an output must never overwrite."""
        return [str(path) for path in (self.study, self.exclusions) if path]

    def load(self) -> Preparation:
        """Read the study and exclusion files into one Preparation (their errors come before the data's).

        Rules: the study file's, the exclusions file's, then ``exclude``; quality: the study's settings with
        the ones given here on top, checked together.
        """
        from uxcli.tasks.exclusions import Preparation, Study, load_exclusions, load_study, parse_rule
        from uxcli.tasks.quality import QualityOptions

        study = load_study(self.study) if self.study else Study()
        rules = [*study.rules]
        if self.exclusions:
            rules.extend(load_exclusions(self.exclusions))
        rules.extend(parse_rule(text) for text in self.exclude)
        quality = study.quality.overridden_by(self.quality or QualityOptions())
        quality.check()
        return Preparation(rules, quality, self.pseudonymize, self.salt, study)


@dataclass(frozen=True)
class Inputs:
    """The inputs read and prepared, and what to say about them.

    ``warnings`` are every warning (participant ids pseudonymized like every output), ``notes`` one
    sentence per exclusion or flagging decision, ``accounting`` the rows read, used and set aside.
    """

    dataset: Dataset
    preparation: Preparation | None
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    accounting: str
    paths: tuple[str, ...] = ()  # the inputs as given (ReadOptions.paths): what ``--by file`` groups by

    def with_groups(self, by: tuple[str, ...] | list[str] | str) -> Dataset:
        """The dataset, its attempts carrying the pseudo-column ``file`` when ``by`` names it
        (uxcli.design.FILE_GROUP: the input argument each row came from)."""
        from uxcli.design import FILE_GROUP, with_file_column

        names = [by] if isinstance(by, str) else list(by)
        dataset = self.dataset
        if dataset.attempts is None or not any(str(b).strip().lower() == FILE_GROUP for b in names):
            return dataset
        attempts = with_file_column(dataset.attempts, [f.name for f in dataset.files], self.paths)
        return replace(dataset, attempts=attempts)

    def design(self) -> Any:
        """The study design (uxcli.design.StudyDesign): detected, with the study file's ``design:`` settings."""
        from uxcli.design import StudyDesign

        found = self._design_found()
        return found if found is not None else StudyDesign()

    def _design_found(self) -> Any:
        """The design read off the attempts frame, or off what a summary made while streaming kept (None when
        the stream kept no record of the study file's condition column)."""
        from uxcli.design import design_settings, file_labels, streamed_design, study_design

        dataset = self.dataset
        metadata = self.preparation.study.metadata if self.preparation is not None else {}
        labels = file_labels([f.name for f in dataset.files], self.paths)
        headers = [f.headers for f in dataset.files]
        settings = design_settings(metadata)
        if dataset.attempts is None and dataset.streamed_design is not None:  # summarised while streaming
            return streamed_design(dataset.streamed_design, labels, settings, headers)
        return study_design(dataset.attempts, labels, settings, headers)

    def _known_design(self) -> Any:
        """The design when there are attempts to read it from (a frame, or a summary made while streaming)."""
        dataset = self.dataset
        if dataset.attempts is not None:
            return self._design_found() if len(dataset.attempts) else None
        if dataset.streamed_design is None or dataset.grouped is None or not dataset.grouped.stats.groups:
            return None
        return self._design_found()

    def messages(self, *, verbose: bool = False, notes: bool = True) -> list[str]:
        """The lines a command prints on stderr after reading: the first MAX_WARNINGS warnings (all with
        ``verbose``), then the accounting (``verbose``) or the notes (when ``notes``)."""
        shown = self.warnings if verbose else self.warnings[:MAX_WARNINGS]
        lines = [f"warning: {text}" for text in shown]
        if len(self.warnings) > len(shown):
            lines.append(f"warning: … and {len(self.warnings) - len(shown)} more warnings (--verbose lists them all)")
        if verbose:
            lines.extend(f"{f.name}: {f.reading}" for f in self.dataset.files if f.reading)
            lines.append(self.accounting)
            design = self._known_design()
            if design is not None:
                lines.append(f"design: {design.describe()}")
        elif notes:
            lines.extend(f"note: {note}" for note in self.notes)
        return lines


def load_inputs(
    read: ReadOptions, prepare: PrepareOptions | None = None, *, strict: bool = False, events: bool = False
) -> Inputs:
    """Read, raise the first error, prepare the attempts, and with ``strict`` raise the first warning too.
    ``events``: keep each attempt's events (uxcli.navigation.events), as :func:`navigation` needs.

    ``read.summarize`` (streamed group statistics) is only kept when preparation has nothing to do: no
    exclusion, flag or pseudonym, which need every attempt. The study file's ``columns:`` join
    ``read.column_map`` (which wins), and idle capping reads pauses with the study's idle gap.
    """
    from uxcli.readers.read import read as read_dataset

    preparation = prepare.load() if prepare is not None else None
    if events:
        from uxcli.navigation.events import keeping_events

        with keeping_events():
            dataset = read_dataset(replace(_read_options(read, preparation), engine="whole"))
    else:
        dataset = read_dataset(_read_options(read, preparation))
    dataset.problems.raise_first_error()
    if preparation is not None and dataset.grouped is None:
        from uxcli.tasks.exclusions import data_rules
        from uxcli.tasks.exclusions import prepare as prepare_dataset

        rules = [*data_rules(dataset), *preparation.rules]
        dataset = prepare_dataset(dataset, replace(preparation, rules=rules))
    _raise_first_problem(dataset, strict)
    warnings = tuple(_shown(dataset, str(p)) for p in dataset.problems.warnings)
    notes = tuple(_shown(dataset, text) for text in dataset.all_notes())
    return Inputs(dataset, preparation, warnings, notes, dataset.accounting(), tuple(read.paths))


def _shown(dataset: Dataset, text: str) -> str:
    """A message as every output shows it: quoted participant ids pseudonymized, when they are."""
    private = dataset.pseudonymizer
    return (private.text(text) or text) if private is not None else text


def _read_options(read: ReadOptions, preparation: Preparation | None) -> ReadOptions:
    if preparation is None:
        return read
    quality = preparation.quality
    return replace(
        read,
        column_map={**_study_columns(preparation), **read.column_map},
        outcomes={**preparation.study.outcomes, **read.outcomes},
        idle_gap=quality.idle_gap if quality.cap_idle else read.idle_gap,
        summarize=None if preparation.active else read.summarize,
    )


def _study_columns(preparation: Preparation) -> dict[str, str]:
    """The study file's ``columns:``, and its ``design: condition:`` column read as the variant."""
    from uxcli.design import design_settings

    columns = dict(preparation.study.columns)
    condition = design_settings(preparation.study.metadata).get("condition")
    if condition and condition.lower() != "variant" and "variant" not in columns.values():
        columns.setdefault(condition, "variant")
    return columns


def _raise_first_problem(dataset: Dataset, strict: bool) -> None:
    """The first error (or, with ``strict``, warning) as an InputError, its ids pseudonymized."""
    problem = next(
        (p for p in dataset.problems.items if p.severity == "error" or (strict and p.severity == "warning")), None
    )
    if problem is None:
        return
    private = dataset.pseudonymizer
    if private is not None:  # a --strict warning may quote an id: pseudonymize it like every output
        problem = replace(
            problem,
            message=private.text(problem.message) or problem.message,
            value=private.value(problem.value),
            hint=private.text(problem.hint),
        )
    raise InputError.from_problem(problem)


# --- summary ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryOptions:
    """``uxcli summary``: grouping, intervals, benchmark columns and release gates.

    ``fail_under`` holds gate rules as written after ``--fail-under`` ("success=0.8", "time=checkout:120");
    ``gate_on`` is "point" (the estimate) or "bound" (the pessimistic end of the interval). ``unit`` is what
    the rates, their intervals, the 78% benchmark and the gates count: "participant" (one outcome per
    participant × task: eventual success, abandon if the last attempt was abandoned) or "attempt"
    (uxcli.tasks.metrics.summarize).
    """

    by: tuple[str, ...] = ("task",)
    confidence: float = 0.95
    time_of: str = "success"
    benchmark: bool = False
    fail_under: tuple[str, ...] = ()
    gate_on: str = "point"
    opportunities: tuple[str, ...] = ()
    unit: str = "participant"
    assisted: str = "failure"  # how assisted completions enter the success rate (uxcli.tasks.metrics.ASSISTED_AS)

    def __post_init__(self) -> None:
        from uxcli.gates import GATE_MODES, parse_rules

        if isinstance(self.by, str):
            raise OptionError(f"by wants a tuple of column names, e.g. ('task', 'variant'), not {self.by!r}")
        parse_rules(list(self.fail_under))  # now, so a typo in a rule fails before any file is read
        self.chances()
        _check_confidence(self.confidence)
        _check_time_of(self.time_of)
        if self.gate_on not in GATE_MODES:
            raise OptionError(f"--gate-on must be one of {', '.join(GATE_MODES)}, not {self.gate_on!r}")
        if self.unit not in ("participant", "attempt"):  # uxcli.tasks.metrics.UNITS (not imported: pandas)
            raise OptionError(f"--unit must be one of participant, attempt, not {self.unit!r}")
        if self.assisted not in ("failure", "success"):  # uxcli.tasks.metrics.ASSISTED_AS
            raise OptionError(f"--assisted must be one of failure, success, not {self.assisted!r}")

    @property
    def rules(self) -> list[Rule]:
        from uxcli.gates import parse_rules

        return parse_rules(list(self.fail_under))

    def chances(self) -> dict[str | None, float]:
        """``opportunities`` ("checkout=5", or "5" for every task) as {task or None: N} (uxcli sum's syntax)."""
        from uxcli.tasks.per_task import parse_task_numbers

        return parse_task_numbers(list(self.opportunities), "--opportunities")

    def request(self) -> SummaryRequest | None:
        """What to pass as ReadOptions.summarize, so big event logs are summarised while streaming;
        None when an errors gate needs every attempt's errors."""
        from uxcli.readers.stream.summary import SummaryRequest

        if any(rule.metric.key == "errors" for rule in self.rules):
            return None
        if any(str(b).strip().lower() == "file" for b in self.by):  # uxcli.design.FILE_GROUP: needs attempts
            return None
        return SummaryRequest(list(self.by), self.time_of, self.unit)


@dataclass(frozen=True)
class SummaryResult:
    """The summary frame and what the terminal table adds to it.

    ``frame``: the group column(s), METRICS, then seq_mean (when the sessions carry SEQ ratings) and the
    benchmark columns (with ``benchmark``); columns starting with "_" feed the gates and are never shown.
    ``columns`` are the table's extra columns (header, a cell per row, the overall cell), ``footer`` the
    caption lines under the table, ``verdict`` what the gates found.
    """

    frame: pd.DataFrame
    grouped: Grouped
    options: SummaryOptions
    columns: tuple[tuple[str, tuple[str, ...], str], ...]
    footer: str
    verdict: GateVerdict
    design: str | None = None  # "Design: condition = …" when grouped by a condition or round (also in footer)

    def overall(self) -> pd.DataFrame:
        """The overall row: every group merged."""
        merged = self.grouped.overall()
        return with_time_n(merged.summary(self.options.confidence), merged.time_counts())

    def with_overall(self) -> pd.DataFrame:
        """``frame`` plus the overall row (``--overall``): its group columns hold OVERALL_LABEL, and the
        boolean column ``overall`` (last) is True on it only, so scripts can filter it out."""
        import pandas as pd

        frame = self.frame.copy()
        by = list(self.options.by)
        if not by:  # ungrouped: the one row is the overall row
            frame["overall"] = True
            return frame
        overall = self.overall()
        row = {c: OVERALL_LABEL for c in by} | {c: overall[c].iloc[0] for c in overall.columns if c not in by}
        for column in (c for c in frame.columns if c not in row):  # SEQ, benchmark: the table's overall cells
            row[column] = None
        for column in by:
            frame[column] = frame[column].astype(object)
        frame["overall"] = False
        row["overall"] = True
        dtypes = {c: frame[c].dtype for c in frame.columns if c not in by}
        extra = pd.DataFrame([row], columns=frame.columns).astype(dtypes, errors="ignore")
        return pd.concat([frame, extra], ignore_index=True)

    def time_n(self) -> list[int]:
        """How many times each group's time figures rest on."""
        return [int(n) for n in self.grouped.time_counts()]

    def overall_time_n(self) -> int:
        counts = self.grouped.overall().time_counts()
        return int(counts[0]) if len(counts) else 0


def summary(inputs: Inputs, options: SummaryOptions | None = None) -> SummaryResult:
    """Task metrics per group, with SEQ, errors per opportunity, benchmark columns and the gates' verdict.

    Without SEQ ratings, error opportunities, ``benchmark`` or gates the frame has exactly the group columns
    and METRICS.
    """
    from uxcli.gates import evaluate
    from uxcli.questionnaires.seq import ratings_from_sessions as seq_ratings
    from uxcli.questionnaires.sus import scores_from_sessions as sus_scores_from_sessions
    from uxcli.tasks.metrics import group_stats

    options = options or SummaryOptions()
    dataset, by = inputs.with_groups(options.by), list(options.by)
    if dataset.grouped is None:
        from uxcli.tasks.metrics import resolve_by

        by = resolve_by(dataset.attempts, by)  # "round" → "Round", "file" → the inputs (uxcli.design)
    grouped = dataset.grouped or group_stats(dataset.attempts, by, options.time_of, options.unit, options.assisted)
    study = _task_metadata(dataset.study, inputs.preparation.study.metadata if inputs.preparation else {})
    _check_task_names(options.chances(), grouped, "--opportunities")
    frame = grouped.summary(options.confidence)
    ratings = seq_ratings(dataset.responses)
    keys = {rule.metric.key for rule in options.rules}
    context = _Context(dataset, ratings, keys, options, study)
    frame = with_time_n(_extended(frame, by, grouped, context), grouped.time_counts())
    columns: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    if not ratings.empty or options.benchmark or "errors_per_opportunity" in frame:  # the table's extra cells
        overall_grouped = grouped.overall()
        overall = _extended(overall_grouped.summary(options.confidence), [], overall_grouped, context)
        columns = _table_columns(frame, overall, options.benchmark)
    figures: dict = {}
    if options.benchmark or "sus" in keys:
        from uxcli.benchmarks import sus_figures

        alpha = 1 - options.confidence
        figures = sus_figures(sus_scores_from_sessions(dataset.responses), options.confidence, alpha)
    verdict = evaluate(options.rules, frame, by, figures, mode=options.gate_on, confidence=options.confidence)
    unit_note = _unit_note(_retried(dataset, grouped), options.unit)
    design = _design_line(inputs, by)
    assisted = int(frame["assisted"].sum()) if "assisted" in frame and len(frame) else 0
    assisted_note = (
        f"{assisted} assisted completion{'s' if assisted != 1 else ''} counted as "
        f"{'successes' if options.assisted == 'success' else 'failures'} in the success rate "
        f"(--assisted {'failure' if options.assisted == 'success' else 'success'} counts them as "
        f"{'failures' if options.assisted == 'success' else 'successes'})"
        if assisted
        else None
    )
    pooled = _pooled_note(dataset, by, options.unit)
    footer = "\n".join(
        t
        for t in (design, unit_note, pooled, assisted_note, _benchmark_footer(figures, options), inputs.accounting)
        if t
    )
    return SummaryResult(frame, grouped, replace(options, by=tuple(by)), columns, footer, verdict, design)


def _retried(dataset: Dataset, grouped: Grouped) -> int:
    """How many participants retried a task: attempt numbers count within participant × condition ×
    round × task (uxcli.design.attempt_key), so doing a task under two conditions is not a retry."""
    attempts = dataset.attempts
    if attempts is None or "attempt" not in attempts.columns or "participant" not in attempts.columns:
        return grouped.retried()
    return int(attempts.loc[attempts["attempt"].to_numpy() > 1, "participant"].nunique())


def _design_line(inputs: Inputs, by: list[str]) -> str | None:
    """'Design: condition = variant (2: A, B), between subjects …' when the rows are grouped by a
    condition or a round (uxcli.design.StudyDesign)."""
    from uxcli.design import FILE_GROUP, is_round_column

    design = inputs._known_design()
    if design is None:
        return None
    if not any(b == design.condition or b == FILE_GROUP or is_round_column(b) for b in by):
        return None
    return f"Design: {design.describe()}."


TIME_RELIABLE_N = 5  # time intervals from fewer values are flagged unreliable (time_ci_unreliable, † in tables)
TIME_N_COLUMNS = ("time_n", "time_ci_unreliable")
UNRELIABLE_MARK = "†"  # beside such an interval in the table, the readable Markdown and the report
OVERALL_LABEL = "(all)"  # the overall row's group value in CSV, JSON and Markdown (--overall)


def with_time_n(frame: pd.DataFrame, counts: Any) -> pd.DataFrame:
    """The summary frame with ``time_n`` (how many times the time figures rest on) and ``time_ci_unreliable``
    (True when that is under TIME_RELIABLE_N) inserted after the time columns."""
    import numpy as np

    n = np.asarray(counts, dtype=np.int64)
    at = list(frame.columns).index("time_median_ci_high") + 1
    frame = frame.copy()
    frame.insert(at, "time_n", n)
    frame.insert(at + 1, "time_ci_unreliable", (n > 0) & (n < TIME_RELIABLE_N))
    return frame


def _pooled_note(dataset: Dataset, by: list[str], unit: str) -> str | None:
    """Rows that pool several tasks count one outcome per participant and task: say so, so that
    "participants 24" for 12 people who did 2 tasks is not read as 24 people."""
    attempts = dataset.attempts
    if "task" in by or attempts is None or "task" not in attempts or attempts.empty:
        return None
    tasks = attempts["task"].nunique()
    if tasks < 2:
        return None
    what = "attempt" if unit == "attempt" else "participant and task (participants × tasks)"
    return f"Rows pool {tasks} tasks: n and the rates count one outcome per {what}; --by task splits them."


def _unit_note(retried: int, unit: str) -> str | None:
    """The caption line saying what the rates count, when it matters (someone retried a task)."""
    if not retried:
        return None
    who = f"{retried} participant{'s' if retried != 1 else ''} retried a task"
    if unit == "attempt":
        return f"Rates per attempt (--unit attempt): {who}; their attempts are counted as separate observations."
    return f"Rates per participant: {who} (success: in any attempt; abandoned: the last attempt was abandoned)."


@dataclass(frozen=True)
class _Context:
    """What _extended needs besides the frame: the data, the SEQ ratings, the gated metrics, the options
    and study.tasks (time_limit, error_opportunities)."""

    dataset: Dataset
    ratings: pd.DataFrame
    keys: set[str]
    options: SummaryOptions
    study: dict


def _check_task_names(given: dict[str | None, float], grouped: Grouped, option: str) -> None:
    if "task" not in grouped.by:
        return
    from uxcli.tasks.per_task import check_task_names

    check_task_names(given, [str(t) for t in grouped.labels["task"].astype(object)], option)


def _per_task(frame: pd.DataFrame, by: list[str], given: dict[str | None, float], study: dict, key: str) -> Any:
    """A number per row, for the row's task: the option's TASK=N, else its N for every task, else
    study.tasks.TASK.<key>; NaN when none (or the rows are not grouped by task and no N is for every task)."""
    import numpy as np

    from uxcli.tasks.per_task import number_for

    tasks = frame["task"].astype(object).to_numpy() if "task" in by else [None] * len(frame)
    names = [None if task is None or task != task else str(task) for task in tasks]
    return np.asarray([number_for(given, name, study, key) for name in names], dtype=np.float64)


def _extended(frame: pd.DataFrame, by: list[str], grouped: Grouped, context: _Context) -> pd.DataFrame:
    """The summary frame with errors_per_opportunity, seq_mean, the benchmark columns and (for an errors
    gate) the errors interval."""
    import numpy as np

    from uxcli.benchmarks import add_errors_interval, add_seq_mean, add_success_benchmark, add_time_benchmark
    from uxcli.tasks.metrics import METRICS

    options, ratings = context.options, context.ratings
    has_seq = not ratings.empty
    chances = _per_task(frame, by, options.chances(), context.study, "error_opportunities")
    per_opportunity = bool(np.any(~np.isnan(chances)))
    if per_opportunity or options.chances():
        # errors per attempt (of the attempts with known errors) / opportunities per attempt
        frame = frame.assign(errors_per_opportunity=frame["errors_per_attempt"].to_numpy(np.float64) / chances)
        per_opportunity = True
    if has_seq:
        frame = add_seq_mean(frame, ratings, by, options.confidence, options.benchmark)
    if options.benchmark:
        frame = add_success_benchmark(frame, options.confidence, options.unit)
    targets = _per_task(frame, by, {}, context.study, "time_limit")
    timed = options.benchmark and bool(np.any(~np.isnan(targets)))
    if timed:
        frame = add_time_benchmark(frame, targets, *grouped.log_times())
    if "errors" in context.keys:
        frame = add_errors_interval(frame, context.dataset.attempts, by, options.confidence)
    public = [
        *by,
        *METRICS,
        *(["errors_per_opportunity"] if per_opportunity else []),
        *(["seq_mean"] if has_seq else []),
        *(["benchmark_success_p", "benchmark_success_verdict"] if options.benchmark else []),
        *(["benchmark_seq_p", "benchmark_seq_verdict"] if options.benchmark and has_seq else []),
        *(["benchmark_time_target", "benchmark_time_p", "benchmark_time_verdict"] if timed else []),
    ]
    return frame[public + [c for c in frame.columns if c not in public]]


def _table_columns(
    frame: pd.DataFrame, overall: pd.DataFrame, benchmark: bool
) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Errors per opportunity, SEQ and benchmark cells for the terminal table: (header, a cell per row,
    the overall cell)."""
    from uxcli.reference import COMPLETION_AVERAGE, SEQ_AVERAGE
    from uxcli.render.formatting import MISSING, format_number, format_percent

    def cells(column: str, show: Any) -> tuple[tuple[str, ...], str]:
        whole = show(overall[column].iloc[0]) if column in overall else MISSING
        return tuple(show(v) for v in frame[column]), whole

    columns = []
    if "errors_per_opportunity" in frame:
        columns.append(("Errors/opportunity", *cells("errors_per_opportunity", lambda v: format_percent(v, 1))))
    if "seq_mean" in frame:
        columns.append(("SEQ", *cells("seq_mean", lambda v: format_number(v, 2))))
    if benchmark:
        columns.append((f"vs {COMPLETION_AVERAGE:.0%}", *cells("_benchmark_success_short", str)))
        if "seq_mean" in frame:
            columns.append((f"SEQ vs {SEQ_AVERAGE:g}", *cells("_benchmark_seq_short", str)))
    if "_benchmark_time_short" in frame:
        columns.append(("Time vs target", *cells("_benchmark_time_short", str)))
    return tuple(columns)


def _benchmark_footer(figures: dict, options: SummaryOptions) -> str | None:
    from uxcli.reference import SUS_AVERAGE
    from uxcli.render.formatting import format_confidence

    if not options.benchmark:
        return None
    if figures:
        text = f"SUS {figures['sus_mean']:.1f} (n = {figures['sus_n']}): {figures['sus_verdict']}."
    else:
        text = f"No SUS answers to compare with the average of {SUS_AVERAGE:g}."
    level = format_confidence(options.confidence)
    return text + (
        f" Verdicts against published averages and time targets come from the {level} intervals shown "
        f"(within CI: not distinguishable; = one-sided tests at alpha = {(1 - options.confidence) / 2:.3g}); one-sided p values (exact binomial for "
        "completion, t for SEQ and SUS, t on log times for time) in --format csv or json."
    )


# --- attempts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptsResult:
    """Every attempt analysed (uxcli.readers.read.Dataset.attempts_table: with its source file:line, and
    its quality flags when asked for), and the row accounting."""

    frame: pd.DataFrame
    caption: str


def attempts(inputs: Inputs) -> AttemptsResult:
    """The attempts table; clicks and errors (counts, NaN when unknown) as nullable integers, so outputs
    print 2, not 2.0."""
    from uxcli.tasks.metrics import whole_numbers

    frame = inputs.dataset.attempts_table()
    for column in ("clicks", "errors"):
        if column in frame:
            frame[column] = whole_numbers(frame[column])
    return AttemptsResult(frame, inputs.accounting)


# --- validate ---------------------------------------------------------------------------------------

PROBLEM_COLUMNS = ["severity", "file", "line", "column", "value", "message", "hint"]
LAYOUT_NAMES = {"events": "event log", "attempts": "attempt table", "wide": "success matrix", "yaml": "YAML sessions"}
LAYOUT_NAMES.update({"wide-times": "time matrix", "transposed": "transposed matrix"})


@dataclass(frozen=True)
class ValidateOptions:
    """``uxcli validate``: the exclusion rules and study file to check against the data (``prepare``:
    its quality settings are not used), ``every`` instance of a problem (else 20 per column and file),
    and ``strict`` (warnings fail too)."""

    prepare: PrepareOptions = field(default_factory=PrepareOptions)
    every: bool = False
    strict: bool = False


@dataclass(frozen=True)
class Validation:
    """Every problem found (``problems``: PROBLEM_COLUMNS, inputs in the order given, then by line), the
    verdict line, one line per file read (``files``), and whether validation ``failed`` (exit 1)."""

    problems: pd.DataFrame
    errors: int
    warnings: int
    verdict: str
    files: str
    failed: bool
    design: str = ""  # the study design in words (uxcli.design.StudyDesign.describe)


def validate(read: ReadOptions, options: ValidateOptions | None = None) -> Validation:
    """Read every input, keeping going past errors, and list every problem: the readers', the study
    design's (retries, task coverage) and the exclusion rules'."""
    options = options or ValidateOptions()
    preparation = options.prepare.load()
    read = replace(
        read,
        column_map={**_study_columns(preparation), **read.column_map},
        outcomes={**preparation.study.outcomes, **read.outcomes},
        keep_going=True,
    )
    dataset = _checked(read, preparation, options.every)
    frame = problems_frame(dataset, _input_order(read.paths))
    errors = int((frame["severity"] == "error").sum())
    warnings = int((frame["severity"] == "warning").sum())
    verdict = _verdict(dataset, errors, warnings, options.strict)
    failed = bool(errors or (options.strict and warnings))
    design = _validated_design(dataset, read.paths, preparation)
    return Validation(frame, errors, warnings, verdict, _files_caption(dataset), failed, design)


def _validated_design(dataset: Dataset, paths: tuple[str, ...], preparation: Preparation) -> str:
    from uxcli.design import design_settings, file_labels, study_design

    if dataset.attempts is None or not len(dataset.attempts):
        return ""
    labels = file_labels([f.name for f in dataset.files], paths)
    headers = [f.headers for f in dataset.files]
    design = study_design(dataset.attempts, labels, design_settings(preparation.study.metadata), headers)
    return design.describe() if design.condition or design.round else ""


def _checked(read: ReadOptions, preparation: Preparation, every: bool) -> Dataset:
    from uxcli.errors import UxcliError
    from uxcli.readers.checks import study_checks
    from uxcli.readers.csvfile import LISTING_LIMIT, MAX_LISTED
    from uxcli.readers.read import read as read_dataset
    from uxcli.tasks.exclusions import check_rules

    token = LISTING_LIMIT.set(None if every else MAX_LISTED)
    try:
        dataset = read_dataset(read)
        study_checks(dataset, dataset.problems, preparation.study.tasks)
        if preparation.rules and len(dataset.attempts):
            try:
                check_rules(dataset.attempts, preparation.rules, dataset.problems)
            except UxcliError as exc:
                dataset.problems.add(exc.problem)
    finally:
        LISTING_LIMIT.reset(token)
    if not preparation.pseudonymize:
        return dataset
    from uxcli.tasks.privacy import Pseudonymizer

    private = Pseudonymizer(preparation.salt)
    private.learn(str(p) for p in dataset.attempts["participant"].dropna().unique())
    return replace(dataset, pseudonymizer=private)


def _input_order(paths: tuple[str, ...]) -> list[str]:
    """Input names in the order given (a path that cannot be expanded stands for itself)."""
    from uxcli.errors import Problems
    from uxcli.sources import expand_paths

    names = []
    for raw in paths:
        sources = expand_paths([raw], Problems())
        names.extend([s.name for s in sources] or [raw])
    return names


def problems_frame(dataset: Dataset, order: list[str] | None = None) -> pd.DataFrame:
    """The problems as a frame (PROBLEM_COLUMNS): inputs in ``order``, then by line; dataset-wide ones last."""
    import pandas as pd

    rank: dict[str | None, int] = {name: i for i, name in enumerate(order or [])}
    rows = []
    for problem in dataset.problems.items:
        rank.setdefault(problem.file, len(rank))
        rows.append(
            {
                "severity": problem.severity,
                "file": problem.file,
                "line": problem.line,
                "column": problem.column,
                **_shown_text(problem, dataset.pseudonymizer),
                "_rank": 1 << 30 if problem.file is None else rank[problem.file],
                "_unlined": problem.line is None,
                "_line": problem.line or 0,
            }
        )
    frame = pd.DataFrame(rows, columns=[*PROBLEM_COLUMNS, "_rank", "_unlined", "_line"])
    frame = frame.sort_values(["_rank", "_unlined", "_line"], kind="stable").reset_index(drop=True)
    frame["line"] = pd.Series([None if pd.isna(v) else int(v) for v in frame["line"]], dtype=object)
    return frame[PROBLEM_COLUMNS]


def _shown_text(problem: Any, private: Any) -> dict[str, str | None]:
    """A problem's value, message and hint, with participant ids replaced when pseudonymized."""
    message, hint, value = problem.message, problem.hint, problem.value
    if private is not None:
        message, hint = private.text(message), private.text(hint)
        value = private.value(value) if problem.column and "participant" in problem.column.lower() else value
        value = private.text(value) if value and value.startswith('"') else value
    return {"value": value, "message": message, "hint": hint}


def _files_caption(dataset: Dataset) -> str:
    lines = []
    for info in dataset.files:
        account = info.account
        aside = sum(account.set_aside.values())
        text = f"{info.name}: {LAYOUT_NAMES.get(info.layout, info.layout)}, {account.rows} rows"
        if aside:
            text += f", {aside} set aside (" + ", ".join(f"{n} {r}" for r, n in account.set_aside.items()) + ")"
        else:
            text += ", all used"
        mapping = (info.reading or "").partition("; ")[2]  # which column is which field (readers.read)
        lines.append(text + (f"; {mapping}" if mapping else ""))
    return "\n".join(lines)


def _verdict(dataset: Dataset, errors: int, warnings: int, strict: bool) -> str:
    files = len(dataset.files)
    read_names = {f.name for f in dataset.files}
    unreadable = {
        p.file
        for p in dataset.problems.items
        if p.severity == "error" and p.file is not None and p.file not in read_names and not p.column
    }
    what = f"{files} file{'s' if files != 1 else ''}, {dataset.rows_read} rows, {len(dataset.attempts)} attempts"
    if unreadable:
        what += f"; {len(unreadable)} unreadable"
    if not errors and not warnings:
        return f"ok: {what}: no problems found"
    counts = ", ".join(
        part
        for part in (
            f"{errors} error{'s' if errors != 1 else ''}" if errors else "",
            f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else "",
        )
        if part
    )
    verdict = "failed" if errors or strict else "ok"
    return f"{verdict}: {what}: {counts}" + (" (--strict makes warnings fail)" if strict and not errors else "")


# --- compare ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareOptions:
    """``uxcli compare``: the column whose values are the groups, groups A and B (default: the first two
    values), the confidence of the intervals and the pairing ("auto", "paired" or "independent")."""

    by: str = "variant"
    a: str | None = None
    b: str | None = None
    confidence: float = 0.95
    pairing: str = "auto"
    assisted: str = "failure"  # an assisted final outcome: a failure or a success (uxcli.tasks.metrics.ASSISTED_AS)

    def __post_init__(self) -> None:
        from uxcli.design import PAIRINGS

        if self.pairing not in PAIRINGS:
            raise OptionError(f"--pairing must be one of {', '.join(PAIRINGS)}, not {self.pairing!r}")
        _check_confidence(self.confidence)


@dataclass(frozen=True)
class CompareResult:
    """The comparison (uxcli.tasks.compare.Comparison: its ``frame`` has COMPARE_COLUMNS) and the lines
    that say what was compared, and how."""

    comparison: Comparison
    messages: tuple[str, ...]


def compare(inputs: Inputs, options: CompareOptions | None = None) -> CompareResult:
    from uxcli.tasks.compare import compare as compare_groups

    options = options or CompareOptions()
    result = compare_groups(
        inputs.with_groups(options.by).attempts,
        options.by.strip(),
        options.a,
        options.b,
        confidence=options.confidence,
        pairing=options.pairing,
        assisted=options.assisted,
    )
    line = f"compare: {result.by} {result.group_b} (B) against {result.group_a} (A); {result.design_summary()}"
    return CompareResult(result, (*(f"note: {note}" for note in result.notes), line))


# --- sum: the Single Usability Metric ----------------------------------------------------------------


@dataclass(frozen=True)
class UsabilityMetricOptions:
    """``uxcli sum``: spec limits as written after ``--time-spec`` ("checkout=150", or "120" for every
    task) and ``--opportunities`` ("5"), SEQ rating exports (``ratings``, read with ``encoding``) for the
    satisfaction component, and the intervals' confidence."""

    time_specs: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    encoding: str | None = None
    confidence: float = 0.90
    time_of: str = "success"
    assisted: str = "failure"  # an assisted completion: a failure or a success (uxcli.tasks.metrics.ASSISTED_AS)

    def __post_init__(self) -> None:
        self.specs()  # parsed now, so a typo fails before any file is read
        self.chances()
        _check_confidence(self.confidence)
        _check_time_of(self.time_of)

    def specs(self) -> dict[str | None, float]:
        from uxcli.tasks.per_task import parse_task_numbers

        return parse_task_numbers(list(self.time_specs), "--time-spec")

    def chances(self) -> dict[str | None, float]:
        from uxcli.tasks.per_task import parse_task_numbers

        return parse_task_numbers(list(self.opportunities), "--opportunities")


@dataclass(frozen=True)
class UsabilityMetricResult:
    """SUM per task (``frame``: uxcli.tasks.usability_metric.SUM_COLUMNS), overall (same keys), and notes
    on the components left out."""

    frame: pd.DataFrame
    overall: dict[str, Any]
    notes: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        """The tasks and an "(overall)" row in one frame (for CSV and Markdown)."""
        import pandas as pd

        return pd.concat([self.frame, pd.DataFrame([{**self.overall, "task": "(overall)"}])], ignore_index=True)

    def document(self) -> dict[str, Any]:
        """{"tasks": [...], "overall": {...}} with plain values (for JSON)."""
        import pandas as pd

        from uxcli.render.text import records

        return {"tasks": records(self.frame), "overall": records(pd.DataFrame([self.overall]))[0]}


def usability_metric(inputs: Inputs, options: UsabilityMetricOptions | None = None) -> UsabilityMetricResult:
    """SUM from the attempts, the SEQ ratings of the sessions and ``options.ratings``, and the spec limits
    (options first, then study.tasks.TASK.time_limit / error_opportunities of the data's YAML and the
    study file)."""
    from uxcli.tasks.usability_metric import single_usability_metric

    options = options or UsabilityMetricOptions()
    dataset = inputs.dataset
    study_file = inputs.preparation.study.metadata if inputs.preparation else {}
    frame, overall, notes = single_usability_metric(
        dataset.attempts,
        _seq_ratings(dataset, options),
        _task_metadata(dataset.study, study_file),
        time_specs=options.specs(),
        opportunities=options.chances(),
        confidence=options.confidence,
        time_of=options.time_of,
        assisted=options.assisted,
    )
    return UsabilityMetricResult(frame, overall, tuple(notes))


def _seq_ratings(dataset: Dataset, options: UsabilityMetricOptions) -> pd.DataFrame:
    """SEQ ratings from YAML sessions, then from the rating exports."""
    import pandas as pd

    from uxcli.questionnaires.seq import ratings_from_sessions as seq_ratings

    seq = seq_ratings(dataset.responses)
    if not options.ratings:
        return seq
    from uxcli.questionnaires.exports import read_responses

    extra = read_responses(list(options.ratings), "seq", encoding=options.encoding)
    extra.raise_errors()
    frame = extra.frame.rename(columns={"item1": "seq"})[["participant", "session", "variant", "task", "seq"]]
    return frame if seq.empty else pd.concat([seq, frame], ignore_index=True)


def _task_metadata(*studies: dict) -> dict:
    """study.tasks from the data's YAML and the study file (the file wins, task by task)."""
    tasks: dict = {}
    for study in studies:
        entries = (study or {}).get("tasks")
        if isinstance(entries, dict):
            for task, meta in entries.items():
                if isinstance(meta, dict):
                    tasks.setdefault(str(task), {}).update(meta)
    return {"tasks": tasks}


# --- report and charts -------------------------------------------------------------------------------


def report_data(inputs: Inputs, options: ReportOptions | None = None) -> ReportData:
    """Everything the study report shows (uxcli.report.build), for uxcli.report.html or .markdown."""
    from uxcli.report.build import ReportOptions, build_report

    options = options or ReportOptions()
    dataset = inputs.with_groups(options.compare_by)
    design = inputs.design().describe() if dataset.attempts is not None and len(dataset.attempts) else ""
    return build_report(dataset, options, design=design, plan=navigation_plan(inputs))


def navigation_plan(inputs: Inputs) -> Any:
    """The study file's navigation settings (uxcli.navigation.metrics.StudyPlan; empty without one)."""
    from uxcli.navigation.metrics import study_plan

    study = inputs.preparation.study if inputs.preparation is not None else None
    return study_plan(study.metadata if study else None, study.path if study else None)


def chart_kind(kind: str) -> ChartKind:
    """The registered chart kind of this name (uxcli.report.charts.CHART_KINDS), or OptionError."""
    from uxcli.report.charts import CHART_KINDS

    if kind not in CHART_KINDS:
        raise OptionError(f"unknown chart {kind!r}; choose one of {', '.join(CHART_KINDS)}")
    return CHART_KINDS[kind]


def chart_read_error(kind: str, error: InputError, paths: list[str]) -> InputError:
    """A task log that could not be read, explained when a file given is a questionnaire export (the
    charts read task logs; SUS answers come with --sus): else the error itself."""
    from uxcli.questionnaires.exports import read_responses
    from uxcli.questionnaires.instruments import INSTRUMENTS

    file = error.problem.file
    if not file or file not in paths or Path(file).is_dir():
        return error
    for name in INSTRUMENTS:
        try:
            read_responses([file], name)
        except Exception:  # noqa: BLE001 - only asking "is this that instrument's export?"
            continue
        name_of = Path(file).name
        how = f"uxcli chart {kind} TASK_LOG --sus {name_of}" if kind == "sus" else f"uxcli {name} {name_of}"
        return InputError(
            f"chart {kind} needs a task log{' plus --sus FILE' if kind == 'sus' else ''}; {name_of} looks like a "
            f"questionnaire export ({name}), not a task log (try: {how})",
            file=file,
        )
    return error


def problems_chart(path: str | Path, transpose: bool = False) -> Any:
    """The discovery chart (``chart discovery FILE``) of a problem matrix or long list; a file that is not one
    (a task log, say) is refused with the reader's file, line and column and what the chart needs."""
    from uxcli.planning import discovery, read_problems
    from uxcli.report.charts.discovery import result_chart

    try:
        matrix = read_problems(path, transpose=transpose)
    except InputError as error:
        p = error.problem
        raise InputError(
            f"chart discovery needs a problem matrix (participants × problems, 1/0 or ticks) or a long list "
            f"(participant, problem); this file is not one: {p.message}",
            file=p.file,
            line=p.line,
            column=p.column,
            value=p.value,
            hint=p.hint or "uxcli problems FILE reads the same files",
        ) from error
    return result_chart(discovery(matrix))


def chart(inputs: Inputs, kind: str, options: ReportOptions | None = None, by: tuple[str, ...] = ()) -> Any:
    """One chart as a matplotlib Figure. Only what the kind needs is computed: the comparison tests for
    "compare", the SUS answers (``options.sus_paths`` or YAML sessions) for "sus". ``by`` groups the
    "survival" chart (a panel per value of the first column, a line per the rest), as ``uxcli survival --by``.
    The "discovery" chart draws a problem matrix: :func:`problems_chart`."""
    from uxcli.report.build import ReportOptions, build_report
    from uxcli.report.charts import draw

    needs = chart_kind(kind).needs
    options = options or ReportOptions()
    if needs == "problems":
        raise OptionError(f"chart {kind} draws a problem matrix, not a task log: use problems_chart(path)")
    if by:
        if kind != "survival":
            raise OptionError(f"--by applies to chart survival, not chart {kind}")
        from uxcli.report.charts.survival import survival_chart
        from uxcli.survival import SurvivalOptions, survival

        result = survival(inputs, SurvivalOptions(by=by, assisted=options.assisted, confidence=options.confidence))
        return survival_chart(result, list(result.options.by))
    data = build_report(
        inputs.with_groups(options.compare_by) if needs == "comparison" else inputs.dataset,
        replace(
            options,
            compare_by=options.compare_by if needs == "comparison" else "",
            sus_paths=options.sus_paths if needs == "sus" else (),
        ),
    )
    if needs == "sus" and data.sus_scores is None:
        raise InputError("no SUS answers: pass --sus FILE or YAML sessions with questionnaires: {sus: [...]}")
    if needs == "comparison" and data.comparison is None:
        raise InputError(f"nothing to compare: the data has fewer than two values of {options.compare_by!r}")
    return draw(kind, data)


# --------------------------------------------------------------------------- beyond the summary (issue #16)


@dataclass(frozen=True)
class NavigationOptions:
    """``by``: the group columns of ``uxcli navigation --by`` (task first as a rule)."""

    by: tuple[str, ...] = ("task",)

    def __post_init__(self) -> None:
        if isinstance(self.by, str) or not self.by:
            raise OptionError(f"by wants a tuple of column names, e.g. ('task', 'variant'), not {self.by!r}")


def navigation_metrics(inputs: Inputs, options: NavigationOptions | None = None) -> Any:
    """What ``uxcli navigation`` computes (uxcli.navigation.metrics.NavigationResult: ``frame``, ``notes``), from
    inputs read with ``load_inputs(..., events=True)``; the study file's paths and targets come with them."""
    from uxcli.navigation.events import EVENTS_COLUMN
    from uxcli.navigation.metrics import navigation

    options = options or NavigationOptions()
    attempts = inputs.dataset.attempts
    if attempts is None or EVENTS_COLUMN not in attempts.columns:
        raise InputError(
            "navigation needs each attempt's events: read with load_inputs(read, prepare, events=True) "
            "an event log with a target column"
        )
    return navigation(inputs, options.by)


def time_to_success(inputs: Inputs, options: Any = None) -> Any:
    """What ``uxcli survival`` computes: uxcli.survival.survival (a SurvivalResult) for SurvivalOptions."""
    from uxcli.survival import survival

    return survival(inputs, options)


def problems(path: str | Path, options: Any = None, *, transpose: bool = False, participants: int | None = None) -> Any:
    """What ``uxcli problems FILE`` computes: read the problem matrix or long list, then
    uxcli.planning.discovery (a DiscoveryResult) for DiscoveryOptions."""
    from uxcli.planning import discovery, read_problems

    return discovery(read_problems(path, transpose=transpose, participants=participants), options)
