"""``counterdesk catalog``: Hunan's divisions, matter search, the guide of one matter, the checker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from counterdesk.cli.common import catalog_of, context, emit_json, parse_answers, refusals
from counterdesk.domain.text import REQUIRED_HEADING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.table import Table

app = typer.Typer(help="事项目录：区划、事项、办事指南", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON。")]


def _console():
    from rich.console import Console

    return Console(highlight=False)


@app.command("regions")
@refusals
def regions(
    ctx: typer.Context,
    city: Annotated[str | None, typer.Option("--city", help="只列出该市州（6 位代码）。")] = None,
    json_out: JsonOpt = False,
) -> None:
    """列出湖南省的市州及其办理地：市本级、区县和功能区。"""
    catalog = catalog_of(ctx)
    cities = [catalog.city(city)] if city else list(catalog.cities)
    if json_out:
        emit_json(
            [
                {"code": c.code, "name": c.name, "city_level": {"code": c.code, "name": c.city_level.name},
                 "counties": [{"code": k.code, "name": k.name} for k in c.counties],
                 "areas": [{"code": a.code, "name": a.name} for a in c.areas]}
                for c in cities
            ]
        )
        return
    from rich.table import Table

    table = Table(title=f"{catalog.province.name}行政区划", show_lines=True)
    table.add_column("代码", no_wrap=True)
    table.add_column("市州", no_wrap=True)
    table.add_column("办理地（市本级、区县、功能区）", overflow="fold")
    for c in cities:
        table.add_row(c.code, c.name, "　".join(f"{k.name} {k.code}" for k in c.places))
    _console().print(table)


@app.command("search")
@refusals
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="关键词：汉字、全拼或拼音首字母（如 就业困难、jiuye、jykn）。")] = "",
    audience: Annotated[
        str | None, typer.Option("--audience", help="personal（个人办事）、enterprise（企业办事）或 policy（政策兑现）。")
    ] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="生命周期主题，如 就业创业。")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="事项类型，如 行政许可。")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="办理地区：区县代码，或市州代码（其下任一办理地）。")
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="只看一个办理地：区县或功能区代码，或市州代码（即市本级）。")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """按关键词和筛选条件查找事项；不带关键词时列出符合筛选条件的全部事项。"""
    catalog = catalog_of(ctx)
    found = catalog.search(query, audience=audience, theme=theme, type=type_, region=region, place=place)
    if json_out:
        emit_json([{"code": m.code, "name": m.name, "audience": m.audience, "theme": m.theme, "type": m.type} for m in found])
        return
    if not found:
        typer.echo("没有找到符合条件的事项。")
        nearest = catalog.suggest(query, audience=audience, theme=theme, type=type_, region=region, place=place)
        if nearest:
            typer.echo("您是不是要找：")
            for m in nearest:
                typer.echo(f"  {m.code}  {m.name}")
        return
    from rich.table import Table

    table = Table(title=f"找到 {len(found)} 个事项")
    for column in ("编码", "名称", "类别", "主题", "类型"):
        table.add_column(column, no_wrap=column == "编码", overflow="fold")
    for m in found:
        table.add_row(m.code, m.name, m.audience_label, m.theme, m.type)
    _console().print(table)


@app.command("show")
@refusals
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="事项编码，如 ZC-JYKN-001。")],
    answer: Annotated[
        list[str] | None, typer.Option("--answer", help="办事情形的回答，格式 问题编号=选项编号，可重复。")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """显示事项的办事指南：按已回答的办事情形列出仍需回答的问题和需要提交的材料。"""
    from counterdesk.domain.guidance import guide

    answers = parse_answers(answer or [])
    catalog = catalog_of(ctx)
    result = guide(catalog.matter(code), answers)
    if json_out:
        emit_json(result.as_dict())
        return
    _render_guide(result, catalog.where_handled(result.matter))


def _render_guide(result, places: str) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from counterdesk.domain.guidance import requirement_label

    matter = result.matter
    console = _console()
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    legal = f"{matter.legal_time_limit_days} 个工作日" if matter.legal_time_limit_days is not None else "—"
    for label, value in (
        ("简介", matter.summary),
        ("编码", matter.code),
        ("类别", f"{matter.audience_label} · {matter.theme} · {matter.type}"),
        ("承诺时限", f"{matter.time_limit_days} 个工作日"),
        ("法定时限", legal),
        ("收费", matter.fee or "—"),
        ("咨询电话", matter.phone or "—"),
        ("办理地区", places),
        ("办理模式", matter.mode_label),
        ("又称", "、".join(matter.aliases) or "—"),
    ):
        facts.add_row(label, value)
    console.print(Panel(facts, title=matter.name))
    if matter.items:
        console.print(_table("包含事项", ("事项", "办理部门"), [(i.name, i.department) for i in matter.items]))
    if result.questions:
        rows: list[tuple[str, ...]] = []
        for question in result.questions:
            chosen = question.option(result.answers.get(question.id, ""))
            choices = "\n".join(f"{o.id}：{o.text}" for o in question.options)
            rows.append((question.id, question.text, chosen.text if chosen else "[yellow]待回答[/]", choices))
        console.print(_table("办事情形", ("编号", "问题", "回答", "选项"), rows))
    materials = [
        (m.code, m.name, m.kind_label, str(m.copies), requirement_label(matter, m, result.answers), m.note)
        for m in result.materials
    ]
    console.print(_table("申请材料", ("编号", "材料名称", "原件/复印件", "份数", REQUIRED_HEADING, "说明"), materials))
    for title, lines in (("办理流程", matter.process), ("受理条件", matter.conditions), ("设定依据", matter.legal_basis)):
        if lines:
            numbered = Table.grid(padding=(0, 1))
            numbered.add_column(no_wrap=True)
            numbered.add_column(overflow="fold")
            for n, line in enumerate(lines, 1):
                numbered.add_row(f"{n}.", line)
            console.print(Panel(numbered, title=title, title_align="left"))
    if matter.faq:
        console.print(Panel("\n\n".join(f"问：{f.q}\n答：{f.a}" for f in matter.faq), title="常见问题", title_align="left"))
    if not result.complete:
        console.print(f"[yellow]还有 {len(result.pending)} 个办事情形问题待回答，材料清单可能随回答变化。[/]")


def _table(title: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


@app.command("check")
def check(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """检查事项目录：列出每一处错误（文件:字段: 说明），有错误时退出码为 2。"""
    from counterdesk.catalog import CatalogError, clear_cache, load_catalog

    directory = context(ctx).settings.catalog_dir
    clear_cache()
    try:
        catalog = load_catalog(directory)
    except CatalogError as error:
        if json_out:
            emit_json({"ok": False, "problems": [p._asdict() for p in error.problems]})
        else:
            for problem in error.problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"共 {len(error.problems)} 处错误。", err=True)
        raise typer.Exit(2) from None
    counties = sum(len(city.counties) for city in catalog.cities)
    areas = sum(len(city.areas) for city in catalog.cities)
    if json_out:
        emit_json({"ok": True, "matters": len(catalog.matters), "cities": len(catalog.cities), "counties": counties,
                   "areas": areas, "holiday_years": sorted(catalog.calendar.years), "problems": []})
        return
    years = "、".join(str(year) for year in sorted(catalog.calendar.years)) or "无"
    typer.echo(f"事项目录检查通过：{len(catalog.matters)} 个事项，{len(catalog.cities)} 个市州（各有市本级）、"
               f"{counties} 个区县、{areas} 个功能区；已载入节假日安排的年份：{years}。")
