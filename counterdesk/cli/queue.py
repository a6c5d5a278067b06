"""``counterdesk queue``, ``status``, ``advance``, ``extend``, ``item`` and ``report``: the supervisor's day
from the shell.

``queue``, ``status`` and ``report`` run on the hall's own machine, which holds the database, and
print masked data only; ``advance``, ``extend`` and ``item`` change an application and so log their
``--staff`` in.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli.common import ForceOpt, catalog_of, context, emit_json, fail, lookup_of, refusals, write_pdf
from counterdesk.cli.staff import StaffOpt, acting
from counterdesk.domain.appno import EXAMPLE_NUMBER
from counterdesk.domain.deadline import SIGN_FOR_DAYS
from counterdesk.domain.text import shown, spreadsheet_row

DateOpt = Annotated[str | None, typer.Option("--date", help="日期 YYYY-MM-DD，默认今天。")]
QUEUE_KEYS = ["number", "status", "matter_code", "county_code", "window", "clerk", "submitted_at",
              "applicant_masked", "due_date", "remaining_workdays", "clock", "tolerated", "tolerated_due",
              "tolerated_overdue"]


def register(app: typer.Typer) -> None:
    """Add the supervisor's commands to the root command."""
    app.command("queue")(queue)
    app.command("status")(status)
    app.command("advance")(advance)
    app.command("extend")(extend)
    app.command("item")(item)
    app.command("report")(report)


def parse_day(value: str | None) -> date:
    """``--date`` as a date; today in the hall when omitted."""
    from counterdesk.domain.clock import today

    if not value:
        return today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f"日期“{value}”无效，格式应为 YYYY-MM-DD，例如 2026-11-24。")


