"""The block-by-block engine for big event logs: ``engine`` reads blocks and derives attempts,
``summary`` feeds each block's attempts to group statistics without an attempts frame, ``codes`` maps
labels to integer codes and keeps per-key state between blocks.

This module decides which files to try (:func:`wants_stream`) without loading the engine. When a file
cannot be read block by block with exactly the whole-file reader's results, the engine raises
:class:`Fallback` and the caller reads it whole instead.
"""

from __future__ import annotations

import atexit
import codecs
import io
import os
import sys
import tempfile
from pathlib import Path

from uxcli.errors import InputError
from uxcli.readers.options import FileContext
from uxcli.readers.sniff import YAML_SUFFIXES

AUTO_MIN_BYTES = 16 << 20  # engine="auto" streams event logs at least this big
COLUMNAR_SUFFIXES = (".parquet", ".pq", ".arrow", ".feather", ".ipc")  # read by row group / record batch
SPOOL_BLOCK = 1 << 20


class Fallback(Exception):
    """The file needs the whole-file reader to be read with exactly its results."""


def wants_stream(file: FileContext) -> bool:
    """Whether to try the streaming engine on this file (it may still fall back)."""
    source, options = file.source, file.options
    if options.engine == "whole" or options.layout not in (None, "events"):
        return False
    if source.path is None and (source.data is not None or not spool_stdin(file)):
        return False  # stdin held in memory (small, or the whole-file engine asked for): read whole
    if source.suffix in YAML_SUFFIXES:
        return False
    if options.encoding is not None:
        try:
            if codecs.lookup(options.encoding).name != "utf-8":
                return False
        except LookupError:
            return False
    if options.engine == "stream" or source.suffix in COLUMNAR_SUFFIXES:  # columnar: never worth reading whole
        return True
    try:
        return source.path is not None and os.path.getsize(source.path) >= AUTO_MIN_BYTES
    except OSError:
        return False


# stdin spooled to a temporary file, per stdin object: a read that falls back (or tries streaming twice)
# finds the same bytes again instead of an exhausted stdin
_SPOOLED: dict[int, tuple[object, Path | None, bytes | None]] = {}
_KEEP: list = []  # open spool files whose names are already removed


def spool_stdin(file: FileContext) -> bool:
    """Make stdin a file the engine can read block by block: True when ``file.source.path`` now names a
    temporary copy (removed when the process ends), False when stdin was small and is held in memory
    (``file.source.data``: the whole-file reader reads it).

    Copied in blocks of SPOOL_BLOCK (memory stays bounded); with engine "auto" only input of
    AUTO_MIN_BYTES or more is spooled. Input whose head is not text is refused after its first 8 KB
    (uxcli.sources.refuse_binary_head), so endless binary input costs a bounded read here too.
    """
    source, options = file.source, file.options
    stdin = sys.stdin
    if stdin is None:
        raise InputError("cannot read: standard input is closed", file=source.name)
    known = _SPOOLED.get(id(stdin))
    if known is None or known[0] is not stdin:
        known = (stdin, *_spool(stdin.buffer, source.name, options))
        _SPOOLED[id(stdin)] = known
    _, path, data = known
    if path is None:
        source.data = data
        return False
    source.path = path
    return True


def _spool(handle, name: str, options) -> tuple[Path | None, bytes | None]:
    from uxcli import sources

    threshold = 0 if options.engine == "stream" else AUTO_MIN_BYTES
    head = bytearray()
    try:
        while len(head) < max(threshold, sources.HEAD_BYTES):
            block = handle.read(SPOOL_BLOCK)
            if not block:
                break
            head += block
        sources.refuse_binary_head(bytes(head[: sources.HEAD_BYTES]), name, options.encoding)
        if len(head) < threshold or not head:  # small: in memory, checked as any input is
            return None, sources._read_bounded(io.BytesIO(bytes(head)), name, options.encoding)
        out = tempfile.NamedTemporaryFile(prefix="uxcli-stdin-", suffix=".spool", delete=False)  # noqa: SIM115
        path = Path(out.name)
        try:
            out.write(head)
            out.flush()
        except BaseException:
            out.close()
            _remove(path)
            raise
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name) from exc
    alias = Path(f"/proc/self/fd/{out.fileno()}")
    if alias.exists():  # Linux: the name goes now, the copy lives as long as this open file (no leftovers)
        _remove(path)
        path = alias
    else:
        atexit.register(_remove, path)  # elsewhere: removed when the interpreter ends normally
    _KEEP.append(out)
    # the rest is copied on a thread of its own, while the engine reads the copy (sources.open_input waits
    # for bytes not copied yet): `zcat log.csv.gz | uxcli summary -` decompresses while uxcli parses
    sources.FILLING[str(path)] = sources.Filling(handle, out, name, SPOOL_BLOCK)
    return path, None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
