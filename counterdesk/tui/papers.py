"""What the screens that make papers (收件凭证, 明白卡, 一次性告知单, 申请材料汇编) share."""

from __future__ import annotations

from textual.widget import Widget


def warn_of_blanks(screen: Widget, warning: str | None) -> None:
    """When the paper prints some characters as blanks, say which, and keep it up a while.

    ``warning`` is the one a ``RenderedPdf`` carries; the paper was made all the same. Textual's
    ``notify`` is thread-safe, so this may be called from a worker as well as the UI thread.
    """
    if warning:
        screen.notify(warning, title="PDF 缺字", severity="warning", timeout=20, markup=False)
