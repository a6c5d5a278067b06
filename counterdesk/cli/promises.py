"""``counterdesk supply``, ``checks`` and ``check``: 容缺 materials supplied later, 告知承诺 checked afterwards.

``checks`` lists on the hall's own machine, as ``queue`` does; ``supply`` and ``check`` change
an application and so log their ``--staff`` in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, refusals
from counterdesk.cli.staff import acting
from counterdesk.domain.text import shown

StaffOpt = Annotated[str | None, typer.Option("--staff", help="执行操作的工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]


def register(app: typer.Typer) -> None:
    """Add the promise commands to the root command."""
    app.command("supply")(supply)
    app.command("checks")(checks)
    app.command("check")(check)


@refusals
def supply(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    material: Annotated[str, typer.Argument(help="容缺材料的编号，如 M05。")],
    file: Annotated[Path, typer.Argument(help="补交材料的扫描件（PDF、JPG、PNG 或 TIFF）；收件箱中的文件附加后移入 attached/。")],
    staff: StaffOpt = None,
) -> None:
    """补交容缺材料：把扫描件附加到已提交办件尚欠的材料上，办件不再显示“容缺待补”。"""
    from sqlmodel import Session

    from counterdesk.services.attachments import supply_owed

    actor = acting(ctx, staff)
    cli = context(ctx)
    with Session(cli.engine) as session:
        attachment = supply_owed(session, actor=actor, settings=cli.settings, catalog=catalog_of(ctx),
                                 number_or_id=number, material_code=material.strip(), path=file)
    typer.echo(f"已补交：{shown(attachment.original_name, markup=False)}（{attachment.material_code}）。")


@refusals
def checks(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="同时列出已核查的。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """列出待核查的告知承诺（以承诺代替证明材料的办件），旧→新；--all 含已核查和已失效的（办件已撤回或不予受理）。"""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    from sqlmodel import Session

    from counterdesk.domain.clock import show
    from counterdesk.services.promises import checks as list_checks

    with Session(context(ctx).engine) as session:
        found = list_checks(session, actor=None, catalog=catalog_of(ctx), include_done=all_)
    if json_out:
        emit_json([c.to_dict() for c in found])
        return
    if not found:
        typer.echo("没有待核查的告知承诺。" if not all_ else "还没有告知承诺。")
        return
    table = Table("任务", "办件编号", "申请人", "材料", "承诺时间", "核查期限", "核查结果")
    for c in found:
        row = c.to_dict()
        result = row["outcome_label"] + (f"：{shown(c.note)}" if c.note else "")
        due = Text(row["due_on"] or "—", style="bold red" if c.overdue else "")
        table.add_row(str(c.id), c.number, shown(c.applicant_masked),
                      f"{c.material_name or c.material_code}（{c.material_code}）", show(c.promised_at), due, result)
    Console().print(table)


@refusals
def check(
    ctx: typer.Context,
    check_id: Annotated[int, typer.Argument(help="核查任务编号（counterdesk checks 列出）。")],
    outcome: Annotated[str, typer.Option("--outcome", help="true（属实）或 false（不属实）。")],
    note: Annotated[str | None, typer.Option("--note", help="核查情况；不属实时必填。")] = None,
    staff: StaffOpt = None,
) -> None:
    """值班长记录告知承诺的核查结果（属实 / 不属实），记入审计日志，每项只能记录一次。"""
    from sqlmodel import Session

    from counterdesk.services.promises import record_check

    labels = {"属实": "true", "不属实": "false"}
    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        done = record_check(session, actor=actor, check_id=check_id, outcome=labels.get(outcome.strip(), outcome.strip()),
                            note=note, catalog=catalog_of(ctx))
    typer.echo(f"办件 {done.number} 的告知承诺（{done.material_name or done.material_code}）核查结果：{done.to_dict()['outcome_label']}。")
