"""Which scopes the API key has, learnt cheaply at start (one small request per scope, no side effects).

Reads are probed with a one-item list. Writes are probed with an action on an id that cannot exist: the
contract's error precedence (401 → 402 → 429 → 403 → 400 → 404 → 409) makes the server answer 403
when the scope is missing and 400/404 when it is there, so nothing is ever changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sety_console.api.errors import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SetyError,
)

from .clock import Clock
from .connection import ConnectionMonitor

if TYPE_CHECKING:
    from sety_console.api import SetyClient

log = logging.getLogger(__name__)

PROBE_INCIDENT_ID = "inc_0000000000000000"
PROBE_CODE_ID = "acc_0000000000000000"


def _probes(client: SetyClient) -> dict[str, Callable[[], Awaitable[object]]]:
    return {
        "incidents:read": lambda: client.list_incidents(limit=1),
        "access:read": lambda: client.list_access_logs(limit=1),
        "intel:read": lambda: client.list_danger_zones(limit=1),
        "incidents:write": lambda: client.cancel_incident(PROBE_INCIDENT_ID),
        "access:write": lambda: client.revoke_access_code(PROBE_CODE_ID),
    }


async def probe_scopes(client: SetyClient, monitor: ConnectionMonitor, clock: Clock) -> dict[str, bool]:
    """Probe every scope the workspaces use; returns scope -> granted (missing ones are told to `monitor`).

    Stops early (re-raising) on 401/402 or a transport failure: then nothing can be learnt.
    """
    granted: dict[str, bool] = {}
    for scope, probe in _probes(client).items():
        try:
            await probe()
        except PermissionDeniedError:
            granted[scope] = False
        except (BadRequestError, NotFoundError, ConflictError):
            granted[scope] = True  # refused for the fake id, so the scope itself passed
        except SetyError as error:  # 401, 402, transport: nothing more can be learnt now
            monitor.record_failure(error, clock.now())
            raise
        else:
            granted[scope] = True
        monitor.record_scope(scope, granted[scope], clock.now())
        monitor.record_success(clock.now())
    log.info("API key scopes: %s", ", ".join(f"{s}={'yes' if g else 'no'}" for s, g in granted.items()))
    return granted
