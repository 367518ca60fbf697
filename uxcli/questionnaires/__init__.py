"""Questionnaires: survey-tool exports in (``exports``), per-instrument scoring (``scoring``) and the
respondent and summary tables (``summaries``)."""
