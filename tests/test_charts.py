"""Report charts: each kind draws the expected artists in task order, copes with missing values,
and turns into deterministic, self-contained SVG."""

from __future__ import annotations

import importlib
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

sys.path.insert(0, str(Path(__file__).parent))

from report_sample import TASKS, TOY_CAPTION, register_toy_chart, sample_report, summarize  # noqa: E402

from uxcli.report import charts  # noqa: E402
from uxcli.report.charts.common import figure_to_svg, save_figure  # noqa: E402
from uxcli.report.charts.compare import compare_chart  # noqa: E402
from uxcli.report.charts.errors_clicks import errors_clicks_chart  # noqa: E402
from uxcli.report.charts.outcome_grid import outcome_grid, outcome_grid_chart  # noqa: E402
from uxcli.report.charts.success import success_chart  # noqa: E402
from uxcli.report.charts.sus import SUS_GRADE_BANDS, sus_chart, sus_grade_of  # noqa: E402
from uxcli.report.charts.time import time_chart  # noqa: E402

ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def report():
    return sample_report()


def tick_texts(labels) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in labels]


def offsets(collection) -> np.ndarray:
    return np.asarray(collection.get_offsets())


def label(artist) -> str:
    return str(artist.get_label())


def xdata(line) -> list[float]:
    return [float(x) for x in np.asarray(line.get_xdata())]


def widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


def scatter_points(ax) -> int:
    return sum(len(offsets(c)) for c in ax.collections if isinstance(c, PathCollection))


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def summary_with_missing_task(report) -> pd.DataFrame:
    """The sample summary plus a task nobody completed (no times) and one with no data at all."""
    summary = report.summary.copy()
    extra = summary.iloc[[0, 0]].copy()
    extra["task"] = ["Nobody finished", "Never attempted"]
    for column in ("time_geomean", "time_median", "time_mean", "time_ci_low", "time_ci_high"):
        extra[column] = np.nan
    extra.loc[
        extra.index[1], ["success_rate", "success_ci_low", "success_ci_high", "errors_per_attempt", "clicks_mean"]
    ] = np.nan
    return pd.concat([summary, extra], ignore_index=True)


def test_chart_kinds_cover_every_function() -> None:
    assert list(charts.CHART_KINDS) == [
        "success", "time", "errors-clicks", "outcome-grid", "survival", "sus", "compare", "discovery"
    ]  # fmt: skip
    for kind in charts.CHART_KINDS.values():
        module, _, function = kind.function.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), kind.name
        assert isinstance(kind.description, str) and kind.description
        assert kind.report_text is not None and kind.section in charts.SECTIONS, kind.name
        module, _, function = kind.report_text.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), kind.name


def test_every_kind_draws_from_the_report_data(report) -> None:
    for name in charts.CHART_KINDS:
        figure = charts.draw(name, report)
        assert isinstance(figure, Figure) and figure.axes, name
        text = charts.report_text(name, report)
        if name == "discovery":  # a task log's report has no problem matrix (tests/test_planning.py)
            assert text is None
            continue
        assert text is not None and text.caption and text.alt, name


def test_a_registered_kind_is_listed_and_drawable(report, monkeypatch) -> None:
    register_toy_chart(monkeypatch)
    assert list(charts.CHART_KINDS)[-1] == "toy"
    fig = charts.draw("toy", report)
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].patches) == len(TASKS)
    assert "<svg" in figure_to_svg(fig)
    text = charts.report_text("toy", report)
    assert text is not None and text.caption == TOY_CAPTION
    register_toy_chart(monkeypatch, report_text=None)  # a kind for slides only
    assert charts.report_text("toy", report) is None
    assert isinstance(charts.draw("toy", report), Figure)


