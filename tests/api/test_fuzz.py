"""Whatever the server sends, only typed `SetyError`s come out of the client (hypothesis)."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sety_console.api import ResponseFormatError, RetryPolicy, SetyClient, SetyError
from tests.api.conftest import BASE_URL, FakeClock, FakeServer, reply
from tests.api.test_operations import CALLS
from tests.contract import example

OPERATIONS = sorted(op for op, call in CALLS.items() if call.response is not None)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(operation_id: str, answer: httpx.Response) -> Any:
    """Call one operation against a server that gives `answer`; return the result or the exception."""
    server = FakeServer(default=lambda request: answer)
    clock = FakeClock()
    from sety_console.api import RateBudget

    async def call() -> Any:
        async with SetyClient(
            BASE_URL,
            "sety_test_k",
            transport=httpx.MockTransport(server.handler),
            budget=RateBudget(clock=clock.now, sleep=clock.sleep),
            retry=RetryPolicy.never(),
        ) as client:
            try:
                return await CALLS[operation_id].invoke(client)
            except SetyError as error:
                return error

    return asyncio.run(call())


def _mutate(document: Any, path: list[int], replacement: Any) -> Any:
    """Replace the node reached by walking `path` (indexes into dict values / list items)."""
    document = copy.deepcopy(document)
    parent: Any = None
    key: Any = None
    node = document
    for step in path:
        children = (
            list(node.items())
            if isinstance(node, dict)
            else list(enumerate(node))
            if isinstance(node, list)
            else []
        )
        if not children:
            break
        parent, (key, node) = node, children[step % len(children)]
    if parent is None:
        return replacement
    parent[key] = replacement
    return document


@SETTINGS
@given(operation_id=st.sampled_from(OPERATIONS), body=json_values, status=st.sampled_from([200, 201]))
def test_arbitrary_json_answers_parse_or_raise_response_format_error(
    operation_id: str, body: Any, status: int
) -> None:
    outcome = _run(operation_id, httpx.Response(status, json=body))
    assert not isinstance(outcome, SetyError) or isinstance(outcome, ResponseFormatError)


@SETTINGS
@given(
    operation_id=st.sampled_from(OPERATIONS),
    path=st.lists(st.integers(min_value=0, max_value=50), max_size=6),
    replacement=json_values,
)
def test_mutated_contract_examples_parse_or_raise_response_format_error(
    operation_id: str, path: list[int], replacement: Any
) -> None:
    body = _mutate(example(CALLS[operation_id].response or ""), path, replacement)
    outcome = _run(operation_id, httpx.Response(200, content=json.dumps(body).encode()))
    assert not isinstance(outcome, SetyError) or isinstance(outcome, ResponseFormatError)


@SETTINGS
@given(
    operation_id=st.sampled_from(OPERATIONS),
    status=st.integers(min_value=200, max_value=599),
    content=st.binary(max_size=200),
    headers=st.dictionaries(
        st.sampled_from(
            ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Date"]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    ),
)
def test_arbitrary_bytes_statuses_and_headers_raise_only_typed_errors(
    operation_id: str, status: int, content: bytes, headers: dict[str, str]
) -> None:
    outcome = _run(operation_id, httpx.Response(status, content=content, headers=headers))
    if isinstance(outcome, SetyError):
        assert str(outcome)
        if 200 <= status < 300:
            assert isinstance(outcome, ResponseFormatError)
        else:
            assert outcome.status == status


def test_fuzz_harness_sees_successes_too() -> None:
    """The examples themselves parse: the properties above are not vacuous."""
    for operation_id in OPERATIONS:
        call = CALLS[operation_id]
        answer = reply(call.status, example(call.response or ""))(httpx.Request("GET", BASE_URL))
        assert not isinstance(_run(operation_id, answer), SetyError), operation_id
