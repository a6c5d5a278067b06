"""The PDFs the counter hands out: Chinese that any viewer shows (embedded font) and a machine can read."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from counterdesk.documents.pdf import (
    render_acceptance,
    render_card,
    render_commitment,
    render_notice,
    render_packet,
    render_receipt,
    render_refusal,
    render_report,
)
from counterdesk.documents.pdf.card import QR_BYTES, QR_CAPTION, card_qr_text, time_limit_label
from counterdesk.documents.pdf.fonts import FONT, register_fonts
from counterdesk.documents.pdf.models import (
    AcceptanceData,
    CardData,
    CardMaterial,
    CommitmentData,
    Issuer,
    NoticeData,
    NoticeItem,
    PacketData,
    PacketFile,
    Party,
    PromisedMaterial,
    ReceiptData,
    ReceiptMaterial,
    RefusalData,
    ReportData,
)
from counterdesk.documents.pdf.report import median_label
from counterdesk.domain.errors import InvalidInput, NotFound

HALL = "平江县政务服务中心"
NUMBER = "430626-20261124-00017-3"
MATTER = "我要申请认定为就业困难人员"

CARD = CardData(
    hall_name=HALL, matter_name=MATTER, matter_code="ZC-JYKN-001", audience_label="政策兑现",
    county_name="平江县", county_code="430626", place_name="岳阳市平江县",
    situation=[("申请人属于以下哪类人员？", "城镇零就业家庭成员"), ("是否已开立邮政储蓄银行活期存折？", "已开立")],
    materials=[
        CardMaterial("湖南省就业困难人员灵活就业社会保险补贴对象申报表", "original", 1, True, "申请人本人签字。"),
        CardMaterial("身份证、户口簿", "copy", 1, True, "复印在同一张 A4 纸上。"),
        CardMaterial("失业登记证", "copy", 2, False, "《就业创业证》<A&B>"),
    ],
    process=["申请：向窗口提出申请并提交材料。", "受理：材料齐全的当场受理。"],
    conditions=["处于法定劳动年龄内，有劳动能力和就业愿望。"],
    time_limit_days=15, fee="不收费", phone="12333", generated_at=datetime(2026, 11, 24, 10, 30),
)
ISSUER = Issuer(body=HALL, seal="业务专用章", window="跨域通办 3 号窗口", clerk="李晓红")
PERSON = Party(name="张*三", id_label="证件号码", id_number="430626********1234")
ENTERPRISE = Party(name="湖南潇湘长河医药连锁有限公司", id_label="统一社会信用代码", id_number="91430626MA4L12345X",
                   legal_representative="欧阳建国", agent_name="李*")
RECEIPT = ReceiptData(
    issuer=ISSUER, application_number=NUMBER, matter_name=MATTER, location="湖南省岳阳市平江县",
    party=PERSON, received_at=datetime(2026, 11, 24, 10, 42),
    pickup_method="快递寄送", pickup_detail="张*三 138****5678 平江县天岳大道 88 号",
    materials=[ReceiptMaterial("身份证、户口簿", 2, "电子证照", "copy", 1),
               ReceiptMaterial("申报表", 1, "", "original", 2)], phone="12333",
)
ACCEPTANCE = AcceptanceData(
    issuer=replace(ISSUER, seal="受理专用章"), application_number=NUMBER, matter_name=MATTER,
    location="湖南省岳阳市平江县", party=PERSON, received_at=datetime(2026, 11, 24, 10, 42),
    accepted_at=datetime(2026, 11, 25, 9, 5), promised_date=date(2026, 12, 16), time_limit_days=15, phone="12333",
    generated_at=datetime(2026, 11, 25, 9, 6),
)
REFUSAL = RefusalData(
    issuer=replace(ISSUER, seal="受理专用章"), application_number=NUMBER, matter_name=MATTER,
    location="湖南省岳阳市平江县", party=PERSON, received_at=datetime(2026, 11, 24, 10, 42),
    refused_at=datetime(2026, 11, 25, 9, 5), reason="申请人不属于就业困难人员认定范围。",
    review_body="平江县人民政府", court="平江县人民法院", generated_at=datetime(2026, 11, 25, 9, 6),
)
NOTICE = NoticeData(
    hall_name=HALL, matter_name=MATTER, location="岳阳市平江县", applicant_name="张*三",
    items=[
        NoticeItem("与单位解除劳动关系的证明书", "copy", 1, True, "原用人单位出具。"),
        NoticeItem("当年缴纳养老保险的缴费凭证", "original", 1, True, "", reason="凭证年度不是当年。"),
    ],
    window="跨域通办 3 号窗口", clerk="李晓红", phone="12333", generated_at=datetime(2026, 11, 24, 10, 50),
    application_number=NUMBER, deadline=date(2026, 12, 24),
)
REPORT = ReportData(
    hall_name=HALL, day=date(2026, 11, 24), total=12,
    by_status=[("已受理", 7), ("补正", 3), ("办结", 2)], by_matter=[(MATTER, 12)],
    by_county=[("岳阳市平江县", 9), ("长沙市岳麓区", 3)], by_clerk=[("李晓红", 8), ("周建国", 4)],
    median_accept_minutes=47.5, generated_at=datetime(2026, 11, 24, 17, 30),
)
PACKET = PacketData(
    hall_name=HALL, application_number=NUMBER, matter_name=MATTER, location="湖南省岳阳市平江县",
    applicant_name="张三", applicant_id="430626199001011234", submitted_at=datetime(2026, 11, 24, 10, 42),
    pickup_method="现场取件", window="跨域通办 3 号窗口", clerk="李晓红", generated_at=datetime(2026, 11, 24, 11, 0),
)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_of(pdf: bytes) -> list:
    """Every font dictionary used by any page (or form on a page)."""
    found = []

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found.append(font.get_object())
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return found


def assert_every_font_embedded(pdf: bytes) -> None:
    fonts = fonts_of(pdf)
    assert fonts, "no fonts at all"
    for font in fonts:
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font.get("/BaseFont")


@pytest.fixture(scope="module")
def card_pdf() -> bytes:
    return render_card(CARD)


def test_card_shows_matter_situation_materials_and_how_to_proceed(card_pdf: bytes) -> None:
    text = text_of(card_pdf)
    for expected in (MATTER, "明白卡", "湖南省岳阳市平江县", "城镇零就业家庭成员", "身份证、户口簿", "复印件", "原件",
                     "选填", "必填", "15 个工作日", "不收费", "12333", "受理：材料齐全的当场受理。", "有劳动能力和就业愿望"):
        assert expected in text, expected


def test_card_prints_angle_brackets_and_ampersands_as_typed(card_pdf: bytes) -> None:
    assert "<A&B>" in text_of(card_pdf)


def test_card_font_is_embedded_so_any_viewer_shows_the_chinese(card_pdf: bytes) -> None:
    assert_every_font_embedded(card_pdf)
    assert all("/STSong" not in str(font.get("/BaseFont")) for font in fonts_of(card_pdf))


def test_card_is_a4_one_page_and_names_the_matter_and_place_as_subject(card_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(card_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4[0], 1), round(A4[1], 1))
    assert reader.metadata.subject == "ZC-JYKN-001 · 430626"


def test_card_qr_holds_plain_text_a_citizen_can_keep_and_the_card_says_so(card_pdf: bytes) -> None:
    from counterdesk.documents.pdf.card import _header
    from counterdesk.documents.pdf.codes import QrFlowable

    text = card_qr_text(CARD)
    assert text.splitlines()[:4] == [f"明白卡：{MATTER}", "地点：湖南省岳阳市平江县", "电话：12333", "时限：15 个工作日"]
    assert "1.湖南省就业困难人员灵活就业社会保险补贴对象申报表" in text and "3.失业登记证" in text
    assert text.endswith(HALL) and "counterdesk" not in text and "ZC-JYKN" not in text
    [qr] = [f for f in _header(CARD)._cellvalues[0][2] if isinstance(f, QrFlowable)]
    assert qr.content == text
    assert QR_CAPTION in text_of(card_pdf)


def test_a_long_material_list_is_counted_in_the_qr_rather_than_overflowing_it() -> None:
    many = replace(CARD, materials=[CardMaterial(f"第{n}项证明材料的完整名称（加盖公章）", "copy") for n in range(1, 21)])
    text = card_qr_text(many)
    assert len(text.encode()) <= QR_BYTES
    assert "1.第1项证明材料的完整名称（加盖公章）" in text and "……共20项，详见明白卡" in text
    assert "20.第20项" not in text


def test_card_without_situation_or_materials_says_so_instead_of_empty_tables() -> None:
    bare = CardData(**{**CARD.__dict__, "situation": [], "materials": [], "conditions": [], "process": [],
                       "time_limit_days": 0})
    text = text_of(render_card(bare))
    assert "无需选择办事情形" in text and "无需提交材料" in text and "即办" in text


def test_cards_rendered_from_several_threads_are_all_whole() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(lambda _: render_card(CARD), range(8)))
    assert all(MATTER in text_of(pdf) for pdf in pdfs)


def test_receipt_is_a_proof_of_receipt_without_a_promised_date() -> None:
    pdf = render_receipt(RECEIPT)
    text = text_of(pdf)
    for expected in ("收件凭证", NUMBER, "张*三", "430626********1234", "身份证、户口簿", "电子证照", "扫描件",
                     "原件", "复印件", "份数", "合计", "快递寄送", "不表示已经受理", "跨域通办 3 号窗口", "李晓红",
                     "业务专用章", "申请人（签字/盖章）", "扫码即得办件编号", HALL):
        assert expected in text, expected
    assert "受理回执" not in text and "2026年12月" not in text
    assert_every_font_embedded(pdf)


def test_an_enterprise_is_printed_in_full_with_its_credit_code_and_legal_representative() -> None:
    text = text_of(render_receipt(replace(RECEIPT, party=ENTERPRISE)))
    for expected in ("湖南潇湘长河医药连锁有限公司", "统一社会信用代码", "91430626MA4L12345X", "法定代表人", "欧阳建国",
                     "经办人", "李*"):
        assert expected in text, expected


def test_acceptance_notice_promises_the_date_and_a_same_day_matter_says_so() -> None:
    pdf = render_acceptance(ACCEPTANCE)
    text = text_of(pdf)
    for expected in ("受理通知书", "决定予以受理", "2026年12月16日", "15 个工作日", "受理专用章", NUMBER, "李晓红"):
        assert expected in text, expected
    assert_every_font_embedded(pdf)
    same_day = text_of(render_acceptance(replace(ACCEPTANCE, promised_date=None, time_limit_days=0)))
    assert "即办" in same_day and "2026年12月16日" not in same_day


def test_a_promise_running_into_a_year_without_its_holiday_notice_says_so() -> None:
    text = text_of(render_acceptance(replace(ACCEPTANCE, holidays_counted=False)))
    assert "未计节假日" in text


def test_refusal_notice_gives_the_reason_and_both_remedies() -> None:
    pdf = render_refusal(REFUSAL)
    text = text_of(pdf)
    for expected in ("不予受理通知书", "申请人不属于就业困难人员认定范围。", "60 日内向平江县人民政府申请行政复议",
                     "6 个月内向平江县人民法院提起行政诉讼", "受理专用章", NUMBER):
        assert expected in text, expected
    assert_every_font_embedded(pdf)


def test_notice_lists_every_missing_or_failed_material_with_what_is_required() -> None:
    pdf = render_notice(NOTICE)
    text = text_of(pdf)
    for expected in ("一次性告知单", "与单位解除劳动关系的证明书", "原用人单位出具。", "缺少", "当年缴纳养老保险的缴费凭证",
                     "预审未通过", "凭证年度不是当年。", "2 项", "2026年12月24日", NUMBER):
        assert expected in text, expected
    assert_every_font_embedded(pdf)


def test_a_numbered_request_prints_its_reason_and_number_and_nothing_missing_says_so_once() -> None:
    text = text_of(render_notice(replace(NOTICE, notice_seq=2, reason="缴费凭证年度不对。")))
    assert "第 2 次补正告知" in text and "补正原因：缴费凭证年度不对。" in text
    complete = text_of(render_notice(replace(NOTICE, items=[])))
    assert "材料已齐全" in complete and "0 项" not in complete


COMMITMENT = CommitmentData(
    issuer=ISSUER, application_number=NUMBER, matter_name=MATTER, location="湖南省岳阳市平江县", party=PERSON,
    tolerated=[PromisedMaterial("邮政储蓄银行活期存折", "copy", 1, date(2026, 12, 16), 10)],
    committed=[PromisedMaterial("城镇零就业家庭证明", "original", 1)],
    received_at=datetime(2026, 12, 2, 9, 30), phone="12333", generated_at=datetime(2026, 12, 2, 9, 31))


def test_commitment_lists_what_follows_by_when_and_what_a_commitment_replaces() -> None:
    pdf = render_commitment(COMMITMENT)
    text = text_of(pdf).replace("\n", "").replace(" 个", "个").replace("起 ", "起")
    for expected in ("容缺受理及告知承诺书", NUMBER, "张*三", "邮政储蓄银行活期存折", "2026年12月16日前",
                     "收件之日起10个工作日", "城镇零就业家庭证明", "同意有关部门核查", "逾期未补交",
                     "经核查不属实", "申请人（签字/盖章）", "业务专用章", "扫码即得办件编号", "12333"):
        assert expected in text, expected
    assert_every_font_embedded(pdf)
    only_tolerated = text_of(render_commitment(replace(COMMITMENT, committed=[])))
    assert "容缺受理承诺书" in only_tolerated and "告知承诺" not in only_tolerated.replace("容缺受理承诺书", "")


def test_a_drafts_commitment_has_no_number_yet_and_counts_from_today() -> None:
    text = text_of(render_commitment(replace(COMMITMENT, application_number="", received_at=None, committed=[])))
    assert "提交后生成" in text and "按今日收件计" in text and "扫码即得办件编号" not in text


def test_daily_report_shows_counts_median_and_chart_labels() -> None:
    pdf = render_report(REPORT)
    text = text_of(pdf)
    for expected in ("每日办件统计报表", "2026年11月24日", "12 件", "48 分钟", "岳阳市平江县", "周建国", "58.3%"):
        assert expected in text, expected
    assert text.count("补正") >= 2  # the chart's axis label and the table row
    assert_every_font_embedded(pdf)


def test_the_status_table_keeps_the_workflows_order_like_the_chart_beside_it() -> None:
    statuses = [("已受理", 1), ("补正中", 5), ("不予受理", 3)]  # the workflow's order, not the counts'
    text = text_of(render_report(replace(REPORT, by_status=statuses, total=9)))
    chart, table = text.split("占比", 1)
    for part in (chart, table):
        positions = [part.index(label) for label, _ in statuses]
        assert positions == sorted(positions), part


def test_daily_report_ends_with_dated_signature_lines_for_who_made_and_who_checked_it() -> None:
    noted = replace(REPORT, notes=["按当日提交的办件统计。"])
    last = PdfReader(io.BytesIO(render_report(noted))).pages[-1].extract_text()
    tail = last[last.index("说明"):]
    assert "制表人" in tail and "审核人" in tail and tail.count("日期") == 2


def test_daily_report_of_a_quiet_day_renders_without_figures() -> None:
    quiet = ReportData(hall_name=HALL, day=date(2026, 11, 25), total=0, by_status=[], by_matter=[], by_county=[],
                       by_clerk=[], median_accept_minutes=None, generated_at=datetime(2026, 11, 25, 17, 0))
    text = text_of(render_report(quiet))
    assert "当日无办件" in text and "当日无受理" in text


@pytest.mark.parametrize(
    ("minutes", "label"),
    [(None, "—（当日无受理）"), (0.4, "0 分钟"), (47.5, "48 分钟"), (60, "1 小时"), (125, "2 小时 5 分"),
     (1440, "1 天"), (1500, "1 天 1 小时")],
)
def test_median_time_reads_in_minutes_hours_and_days(minutes: float | None, label: str) -> None:
    assert median_label(minutes) == label


@pytest.mark.parametrize(("days", "label"), [(0, "即办（当场办结）"), (15, "15 个工作日")])
def test_time_limit_reads_as_promised(days: int, label: str) -> None:
    assert time_limit_label(days) == label


def _pdf_file(path: Path, title: str, pages: int, *, rotate: int = 0) -> Path:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT)
    for n in range(pages):
        canvas.setFont(FONT, 20)
        canvas.drawString(72, 720, f"{title}第{n + 1}页")
        canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    for page in writer.pages:
        if rotate:
            page.rotate(rotate)
    writer.write(path)
    return path


@pytest.fixture(scope="module")
def attachments(tmp_path_factory: pytest.TempPathFactory) -> list[PacketFile]:
    folder = tmp_path_factory.mktemp("store")
    photo = Image.new("RGB", (800, 600), "white")
    ImageDraw.Draw(photo).rectangle([0, 0, 799, 80], fill="black")
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: shown turned a quarter clockwise
    photo.save(folder / "photo", "JPEG", exif=exif)
    Image.new("RGBA", (600, 850), (255, 0, 0, 128)).save(folder / "png", "PNG", dpi=(150, 150))
    frames = [Image.new("1", (1240, 1754), 1) for _ in range(3)]
    frames[0].save(folder / "tiff", "TIFF", save_all=True, append_images=frames[1:], compression="group4",
                   dpi=(150, 150))
    return [
        PacketFile("M01", "申报表", _pdf_file(folder / "form", "申报表", 2), "application/pdf", "申报表.pdf"),
        PacketFile("M03", "身份证、户口簿", folder / "tiff", "image/tiff", "户口簿.tif"),
        PacketFile("M03", "身份证、户口簿", folder / "photo", "image/jpeg", "身份证.jpg"),
        PacketFile("M05", "存折", folder / "png", "image/png", "存折.png"),
        PacketFile("M06", "失业登记证", _pdf_file(folder / "turned", "失业登记证", 1, rotate=90), "application/pdf"),
    ]


@pytest.fixture(scope="module")
def packet(attachments: list[PacketFile]) -> PdfReader:
    return PdfReader(io.BytesIO(render_packet(PACKET, attachments)))


def test_packet_has_a_cover_then_every_attachment_page_in_material_order(packet: PdfReader) -> None:
    assert len(packet.pages) == 1 + 2 + 3 + 1 + 1 + 1
    assert "申请材料汇编" in packet.pages[0].extract_text()
    assert "申报表第1页" in packet.pages[1].extract_text()
    assert "失业登记证第1页" in packet.pages[-1].extract_text()


def test_packet_cover_says_where_each_material_starts(packet: PdfReader) -> None:
    cover = packet.pages[0].extract_text()
    for expected in (NUMBER, "张三", "2–3", "4–7", "8", "9"):
        assert expected in cover, expected


def test_every_packet_page_is_stamped_with_its_number_and_the_application(packet: PdfReader) -> None:
    total = len(packet.pages)
    for n, page in enumerate(packet.pages, 1):
        text = page.extract_text()
        assert f"第 {n} / {total} 页" in text and NUMBER in text


def test_packet_has_a_bookmark_per_material_and_per_file_when_several(packet: PdfReader) -> None:
    outline = packet.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["申请概要", "1. 申报表", "2. 身份证、户口簿", "3. 存折", "4. 失业登记证"]
    nested = next(item for item in outline if isinstance(item, list))
    assert [item.title for item in nested] == ["户口簿.tif", "身份证.jpg"]
    assert packet.get_destination_page_number(outline[2]) == 3


def test_scanned_images_become_a4_pages_upright(packet: PdfReader) -> None:
    tiff_page, photo_page, png_page = packet.pages[3], packet.pages[6], packet.pages[7]
    for page in (tiff_page, photo_page, png_page):
        assert sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height)))) == [595, 842]
    assert float(photo_page.mediabox.height) > float(photo_page.mediabox.width)


def test_turned_pdf_page_keeps_its_look_but_gets_an_upright_stamp(packet: PdfReader) -> None:
    page = packet.pages[-1]
    assert page.rotation == 0
    assert float(page.mediabox.width) > float(page.mediabox.height)


def test_packet_fonts_are_all_embedded(attachments: list[PacketFile]) -> None:
    assert_every_font_embedded(render_packet(PACKET, attachments))


def test_packet_refuses_when_a_stored_file_is_missing(tmp_path: Path) -> None:
    gone = PacketFile("M01", "申报表", tmp_path / "gone", "application/pdf")
    with pytest.raises(NotFound) as caught:
        render_packet(PACKET, [gone])
    assert caught.value.code == "file_missing" and "申报表" in caught.value.message


def test_packet_refuses_a_damaged_stored_file(tmp_path: Path) -> None:
    (tmp_path / "bad").write_bytes(b"%PDF-1.4 nothing else")
    with pytest.raises(InvalidInput) as caught:
        render_packet(PACKET, [PacketFile("M01", "申报表", tmp_path / "bad", "application/pdf")])
    assert caught.value.code == "file_damaged"


def _text_positions(page) -> list[tuple[str, float]]:
    """Each piece of text on a page with the height of its baseline on the page, stamps included."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_the_stamp_sits_in_a_band_below_the_scan_and_never_covers_it(tmp_path: Path) -> None:
    from counterdesk.documents.pdf.packet import BAND

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT)
    canvas.setFont(FONT, 12)
    canvas.drawString(20, 2, "扫描件最底一行")
    canvas.drawString(20, A4[1] - 14, "扫描件最顶一行")
    canvas.showPage()
    canvas.save()
    (tmp_path / "edge.pdf").write_bytes(buffer.getvalue())
    pdf = render_packet(PACKET, [PacketFile("M01", "申报表", tmp_path / "edge.pdf", "application/pdf")])
    page = PdfReader(io.BytesIO(pdf)).pages[1]
    positions = dict(_text_positions(page))
    assert positions["扫描件最底一行"] >= BAND and positions["扫描件最顶一行"] < A4[1]
    stamps = [y for text, y in positions.items() if NUMBER in text or text.startswith("材料")]
    assert len(stamps) == 2 and all(y < BAND - 8.5 for y in stamps)
    assert sorted(round(v) for v in page.mediabox[2:]) == [595, 842]


