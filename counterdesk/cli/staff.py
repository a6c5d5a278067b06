"""``counterdesk staff``: accounts for window clerks and supervisors."""

from __future__ import annotations

from typing import Annotated

import typer

from counterdesk.cli.common import context, emit_json, read_password, refusals

app = typer.Typer(help="工作人员账号：添加、列出、停用、重置密码。", no_args_is_help=True)

StaffOpt = Annotated[str | None, typer.Option("--staff", help="执行操作的值班长工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]


def acting(ctx: typer.Context, staff_id: str | None):
    """Log the acting staff member in (password from the environment or a hidden prompt)."""
    from sqlmodel import Session

    from counterdesk.cli.common import fail
    from counterdesk.services.staff import authenticate

    if not staff_id:
        fail("请用 --staff 指定执行操作的工号。")
    password = read_password()
    with Session(context(ctx).engine) as session:
        return authenticate(session, staff_id, password)


@app.command("add")
@refusals
def add(
    ctx: typer.Context,
    new_id: Annotated[str, typer.Argument(help="新账号的工号。")],
    name: Annotated[str, typer.Option("--name", help="姓名。")],
    role: Annotated[str, typer.Option("--role", help="clerk（窗口工作人员）或 supervisor（值班长）。")],
    window: Annotated[int | None, typer.Option("--window", help="窗口号。")] = None,
    staff: StaffOpt = None,
) -> None:
    """添加账号。新数据库的第一个账号必须是值班长，且无需 --staff。"""
    from sqlmodel import Session

    from counterdesk.services.staff import add_staff, has_staff

    cli = context(ctx)
    with Session(cli.engine) as session:
        first = not has_staff(session)
    actor = None if first else acting(ctx, staff)
    password = read_password("新账号密码", env="COUNTERDESK_NEW_PASSWORD", confirm=True)
    with Session(cli.engine) as session:
        created = add_staff(session, actor=actor, staff_id=new_id, name=name, role=role,
                            password=password, window=window)
    typer.echo(f"已添加账号 {created.id}（{created.name}）。")


@app.command("list")
@refusals
def list_(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """列出所有账号（不含密码哈希）。"""
    from rich.console import Console
    from rich.table import Table
    from sqlmodel import Session

    from counterdesk.domain.text import shown
    from counterdesk.domain.workflow import ROLES
    from counterdesk.services.staff import list_staff

    with Session(context(ctx).engine) as session:
        accounts = list_staff(session)
    if json_out:
        emit_json([a.to_dict() for a in accounts])
        return
    table = Table("工号", "姓名", "角色", "窗口", "状态")
    for a in accounts:
        state = "已停用" if not a.active else (f"锁定至 {a.locked_until}" if a.locked_until else "正常")
        table.add_row(shown(a.id), shown(a.name), ROLES[a.role], str(a.window or ""), state)
    Console().print(table)


@app.command("disable")
@refusals
def disable(ctx: typer.Context, staff_id: Annotated[str, typer.Argument(help="要停用的工号。")],
            staff: StaffOpt = None) -> None:
    """停用账号（值班长）。"""
    from sqlmodel import Session

    from counterdesk.services.staff import disable_staff

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        disable_staff(session, actor=actor, staff_id=staff_id)
    typer.echo(f"已停用账号 {staff_id}。")


@app.command("unlock")
@refusals
def unlock(ctx: typer.Context, staff_id: Annotated[str, typer.Argument(help="要解锁的工号。")],
           staff: StaffOpt = None) -> None:
    """提前解除因密码错误导致的锁定（值班长）。"""
    from sqlmodel import Session

    from counterdesk.services.staff import unlock_staff

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        unlock_staff(session, actor=actor, staff_id=staff_id)
    typer.echo(f"已解锁账号 {staff_id}。")


@app.command("passwd")
@refusals
def passwd(ctx: typer.Context, staff_id: Annotated[str, typer.Argument(help="要设置密码的工号。")],
           staff: StaffOpt = None) -> None:
    """设置密码：本人修改自己的密码，或值班长重置他人密码（新密码取自 COUNTERDESK_NEW_PASSWORD）。"""
    from sqlmodel import Session

    from counterdesk.services.staff import set_password

    actor = acting(ctx, staff)
    password = read_password("新密码", env="COUNTERDESK_NEW_PASSWORD", confirm=True)
    with Session(context(ctx).engine) as session:
        set_password(session, actor=actor, staff_id=staff_id, password=password)
    typer.echo(f"已更新 {staff_id} 的密码。")
