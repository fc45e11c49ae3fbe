"""Alembic migrations of the records schema (run by ``records.storage``, never imported)."""
