"""The PDFs the counter hands out: 明白卡, 收件凭证, 受理通知书, 不予受理通知书, 一次性告知单, 容缺受理承诺书,
the application packet, the daily report.

Every renderer takes a plain dataclass from ``models`` and returns the PDF as bytes. All text is
set in one embedded, subsetted TrueType font, so Chinese shows in any viewer and can be copied.
"""

from counterdesk.documents.pdf.acceptance import render_acceptance
from counterdesk.documents.pdf.card import render_card
from counterdesk.documents.pdf.commitment import render_commitment
from counterdesk.documents.pdf.notice import render_notice
from counterdesk.documents.pdf.packet import render_packet
from counterdesk.documents.pdf.receipt import render_receipt
from counterdesk.documents.pdf.refusal import render_refusal
from counterdesk.documents.pdf.report import render_report

__all__ = ["render_acceptance", "render_card", "render_commitment", "render_notice", "render_packet", "render_receipt",
           "render_refusal", "render_report"]
