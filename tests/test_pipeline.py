"""uxcli.pipeline: each command as a library call gives exactly what the CLI prints; options check themselves."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from uxcli.errors import InputError, OptionError
from uxcli.pipeline import (
    CompareOptions,
    PrepareOptions,
    SummaryOptions,
    UsabilityMetricOptions,
    ValidateOptions,
    attempts,
    chart,
    chart_kind,
    compare,
    load_inputs,
    summary,
    usability_metric,
    validate,
)
from uxcli.readers.options import ReadOptions
from uxcli.render.text import records
from uxcli.report.build import ReportOptions
from uxcli.tasks.exclusions import Preparation, parse_rule, prepare
from uxcli.tasks.quality import QualityOptions

EVENTS = "sample_sessions/events.csv"
STUDY = "sample_sessions/layouts/study.yaml"


def read(*paths: str, **options) -> ReadOptions:
    return ReadOptions(paths, **options)


def json_of(result) -> list[dict]:
    return json.loads(result.stdout)


# --- the library call reproduces what the CLI prints -----------------------------------------------------


def test_summary_with_exclusions_benchmark_and_gates_matches_the_cli(cli):
    flags = ["--exclude", "participant=P03", "--benchmark", "--fail-under", "success=0.7", "--speeders", "20"]
    result = cli("summary", "sample_sessions/", "-f", "json", *flags)
    inputs = load_inputs(
        read("sample_sessions/"),
        PrepareOptions(exclude=("participant=P03",), quality=QualityOptions(speeders=20)),
    )
    library = summary(inputs, SummaryOptions(benchmark=True, fail_under=("success=0.7",)))
    assert json_of(result) == records(library.frame)
    assert "benchmark_success_verdict" in library.frame
    assert library.verdict.failed and result.exit_code == 1
    assert result.stderr == "".join(f"{line}\n" for line in [*inputs.messages(), *library.verdict.messages()]) + (
        f"error: {library.verdict.summary()}\n"
    )


def test_summary_of_yaml_sessions_adds_seq_and_sus_like_the_cli(cli):
    result = cli("summary", STUDY, "-f", "json", "--benchmark", "--fail-under", "sus=68")
    library = summary(
        load_inputs(read(STUDY), PrepareOptions()), SummaryOptions(benchmark=True, fail_under=("sus=68",))
    )
    assert json_of(result) == records(library.frame)
    assert "seq_mean" in library.frame
    assert [header for header, _, _ in library.columns] == ["SEQ", "vs 78%", "SEQ vs 5.5", "Time vs target"]
    assert result.exit_code == (1 if library.verdict.failed else 0)


def test_attempts_matches_the_cli(cli):
    result = cli("attempts", EVENTS, "-f", "json", "--idle-gap", "20", "--exclude", "participant=P02")
    prepared = PrepareOptions(exclude=("participant=P02",), quality=QualityOptions(idle_gap=20))
    library = attempts(load_inputs(read(EVENTS), prepared))
    assert json_of(result) == records(library.frame)
    assert "flags" in library.frame
    assert library.caption.startswith("636 rows read from 1 file")


def test_validate_matches_the_cli(cli):
    paths = ("tests/malformed/", "sample_sessions/layouts/attempts.csv")
    result = cli("validate", *paths, "-f", "json", "--exclude", "participant=P99")
    library = validate(read(*paths), ValidateOptions(PrepareOptions(exclude=("participant=P99",))))
    assert json_of(result) == records(library.problems)
    assert library.errors and library.failed and result.exit_code == 1
    assert result.stderr.splitlines()[-1] == library.verdict


def test_validate_of_clean_data_passes_unless_strict_meets_a_warning():
    clean = validate(read(EVENTS))
    assert (clean.errors, clean.failed) == (0, False)
    assert clean.verdict.startswith("ok: 1 file, 636 rows")
    warned = validate(read(EVENTS), ValidateOptions(PrepareOptions(exclude=("participant=P99",)), strict=True))
    assert warned.warnings and warned.failed


def test_compare_matches_the_cli(cli):
    result = cli("compare", "tests/data/q_compare_paired.csv", "-f", "json", "--pairing", "paired")
    library = compare(
        load_inputs(read("tests/data/q_compare_paired.csv"), PrepareOptions()), CompareOptions(pairing="paired")
    )
    assert json_of(result) == records(library.comparison.frame)
    assert result.stderr == "".join(f"{line}\n" for line in library.messages)
    assert library.messages[-1].startswith("compare: variant")


def test_usability_metric_merges_rating_exports(cli):
    ratings = "sample_sessions/questionnaires/seq.csv"
    result = cli("sum", EVENTS, "-f", "json", "--ratings", ratings, "--time-spec", "120")
    options = UsabilityMetricOptions(time_specs=("120",), ratings=(ratings,))
    library = usability_metric(load_inputs(read(EVENTS), PrepareOptions()), options)
    assert json_of(result) == json.loads(json.dumps(library.document()))
    assert library.frame["satisfaction"].notna().any()


# --- the stages ------------------------------------------------------------------------------------------


def test_summary_streams_big_logs_unless_preparation_needs_every_attempt():
    options = SummaryOptions(by=("task", "variant"))
    streamed = load_inputs(read(EVENTS, engine="stream", summarize=options.request()), PrepareOptions())
    assert streamed.dataset.grouped is not None and streamed.dataset.attempts is None
    whole = load_inputs(read(EVENTS), PrepareOptions())
    pd.testing.assert_frame_equal(summary(streamed, options).frame, summary(whole, options).frame)
    excluding = PrepareOptions(exclude=("participant=P03",))
    assert load_inputs(read(EVENTS, engine="stream", summarize=options.request()), excluding).dataset.grouped is None
    assert SummaryOptions(fail_under=("errors=0.5",)).request() is None  # the errors gate needs every attempt


@pytest.mark.parametrize("unit", ["participant", "attempt"])
def test_summary_unit_matches_the_cli_and_the_stream(cli, unit):
    """SummaryOptions.unit is --unit; the streamed summary of the retried log equals the whole-file one."""
    options = SummaryOptions(by=("task", "variant"), unit=unit, benchmark=True, fail_under=("success=0.6",))
    assert options.request() is not None and options.request().unit == unit
    streamed = load_inputs(read(EVENTS, engine="stream", summarize=options.request()), PrepareOptions())
    assert streamed.dataset.grouped is not None
    whole = load_inputs(read(EVENTS), PrepareOptions())
    library = summary(whole, options)
    pd.testing.assert_frame_equal(summary(streamed, options).frame, library.frame, check_exact=True)
    flags = ["--by", "task,variant", "--unit", unit, "--benchmark", "--fail-under", "success=0.6"]
    assert json_of(cli("summary", EVENTS, "-f", "json", *flags)) == records(library.frame)
    # README: P07 retried apply-coupon in variant B (a failure, then a success): 5 attempts by 4 participants
    coupon = library.frame[(library.frame["task"] == "apply-coupon") & (library.frame["variant"] == "B")].iloc[0]
    assert (coupon["attempts"], coupon["participants"], coupon["successes"]) == (5, 4, 4)
    assert coupon["success_rate"] == (4 / 4 if unit == "participant" else 4 / 5)
    assert library.grouped.retried() == 2  # P02 change-address, P07 apply-coupon
    assert ("Rates per participant" if unit == "participant" else "Rates per attempt") in library.footer


def test_load_inputs_says_what_it_did():
    inputs = load_inputs(read(EVENTS), PrepareOptions(exclude=("participant=P03,P07",)))
    assert inputs.notes == ("Excluded 10 attempts of participant P03, P07 (--exclude participant=P03,P07).",)
    assert inputs.messages() == [f"note: {inputs.notes[0]}"]
    verbose = inputs.messages(verbose=True)
    assert inputs.accounting in verbose
    assert verbose[-1] == f"design: {inputs.design().describe()}"  # uxcli.design: stated with --verbose
    assert verbose[-1].startswith("design: condition = variant (2: A, B), between subjects")
    assert inputs.messages(notes=False) == []


def test_strict_stops_on_a_warning_with_ids_pseudonymized():
    prepared = PrepareOptions(exclude=("participant=P99",), pseudonymize=True, salt="s")
    with pytest.raises(InputError) as info:
        load_inputs(read(EVENTS), prepared, strict=True)
    assert "P99" in str(info.value)  # a value that matches no participant has no code to hide
    inputs = load_inputs(read(EVENTS), prepared)
    assert inputs.warnings and "participant" not in inputs.dataset.attempts["participant"].iloc[0]


def test_chart_says_when_the_data_has_nothing_for_it():
    inputs = load_inputs(read(EVENTS), PrepareOptions())
    with pytest.raises(InputError, match="no SUS answers"):
        chart(inputs, "sus")
    with pytest.raises(InputError, match="nothing to compare: the data has fewer than two values of 'device'"):
        chart(inputs, "compare", ReportOptions(compare_by="device"))
    with pytest.raises(OptionError, match="unknown chart"):
        chart_kind("pie")


def test_prepare_returns_a_new_dataset_and_leaves_its_input_alone():
    dataset = load_inputs(read(EVENTS)).dataset
    before = dataset.attempts.copy()
    problems, responses = list(dataset.problems.items), dataset.responses
    preparation = Preparation(
        rules=[parse_rule("participant=P03"), parse_rule("participant=P99")],
        quality=QualityOptions(speeders=20, partial=True),
        pseudonymize=True,
        salt="s",
    )
    prepared = prepare(dataset, preparation)
    assert prepared is not dataset
    pd.testing.assert_frame_equal(dataset.attempts, before)
    assert (dataset.excluded, dataset.flags, dataset.attempts_read, dataset.pseudonymizer) == (None, None, None, None)
    assert dataset.notes == [] and dataset.problems.items == problems and dataset.responses is responses
    assert prepared.attempts_read == len(before) and len(prepared.excluded) and prepared.notes
    assert len(prepared.problems.items) == len(problems) + 1  # P99 matches nothing: a warning, on the new one
    assert prepared.pseudonymizer is not None and not prepared.attempts["participant"].astype(str).str.match("P").any()


# --- typed options check themselves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SummaryOptions(confidence=1.5), "--confidence"),
        (lambda: SummaryOptions(time_of="median"), "--time-of"),
        (lambda: SummaryOptions(fail_under=("bogus=1",)), "--fail-under"),
        (lambda: SummaryOptions(gate_on="maybe"), "--gate-on"),
        (lambda: SummaryOptions(unit="person"), "--unit"),
        (lambda: SummaryOptions(by="task"), "tuple of column names"),  # type: ignore[arg-type]
        (lambda: PrepareOptions(exclude=("participant",)), "--exclude"),
        (lambda: PrepareOptions(quality=QualityOptions(speeders=-1)), "--speeders"),
        (lambda: CompareOptions(pairing="both"), "--pairing"),
        (lambda: CompareOptions(confidence=0), "--confidence"),
        (lambda: UsabilityMetricOptions(time_specs=("checkout=soon",)), "--time-spec"),
        (lambda: UsabilityMetricOptions(opportunities=("-2",)), "--opportunities"),
    ],
)
def test_options_reject_bad_values(make, message):
    with pytest.raises(OptionError, match=message):
        make()


def test_cap_idle_may_take_its_gap_from_the_study_file(tmp_path):
    PrepareOptions(quality=QualityOptions(cap_idle=True))  # fine until loaded: the study may give the gap
    with pytest.raises(OptionError, match="--cap-idle needs --idle-gap"):
        PrepareOptions(quality=QualityOptions(cap_idle=True)).load()
    study = tmp_path / "study.yaml"
    study.write_text("quality:\n  idle_gap: 30\n", encoding="utf-8")
    loaded = PrepareOptions(study=study, quality=QualityOptions(cap_idle=True)).load()
    assert (loaded.quality.idle_gap, loaded.quality.cap_idle) == (30.0, True)


def test_options_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SummaryOptions().confidence = 0.9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PrepareOptions().pseudonymize = True  # type: ignore[misc]


def test_the_library_loads_neither_typer_nor_rich():
    code = (
        "import sys, uxcli\n"
        "inputs = uxcli.load_inputs(uxcli.ReadOptions(('sample_sessions/events.csv',)), uxcli.PrepareOptions())\n"
        "uxcli.summary(inputs, uxcli.SummaryOptions(benchmark=True))\n"
        "uxcli.validate(uxcli.ReadOptions(('sample_sessions/events.csv',)))\n"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
