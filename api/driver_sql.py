"""A SELECT compiled once for an engine and run straight on the driver's cursor.

For the one or two lookups that every request of a hot route makes (the session, the index
version): SQLAlchemy's execution layer (an execution context, parameter processing, a result
object) costs three times the query itself on SQLite, about 20 microseconds a statement. The
statement is still written with SQLAlchemy Core, so it is the same on SQLite and PostgreSQL;
only its running skips the layer. What comes back is the driver's own row: no type processing,
so it suits plain integer, text and float columns.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


class DriverSelect:
    """``statement`` compiled for ``engine``'s dialect; ``first(**params)`` runs it on a pooled
    connection's cursor and returns the driver's first row (None: no row)."""

    def __init__(self, engine: Engine, statement: sa.Select[Any]) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        self.engine = engine
        self.sql = str(compiled)
        #: Values compiled in (a LIMIT); the caller's named parameters go on top.
        self.defaults = dict(compiled.params)
        #: The parameter names in order for a positional driver (SQLite's "?"), else None.
        self.positions = compiled.positiontup if compiled.positional else None

    def first(self, **params: Any) -> tuple[Any, ...] | None:
        values = {**self.defaults, **params}
        args: Any = values
        if self.positions is not None:
            args = tuple(values[name] for name in self.positions)
        conn = self.engine.raw_connection()
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(self.sql, args)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            conn.close()  # back to the pool, rolled back
        return tuple(row) if row is not None else None
