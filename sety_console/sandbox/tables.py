"""Database tables of the sandbox (SQLAlchemy 2 ORM). Instants are stored as epoch milliseconds.

Incidents keep their full serialised JSON document (`document`) next to indexed columns, so lists
and delta polls are index scans that hand stored JSON back without re-validating it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class OrganisationRow(Base):
    __tablename__ = "organisations"

    org_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(20))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.org_id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(14))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    environment: Mapped[str] = mapped_column(String(4))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    role: Mapped[str | None] = mapped_column(String(20), index=True, default=None)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)
    last_used_at_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_newest", "org_id", "environment", "created_at_ms", "incident_id"),
        Index("ix_incidents_updated", "org_id", "environment", "updated_at_ms"),
        Index("ix_incidents_status", "org_id", "environment", "status", "created_at_ms"),
        Index("uq_incidents_idempotency", "org_id", "environment", "idempotency_key", unique=True),
    )

    incident_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(4))
    created_at_ms: Mapped[int] = mapped_column(BigInteger)
    updated_at_ms: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    is_drill: Mapped[bool] = mapped_column(Boolean)
    is_history: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), default=None)
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    time_to_assign_s: Mapped[float | None] = mapped_column(Float, default=None)
    time_to_arrive_s: Mapped[float | None] = mapped_column(Float, default=None)
    next_action_at_ms: Mapped[int | None] = mapped_column(BigInteger, index=True, default=None)
    plan: Mapped[str | None] = mapped_column(Text, default=None)
    document: Mapped[str] = mapped_column(Text)


class ResponderUnitRow(Base):
    __tablename__ = "responder_units"

    unit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(100))
    vehicle_plate: Mapped[str | None] = mapped_column(String(20))
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    incident_id: Mapped[str | None] = mapped_column(String(40), default=None)


class AccessCodeRow(Base):
    __tablename__ = "access_codes"
    __table_args__ = (
        Index("ix_access_codes_code", "org_id", "environment", "code"),
        Index("ix_access_codes_newest", "org_id", "environment", "created_at_ms"),
    )

    code_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(4))
    code: Mapped[str] = mapped_column(String(6))
    visitor_name: Mapped[str] = mapped_column(String(200))
    visitor_phone: Mapped[str | None] = mapped_column(String(32))
    host_name: Mapped[str] = mapped_column(String(200))
    host_unit: Mapped[str | None] = mapped_column(String(100))
    purpose: Mapped[str | None] = mapped_column(String(200))
    gate: Mapped[str | None] = mapped_column(String(100))
    valid_from_ms: Mapped[int] = mapped_column(BigInteger)
    valid_until_ms: Mapped[int] = mapped_column(BigInteger)
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)


class AccessLogRow(Base):
    __tablename__ = "access_logs"
    __table_args__ = (
        Index("ix_access_logs_checkin", "org_id", "environment", "checked_in_at_ms"),
        Index("ix_access_logs_inside", "org_id", "environment", "checked_out_at_ms"),
    )

    log_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(4))
    visitor_name: Mapped[str] = mapped_column(String(200))
    visitor_phone: Mapped[str | None] = mapped_column(String(32))
    visitor_id_number: Mapped[str | None] = mapped_column(String(64))
    host_name: Mapped[str] = mapped_column(String(200))
    host_unit: Mapped[str | None] = mapped_column(String(100))
    purpose: Mapped[str | None] = mapped_column(String(200))
    gate: Mapped[str] = mapped_column(String(100))
    vehicle_plate: Mapped[str | None] = mapped_column(String(20))
    access_code: Mapped[str | None] = mapped_column(String(6))
    expected_until_ms: Mapped[int | None] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    checked_in_at_ms: Mapped[int] = mapped_column(BigInteger)
    checked_out_at_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    checkout_gate: Mapped[str | None] = mapped_column(String(100), default=None)
    checkout_notes: Mapped[str | None] = mapped_column(Text, default=None)
    duration_minutes: Mapped[float | None] = mapped_column(Float, default=None)
    created_by: Mapped[str | None] = mapped_column(String(200))


class WebhookEndpointRow(Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_org", "org_id", "environment", "created_at_ms"),)

    endpoint_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(4))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[str] = mapped_column(String(400))  # space-separated filters
    secret: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_endpoint", "endpoint_id", "created_at_ms"),)

    delivery_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.endpoint_id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    incident_document: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)
    last_attempt_at_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    next_retry_at_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)


class IdempotencyRow(Base):
    """A write sent with an `Idempotency-Key`: what it asked (`fingerprint`) and what it answered.

    Inserted in the write's own transaction (status and answer NULL while it runs), so the primary
    key makes a concurrent repeat wait for it and a crash never separates the write from its record.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_age", "created_at_ms"),)

    org_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    environment: Mapped[str] = mapped_column(String(4), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer, default=None)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)


class MetaRow(Base):
    """Small facts about the database itself (schema version, seed done)."""

    __tablename__ = "sandbox_meta"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
