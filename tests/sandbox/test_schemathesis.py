"""Property-based conformance: schemathesis drives every operation of `contract/openapi.yaml` against
the in-process sandbox (valid and invalid inputs, bounded examples) and checks that nothing answers
5xx and every answer (status, headers, content type, body) is one the contract allows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from sety_console.sandbox import SandboxClock, SandboxConfig, create_app
from tests.contract import CONTRACT_DIR

from .conftest import fresh_database
from .helpers import START

UNLIMITED = {"starter": 10**9, "growth": 10**9, "enterprise": 10**9}


class LateApp:
    """The ASGI app schemathesis talks to, bound to the sandbox once the fixture has built it."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


LATE = LateApp()
schema = schemathesis.openapi.from_path(str(Path(CONTRACT_DIR) / "openapi.yaml"))
schema.app = LATE


@pytest.fixture(scope="module", autouse=True)
def sandbox_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One sandbox for the whole run, without rate limit."""
    with fresh_database(tmp_path_factory.mktemp("schemathesis")) as url:
        config = SandboxConfig(database_url=url, clock=SandboxClock.manual(START), plan_limits=UNLIMITED)
        app = create_app(config)
        app.state.test_key = app.state.sandbox.issue_keys()["admin"]
        LATE.app = app
        yield app
        app.state.sandbox.close()


def _declares_idempotency_key(case: Any) -> bool:
    parameters = case.operation.definition.raw.get("parameters", [])
    return any(str(p.get("$ref", "")).endswith("/IdempotencyKey") for p in parameters)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_conforms(case: Any, sandbox_app: Any) -> None:
    headers = {"Authorization": f"Bearer {sandbox_app.state.test_key}"}
    # Positive data may still be refused by rules a schema cannot express (both bbox and a point,
    # `valid_until` in the past, unknown ids): acceptance is tested by the other suites.
    excluded: list[schemathesis.CheckFunction] = [positive_data_acceptance]
    response = case.call(headers=headers)
    if _declares_idempotency_key(case) and response.status_code in (400, 409):
        # Contract gap: the IdempotencyKey parameter says a malformed key is refused (400) and a key
        # reused for another request answers 409, but some operations that declare it list neither.
        excluded.append(status_code_conformance)
    case.validate_response(response, headers=headers, excluded_checks=excluded)
