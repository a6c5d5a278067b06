"""What the screens that make papers (收件凭证, 明白卡, 一次性告知单, 承诺书, 申请材料汇编) share."""

from __future__ import annotations

from textual import work
from textual.screen import Screen
from textual.widget import Widget

from counterdesk.domain.errors import CounterdeskError


def warn_of_blanks(screen: Widget, warning: str | None) -> None:
    """When the paper prints some characters as blanks, say which, and keep it up a while.

    ``warning`` is the one a ``RenderedPdf`` carries; the paper was made all the same. Textual's
    ``notify`` is thread-safe, so this may be called from a worker as well as the UI thread.
    """
    if warning:
        screen.notify(warning, title="PDF 缺字", severity="warning", timeout=20, markup=False)


def print_commitment(screen: Screen, application_id: int) -> None:
    """Print the 容缺受理承诺书 / 告知承诺书 of a draft or an application (in a worker), saying what became of it."""
    screen.notify("正在生成承诺书……", timeout=2, markup=False)
    _print_commitment(screen, application_id)


@work(thread=True, exclusive=True, group="commitment-paper")
def _print_commitment(screen: Screen, application_id: int) -> None:
    from counterdesk.documents.pdf.commitment import render_commitment
    from counterdesk.services.papers import commitment_file_name, commitment_for, deliver

    ctx = screen.app.ctx
    try:
        with ctx.session() as session:
            data = commitment_for(session, actor=ctx.actor, catalog=ctx.catalog, application_id=application_id)
        delivered = deliver(ctx.settings, render_commitment(data), commitment_file_name(data), print_it=True)
    except CounterdeskError as error:
        screen.app.call_from_thread(screen.notify, error.message, severity="error", markup=False)
        return
    screen.app.call_from_thread(screen.notify, delivered.message + "\n请群众在承诺书上签字，窗口留存。",
                                title=data.title, timeout=8, markup=False)
    warn_of_blanks(screen, delivered.warning)
