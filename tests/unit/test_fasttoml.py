"""The fast catalog reader must read every document exactly as tomllib does, or refuse as it does."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counterdesk.catalog import fasttoml, shipped_data_dir

SHIPPED = sorted(shipped_data_dir().rglob("*.toml"))
REFERENCE = (shipped_data_dir() / "matters" / "policy-jiuye-kunnan.toml").read_text("utf-8")


def same_as_tomllib(text: str) -> None:
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        with pytest.raises(tomllib.TOMLDecodeError) as refused:
            fasttoml.loads(text)
        assert str(refused.value) == str(error)
        return
    assert fasttoml.loads(text) == expected


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_file_is_read_by_the_fast_path_exactly_as_tomllib_reads_it(path: Path):
    text = path.read_text("utf-8")
    assert fasttoml._Reader(text).document() == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        'a = "x\\ty\\"z\\\\"\n',
        "a = 'literal \\n'\n",
        'a = """multi\nline"""\n',
        "a = 1.5\n",
        "a = 1_000\n",
        "a = 0x1F\n",
        "a = 2024-01-01\n",
        'a = "\\u4e2d"\n',
        "a.b = 1\n",
        '"quoted" = 1\n',
        "a = [1, [2, 3], { b = true }]\n",
        'a = [\n  "x", # a "quoted" comment\n  "y",\n]\n',
        'a = { b = "1", b = "2" }\n',
        'a = [{ b = "1", b = "2" }]\n',
        "a = 1\na = 2\n",
        "[[t]]\nx = 1\n[[t]]\nx = 2\n",
        "t = []\n[[t]]\n",
        "[t]\n[t]\n",
        "[t]]\n",
        "a = { b = 1, }\n",
        'a = ["x" "y"]\n',
        "a = \n",
        "a = 01\n",
        "a = +1\n",
        "a = -0\n",
        "a = true_\n",
        'a = "x"\r\nb = 2\r\n',
        'a = "x"\rb = 2\n',
        "a = 1 # tail\n# only a comment",
        '\ufeffa = "bom"\n',
        'a = "tab\tinside"\n',
        'a = "bell\x07"\n',
        "# comment with \x00 nul\n",
        "",
        "[[materials]]\ncode = \"M1\"\nprocess = [\"x\"]\n",
    ],
)
def test_tricky_documents_read_or_fail_as_with_tomllib(text):
    same_as_tomllib(text)


_pieces = st.sampled_from(
    [
        "a", "b", "key", "=", " = ", " ", "\t", "\n", "\r\n", "\r", "#", "# c\n", '"', "'", '"""', "\\", '\\"',
        "\\n", "\\u00e9", "[", "]", "[[", "]]", "{", "}", ",", ".", "1", "0", "-", "+", "_", "true", "false",
        "中文", "x", '"s"', "'l'", "[t]\n", "[[t]]\n", "\x00", "\x7f",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_pieces, max_size=30).map("".join))
def test_arbitrary_fragments_read_or_fail_as_with_tomllib(text):
    same_as_tomllib(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(REFERENCE) - 1), st.integers(0, 3), _pieces)
def test_damaged_reference_files_read_or_fail_as_with_tomllib(at, cut, piece):
    same_as_tomllib(REFERENCE[:at] + piece + REFERENCE[at + cut :])
