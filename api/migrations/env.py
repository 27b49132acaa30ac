"""Alembic's environment for the API's own tables (``api.tables``).

``api.database.migrate`` runs it at start-up on the API's engine, handing over a connection in
``config.attributes["connection"]`` that already holds the migration lock and whose transaction
it commits. From the command line (``alembic -c api/migrations/alembic.ini ...``) it connects
to ``WESH_DATABASE_URL`` itself.

The indexer's tables share the database; they are the indexer's (``indexer.schema``), so
``include_name`` keeps them out of Alembic's sight: autogenerate neither creates nor drops them.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from api import tables
from api.settings import get_settings
from indexer.db import make_engine

config = context.config


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Only the API's own tables (and what belongs to them)."""
    if type_ == "table":
        return name in tables.metadata.tables
    return True


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=tables.metadata,
        include_name=include_name,
        # SQLite alters a table by copying it: autogenerate writes batch operations.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        context.configure(
            url=get_settings().database_url,
            target_metadata=tables.metadata,
            include_name=include_name,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    with make_engine(get_settings().database_url).connect() as connection:
        run(connection)
        connection.commit()


main()
