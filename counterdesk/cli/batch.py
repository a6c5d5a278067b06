"""``counterdesk batch``, ``counterdesk export`` and ``counterdesk licenses``: files in and out.

On a terminal the import shows a progress bar and a summary table; with ``--json`` or when the
output is not a terminal it prints exactly one JSON document. Exit codes: 0 nothing rejected,
1 some rows rejected, 2 the file could not be read at all. Whatever a row contains is shown
literally: Rich markup stays text and control characters are shown as escapes.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from counterdesk.cli.common import ForceOpt, catalog_of, context, emit_json, fail, refusals
from counterdesk.cli.staff import acting
from counterdesk.domain.text import required_label, shown

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

app = typer.Typer(help="批量导入办件（JSON Lines 或 CSV）与导入模板。", no_args_is_help=True)
licenses_app = typer.Typer(help="电子证照：从文件导入。", no_args_is_help=True)

FormatOpt = Annotated[str | None, typer.Option("--format", help="jsonl 或 csv，默认按文件扩展名判断。")]
StaffOpt = Annotated[str | None, typer.Option("--staff", help="执行操作的工号（密码取自 COUNTERDESK_PASSWORD 或提示输入）。")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档（非终端输出时自动启用）。")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查，不保存任何数据或文件。")]
RejectsOpt = Annotated[Path | None, typer.Option("--rejects", help="拒收行写入的文件，默认为 <文件名>.rejects.<格式>。")]
SHOWN_REJECTS = 20
INTERRUPTED = "已中断：已提交的行均已保存，重新运行同一命令即可导入其余行。"


def register(root: typer.Typer) -> None:
    """Add ``counterdesk export`` to the root command."""
    root.command("export")(export)


def _machine_output(json_out: bool) -> bool:
    return json_out or not sys.stdout.isatty()


@app.command("import")
@refusals
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="要导入的 JSON Lines 或 CSV 文件。")],
    fmt: FormatOpt = None,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
    chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, help="每个事务提交的行数。")] = 200,
) -> None:
    """导入办件：每行按窗口同样的规则检查；ref 已导入且内容相同的行计为重复，内容不同的行拒收。"""
    from rich.console import Console
    from sqlmodel import Session

    from counterdesk.services.batch import import_batch

    cli = context(ctx)
    actor = acting(ctx, staff)
    catalog = catalog_of(ctx)
    machine = _machine_output(json_out)
    console = Console(highlight=False)
    with Session(cli.engine) as session, _ProgressBar(console, machine) as progress:
        try:
            result = import_batch(session, actor=actor, catalog=catalog, settings=cli.settings, path=file, fmt=fmt,
                                  dry_run=dry_run, rejects_path=rejects, progress=progress, chunk_rows=chunk_size)
        except KeyboardInterrupt:
            fail(INTERRUPTED, 130)
    _report(result, machine, console, "导入" if not dry_run else "检查（未保存）")


class _ProgressBar:
    """A rich progress bar over the bytes read, on a terminal only; used as the import's callback."""

    def __init__(self, console, machine: bool) -> None:
        self.console, self.machine = console, machine
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self):
        if self.machine:
            return None
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                            TimeRemainingColumn(), console=self.console, transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task("读取中", total=None)
        return self

    def __call__(self, result, position: int, size: int) -> None:
        if self.bar is None or self.task is None:  # on a terminal only
            return
        self.bar.update(self.task, completed=position, total=size or None,
                        description=f"已处理 {result.total} 行")

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _report(result, machine: bool, console, verb: str) -> None:
    if machine:
        emit_json(result.as_dict())
    else:
        _summary(result, console, verb)
    raise typer.Exit(1 if result.rejected else 0)


