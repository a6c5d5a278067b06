"""``counterdesk rate``, ``ratings``, ``cases`` and ``pad``: 好差评 from the shell and the rating pad."""

from __future__ import annotations

from typing import Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, fail, refusals
from counterdesk.cli.queue import DateOpt, parse_day
from counterdesk.cli.staff import acting
from counterdesk.domain.visits import COMMENT_MAX
from counterdesk.domain.windows import window_label

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON。")]
StaffOpt = Annotated[str | None, typer.Option("--staff", help="工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）；复核须值班长。")]
RATING_KEYS = ("number", "score", "reasons", "window", "clerk", "at", "case_status")

cases_app = typer.Typer(help="差评台账：回访、整改、复核、反馈", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the rating commands to the root command."""
    app.command("rate")(rate)
    app.command("ratings")(ratings)
    app.command("pad")(pad)
    app.add_typer(cases_app, name="cases")


@refusals
def rate(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="办件编号。")],
    score: Annotated[int, typer.Option("--score", help="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。")],
    reason: Annotated[list[str] | None, typer.Option(
        "--reason", help="差评原因代码，可重复：slow、unclear、attitude、skill、system、materials、fees、other。")] = None,
    comment: Annotated[str, typer.Option("--comment", help=f"评价意见（不超过 {COMMENT_MAX} 字）。")] = "",
    json_out: JsonOpt = False,
) -> None:
    """补录一个办件的评价（每个办件只能评价一次）。"""
    from sqlmodel import Session

    from counterdesk.domain.visits import check_rating
    from counterdesk.services.ratings import rate_by_number, ratings_of_day

    check_rating(score, tuple(reason or ()), comment)
    cli = context(ctx)
    with Session(cli.engine) as session:
        rating = rate_by_number(session, number=number, score=score, reasons=tuple(reason or ()), comment=comment,
                                calendar=catalog_of(ctx).calendar, case_days=cli.settings.case_days)
        row = next(r for r in ratings_of_day(session, day=rating.rated_on) if r["id"] == rating.id)
    if json_out:
        emit_json({key: row[key] for key in RATING_KEYS})
        return
    typer.echo(f"已记录办件 {number} 的评价：{row['score_label']}。")


@refusals
def ratings(ctx: typer.Context, day: DateOpt = None,
            bad: Annotated[bool, typer.Option("--bad", help="只列出差评（不满意、非常不满意）。")] = False,
            json_out: JsonOpt = False) -> None:
    """列出某天的评价。"""
    from sqlmodel import Session

    from counterdesk.services.ratings import ratings_of_day

    with Session(context(ctx).engine) as session:
        rows = ratings_of_day(session, day=parse_day(day), bad_only=bad)
    if json_out:
        emit_json([{key: row[key] for key in RATING_KEYS} for row in rows])
        return
    if not rows:
        typer.echo("当天没有评价。")
    for row in rows:
        what = row["number"] or f"来访 {row['visit']}"
        typer.echo(f"{row['at'][11:16]}  {what}  {row['score_label']}  {window_label(row['window'])}  {row['clerk']}"
                   + (f"  原因：{'、'.join(row['reasons'])}" if row["reasons"] else ""))


@cases_app.command("list")
@refusals
def cases_list(ctx: typer.Context, open_only: Annotated[bool, typer.Option("--open", help="只列出未办结的。")] = False,
               json_out: JsonOpt = False) -> None:
    """列出差评台账（到期日、是否逾期、进度）。"""
    from sqlmodel import Session

    from counterdesk.services.ratings import cases

    with Session(context(ctx).engine) as session:
        rows = cases(session, open_only=open_only)
    if json_out:
        emit_json(rows)
        return
    if not rows:
        typer.echo("差评台账为空。")
    for row in rows:
        late = "  已逾期" if row["overdue"] else ""
        typer.echo(f"{row['id']}  {row['number'] or '来访'}  {row['status_label']}  整改期限 {row['due_on']}{late}  "
                   f"{'、'.join(row['reasons']) or row['comment']}")


CaseId = Annotated[int, typer.Argument(help="差评台账编号。")]


def _advance(ctx: typer.Context, case_id: int, step: str, text: str, staff: str | None, json_out: bool) -> None:
    from sqlmodel import Session

    from counterdesk.services.ratings import advance_case

    actor = acting(ctx, staff)
    with Session(context(ctx).engine) as session:
        row = advance_case(session, actor=actor, case_id=case_id, step=step, text=text)
    if json_out:
        emit_json(row)
        return
    typer.echo(f"差评 {row['id']}：{row['status_label']}。")


@cases_app.command("callback")
@refusals
def case_callback(ctx: typer.Context, case_id: CaseId,
                  text: Annotated[str, typer.Option("--text", help="回访记录。")], staff: StaffOpt = None,
                  json_out: JsonOpt = False) -> None:
    """登记回访。"""
    _advance(ctx, case_id, "callback", text, staff, json_out)


@cases_app.command("rectify")
@refusals
def case_rectify(ctx: typer.Context, case_id: CaseId,
                 text: Annotated[str, typer.Option("--text", help="整改情况。")], staff: StaffOpt = None,
                 json_out: JsonOpt = False) -> None:
    """登记整改。"""
    _advance(ctx, case_id, "rectify", text, staff, json_out)


@cases_app.command("review")
@refusals
def case_review(ctx: typer.Context, case_id: CaseId,
                text: Annotated[str, typer.Option("--text", help="复核意见。")], staff: StaffOpt = None,
                json_out: JsonOpt = False) -> None:
    """值班长复核整改。"""
    _advance(ctx, case_id, "review", text, staff, json_out)


@cases_app.command("feedback")
@refusals
def case_feedback(ctx: typer.Context, case_id: CaseId,
                  text: Annotated[str, typer.Option("--text", help="反馈给群众的内容。")], staff: StaffOpt = None,
                  json_out: JsonOpt = False) -> None:
    """登记反馈，办结差评。"""
    _advance(ctx, case_id, "feedback", text, staff, json_out)


def pad(ctx: typer.Context,
        window: Annotated[int, typer.Option("--window", help="本评价器所属的窗口号。")]) -> None:
    """启动窗口的好差评评价器（第二个终端，面向群众）。"""
    if window < 1:
        fail("窗口号应为正整数。")
    from counterdesk.tui.pad import run_pad

    raise typer.Exit(run_pad(context(ctx).settings, window))
