"""Where input comes from: files, directories and stdin, decoded to UTF-8 bytes.

Everything downstream works on UTF-8 bytes, because pyarrow parses those fastest
and without a copy; this module is the only place that thinks about encodings.
"""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass, field
from pathlib import Path

from uxcli.errors import InputError, Problems

STDIN_NAME = "<stdin>"
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".yaml", ".yml")
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


def expand_paths(paths: list[str]) -> list[Source]:
    """Turn command-line paths into sources; a directory means its data files."""
    if not paths:
        raise InputError("no input given: name one or more files, a directory, or - for stdin")
    sources: list[Source] = []
    for raw in paths:
        if raw == "-":
            sources.append(Source(STDIN_NAME))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DIRECTORY_SUFFIXES)
            if not found:
                raise InputError("directory has no .csv, .yaml or .yml files", file=raw)
            sources.extend(Source(str(p), p) for p in found)
        elif path.exists():
            sources.append(Source(raw, path))
        else:
            raise InputError("no such file or directory", file=raw)
    return sources


def to_utf8(source: Source, encoding: str | None, problems: Problems) -> bytes:
    """The source's bytes as UTF-8 without a BOM, whatever it was written in."""
    data = source.read_bytes()
    if encoding:
        try:
            return _recode(data, encoding)
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}", file=source.name) from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"is not valid {encoding} (byte {exc.start})", file=source.name,
                hint="pass the right --encoding",
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[3:]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _recode(data, "utf-16")  # Excel's "Unicode text"
    guessed = _guess_utf16(data)
    if guessed:
        return _recode(data, guessed)
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file, not CSV or YAML text", file=source.name)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fallback_8bit(data, source, exc, problems)
    return data


def _recode(data: bytes, encoding: str) -> bytes:
    text = data.decode(encoding)
    return text.lstrip("\ufeff").encode("utf-8")


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is NUL."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even_nul = head[0::2].count(0) / (len(head) / 2)
    odd_nul = head[1::2].count(0) / (len(head) / 2)
    if odd_nul > 0.9 and even_nul < 0.1:
        return "utf-16-le"
    if even_nul > 0.9 and odd_nul < 0.1:
        return "utf-16-be"
    return None


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
            file=source.name, line=line, hint="pass --encoding if the text looks wrong",
        )
        return recoded
    raise AssertionError("latin-1 decodes every byte")
