"""Alembic migrations of the atlas database."""
