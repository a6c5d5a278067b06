"""Scanned images as A4 PDF pages: one page per image, one per frame of a multi-page TIFF.

Each page holds one image XObject. A JPEG goes in as it is (no decoding, no second lossy pass),
turned upright by the page's matrix when the camera recorded an orientation; black-and-white
frames (what most document scanners deliver as TIFF) are stored losslessly as 1-bit Flate; other
frames are encoded as JPEG. An image sits at its true size when the scanner recorded a believable
resolution and it fits the sheet, otherwise it is scaled to fit the margins.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence
from pypdf import PageObject, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_MARGIN = 10 * mm
"""White border kept around a placed image; the bottom one also leaves room for the page stamp."""

JPEG_QUALITY = 90

_KEEP_MODES = {"1", "L", "RGB", "CMYK"}
_COLOR_SPACES = {"1": "/DeviceGray", "L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}
_SANE_DPI = (100, 1200)
_ORIENTATION_TAG = 0x0112
_ROTATIONS = {1: 0, 3: 180, 6: -90, 8: 90}
"""EXIF orientations a page can turn upright (degrees, counter-clockwise); mirrored ones are rare."""


def image_pages(path: Path) -> list[PageObject]:
    """The pages of an image file (JPEG, PNG, TIFF), each on an A4 sheet, ready for ``PdfWriter.add_page``."""
    with Image.open(path) as image:
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
        if image.format == "JPEG" and image.mode in _KEEP_MODES - {"1"} and orientation in _ROTATIONS:
            return [_jpeg_page(Path(path).read_bytes(), image, _ROTATIONS[orientation])]
        return [_frame_page(frame, orientation) for frame in ImageSequence.Iterator(image)]


def _jpeg_page(data: bytes, image: Image.Image, angle: int) -> PageObject:
    decode = [1, 0] * 4 if image.mode == "CMYK" and "adobe" in image.info else None
    xobject = _xobject(data, "/DCTDecode", image.size, image.mode, decode)
    return _sheet(xobject, image.size, _dpi(image), angle)


def _frame_page(frame: Image.Image, orientation: int) -> PageObject:
    # exif_transpose copies the pixels even when nothing turns; a full-page scan is megabytes.
    flat = _pdf_ready(ImageOps.exif_transpose(frame) if orientation != 1 else frame)
    if flat.mode == "1":
        # Pillow packs "1" rows MSB first with 1 = white, exactly PDF's 1-bit DeviceGray.
        xobject = _xobject(zlib.compress(flat.tobytes(), 6), "/FlateDecode", flat.size, "1")
    else:
        buffer = io.BytesIO()
        flat.save(buffer, "JPEG", quality=JPEG_QUALITY)
        decode = [1, 0] * 4 if flat.mode == "CMYK" else None
        xobject = _xobject(buffer.getvalue(), "/DCTDecode", flat.size, flat.mode, decode)
    return _sheet(xobject, flat.size, _dpi(frame), 0)


def _xobject(
    data: bytes, filter_name: str, size: tuple[int, int], mode: str, decode: list[int] | None = None
) -> StreamObject:
    # A plain StreamObject keeps the bytes as given; they are already in the /Filter's encoding.
    stream = StreamObject()
    stream.set_data(data)
    entries = {
        "/Type": NameObject("/XObject"),
        "/Subtype": NameObject("/Image"),
        "/Width": NumberObject(size[0]),
        "/Height": NumberObject(size[1]),
        "/ColorSpace": NameObject(_COLOR_SPACES[mode]),
        "/BitsPerComponent": NumberObject(1 if mode == "1" else 8),
        "/Filter": NameObject(filter_name),
    }
    if decode:
        entries["/Decode"] = ArrayObject(NumberObject(v) for v in decode)
    stream.update({NameObject(k): v for k, v in entries.items()})
    return stream


def _sheet(xobject: StreamObject, size: tuple[int, int], dpi: float | None, angle: int) -> PageObject:
    """An A4 sheet showing ``xobject`` upright; landscape only when that shows the image larger."""
    width, height = size
    shown_w, shown_h = (height, width) if angle in (90, -90) else (width, height)
    portrait, landscape = A4, (A4[1], A4[0])
    scale = _scale(shown_w, shown_h, portrait, dpi)
    sheet_w, sheet_h = portrait
    if _scale(shown_w, shown_h, landscape, dpi) > scale:
        scale = _scale(shown_w, shown_h, landscape, dpi)
        sheet_w, sheet_h = landscape
    placed_h = shown_h * scale
    # Small scans (an ID card) sit at the top of the sheet, as they would on a photocopy.
    top = sheet_h - PAGE_MARGIN if placed_h < sheet_h / 2 else (sheet_h + placed_h) / 2
    centre_x, centre_y = sheet_w / 2, top - placed_h / 2
    matrix = (
        Transformation((width * scale, 0, 0, height * scale, -width * scale / 2, -height * scale / 2))
        .rotate(angle)
        .translate(centre_x, centre_y)
    )
    content = DecodedStreamObject()
    content.set_data(f"q {' '.join(f'{v:.4f}' for v in matrix.ctm)} cm /Im0 Do Q".encode())
    page = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): xobject})}
    )
    page[NameObject("/Contents")] = content
    return page


def _scale(width_px: int, height_px: int, sheet: tuple[float, float], dpi: float | None) -> float:
    """Points per pixel: the true size when known and fitting, else whatever fits the margins."""
    fit = min((sheet[0] - 2 * PAGE_MARGIN) / width_px, (sheet[1] - 2 * PAGE_MARGIN) / height_px)
    return min(fit, 72.0 / dpi) if dpi else fit


def _dpi(image: Image.Image) -> float | None:
    """The scanner's recorded resolution, when it is believable."""
    value = image.info.get("dpi")
    try:
        dpi = float(value[0]) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if dpi is None or not _SANE_DPI[0] <= dpi <= _SANE_DPI[1]:
        return None
    return dpi


def _pdf_ready(image: Image.Image) -> Image.Image:
    """The image in a mode a PDF image holds directly; transparency goes onto white."""
    if image.mode in _KEEP_MODES:
        return image
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith(("I", "F")):
        return image.convert("L")
    return image.convert("RGB")
