"""One rule for showing outside text: nothing reaches the terminal as control bytes or markup."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from counterdesk.documents.inbox import InboxEntry
from counterdesk.domain.text import shown
from counterdesk.tui.widgets.inboxline import inbox_line

CLIPBOARD = "x\x1b]52;c;cm0gLXJmIH4K\x1b\\.png"
CSI = "申请表\x1b[2J\x1b[H.pdf"
BIDI = "invoice\u202eFDP.exe"
ZERO_WIDTH = "户口\u200b簿\u2060.pdf"


def rendered(value) -> str:
    """What Rich writes to a terminal for ``value`` (markup read, as a table cell would)."""
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system=None, width=200).print(value)
    return out.getvalue()


def test_an_osc52_clipboard_name_is_shown_as_visible_escapes() -> None:
    assert shown(CLIPBOARD) == "x\\u001b]52;c;cm0gLXJmIH4K\\u001b\\.png"
    assert "\x1b" not in rendered(shown(CLIPBOARD))


def test_screen_clearing_csi_bidi_override_and_zero_width_characters_are_made_visible() -> None:
    assert shown(CSI, markup=False) == "申请表\\u001b[2J\\u001b[H.pdf"
    assert shown(BIDI) == "invoice\\u202eFDP.exe"
    assert shown(ZERO_WIDTH) == "户口\\u200b簿\\u2060.pdf"
    assert shown("a\x9b31mb\x7f") == "a\\u009b31mb\\u007f"


def test_markup_in_a_staff_name_is_printed_as_typed() -> None:
    assert rendered(shown("[bold]王科长[/bold]")).strip() == "[bold]王科长[/bold]"
    assert rendered(shown("[link=file:///etc]点我[/link]\\")).strip() == "[link=file:///etc]点我[/link]\\"


def test_line_breaks_are_kept_only_where_asked() -> None:
    assert shown("第一行\n第二行") == "第一行\\u000a第二行"
    assert shown("第一行\n第二行", newlines=True) == "第一行\n第二行"


@given(st.text())
def test_no_character_that_a_terminal_acts_on_survives(text: str) -> None:
    for mode in (True, False):
        safe = shown(text, markup=mode)
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in safe)
        assert not any(ch in safe for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f")
    assert Text.from_markup(shown(text)).plain == shown(text, markup=False)


def test_the_inbox_list_shows_a_hostile_name_escaped() -> None:
    entry = InboxEntry(path=Path(CLIPBOARD), name=CLIPBOARD, size=10, modified=datetime(2026, 11, 24), info=None,
                       refusal=f"“{CLIPBOARD}”是空文件，请重新扫描。", refusal_code="file_empty")
    label = inbox_line(entry).plain
    assert "\x1b" not in label and "\\u001b]52" in label
