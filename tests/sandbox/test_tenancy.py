"""Every operation: 401 without a key, 403 naming the missing scope, success with it (rate-limit headers
included), and 404 for another organisation's or environment's resource."""

from __future__ import annotations

import pytest

from sety_console.sandbox import accounts
from sety_console.sandbox.auth import ALL_SCOPES
from sety_console.sandbox.clock import to_ms
from tests.contract import operations

from .helpers import Harness
from .operations import OPERATIONS

pytestmark = pytest.mark.asyncio

AUTHENTICATED = sorted(op for op, spec in OPERATIONS.items() if spec.scope is not None)
OUTSIDERS = [(accounts.OTHER_ORG_ID, "test"), (accounts.DEMO_ORG_ID, "live")]
# API keys are administered across both environments of an organisation (List API keys shows both).
OUTSIDER_CASES = [
    (op, org, env)
    for op in sorted(op for op, spec in OPERATIONS.items() if spec.has_resource)
    for org, env in OUTSIDERS
    if not (op == "revokeApiKey" and org == accounts.DEMO_ORG_ID)
]


def key_for(harness: Harness, org_id: str, environment: str, scopes: list[str]) -> dict[str, str]:
    with harness.sandbox.db.session() as session:
        _, plaintext = accounts.mint_key(
            session, org_id, environment, "probe", scopes, to_ms(harness.clock.now())
        )
    return {"Authorization": f"Bearer {plaintext}"}


async def test_the_table_covers_every_operation_of_the_contract() -> None:
    contract = {
        op["operationId"]: (method, op.get("x-sety-scopes") or [None]) for method, _, op in operations()
    }
    assert len(contract) == 27
    assert set(OPERATIONS) == set(contract)
    for operation_id, (method, scopes) in contract.items():
        assert OPERATIONS[operation_id].method == method
        assert OPERATIONS[operation_id].scope == scopes[0]


@pytest.mark.parametrize("operation_id", AUTHENTICATED)
async def test_no_key_is_401(harness: Harness, operation_id: str) -> None:
    operation = OPERATIONS[operation_id]
    path = await operation.resolve(harness)
    response = await harness.call(operation.method, path, None, json=operation.body)
    assert response.status_code == 401


@pytest.mark.parametrize("operation_id", AUTHENTICATED)
async def test_missing_scope_is_403_and_the_right_scope_succeeds(harness: Harness, operation_id: str) -> None:
    operation = OPERATIONS[operation_id]
    assert operation.scope is not None
    path = await operation.resolve(harness)
    others = [s for s in ALL_SCOPES if s != operation.scope]
    lacking = key_for(harness, accounts.DEMO_ORG_ID, "test", others)
    denied = await harness.call(operation.method, path, None, headers=lacking, json=operation.body)
    assert denied.status_code == 403
    assert denied.json()["message"] == f"API key lacks required scope: {operation.scope}"
    allowed = key_for(harness, accounts.DEMO_ORG_ID, "test", [operation.scope])
    response = await harness.call(operation.method, path, None, headers=allowed, json=operation.body)
    assert 200 <= response.status_code < 300, response.text
    for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert header in response.headers


@pytest.mark.parametrize(("operation_id", "org_id", "environment"), OUTSIDER_CASES)
async def test_outsiders_get_404(harness: Harness, operation_id: str, org_id: str, environment: str) -> None:
    operation = OPERATIONS[operation_id]
    path = await operation.resolve(harness)
    outsider = key_for(harness, org_id, environment, list(ALL_SCOPES))
    response = await harness.call(operation.method, path, None, headers=outsider, json=operation.body)
    assert response.status_code == 404
    assert response.json()["message"].endswith("not found")
    owner = await harness.call(operation.method, path, "admin", json=operation.body)
    assert 200 <= owner.status_code < 300  # the resource is there for its owner


@pytest.mark.parametrize(
    ("list_path", "create"),
    [
        ("/incidents", "createIncident"),
        ("/access-codes", "createAccessCode"),
        ("/access-logs", "createAccessLog"),
        ("/access-logs/current", "createAccessLog"),
        ("/webhooks", "createWebhookEndpoint"),
    ],
)
async def test_lists_never_show_other_tenants_data(harness: Harness, list_path: str, create: str) -> None:
    operation = OPERATIONS[create]
    assert (await harness.call("POST", str(operation.path), "admin", json=operation.body)).status_code == 201
    mine = (await harness.call("GET", list_path, "admin")).json()
    assert len(mine["data"]) == 1
    for org_id, environment in OUTSIDERS:
        outsider = key_for(harness, org_id, environment, list(ALL_SCOPES))
        theirs = (await harness.call("GET", list_path, None, headers=outsider)).json()
        assert theirs["data"] == []
