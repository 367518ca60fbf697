"""Where input comes from: files, directories and stdin, decoded to UTF-8 bytes.

Everything downstream works on UTF-8 bytes, because pyarrow parses those fastest
and without a copy; this module is the only place that thinks about encodings.
"""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from uxcli.errors import InputError, Problems
from uxcli.readers.sniff import WORKBOOKS, guess_utf16

STDIN_NAME = "<stdin>"
DIRECTORY_SUFFIXES = (".csv", ".yaml", ".yml")


@dataclass
class Source:
    """One input: a file path, or stdin (``-``)."""

    name: str
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path else ""

    def read_bytes(self) -> bytes:
        if self.data is None:
            try:
                self.data = self.path.read_bytes() if self.path else sys.stdin.buffer.read()
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", file=self.name) from exc
        return self.data


def expand_paths(paths: list[str], problems: Problems | None = None) -> list[Source]:
    """Turn command-line paths into sources; a directory means its data files.

    With ``problems`` a path that cannot be used is recorded there and the others
    are still returned (``validate`` keeps going); without, it is raised.
    """
    if not paths:
        raise InputError("no input given: name one or more files, a directory, or - for stdin")
    sources: list[Source] = []
    for raw in paths:
        try:
            sources.extend(_expand(raw))
        except InputError as exc:
            if problems is None:
                raise
            problems.add(exc.problem)
    return sources


def _expand(raw: str) -> list[Source]:
    if raw == "-":
        return [Source(STDIN_NAME)]
    path = Path(raw)
    if path.is_dir():
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in DIRECTORY_SUFFIXES and not p.name.startswith((".", "~$"))
        )  # hidden files, Office lock files
        if not found:
            raise InputError(
                "directory has no .csv, .yaml or .yml files",
                file=raw,
                hint="name the files themselves if they have another suffix",
            )
        return [Source(str(p), p) for p in found]
    if path.exists():
        return [Source(raw, path)]
    raise InputError("no such file or directory", file=raw)


def to_utf8(source: Source, encoding: str | None, problems: Problems) -> bytes:
    """The source's bytes as UTF-8 without a BOM, whatever it was written in."""
    data = source.read_bytes()
    if encoding:
        try:
            return _recode(data, encoding)
        except LookupError as exc:
            raise InputError(
                f"unknown encoding {encoding!r}",
                file=source.name,
                hint="e.g. --encoding utf-8, utf-16, cp1252 or latin-1",
            ) from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"is not valid {encoding} (byte {exc.start})",
                file=source.name,
                line=data.count(b"\n", 0, exc.start) + 1,
                value=repr(data[exc.start : exc.start + 1])[1:],
                hint="pass the right --encoding, or leave it out to let uxcli detect it",
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[3:]
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _recode_detected(data, "utf-32", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _recode_detected(data, "utf-16", source)  # Excel's "Unicode text"
    guessed = guess_utf16(data)
    if guessed:
        return _recode_detected(data, guessed, source)
    if data.startswith(WORKBOOKS):
        raise InputError(
            "looks like a spreadsheet workbook (.xlsx/.xls), not CSV or YAML text",
            file=source.name,
            hint='save it from the spreadsheet program as "CSV UTF-8"',
        )
    if b"\x00" in data[:8192]:
        raise InputError(
            "looks like a binary file, not CSV or YAML text",
            file=source.name,
            line=data.count(b"\n", 0, data.index(b"\x00")) + 1,
            hint="uxcli reads CSV and YAML text; pass --encoding if this is text in another encoding",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise InputError(
                "looks like a binary file, not CSV or YAML text",
                file=source.name,
                hint="uxcli reads CSV and YAML text; pass --encoding if this is text in another encoding",
            ) from None
        return _fallback_8bit(data, source, exc, problems)
    return data


_CONTROL = bytes(b for b in range(256) if b < 0x20 and b not in (9, 10, 13) or 0x7F <= b <= 0x9F)


def _looks_binary(data: bytes) -> bool:
    """Many control bytes (not tab, CR or LF; C1 controls count too): no text encoding writes those."""
    head = data[:8192]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls / len(head) > 0.05


def _recode_detected(data: bytes, encoding: str, source: Source) -> bytes:
    try:
        return _recode(data, encoding)
    except UnicodeDecodeError as exc:
        width = 4 if "32" in encoding else 2
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1 if exc.start % width == 0 else None
        raise InputError(
            f"looks like {encoding.upper()} text but has an invalid byte sequence at byte {exc.start}",
            file=source.name,
            line=line,
            hint="the file may be truncated or not text at all; pass --encoding if you know it",
        ) from exc


def _recode(data: bytes, encoding: str) -> bytes:
    text = data.decode(encoding)
    return text.lstrip("\ufeff").encode("utf-8")


def _fallback_8bit(data: bytes, source: Source, exc: UnicodeDecodeError, problems: Problems) -> bytes:
    # Excel on Windows saves "CSV" in the ANSI code page; Windows-1252 is a superset of
    # Latin-1's printable range, so try it first and fall back to Latin-1 (never fails).
    line = data.count(b"\n", 0, exc.start) + 1
    for encoding in ("cp1252", "latin-1"):
        try:
            recoded = _recode(data, encoding)
        except UnicodeDecodeError:
            continue
        problems.warning(
            f"is not UTF-8 (first bad byte on this line); read it as {encoding}",
            file=source.name,
            line=line,
            value=repr(data[exc.start : exc.start + 1])[1:],
            hint="if names look wrong, pass --encoding (e.g. --encoding latin-1 or mac-roman), or save as UTF-8",
        )
        return recoded
    raise AssertionError("latin-1 decodes every byte")


def write_atomic(path: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Write a file atomically: fill a temporary file beside it, then rename it over the target.

    A reader never sees half a file, and an error leaves the old file (or none) in place.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(path)) from exc
    try:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
