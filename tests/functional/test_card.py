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
    assert "flexible=yes" in result.stderr and "flexible=no" in result.stderr
    assert not (tmp_path / "c.pdf").exists()


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
