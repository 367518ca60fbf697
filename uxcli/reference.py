"""Published reference values, each written once: benchmarks, SUS grades, percentiles and adjectives.

Everything that compares a study with "the average" (benchmark columns, gates, charts, report text,
help texts) reads these names. Light on purpose (no pandas or numpy) so the CLI may import it for help texts.
"""

from __future__ import annotations

# Average task completion rate across ~1,200 usability tasks (Sauro 2011; QUX 2nd ed., ch. 4).
COMPLETION_AVERAGE = 0.78
# Average SUS score across ~500 studies, the 50th percentile (Sauro 2011; QUX 2nd ed., ch. 8).
SUS_AVERAGE = 68.0
# Average Single Ease Question rating across tasks (Sauro & Dumas 2009; MeasuringU).
SEQ_AVERAGE = 5.5

# Sauro–Lewis curved grading scale for SUS, lower bounds (QUX 2nd ed., ch. 8, Table 8.5); below 51.7 is F.
SUS_GRADES: tuple[tuple[float, str], ...] = (
    (84.1, "A+"),
    (80.8, "A"),
    (78.9, "A-"),
    (77.2, "B+"),
    (74.1, "B"),
    (72.6, "B-"),
    (71.1, "C+"),
    (65.0, "C"),
    (62.7, "C-"),
    (51.7, "D"),
)
SUS_FAIL_GRADE = "F"

# SUS score -> percentile rank. Two published sources, merged and sorted by score:
# 1. Sauro's percentile-rank lookup (MeasuringU, "A Practical Guide to the System Usability
#    Scale", 2011; reproduced in QUX ch. 8): the round scores below. Its anchors quoted by
#    MeasuringU ("5 Ways to Interpret a SUS Score", 2018): 68 -> 50th, 74 -> 70th, 75 -> 73rd,
#    52 -> 15th (interpolated here between 50 and 55).
# 2. The lower bound of each curved-grade percentile range (QUX Table 8.5: A+ 96-100,
#    A 90-95, A- 85-89, B+ 80-84, B 70-79, B- 65-69, C+ 60-64, C 41-59, C- 35-40, D 15-34),
#    placed at that grade's score, so sus_percentile and sus_grade agree at the boundaries.
# Values between points are linearly interpolated; the table is non-decreasing.
# fmt: off
SUS_PERCENTILES: tuple[tuple[float, float], ...] = (
    (0, 0.0), (5, 0.3), (10, 0.4), (15, 0.7), (20, 1.0), (25, 1.5), (30, 2.0), (35, 4.0),
    (40, 6.0), (45, 8.0), (50, 13.0), (51.7, 15.0), (55, 19.0), (60, 29.0), (62.7, 35.0),
    (65, 41.0), (66, 44.0), (67, 47.0), (68, 50.0), (69, 53.0), (70, 56.0), (71, 60.0),
    (71.1, 60.0), (72, 63.0), (72.6, 65.0), (73, 67.0), (74, 70.0), (74.1, 70.0), (75, 73.0),
    (76, 77.0), (77, 80.0), (77.2, 80.0), (78, 83.0), (78.9, 85.0), (79, 86.0), (80, 88.0),
    (80.8, 90.0), (84.1, 96.0), (85, 97.0), (90, 99.8), (95, 99.999), (100, 100.0),
)
# fmt: on

# Bangor, Kortum & Miller (2009, JUS 4(3)) mean SUS score per adjective rating.
SUS_ADJECTIVES: tuple[tuple[float, str], ...] = (
    (12.5, "Worst Imaginable"),
    (20.3, "Awful"),
    (35.7, "Poor"),
    (50.9, "OK"),
    (71.4, "Good"),
    (85.5, "Excellent"),
    (90.9, "Best Imaginable"),
)

# UMUX-Lite -> SUS. The 2013 regression SUS ≈ 0.65·raw + 22.9 (Lewis, Utesch & Maher, CHI 2013) is no longer
# recommended by its authors: it seriously underestimates the SUS at high usability (Lah, Lewis & Šumak 2020,
# IJHCI 36(13)). MeasuringU (Lewis & Sauro, "Accuracy of Three Ways to Estimate SUS with the UX-Lite") uses the
# UMUX-Lite score itself, the two-item interpolation (item1 + item2 − 2)·100/12, as the SUS estimate.
# Kept only for `uxcli umux-lite --sus-estimate regression-2013` (comparisons with older reports).
UMUX_LITE_REGRESSION_2013_SLOPE = 0.65
UMUX_LITE_REGRESSION_2013_INTERCEPT = 22.9
