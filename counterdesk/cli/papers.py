"""``counterdesk card``: the 明白卡 (clarity card) of a matter, as a PDF file and optionally by e-mail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import ForceOpt, context, fail, lookup_of, parse_answers, refusals, write_pdf
from counterdesk.cli.staff import acting
from counterdesk.domain.appno import EXAMPLE_NUMBER


def register(app: typer.Typer) -> None:
    """Add the paper commands to the root command."""
    app.command("card")(card)


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
    """Name the first unanswered question with the ``--answer`` values that would answer it.

    No answer at all makes the generic card; a partial set is refused (see ``services.papers.card_for``).
    """
    from counterdesk.domain.guidance import pending_questions, validate_answers

    validate_answers(matter, answers, complete=False)
    if not answers:
        return
    for question in pending_questions(matter, answers):
        choices = "、".join(f"{question.id}={o.id}（{o.text}）" for o in question.options)
        fail(f"请先回答办事情形问题“{question.text}”：--answer {choices}；"
             "或不带 --answer，生成列出全部材料的通用明白卡。")


@refusals
def card(
    ctx: typer.Context,
    matter: Annotated[str, typer.Argument(help="事项编码，如 ZC-JYKN-001。")],
    region: Annotated[str, typer.Option("--region", help="办理地点：区县代码（如 430626）或区县名称。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="明白卡 PDF 的保存路径。")],
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", help="办事情形的回答，格式 问题编号=选项编号，可重复；须答完适用的全部问题。"
                                      "不带 --answer 则生成通用明白卡（列出全部材料及各自的适用情形，供摆放取阅）。"),
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="同时把明白卡发送到此电子邮箱。")] = None,
    force: ForceOpt = False,
) -> None:
    """生成事项的明白卡（PDF）：按办理地点和办事情形列出需要提交的材料，可同时发送邮件；
    不带 --answer 时生成通用明白卡。"""
    from sqlmodel import Session

    from counterdesk.documents.output import refuse_unsafe_target
    from counterdesk.documents.pdf.card import render_card
    from counterdesk.domain.contact import validate_email
    from counterdesk.services.hall import get_hall
    from counterdesk.services.papers import card_for, mail_card

    refuse_unsafe_target(output, force=force)
    cli = context(ctx)
    catalog = lookup_of(ctx)
    address = validate_email(email) if email else None
    answers = parse_answers(answer or [])
    _require_answers(catalog.matter(matter), answers)
    with Session(cli.engine) as session:
        data = card_for(session, catalog=catalog, hall=get_hall(session), matter_code=matter,
                        county_code=resolve_county(catalog, region), answers=answers)
    pdf = render_card(data)
    write_pdf(output, pdf, force=force)
    typer.echo(f"{'通用明白卡' if data.generic else '明白卡'}已保存：{output}")
    if address is None:
        return
    if not cli.settings.smtp.configured:
        fail("未配置发信服务器（COUNTERDESK_SMTP_HOST、COUNTERDESK_SMTP_FROM），明白卡未发送，文件已保存。", 1)
    mail_card(cli.settings, data, address, pdf=pdf)
    typer.echo(f"明白卡已发送至 {address}")


# -- receipt, one-time notice, packet and the scanner inbox -------------------------------------

NumberArg = Annotated[str, typer.Argument(help=f"办件编号，如 {EXAMPLE_NUMBER}。")]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="PDF 的保存路径。")]
StaffOpt = Annotated[str | None, typer.Option("--staff", help="汇编人的工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]


def _paper(ctx: typer.Context, build, render, number: str, output: Path, label: str, force: bool) -> None:
    """Build a paper from the stored application, render it and write it to ``output``."""
    from sqlmodel import Session

    from counterdesk.documents.output import refuse_unsafe_target

    refuse_unsafe_target(output, force=force)
    cli = context(ctx)
    catalog = lookup_of(ctx)
    with Session(cli.engine) as session:
        data = build(session, catalog, number)
    write_pdf(output, render(data), force=force)
    typer.echo(f"{label}已保存：{output}")


@refusals
def receipt(ctx: typer.Context, number: NumberArg, output: OutputOpt, force: ForceOpt = False) -> None:
    """生成已提交办件的收件凭证（PDF，申请人信息已脱敏；仅证明已收件，不载明办结日期）。"""
    from counterdesk.documents.pdf.receipt import render_receipt
    from counterdesk.services.papers import receipt_for

    _paper(ctx, lambda s, c, n: receipt_for(s, catalog=c, number=n), render_receipt, number, output, "收件凭证",
           force)


@refusals
def acceptance(ctx: typer.Context, number: NumberArg, output: OutputOpt, force: ForceOpt = False) -> None:
    """生成受理通知书（PDF，载明承诺办结日期；即办事项载明即办）；办件尚未受理时退出码为 1。"""
    from counterdesk.documents.pdf.acceptance import render_acceptance
    from counterdesk.services.papers import acceptance_for

    _paper(ctx, lambda s, c, n: acceptance_for(s, catalog=c, number=n), render_acceptance, number, output,
           "受理通知书", force)


@refusals
def refusal(ctx: typer.Context, number: NumberArg, output: OutputOpt, force: ForceOpt = False) -> None:
    """生成不予受理通知书（PDF，载明理由和行政复议、行政诉讼的途径）；办件未被不予受理时退出码为 1。"""
    from counterdesk.documents.pdf.refusal import render_refusal
    from counterdesk.services.papers import refusal_for

    _paper(ctx, lambda s, c, n: refusal_for(s, catalog=c, number=n), render_refusal, number, output,
           "不予受理通知书", force)


@refusals
def notice(ctx: typer.Context, number: NumberArg, output: OutputOpt, force: ForceOpt = False) -> None:
    """生成一次性告知单（PDF）：补正后列出最近一次补正的材料、原因和期限；草稿列出尚缺或预审未通过的材料。"""
    from counterdesk.documents.pdf.notice import render_notice
    from counterdesk.services.papers import notice_for

    _paper(ctx, lambda s, c, n: notice_for(s, catalog=c, number=n), render_notice, number, output, "一次性告知单",
           force)


@refusals
def commitment(ctx: typer.Context, number: NumberArg, output: OutputOpt, force: ForceOpt = False) -> None:
    """生成容缺受理承诺书 / 告知承诺书（PDF，供申请人签字）：列明容缺材料及补交期限、以承诺代替的证明材料；
    办件没有容缺或告知承诺时退出码为 1。"""
    from counterdesk.documents.pdf.commitment import render_commitment
    from counterdesk.services.papers import commitment_for

    _paper(ctx, lambda s, c, n: commitment_for(s, catalog=c, number=n), render_commitment, number, output,
           "承诺书", force)


@refusals
def packet(ctx: typer.Context, number: NumberArg, output: OutputOpt, staff: StaffOpt = None,
           force: ForceOpt = False) -> None:
    """生成申请材料汇编（PDF，含完整个人信息）：封面加按材料顺序合并的全部附件，供后台审核。

    须用 --staff 登录：值班长可汇编任何办件，窗口人员只能汇编本窗口的办件；每次汇编都记入审计日志。
    """
    from sqlmodel import Session

    from counterdesk.documents.output import refuse_unsafe_target
    from counterdesk.services.detail import packet_pdf

    refuse_unsafe_target(output, force=force)
    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        pdf, _ = packet_pdf(session, actor=actor, catalog=lookup_of(ctx),
                            settings=cli.settings, number_or_id=number)
    write_pdf(output, pdf, force=force)
    typer.echo(f"申请材料汇编已保存：{output}")


scans_app = typer.Typer(help="扫描收件箱与附件库：列出收件箱中的文件，清理无人引用的附件。", no_args_is_help=True)


@scans_app.command("list")
@refusals
def scans_list(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """列出扫描收件箱中的文件（新→旧），不能使用的文件附原因；收件箱不存在时新建。"""
    from counterdesk.cli.common import emit_json
    from counterdesk.services.attachments import ensure_inbox, inbox

    settings = context(ctx).settings
    created = ensure_inbox(settings)
    entries = inbox(settings)
    if json_out:
        emit_json([{"name": e.name, "path": str(e.path), "size": e.size, "modified": e.modified.isoformat(),
                    "accepted": e.accepted, "pages": e.info.pages if e.info else None,
                    "media_type": e.info.media_type if e.info else None,
                    "refusal": e.refusal, "refusal_code": e.refusal_code} for e in entries])
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from counterdesk.domain.text import shown

    table = Table("文件名", "页数", "大小（字节）", "修改时间", "状态")
    for e in entries:
        state = Text("可用", style="green") if e.accepted else Text(f"不能使用：{shown(e.refusal, markup=False)}",
                                                                    style="red")
        table.add_row(Text(shown(e.name, markup=False)), str(e.info.pages) if e.info else "", str(e.size),
                      f"{e.modified:%Y-%m-%d %H:%M}", state)
    console = Console()
    # soft_wrap: a path broken over two lines cannot be copied into a file manager.
    console.print(Text(f"扫描收件箱：{settings.scans_dir}" + ("（原不存在，已新建）" if created else "")), soft_wrap=True)
    console.print(table if entries else "扫描收件箱为空：请把扫描件放入上面的文件夹。")


@scans_app.command("gc")
@refusals
def scans_gc(
    ctx: typer.Context,
    apply: Annotated[bool, typer.Option("--apply", help="真正删除（默认只列出，不删除）。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    staff: Annotated[str | None, typer.Option("--staff", help="值班长工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")] = None,
) -> None:
    """清理附件库中没有任何附件或电子证照引用的文件（默认试运行）。

    须值班长用 --staff 登录，每次运行记入审计日志；正在导入或办理中写入的文件、一小时内存入的文件不会被清理。
    """
    from sqlmodel import Session

    from counterdesk.cli.common import emit_json
    from counterdesk.services.scans import collect_garbage

    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        orphans = collect_garbage(session, cli.settings, actor=actor, apply=apply)
    if json_out:
        emit_json({"applied": apply, "orphans": orphans})
        return
    for sha256 in orphans:
        typer.echo(sha256)
    if apply:
        typer.echo(f"已删除 {len(orphans)} 个无人引用的附件文件。")
    else:
        typer.echo(f"共 {len(orphans)} 个无人引用的附件文件（试运行，未删除；加 --apply 删除）。")
