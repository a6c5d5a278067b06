"""The application packet (申请材料汇编): a cover page, then every attachment in material order.

The back office receives one PDF per application: the cover holds the application in full (the
applicant's and agent's details, the situation, pickup, remark, promised date, who compiled it) and
says on which page each material starts, every material has a bookmark, and every page is stamped
"第 n / N 页" with the application number, an attachment page also with the name of its material,
so a printed packet can be put back in order. An attachment's content is shrunk into the page above
the stamp's band (``BAND``): the stamp never covers what was scanned.

Only what a page draws is copied (its boxes, resources and contents): page actions (/AA),
annotations (links, JavaScript, /Launch, attached files), thumbnails and metadata stay behind, and
nothing of the source's document level (scripts, embedded files) is read at all. Content streams
are copied as they are, never decoded: a turned page and the stamp are drawn around the content,
so the packet is never more than ``SIZE_FACTOR`` times its attachments plus ``SIZE_ALLOWANCE``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table

from counterdesk.documents.inbox import PDF
from counterdesk.documents.pdf.fonts import FONT, draw_text, register_fonts, text_width
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
from counterdesk.documents.pdf.rendered import RenderedPdf, rendered
from counterdesk.domain.errors import InvalidInput, NotFound

STAMP_Y = 5 * mm
"""Baseline of a page's stamp line (number and page), clear of a printer's unprintable edge; an
attachment's material name is set above it."""
STAMP_SIZE = 8.5
BAND = 14 * mm
"""The strip at the foot of an attachment page that holds only the stamp: the page's content is shrunk
above it (by 5 % on A4), so no stamp ever covers a scan."""
SIZE_FACTOR = 3
"""A packet is at most this many times the size of its attachments (plus ``SIZE_ALLOWANCE``):
re-encoded PNG and TIFF pages may grow, nothing else is ever decompressed."""
SIZE_ALLOWANCE = 2 * 2**20
"""Room for the cover, the stamps and their font."""

_DRAWN = ("/MediaBox", "/CropBox", "/Rotate", "/Contents")
_RESOURCES = ("/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/Properties", "/ProcSet")
_STAMP = NameObject("/CdStamp")
_BROKEN = "申请材料汇编生成失败：附件的结构过于复杂，请重新扫描上传后再汇编。"