def test_every_attachment_page_names_its_material_and_file(packet: PdfReader) -> None:
    names = ["材料 1/4：申报表", "材料 1/4：申报表", "材料 2/4：身份证、户口簿（文件 1/2）",
             "材料 2/4：身份证、户口簿（文件 1/2）", "材料 2/4：身份证、户口簿（文件 1/2）",
             "材料 2/4：身份证、户口簿（文件 2/2）", "材料 3/4：存折", "材料 4/4：失业登记证"]
    for page, name in zip(packet.pages[1:], names, strict=True):
        assert name in page.extract_text()
    assert "材料 " not in packet.pages[0].extract_text().split("四、材料目录")[0]


def test_the_cover_holds_the_application_in_full_for_the_back_office() -> None:
    full = replace(PACKET, phone="13812347777", email="zhangsan@example.com",
                   addresses=[("户籍地址", "湖南省岳阳市平江县城关镇天岳大道1号"), ("居住地址", "湖南省岳阳市平江县汉昌镇建设路8号")],
                   agent=("王建国", "430602199006180513", "15807306789"),
                   pickup_method="快递寄送", pickup_detail="寄至 湖南省岳阳市平江县汉昌镇建设路8号，收件人 张三（13812347777）",
                   remark="纸质申报表已签字，原件留存窗口。", situation=[("申请人属于以下哪类人员？", "城镇零就业家庭成员")],
                   promised_date=date(2026, 12, 16), promise_note="含延期 2 个工作日", compiled_by="王科长（sup01）")
    cover = re.sub(r"\s", "", PdfReader(io.BytesIO(render_packet(full, []))).pages[0].extract_text())
    for expected in ("13812347777", "zhangsan@example.com", "户籍地址", "天岳大道1号", "居住地址", "王建国",
                     "430602199006180513", "15807306789", "寄至湖南省岳阳市平江县汉昌镇建设路8号", "纸质申报表已签字",
                     "申请人属于以下哪类人员？", "城镇零就业家庭成员", "承诺办结", "2026年12月16日（含延期2个工作日）",
                     "汇编人", "王科长（sup01）"):
        assert expected in cover, expected
    waiting = PdfReader(io.BytesIO(render_packet(replace(PACKET, promise_note="尚未受理（受理后 15 个工作日内办结）"),
                                                 []))).pages[0].extract_text()
    assert "尚未受理" in waiting and "无（申请人本人办理）" in waiting


