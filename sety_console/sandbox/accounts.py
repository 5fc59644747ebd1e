"""Organisations, API keys and the demo roles.

The console's embedded sandbox does not persist keys: at every start it calls `issue_role_keys()`
which mints fresh plaintext keys for the five roles and revokes the older keys of each role.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sety_console.api.models import ApiKey, ApiKeyCreated, Environment, Scope

from .clock import from_ms
from .ids import hash_key, key_prefix, new_api_key, new_id
from .paging import fetch_page
from .tables import ApiKeyRow, OrganisationRow

DEMO_ORG_ID = "org_lagosdemo0000001"
OTHER_ORG_ID = "org_otherdemo000002"


@dataclass(frozen=True)
class Role:
    org_id: str
    name: str
    scopes: tuple[str, ...]


ROLES: dict[str, Role] = {
    "operator": Role(
        DEMO_ORG_ID, "Dispatcher console: operator", ("incidents:read", "incidents:write", "intel:read")
    ),
    "guard": Role(DEMO_ORG_ID, "Gate tablet: guard", ("access:read", "access:write")),
    "supervisor": Role(DEMO_ORG_ID, "Supervisor dashboard", ("incidents:read", "access:read", "intel:read")),
    "admin": Role(
        DEMO_ORG_ID,
        "Administrator",
        ("incidents:read", "incidents:write", "access:read", "access:write", "intel:read", "admin"),
    ),
    "other_org": Role(
        OTHER_ORG_ID, "Other organisation: operator", ("incidents:read", "incidents:write", "intel:read")
    ),
}
"""The demo keys: four roles of the demo organisation and an operator of a second one."""


def ensure_organisations(session: Session, now_ms: int) -> None:
    """Create the demo organisation (Growth plan) and the second one (Starter) if missing."""
    for org_id, name, plan in (
        (DEMO_ORG_ID, "Lagos Estates Security (demo)", "growth"),
        (OTHER_ORG_ID, "Ikeja Logistics (demo)", "starter"),
    ):
        if session.get(OrganisationRow, org_id) is None:
            session.add(
                OrganisationRow(org_id=org_id, name=name, plan=plan, suspended=False, created_at_ms=now_ms)
            )


def mint_key(
    session: Session,
    org_id: str,
    environment: str,
    name: str,
    scopes: tuple[str, ...] | list[str],
    now_ms: int,
    role: str | None = None,
) -> tuple[ApiKeyRow, str]:
    """Store a new key (hashed) and return its row and the plaintext, which is never stored."""
    plaintext = new_api_key(environment)
    row = ApiKeyRow(
        key_id=new_id("key"),
        org_id=org_id,
        name=name,
        prefix=key_prefix(plaintext),
        key_hash=hash_key(plaintext),
        environment=environment,
        scopes=" ".join(scopes),
        role=role,
        created_at_ms=now_ms,
        revoked=False,
    )
    session.add(row)
    return row, plaintext


def issue_role_keys(session: Session, now_ms: int) -> dict[str, str]:
    """Fresh `sety_test_` keys for every role; older keys of each role are revoked."""
    keys: dict[str, str] = {}
    for role, spec in ROLES.items():
        session.execute(update(ApiKeyRow).where(ApiKeyRow.role == role).values(revoked=True))
        _, plaintext = mint_key(session, spec.org_id, "test", spec.name, spec.scopes, now_ms, role)
        keys[role] = plaintext
    return keys


def key_model(row: ApiKeyRow, last_used_ms: int | None = None) -> ApiKey:
    used = max(filter(None, (row.last_used_at_ms, last_used_ms)), default=None)
    return ApiKey(
        key_id=row.key_id,
        name=row.name,
        prefix=row.prefix,
        environment=Environment(row.environment),
        scopes=[Scope(s) for s in row.scopes.split()],
        created_at=from_ms(row.created_at_ms),
        last_used_at=from_ms(used) if used is not None else None,
        revoked=row.revoked,
    )


def created_key_model(row: ApiKeyRow, plaintext: str) -> ApiKeyCreated:
    return ApiKeyCreated(**key_model(row).model_dump(), key=plaintext)


def list_keys(session: Session, org_id: str, page: int, limit: int) -> tuple[list[ApiKeyRow], int]:
    """The organisation's keys of both environments, revoked ones included, newest first."""
    total = session.scalar(select(func.count()).select_from(ApiKeyRow).where(ApiKeyRow.org_id == org_id)) or 0
    stmt = (
        select(ApiKeyRow)
        .where(ApiKeyRow.org_id == org_id)
        .order_by(ApiKeyRow.created_at_ms.desc(), ApiKeyRow.key_id.desc())
    )
    return fetch_page(session, stmt, page, limit), int(total)


def set_suspended(session: Session, org_id: str, suspended: bool) -> None:
    """Suspend or restore an organisation (its keys then answer 402). Not part of the API."""
    row = session.get(OrganisationRow, org_id)
    if row is None:
        raise KeyError(org_id)
    row.suspended = suspended
