"""``counterdesk visit``, ``visits`` and ``failed``: the visit log and the 办不成事 ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, refusals
from counterdesk.cli.queue import DateOpt, parse_day
from counterdesk.cli.staff import acting

StaffOpt = Annotated[str | None, typer.Option("--staff", help="窗口工作人员工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON。")]

failed_app = typer.Typer(help="办不成事台账：列出、登记办理结果", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the visit commands to the root command."""
    app.command("visit")(visit)
    app.command("visits")(visits)
    app.add_typer(failed_app, name="failed")


@refusals
def visit(
    ctx: typer.Context,
    outcome: Annotated[str, typer.Option(
        "--outcome", help="consult（咨询）、assist（帮办）、receive（收件）、notify（一次告知）、refer（转办）或 failed（办不成事）。")],
    matter: Annotated[str | None, typer.Option("--matter", help="事项编码。")] = None,
    county: Annotated[str | None, typer.Option("--county", help="办理地区县代码。")] = None,
    ticket: Annotated[str | None, typer.Option("--ticket", help="叫号单号。")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注；办不成事须写明什么事没办成。")] = None,
    to: Annotated[str | None, typer.Option("--to", help="转办：转给哪个部门或窗口。")] = None,
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """登记一次来访的结果（每张叫号单或每位来访者一条）。"""
    from sqlmodel import Session

    from counterdesk.domain.visits import check_outcome
    from counterdesk.services.visits import record_visit, visits_of_day

    check_outcome(outcome)
    cli = context(ctx)
    actor = acting(ctx, staff)
    with Session(cli.engine) as session:
        stored = record_visit(session, actor=actor, catalog=catalog_of(ctx), outcome=outcome, matter_code=matter,
                              county_code=county, ticket_no=ticket, note=note, referred_to=to,
                              case_days=cli.settings.case_days)
        row = next(r for r in visits_of_day(session, day=stored.day) if r.id == stored.id)
    if json_out:
        emit_json({"visit": row.as_dict()})
        return
    typer.echo(f"已登记来访 {row.id}：{row.outcome_label}" + (f"，整改期限 {row.case['due_on']}" if row.case else "") + "。")


@refusals
def visits(ctx: typer.Context, day: DateOpt = None,
           window: Annotated[int | None, typer.Option("--window", help="只列出此窗口号。")] = None,
           json_out: JsonOpt = False) -> None:
    """列出某天的来访及其结果、服务时长。"""
    from sqlmodel import Session

    from counterdesk.services.visits import visits_of_day

    with Session(context(ctx).engine) as session:
        rows = visits_of_day(session, day=parse_day(day), window=window)
    if json_out:
        emit_json([row.as_dict() for row in rows])
        return
    if not rows:
        typer.echo("当天没有来访记录。")
        return
    from rich.console import Console
    from rich.table import Table

    from counterdesk.domain.clock import show

    table = Table(title=f"来访 {len(rows)} 次")
    for column in ("编号", "叫号", "结果", "事项", "窗口", "工号", "叫号时间", "服务时长", "备注"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r.id), r.ticket_no or "—", r.outcome_label, r.matter_code or "—", str(r.window or "—"),
                      r.staff_id, show(r.called_at, "%H:%M"), f"{r.service_seconds // 60} 分 {r.service_seconds % 60} 秒",
                      (r.referred_to and f"转 {r.referred_to}") or r.note)
    Console(highlight=False).print(table)


@failed_app.command("list")
@refusals
def failed_list(ctx: typer.Context,
                open_only: Annotated[bool, typer.Option("--open", help="只列出尚未办结的。")] = False,
                json_out: JsonOpt = False) -> None:
    """列出办不成事台账（到期日、是否逾期、办理结果）。"""
    from sqlmodel import Session

    from counterdesk.services.visits import failed_cases

    with Session(context(ctx).engine) as session:
        cases = failed_cases(session, open_only=open_only)
    if json_out:
        emit_json(cases)
        return
    if not cases:
        typer.echo("办不成事台账为空。")
    for case in cases:
        state = case["resolution"] or ("已逾期" if case["overdue"] else "办理中")
        typer.echo(f"{case['id']}  {case['what']}  {case['where'] or '—'}  到期 {case['due_on']}  {state}")


@failed_app.command("resolve")
@refusals
def failed_resolve(ctx: typer.Context, case_id: Annotated[int, typer.Argument(help="台账编号。")],
                   resolution: Annotated[str, typer.Option("--resolution", help="办理结果。")],
                   staff: StaffOpt = None, json_out: JsonOpt = False) -> None:
    """登记办不成事的办理结果。"""
    from sqlmodel import Session

    from counterdesk.services.visits import resolve_failed

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        case = resolve_failed(session, actor=actor, case_id=case_id, resolution=resolution)
    if json_out:
        emit_json(case)
        return
    typer.echo(f"办不成事 {case['id']} 已登记办理结果。")
