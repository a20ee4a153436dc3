"""The forum's Alembic history; installed as ``forum.migrations`` and run by ``flask forum db upgrade``."""
