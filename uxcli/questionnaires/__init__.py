"""Questionnaires: one module per instrument (sus, seq, umux_lite, nps, csat), listed in ``instruments``.

``analysis.score(NAME, QuestionnaireOptions(...))`` is the library call behind ``uxcli NAME``; ``exports``
reads survey-tool exports and YAML sessions for every instrument; ``scoring`` holds the pure, cited
formulas.
"""
