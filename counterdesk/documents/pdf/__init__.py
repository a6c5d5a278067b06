"""The PDFs the counter hands out: 明白卡, 收件凭证, 受理通知书, 不予受理通知书, 一次性告知单, 容缺受理承诺书,
the application packet, the daily report.

Every renderer takes a plain dataclass from ``models`` and returns the PDF as bytes. All text is
set in one embedded, subsetted TrueType font, so Chinese shows in any viewer and can be copied.

The renderers are imported when first named: a command that draws a receipt, or a service that only
fills ``models``, does not load pypdf for the packet or every other layout.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counterdesk.documents.pdf.acceptance import render_acceptance
    from counterdesk.documents.pdf.card import render_card
    from counterdesk.documents.pdf.commitment import render_commitment
    from counterdesk.documents.pdf.notice import render_notice
    from counterdesk.documents.pdf.packet import render_packet
    from counterdesk.documents.pdf.receipt import render_receipt
    from counterdesk.documents.pdf.refusal import render_refusal
    from counterdesk.documents.pdf.report import render_report

_MODULES = {"render_acceptance": "acceptance", "render_card": "card", "render_commitment": "commitment",
            "render_notice": "notice", "render_packet": "packet", "render_receipt": "receipt",
            "render_refusal": "refusal", "render_report": "report"}

__all__ = ["render_acceptance", "render_card", "render_commitment", "render_notice", "render_packet", "render_receipt",
           "render_refusal", "render_report"]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
