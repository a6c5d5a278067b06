"""What the screens that make papers (收件凭证, 明白卡, 一次性告知单, 承诺书, 申请材料汇编) share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

if TYPE_CHECKING:
    from counterdesk.documents.pdf.models import CommitmentData
    from counterdesk.services.papers import Delivered
    from counterdesk.tui.base import CounterScreen


def warn_of_blanks(screen: Widget, warning: str | None) -> None:
    """When the paper prints some characters as blanks, say which, and keep it up a while.

    ``warning`` is the one a ``RenderedPdf`` carries; the paper was made all the same. Textual's
    ``notify`` is thread-safe, so this may be called from a worker as well as the UI thread.
    """
    if warning:
        screen.notify(warning, title="PDF 缺字", severity="warning", timeout=20, markup=False)


def print_commitment(screen: CounterScreen[Any], application_id: int) -> None:
    """Print the 容缺受理承诺书 / 告知承诺书 of a draft or an application (in a worker), saying what became of it."""
    from counterdesk.documents.pdf.commitment import render_commitment
    from counterdesk.services.papers import commitment_file_name, commitment_for, deliver

    def make() -> tuple[CommitmentData, Delivered]:
        with screen.ctx.session() as session:
            data = commitment_for(session, actor=screen.actor, catalog=screen.catalog, application_id=application_id)
        return data, deliver(screen.ctx.settings, render_commitment(data), commitment_file_name(data), print_it=True)

    def made(result: tuple[CommitmentData, Delivered]) -> None:
        data, delivered = result
        screen.notify(delivered.message + "\n请群众在承诺书上签字，窗口留存。", title=data.title, timeout=8, markup=False)
        warn_of_blanks(screen, delivered.warning)

    screen.notify("正在生成承诺书……", timeout=2, markup=False)
    screen.run_service(make, made, group="commitment-paper", exclusive=True)
