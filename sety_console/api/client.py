"""`SetyClient`: the typed async client of the Sety external API v1 (no Qt).

One coroutine per contract operation, named as its operationId in snake_case, returning the contract's
response models; `iter_*` async iterators walk every paged list. Every failure is a `SetyError`
(see `errors`); every answer updates the shared `RateBudget`, and requests wait for it (see
`ratelimit`); GETs, and Create incident with an `idempotency_key`, are retried (see `retry`).

Usage::

    from sety_console.api import SetyClient
    from sety_console.api.models import CreateIncidentRequest

    async with SetyClient("https://intel-api.sety.io/v1/external", api_key) as client:
        result = await client.create_incident(
            CreateIncidentRequest.model_validate(
                {
                    "category": "sos",
                    "idempotency_key": "trip_4521",  # makes the create safe to retry
                    "subject": {"name": "Adaeze Nwosu"},
                    "location": {"coordinates": [3.4746, 6.4474]},  # [lng, lat]
                }
            )
        )
        print(result.incident.incident_id, "new" if result.created else "replayed")
        async for incident in client.iter_incidents(status=["created", "dispatching"]):
            ...
        print(client.budget.remaining, "requests left until", client.budget.reset_at)
"""

from __future__ import annotations

from .operations import AccessOperations, AdminOperations, IncidentOperations, IntelOperations

__all__ = ["SetyClient"]


class SetyClient(IncidentOperations, AccessOperations, IntelOperations, AdminOperations):
    """Async client of the Sety API; use it as `async with SetyClient(base_url, api_key) as client`.

    `SetyClient(base_url, api_key, *, transport=None, timeout=6.0, budget=None, retry=None,
    user_agent=...)`: `api_key` None sends no `Authorization` (only `health_check` works then);
    `transport` replaces the network (tests: `httpx.MockTransport`); `timeout` bounds each attempt in
    seconds (3 s to connect); `budget` may be shared by every client using the same key; `retry` is a
    `RetryPolicy`.
    TLS certificates are always verified, and the key is never logged or shown in `repr`.
    """
