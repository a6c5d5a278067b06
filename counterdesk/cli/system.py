"""``counterdesk init`` and ``counterdesk hall``: the database and the hall's own settings."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from counterdesk.cli.common import context, emit_json, refusals


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("hall")(hall)


@refusals
def init(
    ctx: typer.Context,
    hall_name: Annotated[Optional[str], typer.Option("--hall-name", help="大厅名称。")] = None,
    county: Annotated[Optional[str], typer.Option("--county", help="本大厅所在县级区划代码，如 430626。")] = None,
) -> None:
    """创建或升级数据库（可重复运行），并可设置大厅名称和所在县区。"""
    from sqlmodel import Session

    from counterdesk.catalog import load_catalog
    from counterdesk.services import hall as hall_service
    from counterdesk.store.engine import current_revision

    cli = context(ctx)
    engine = cli.engine
    catalog = load_catalog(cli.settings.catalog_dir)
    with Session(engine) as session:
        if hall_name or county:
            current = hall_service.get_hall(session)
            hall_service.set_hall(session, actor_id=None, name=hall_name or current.name,
                                  county_code=county or current.county_code or "", catalog=catalog)
    typer.echo(f"数据库已就绪（版本 {current_revision(engine)}），事项目录共 {len(catalog.matters)} 项。")


@refusals
def hall(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """显示大厅名称和所在县区。"""
    from sqlmodel import Session

    from counterdesk.catalog import load_catalog
    from counterdesk.services.hall import get_hall

    cli = context(ctx)
    with Session(cli.engine) as session:
        current = get_hall(session)
    county = load_catalog(cli.settings.catalog_dir).county(current.county_code) if current.county_code else None
    data = {"name": current.name, "county_code": current.county_code,
            "county_name": county.name if county else None}
    if json_out:
        emit_json(data)
    else:
        typer.echo(f"{data['name']}（{data['county_name'] or '未设置县区'}）")
