"""``counterdesk transfer``: 寄递 to the 办理地, 签收 there, and the packages between halls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, fail, refusals, write_pdf
from counterdesk.cli.staff import StaffOpt, acting

app = typer.Typer(help="办件移交：寄递、签收、移交包与回传包。", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON。")]


@app.command("dispatch")
@refusals
def dispatch(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="办理地区县代码，如 430626。")],
    waybill: Annotated[str | None, typer.Option("--waybill", help="快递运单号。")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="材料流转单 PDF 的保存路径。")] = None,
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """把本大厅为某办理地收件的办件编为一个流转批次寄出（在途），并可生成材料流转单。"""
    from sqlmodel import Session

    from counterdesk.services import transfer

    actor = acting(ctx, staff)
    catalog = catalog_of(ctx)
    with Session(context(ctx).engine) as session:
        sent = transfer.dispatch(session, actor=actor, catalog=catalog, to_county=to, waybill=waybill)
        if output is not None:
            write_pdf(output, transfer.transfer_sheet_pdf(session, catalog=catalog, batch=sent.batch))
    if json_out:
        emit_json(sent.as_dict())
        return
    typer.echo(f"已编为流转批次 {sent.batch}，共 {sent.count} 件，状态改为“在途”。")
    if output is not None:
        typer.echo(f"材料流转单已保存：{output}")


@app.command("sheet")
@refusals
def sheet(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(help="流转批次编号。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="保存路径（PDF）。")],
) -> None:
    """重新生成某流转批次的材料流转单。"""
    from sqlmodel import Session

    from counterdesk.services import transfer

    with Session(context(ctx).engine) as session:
        write_pdf(output, transfer.transfer_sheet_pdf(session, catalog=catalog_of(ctx), batch=batch))
    typer.echo(f"材料流转单已保存：{output}")


@app.command("incoming")
@refusals
def incoming(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """列出寄往本县区、尚未签收的流转批次（外地收件、本地办理）。"""
    from sqlmodel import Session

    from counterdesk.domain.clock import show
    from counterdesk.services import transfer
    from counterdesk.services.queue import iso

    with Session(context(ctx).engine) as session:
        batches = transfer.incoming(session)
    if json_out:
        emit_json([{"batch": b.batch, "from_hall": b.from_hall, "waybill": b.waybill, "count": b.count,
                    "dispatched_at": iso(b.dispatched_at)} for b in batches])
        return
    if not batches:
        typer.echo("没有待签收的流转批次。")
    for b in batches:
        typer.echo(f"{b.batch}  来自 {b.from_hall}  {b.count} 件  运单 {b.waybill or '—'}  寄出 {show(b.dispatched_at)}")


@app.command("sign")
@refusals
def sign(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(help="流转批次编号。")],
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """签收寄往本县区的流转批次（同一数据库）：其中每个办件改为“已签收”。"""
    from sqlmodel import Session

    from counterdesk.services import transfer

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        numbers = transfer.sign_for(session, actor=actor, batch=batch)
    if json_out:
        emit_json({"batch": batch, "count": len(numbers), "numbers": numbers})
        return
    typer.echo(f"已签收流转批次 {batch}，共 {len(numbers)} 件。")


@app.command("export")
@refusals
def export(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(help="流转批次编号。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="移交包保存路径（.zip）。")],
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """写出流转批次的移交包：办件（导入格式，保留办件编号）、全部附件、SHA-256 清单和本大厅签名。"""
    from sqlmodel import Session

    from counterdesk.services.package import export_batch

    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        written = export_batch(session, actor=actor, settings=cli.settings, batch=batch, out=output)
    if json_out:
        emit_json({"kind": written.kind, "batch": written.batch, "count": written.count, "file": str(output)})
        return
    typer.echo(f"移交包已保存：{output}（流转批次 {batch}，{written.count} 件）。")


@app.command("return")
@refusals
def return_(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="收件大厅的代码，如 43010201。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="回传包保存路径（.zip）。")],
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """写出回传包：自上次回传以来，本地对该大厅收件办件的全部办理进度。"""
    from sqlmodel import Session

    from counterdesk.services.package import write_return

    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        written = write_return(session, actor=actor, settings=cli.settings, to_hall=to, out=output)
    if json_out:
        emit_json({"kind": written.kind, "batch": None, "count": written.count, "file": str(output)})
        return
    typer.echo(f"回传包已保存：{output}（{written.count} 条办理进度）。")


@app.command("import")
@refusals
def import_(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="移交包或回传包（.zip）。")],
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """导入移交包（即签收，办件改为“已签收”）或回传包（显示办理地的进度）；有任何问题整包不导入。"""
    from sqlmodel import Session

    from counterdesk.services.package import import_package

    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        result = import_package(session, actor=actor, settings=cli.settings, catalog=catalog_of(ctx), path=path)
    if json_out:
        emit_json(result.as_dict())
        return
    kind = "移交包" if result.kind == "transfer" else "回传包"
    typer.echo(f"已导入{kind}：新增 {result.imported}，此前已导入 {result.duplicates}。")


@refusals
def release(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    collector_id: Annotated[str | None, typer.Option("--collector-id", help="现场领取人的证件号码。")] = None,
    power_of_attorney: Annotated[bool, typer.Option("--power-of-attorney",
                                                    help="经办人代领，已核验授权委托书。")] = False,
    courier: Annotated[bool, typer.Option("--courier", help="快递寄送。")] = False,
    waybill: Annotated[str | None, typer.Option("--waybill", help="快递运单号。")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="领取签收单 PDF 的保存路径。")] = None,
    staff: StaffOpt = None,
) -> None:
    """出件：待领取的办件由本人或凭授权委托书的经办人领取，或快递寄出；可生成领取签收单。"""
    from sqlmodel import Session

    from counterdesk.documents.pdf.release_slip import render_release_slip
    from counterdesk.domain.errors import InvalidInput
    from counterdesk.services.release import release as release_service

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        try:
            done = release_service(session, actor=actor, catalog=catalog_of(ctx), number=number,
                                   collector_id=collector_id, power_of_attorney=power_of_attorney, courier=courier,
                                   waybill=waybill)
        except InvalidInput as refused:
            if refused.code != "power_of_attorney":
                raise
            fail(refused.message.rstrip("。") + "（核验后加 --power-of-attorney）。")
    if output is not None:
        write_pdf(output, render_release_slip(done.slip))
    typer.echo(f"办件 {done.move.number} 已出件（{done.slip.manner}）。" + (f"领取签收单已保存：{output}" if output else ""))
