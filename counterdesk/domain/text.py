"""Shared text clean-up for the validators: what a form field or a batch cell may contain.

Citizens' numbers are often typed with a Chinese input method switched to full width, so the
number-like validators fold full-width ASCII (Ａ１２, U+FF01-FF5E) and the ideographic space
back to plain ASCII before they look at the shape.
"""

from __future__ import annotations

import unicodedata

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


def has_control(text: str, *, allow_newline: bool = False) -> bool:
    """Whether ``text`` contains a control character (newline optionally allowed)."""
    return any(is_control(ch) and not (allow_newline and ch == "\n") for ch in text)


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
