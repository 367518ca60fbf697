"""uxcli.tasks.compare: group choice, pairing detection, and every test against scipy reference values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, SAMPLES
from scipy import stats as st

from uxcli.errors import OptionError
from uxcli.readers.read import load
from uxcli.tasks.compare import ALL_TASKS, COMPARE_COLUMNS, compare, pick_groups, verdict


def attempts(path) -> pd.DataFrame:
    return load([str(path)]).attempts


def row(frame: pd.DataFrame, task: str, metric: str) -> pd.Series:
    match = frame[(frame["task"] == task) & (frame["metric"] == metric)]
    assert len(match) == 1
    return match.iloc[0]


# --- published check -------------------------------------------------------------------------------


def test_qux_ch5_n_minus_1_two_proportion():
    # QUX ch. 5: 11 of 12 vs 5 of 10 -> N-1 two-proportion z = 2.13, p = 0.033 (Yates: p = 0.088).
    result = compare(attempts(DATA / "q_compare_published.csv"))
    success = row(result.frame, "signup", "success_rate")
    assert success["test"] == "N-1 two-proportion, between subjects"
    assert round(abs(success["_statistic"]), 2) == 2.13
    assert round(success["p_value"], 3) == 0.033
    assert (success["value_a"], success["value_b"]) == (pytest.approx(11 / 12), pytest.approx(5 / 10))
    assert success["difference"] == pytest.approx(5 / 10 - 11 / 12)  # B - A
    assert success["ci_low"] < success["difference"] < success["ci_high"] < 0
    # the chapter's contrast: Yates-corrected chi-square gives p = 0.088
    yates = st.chi2_contingency([[11, 1], [5, 5]], correction=True)
    assert round(yates.pvalue, 3) == 0.088 and yates.pvalue > success["p_value"]


def test_between_subjects_time_and_errors_match_scipy():
    data = attempts(DATA / "q_compare_published.csv")
    result = compare(data)
    a_times = np.arange(50, 61, dtype=float)  # the 11 successful A participants
    b_times = 40 + 2 * np.arange(5, dtype=float)  # the 5 successful B participants
    welch = st.ttest_ind(np.log(b_times), np.log(a_times), equal_var=False)
    ci = welch.confidence_interval(0.95)
    time = row(result.frame, "signup", "time")
    assert time["test"] == "Welch t on log times, between subjects"
    assert time["difference"] == pytest.approx(st.gmean(b_times) / st.gmean(a_times))  # ratio B/A
    assert time["value_a"] == pytest.approx(st.gmean(a_times))
    assert time["p_value"] == pytest.approx(welch.pvalue)
    assert (time["ci_low"], time["ci_high"]) == (pytest.approx(math.exp(ci.low)), pytest.approx(math.exp(ci.high)))
    errors = row(result.frame, "signup", "errors_per_attempt")
    a_err = np.array([i % 3 for i in range(12)], dtype=float)
    b_err = np.array([(i + 1) % 2 for i in range(10)], dtype=float)
    reference = st.ttest_ind(b_err, a_err, equal_var=False)
    assert errors["test"] == "Welch t, between subjects"
    assert errors["difference"] == pytest.approx(b_err.mean() - a_err.mean())
    assert errors["p_value"] == pytest.approx(reference.pvalue)


def test_fisher_when_an_expected_count_is_below_1(tmp_path):
    # 4/4 vs 3/4: expected failures 0.5 per group -> Fisher's exact test (QUX ch. 5)
    rows = ["participant,variant,task,outcome"]
    rows += [f"a{i},A,t,success" for i in range(4)]
    rows += [f"b{i},B,t,{'success' if i < 3 else 'failure'}" for i in range(4)]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(rows) + "\n")
    success = row(compare(attempts(path)).frame, "t", "success_rate")
    assert success["test"] == "Fisher exact, between subjects"
    assert success["p_value"] == pytest.approx(st.fisher_exact([[3, 1], [4, 0]]).pvalue)
    assert success["difference"] == pytest.approx(-0.25)


# --- within subjects -------------------------------------------------------------------------------

# tests/data/q_compare_paired.csv, per participant (final outcome; W5 retried search in B and succeeded)
SEARCH_A = {"W1": 60, "W2": 75, "W3": 80, "W4": 55, "W7": 90, "W8": 70}  # W5, W6 failed in A
SEARCH_B = {"W1": 40, "W2": 50, "W3": 62, "W4": 41, "W5": 45, "W6": 52, "W7": 70, "W8": 48}


def test_paired_detected_and_mcnemar_mid_p():
    result = compare(attempts(DATA / "q_compare_paired.csv"))
    assert [d.paired for d in result.designs] == [True, True]
    success = row(result.frame, "search", "success_rate")
    assert success["test"] == "McNemar mid-p, within subjects"
    # discordant pairs: W5 and W6 succeed only in B, nobody only in A. McNemar mid-p (QUX 2nd ed.
    # ch. 5; Fagerland, Lydersen & Laake 2013): exact binomial p of 0 of 2 (0.5) minus P(X = 0) = 0.25
    mid_p = st.binomtest(0, 2, 0.5).pvalue - st.binom.pmf(0, 2, 0.5)
    assert success["p_value"] == pytest.approx(mid_p) == pytest.approx(0.25)
    assert (success["value_a"], success["value_b"], success["difference"]) == (0.75, 1.0, 0.25)


def test_paired_t_on_log_times_of_participants_successful_in_both():
    result = compare(attempts(DATA / "q_compare_paired.csv"))
    both = list(SEARCH_A)
    a = np.log([SEARCH_A[p] for p in both])
    b = np.log([SEARCH_B[p] for p in both])
    reference = st.ttest_rel(b, a)
    ci = reference.confidence_interval(0.95)
    time = row(result.frame, "search", "time")
    assert time["test"] == "paired t on log times, within subjects"
    assert time["p_value"] == pytest.approx(reference.pvalue)
    assert time["difference"] == pytest.approx(math.exp(np.mean(b - a)))
    assert time["difference"] == pytest.approx(time["value_b"] / time["value_a"])
    assert (time["ci_low"], time["ci_high"]) == (pytest.approx(math.exp(ci.low)), pytest.approx(math.exp(ci.high)))
    assert verdict(time).startswith("B is faster: 0.72× the time, p < 0.001")


def test_paired_errors_per_attempt_counts_retries():
    result = compare(attempts(DATA / "q_compare_paired.csv"))
    a = np.array([1, 0, 2, 0, 3, 4, 1, 0], dtype=float)
    b = np.array([0, 0, 1, 0, (2 + 0) / 2, 1, 0, 0], dtype=float)  # W5 in B: two attempts, 2 errors
    reference = st.ttest_rel(b, a)
    errors = row(result.frame, "search", "errors_per_attempt")
    assert errors["test"] == "paired t, within subjects"
    assert errors["p_value"] == pytest.approx(reference.pvalue)
    assert errors["difference"] == pytest.approx(b.mean() - a.mean())


def test_participant_missing_from_one_group_is_left_out_and_reported():
    result = compare(attempts(DATA / "q_compare_paired.csv"))
    pay = next(d for d in result.designs if d.task == "pay")
    assert (pay.paired, pay.n_a, pay.left_out) == (True, 7, 1)
    assert 'task "pay": 1 participant did only one of A and B; left out of the paired tests' in result.notes
    assert "1 who did only one left out" in pay.describe()


def test_pairing_can_be_forced():
    data = attempts(DATA / "q_compare_paired.csv")
    forced = compare(data, pairing="independent")
    assert row(forced.frame, "search", "success_rate")["test"] == "N-1 two-proportion, between subjects"
    with pytest.raises(OptionError, match="no participant did task"):
        compare(attempts(SAMPLES / "layouts" / "attempts.csv"), pairing="paired")
    with pytest.raises(OptionError, match="--pairing"):
        compare(data, pairing="sometimes")


# --- between subjects on the sample study ----------------------------------------------------------


def test_sample_study_between_subjects_retries_count_once():
    result = compare(attempts(SAMPLES / "layouts" / "study.yaml"))
    assert list(result.frame.columns[: len(COMPARE_COLUMNS)]) == COMPARE_COLUMNS
    assert all(not d.paired for d in result.designs)
    assert result.design_summary().startswith("between subjects")
    coupon = row(result.frame, "apply-coupon", "success_rate")
    # README: apply-coupon 1 of 4 in A; in B 4 successes in 5 attempts, i.e. 4 of 4 participants (P07 retried)
    assert (coupon["value_a"], coupon["value_b"]) == (0.25, 1.0)
    assert coupon["p_value"] == pytest.approx(0.040424, abs=1e-6)
    assert verdict(coupon) == "B succeeds more often: 100% vs 25% of participants, p = 0.040"
    # the same participants' outcomes read from the wide matrix give the same completion rows
    wide = compare(attempts(SAMPLES / "layouts" / "wide.csv")).frame
    wide = wide[wide["metric"] == "success_rate"].reset_index(drop=True)
    yaml_rows = result.frame[result.frame["metric"] == "success_rate"].reset_index(drop=True)
    pd.testing.assert_frame_equal(wide[COMPARE_COLUMNS], yaml_rows[COMPARE_COLUMNS])


def test_no_time_rows_when_the_input_has_no_times():
    frame = compare(attempts(SAMPLES / "layouts" / "wide.csv")).frame
    assert set(frame["metric"]) == {"success_rate"}


# --- choosing the groups ---------------------------------------------------------------------------


def test_pick_groups():
    assert pick_groups(["A", "B"], "variant", None, None) == ("A", "B")
    assert pick_groups(["A", "B"], "variant", "B", "A") == ("B", "A")
    assert pick_groups(["A", "B", "C"], "variant", "C", "A") == ("C", "A")
    assert pick_groups(["A", "B"], "variant", "B", None) == ("B", "A")
    assert pick_groups(["A", "B"], "variant", None, "A") == ("B", "A")


@pytest.mark.parametrize(
    "values,a,b,message",
    [
        (["A"], None, None, "only 'A'"),
        ([], None, None, "no values"),
        (["A", "B", "C"], None, None, "choose two with --a and --b"),
        (["A", "B", "C"], "A", None, "name the other group with --b"),
        (["A", "B"], "X", None, "--a 'X': no such variant"),
        (["A", "B"], "A", "A", "both 'A'"),
    ],
)
def test_pick_groups_errors(values, a, b, message):
    with pytest.raises(OptionError, match=message):
        pick_groups(values, "variant", a, b)


def test_grouping_by_task_or_unknown_column_is_refused():
    data = attempts(SAMPLES / "layouts" / "study.yaml")
    with pytest.raises(OptionError, match="cannot compare groups of task"):
        compare(data, by="task")
    with pytest.raises(OptionError, match="cannot group by 'device'"):
        compare(data, by="device")


def test_verdict_wording():
    base = {"task": "t", "group_a": "old", "group_b": "new", "ci_low": 0.0, "ci_high": 0.0}
    assert (
        verdict({**base, "metric": "time", "value_a": 100, "value_b": 72, "difference": 0.72, "p_value": 0.01})
        == "new is faster: 0.72× the time, p = 0.010"
    )
    assert (
        verdict({**base, "metric": "time", "value_a": 100, "value_b": 140, "difference": 1.4, "p_value": 0.2})
        == "no significant difference (p = 0.200)"
    )
    assert verdict(
        {**base, "metric": "errors_per_attempt", "value_a": 2.0, "value_b": 0.5, "difference": -1.5, "p_value": 0.001}
    ).startswith("new has fewer errors: 0.50 vs 2.00 per attempt")
    assert (
        verdict(
            {
                **base,
                "metric": "success_rate",
                "value_a": 0.5,
                "value_b": 0.5,
                "difference": 0.0,
                "p_value": float("nan"),
            }
        )
        == "no difference (the same in both groups)"
    )


# --- too few to test, constant data ------------------------------------------------------------------


def test_time_rows_with_fewer_than_3_per_group_are_too_few_to_test():
    # sample study: apply-coupon has 1 completion time in A, change-address and checkout 2: with df = 1
    # the t quantile is 12.7 and the interval of the ratio spanned orders of magnitude.
    frame = compare(attempts(SAMPLES / "layouts" / "study.yaml")).frame
    for task in ("apply-coupon", "change-address", "checkout"):
        time = row(frame, task, "time")
        assert time["test"] == "too few (n < 3), between subjects"
        assert math.isnan(time["p_value"]) and math.isnan(time["ci_low"]) and math.isnan(time["ci_high"])
        assert time["difference"] == pytest.approx(time["value_b"] / time["value_a"])  # the estimate stays
        assert verdict(time) == "not testable (fewer than 3 participants per group)"
    assert row(frame, "find-product", "time")["test"] == "Welch t on log times, between subjects"


def test_paired_rows_with_fewer_than_3_pairs_are_too_few_to_test(tmp_path):
    rows = ["participant,variant,task,outcome,time,errors"]
    for i, (ta, tb) in enumerate([(60, 40), (75, 30)]):  # two pairs: before, a ratio CI of ~1e-3 to ~1e2
        rows += [f"p{i},A,t,success,{ta},{i}", f"p{i},B,t,success,{tb},{i + 2}"]
    path = tmp_path / "two.csv"
    path.write_text("\n".join(rows) + "\n")
    frame = compare(attempts(path)).frame
    for metric in ("time", "errors_per_attempt"):
        found = row(frame, "t", metric)
        assert found["test"] == "too few (n < 3 pairs), within subjects"
        assert math.isnan(found["p_value"]) and math.isnan(found["ci_low"])
        assert verdict(found) == "not testable (fewer than 3 pairs)"
    assert row(frame, "t", "success_rate")["test"] == "McNemar mid-p, within subjects"  # exact: any n


def test_errors_all_zero_have_no_interval():
    # add-to-cart: no errors in either group. Before: interval 0 to 0; reference "Which estimate,
    # which interval": constant data has no interval and no t test.
    errors = row(compare(attempts(SAMPLES / "layouts" / "study.yaml")).frame, "add-to-cart", "errors_per_attempt")
    assert errors["difference"] == 0
    assert math.isnan(errors["ci_low"]) and math.isnan(errors["ci_high"]) and math.isnan(errors["p_value"])
    assert verdict(errors) == "no difference (the same in both groups)"


# --- all tasks: participant means ----------------------------------------------------------------------


def test_all_tasks_rows_paired_on_participant_means():
    # By-participant analysis (Clark 1973's F1; QUX ch. 5 paired t): one mean per participant and group.
    # q_compare_paired.csv, recomputed by hand from the file: W1..W8 did both groups.
    result = compare(attempts(DATA / "q_compare_paired.csv"))
    frame = result.frame
    assert list(frame["task"]).count(ALL_TASKS) == 3
    assert list(frame["task"])[-3:] == [ALL_TASKS] * 3  # after the task rows
    # completion: share of the tasks each participant completed (W8 did only search in B)
    share_a = np.array([1, 0.5, 1, 1, 0.5, 0.5, 0.5, 1])
    share_b = np.array([1, 1, 1, 0.5, 1, 1, 1, 1])
    success = row(frame, ALL_TASKS, "success_rate")
    reference = st.ttest_rel(share_b, share_a)
    assert success["test"] == "paired t on participant means, within subjects"
    assert success["p_value"] == pytest.approx(reference.pvalue)
    assert success["difference"] == pytest.approx(share_b.mean() - share_a.mean())
    assert (success["ci_low"], success["ci_high"]) == pytest.approx(tuple(reference.confidence_interval(0.95)))
    # time: per participant, mean log time over the tasks completed in both groups
    pay_a = {"W1": 30, "W3": 35, "W5": 33, "W6": 40}
    pay_b = {"W1": 32, "W3": 36, "W5": 29, "W6": 38}
    la, lb = [], []
    for p in SEARCH_B:  # W5 and W6 failed search in A: only their pay times count
        tasks = [(a, b) for a, b in ((SEARCH_A, SEARCH_B), (pay_a, pay_b)) if p in a and p in b]
        la.append(np.mean([math.log(a[p]) for a, _ in tasks]))
        lb.append(np.mean([math.log(b[p]) for _, b in tasks]))
    reference = st.ttest_rel(lb, la)
    ci = reference.confidence_interval(0.95)
    time = row(frame, ALL_TASKS, "time")
    assert time["test"] == "paired t on participants' mean log times, within subjects"
    assert time["p_value"] == pytest.approx(reference.pvalue)
    assert time["difference"] == pytest.approx(math.exp(np.mean(lb) - np.mean(la)))
    assert (time["ci_low"], time["ci_high"]) == (pytest.approx(math.exp(ci.low)), pytest.approx(math.exp(ci.high)))
    # errors per attempt: W8 did pay only in A, so only search counts for W8
    err_a = np.array([(1 + 0) / 2, (0 + 2) / 2, (2 + 0) / 2, (0 + 1) / 2, (3 + 0) / 2, (4 + 0) / 2, (1 + 1) / 2, 0])
    err_b = np.array([0, (0 + 1) / 2, (1 + 0) / 2, (0 + 2) / 2, (1 + 0) / 2, (1 + 1) / 2, 0, 0])
    errors = row(frame, ALL_TASKS, "errors_per_attempt")
    assert errors["p_value"] == pytest.approx(st.ttest_rel(err_b, err_a).pvalue)
    assert errors["difference"] == pytest.approx(err_b.mean() - err_a.mean())


def test_all_tasks_rows_between_subjects_use_welch_on_participant_means():
    data = attempts(SAMPLES / "layouts" / "study.yaml")
    frame = compare(data).frame
    people = data.assign(group=data["variant"].astype(str), participant=data["participant"].astype(str))
    last = people.groupby(["group", "participant", "task"], sort=False).tail(1)
    share = (last["outcome"].astype(str) == "success").groupby([last["group"], last["participant"]]).mean()
    reference = st.ttest_ind(share["B"], share["A"], equal_var=False)
    success = row(frame, ALL_TASKS, "success_rate")
    assert success["test"] == "Welch t on participant means, between subjects"
    assert success["p_value"] == pytest.approx(reference.pvalue)
    assert success["difference"] == pytest.approx(share["B"].mean() - share["A"].mean())
    assert row(frame, ALL_TASKS, "time")["test"] == "Welch t on participants' mean log times, between subjects"
    # one task: no all-tasks rows (they would repeat the task's)
    assert ALL_TASKS not in set(compare(attempts(DATA / "q_compare_published.csv")).frame["task"])
