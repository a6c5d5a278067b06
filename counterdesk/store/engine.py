"""One engine factory for SQLite and PostgreSQL, and the schema migrations (Alembic).

SQLite runs in WAL mode with a busy timeout and foreign keys on, and every transaction starts
with ``BEGIN IMMEDIATE`` so that two windows writing at once wait for each other instead of
failing with "database is locked" when a read transaction tries to become a write.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, func, insert, inspect, select, text
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from counterdesk.domain.errors import StorageError
from counterdesk.store import auditkey

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Pick the driver: a plain ``postgresql://`` URL uses psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, home: Path | None = None) -> Engine:
    """An engine for ``url``; creates the SQLite file's folder (owner-only) when needed.

    ``home`` is the working home whose ``data/`` keeps the audit key (default: ``COUNTERDESK_HOME``).
    """
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as error:
        raise StorageError(f"数据库地址无法识别：{url}", code="db_url") from error
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        try:
            # No server-side prepared statements: psycopg prepares a query after five runs, and the
            # generic plan PostgreSQL then keeps was made for the table's size at that moment. A
            # batch import into a new hall's tables went on scanning them whole as they grew.
            engine = create_engine(parsed, pool_pre_ping=True, connect_args={"prepare_threshold": None})
        except (ImportError, SQLAlchemyError) as error:
            raise StorageError(f"无法使用数据库地址 {url}：{error}", code="db_url") from error
    auditkey.register(engine, home)
    return engine


def sqlite_file(url) -> Path | None:
    """The file of an SQLite URL (also a ``file:…?mode=ro&uri=true`` one); None for memory or a server."""
    parsed = make_url(normalise_url(url)) if isinstance(url, str) else url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        database = database[len("file:"):].partition("?")[0]
        return Path(database) if database and database != ":memory:" else None
    return Path(database)


def _sqlite_engine(parsed) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            # Created owner-only before SQLite opens it: it holds citizens' personal data.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    engine = create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        poolclass=NullPool if database in (None, "", ":memory:") else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if head is None:  # the package ships its migrations
        raise RuntimeError(f"no schema revisions in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, None for an empty one."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def _head_from_files() -> str | None:
    """The newest revision, read from the migration files without Alembic (None if unclear).

    Every command opens the database; asking Alembic costs a third of a second of imports, so
    the usual case — a database already at the newest revision — is told with one query.
    """
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            return None
        revisions.add(found.group(1))
        parents.update(_DOWN_REVISION.findall(text))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version`` by one query; None when there is none (or no table)."""
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except SQLAlchemyError:
        return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; refuse a database newer than this code."""
    if revision == "head" and (stored := _stored_revision(engine)) is not None and stored == _head_from_files():
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    stored = current_revision(engine)
    if stored is not None and stored not in known:
        raise StorageError(
            "数据库的版本比当前程序新，请先升级 counterdesk 再打开此数据库。", code="db_newer"
        )
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def open_database(url: str, *, upgrade: bool = True, home: Path | None = None) -> Engine:
    """Open (and by default migrate) the database at ``url`` with one clear error on failure."""
    engine = make_engine(url, home=home)
    try:
        if upgrade:
            migrate(engine)
        else:
            inspect(engine).get_table_names()
    except StorageError:
        engine.dispose()
        raise
    except (OperationalError, SQLAlchemyError, OSError) as error:
        engine.dispose()
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StorageError(f"无法打开数据库（{reason}），请检查数据库地址和文件。", code="db_open") from error
    return engine


def insert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` of ``model`` in one go; every row must carry the same keys.

    The batch importer and the transfer import write tens of thousands of rows at a time, and
    SQLAlchemy's per-row parameter handling cost more than the database did. Here each value goes
    through its column's own bind processor (dates and times as SQLAlchemy stores them), ``None``
    is NULL (the rows are never split into groups by which values are missing), and the rows go
    to the driver directly: one ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL,
    where an executemany is a statement per row.
    """
    if not rows:
        return
    session.flush()
    connection = session.connection()
    sql, processors, defaults = _compiled_insert(_table(model), tuple(rows[0]), connection.dialect)
    if defaults:  # the columns the rows leave out, filled as the ORM would (one moment for all)
        fill = {key: default.arg(None) if default.is_callable else default.arg for key, default in defaults}
        rows = [{**fill, **row} for row in rows]
    values = [tuple(p(row[k]) if p is not None and row[k] is not None else row[k] for k, p in processors)
              for row in rows]
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(sql, values)
        return
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]  # psycopg's
        for row in values:
            copy.write_row(row)


@functools.lru_cache(maxsize=128)
def _compiled_insert(table: Table, keys: tuple[str, ...], dialect: Dialect) -> tuple[
        str, tuple[tuple[str, Callable[[Any], Any] | None], ...], tuple[tuple[str, Any], ...]]:
    """The statement for rows with ``keys`` (an INSERT, or PostgreSQL's COPY), its columns in
    order with each one's bind processor, and the defaults of the columns with one that ``keys``
    leave out (the statement names them too)."""
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ()) if dialect.positional else tuple(compiled.binds)
    processors = tuple((key, table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in order)
    defaults = tuple((key, table.c[key].default) for key in order if key not in keys)
    if dialect.name != "postgresql":
        return compiled.string, processors, defaults
    quote = dialect.identifier_preparer.quote
    copy = f"COPY {quote(table.name)} ({', '.join(quote(key) for key in order)}) FROM STDIN"
    return copy, processors, defaults


def insert_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (``insert_rows``) and return their new ids, ascending in the rows' order.

    The ids are taken first and the rows go in with them as one executemany. ``INSERT … RETURNING``
    of many rows is worse on both databases: SQLite cannot order what it returns, so SQLAlchemy sends
    one statement per row (four per imported application), and on PostgreSQL it becomes one huge
    statement per thousand rows that psycopg parses again each time. On SQLite every transaction
    began with ``BEGIN IMMEDIATE`` and holds the write lock, so the ids after the table's largest are
    this transaction's; PostgreSQL hands them out from the table's sequence.
    """
    if not rows:
        return []
    table = _table(model)
    if session.get_bind().dialect.name == "sqlite":
        start = session.execute(select(func.max(table.c.id))).scalar() or 0
        ids = list(range(start + 1, start + 1 + len(rows)))
    else:
        ids = sorted(int(i) for i in session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": len(rows)}).scalars())
    insert_rows(session, model, [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)])
    return ids


def _table(model: type) -> Table:
    """The table a SQLModel class maps: inserts go through SQLAlchemy Core, not the ORM's bulk path,
    which costs more per row than the database does."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass
    return table
