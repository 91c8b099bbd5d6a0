"""Storage: SQLAlchemy tables, Alembic migrations and the stores, on SQLite and PostgreSQL."""

from odyssey.db.attributes import AttributeRef, AttributeStore
from odyssey.db.engine import Database
from odyssey.db.objects import AttributeSeed, ObjectStore
from odyssey.db.users import UserStore

__all__ = [
    "AttributeRef",
    "AttributeSeed",
    "AttributeStore",
    "Database",
    "ObjectStore",
    "UserStore",
]
