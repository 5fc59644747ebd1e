"""The hub's database: SQLite for one machine, PostgreSQL for a control room (SQLAlchemy 2).

Tables: operators (hashed tokens), the live picture (one JSON document per incident, visitor, zone),
the change log (the stream's sequence numbers), shared operator state (alarm states, claims, audit,
who is on shift), forwarded writes (idempotency keys and their answers) and their leases, the hubs
sharing the database (heartbeats, the leader's epoch and status), the webhook endpoint the leader
registered and the deliveries any hub received.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import BigInteger, Integer, String, Text, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

AutoId = BigInteger().with_variant(Integer(), "sqlite")


def now_ms() -> int:
    return int(time.time() * 1000)


class Base(DeclarativeBase):
    pass


class OperatorRow(Base):
    __tablename__ = "hub_operators"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)
    revoked_at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ItemRow(Base):
    """One item of the live picture: kind 'incidents' | 'visitors' | 'zones'."""

    __tablename__ = "hub_items"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text)


class ChangeRow(Base):
    """One entry of the stream: `seq` is the sequence number workstations resume from."""

    __tablename__ = "hub_changes"
    __table_args__ = ({"sqlite_autoincrement": True},)
    seq: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    at_ms: Mapped[int] = mapped_column(BigInteger)


class AlarmRow(Base):
    """The shared state of one alarm (incident + reason), ISA-18.2 style."""

    __tablename__ = "hub_alarms"
    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(100))
    workstation: Mapped[str] = mapped_column(String(100), default="")
    acted_at_ms: Mapped[int] = mapped_column(BigInteger)
    stored_at_ms: Mapped[int] = mapped_column(BigInteger)
    shelved_until_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ClaimRow(Base):
    """Who has taken an incident ("taken by Ada, 03:12")."""

    __tablename__ = "hub_claims"
    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator: Mapped[str] = mapped_column(String(100))
    workstation: Mapped[str] = mapped_column(String(100), default="")
    acted_at_ms: Mapped[int] = mapped_column(BigInteger)
    stored_at_ms: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    """One operator action: who, what, on which target, when acted and when stored/confirmed."""

    __tablename__ = "hub_audit"
    __table_args__ = ({"sqlite_autoincrement": True},)
    entry_id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(100))
    workstation: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    acted_at_ms: Mapped[int] = mapped_column(BigInteger)
    stored_at_ms: Mapped[int] = mapped_column(BigInteger)


class PresenceRow(Base):
    """An open workstation stream (who is on shift)."""

    __tablename__ = "hub_presence"
    connection_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    operator: Mapped[str] = mapped_column(String(100), index=True)
    workstation: Mapped[str] = mapped_column(String(100), default="")
    hub_id: Mapped[str] = mapped_column(String(40))
    connected_at_ms: Mapped[int] = mapped_column(BigInteger)


class WriteRow(Base):
    """A write forwarded to Sety, by idempotency key: its answer is replayed for a repeated key."""

    __tablename__ = "hub_writes"
    idem_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64), default="")
    body_hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending | done | failed
    status: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(100))
    workstation: Mapped[str] = mapped_column(String(100), default="")
    acted_at_ms: Mapped[int] = mapped_column(BigInteger)
    finished_at_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def normalise_url(value: str) -> str:
    """A database URL; a plain path means a SQLite file there."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


class HubDatabase:
    """Engine and sessions; the schema is created on first use.

    `application_name` names this process's PostgreSQL connections (`pg_stat_activity`); `namespace`
    (PostgreSQL only) identifies the database and schema, so that advisory locks and notification
    channels of two control rooms sharing one server never meet.
    """

    def __init__(self, url: str, *, application_name: str = "sety-hub") -> None:
        self.url = normalise_url(url)
        backend = make_url(self.url).get_backend_name()
        self.is_sqlite = backend == "sqlite"
        self.is_postgres = backend == "postgresql"
        if self.is_sqlite:
            path = make_url(self.url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        args: dict[str, object] = {"check_same_thread": False, "timeout": 30} if self.is_sqlite else {}
        if self.is_postgres:
            args = {"application_name": application_name[:63], "connect_timeout": 5}
        self.connect_args = args
        self.engine: Engine = create_engine(self.url, connect_args=args, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.namespace = ""
        if self.is_postgres:
            with self.engine.connect() as connection:
                row = connection.execute(text("SELECT current_database(), current_schema()")).one()
            self.namespace = f"{row[0]}/{row[1]}"

    @property
    def sqlite_path(self) -> str | None:
        """The SQLite file (None for PostgreSQL or an in-memory database)."""
        path = make_url(self.url).database if self.is_sqlite else None
        return path if path and path != ":memory:" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class WriteLeaseRow(Base):
    """Which hub delivers a pending write now, until when (two hubs never deliver the same one)."""

    __tablename__ = "hub_write_leases"
    idem_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    until_ms: Mapped[int] = mapped_column(BigInteger)


class NodeRow(Base):
    """One hub process on this database: its heartbeat, address and (the leader's) status for the others."""

    __tablename__ = "hub_nodes"
    hub_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_ms: Mapped[int] = mapped_column(BigInteger)
    leader: Mapped[bool] = mapped_column(default=False)
    public_url: Mapped[str] = mapped_column(String(2048), default="")
    status: Mapped[str] = mapped_column(Text, default="")


class LeaderRow(Base):
    """The leadership epoch: raised by each new leader; a leader's writes check it (fencing)."""

    __tablename__ = "hub_leader"
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger)
    hub_id: Mapped[str] = mapped_column(String(100))
    since_ms: Mapped[int] = mapped_column(BigInteger)


class EndpointRow(Base):
    """A webhook endpoint the hub registered with Sety, with its signing secret (shown once by Sety)."""

    __tablename__ = "hub_webhook_endpoints"
    endpoint_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(128))
    created_at_ms: Mapped[int] = mapped_column(BigInteger)


class DeliveryRow(Base):
    """A verified webhook delivery, by `X-Sety-Delivery` id (a repeat is recognised and ignored)."""

    __tablename__ = "hub_webhook_deliveries"
    delivery_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    received_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    received_by: Mapped[str] = mapped_column(String(100))
    applied: Mapped[bool] = mapped_column(default=False, index=True)
