"""What the screens that make papers (收件凭证, 明白卡, 一次性告知单, 申请材料汇编) share."""

from __future__ import annotations

from textual.screen import Screen


def warn_of_blanks(screen: Screen, warning: str | None) -> None:
    """From a worker thread: when the paper prints some characters as blanks, say which, and keep it up a while.

    ``warning`` is the one a ``RenderedPdf`` carries; the paper was made all the same.
    """
    if warning:
        screen.app.call_from_thread(screen.notify, warning, title="PDF 缺字", severity="warning", timeout=20,
                                    markup=False)