def test_listing_the_kinds_imports_no_matplotlib() -> None:
    code = (
        "import sys; from uxcli.report.charts import CHART_KINDS; names = list(CHART_KINDS); "
        "assert not any(m in sys.modules for m in ('matplotlib', 'pandas', 'numpy')), names"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_success_chart_bars_intervals_and_benchmark(report) -> None:
    fig = success_chart(report.summary, confidence=0.95)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(TASKS)
    assert tick_texts(ax.get_yticklabels()) == TASKS
    widths = [bar.get_width() for bar in bars]
    assert widths == pytest.approx(list(report.summary["success_rate"] * 100))
    # asymmetric error bars reach exactly the interval bounds
    container = next(c for c in ax.containers if isinstance(c, ErrorbarContainer))
    segments = container.lines[2][0].get_segments()
    lows = [seg[0][0] for seg in segments]
    highs = [seg[1][0] for seg in segments]
    assert lows == pytest.approx(list(report.summary["success_ci_low"] * 100))
    assert highs == pytest.approx(list(report.summary["success_ci_high"] * 100))
    benchmark = [line for line in ax.lines if line.get_label() == "78% average (Sauro 2011)"]
    assert len(benchmark) == 1 and xdata(benchmark[0]) == [78.0, 78.0]
    assert benchmark[0].get_linestyle() == "--"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "78% average (Sauro 2011)" in legend and "95% CI (adjusted Wald)" in legend


def test_time_chart_log_scale_points_and_geometric_means(report) -> None:
    fig = time_chart(report.attempts, report.summary, confidence=0.95)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert tick_texts(ax.get_yticklabels()) == TASKS
    timed = report.attempts["time"].notna() & (report.attempts["time"] > 0)
    diamonds = [c for c in ax.collections if isinstance(c, PathCollection) and label(c).startswith("Geometric mean")]
    assert len(diamonds) == 1
    finite = report.summary["time_geomean"].notna()
    assert len(offsets(diamonds[0])) == int(finite.sum()) == 4  # one task has no successes
    assert scatter_points(ax) == int(timed.sum()) + int(finite.sum())
    # each attempt sits on its task's row (jitter stays inside the row)
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and not label(collection).startswith("Geometric"):
            rows = offsets(collection)[:, 1]
            assert np.all(np.abs(rows - np.round(rows)) <= 0.25)
    points = np.vstack(
        [offsets(c) for c in ax.collections if isinstance(c, PathCollection) and label(c).startswith("Success")]
    )
    first_task = report.attempts[(report.attempts["task"] == TASKS[0]) & (report.attempts["outcome"] == "success")]
    on_first_row = sorted(points[np.round(points[:, 1]) == 0][:, 0])
    assert on_first_row == pytest.approx(sorted(first_task["time"]))
    assert any("no geometric mean" in text for text in texts(fig))
    low, high = ax.get_xlim()
    assert low < report.attempts["time"].min() and high > report.attempts["time"].max()


def test_time_chart_is_deterministic_jitter(report) -> None:
    first = time_chart(report.attempts, report.summary)
    second = time_chart(report.attempts, report.summary)
    for a, b in zip(first.axes[0].collections, second.axes[0].collections, strict=True):
        assert np.array_equal(a.get_offsets(), b.get_offsets())


def test_charts_cope_with_missing_values(report) -> None:
    summary = summary_with_missing_task(report)
    success = success_chart(summary)
    assert len(success.axes[0].patches) == len(TASKS) + 2
    assert "no attempts" in texts(success)
    time = time_chart(report.attempts, summary)
    assert tick_texts(time.axes[0].get_yticklabels())[-2:] == ["Nobody finished", "Never attempted"]
    assert sum("no geometric mean" in t for t in texts(time)) == 3
    errors = errors_clicks_chart(summary)
    assert "no data" in texts(errors)
    for fig in (success, time, errors):
        assert "<svg" in figure_to_svg(fig)


def test_time_chart_without_any_times(report) -> None:
    attempts = report.attempts.assign(time=np.nan)
    summary = summarize(attempts)
    fig = time_chart(attempts, summary)
    assert fig.axes[0].get_xscale() == "log"
    assert "No task times in the data" in texts(fig)
    figure_to_svg(fig)


def test_errors_clicks_chart_two_panels_in_task_order(report) -> None:
    fig = errors_clicks_chart(report.summary)
    errors_ax, clicks_ax = fig.axes
    assert [len(errors_ax.patches), len(clicks_ax.patches)] == [len(TASKS), len(TASKS)]
    assert tick_texts(errors_ax.get_yticklabels()) == TASKS
    assert widths(errors_ax) == pytest.approx(list(report.summary["errors_per_attempt"]))
    assert widths(clicks_ax) == pytest.approx(list(report.summary["clicks_mean"]))
    assert errors_ax.get_title(loc="left") == "Errors per attempt"
    assert clicks_ax.get_title(loc="left") == "Clicks per attempt (mean)"


def test_outcome_grid_cells_retries_and_not_attempted(report) -> None:
    fig = outcome_grid_chart(report.attempts)
    ax = fig.axes[0]
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 8 * len(TASKS)
    hatched = [p for p in cells if p.get_hatch()]
    assert len(hatched) == 1  # P06 never tried "Track an order"
    assert tick_texts(ax.get_yticklabels()) == [f"P0{i} · {'A' if i <= 4 else 'B'}" for i in range(1, 9)]
    assert [t.replace(" ", "") for t in tick_texts(ax.get_xticklabels())][:2] == [
        "Findaproduct",
        "Addtobasketandcheckout",
    ]
    labels = texts(fig)
    assert labels.count("×2") == 1 and labels.count("×3") == 1
    # the final attempt decides: P03 failed "Add to basket" first, then succeeded
    participants, tasks, grid = outcome_grid(report.attempts)
    assert grid[("P03", TASKS[1])] == ("success", 2)
    assert grid[("P08", TASKS[2])] == ("success", 3)
    assert ("P06", TASKS[4]) not in grid
    assert participants == [f"P0{i}" for i in range(1, 9)] and tasks == TASKS
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:4] == ["✓ Success", "✗ Failure", "– Abandon", "Not attempted"]