@refusals
def queue(
    ctx: typer.Context,
    day: DateOpt = None,
    status_: Annotated[str | None, typer.Option("--status", help="只列出此状态，如 received、accepted。")] = None,
    window: Annotated[int | None, typer.Option("--window", help="只列出此窗口号。")] = None,
    clerk: Annotated[str | None, typer.Option("--clerk", help="只列出此工号经办的。")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="列出各日已逾期（超过承诺办结日期）的办件。")] = False,
    warning: Annotated[bool, typer.Option("--warning", help="列出各日剩余不超过 2 个工作日的预警办件。")] = False,
    in_transit: Annotated[bool, typer.Option("--in-transit", help="列出各日已寄出、办理地尚未签收的在途办件。")] = False,
    unsigned: Annotated[bool, typer.Option("--unsigned", help=f"列出寄出超过 {SIGN_FOR_DAYS} 个工作日仍未签收的办件。")] = False,
    owed: Annotated[bool, typer.Option("--owed", help="列出各日尚欠容缺材料（容缺待补）的在办办件，补交期限近者在前。")] = False,
    owed_overdue: Annotated[bool, typer.Option("--owed-overdue", help="列出各日容缺材料已过补交期限（容缺逾期）的在办办件。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="输出 CSV。")] = False,
) -> None:
    """列出某天提交的办件（申请人信息已脱敏）；--overdue、--warning、--owed 等列出各日的逾期、预警、容缺待补办件。"""
    from sqlmodel import Session

    from counterdesk.domain.workflow import STATUSES
    from counterdesk.services.queue import day_queue

    if json_out and csv_out:
        fail("--json 和 --csv 只能选一个。")
    chosen = [name for name, on in (("overdue", overdue), ("warning", warning), ("in_transit", in_transit),
                                    ("unsigned", unsigned), ("owed", owed), ("owed_overdue", owed_overdue)) if on]
    if len(chosen) > 1:
        fail("--overdue、--warning、--in-transit、--unsigned、--owed 和 --owed-overdue 只能选一个。")
    due = chosen[0] if chosen else None
    when = parse_day(day)
    catalog = catalog_of(ctx)
    with Session(context(ctx).engine) as session:
        page = day_queue(session, actor=None, day=when, catalog=catalog, status=status_, window=window,
                         clerk=clerk, page_size=None, due=due)
    if json_out:
        emit_json([row.to_dict() for row in page.rows])
        return
    if csv_out:
        writer = csv.DictWriter(sys.stdout, fieldnames=QUEUE_KEYS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(spreadsheet_row(_flat(row.to_dict())) for row in page.rows)
        return
    _print_queue(when, page, STATUSES, due)


def _flat(row: dict) -> dict:
    """A queue row for one CSV line: the codes still owed in one cell, separated by ``;``."""
    return {**row, "tolerated": ";".join(row["tolerated"])}


def _print_queue(when: date, page, labels: dict[str, str], due: str | None = None) -> None:
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from counterdesk.domain.clock import show
    from counterdesk.services.queue import DUE_FILTERS

    counts = "，".join(f"{labels.get(code, code)} {n}" for code, n in page.counts_by_status.items())
    scope = f"{DUE_FILTERS[due]}办件" if due else when.isoformat()
    console = Console()
    # At under 120 columns the 32-character number breaks after its day, as the TUI's queue does,
    # so every heading keeps its full width; light rules and no outer padding leave the most room.
    narrow = console.width < 120
    table = Table(title=f"{scope} 共 {page.total} 件" + (f"（{counts}）" if counts else ""),
                  box=box.SIMPLE_HEAD, pad_edge=False, padding=0)
    table.add_column("办件编号", no_wrap=True, min_width=16 if narrow else 32)
    table.add_column("状态", no_wrap=True, min_width=6)
    for heading in ("事项", "区县", "窗口", "经办人", "提交时间", "申请人", "剩余工作日"):
        table.add_column(heading, min_width=cell_len(heading), overflow="fold")
    for row in page.rows:
        clock = row.deadline
        style = "red" if clock and clock.overdue else "yellow" if clock and clock.warning else ""
        number = row.number.replace("-", "-\n", 2).replace("-\n", "-", 1) if narrow else row.number
        table.add_row(number, row.status_label, shown(row.matter_name or row.matter_code),
                      row.county_name or row.county_code, str(row.window or ""), shown(row.clerk_name or row.clerk),
                      show(row.submitted_at, "%m-%d %H:%M" if due else "%H:%M"), shown(row.applicant_masked),
                      Text(clock.remaining_label if clock else "—", style=style))
    console.print(table)


@refusals
def status(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=f"办件编号，如 {EXAMPLE_NUMBER}。")],
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """查询办件进度：当前状态和办理记录。编号格式或校验位有误时退出码为 2，查无此件为 1。"""
    from sqlmodel import Session

    from counterdesk.services.queue import progress

    with Session(context(ctx).engine) as session:
        found = progress(session, number=number, catalog=lookup_of(ctx))
    if json_out:
        emit_json(found.to_dict())
        return
    _print_progress(found)


def _print_progress(found) -> None:
    from rich.console import Console
    from rich.table import Column, Table
    from rich.text import Text

    from counterdesk.domain.clock import show
    from counterdesk.domain.items import item_event_text
    from counterdesk.domain.promise import supplied_event_text
    from counterdesk.domain.workflow import EventKind, status_label

    console = Console()
    console.print(Text(f"{found.number}  {found.status_label}", style="bold"))
    console.print(Text(f"{found.matter_name or found.matter_code} · {found.county_name or found.county_code}"
                       f" · 申请人 {found.applicant_masked} · 提交于 {show(found.submitted_at)}"
                       + (f" · 收件大厅 {found.received_by}" if found.received_by else "")))
    if found.deadline is not None and found.deadline.due_date is not None:
        console.print(Text(f"承诺办结 {found.deadline.due_date.isoformat()} · {found.deadline.remaining_sentence}"))
    if found.owed.codes:
        due = found.owed.due_on.isoformat() if found.owed.due_on else "—"
        console.print(Text(f"{found.owed.label}：{'、'.join(found.owed.codes)}，补交期限 {due}",
                           style="bold red" if found.owed.overdue else "bold yellow"))
    for promise in found.promises:
        due = f"，{promise.due_label} {promise.due_on.isoformat()}" if promise.due_on else ""
        console.print(Text(f"{promise.kind_label} {promise.material_name or promise.material_code}"
                           f"（{promise.material_code}）：{promise.state_label}{due}", style="dim"))
    if found.items:
        items = Table(title="包含事项")
        for heading in ("序号", "包含事项", "办理部门", "状态", "日期"):
            items.add_column(heading, overflow="fold")
        for entry in found.items:
            items.add_row(str(entry.number), shown(entry.name), shown(entry.department), entry.status_label,
                          show(entry.changed_at, "%Y-%m-%d") or "—")
        console.print(items)
    table = Table("时间", Column("状态变化", overflow="fold"), "大厅", "经办人", "说明")
    for event in found.events:
        change = (item_event_text(event.detail or {}) if event.kind == EventKind.ITEM else
                  supplied_event_text(event.detail or {}) if event.kind == EventKind.SUPPLIED else
                  f"{status_label(event.from_status) if event.from_status else ''} → {status_label(event.to_status)}")
        table.add_row(show(event.at), change, event.hall_code or "", shown(event.by),
                      shown(event.reason or "", newlines=True))
    console.print(table)


@refusals
def advance(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    to: Annotated[str, typer.Option("--to", help="新状态：accepted、in_progress、completed、supplement_requested、"
                                                 "resubmitted、rejected、withdrawn。")],
    reason: Annotated[str | None, typer.Option("--reason", help="原因；补正、不予受理和撤回须写明原因。")] = None,
    material: Annotated[list[str] | None, typer.Option(
        "--material", help="补正：需补正的材料编号（如 M05），可重复；打印一次性告知单时逐项列出。")] = None,
    deadline_days: Annotated[int | None, typer.Option(
        "--deadline-days", help="补正：补齐材料的期限（工作日，默认 5）。")] = None,
    staff: StaffOpt = None,
) -> None:
    """变更办件状态（受理、补正、不予受理、办结、撤回……）；补正须用 --material 列明材料。"""
    from sqlmodel import Session

    from counterdesk.domain.workflow import Status, status_label
    from counterdesk.services.workflow import advance as advance_service

    supplement = to == Status.SUPPLEMENT_REQUESTED
    if not supplement and (material or deadline_days is not None):
        fail("--material 和 --deadline-days 只用于补正（--to supplement_requested）。")
    if supplement and not material:
        fail("补正须用 --material 列明需补正的材料编号，可重复。")
    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        if supplement:
            from counterdesk.services.supplements import request

            moved, notice = request(session, actor=actor, number_or_id=number, materials=material or [], reason=reason,
                                    deadline_days=deadline_days, catalog=catalog_of(ctx))
        else:
            moved = advance_service(session, actor=actor, number_or_id=number, to_status=to, reason=reason,
                                    catalog=catalog_of(ctx))
    typer.echo(f"办件 {moved.number} 已由“{status_label(moved.from_status)}”改为“{status_label(moved.to_status)}”。")
    if supplement:
        typer.echo(f"第 {notice.seq} 次补正告知：{'、'.join(notice.materials)}，"
                   f"请于 {notice.deadline.isoformat()} 前补齐"
                   f"（counterdesk notice {moved.number} -o 文件 打印一次性告知单）。")


@refusals
def extend(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    days: Annotated[int, typer.Option("--days", help="延长的工作日数（1–60）。")],
    reason: Annotated[str, typer.Option("--reason", help="延期理由。")],
    staff: StaffOpt = None,
) -> None:
    """延期：值班长批准延长已受理办件的办理时限（按工作日），须写明理由。"""
    from sqlmodel import Session

    from counterdesk.services.deadlines import extend as extend_service

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        found = extend_service(session, actor=actor, number_or_id=number, days=days, reason=reason,
                               catalog=catalog_of(ctx))
    due = f"，承诺办结日期为 {found.due_date.isoformat()}" if found.due_date else ""
    typer.echo(f"办件 {number.strip()} 的办理时限已延长 {days} 个工作日{due}。")


@refusals
def item(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    index: Annotated[int, typer.Option("--item", help="包含事项的序号（从 1 起，见 counterdesk status）。")],
    to: Annotated[str, typer.Option("--to", help="新状态：pending（待办）、in_progress（办理中）、done（已办结）、"
                                                 "refused（不予办理）。")],
    note: Annotated[str | None, typer.Option("--note", help="说明（选填），如部门的办理意见。")] = None,
    staff: StaffOpt = None,
) -> None:
    """变更一件事中某一包含事项的办理状态；各项均已办结或不予办理后，办件才能办结（统一出件）。"""
    from sqlmodel import Session

    from counterdesk.domain.items import ITEM_STATUSES
    from counterdesk.services.items import set_status

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        changed = set_status(session, actor=actor, number_or_id=number, item=index, to_status=to, note=note,
                             catalog=catalog_of(ctx))
    typer.echo(f"办件 {changed.number} 的事项 {changed.item.number}“{changed.item.name}”已由"
               f"“{ITEM_STATUSES[changed.from_status]}”改为“{changed.item.status_label}”。")


@refusals
def report(
    ctx: typer.Context,
    day: DateOpt = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="保存路径（PDF，或配合 --csv 保存 CSV）。")] = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="输出 CSV（无 -o 时打印到标准输出）。")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    force: ForceOpt = False,
) -> None:
    """某天的办件统计日报：按状态、事项、区县、经办人计数，提交至受理用时中位数，附图表。"""
    from sqlmodel import Session

    from counterdesk.documents.output import refuse_unsafe_target, write_atomically
    from counterdesk.services import report as report_service

    if not (output or csv_out or json_out):
        fail("请用 -o 指定日报 PDF 的保存路径，或使用 --csv / --json。")
    when = parse_day(day)
    if output is not None and not json_out:
        refuse_unsafe_target(output, force=force)
    with Session(context(ctx).engine) as session:
        figures = report_service.daily_report(session, day=when, catalog=catalog_of(ctx))
    if json_out:
        emit_json(figures.to_dict())
        return
    if csv_out and output is None:
        sys.stdout.write(report_service.render_csv(figures))
        return
    assert output is not None  # without -o, --json and --csv have printed and returned
    if csv_out:
        write_atomically(output, report_service.render_csv(figures).encode("utf-8-sig"), force=force)
    else:
        write_pdf(output, report_service.render_pdf(figures), force=force)
    typer.echo(f"已保存 {when.isoformat()} 的日报：{output}（共 {figures.total} 件）。")

