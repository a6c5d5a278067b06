"""Alembic environment: runs on the connection handed over by ``counterdesk.store.engine``."""

from alembic import context
from sqlmodel import SQLModel

import counterdesk.store.models  # noqa: F401  (registers the tables)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("counterdesk migrations run through counterdesk.store.engine.migrate()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