def test_sus_chart_scores_bands_mean_and_average(report) -> None:
    scores = report.sus_scores["score"]
    for data in (scores, list(scores), report.sus_scores):
        fig = sus_chart(data)
        ax = fig.axes[0]
        assert scatter_points(ax) == len(scores)
        mean_lines = [line for line in ax.lines if label(line).startswith("Mean")]
        assert xdata(mean_lines[0]) == pytest.approx([scores.mean()] * 2)
        assert any(xdata(line) == [68.0, 68.0] for line in ax.lines)
        band_letters = [t.get_text() for t in ax.texts]
        assert band_letters == [g for _, g in SUS_GRADE_BANDS]
    assert mean_lines[0].get_label() == "Mean 71.6 (grade C+)"
    empty = sus_chart([])
    assert "No SUS responses" in texts(empty)


def test_sus_bands_match_questionnaires() -> None:
    questionnaires = pytest.importorskip("uxcli.questionnaires.scoring")
    ours = {bound: grade.replace("−", "-") for bound, grade in SUS_GRADE_BANDS if bound > 0}
    assert ours == dict(questionnaires.SUS_GRADES)
    assert sus_grade_of(71.0) == "C" and sus_grade_of(84.1) == "A+"
    assert sus_grade_of(10) == "F"


def test_compare_chart_values_and_differences(report) -> None:
    fig = compare_chart(report.comparison, confidence=0.95)
    assert len(fig.axes) == 6  # success, time, errors × (values, difference)
    values_axes, diff_axes = fig.axes[0::2], fig.axes[1::2]
    for ax in values_axes:
        assert tick_texts(ax.get_yticklabels()) == TASKS
    assert values_axes[1].get_xscale() == "log" and diff_axes[1].get_xscale() == "log"
    assert [ax.get_title(loc="left") for ax in diff_axes] == [
        "Difference A − B (points), 95% CI",
        "Ratio B ÷ A, 95% CI",
        "Difference B − A, 95% CI",
    ]
    time_rows = report.comparison[report.comparison["metric"] == "time"]
    diamonds = offsets(diff_axes[1].collections[-1])
    assert len(diamonds) == int(time_rows["difference"].notna().sum())
    assert "not estimable" in [t.get_text() for t in diff_axes[1].texts]


def test_svg_is_inline_self_contained_and_deterministic(report) -> None:
    builders = {
        "success": lambda: success_chart(report.summary),
        "time": lambda: time_chart(report.attempts, report.summary),
        "errors-clicks": lambda: errors_clicks_chart(report.summary),
        "outcome-grid": lambda: outcome_grid_chart(report.attempts),
        "sus": lambda: sus_chart(report.sus_scores["score"]),
        "compare": lambda: compare_chart(report.comparison),
    }
    for kind, build in builders.items():
        fig = build()
        svg = figure_to_svg(fig, id_prefix=f"fig-{kind}")
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<!--" not in svg
        assert "<metadata" not in svg and "<image" not in svg and "<script" not in svg
        assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= ALLOWED_URLS, kind
        assert 'href="http' not in svg
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert ids and all(i.startswith(f"fig-{kind}-") for i in ids)
        refs = re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', svg)
        assert all((a or b) in set(ids) for a, b in refs), f"{kind}: dangling reference"
        # same figure twice, and a freshly built figure, give identical text
        assert figure_to_svg(fig, id_prefix=f"fig-{kind}") == svg
        assert figure_to_svg(build(), id_prefix=f"fig-{kind}") == svg


