"""Scannable codes on the documents: QR codes (the 明白卡's text, a paper's number) and Code 128 bar codes.

reportlab's QR widget re-encodes its data and builds thousands of shapes on every draw, which
alone costs more than the rest of a 明白卡. Here the module matrix is encoded, and its path
written, once per content (the same card is printed again and again), and drawn as one filled path.
"""

from __future__ import annotations

import functools
import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Flowable

QUIET_MODULES = 4
"""White border around a QR code, in modules, as the standard asks."""


@functools.lru_cache(maxsize=256)
def qr_runs(content: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of ``content`` (error correction M) as its size and dark runs (row, column, length)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    # Always bytes (UTF-8): left to itself the encoder tries Shift-JIS kanji mode on Chinese text.
    qr.addData(qrencoder.QR8bitByte(content))
    qr.make()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            length = len(list(group))
            if dark:
                runs.append((r, c, length))
            c += length
    return qr.getModuleCount(), tuple(runs)


class QrFlowable(Flowable):
    """A square QR code of a given side, quiet zone included."""

    def __init__(self, content: str, size: float) -> None:
        super().__init__()
        self.content = content
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The code's fixed size."""
        return self.width, self.height

    def draw(self) -> None:
        """Fill every dark run in one path, so viewers show no seams between modules."""
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(PDFPathObject(code=[qr_path(self.content, self.width)]), stroke=0, fill=1)


@functools.lru_cache(maxsize=256)
def qr_path(content: str, size: float) -> str:
    """The PDF path of ``content``'s dark runs in a square of ``size`` points, made once: a 明白卡's code
    of four hundred bytes is some 1,500 rectangles, and formatting them cost more than the rest of the card."""
    count, runs = qr_runs(content)
    box = size / (count + 2 * QUIET_MODULES)
    path = PDFPathObject()
    for r, c, length in runs:
        path.rect((c + QUIET_MODULES) * box, size - (r + QUIET_MODULES + 1) * box, length * box, box)
    return path.getCode()


def qr_code(content: str, size_mm: float = 26) -> QrFlowable:
    """A QR code flowable ``size_mm`` wide."""
    return QrFlowable(content, size_mm * mm)


def code128(value: str, *, height_mm: float = 12, bar_width: float = 0.9) -> Code128:
    """A Code 128 bar code of ``value`` (no human-readable line; the document prints it larger)."""
    return Code128(value, barHeight=height_mm * mm, barWidth=bar_width, humanReadable=False, quiet=True)
