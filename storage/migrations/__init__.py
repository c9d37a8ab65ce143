"""Alembic migrations of the hotline database (run them with ``storage.db.migrate``)."""
