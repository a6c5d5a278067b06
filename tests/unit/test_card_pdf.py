"""The 明白卡's layout read back from the PDF: one page for up to seven materials and the process, breaks
only between sections, a generic card for the rack, and footers that never cut the hall's name."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader

from counterdesk.documents.pdf import render_card, render_receipt
from counterdesk.documents.pdf.layout import CONTENT_WIDTH, PAGE_NUMBER_ROOM, footer_lines
from counterdesk.documents.pdf.models import CardData, CardMaterial
from counterdesk.domain.guidance import TOLERATED_LABEL
from tests.unit.test_pdfs import RECEIPT

LONG_HALL = "平江县政务服务中心跨域通办一件事一次办窗口"
"""Twenty characters: the walk's hall, whose name the footer once cut with an ellipsis."""
SECTION = re.compile(r"^[一二三四五六七八九十]、")
FOOTER_WIDTH = CONTENT_WIDTH - PAGE_NUMBER_ROOM

SEVEN = [
    CardMaterial("湖南省就业困难人员灵活就业社会保险补贴对象申报表", "original", 1, True, "申请人本人签字，窗口可现场领取空白表格。"),
    CardMaterial("当年缴纳养老保险的缴费凭证", "original", 1, True, "社保经办机构出具或税务部门开具的缴费凭证。"),
    CardMaterial("身份证、户口簿", "copy", 1, True, "身份证正反面及户口簿首页、本人页复印在同一张 A4 纸上。",
                 license="居民身份证"),
    CardMaterial("与单位解除劳动关系的证明书", "copy", 1, True, "原用人单位出具的解除或终止劳动关系证明。"),
    CardMaterial("邮政储蓄银行活期存折", "copy", 1, True, "存折首页复印件，户名须为申请人本人；尚未开立的，可容缺受理，"
                 "在承诺期限内补交。", tolerated=True),
    CardMaterial("失业登记证", "copy", 1, True, "《就业创业证》或失业登记证明。", license="就业创业证（失业登记）"),
    CardMaterial("城镇零就业家庭证明", "original", 1, True, "社区（街道）出具的家庭成员均处于失业状态的证明；可签署告知"
                 "承诺书代替，由人社部门事后核查。", commitment=True),
]
SEVEN_CARD = CardData(
    hall_name=LONG_HALL, matter_name="我要申请认定为就业困难人员", matter_code="ZC-JYKN-001", audience_label="政策兑现",
    county_name="平江县", county_code="430626", place_name="岳阳市平江县",
    situation=[("申请人属于以下哪类人员？", "城镇零就业家庭成员"),
               ("申请人目前是否以灵活就业方式就业并缴纳养老保险？", "是，已以灵活就业人员身份缴纳养老保险"),
               ("申请人是否已开立邮政储蓄银行活期存折？", "未开立（受理后补交）")],
    materials=SEVEN,
    process=["申请：申请人或经办人向户籍或常住地人社部门窗口提出申请，填写申报表并提交材料。",
             "受理：窗口工作人员当场核验材料并出具收件凭证，人社部门对材料齐全的予以受理；尚未开立邮政储蓄银行活期存折的，"
             "可签署容缺受理承诺书，受理后限期补交。",
             "审核：人社部门核实申请人失业登记、社保缴费等信息，必要时入户调查。",
             "公示：审核通过的对象在社区（村）公示 5 个工作日。",
             "办结：公示无异议的认定为就业困难人员；申请社保补贴的，按季度将灵活就业社会保险补贴拨付至本人邮政储蓄银行活期存折。"],
    conditions=["具有本省户籍或在本省常住，处于法定劳动年龄内，有劳动能力和就业愿望。",
                "已办理失业登记，且属于就业困难人员认定范围。", "申请社保补贴的，须以灵活就业人员身份缴纳基本养老保险费。"],
    time_limit_days=15, fee="不收费", phone="12333", generated_at=datetime(2026, 12, 2, 17, 26),
    legal_time_limit_days=20,
    departments=[("就业困难人员认定", "县级人力资源和社会保障局"), ("灵活就业社会保险补贴申领", "县级人力资源和社会保障局")],
    legal_basis=["《中华人民共和国就业促进法》第五十二条：各级人民政府建立健全就业援助制度，对就业困难人员实行优先扶持和重点帮助。",
                 "《就业服务与就业管理规定》第三十九条、第四十条：就业困难人员的认定及援助。"],
    faq=[("社会保险补贴能享受多长时间？", "灵活就业社会保险补贴期限一般不超过 3 年；距法定退休年龄不足 5 年的，可延长至退休。"),
         ("补贴怎么发放？", "审核通过后按季度拨付至申请人本人的邮政储蓄银行活期存折。")],
)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without white space: the PDF's text layer puts a space where a line wrapped."""
    return re.sub(r"\s", "", text)


def body_lines(page: str) -> list[str]:
    """A page's lines without its footer (the hall's line, the page number)."""
    return [line for line in page.splitlines() if line.strip() and LONG_HALL not in line and "政策如有调整" not in line
            and not re.search(r"第 \d+ / \d+ 页", line)]


