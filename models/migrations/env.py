"""Alembic environment: runs keepwarm's migrations against the configured URL."""

from alembic import context
from sqlalchemy import create_engine, pool

from models.schema import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
assert url, "sqlalchemy.url must be set"


def run() -> None:
    """Run migrations online with a connection of our own."""
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
