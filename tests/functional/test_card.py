"""The 明白卡 (clarity card): built from the catalog and the answers, saved by the CLI."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.config import Settings
from counterdesk.domain.errors import InvalidInput
from counterdesk.services.hall import Hall
from counterdesk.services.papers import card_file_name, card_for, mail_card
from tests.functional.tui_helpers import Mailbox

GUIDE = "ZC-JYKN-001"
PINGJIANG = "430626"
LAID_OFF = {"category": "laid_off", "flexible": "yes", "bank": "yes"}


def test_card_of_the_guides_example_lists_six_materials_and_the_situation(catalog):
    card = card_for(None, catalog=catalog, hall=Hall("平江县政务服务中心", PINGJIANG), matter_code=GUIDE,
                    county_code=PINGJIANG, answers=LAID_OFF)
    assert (card.hall_name, card.place_name, card.county_name) == ("平江县政务服务中心", "岳阳市平江县", "平江县")
    assert len(card.materials) == 6
    assert card.materials[0].name == "湖南省就业困难人员灵活就业社会保险补贴对象申报表"
    assert ("申请人是否已开立邮政储蓄银行活期存折？", "已开立") in card.situation
    assert card.time_limit_days == 15 and card.phone == "12333"


def test_a_disabled_applicant_also_brings_the_disability_certificate(catalog):
    answers = {"category": "disabled", "flexible": "no"}
    card = card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG, answers=answers)
    assert "残疾人证" in [m.name for m in card.materials]
    assert len(card.situation) == 2


def test_card_is_refused_while_a_situation_question_is_unanswered(catalog):
    with pytest.raises(InvalidInput) as refused:
        card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG,
                 answers={"category": "laid_off"})
    assert refused.value.code == "unanswered" and refused.value.field == "flexible"


def test_without_answers_the_card_is_the_generic_one_listing_every_material_and_its_situation(catalog):
    card = card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG, answers={})
    assert card.generic and len(card.materials) == 8 and len(card.situation) == 3
    assert card.situation[0] == ("申请人属于以下哪类人员？",
                                 "与用人单位解除或终止劳动关系的失业人员；城镇零就业家庭成员；持有残疾人证的登记失业人员")
    by_name = {m.name: m for m in card.materials}
    assert by_name["残疾人证"].when == ("申请人属于以下哪类人员？ → 持有残疾人证的登记失业人员",)
    assert by_name["身份证、户口簿"].when == () and by_name["身份证、户口簿"].license == "居民身份证"
    passbook = by_name["邮政储蓄银行活期存折"]
    assert passbook.tolerable_when == ("申请人是否已开立邮政储蓄银行活期存折？ → 未开立（受理后补交）",)
    assert by_name["城镇零就业家庭证明"].commitment and by_name["失业登记证"].tolerable_when is None
    assert card_file_name(card).startswith("通用明白卡-我要申请认定为就业困难人员-平江县-")


def test_the_card_carries_departments_time_limits_legal_basis_and_faq(catalog):
    card = card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG, answers=LAID_OFF)
    assert card.legal_time_limit_days == 20 and len(card.legal_basis) == 3 and len(card.faq) == 4
    assert card.departments == [("就业困难人员认定", "县级人力资源和社会保障局"),
                                ("灵活就业社会保险补贴申领", "县级人力资源和社会保障局")]
    assert [m.license for m in card.materials if m.license] == ["居民身份证", "就业创业证（失业登记）"]


def test_a_passbook_not_yet_opened_is_printed_as_tolerated_not_required(catalog):
    from counterdesk.documents.pdf.card import render_card

    answers = {**LAID_OFF, "bank": "no"}
    card = card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG, answers=answers)
    assert [m.name for m in card.materials if m.tolerated] == ["邮政储蓄银行活期存折"]
    text = PdfReader(io.BytesIO(render_card(card))).pages[0].extract_text()
    row = next(line for line in text.splitlines() if "容缺（受理后补交）" in line)
    assert "必填" not in row
    assert text.count("必填") == 1 + 5  # the heading 是否必填 and the five other materials


def test_card_is_refused_for_a_county_where_the_matter_is_not_handled(catalog):
    local = next(m for m in catalog.matters.values() if m.counties is not None)
    elsewhere = next(c.code for city in catalog.cities for c in city.counties if c.code not in local.counties)
    with pytest.raises(InvalidInput) as refused:
        card_for(None, catalog=catalog, hall=None, matter_code=local.code, county_code=elsewhere, answers={})
    assert refused.value.code == "county_not_handled"


def test_card_is_mailed_as_a_pdf_named_after_the_matter(catalog, tmp_path):
    card = card_for(None, catalog=catalog, hall=None, matter_code=GUIDE, county_code=PINGJIANG, answers=LAID_OFF)
    with Mailbox() as mailbox:
        settings = Settings(home=tmp_path, db_url="sqlite://", scans_dir=tmp_path, smtp=mailbox.smtp())
        mail_card(settings, card, "zhangsan@example.com")
    [message] = mailbox.messages
    assert message["Subject"] == "明白卡：我要申请认定为就业困难人员"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == card_file_name(card)
    text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "平江县" in text


@pytest.fixture
def run(tmp_path, monkeypatch):
    for name in ("COUNTERDESK_CATALOG", "COUNTERDESK_DB_URL", "COUNTERDESK_SMTP_HOST", "COUNTERDESK_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(tmp_path), *args])

    return invoke


def test_cli_writes_the_card_for_a_county_given_by_name(run, tmp_path):
    out = tmp_path / "cards" / "card.pdf"
    result = run("card", GUIDE, "--region", "平江县", "--answer", "category=laid_off", "--answer", "flexible=no",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "明白卡已保存" in result.stdout
    assert "平江县" in PdfReader(out).pages[0].extract_text()


def test_cli_names_the_missing_answer_and_how_to_give_it(run, tmp_path):
    result = run("card", GUIDE, "--region", PINGJIANG, "--answer", "category=laid_off", "-o", str(tmp_path / "c.pdf"))
    assert result.exit_code == 2
    assert "flexible=yes" in result.stderr and "flexible=no" in result.stderr and "通用明白卡" in result.stderr
    assert not (tmp_path / "c.pdf").exists()


def test_cli_without_answers_writes_the_generic_card_for_the_rack(run, tmp_path):
    out = tmp_path / "rack.pdf"
    result = run("card", GUIDE, "--region", "平江县", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "通用明白卡已保存" in result.stdout
    text = "".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", "")
    for expected in ("通用版", "残疾人证", "城镇零就业家庭证明", "适用：申请人属于以下哪类人员？ → 持有残疾人证的登记失业人员",
                     "必填（可容缺）", "必填（可告知承诺）"):
        assert expected in text, expected


def test_cli_refuses_an_ambiguous_county_and_lists_the_candidates(run, tmp_path):
    result = run("card", GUIDE, "--region", "yy", "--answer", "category=laid_off", "--answer", "flexible=no",
                 "-o", str(tmp_path / "c.pdf"))
    assert result.exit_code == 2
    assert "岳阳县（430621）" in result.stderr


def test_cli_refuses_a_malformed_email_before_writing_anything(run, tmp_path):
    result = run("card", GUIDE, "--region", PINGJIANG, "--answer", "category=laid_off", "--answer", "flexible=no",
                 "-o", str(tmp_path / "c.pdf"), "--email", "zhangsan.example.com")
    assert result.exit_code == 2 and "@" in result.stderr
    assert not (tmp_path / "c.pdf").exists()


def test_cli_without_smtp_saves_the_card_and_says_the_mail_was_not_sent(run, tmp_path):
    result = run("card", GUIDE, "--region", PINGJIANG, "--answer", "category=laid_off", "--answer", "flexible=no",
                 "-o", str(tmp_path / "c.pdf"), "--email", "zhangsan@example.com")
    assert result.exit_code == 1
    assert "未配置发信服务器" in result.stderr
    assert (tmp_path / "c.pdf").is_file()


def test_cli_mails_the_card_through_the_configured_relay(run, tmp_path, monkeypatch):
    with Mailbox() as mailbox:
        for name, value in (("HOST", "127.0.0.1"), ("PORT", str(mailbox.port)), ("FROM", "hall@pingjiang.example.cn"),
                            ("STARTTLS", "0")):
            monkeypatch.setenv(f"COUNTERDESK_SMTP_{name}", value)
        result = run("card", GUIDE, "--region", PINGJIANG, "--answer", "category=laid_off", "--answer",
                     "flexible=no", "-o", str(tmp_path / "c.pdf"), "--email", "zhangsan@example.com")
    assert result.exit_code == 0, result.output
    assert "明白卡已发送至 zhangsan@example.com" in result.stdout
    assert [m["To"] for m in mailbox.messages] == ["zhangsan@example.com"]
