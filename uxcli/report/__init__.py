"""The study report: ``build`` assembles the ``model`` (ReportData) from a prepared dataset; ``html`` and
``markdown`` render it; ``charts`` draws the figures the report and ``uxcli chart`` share."""
