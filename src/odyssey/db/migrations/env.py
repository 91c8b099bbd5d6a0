"""Alembic environment. Migrations run on a connection handed in by `odyssey.db.migrate`."""

from __future__ import annotations

from alembic import context

# Imported for what importing does: registering their tables on Base.metadata.
import odyssey.db.auth_tables
import odyssey.db.media_tables  # noqa: F401
from odyssey.db.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand without our wrapper
    raise RuntimeError("run migrations with `odyssey migrate`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
