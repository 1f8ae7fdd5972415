"""The database: engine, sessions, per-member locking and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from models.schema import Member

MIGRATIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )
        _make_sqlite_serialise_writers(engine)
        return engine
    # hide_parameters: database errors must not carry members' names into logs.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def _make_sqlite_serialise_writers(engine: Engine) -> None:
    """Every transaction takes the write lock up front, so check-then-write is atomic.

    pysqlite's own transaction handling runs the first read outside the transaction;
    this is SQLAlchemy's documented recipe for taking control of BEGIN.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def lock_member(session: Session, member_id: int) -> Member | None:
    """Load a member holding its row lock until the transaction ends (PostgreSQL).

    On SQLite the whole transaction already holds the database write lock.
    """
    return session.scalars(
        select(Member).where(Member.id == member_id).with_for_update()
    ).one_or_none()


def alembic_config(url: str) -> Any:
    """An Alembic configuration pointing at keepwarm's migrations and ``url``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision``."""
    from alembic import command

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def insert_or_ignore(session: Session, model: type[Any], *unique: str) -> Any:
    """``INSERT ... ON CONFLICT (unique) DO NOTHING`` for the session's database
    (PostgreSQL or SQLite), to be executed with a list of rows that all name the same
    columns.

    The statement is on the model's table, not the ORM class: the ORM's bulk insert leaves
    out the None values and so cuts a list into runs of rows with the same columns, one
    statement each (measured: 1,100 statements for 1,100 new employers); on the table the
    list is one executemany.
    """
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=list(unique))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(unique))


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """``ANALYZE`` the tables on PostgreSQL, so the planner knows how big they have grown
    (SQLite's planner uses an index for a lookup without statistics)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.execute(text(f"ANALYZE {', '.join(tables)}"))
        connection.commit()
