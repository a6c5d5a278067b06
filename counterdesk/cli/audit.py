"""``counterdesk audit verify``: walk both hash chains, re-hash the stored files, name the first break."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from counterdesk.cli.common import context, emit_json, refusals

app = typer.Typer(help="审计日志与办件状态记录的完整性检查。", no_args_is_help=True)

CHAINS = {"audit_log": "审计日志", "status_event": "办件状态记录", "application_status": "办件当前状态",
          "applicant": "申请人资料", "stored_files": "附件库文件"}


@app.command("verify")
@refusals
def verify(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """逐条核对哈希链并重新计算附件库文件的哈希；发现被改动或删除的记录或文件时指出第一处并以退出码 1 结束。"""
    from sqlmodel import Session

    from counterdesk.services import integrity
    from counterdesk.services.attachments import store_of
    from counterdesk.services.audit import verify_all

    cli = context(ctx)
    with Session(cli.engine) as session:
        results = verify_all(session)
        files_checked, file_break = integrity.first_break(session, store_of(cli.settings))
    broken = file_break is not None
    report: dict[str, dict[str, Any]] = {}
    for chain, (checked, first_break) in results.items():
        broken = broken or first_break is not None
        report[chain] = {"checked": checked, "ok": first_break is None,
                         "first_break": None if first_break is None
                         else {"id": first_break.row_id, "reason": first_break.reason}}
    report["stored_files"] = {"checked": files_checked, "ok": file_break is None,
                              "first_break": None if file_break is None
                              else {"id": file_break.sha256, "reason": file_break.sentence}}
    if json_out:
        emit_json(report)
    else:
        for chain, outcome in report.items():
            label = CHAINS.get(chain, chain)
            if outcome["ok"]:
                typer.echo(f"{label}：已核对 {outcome['checked']} 条，完好。")
            else:
                first = outcome["first_break"]
                if chain == "stored_files":
                    typer.echo(f"{label}：{first['reason']}。", err=True)
                else:
                    typer.echo(f"{label}：第一条异常记录 id={first['id']}，{first['reason']}。", err=True)
    if broken:
        raise typer.Exit(1)
