"""Alembic environment: runs against the engine the atlas hands over (storage.db.upgrade)."""

from alembic import context

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes.get("connection_engine")
    if engine is None:  # plain `alembic` command line: take the URL from the ini / env
        from storage.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # a table rebuilt by a batch migration must not break the views that name it
            connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
