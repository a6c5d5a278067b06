"""The ``counterdesk`` command: no subcommand starts the TUI; subcommands serve supervisors and scripts.

Command groups are imported here but keep their own heavy imports (SQLModel, reportlab, Textual)
inside the commands, so ``counterdesk --help`` stays quick.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from counterdesk.cli import (
    audit,
    batch,
    catalog,
    hall,
    papers,
    promises,
    queue,
    ratings,
    staff,
    system,
    transfer,
    visits,
)
from counterdesk.cli.common import CliContext, explain, fail
from counterdesk.config import load_settings

app = typer.Typer(
    name="counterdesk",
    help="跨域通办窗口终端：不带子命令运行时启动窗口向导界面。",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog.app, name="catalog")
app.add_typer(staff.app, name="staff")
app.add_typer(batch.app, name="batch")
app.add_typer(batch.licenses_app, name="licenses")
batch.register(app)
system.register(app)
papers.register(app)
app.command("receipt")(papers.receipt)
app.command("notice")(papers.notice)
app.command("acceptance")(papers.acceptance)
app.command("refusal")(papers.refusal)
app.command("commitment")(papers.commitment)
app.command("packet")(papers.packet)
app.add_typer(papers.scans_app, name="scans")
queue.register(app)
promises.register(app)
app.add_typer(audit.app, name="audit")
visits.register(app)
ratings.register(app)
app.add_typer(hall.app, name="hall")
app.add_typer(transfer.app, name="transfer")
app.command("release")(transfer.release)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option("--home", help="工作目录（COUNTERDESK_HOME），默认当前目录。")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库地址（COUNTERDESK_DB_URL），默认 HOME/data/counterdesk.db。")] = None,
) -> None:
    """跨域通办窗口终端（一件事一次办）。"""
    ctx.obj = CliContext(load_settings(home, db))
    if ctx.invoked_subcommand is None:
        from counterdesk.tui.app import run_tui

        code = run_tui(ctx.obj.settings)
        raise typer.Exit(code or 0)


def run() -> None:
    """Console-script entry point."""
    try:
        try:
            try:
                app()
            except KeyboardInterrupt:
                fail("已中断。", 130)
            except (OSError, ArithmeticError) as error:
                # A fault met outside a command (the TUI's own start-up, the root options): one sentence too.
                explain(error)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except SystemExit as leaving:
        _leave(leaving)
        raise


def _leave(leaving: SystemExit) -> None:
    """End the process as soon as the command is done, without tearing every module down.

    Python's own exit frees every object of SQLAlchemy, pydantic and the rest one by one, which
    costs a short command about a third of its CPU time. Here the output is flushed and the exit
    handlers run (the database's connections closed, logs flushed, the scan checker stopped) as on
    any exit; only that teardown is skipped. Python's way is kept when anything is left to it: a
    thread still running, an output that cannot be flushed (a closed pipe), an exit with a message.
    """
    code = leaving.code
    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    os._exit(code or 0)
