"""What every command group shares: the context (settings, engine), JSON output, clean errors."""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from counterdesk.config import Settings, load_settings
from counterdesk.domain.errors import CounterdeskError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from counterdesk.documents.pdf.rendered import RenderedPdf

F = TypeVar("F", bound=Callable[..., Any])

ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已存在的同名文件（不会覆盖文件夹、设备或符号链接）。")]
"""Every command that writes a file named by ``-o`` takes this; without it an existing path is refused."""


@dataclass
class CliContext:
    """Built once per process by the root callback, stored in ``ctx.obj``."""

    settings: Settings
    _engine: Any = field(default=None, repr=False)

    @property
    def engine(self):
        """The database engine, migrated to head on first use."""
        if self._engine is None:
            from counterdesk.store.engine import open_database

            self._engine = open_database(self.settings.db_url, home=self.settings.home)
            _OPEN_ENGINES.add(self._engine)
        return self._engine


_OPEN_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
"""The engines commands opened, closed on any way out of the process (see ``cli.main._leave``).

Held weakly: a command run in-process (the tests' CliRunner) must not keep its engine, and with it
a pool of database connections, alive until the process ends."""


@atexit.register
def _dispose_engines() -> None:
    for engine in list(_OPEN_ENGINES):
        engine.dispose()


def context(ctx: typer.Context) -> CliContext:
    """The CLI context, also when a command is invoked without the root callback (tests)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliContext):
        root.obj = CliContext(load_settings())
    return root.obj


def catalog_of(ctx: typer.Context):
    """The hall's catalog (``COUNTERDESK_CATALOG``, else the shipped one), parsed once and cached in the home."""
    from counterdesk.catalog import hall_catalog

    return hall_catalog(context(ctx).settings)


def lookup_of(ctx: typer.Context):
    """The hall's catalog for a command that shows a few matters: read a matter at a time from the
    cache's index and the matters' own files (``lookup_catalog``), not all of it."""
    from counterdesk.catalog import lookup_catalog

    return lookup_catalog(context(ctx).settings)


def emit_json(data: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def write_pdf(output: Path, pdf: RenderedPdf, *, force: bool = False) -> None:
    """Write a PDF to ``output`` (atomically, owner-only); say on stderr, in one line, what it prints as blanks.

    The file is written all the same and the exit code stays 0: the clerk fills the character in by hand.
    """
    from counterdesk.documents.output import write_atomically

    write_atomically(output, pdf, force=force)
    if pdf.warning:
        sys.stderr.write(pdf.warning + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear sentence on stderr, then exit with ``code``."""
    sys.stderr.write(message.rstrip() + "\n")
    raise typer.Exit(code)


def refusals(func: F) -> F:
    """Turn a service's refusal, or a fault of the machine (read-only database, full disk,
    file-size limit, a number too large), into one sentence on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CounterdeskError as error:
            fail(error.message, error.exit_code)
        except (OSError, ArithmeticError) as error:
            explain(error)
        except Exception as error:
            if type(error).__module__.startswith("sqlalchemy"):
                explain(error)
            raise

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature; mypy cannot see that


def explain(error: BaseException) -> NoReturn:
    """End with the sentence for a fault, or re-raise what no sentence describes."""
    from counterdesk.store.faults import as_refusal

    refusal = as_refusal(error)
    if refusal is None:
        raise error
    fail(refusal.message, refusal.exit_code)


def read_password(prompt: str = "密码", env: str = "COUNTERDESK_PASSWORD", confirm: bool = False) -> str:
    """A password from ``env`` or a hidden prompt (asked twice with ``confirm``)."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        fail(f"请设置环境变量 {env} 或在终端中运行以输入{prompt}。")
    value = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    return value


def parse_answers(pairs: list[str]) -> dict[str, str]:
    """``--answer Q=O`` pairs as a question → option mapping; a malformed pair is a usage error."""
    answers: dict[str, str] = {}
    for pair in pairs:
        question, equals, option = (part.strip() for part in pair.partition("="))
        if not equals or not question or not option:
            fail(f"回答“{pair}”的格式应为 问题编号=选项编号。")
        answers[question] = option
    return answers