def test_packet_without_attachments_is_just_the_cover() -> None:
    reader = PdfReader(io.BytesIO(render_packet(PACKET, [])))
    assert len(reader.pages) == 1 and "本申请没有附件" in reader.pages[0].extract_text()


RARE_NAME = "王䶮𠮷"
"""A name with a CJK Extension A (䶮) and an Extension B (𠮷) character, both valid in a form."""


def test_rare_characters_of_a_name_print_in_an_embedded_fallback_font() -> None:
    pdf = render_packet(replace(PACKET, applicant_name=RARE_NAME), [])
    # 𠮷 prints (checked on a rendering) but reportlab's ToUnicode map leaves plane-2 characters out,
    # so only the Extension A character can be read back from the text layer.
    assert "王䶮" in text_of(pdf)
    names = {str(f.get("/BaseFont")).split("+")[-1] for f in fonts_of(pdf)}
    assert names == {"WenQuanYiMicroHei-0", "HanaMinA"}, names
    assert_every_font_embedded(pdf)


def test_a_clerk_with_a_rare_character_prints_whole_in_the_footer_drawn_on_every_page() -> None:
    from counterdesk.documents.pdf.fonts import FONT, font_runs

    pdf = render_packet(replace(PACKET, applicant_name="张三", compiled_by=f"{RARE_NAME}（c09）"), [])
    # The text layer breaks a line where the font changes and has no 𠮷 (see above).
    assert "申请材料汇编 · 王䶮（c09）" in "".join(text_of(pdf).splitlines())
    names = {str(f.get("/BaseFont")).split("+")[-1] for f in fonts_of(pdf)}
    assert names == {"WenQuanYiMicroHei-0", "HanaMinA"}, names
    assert font_runs(f"{RARE_NAME}（c09）") == [(FONT, "王"), ("CounterdeskHanA", "䶮𠮷"), (FONT, "（c09）")]


