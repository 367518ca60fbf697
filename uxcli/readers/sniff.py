"""Sniffing: what a file's first bytes say about it, before it is parsed.

Shared by the whole-file readers (uxcli.sources, uxcli.readers.csvfile, uxcli.readers.read) and the
streaming engine, which looks only at the head of a file and must reach the same verdicts. Standard
library only: no pandas or pyarrow here.
"""

from __future__ import annotations

import codecs
import csv
import re

from uxcli.errors import InputError

DELIMITERS = (",", ";", "\t", "|")
WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls (OLE2) signatures
YAML_SUFFIXES = (".yaml", ".yml")
MAX_COLUMNS = 10_000  # a questionnaire export of 100 items x 50 fields is 5,000; more is not a data file
_YAML_START = re.compile(rb"^\s*(---|[\w\- ]+:(\s|$))")


def looks_like_yaml(suffix: str, data: bytes) -> bool:
    """A .yaml/.yml file (``suffix`` in lower case), or a file without a suffix whose first line reads
    like YAML, not CSV."""
    if suffix in YAML_SUFFIXES:
        return True
    if suffix:
        return False
    for line in data.splitlines()[:20]:
        if line.strip() and not line.lstrip().startswith(b"#"):
            return bool(_YAML_START.match(line)) and not any(d in line for d in (b",", b";", b"\t"))
    return False


def guess_utf16(data: bytes) -> str | None:
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


def needs_recoding(head: bytes) -> bool:
    """Whether uxcli.sources.to_utf8 would decode these bytes from UTF-16/32, or refuse them (a
    workbook, NUL bytes): anything but UTF-8 text, as far as the head shows."""
    return head.startswith(WIDE_BOMS + WORKBOOKS) or guess_utf16(head) is not None or b"\x00" in head[:8192]


def first_nonblank_line(data: bytes, name: str | None = None) -> tuple[int, str]:
    """(1-based line number, text) of the header: the first line that is not blank."""
    line_no = 0
    for raw in data.split(b"\n", 64):
        line_no += 1
        text = raw.decode("utf-8", errors="replace").strip("\r")
        if text.strip():
            return line_no, text.replace("\r", " ")
    raise InputError("file has no header line", file=name, hint="the first 64 lines are blank")


def sniff_delimiter(header: str) -> str:
    """The delimiter the header line uses most (a comma when it has none)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def header_names(header: str, delimiter: str, name: str, line: int) -> list[str]:
    """The column names of a header line, stripped and checked (see check_headers); more than
    MAX_COLUMNS columns are refused before anything else is done with them."""
    try:
        headers = next(csv.reader([header], delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"cannot read the header line: {exc}", file=name, line=line) from exc
    if len(headers) > MAX_COLUMNS:
        raise InputError(
            f"the header has {len(headers):,} columns, more than the {MAX_COLUMNS:,} uxcli reads",
            file=name,
            line=line,
            hint="this does not look like a header line; check the delimiter and the file",
        )
    headers = [h.strip() for h in headers]
    check_headers(headers, name, line)
    return headers


def check_headers(headers: list[str], name: str, line: int) -> None:
    """A name written twice is an error; an empty name becomes column_N (in place)."""
    seen: set[str] = set()
    for index, header in enumerate(headers, start=1):
        if header in seen and header:
            raise InputError(f'column "{header}" appears twice in the header', file=name, line=line)
        seen.add(header)
        if not header:
            headers[index - 1] = f"column_{index}"
