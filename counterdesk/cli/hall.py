"""``counterdesk hall``: the hall's name, county and code, and the partner halls it trusts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, fail, lookup_of, refusals
from counterdesk.cli.staff import StaffOpt, acting

app = typer.Typer(help="本大厅的名称、县区和大厅代码；登记合作大厅的公钥。", invoke_without_command=True)


@app.callback()
@refusals
def hall(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """显示大厅名称、所在县区和大厅代码。"""
    if ctx.invoked_subcommand is not None:
        return
    from sqlmodel import Session

    from counterdesk.services.hall import get_hall

    cli = context(ctx)
    with Session(cli.engine) as session:
        current = get_hall(session)
    county = lookup_of(ctx).county(current.county_code) if current.county_code else None
    data = {"name": current.name, "county": current.county_code, "hall_code": current.code,
            "county_name": county.name if county else None}
    if json_out:
        emit_json(data)
    else:
        typer.echo(f"{data['name']}（{data['county_name'] or '未设置县区'}，大厅代码 {data['hall_code'] or '未设置'}）")


@app.command("trust")
@refusals
def trust(
    ctx: typer.Context,
    hall_code: Annotated[str, typer.Argument(help="合作大厅的代码，如 43062601。")],
    public_key_file: Annotated[Path, typer.Argument(help="合作大厅 counterdesk init 生成的 .pub 公钥文件。")],
    name: Annotated[str | None, typer.Option("--name", help="合作大厅名称。")] = None,
    staff: StaffOpt = None,
) -> None:
    """登记合作大厅的公钥：此后由它签名的移交包和回传包可以导入本大厅。"""
    from sqlmodel import Session

    from counterdesk.services.hall import trust_hall

    try:
        key = public_key_file.read_text(encoding="ascii")[:200]
    except (OSError, UnicodeDecodeError):
        fail(f"无法读取公钥文件 {public_key_file}。")
    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        row = trust_hall(session, actor=actor, catalog=catalog_of(ctx), code=hall_code,
                         public_key=key, name=name)
        named = f"（{row.name}）" if row.name != row.code else "（未填写名称，可用 --name 补上）"
        message = f"已登记大厅 {row.code}{named}的公钥。"
    typer.echo(message)
