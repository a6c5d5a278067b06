"""ISO 7064 MOD 11-2: the check character of resident ID numbers and application numbers.

The pure system with radix 2 detects every single-digit error and every transposition of two
adjacent digits, which is why GB 11643 chose it and why the application number reuses it: the
counter's commonest slips are a wrong key and two keys in the wrong order.
"""

from __future__ import annotations

CHECK_CHARS = "0123456789X"
"""The eleven possible check characters; 'X' stands for ten."""


def mod11_2_check_char(digits: str) -> str:
    """The MOD 11-2 check character ('0'-'9' or 'X') for a string of ASCII digits.

    Raises ValueError for anything but a non-empty run of 0-9: a programming error, since
    callers have checked the shape of the number before asking for its check character.
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"MOD 11-2 needs ASCII digits, got {digits!r}")
    remainder = 0
    for digit in digits:
        remainder = (remainder + int(digit)) * 2 % 11
    return CHECK_CHARS[(12 - remainder) % 11]


def mod11_2_is_valid(text: str) -> bool:
    """Whether ``text`` is digits followed by their correct check character (uppercase 'X')."""
    if len(text) < 2:
        return False
    body, check = text[:-1], text[-1]
    if not body.isascii() or not body.isdigit():
        return False
    return mod11_2_check_char(body) == check
