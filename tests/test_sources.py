"""uxcli.sources: paths -> sources, and decoding every input to UTF-8."""

from __future__ import annotations

import codecs

import pytest

import uxcli
from uxcli.errors import InputError, Problems
from uxcli.sources import STDIN_NAME, Source, expand_paths, to_utf8

TEXT = "participant,task,outcome\nJosé,a,yes\nZoë,b,no\n"


def decode(data: bytes, encoding: str | None = None) -> tuple[bytes, Problems]:
    problems = Problems()
    return to_utf8(Source("x.csv", data=data), encoding, problems), problems


def test_utf8_passes_through():
    out, problems = decode(TEXT.encode("utf-8"))
    assert out == TEXT.encode("utf-8") and problems.items == []


def test_utf8_bom_removed():
    out, _ = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert out == TEXT.encode("utf-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding):
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    out, problems = decode(bom + TEXT.encode(encoding))
    assert out == TEXT.encode("utf-8") and problems.items == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    out, _ = decode(TEXT.encode(encoding))
    assert out == TEXT.encode("utf-8")


def test_latin1_fallback_warns_with_line():
    # 0x81 is undefined in Windows-1252, so this can only be read as Latin-1
    data = "participant,task,outcome\nP1,a,yes\n".encode("latin-1") + b"Jos\xe9\x81,b,no\n"
    out, problems = decode(data)
    assert out.decode("utf-8").endswith("José\x81,b,no\n")
    (warning,) = problems.warnings
    assert warning.line == 3 and "latin-1" in warning.message and warning.file == "x.csv"


def test_cp1252_fallback_warns():
    out, problems = decode("participant,task\n€uro,a\n".encode("cp1252"))
    assert out.decode("utf-8") == "participant,task\n€uro,a\n"
    (warning,) = problems.warnings
    assert warning.line == 2 and "cp1252" in warning.message


def test_explicit_encoding():
    out, problems = decode(TEXT.encode("cp1252"), "cp1252")
    assert out == TEXT.encode("utf-8") and problems.items == []


def test_explicit_wrong_encoding_is_an_input_error():
    with pytest.raises(InputError) as info:
        decode(b"\xff\xfe\xfa", "utf-8")
    assert info.value.problem.file == "x.csv"
    with pytest.raises(InputError):
        decode(b"abc", "no-such-codec")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U",  # an .xlsx is a zip file
    ],
)
def test_binary_garbage_is_an_input_error(data):
    with pytest.raises(InputError) as info:
        decode(data)
    assert info.value.problem.file == "x.csv"
    assert "not CSV or YAML text" in info.value.problem.message


def test_binary_garbage_through_load(tmp_path):
    path = tmp_path / "study.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    with pytest.raises(InputError) as info:
        uxcli.load([str(path)])
    assert info.value.problem.file == str(path)


def test_utf16_file_through_load(tmp_path):
    path = tmp_path / "excel_unicode.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "participant\ttask\toutcome\r\nP1\ta\tyes\r\n".encode("utf-16-le"))
    frame = uxcli.load([str(path)]).attempts
    assert frame["participant"].astype(str).tolist() == ["P1"]
    assert frame["outcome"].astype(str).tolist() == ["success"]


# --- paths -------------------------------------------------------------------------------------


def test_directory_expansion_sorted_and_filtered(tmp_path):
    for name in ("b.csv", "a.yaml", "C.yml", "d.CSV", "notes.txt", "e.tsv", ".hidden.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.csv").write_text("x", encoding="utf-8")
    names = [s.path.name for s in expand_paths([str(tmp_path)])]
    assert names == sorted(["b.csv", "a.yaml", "C.yml", "d.CSV"])


def test_paths_keep_command_line_order(tmp_path):
    one, two = tmp_path / "z.csv", tmp_path / "a.csv"
    for p in (one, two):
        p.write_text("x", encoding="utf-8")
    sources = expand_paths([str(one), "-", str(two)])
    assert [s.name for s in sources] == [str(one), STDIN_NAME, str(two)]
    assert sources[1].path is None


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(InputError) as info:
        expand_paths([str(tmp_path / "missing.csv")])
    assert info.value.problem.file == str(tmp_path / "missing.csv")
    with pytest.raises(InputError) as info:
        expand_paths([str(tmp_path)])
    assert info.value.problem.file == str(tmp_path)
    with pytest.raises(InputError):
        expand_paths([])


def test_source_suffix():
    assert Source("A.YAML", path=__import__("pathlib").Path("A.YAML")).suffix == ".yaml"
    assert Source(STDIN_NAME).suffix == ""
