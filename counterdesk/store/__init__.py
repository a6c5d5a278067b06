"""Persistence: SQLModel tables, the engine factory, migrations."""