@dataclass
class _Material:
    code: str
    name: str
    files: list[tuple[PacketFile, list[PageObject]]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(len(pages) for _, pages in self.files)


def render_packet(data: PacketData, files: list[PacketFile]) -> RenderedPdf:
    """The packet PDF: cover, attachments grouped by material (in the order given), bookmarks, page stamps."""
    try:
        pdf = _render(data, files)
    except (InvalidInput, NotFound):
        raise
    except (RecursionError, MemoryError, Exception):  # noqa: BLE001 - a parser's failure becomes a sentence
        raise InvalidInput(_BROKEN, code="packet_failed") from None
    limit = SIZE_FACTOR * sum(_size(f) for f in files) + SIZE_ALLOWANCE
    if len(pdf) > limit:
        raise InvalidInput(f"申请材料汇编将达 {len(pdf) // 2**20} MB，超过附件总大小 {SIZE_FACTOR} 倍的上限，"
                           "请重新扫描（降低分辨率）后再汇编。", code="packet_too_large")
    # The cover prints the data and the material names; file names only become bookmarks (the viewer's font).
    return rendered(pdf, data, [f.material_name for f in files])


def _size(packet_file: PacketFile) -> int:
    try:
        return Path(packet_file.path).stat().st_size
    except OSError:
        return 0


def _render(data: PacketData, files: list[PacketFile]) -> bytes:
    materials = _group(files)
    cover_pages = 1
    while True:
        cover = PdfReader(io.BytesIO(_cover(data, materials, cover_pages)))
        if len(cover.pages) == cover_pages:
            break
        cover_pages = len(cover.pages)

    writer = PdfWriter()
    labels: list[str | None] = []
    """Per page: the material it belongs to (printed in its band), None for the cover."""
    for page in cover.pages:
        _add(writer, page, "封面", band=False)
        labels.append(None)
    writer.add_outline_item(title="申请概要", page_number=0)
    for index, material in enumerate(materials, 1):
        starts = []
        for number, (packet_file, pages) in enumerate(material.files, 1):
            starts.append((packet_file, len(writer.pages)))
            label = f"材料 {index}/{len(materials)}：{material.name}"
            if len(material.files) > 1:
                label += f"（文件 {number}/{len(material.files)}）"
            for page in pages:
                _add(writer, page, material.name, band=True)
                labels.append(label)
        if material.pages == 0:
            continue
        # Bookmarks point at pages already in the writer; a later index would be stored as a bare number.
        parent = writer.add_outline_item(title=f"{index}. {material.name}", page_number=starts[0][1])
        if len(starts) > 1:
            for number, (packet_file, start) in enumerate(starts, 1):
                label = packet_file.original_name or f"文件 {number}"
                writer.add_outline_item(title=label, page_number=start, parent=parent)

    _stamp(writer, data.application_number, labels)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata(
        {"/Title": f"申请材料汇编 - {data.application_number}", "/Author": data.hall_name, "/Creator": "counterdesk"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add(writer: PdfWriter, page: PageObject, name: str, *, band: bool) -> None:
    """Copy what ``page`` draws into the writer, turned upright, its content wrapped for the stamp.

    With ``band`` (an attachment) the content is also shrunk into the page above a band of ``BAND``
    at its foot and clipped to its own box, so the stamp printed in the band never covers any of it.
    """
    clean = PageObject()
    clean[NameObject("/Type")] = NameObject("/Page")
    for key in _DRAWN:
        if key in page:
            clean[NameObject(key)] = page.raw_get(key)
    resources = page.get("/Resources")
    kept = DictionaryObject()
    if resources is not None:
        resources = resources.get_object()
        kept.update({NameObject(key): resources.raw_get(key) for key in _RESOURCES if key in resources})
    clean[NameObject("/Resources")] = kept
    try:
        added = writer.add_page(clean)
    except (RecursionError, Exception):  # noqa: BLE001 - a structure pypdf cannot copy is the file's fault
        raise InvalidInput(f"材料“{name}”的附件结构过于复杂，无法汇编，请重新扫描上传。", code="file_damaged") from None
    rotation = int(added.get("/Rotate", 0) or 0) % 360
    turn = _turn_upright(added, rotation) if rotation else ""
    prefix = f"q\n{_into_band(added.cropbox) if band else ''}{turn}"
    contents = added.raw_get("/Contents") if "/Contents" in added else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [] if contents is None else [contents]
    added[NameObject("/Contents")] = ArrayObject([_stream(writer, prefix.encode()), *streams])


def _into_band(box: RectangleObject) -> str:
    """The operators that shrink a page's box into itself above the stamp's band, centred, and clip to it."""
    left, bottom, width, height = float(box.left), float(box.bottom), float(box.width), float(box.height)
    scale = max(height - BAND, 1) / height
    dx = left * (1 - scale) + width * (1 - scale) / 2
    dy = bottom * (1 - scale) + BAND
    return (f"{scale:.6f} 0 0 {scale:.6f} {dx:.4f} {dy:.4f} cm\n"
            f"{left:.4f} {bottom:.4f} {width:.4f} {height:.4f} re W n\n")


def _turn_upright(page: PageObject, rotation: int) -> str:
    """Move /Rotate into a matrix drawn around the content (the content itself is never decoded)."""
    box = RectangleObject(page.mediabox)
    turn = Transformation().translate(-float(box.left + box.width / 2), -float(box.bottom + box.height / 2))
    turn = turn.rotate(-rotation)
    corners = [turn.apply_on((float(box.left), float(box.bottom))), turn.apply_on((float(box.right), float(box.top)))]
    turn = turn.translate(-min(x for x, _ in corners), -min(y for _, y in corners))
    for key in ("/MediaBox", "/CropBox"):
        if key in page:
            rect = RectangleObject(cast(ArrayObject, page[key]))
            a = turn.apply_on((float(rect.left), float(rect.bottom)))
            b = turn.apply_on((float(rect.right), float(rect.top)))
            page[NameObject(key)] = RectangleObject((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
    del page[NameObject("/Rotate")]
    return f"{' '.join(f'{v:.6f}' for v in turn.ctm)} cm\n"


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


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
    columns = [w * 0.15, w * 0.35, w * 0.18, w * 0.32]
    story: list[Flowable] = [*title_block("申请材料汇编", data.hall_name), heading("一、申请概要")]
    story.append(_facts([
        ["办件编号", data.application_number, "当前状态", data.status or "—"],
        ["事项名称", data.matter_name, "", ""],
        ["办理地点", data.location, "提交时间", stamp_time(data.submitted_at)],
        ["承诺办结", promised_label(data), "受理窗口", data.window],
        ["窗口人员", data.clerk, "汇编时间", stamp_time(data.generated_at)],
        ["汇编人", data.compiled_by or "—", "", ""],
    ], columns))
    story.append(heading("二、申请人及经办人"))
    people = [["申请人", data.applicant_name, data.applicant_id_label, data.applicant_id]]
    if data.legal_representative:
        people.append(["法定代表人", data.legal_representative, "", ""])
    people += [["联系电话", data.phone or "—", "电子邮箱", data.email or "—"]]
    people += [[label, address, "", ""] for label, address in data.addresses if address]
    if data.agent is not None:
        name, id_number, phone = data.agent
        people += [["经办人", name, "经办人证件号码", id_number or "—"], ["经办人电话", phone or "—", "", ""]]
    else:
        people.append(["经办人", "无（申请人本人办理）", "", ""])
    story.append(_facts(people, columns))
    story.append(heading("三、办事情形、取件与备注"))
    rows = [[question, answer] for question, answer in data.situation] or [["办事情形", "无需选择"]]
    rows += [["取件方式", data.pickup_method or "—"], ["取件信息", data.pickup_detail or "—"],
             ["备注", data.remark or "无"]]
    story.append(grid_table(rows, [w * 0.42, w * 0.58], header=False, label_cols=(0,)))
    story.append(heading("四、材料目录"))
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
        footer=f"{data.hall_name} · 申请材料汇编 · {data.compiled_by or '—'} {stamp_time(data.generated_at)} 汇编",
        page_numbers=False,
    )


def _facts(rows: list[list[str]], columns: list[float]) -> Table:
    """Label, value, label, value; a row whose last two cells are empty runs its value across."""
    spans = [r for r, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    return grid_table(rows, columns, header=False, label_cols=(0, 2), span_rows=spans)


def promised_label(data: PacketData) -> str:
    """承诺办结 as the cover prints it: the date (with a note such as 计时暂停中), or the note alone."""
    if data.promised_date is None:
        return data.promise_note or "—"
    day = f"{data.promised_date.year}年{data.promised_date.month}月{data.promised_date.day}日"
    return f"{day}（{data.promise_note}）" if data.promise_note else day


def _stamp(writer: PdfWriter, application_number: str, labels: list[str | None]) -> None:
    """Stamp "第 n / N 页" and the application number at the foot of every page, and on an attachment
    page the material it belongs to, in the band its content was shrunk away from.

    Each stamp is a form drawn after the page's own content (closed with ``Q``), so the page's
    content is neither parsed nor re-encoded.
    """
    boxes = [page.cropbox for page in writer.pages]
    buffer = io.BytesIO()
    with RENDER_LOCK:
        canvas = Canvas(buffer, initialFontName=register_fonts())  # type: ignore[arg-type]  # a font name; stubs say a number
        _draw_stamps(canvas, boxes, application_number, labels)
    stamps = PdfReader(buffer)
    for page, stamp, box in zip(writer.pages, stamps.pages, boxes, strict=True):
        form = DecodedStreamObject()
        contents = stamp.get_contents()
        if contents is None:
            raise RuntimeError("a stamp page was drawn without contents")
        form.set_data(contents.get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject((0, 0, float(box.width), float(box.height))),
            NameObject("/Resources"): stamp["/Resources"].clone(writer),
        })
        resources = cast(DictionaryObject, page["/Resources"])  # a page's dictionary, resolved by pypdf
        xobjects = resources.get("/XObject")
        # A fresh dictionary per page: pages of one source may share theirs, and each stamp differs.
        own = DictionaryObject(xobjects.get_object().items() if xobjects is not None else ())
        own[_STAMP] = writer._add_object(form.flate_encode())
        resources[NameObject("/XObject")] = own
        matrix = f"1 0 0 1 {float(box.left):.4f} {float(box.bottom):.4f}"
        cast(ArrayObject, page["/Contents"]).append(_stream(writer, f"\nQ q {matrix} cm {_STAMP} Do Q\n".encode()))


def _draw_stamps(canvas: Canvas, boxes: list, application_number: str, labels: list[str | None]) -> None:
    total = len(boxes)
    for number, (box, label) in enumerate(zip(boxes, labels, strict=True), 1):
        width = float(box.width)
        canvas.setPageSize((width, float(box.height)))
        canvas.setFillColorRGB(0.2, 0.2, 0.2)
        canvas.setFont(FONT, STAMP_SIZE)
        canvas.drawCentredString(width / 2, STAMP_Y, f"{application_number}　第 {number} / {total} 页")
        if label is not None:
            # A long name is set smaller rather than cut: the page must say whose it is.
            size = min(STAMP_SIZE, STAMP_SIZE * (width - 24) / max(text_width(label, STAMP_SIZE), 1))
            draw_text(canvas, width / 2, STAMP_Y + STAMP_SIZE + 3, label, size, centred=True)
        canvas.showPage()
    canvas.save()
