"""API key administration: list (both environments), create (secret once), revoke (then 401)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sety_console.api.models import ApiKeyCreated, ApiKeyPage
from sety_console.sandbox import accounts
from sety_console.sandbox.clock import to_ms

from .helpers import Harness

pytestmark = pytest.mark.asyncio


def mint(harness: Harness, org_id: str, environment: str, scopes: list[str]) -> tuple[str, str]:
    """(key_id, plaintext) of a key made outside the API."""
    with harness.sandbox.db.session() as session:
        row, plaintext = accounts.mint_key(
            session, org_id, environment, "minted", scopes, to_ms(harness.clock.now())
        )
        return row.key_id, plaintext


async def test_create_shows_the_secret_once_and_the_key_works(harness: Harness) -> None:
    response = await harness.call(
        "POST", "/api-keys", "admin", json={"name": "CI", "scopes": ["incidents:read"]}
    )
    assert response.status_code == 201
    created = response.json()
    ApiKeyCreated.model_validate(created)
    assert re.match(r"^sety_test_[0-9a-f]{32}$", created["key"])
    assert re.match(r"^key_[a-z0-9]{16}$", created["key_id"])
    assert created["prefix"] == created["key"][:14]
    assert (created["environment"], created["revoked"], created["last_used_at"]) == ("test", False, None)
    headers = {"Authorization": f"Bearer {created['key']}"}
    assert (await harness.call("GET", "/incidents", None, headers=headers)).status_code == 200
    assert (await harness.call("POST", "/incidents", None, headers=headers, json={})).status_code == 403
    listed = (await harness.call("GET", "/api-keys", "admin")).json()
    ApiKeyPage.model_validate(listed)
    mine = next(k for k in listed["data"] if k["key_id"] == created["key_id"])
    assert "key" not in mine
    assert mine["last_used_at"] == "2026-03-10T12:00:00.000Z"


async def test_list_covers_both_environments_newest_first(harness: Harness) -> None:
    harness.clock.advance(5)
    live_id, _ = mint(harness, accounts.DEMO_ORG_ID, "live", ["access:read"])
    listed = (await harness.call("GET", "/api-keys?limit=100", "admin")).json()
    assert listed["data"][0]["key_id"] == live_id
    assert listed["data"][0]["environment"] == "live"
    assert listed["data"][0]["prefix"].startswith("sety_live_")
    assert {k["environment"] for k in listed["data"]} == {"live", "test"}
    assert all(k["prefix"] != "" for k in listed["data"])
    others = (await harness.call("GET", "/api-keys?limit=100", "admin")).json()["pagination"]["total"]
    assert others == 5  # four demo-organisation role keys and the live one; never the other organisation's


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["admin"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["admin", "admin"]}, "scopes"),
        ({"name": "x", "scopes": ["root"]}, "scopes.0"),
        ({"name": "x", "scopes": ["admin"], "environment": "staging"}, "environment"),
        ({"name": "x", "scopes": ["admin"], "expires": "never"}, "expires"),
    ],
)
async def test_create_errors(harness: Harness, body: dict[str, Any], field: str) -> None:
    response = await harness.call("POST", "/api-keys", "admin", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field


async def test_test_keys_cannot_make_live_keys(harness: Harness) -> None:
    body = {"name": "prod", "scopes": ["admin"], "environment": "live"}
    assert (await harness.call("POST", "/api-keys", "admin", json=body)).status_code == 403
    body["colour"] = "red"  # 403 comes before 400
    assert (await harness.call("POST", "/api-keys", "admin", json=body)).status_code == 403
    body = {"name": "sandbox", "scopes": ["admin"], "environment": "test"}
    assert (await harness.call("POST", "/api-keys", "admin", json=body)).status_code == 201
    _, live_admin = mint(harness, accounts.DEMO_ORG_ID, "live", ["admin"])
    made = await harness.call(
        "POST",
        "/api-keys",
        None,
        headers={"Authorization": f"Bearer {live_admin}"},
        json={"name": "staging", "scopes": ["incidents:read"], "environment": "test"},
    )
    assert made.json()["environment"] == "test"


async def test_revoke_then_401_and_409(harness: Harness) -> None:
    created = (
        await harness.call("POST", "/api-keys", "admin", json={"name": "x", "scopes": ["admin"]})
    ).json()
    response = await harness.call("DELETE", f"/api-keys/{created['key_id']}", "admin")
    assert response.status_code == 200
    assert response.json()["revoked"] is True
    assert "key" not in response.json()
    headers = {"Authorization": f"Bearer {created['key']}"}
    assert (await harness.call("GET", "/api-keys", None, headers=headers)).status_code == 401
    again = await harness.call("DELETE", f"/api-keys/{created['key_id']}", "admin")
    assert (again.status_code, again.json()["message"]) == (409, "API key is already revoked")
    missing = await harness.call("DELETE", "/api-keys/key_nope000000000000", "admin")
    assert (missing.status_code, missing.json()["message"]) == (404, "API key not found")


async def test_revoke_respects_organisation_and_environment(harness: Harness) -> None:
    other_id, _ = mint(harness, accounts.OTHER_ORG_ID, "test", ["admin"])
    assert (await harness.call("DELETE", f"/api-keys/{other_id}", "admin")).status_code == 404
    live_id, _ = mint(harness, accounts.DEMO_ORG_ID, "live", ["admin"])
    assert (await harness.call("DELETE", f"/api-keys/{live_id}", "admin")).status_code == 403


async def test_a_key_can_revoke_itself(harness: Harness) -> None:
    listed = (await harness.call("GET", "/api-keys?limit=100", "admin")).json()["data"]
    own = next(k for k in listed if k["name"] == "Administrator")
    assert (await harness.call("DELETE", f"/api-keys/{own['key_id']}", "admin")).status_code == 200
    assert (await harness.call("GET", "/api-keys", "admin")).status_code == 401