def test_save_figure_formats(report, tmp_path: Path) -> None:
    fig = success_chart(report.summary)
    save_figure(fig, tmp_path / "chart.png")
    save_figure(fig, tmp_path / "chart.svg")
    save_figure(fig, tmp_path / "chart.pdf")
    png = (tmp_path / "chart.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == pytest.approx(fig.get_figwidth() * 200, abs=2)  # 200 dpi
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert (tmp_path / "chart.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.pdf", "chart.png", "chart.svg"]
    with pytest.raises(ValueError, match="unsupported chart format"):
        save_figure(fig, tmp_path / "chart.gif")


def test_long_and_hostile_task_names_do_not_break_charts(report) -> None:
    names = ["<script>alert(1)</script>", "A" * 120, "Ünïcödé — tâche", "x", "y"]
    sample = sample_report(tasks=names)
    for fig in (
        success_chart(sample.summary),
        outcome_grid_chart(sample.attempts),
        time_chart(sample.attempts, sample.summary),
    ):
        svg = figure_to_svg(fig)
        assert "<script" not in svg
        assert not math.isnan(fig.get_figheight())


# --- the ratio axis (issue 17): tick labels never overlap; absurd intervals are clipped with a marker ----

_TRANSLATE = re.compile(r"translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)\s*scale\(([-\d.e]+)")
_GLYPH_OFFSET = re.compile(r'<use xlink:href="#[^"]+"(?: transform="translate\(([-\d.e]+) 0\)")?/>')


def ratio_tick_boxes(svg: str) -> list[tuple[float, float]]:
    """(left, right) of each tick label of the ratio axis, read back from the SVG: a label is a group
    translated to its left edge and scaled; its glyphs are placed at offsets in font units (100 an em),
    so right = left + (last glyph's offset + one em) × scale, an upper bound on the label's width."""
    start = svg.index('id="ratio-axis"')
    x_axis = svg.index('id="matplotlib.axis_', start)
    end = svg.index('id="matplotlib.axis_', x_axis + 1)  # the y axis follows the x axis
    boxes = []
    for tick in re.split(r'<g id="xtick_\d+">', svg[start:end])[1:]:
        placed = _TRANSLATE.search(tick)
        assert placed, "tick label without a position"
        left, scale = float(placed.group(1)), float(placed.group(3))
        offsets = [float(o or 0) for o in _GLYPH_OFFSET.findall(tick)]
        boxes.append((left, left + (max(offsets) + 100) * scale))
    return boxes


def wide_comparison(report) -> pd.DataFrame:
    comparison = report.comparison.copy()
    time_rows = comparison.index[comparison["metric"] == "time"]
    comparison.loc[time_rows[0], ["difference", "ci_low", "ci_high"]] = [1.3, 0.004, 412.0]  # absurdly wide
    comparison.loc[time_rows[1], ["difference", "ci_low", "ci_high"]] = [0.9, 0.05, 18.0]
    return comparison


@pytest.mark.parametrize("width", [8.6, 5.0])
def test_ratio_tick_labels_never_overlap(report, width) -> None:
    fig = compare_chart(wide_comparison(report), confidence=0.95)
    fig.set_size_inches(width, fig.get_size_inches()[1])
    boxes = sorted(ratio_tick_boxes(figure_to_svg(fig)))
    assert len(boxes) >= 2
    for (_, right), (left, _) in zip(boxes, boxes[1:]):
        assert right < left, f"tick labels overlap: {boxes}"


def test_ratio_axis_clips_absurd_intervals_with_a_marker(report) -> None:
    fig = compare_chart(wide_comparison(report), confidence=0.95)
    ratio_ax = next(ax for ax in fig.axes if ax.get_gid() == "ratio-axis")
    low, high = ratio_ax.get_xlim()
    assert 1 / 20 / 1.25 - 1e-9 <= low and high <= 20 * 1.25 + 1e-9  # the axis stops at the clip range
    markers = {line.get_marker() for line in ratio_ax.lines}
    assert {"<", ">"} <= markers  # triangles at both clip edges of the first task
    assert "CI 0.004×–410×" in [t.get_text() for t in ratio_ax.texts]  # the true bounds, two significant digits
    assert all(t.get_text().endswith("×") for t in ratio_ax.get_xticklabels())