def test_a_character_no_font_has_is_named_in_a_warning() -> None:
    from counterdesk.documents.pdf.fonts import glyph_warning, missing_glyphs

    assert missing_glyphs("张三", RARE_NAME, "䶵", "\U0002B740") == ["\U0002B740"]
    warning = glyph_warning(RARE_NAME + "\U0002B740")
    assert warning and "\U0002B740" in warning and "空白" in warning
    assert glyph_warning(RARE_NAME) is None


BLANK = "\U0002B740"
"""A CJK Extension D character that none of the embedded fonts has: it would print as a blank."""
PAPERS_WITH_A_BLANK = {
    "card": (render_card, CARD, replace(CARD, situation=[("申请人属于以下哪类人员？", f"{BLANK}家庭成员")])),
    "receipt": (render_receipt, RECEIPT, replace(RECEIPT, party=replace(PERSON, name=f"{BLANK}*三"))),
    "acceptance": (render_acceptance, ACCEPTANCE, replace(ACCEPTANCE, party=replace(ENTERPRISE, agent_name=BLANK))),
    "refusal": (render_refusal, REFUSAL, replace(REFUSAL, reason=f"申请人{BLANK}不属于认定范围。")),
    "notice": (render_notice, NOTICE, replace(NOTICE, applicant_name=f"{BLANK}*三")),
    "commitment": (render_commitment, COMMITMENT, replace(COMMITMENT, party=replace(PERSON, name=f"{BLANK}*三"))),
    "report": (render_report, REPORT, replace(REPORT, by_clerk=[(f"李{BLANK}", 12)])),
    "packet": (lambda data: render_packet(data, []), PACKET, replace(PACKET, applicant_name=f"{BLANK}三")),
}


