"""Access codes (create, list, validate, revoke) and visits (check-in, current, checkout, search, stats)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sety_console.api.models import (
    AccessCode,
    AccessLog,
    AccessLogStats,
    CurrentVisitorsResponse,
    ValidationResult,
)

from .helpers import Harness, code_body

pytestmark = pytest.mark.asyncio


async def make_code(harness: Harness, **fields: object) -> dict[str, Any]:
    response = await harness.call("POST", "/access-codes", "guard", json=code_body(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def validate(harness: Harness, code: str) -> dict[str, Any]:
    response = await harness.call("POST", "/access-codes/validate", "guard", json={"code": code})
    assert response.status_code == 200
    ValidationResult.model_validate(response.json())
    body: dict[str, Any] = response.json()
    return body


async def check_in(harness: Harness, **body: object) -> httpx.Response:
    return await harness.call("POST", "/access-logs", "guard", json={"gate": "Main Gate", **body})


async def test_create_code_defaults_and_format(harness: Harness) -> None:
    code = await make_code(harness)
    AccessCode.model_validate(code)
    assert re.match(r"^acc_[a-z0-9]{16}$", code["code_id"])
    assert re.match(r"^[0-9]{6}$", code["code"])
    assert code["valid_from"] == code["created_at"] == "2026-03-10T12:00:00.000Z"
    assert (code["max_uses"], code["uses"], code["status"]) == (1, 0, "active")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"valid_until": "2026-03-10T11:00:00.000Z"}, "valid_until"),
        ({"valid_from": "2026-03-12T00:00:00Z", "valid_until": "2026-03-11T00:00:00Z"}, "valid_until"),
        ({"valid_until": "2026-03-11T00:00:00"}, "valid_until"),
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses": "2"}, "max_uses"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_create_code_errors(harness: Harness, fields: dict[str, Any], field: str) -> None:
    response = await harness.call("POST", "/access-codes", "guard", json=code_body(**fields))
    assert response.status_code == 400
    assert response.json()["field"] == field


async def test_codes_are_unique_among_active_codes(harness: Harness) -> None:
    codes = [(await make_code(harness))["code"] for _ in range(30)]
    assert len(set(codes)) == 30


async def test_validation_reasons_follow_the_contract_precedence(harness: Harness) -> None:
    assert (await validate(harness, "12ab"))["reason"] == "not_found"
    assert (await validate(harness, "000000"))["access_code"] is None
    future = await make_code(harness, valid_from="2026-03-10T15:00:00Z")
    result = await validate(harness, future["code"])
    assert (result["valid"], result["reason"]) == (False, "not_yet_valid")
    good = await make_code(harness)
    result = await validate(harness, good["code"])
    assert (result["valid"], result["reason"], result["checked_at"]) == (
        True,
        "ok",
        "2026-03-10T12:00:00.000Z",
    )
    assert result["access_code"]["uses"] == 0  # validating does not use the code
    revoked = await make_code(harness, valid_from="2026-03-10T15:00:00Z")  # revoked beats not_yet_valid
    await harness.call("POST", f"/access-codes/{revoked['code_id']}/revoke", "guard")
    assert (await validate(harness, revoked["code"]))["reason"] == "revoked"
    used = await make_code(harness, valid_until="2026-03-10T13:00:00Z")
    assert (await check_in(harness, access_code=used["code"])).status_code == 201
    harness.clock.advance(7200)  # used beats expired
    assert (await validate(harness, used["code"]))["reason"] == "used"
    assert (await validate(harness, good["code"]))["reason"] == "ok"
    expired = await make_code(harness, valid_until="2026-03-10T14:30:00Z")
    harness.clock.advance(3600)
    assert (await validate(harness, expired["code"]))["reason"] == "expired"


async def test_revoke_then_409(harness: Harness) -> None:
    code = await make_code(harness)
    response = await harness.call("POST", f"/access-codes/{code['code_id']}/revoke", "guard")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = await harness.call("POST", f"/access-codes/{code['code_id']}/revoke", "guard")
    assert again.status_code == 409
    assert again.json()["message"] == "Access code is already revoked"
    missing = await harness.call("POST", "/access-codes/acc_nope000000000000/revoke", "guard")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Access code not found"


async def test_list_codes_by_status(harness: Harness) -> None:
    active = await make_code(harness)
    harness.clock.advance(1)
    revoked = await make_code(harness)
    await harness.call("POST", f"/access-codes/{revoked['code_id']}/revoke", "guard")
    harness.clock.advance(1)
    short = await make_code(harness, valid_until="2026-03-10T12:30:00Z")
    harness.clock.advance(3600)

    async def listed(query: str) -> list[str]:
        body = (await harness.call("GET", f"/access-codes?{query}", "guard")).json()
        return [c["code_id"] for c in body["data"]]

    assert await listed("") == [short["code_id"], revoked["code_id"], active["code_id"]]
    assert await listed("status=active") == [active["code_id"]]
    assert await listed("status=expired,revoked") == [short["code_id"], revoked["code_id"]]
    assert await listed("status=used") == []


async def test_check_in_with_a_code_uses_it_and_copies_details(harness: Harness) -> None:
    code = await make_code(harness, max_uses=2)
    response = await check_in(
        harness, access_code=code["code"], vehicle_plate="APP-771-KS", created_by="Kunle"
    )
    assert response.status_code == 201
    log = response.json()
    AccessLog.model_validate(log)
    assert re.match(r"^log_[a-z0-9]{16}$", log["log_id"])
    assert (log["method"], log["status"], log["access_code"]) == ("access_code", "checked_in", code["code"])
    assert (log["visitor_name"], log["host_unit"]) == ("Emeka Eze", "Block C, Flat 4")
    assert log["checked_out_at"] is None
    assert log["duration_minutes"] is None
    override = (await check_in(harness, access_code=code["code"], visitor_name="Ngozi Eze")).json()
    assert override["visitor_name"] == "Ngozi Eze"
    assert (await validate(harness, code["code"]))["reason"] == "used"
    refused = await check_in(harness, access_code=code["code"])
    assert refused.status_code == 400
    assert refused.json()["field"] == "access_code"
    assert refused.json()["message"] == "Access code not valid: used"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"access_code": "123456", "method": "walk_in"}, "method"),
        ({"visitor_name": "A"}, "host_name"),
        ({"host_name": "B"}, "visitor_name"),
        ({"visitor_name": "A", "host_name": "B", "method": "access_code"}, "method"),
        ({"access_code": "999999"}, "access_code"),
    ],
)
async def test_check_in_errors(harness: Harness, body: dict[str, Any], field: str) -> None:
    response = await check_in(harness, **body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    missing_gate = await harness.call(
        "POST", "/access-logs", "guard", json={"visitor_name": "A", "host_name": "B"}
    )
    assert missing_gate.json()["field"] == "gate"


async def test_manual_and_walk_in_entries(harness: Harness) -> None:
    manual = (await check_in(harness, visitor_name="Musa", host_name="Office")).json()
    walk_in = (await check_in(harness, visitor_name="Ada", host_name="Flat 2", method="walk_in")).json()
    assert (manual["method"], walk_in["method"]) == ("manual", "walk_in")
    assert manual["access_code"] is None


async def test_current_visitors_overstay_and_checkout(harness: Harness) -> None:
    code = await make_code(harness, valid_until="2026-03-10T13:00:00Z")
    with_code = (await check_in(harness, access_code=code["code"])).json()
    harness.clock.advance(600)
    manual = (await check_in(harness, visitor_name="Musa", host_name="Office", gate="Gate B")).json()
    harness.clock.advance(3300)  # 12:65 → 13:05: the code's visitor overstays
    current = (await harness.call("GET", "/access-logs/current", "guard")).json()
    CurrentVisitorsResponse.model_validate(current)
    assert current["total"] == 2
    first, second = current["data"]
    assert first["log_id"] == with_code["log_id"]  # longest stay first
    assert (first["minutes_inside"], first["overstay"], first["expected_until"]) == (
        65,
        True,
        "2026-03-10T13:00:00.000Z",
    )
    assert (second["minutes_inside"], second["overstay"], second["expected_until"]) == (55, False, None)
    only_b = (await harness.call("GET", "/access-logs/current?gate=Gate B", "guard")).json()
    assert [v["log_id"] for v in only_b["data"]] == [manual["log_id"]]
    out = await harness.call(
        "PATCH",
        f"/access-logs/{with_code['log_id']}/checkout",
        "guard",
        json={"checkout_notes": "Left with a parcel", "checkout_gate": "Gate B"},
    )
    assert out.status_code == 200
    assert (out.json()["status"], out.json()["duration_minutes"]) == ("checked_out", 65.0)
    assert out.json()["checkout_gate"] == "Gate B"
    again = await harness.call("PATCH", f"/access-logs/{with_code['log_id']}/checkout", "guard")
    assert again.status_code == 409
    assert again.json()["message"] == "Visitor already checked out"
    harness.clock.advance(20)
    second_out = await harness.call("PATCH", f"/access-logs/{manual['log_id']}/checkout", "guard")
    assert second_out.json()["duration_minutes"] == 55.3
    missing = await harness.call("PATCH", "/access-logs/log_nope000000000000/checkout", "guard")
    assert (missing.status_code, missing.json()["message"]) == (404, "Access log not found")


async def test_list_logs_search_and_filters(harness: Harness) -> None:
    await check_in(harness, visitor_name="Emeka Eze", host_name="A", vehicle_plate="APP-771-KS")
    harness.clock.advance(60)
    await check_in(
        harness, visitor_name="Halima Bello", host_name="B", visitor_phone="+2348149988776", gate="Gate B"
    )

    async def names(query: str) -> list[str]:
        response = await harness.call("GET", f"/access-logs?{query}", "guard")
        assert response.status_code == 200, response.text
        return [v["visitor_name"] for v in response.json()["data"]]

    assert await names("") == ["Halima Bello", "Emeka Eze"]
    assert await names("search=eze") == ["Emeka Eze"]
    assert await names("search=771-ks") == ["Emeka Eze"]
    assert await names("search=99887") == ["Halima Bello"]
    assert await names("search=%25") == []
    assert await names("gate=Gate B") == ["Halima Bello"]
    assert await names("status=checked_out") == []
    assert await names("from_date=2026-03-10T12:00:30Z") == ["Halima Bello"]
    bad = await harness.call("GET", "/access-logs?status=gone", "guard")
    assert bad.status_code == 400


async def test_stats_for_a_period(harness: Harness) -> None:
    for gate in ("Main Gate", "Main Gate", "Gate B"):
        log = (await check_in(harness, visitor_name="V", host_name="H", gate=gate)).json()
        harness.clock.advance(1800)
        await harness.call("PATCH", f"/access-logs/{log['log_id']}/checkout", "guard")
    await check_in(harness, visitor_name="Still", host_name="Here")
    stats = (
        await harness.call("GET", "/access-logs/stats?from_date=2026-03-09&to_date=2026-03-10", "guard")
    ).json()
    AccessLogStats.model_validate(stats)
    assert stats["period"] == {"from": "2026-03-09T00:00:00.000Z", "to": "2026-03-10T23:59:59.999Z"}
    assert (stats["total_visits"], stats["currently_inside"], stats["average_duration_minutes"]) == (
        4,
        1,
        30.0,
    )
    assert stats["by_gate"] == [{"gate": "Main Gate", "visits": 3}, {"gate": "Gate B", "visits": 1}]
    assert len(stats["by_hour"]) == 24
    assert [h["visits"] for h in stats["by_hour"]][12:14] == [2, 2]
    assert stats["busiest_hour"] == 12
    assert stats["by_day"] == [{"date": "2026-03-09", "visits": 0}, {"date": "2026-03-10", "visits": 4}]
    default = (await harness.call("GET", "/access-logs/stats", "guard")).json()
    assert default["period"]["to"] == "2026-03-10T13:30:00.000Z"
    assert default["period"]["from"] == "2026-02-08T13:30:00.000Z"
    assert len(default["by_day"]) == 31
    empty = (await harness.call("GET", "/access-logs/stats?to_date=2026-01-01", "guard")).json()
    assert (empty["total_visits"], empty["busiest_hour"], empty["average_duration_minutes"]) == (
        0,
        None,
        None,
    )
    too_long = await harness.call(
        "GET", "/access-logs/stats?from_date=2020-01-01&to_date=2026-01-01", "guard"
    )
    assert too_long.status_code == 400


async def test_stats_count_overstays(harness: Harness) -> None:
    code = await make_code(harness, valid_until="2026-03-10T12:30:00Z")
    await check_in(harness, access_code=code["code"])
    harness.clock.advance(timedelta(hours=1).total_seconds())
    stats = (await harness.call("GET", "/access-logs/stats", "guard")).json()
    assert stats["overstays"] == 1
