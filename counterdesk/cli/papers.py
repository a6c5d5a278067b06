"""``counterdesk card``: the 明白卡 (clarity card) of a matter, as a PDF file and optionally by e-mail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from counterdesk.cli.common import context, fail, refusals


def register(app: typer.Typer) -> None:
    """Add the paper commands to the root command."""
    app.command("card")(card)


def parse_answers(pairs: list[str]) -> dict[str, str]:
    """``Q=O`` pairs as a question → option mapping; a malformed pair is a usage error."""
    answers: dict[str, str] = {}
    for pair in pairs:
        question, equals, option = (part.strip() for part in pair.partition("="))
        if not equals or not question or not option:
            fail(f"回答“{pair}”的格式应为 问题编号=选项编号。")
        answers[question] = option
    return answers


def resolve_county(catalog, value: str) -> str:
    """A county code from a code or an unambiguous name or pinyin (平江县, pingjiang)."""
    value = value.strip()
    if value.isdigit():
        return catalog.county(value).code
    from counterdesk.domain.matter import City

    counties = [place for place in catalog.search_regions(value) if not isinstance(place, City)]
    exact = [c for c in counties if value.lower() in (c.name, c.pinyin, c.initials)]
    chosen = exact or counties
    if len(chosen) != 1:
        names = "、".join(f"{c.name}（{c.code}）" for c in chosen[:8]) or "无"
        fail(f"无法确定区县“{value}”，匹配到：{names}。请使用 6 位区县代码。")
    return chosen[0].code


def _require_answers(matter, answers: dict[str, str]) -> None:
    """Name the first unanswered question with the ``--answer`` values that would answer it."""
    from counterdesk.domain.guidance import pending_questions, validate_answers

    validate_answers(matter, answers, complete=False)
    for question in pending_questions(matter, answers):
        choices = "、".join(f"{question.id}={o.id}（{o.text}）" for o in question.options)
        fail(f"请先回答办事情形问题“{question.text}”：--answer {choices}。")


@refusals
def card(
    ctx: typer.Context,
    matter: Annotated[str, typer.Argument(help="事项编码，如 ZC-JYKN-001。")],
    region: Annotated[str, typer.Option("--region", help="办理地点：区县代码（如 430626）或区县名称。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="明白卡 PDF 的保存路径。")],
    answer: Annotated[
        Optional[list[str]], typer.Option("--answer", help="办事情形的回答，格式 问题编号=选项编号，可重复。")
    ] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="同时把明白卡发送到此电子邮箱。")] = None,
) -> None:
    """生成事项的明白卡（PDF）：按办理地点和办事情形列出需要提交的材料，可同时发送邮件。"""
    from sqlmodel import Session

    from counterdesk.catalog import load_catalog
    from counterdesk.documents.pdf.card import render_card
    from counterdesk.domain.contact import validate_email
    from counterdesk.services.hall import get_hall
    from counterdesk.services.papers import card_for, mail_card, write_pdf

    cli = context(ctx)
    catalog = load_catalog(cli.settings.catalog_dir)
    address = validate_email(email) if email else None
    answers = parse_answers(answer or [])
    _require_answers(catalog.matter(matter), answers)
    with Session(cli.engine) as session:
        data = card_for(session, catalog=catalog, hall=get_hall(session), matter_code=matter,
                        county_code=resolve_county(catalog, region), answers=answers)
    pdf = render_card(data)
    write_pdf(pdf, output)
    typer.echo(f"明白卡已保存：{output}")
    if address is None:
        return
    if not cli.settings.smtp.configured:
        fail("未配置发信服务器（COUNTERDESK_SMTP_HOST、COUNTERDESK_SMTP_FROM），明白卡未发送，文件已保存。", 1)
    mail_card(cli.settings, data, address, pdf=pdf)
    typer.echo(f"明白卡已发送至 {address}")
