"""Alembic migrations of the API's own tables (``api.tables``); run by ``api.database.migrate``.
A package, so that an installed API carries its migrations."""
