"""Alembic environment: runs on the connection core.db.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

from core.learning import models as learning_models  # noqa: F401
from core.messages import models as messages_models  # noqa: F401
from core.relationship import models as relationship_models  # noqa: F401
from core.resources import models as resources_models  # noqa: F401
from core.store import models, versions  # noqa: F401

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from core.store.db import make_engine

        engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # `alembic upgrade` from a shell waits for any app instance migrating now.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(715517)")
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    connection.execution_options(versions=False)  # a migration's own writes bump no versions
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