def test_seven_materials_and_the_whole_process_fit_the_first_page() -> None:
    first = pages_of(render_card(replace(SEVEN_CARD, legal_basis=[], faq=[])))
    assert len(first) == 1
    for expected in ("城镇零就业家庭证明", "五、办理流程", "拨付至本人邮政储蓄银行活期存折。"):
        assert expected in flat(first[0]), expected


def test_the_legal_basis_and_faq_that_do_not_fit_move_whole_to_the_next_page() -> None:
    pages = pages_of(render_card(SEVEN_CARD))
    assert "五、办理流程" in pages[0] and "拨付至本人邮政储蓄银行活期存折。" in flat(pages[0])
    for page in pages[1:]:
        assert SECTION.match(body_lines(page)[0]), body_lines(page)[:2]
    text = flat("".join(pages))
    assert "六、设定依据" in text and "七、常见问题" in text and "答：审核通过后按季度拨付" in text


def test_a_material_list_longer_than_a_page_breaks_between_rows_and_the_next_page_carries_more() -> None:
    many = replace(SEVEN_CARD, generic=True, materials=[replace(m, when=("申请人属于以下哪类人员？ → 持有残疾人证的登记失业人员",))
                                                         for m in SEVEN * 3])
    pages = pages_of(render_card(many))
    assert len(pages) >= 2
    for page in pages[1:]:
        lines = body_lines(page)
        assert len(lines) > 5
        assert SECTION.match(lines[0]) or lines[0].startswith("序号"), lines[0]


def test_the_facts_name_the_departments_both_time_limits_and_the_substituting_e_licenses() -> None:
    text = flat("".join(pages_of(render_card(SEVEN_CARD))))
    for expected in ("承诺时限", "15 个工作日", "法定时限", "20 个工作日",
                     "县级人力资源和社会保障局（就业困难人员认定、灵活就业社会保险补贴申领）",
                     "可用“居民身份证”电子证照代替纸质材料", "可用“就业创业证（失业登记）”电子证照代替纸质材料",
                     "就业促进法", "社会保险补贴能享受多长时间？"):
        assert flat(expected) in text, expected


def test_a_material_these_answers_tolerate_reads_as_tolerated_not_required() -> None:
    text = pages_of(render_card(SEVEN_CARD))[0]
    assert text.count(TOLERATED_LABEL) == 1
    assert "必填（可告知承诺）" in flat(text)
    assert text.count("必填") == 1 + 6  # the column heading 是否必填, then six of the seven rows


def test_a_generic_card_says_which_situation_needs_each_material_and_what_may_follow() -> None:
    generic = replace(SEVEN_CARD, generic=True, situation=[("申请人属于以下哪类人员？", "失业人员；城镇零就业家庭成员")],
                      materials=[replace(SEVEN[4], tolerated=False,
                                         when=("申请人目前是否以灵活就业方式就业并缴纳养老保险？ → 是",),
                                         tolerable_when=("申请人是否已开立邮政储蓄银行活期存折？ → 未开立（受理后补交）",)),
                                 replace(SEVEN[6], when=("申请人属于以下哪类人员？ → 城镇零就业家庭成员",)),
                                 SEVEN[0]])
    text = flat("".join(pages_of(render_card(generic))))
    for expected in ("一件事一次办明白卡（通用版）", "可选情形", "失业人员；城镇零就业家庭成员", "本卡为通用版",
                     "适用：申请人目前是否以灵活就业方式就业并缴纳养老保险？ → 是",
                     "容缺：申请人是否已开立邮政储蓄银行活期存折？ → 未开立（受理后补交） 时，可签署承诺书先行受理",
                     "必填（可容缺）", "适用：申请人属于以下哪类人员？ → 城镇零就业家庭成员",
                     "告知承诺：可签署告知承诺书代替", "必填（可告知承诺）", "通用明白卡"):
        assert flat(expected) in text, expected
    assert TOLERATED_LABEL not in text.replace("未开立（受理后补交）", "")


@pytest.mark.parametrize("hall", [LONG_HALL, "湖南省岳阳市平江县人民政府政务服务中心" * 5])
def test_a_footer_wraps_between_its_parts_and_never_cuts_the_hall_name(hall: str) -> None:
    footer = f"{hall} · 明白卡 · 2026年12月2日 17:26 生成 · 政策如有调整，以窗口受理时的要求为准"
    lines, size = footer_lines(footer, FOOTER_WIDTH)
    assert "".join(lines).replace(" · ", "") == footer.replace(" · ", "")
    assert "…" not in "".join(lines)
    if hall == LONG_HALL:
        assert size == 8 and lines[0].startswith(LONG_HALL) and len(lines) == 2


def test_the_card_and_the_receipt_print_a_twenty_character_hall_name_whole_in_their_footers() -> None:
    card = pages_of(render_card(SEVEN_CARD))
    receipt = pages_of(render_receipt(replace(RECEIPT, issuer=replace(RECEIPT.issuer, body=LONG_HALL))))
    for page in (*card, *receipt):
        assert "…" not in page
    assert f"{LONG_HALL} · 明白卡" in card[0] and f"{LONG_HALL} · 收件凭证" in receipt[0]
