"""The application packet (申请材料汇编): a cover page, then every attachment in material order.

The back office receives one PDF per application: the cover summarises it and says on which page
each material starts, every material has a bookmark, and every page is stamped "第 n / N 页"
with the application number, so a printed packet can be put back in order.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from counterdesk.documents.inbox import PDF
from counterdesk.documents.pdf.fonts import FONT, register_fonts
from counterdesk.documents.pdf.images import image_pages
from counterdesk.documents.pdf.layout import (
    CONTENT_WIDTH,
    RENDER_LOCK,
    build_pdf,
    grid_table,
    heading,
    para,
    stamp_time,
    title_block,
)
from counterdesk.documents.pdf.models import PacketData, PacketFile
from counterdesk.domain.errors import InvalidInput, NotFound

STAMP_Y = 6 * mm


@dataclass
class _Material:
    code: str
    name: str
    files: list[tuple[PacketFile, list[PageObject]]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(len(pages) for _, pages in self.files)


def render_packet(data: PacketData, files: list[PacketFile]) -> bytes:
    """The packet PDF: cover, attachments grouped by material (in the order given), bookmarks, page stamps."""
    materials = _group(files)
    cover_pages = 1
    while True:
        cover = PdfReader(io.BytesIO(_cover(data, materials, cover_pages)))
        if len(cover.pages) == cover_pages:
            break
        cover_pages = len(cover.pages)

    writer = PdfWriter()
    for page in cover.pages:
        writer.add_page(page)
    writer.add_outline_item(title="申请概要", page_number=0)
    for index, material in enumerate(materials, 1):
        starts = []
        for packet_file, pages in material.files:
            starts.append((packet_file, len(writer.pages)))
            for page in pages:
                added = writer.add_page(page)
                # A page turned by /Rotate would get its stamp sideways; turn its content instead.
                if added.rotation % 360:
                    added.transfer_rotation_to_content()
        if material.pages == 0:
            continue
        # Bookmarks point at pages already in the writer; a later index would be stored as a bare number.
        parent = writer.add_outline_item(title=f"{index}. {material.name}", page_number=starts[0][1])
        if len(starts) > 1:
            for number, (packet_file, start) in enumerate(starts, 1):
                label = packet_file.original_name or f"文件 {number}"
                writer.add_outline_item(title=label, page_number=start, parent=parent)

    _stamp(writer, data.application_number)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata(
        {"/Title": f"申请材料汇编 - {data.application_number}", "/Author": data.hall_name, "/Creator": "counterdesk"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _group(files: list[PacketFile]) -> list[_Material]:
    """Files grouped by material, materials in the order they first appear."""
    materials: dict[str, _Material] = {}
    for packet_file in files:
        material = materials.setdefault(
            packet_file.material_code, _Material(packet_file.material_code, packet_file.material_name)
        )
        material.files.append((packet_file, _load(packet_file)))
    return list(materials.values())


def _load(packet_file: PacketFile) -> list[PageObject]:
    name = packet_file.material_name
    path = Path(packet_file.path)
    if not path.is_file():
        raise NotFound(f"材料“{name}”的附件文件不在附件库中，无法生成申请材料汇编。", code="file_missing")
    try:
        if packet_file.media_type == PDF:
            reader = PdfReader(path)
            if reader.is_encrypted:
                raise InvalidInput(f"材料“{name}”的附件是加密的 PDF，无法汇编。", code="pdf_encrypted")
            pages = list(reader.pages)
            for page in pages:
                # Parse now, so damage is reported with the material's name, not midway through stamping.
                page.get_contents()
            return pages
        return image_pages(path)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any parser failure on a stored file means it is damaged
        raise InvalidInput(
            f"材料“{name}”的附件已损坏，无法汇编，请重新扫描上传。", code="file_damaged"
        ) from None


def _cover(data: PacketData, materials: list[_Material], cover_pages: int) -> bytes:
    w = CONTENT_WIDTH
    story = [*title_block("申请材料汇编", data.hall_name), heading("一、申请概要")]
    rows = [
        ["办件编号", data.application_number, "当前状态", data.status or "—"],
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "提交时间", stamp_time(data.submitted_at)],
        ["申请人", data.applicant_name, "证件号码", data.applicant_id],
        ["取件方式", data.pickup_method, "受理窗口", data.window],
        ["窗口人员", data.clerk, "汇编时间", stamp_time(data.generated_at)],
    ]
    story.append(
        grid_table(rows, [w * 0.14, w * 0.36, w * 0.14, w * 0.36], header=False, label_cols=(0, 2),
                   span_rows=(1,))
    )
    story.append(heading("二、材料目录"))
    if materials:
        table = [["序号", "材料名称", "文件数", "页数", "页码"]]
        next_page = cover_pages + 1
        for index, material in enumerate(materials, 1):
            first, last = next_page, next_page + material.pages - 1
            pages = f"{first}" if first == last else f"{first}–{last}"
            table.append([str(index), material.name, str(len(material.files)), str(material.pages), pages])
            next_page = last + 1
        story.append(
            grid_table(table, [w * 0.08, w * 0.56, w * 0.11, w * 0.10, w * 0.15], center_cols=(0, 2, 3, 4))
        )
    else:
        story.append(para("本申请没有附件。"))
    return build_pdf(
        story,
        title=f"申请材料汇编 - {data.application_number}",
        author=data.hall_name,
        footer=f"{data.hall_name} · 申请材料汇编",
        page_numbers=False,
    )


def _stamp(writer: PdfWriter, application_number: str) -> None:
    """Stamp "第 n / N 页" and the application number at the foot of every page, over a white band."""
    boxes = [page.cropbox for page in writer.pages]
    buffer = io.BytesIO()
    with RENDER_LOCK:
        _draw_stamps(Canvas(buffer, initialFontName=register_fonts()), boxes, application_number)
    stamps = PdfReader(buffer)
    for page, stamp, box in zip(writer.pages, stamps.pages, boxes, strict=True):
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))


def _draw_stamps(canvas: Canvas, boxes: list, application_number: str) -> None:
    total = len(boxes)
    for number, box in enumerate(boxes, 1):
        width = float(box.width)
        canvas.setPageSize((width, float(box.height)))
        text = f"{application_number}　第 {number} / {total} 页"
        text_width = canvas.stringWidth(text, FONT, 8.5)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect((width - text_width) / 2 - 4, STAMP_Y - 3, text_width + 8, 13, stroke=0, fill=1)
        canvas.setFillColorRGB(0.2, 0.2, 0.2)
        canvas.setFont(FONT, 8.5)
        canvas.drawCentredString(width / 2, STAMP_Y, text)
        canvas.showPage()
    canvas.save()
