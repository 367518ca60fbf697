"""The block-by-block engine for big event logs: ``engine`` reads blocks and derives attempts,
``summary`` feeds each block's attempts to group statistics without an attempts frame, ``codes`` maps
labels to integer codes and keeps per-key state between blocks.

This module decides which files to try (:func:`wants_stream`) without loading the engine. When a file
cannot be read block by block with exactly the whole-file reader's results, the engine raises
:class:`Fallback` and the caller reads it whole instead.
"""

from __future__ import annotations

import codecs
import os

from uxcli.readers.options import FileContext
from uxcli.readers.sniff import YAML_SUFFIXES

AUTO_MIN_BYTES = 16 << 20  # engine="auto" streams event logs at least this big


class Fallback(Exception):
    """The file needs the whole-file reader to be read with exactly its results."""


def wants_stream(file: FileContext) -> bool:
    """Whether to try the streaming engine on this file (it may still fall back)."""
    source, options = file.source, file.options
    if options.engine == "whole" or source.path is None or options.layout not in (None, "events"):
        return False
    if source.suffix in YAML_SUFFIXES:
        return False
    if options.encoding is not None:
        try:
            if codecs.lookup(options.encoding).name != "utf-8":
                return False
        except LookupError:
            return False
    if options.engine == "stream":
        return True
    try:
        return os.path.getsize(source.path) >= AUTO_MIN_BYTES
    except OSError:
        return False