def _summary(result, console, verb: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{verb}结果", show_header=False)
    for label, value in (("读取行数", result.total), ("已导入" if not result.dry_run else "可导入", result.imported),
                         ("重复（已导入过）", result.duplicates), ("拒收", result.rejected)):
        table.add_row(label, str(value))
    console.print(table)
    if result.rejections:
        rejected = Table("行号", "代码", "原因", title="拒收的行")
        for item in result.rejections[:SHOWN_REJECTS]:
            rejected.add_row(str(item.line), shown(item.code), shown(item.reason, newlines=True))
        console.print(rejected)
        if result.rejected > SHOWN_REJECTS:
            console.print(f"……另有 {result.rejected - SHOWN_REJECTS} 行，见拒收文件。")
    if result.rejects_path:
        console.print(Text(f"拒收的行已写入 {result.rejects_path}，修改后可再次导入。"))


@app.command("template")
@refusals
def template(
    ctx: typer.Context,
    matter: Annotated[str, typer.Argument(help="事项编码，如 ZC-JYKN-001。")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl 或 csv。")] = "jsonl",
    county: Annotated[str | None, typer.Option("--county", help="预先填入的办理地区县代码。")] = None,
) -> None:
    """打印一个事项的导入模板：情形问题及选项、材料清单（CSV 格式时说明写到标准错误）。"""
    import csv
    import json

    from counterdesk.services.export import template_csv_row, template_row

    catalog = catalog_of(ctx)
    if county:
        catalog.county(county)
    row = template_row(catalog.matter(matter), county)
    if fmt == "jsonl":
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        columns, flat = template_csv_row(row)
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerow(flat)
        for qid, question in row["_questions"].items():
            when = f"（仅当 {question['when']}）" if question["when"] else ""
            options = "；".join(f"{k}={v}" for k, v in question["options"].items())
            sys.stderr.write(f"answers.{qid}：{question['text']}{when} {options}\n")
        for code, material in row["_materials"].items():
            when = f"（仅当 {material['when']}）" if material["when"] else ""
            need = required_label(material["required"])
            tolerable = material["tolerable"]
            if tolerable:
                need += "，可容缺（写入 tolerated）" + (f"仅当 {tolerable}" if isinstance(tolerable, str) else "")
            if material["commitment"]:
                need += "，可告知承诺（写入 committed）"
            sys.stderr.write(f"attachments.{code}：{material['name']}，{need}{when}\n")
    else:
        fail(f"不支持的格式 {fmt}，只能是 jsonl 或 csv。")


@refusals
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("-o", "--output", help="导出文件；附件复制到 <文件>.files/ 下。")],
    day: Annotated[str | None, typer.Option("--date", help="只导出这一天提交的办件（YYYY-MM-DD），默认全部。")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl 或 csv。")] = "jsonl",
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """按导入格式导出已提交的办件（值班长），导出文件可导入另一个数据库。"""
    from sqlmodel import Session

    from counterdesk.services.export import export as export_service

    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        fail(f"日期“{day}”应为 YYYY-MM-DD 格式。")
    cli = context(ctx)
    actor = acting(ctx, staff)
    with Session(cli.engine) as session:
        count = export_service(session, actor=actor, settings=cli.settings, out=out, fmt=fmt, day=chosen,
                               force=force)
    if json_out:
        emit_json({"exported": count, "file": str(out), "files_dir": str(out.with_name(f"{out.name}.files"))})
    else:
        typer.echo(f"已导出 {count} 件办件到 {out}（附件在 {out.name}.files/ 下）。")


@licenses_app.command("import")
@refusals
def licenses_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="电子证照的 JSON Lines 或 CSV 文件。")],
    fmt: FormatOpt = None,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    staff: StaffOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """导入电子证照（值班长）：持证人、类型、编号相同且内容相同的行计为重复，内容不同的拒收。"""
    from rich.console import Console
    from sqlmodel import Session

    from counterdesk.services.licenses import import_licenses

    cli = context(ctx)
    actor = acting(ctx, staff)
    with Session(cli.engine) as session:
        try:
            result = import_licenses(session, actor=actor, settings=cli.settings, path=file, fmt=fmt,
                                     dry_run=dry_run, rejects_path=rejects)
        except KeyboardInterrupt:
            fail(INTERRUPTED, 130)
    _report(result, _machine_output(json_out), Console(highlight=False), "证照导入" if not dry_run else "证照检查（未保存）")
