"""Shared text clean-up for the validators: what a form field or a batch cell may contain.

Citizens' numbers are often typed with a Chinese input method switched to full width, so the
number-like validators fold full-width ASCII (Ａ１２, U+FF01-FF5E) and the ideographic space
back to plain ASCII before they look at the shape.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import overload

from counterdesk.domain.errors import InvalidInput

_FULL_WIDTH_OFFSET = 0xFEE0
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63_", "-"))
"""Hyphens, en and em dashes, the minus sign and the underscore: what people type between groups."""
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def as_text(value: object, *, label: str, field: str | None) -> str:
    """``value`` as a stripped string: None becomes "", integers (batch cells) become digits.

    Anything else that is not a string is refused with InvalidInput, so a malformed batch row
    is reported instead of crashing the import.
    """
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{label}应为文字。", code="not_text", field=field)
    return value.strip()


REQUIRED_HEADING = "是否必填"
"""The heading of a column that says whether each item must be given (the portal's materials table)."""


def required_label(required: bool) -> str:
    """必填 or 选填: whether a material, a field or a reason must be given, as every screen and paper says it."""
    return "必填" if required else "选填"


def require(value: object, *, label: str, field: str | None) -> str:
    """Like ``as_text`` but refuses an empty result with code ``required``."""
    text = as_text(value, label=label, field=field)
    if not text:
        raise InvalidInput(f"请填写{label}。", code="required", field=field)
    return text


def fold_width(text: str) -> str:
    """Fold full-width ASCII forms and the ideographic space to their ASCII counterparts."""
    return "".join(
        " " if ch == "\u3000" else chr(ord(ch) - _FULL_WIDTH_OFFSET) if "\uff01" <= ch <= "\uff5e" else ch
        for ch in text
    )


def fold_separators(text: str) -> str:
    """``text`` with every dash-like separator (— – _ －) as ``-`` and all white space removed.

    Numbers are read out and typed in groups; the Chinese input method gives an em dash or a
    full-width hyphen for the ``-`` key, and some clerks use ``_``. None of that is a typo.
    """
    return "".join(fold_width(text).translate(_DASHES).split())


def is_control(ch: str) -> bool:
    """Whether ``ch`` is invisible trouble: a C0/C1 control, a lone surrogate or a bidi override.

    Bidi overrides are refused because they make stored text display differently from what it
    is (an address that reads one way on screen and another in the database).
    """
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_CONTROLS


_BIDI = "".join(sorted(_BIDI_CONTROLS))
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
"""``is_control`` as one character class (categories Cc and Cs are these fixed ranges): a batch row's
every field is checked, and a regex search is 20 times faster than asking per character."""


def has_control(text: str, *, allow_newline: bool = False) -> bool:
    """Whether ``text`` contains a control character (newline optionally allowed)."""
    return (_CONTROL_BUT_NEWLINE if allow_newline else _CONTROL).search(text) is not None


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character, rare ones (extensions A to H) and 〇 included.

    Rare characters matter: names written with them are exactly the ones other systems mangle.
    """
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x323AF
        or cp == 0x3007
    )


_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters that draw nothing (Hangul fillers, the blank Braille cell), beyond the format characters."""
_MARKUP_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
"""What Rich and Textual read as a markup tag (the pattern both use in their own ``escape``)."""


def shown(text: object, *, markup: bool = True, newlines: bool = False) -> str:
    """Outside text (file names, applicants' and staff's text) made safe to put on a terminal.

    The one rule for showing untrusted text: control characters (ESC, OSC, CSI, C1, DEL),
    bidi overrides, zero-width and other invisible characters are replaced by a visible
    ``\\u001b``-style escape, so nothing reaches the terminal as a command and nothing reads
    differently from what it is. With ``markup`` (the default, for Rich tables, ``console.print``
    and Textual cells given as strings) markup tags are escaped too; pass ``markup=False`` when the
    result goes into a ``rich.text.Text``, which never reads markup. ``newlines`` keeps line breaks
    of multi-line text (a remark).
    """
    value = "" if text is None else str(text)
    safe = "".join(
        ch if (newlines and ch == "\n") or not _hidden(ch) else f"\\u{ord(ch):04x}" for ch in value
    )
    if not markup:
        return safe
    return _MARKUP_TAG.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", safe)


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch in _INVISIBLE


SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list)."""


def spreadsheet_safe(cell: object) -> object:
    """A CSV cell that Excel, WPS and LibreOffice show as text, never run as a formula.

    A text cell starting with one of ``SPREADSHEET_TRIGGERS`` gets a leading single quote, as OWASP
    recommends; numbers and other cells are returned as they are. ``spreadsheet_restored`` undoes it
    when counterdesk reads its own export back.
    """
    if isinstance(cell, str) and cell.startswith(SPREADSHEET_TRIGGERS):
        return "'" + cell
    return cell


# A mapping is iterable too, which mypy calls an unsafe overlap; the implementation tests for a
# mapping first, as the overloads are ordered, so a mapping always gets the dict.
@overload
def spreadsheet_row(cells: Mapping[str, object]) -> dict[str, object]: ...  # type: ignore[overload-overlap]
@overload
def spreadsheet_row(cells: Iterable[object]) -> list[object]: ...
def spreadsheet_row(cells: Iterable[object] | Mapping[str, object]) -> list[object] | dict[str, object]:
    """A whole CSV row (a list for ``csv.writer``, a dict for ``csv.DictWriter``) through ``spreadsheet_safe``.

    Every CSV counterdesk writes (exports, the queue, the report, rejects files) goes through here.
    """
    if isinstance(cells, Mapping):
        return {key: spreadsheet_safe(value) for key, value in cells.items()}
    return [spreadsheet_safe(cell) for cell in cells]


def spreadsheet_restored(cell: str) -> str:
    """A cell read from CSV with the quote ``spreadsheet_safe`` added taken off again."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(SPREADSHEET_TRIGGERS):
        return cell[1:]
    return cell
