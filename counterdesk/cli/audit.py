"""``counterdesk audit verify``: walk both hash chains and name the first altered entry."""

from __future__ import annotations

from typing import Annotated

import typer

from counterdesk.cli.common import context, emit_json, refusals

app = typer.Typer(help="审计日志与办件状态记录的完整性检查。", no_args_is_help=True)

CHAINS = {"audit_log": "审计日志", "status_event": "办件状态记录"}


@app.command("verify")
@refusals
def verify(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """逐条核对哈希链；发现被改动或删除的记录时指出第一条并以退出码 1 结束。"""
    from sqlmodel import Session

    from counterdesk.services.audit import verify_all

    with Session(context(ctx).engine) as session:
        results = verify_all(session)
    broken = False
    report = {}
    for chain, (checked, first_break) in results.items():
        broken = broken or first_break is not None
        report[chain] = {"checked": checked, "ok": first_break is None,
                         "first_break": None if first_break is None
                         else {"id": first_break.row_id, "reason": first_break.reason}}
    if json_out:
        emit_json(report)
    else:
        for chain, outcome in report.items():
            label = CHAINS.get(chain, chain)
            if outcome["ok"]:
                typer.echo(f"{label}：已核对 {outcome['checked']} 条，完好。")
            else:
                first = outcome["first_break"]
                typer.echo(f"{label}：第一条异常记录 id={first['id']}，{first['reason']}。", err=True)
    if broken:
        raise typer.Exit(1)