@pytest.mark.parametrize("paper", PAPERS_WITH_A_BLANK)
def test_every_paper_carries_the_warning_of_a_character_it_would_print_blank(paper: str) -> None:
    render, whole, with_blank = PAPERS_WITH_A_BLANK[paper]
    assert render(whole).warning is None
    pdf = render(with_blank)
    assert pdf.startswith(b"%PDF-") and isinstance(pdf, bytes)
    assert pdf.warning and BLANK in pdf.warning and "U+2B740" in pdf.warning and "\n" not in pdf.warning


def test_the_warning_names_control_and_bidi_characters_instead_of_sending_them_to_a_terminal() -> None:
    from counterdesk.documents.pdf.fonts import glyph_warning

    warning = glyph_warning("王\u202e\x9b" + BLANK)
    assert warning and "\\u202e" in warning and "\\u009b" in warning
    assert "\u202e" not in warning and "\x9b" not in warning


def test_the_text_of_a_paper_is_found_in_nested_data_lists_and_mappings() -> None:
    from counterdesk.documents.pdf.rendered import texts_of

    found = list(texts_of(replace(RECEIPT, materials=[ReceiptMaterial("申报表", 1, "扫描", "original", 1)])))
    assert {"张*三", "申报表", "扫描", HALL, NUMBER} <= set(found)
    assert list(texts_of({"a": ("甲", ["乙"]), "b": 3, "c": Path("/丙")})) == ["甲", "乙"]
