"""A fast reader for the plain TOML the catalog is written in, with ``tomllib`` behind it.

``tomllib`` walks a document character by character in Python, about half a millisecond per
matter file, which makes a 10,000-matter catalog take seconds. The catalog only uses a small
part of TOML (bare keys, one-line strings, integers, booleans, arrays, inline tables, ``[table]``
and ``[[array]]`` headers), which regular expressions match in C, most statements in a single
match. Anything outside that part, any doubt, and every syntax error go to ``tomllib``, so the
result and the error messages are always exactly those of ``tomllib``; a test compares both.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

_COMMENT = r"#[^\x00-\x08\x0a-\x1f\x7f]*"
_GAP = re.compile(rf"(?:[ \t\n]+|\r\n|{_COMMENT})*")
_INLINE_GAP = re.compile(r"[ \t]*")
_LINE_END = re.compile(rf"[ \t]*(?:{_COMMENT})?(?:\r?\n|\Z)")
_HEADER = re.compile(r"(\[\[?)[ \t]*([A-Za-z0-9_-]+)[ \t]*(\]\]?)")
_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
_PLAIN = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*'
_BASIC = re.compile(rf'"({_PLAIN}(?:\\["\\nt]{_PLAIN})*)"')
_LITERAL = re.compile(r"'([^'\x00-\x08\x0a-\x1f\x7f]*)'")
_SCALAR = re.compile(r"(?:true|false|[+-]?(?:0|[1-9][0-9]*))(?=[ \t\r\n,\]}#]|\Z)")
_ESCAPES = {"\\n": "\n", "\\t": "\t", '\\"': '"', "\\\\": "\\"}
_UNESCAPE = re.compile(r'\\["\\nt]')

# The commonest statements, ``key = value`` up to the next statement, in one match each.
_PAIR = rf'[A-Za-z0-9_-]+[ \t]*=[ \t]*"{_PLAIN}"'
_TABLE = re.compile(rf"\{{[ \t]*{_PAIR}(?:[ \t]*,[ \t]*{_PAIR})*[ \t]*\}}")
_G = _GAP.pattern
_STRINGS = rf'(?:{_G}"{_PLAIN}"{_G},)*{_G}(?:"{_PLAIN}"{_G})?'
_TABLES = rf"(?:{_G}{_TABLE.pattern}{_G},)*{_G}(?:{_TABLE.pattern}{_G})?"
_STATEMENT = re.compile(
    rf'([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"({_PLAIN})"|\[({_STRINGS})\]|\[({_TABLES})\]|(true|false|[1-9][0-9]*|0))'
    rf"[ \t]*(?:{_COMMENT})?(?:\r?\n|\Z){_G}"
)
_STRING = re.compile(rf'"({_PLAIN})"')
_PAIRS = re.compile(rf'([A-Za-z0-9_-]+)[ \t]*=[ \t]*"({_PLAIN})"')


class _Unsupported(Exception):
    """The document leaves the simple subset: let ``tomllib`` read it."""


def loads(text: str) -> dict[str, Any]:
    """Parse a TOML document exactly as ``tomllib.loads`` does (and raise as it does)."""
    try:
        return _Reader(text).document()
    except _Unsupported:
        return tomllib.loads(text)


def _skip(gap: re.Pattern[str], text: str, pos: int) -> int:
    """Where the run of ``gap`` starting at ``pos`` ends (the pattern also matches nothing)."""
    found = gap.match(text, pos)
    assert found is not None  # every gap pattern matches the empty string
    return found.end()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def document(self) -> dict[str, Any]:
        text = self.text
        root: dict[str, Any] = {}
        table: dict[str, Any] = root
        arrays: set[str] = set()
        self.pos = _skip(_GAP, text, 0)
        while self.pos < len(text):
            if text[self.pos] == "[":
                table = self._header(root, arrays)
                continue
            statement = _STATEMENT.match(text, self.pos)
            if statement is not None:
                key, string, strings, tables, scalar = statement.groups()
                if scalar is not None:
                    value = scalar == "true" if scalar in ("true", "false") else int(scalar)
                else:
                    value = string if string is not None else _quick_array(strings, tables)
                if value is not None:
                    if key in table:
                        raise _Unsupported
                    table[key] = value
                    self.pos = statement.end()
                    continue
            key = _KEY.match(text, self.pos)
            if key is None or key.group(1) in table:
                raise _Unsupported
            self.pos = key.end()
            table[key.group(1)] = self._value()
            self._next_line()
        return root

    def _next_line(self) -> None:
        end = _LINE_END.match(self.text, self.pos)
        if end is None:
            raise _Unsupported
        self.pos = _skip(_GAP, self.text, end.end())

    def _header(self, root: dict, arrays: set[str]) -> dict:
        match = _HEADER.match(self.text, self.pos)
        if match is None or len(match.group(1)) != len(match.group(3)):
            raise _Unsupported
        name = match.group(2)
        self.pos = match.end()
        self._next_line()
        if match.group(1) == "[[":
            if name in root and name not in arrays:
                raise _Unsupported
            arrays.add(name)
            root.setdefault(name, []).append({})
            return root[name][-1]
        if name in root:
            raise _Unsupported
        root[name] = {}
        return root[name]

    def _value(self) -> Any:
        text, pos = self.text, self.pos
        char = text[pos : pos + 1]
        if char == '"':
            match = _BASIC.match(text, pos)
            if match is None or text.startswith('"""', pos):
                raise _Unsupported
            self.pos = match.end()
            value = match.group(1)
            return _UNESCAPE.sub(lambda m: _ESCAPES[m.group()], value) if "\\" in value else value
        if char == "'":
            match = _LITERAL.match(text, pos)
            if match is None or text.startswith("'''", pos):
                raise _Unsupported
            self.pos = match.end()
            return match.group(1)
        if char == "[":
            return self._array()
        if char == "{":
            return self._inline_table()
        match = _SCALAR.match(text, pos)
        if match is None:
            raise _Unsupported
        self.pos = match.end()
        word = match.group()
        return word == "true" if word in ("true", "false") else int(word)

    def _array(self) -> list:
        text = self.text
        items: list[Any] = []
        self.pos += 1
        while True:
            self.pos = _skip(_GAP, text, self.pos)
            if text.startswith("]", self.pos):
                self.pos += 1
                return items
            items.append(self._value())
            self.pos = _skip(_GAP, text, self.pos)
            if text.startswith(",", self.pos):
                self.pos += 1
            elif not text.startswith("]", self.pos):
                raise _Unsupported

    def _inline_table(self) -> dict:
        text = self.text
        table: dict[str, Any] = {}
        self.pos = _skip(_INLINE_GAP, text, self.pos + 1)
        if text.startswith("}", self.pos):
            self.pos += 1
            return table
        while True:
            key = _KEY.match(text, self.pos)
            if key is None or key.group(1) in table:
                raise _Unsupported
            self.pos = key.end()
            table[key.group(1)] = self._value()
            self.pos = _skip(_INLINE_GAP, text, self.pos)
            if text.startswith("}", self.pos):
                self.pos += 1
                return table
            if not text.startswith(",", self.pos):
                raise _Unsupported
            self.pos = _skip(_INLINE_GAP, text, self.pos + 1)


def _quick_array(strings: str | None, tables: str | None) -> list | None:
    """The array a statement match found, or None when it must be read the long way."""
    body = strings if strings is not None else tables
    # A comment inside the array could hold quotes or braces, so such arrays take the long way.
    if body is None or "#" in body:
        return None
    if strings is not None:
        return _STRING.findall(strings)
    found = []
    for table in _TABLE.finditer(body):
        pairs = _PAIRS.findall(table.group())
        value = dict(pairs)
        if len(value) != len(pairs):
            return None
        found.append(value)
    return found
