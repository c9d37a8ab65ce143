"""Storage: SQLAlchemy 2 models (``models``), engines and migrations (``db``), keyword-only CRUD (``crud``).

Alembic migrations live in ``storage/migrations`` (config: ``storage/alembic.ini``); run them with
``storage.db.migrate(url)``.
"""
