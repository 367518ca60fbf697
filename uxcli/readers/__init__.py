"""READ: input files in every layout to one Dataset of attempts (or streamed group statistics).

``uxcli.readers.read`` holds ``read()``/``load()`` and layout detection; one module per layout
(``events``, ``attempt_table``, ``wide``, ``yamlfile``) with ``csvfile`` the shared CSV loading, and
``stream/`` the block-by-block engine for big event logs. This ``__init__`` imports nothing heavy.
"""
