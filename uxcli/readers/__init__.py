"""READ: input files in every layout to one Dataset of attempts (or streamed group statistics).

``uxcli.readers.read`` holds ``read()``/``load()``; ``layouts`` the registry of input layouts (name,
description, reader, detection order); one module per layout (``events``, ``attempt_table``, ``wide``,
``yamlfile``) with ``csvfile`` the shared CSV loading and ``sniff`` what a file's first bytes say;
``dataset`` the Dataset and InputFile a read returns; ``options`` ReadOptions, the engine names and the
per-file context; ``checks`` the checks across rows (and the warnings both engines share); ``stream/`` the
block-by-block engine for big event logs. This ``__init__`` imports nothing heavy.
"""
