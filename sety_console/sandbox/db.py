"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .tables import Base, MetaRow

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"


def normalise_url(database: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (which means a SQLite file)."""
    if "://" in database:
        return database
    path = Path(database).expanduser().resolve()
    return f"sqlite:///{path}"


class Database:
    """One engine, a session factory, and the lock that serialises incident writers.

    The sandbox runs in one process, so a process-wide lock is enough to make the
    read-modify-write of an incident document atomic against the responder simulation, on
    SQLite and PostgreSQL alike.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = threading.RLock()

    def create_schema(self) -> None:
        """Create every table that does not exist yet (idempotent)."""
        Base.metadata.create_all(self.engine)
        with self.session() as session:
            if session.get(MetaRow, "schema_version") is None:
                session.add(MetaRow(name="schema_version", value=SCHEMA_VERSION))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def get_meta(self, name: str) -> str | None:
        with self.session() as session:
            return session.scalar(select(MetaRow.value).where(MetaRow.name == name))

    def set_meta(self, name: str, value: str) -> None:
        with self.session() as session:
            session.merge(MetaRow(name=name, value=value))

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
