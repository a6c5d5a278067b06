"""``counterdesk init`` and ``counterdesk hall``: the database and the hall's own settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import ForceOpt, catalog_of, context, fail, refusals
from counterdesk.cli.staff import acting


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("backup")(backup)
    app.command("restore")(restore)


StaffOpt = Annotated[str | None, typer.Option("--staff", help="值班长工号（已有账号时必填；密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]


def _supervisor_if_staff(ctx: typer.Context, staff: str | None):
    """The acting supervisor once the database has accounts; None for a database without any."""
    from sqlmodel import Session

    from counterdesk.domain.errors import Forbidden
    from counterdesk.services.staff import has_staff

    with Session(context(ctx).engine) as session:
        if not has_staff(session):
            return None
    actor = acting(ctx, staff)
    if not actor.is_supervisor:
        raise Forbidden("只有值班长可以更改大厅设置或恢复数据库。", code="role")
    return actor


@refusals
def init(
    ctx: typer.Context,
    hall_name: Annotated[str | None, typer.Option("--hall-name", help="大厅名称。")] = None,
    county: Annotated[str | None, typer.Option("--county", help="本大厅所在县级区划代码，如 430626。")] = None,
    staff: StaffOpt = None,
    hall_code: Annotated[str | None, typer.Option(
        "--hall-code", help="大厅代码：所在县区代码加 2 位站点号，如 43062601；写入本大厅发出的每个办件编号。")] = None,
) -> None:
    """创建或升级数据库（可重复运行），并可设置大厅名称、所在县区和大厅代码（同时生成签名密钥；已有账号时须值班长 --staff 登录）。"""
    from sqlmodel import Session

    from counterdesk.services import hall as hall_service
    from counterdesk.store.engine import current_revision

    cli = context(ctx)
    engine = cli.engine
    catalog = catalog_of(ctx)
    actor = _supervisor_if_staff(ctx, staff) if hall_name or county or hall_code else None
    with Session(engine) as session:
        if hall_name or county or hall_code:
            current = hall_service.joining_hall(session)
            county_code = county or current.county_code or (hall_code or "")[:6]
            configured = hall_service.set_hall(session, actor_id=actor.id if actor else None,
                                               name=hall_name or current.name, county_code=county_code,
                                               catalog=catalog, hall_code=hall_code,
                                               key_dir=cli.settings.home / "data")
            typer.echo(f"大厅代码 {configured.code}，签名公钥已写入 "
                       f"{cli.settings.home / 'data' / 'keys' / f'{configured.code}.pub'}。")
    typer.echo(f"数据库已就绪（版本 {current_revision(engine)}），事项目录共 {len(catalog.matters)} 项。")


@refusals
def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="备份文件路径（已存在时须加 --force 才覆盖）。")],
    force: ForceOpt = False,
) -> None:
    """在线备份内置 SQLite 数据库（各窗口可照常办理）。PostgreSQL 请用 pg_dump。"""
    from counterdesk.services.backup import backup as run_backup

    written = run_backup(context(ctx).engine, path, force=force)
    typer.echo(f"已备份到 {written}。")


@refusals
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="要恢复的备份文件。")],
    yes: Annotated[bool, typer.Option("--yes", help="确认用备份覆盖当前数据库。")] = False,
    staff: StaffOpt = None,
) -> None:
    """用备份文件覆盖当前数据库，并核对每个附件在附件库中的文件（已有账号时须值班长 --staff 登录，记入审计日志）。"""
    from counterdesk.services.attachments import store_of
    from counterdesk.services.backup import restore as run_restore

    if not yes:
        fail("恢复会覆盖当前数据库，请确认所有窗口已退出后加 --yes 重新运行。")
    cli = context(ctx)
    actor = _supervisor_if_staff(ctx, staff)
    cli.engine.dispose()
    report = run_restore(cli.settings.db_url, path, store_of(cli.settings), actor_id=actor.id if actor else None)
    typer.echo(f"已恢复：{report.applications} 件办件，{report.attachments} 个附件引用。")
    if report.missing_files:
        fail(f"附件库中缺少 {len(report.missing_files)} 个文件（如 {report.missing_files[0]}），"
             "请一并恢复 scans/store 目录。", 1)
    if report.altered_files:
        fail(f"附件库中有 {len(report.altered_files)} 个文件的内容与存入时不符（如 {report.altered_files[0]}，"
             "已被替换或改动），请从备份恢复 scans/store 目录中的这些文件。", 1)
