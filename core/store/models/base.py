"""What every table shares: the naming convention, aware UTC timestamps, money and text."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, MetaData, Text, TypeDecorator
from sqlmodel import Field, SQLModel

from core.errors import UserError

# A naming convention makes Alembic's batch mode on SQLite and its diffs on PostgreSQL agree.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always gives them back aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise UserError("Timestamps must be timezone-aware.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(**kwargs) -> object:
    return Field(sa_type=UTCDateTime, **kwargs)


def _money(**kwargs) -> object:
    # Pence in 64 bits: a business debt can pass the £21m that 32 bits hold.
    return Field(sa_type=BigInteger, **kwargs)


def _text(**kwargs) -> object:
    return Field(sa_type=Text, **kwargs)
