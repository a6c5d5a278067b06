"""One scanner-inbox file as a line of a list: the materials screen's inbox and the 补交 picker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from counterdesk.domain.text import shown

if TYPE_CHECKING:
    from counterdesk.documents.inbox import InboxEntry


def inbox_line(entry: InboxEntry, *, new: bool = False) -> Text:
    """One inbox line: name, pages and size; a refused file dimmed with its reason; 新 if not yet seen."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if new:
        text.append("新 ", style="bold reverse")
    if entry.info is not None:  # accepted
        text.append(shown(entry.name, markup=False), style="bold")
        text.append(f"  {entry.info.pages} 页 · {file_size(entry.size)} · {entry.modified:%H:%M}", style="dim")
    else:
        text.append(shown(entry.name, markup=False), style="dim strike")
        text.append(f"  不能使用：{shown(entry.refusal, markup=False)}", style="dim")
    return text


def file_size(size: int) -> str:
    """A file size as people read it: 820 B, 14 KB, 2.3 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / 1024 / 1024:.1f} MB"
