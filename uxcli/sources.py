"""Where input comes from: files, directories and stdin, decoded to UTF-8 bytes.

Everything downstream works on UTF-8 bytes, because pyarrow parses those fastest
and without a copy; this module is the only place that thinks about encodings.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

from uxcli.errors import InputError, OutputError, Problems
from uxcli.readers.sniff import WIDE_BOMS, WORKBOOKS, guess_utf16

STDIN_NAME = "<stdin>"
DIRECTORY_SUFFIXES = (".csv", ".yaml", ".yml")
READ_BLOCK = 1 << 20  # input is read block by block, so a refusal costs a bounded read
HEAD_BYTES = 8192  # what the binary check looks at before reading on
MAX_LINE_BYTES = 1 << 20  # one line (so one field) may hold 1 MiB; a usability log's lines are far shorter
ENVIRONMENT_ERRNOS = frozenset(
    {errno.EFBIG, errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EPERM}
)  # the system's fault when writing, not a bug: said as one plain line
STALE_TEMP_SECONDS = 24 * 3600  # a temporary output file this old is a leftover, whoever wrote it


@dataclass
class Source:
    """One input: a file path, or stdin (``-``)."""

    name: str
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path else ""

    def read_bytes(self, encoding: str | None = None) -> bytes:
        """The whole input, read block by block: binary input (a NUL byte or control bytes in the first
        8 KB) and a line longer than MAX_LINE_BYTES are refused as soon as they are seen, so endless
        input (/dev/zero, /dev/urandom) costs a bounded read. ``encoding``: the --encoding given."""
        if self.data is None:
            try:
                if self.path is None:
                    if sys.stdin is None:
                        raise InputError("cannot read: standard input is closed", file=self.name)
                    self.data = _read_bounded(sys.stdin.buffer, self.name, encoding)
                else:
                    with open_input(self.path, whole=True) as handle:
                        self.data = _read_bounded(handle, self.name, encoding)
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", file=self.name) from exc
        return self.data


class Filling:
    """A file still being written by a thread of its own (stdin copied to a spool file as it comes), so
    that reading it block by block overlaps the copy: a reader asking for bytes not written yet waits
    for them (or for the end). An error while copying is raised in the reader, as an InputError."""

    def __init__(self, source: BinaryIO, out: IO[bytes], name: str, block: int) -> None:
        self.name, self.written, self.done = name, out.tell(), False
        self.error: OSError | None = None
        self._changed = threading.Condition()
        args = (source, out, block)
        threading.Thread(target=self._copy, args=args, name="uxcli-stdin", daemon=True).start()

    def _copy(self, source: BinaryIO, out: IO[bytes], block: int) -> None:
        try:
            while data := source.read(block):
                out.write(data)
                out.flush()  # visible to readers of the file from here on
                with self._changed:
                    self.written += len(data)
                    self._changed.notify_all()
        except BaseException as exc:  # noqa: BLE001 (an error of any kind ends the copy: readers must not wait on)
            self.error = exc if isinstance(exc, OSError) else OSError(str(exc) or type(exc).__name__)
        finally:
            with self._changed:
                self.done = True
                self._changed.notify_all()

    def wait_for(self, size: int) -> None:
        """Return once ``size`` bytes are in the file, or all there will be."""
        with self._changed:
            while not self.done and self.written < size:
                self._changed.wait()
        if self.error is not None:
            raise InputError(f"cannot read: {self.error.strerror or self.error}", file=self.name)


FILLING: dict[str, Filling] = {}  # spool files being written, by path


class _Waiting:
    """A binary file being written by a Filling, read as if it were whole: every read waits for its bytes."""

    def __init__(self, handle: io.BufferedReader, filling: Filling) -> None:
        self.handle, self.filling = handle, filling

    def read(self, size: int = -1) -> bytes:
        self.filling.wait_for(sys.maxsize if size is None or size < 0 else self.handle.tell() + size)
        return self.handle.read(size)

    def readinto(self, buffer) -> int:
        self.filling.wait_for(self.handle.tell() + len(buffer))
        return self.handle.readinto(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.handle.tell()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def open_input(path: Path, whole: bool = False) -> io.BufferedReader | _Waiting:
    """``path`` opened for reading in binary; a spool file still being written is read as it grows, or with
    ``whole`` (a reader that keeps all it reads) once it is complete: endless stdin then fills the disk as the
    copy always did, not memory."""
    filling = FILLING.get(str(path))
    if filling is not None and whole:
        filling.wait_for(sys.maxsize)
    handle = open(path, "rb")  # noqa: SIM115 (the caller closes it)
    return handle if filling is None else _Waiting(handle, filling)


def _read_bounded(handle: BinaryIO | io.BufferedReader | _Waiting, name: str, encoding: str | None) -> bytes:
    """Read to the end in READ_BLOCK pieces, refusing binary input after HEAD_BYTES and any line (bytes
    between line ends, LF or CR) longer than MAX_LINE_BYTES, with the line it starts on."""
    blocks: list[bytes] = []
    have = lines = crs = 0
    run = 0  # bytes since the last line end
    checked = False
    while True:
        block = handle.read(READ_BLOCK)
        if not block:
            break
        blocks.append(block)
        have += len(block)
        if not checked and have >= HEAD_BYTES:
            refuse_binary_head(b"".join(blocks)[:HEAD_BYTES], name, encoding)
            checked = True
        ends = [i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0]
        if ends:
            run += min(ends)
            if run <= MAX_LINE_BYTES:
                run = len(block) - 1 - max(block.rfind(b"\n"), block.rfind(b"\r"))
        else:
            run += len(block)
        if run > MAX_LINE_BYTES:
            line = (lines or crs) + 1
            raise InputError(
                f"a line is longer than {MAX_LINE_BYTES // (1 << 20)} MiB; refused before reading on",
                file=name,
                line=line,
                hint="this is not a usability log (or a field holds a whole document); check the file",
            )
        lines += block.count(b"\n")
        crs += block.count(b"\r")
    data = b"".join(blocks)
    if not checked:
        refuse_binary_head(data[:HEAD_BYTES], name, encoding)
    return data


def refuse_binary_head(head: bytes, name: str, encoding: str | None) -> None:
    """Refuse input whose head is not text (a NUL byte, or mostly control bytes that are not valid
    UTF-8), unless it is UTF-16/32 (a BOM, or every other byte NUL) or --encoding names a wide one."""
    if encoding:
        try:
            if re.match(r"utf[-_]?(16|32)", codecs.lookup(encoding).name):
                return
        except LookupError:
            return  # to_utf8 says the encoding is unknown
    if head.startswith(WIDE_BOMS) or guess_utf16(head):
        return
    if head.startswith(WORKBOOKS):
        raise InputError(
            "looks like a spreadsheet workbook (.xlsx/.xls), not CSV or YAML text",
            file=name,
            hint='save it from the spreadsheet program as "CSV UTF-8"',
        )
    nul = head.find(b"\x00")
    bad_utf8 = False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_utf8 = exc.reason != "unexpected end of data"
    if nul >= 0 or (bad_utf8 and _looks_binary(head)):
        raise InputError(
            "looks like a binary file, not CSV or YAML text",
            file=name,
            line=head.count(b"\n", 0, nul) + 1 if nul >= 0 else None,
            hint="uxcli reads CSV and YAML text; pass --encoding if this is text in another encoding",
        )


def expand_paths(paths: list[str], problems: Problems | None = None, notes: Problems | None = None) -> list[Source]:
    """Turn command-line paths into sources; a directory means its data files.

    With ``problems`` a path that cannot be used is recorded there and the others
    are still returned (``validate`` keeps going); without, it is raised. In a directory, data-file
    names that are not regular files (a broken symlink, a FIFO, a socket) are skipped with a note in
    ``notes`` naming them: a FIFO could block the read forever.
    """
    if not paths:
        raise InputError("no input given: name one or more files, a directory, or - for stdin")
    sources: list[Source] = []
    for raw in paths:
        try:
            sources.extend(_expand(raw, notes))
        except InputError as exc:
            if problems is None:
                raise
            problems.add(exc.problem)
    return sources


def _expand(raw: str, notes: Problems | None = None) -> list[Source]:
    if raw == "-":
        return [Source(STDIN_NAME)]
    path = Path(raw)
    if path.is_dir():
        named = sorted(
            p for p in path.iterdir() if p.suffix.lower() in DIRECTORY_SUFFIXES and not p.name.startswith((".", "~$"))
        )  # hidden files, Office lock files
        found = [p for p in named if p.is_file()]
        for skipped in (p for p in named if not p.is_file() and not p.is_dir()):
            if notes is not None:
                notes.note(f"skipped: {_kind(skipped)}, not a regular file", file=str(skipped))
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


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a broken symbolic link" if path.is_symlink() else "unreadable"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def to_utf8(source: Source, encoding: str | None, problems: Problems) -> bytes:
    """The source's bytes as UTF-8 without a BOM, whatever it was written in; refused if any NUL byte
    is left (no text holds one); lone carriage returns (classic Mac OS line ends) read as line breaks,
    with a note."""
    data = _decoded(source, encoding, problems)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            "has a NUL byte, which no CSV or YAML text holds",
            file=source.name,
            line=data.count(b"\n", 0, nul) + 1,
            hint="the file is damaged or not text; export it again",
        )
    crs = data.count(b"\r")
    if crs and crs != data.count(b"\r\n"):
        problems.note(
            "has line ends that are a lone carriage return (classic Mac OS); they are read as line breaks",
            file=source.name,
        )
        data = re.sub(rb"\r(?!\n)", b"\n", data)
    return data


def _decoded(source: Source, encoding: str | None, problems: Problems) -> bytes:
    data = source.read_bytes(encoding)
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
    if data.startswith(codecs.BOM_UTF8):  # the BOM says UTF-8: a bad byte is an error, not another encoding
        try:
            data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte {exc.start + 3})",
                file=source.name,
                line=data.count(b"\n", 0, exc.start + 3) + 1,
                value=repr(data[exc.start + 3 : exc.start + 4])[1:],
                hint="the file may be damaged; pass --encoding if you know what it was written in",
            ) from None
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
    The temporary file is ``.NAME.PID.RANDOM.tmp``: one left by a process that was killed (kill -9,
    a power cut) is removed on the next write to the same output (clean_stale_temps). Any OSError
    (a full disk, a size limit, a read-only file system) is an OutputError naming the path.
    """
    directory = path.parent if str(path.parent) else Path(".")
    clean_stale_temps(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise output_error(exc, path) from None
    try:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; an output file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise output_error(exc, path) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def output_error(exc: OSError, path: Path | None) -> OutputError:
    """An OSError while writing as one plain line: "cannot write out.csv: read-only file system"."""
    reason = (exc.strerror or str(exc)).lower()
    return OutputError(f"cannot write {path if path is not None else 'output'}: {reason}")


def clean_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files a killed writer left beside ``path``: those whose process (the PID in
    the name) is gone, and any older than STALE_TEMP_SECONDS. Returns what was removed."""
    directory = path.parent if str(path.parent) else Path(".")
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        candidates = [p for p in directory.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:
        return removed
    now = time.time()
    for temp in candidates:
        pid = temp.name[len(prefix) :].split(".", 1)[0]
        try:
            old = now - temp.lstat().st_mtime > STALE_TEMP_SECONDS
            if old or (pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid))):
                temp.unlink()
                removed.append(temp)
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process (or not a PID): keep its file
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
