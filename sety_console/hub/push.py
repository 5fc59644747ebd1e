"""Webhook push for the hub: the endpoint on Sety, the deliveries' signatures, storage and application.

    Sety ──POST /hub/v1/webhooks/sety──▶ any hub: verify the signature (the secrets in the database)
                                          ├ a repeated `X-Sety-Delivery` id: answer 200, nothing more
                                          └ store the delivery (its id is the key), answer 200, notify
                                  leader: apply stored deliveries → picture → change log → workstations

Only the leader registers the endpoint (`--public-url`, `push_endpoint`) and applies deliveries
(`push_applier`); every hub answers the URL, so a delivery that reaches a follower, or a hub during a
failover, waits in the database for whichever hub leads. `push_health` stretches the leader's incident
polls while the webhooks flow and tightens them when they stop; a poll that finds a change no webhook
brought also has the leader look its endpoint up again (deleted or disabled on Sety: registered anew).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sety_console.api.errors import BadRequestError, PermissionDeniedError, SetyError
from sety_console.api.webhooks import WebhookSignatureError, verify_signature

from .db import DeliveryRow, now_ms
from .pg import channel
from .push_applier import PushApplier
from .push_endpoint import ensure_endpoint, secrets, webhook_url
from .push_health import PushHealth

if TYPE_CHECKING:
    from .hub import Hub

log = logging.getLogger(__name__)

RELOAD_SECRETS_S = 1.0
FIRST_POLL_WAIT_S = 10.0
REGISTER_RETRY_S = (5.0, 15.0, 30.0, 60.0)
RECHECK_EVERY_S = 60.0
"""After a gap the endpoint is looked up again (deleted or disabled on Sety?), at most this often."""


class Push:
    """One hub's part in webhook push (see the module docstring)."""

    def __init__(self, hub: Hub) -> None:
        config = hub.config
        self._hub = hub
        self.url = webhook_url(config.public_url) if config.public_url else None
        poller = hub.feed.poller
        self.health = PushHealth(poller.gate, hub.picture.incidents, stretched_s=config.push_poll_interval_s)
        self.applier = PushApplier(hub, self.health)
        self.channel = channel(hub.db, "deliveries") if hub.db.is_postgres else None
        self._secrets: list[str] | None = None
        self._secrets_read = 0.0
        self._polled = asyncio.Event()
        self._recheck = asyncio.Event()
        self.health.gap_found = self._recheck.set
        poller.events.incidents_polled.connect(self.health.polled)
        poller.events.incidents_polled.connect(lambda _: self._polled.set())

    # ------------------------------------------------------------------ leader

    async def lead(self) -> None:
        """While leading: apply deliveries, keep the endpoint registered, adjust the poll floor."""
        self._polled.clear()
        self._recheck.clear()
        tasks = [
            asyncio.ensure_future(self.applier.run()),
            asyncio.ensure_future(self._register()),
            asyncio.ensure_future(self._tick()),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.health.set_state("off", "this hub does not lead")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.health.tick()

    async def _register(self) -> None:
        """Register the endpoint; after each gap the webhooks left, check it is still there."""
        if self.url is None:
            self.health.set_state("off", "no --public-url: polling only")
            return
        with contextlib.suppress(TimeoutError):  # the first poll goes first: a takeover shows changes soonest
            await asyncio.wait_for(self._polled.wait(), FIRST_POLL_WAIT_S)
        while await self._ensure(self.url):
            await self._recheck.wait()
            self._recheck.clear()
            log.info("webhooks missed a change: checking the hub's endpoint on Sety")
            await self._ensure(self.url)
            await asyncio.sleep(RECHECK_EVERY_S)
            self._recheck.clear()

    async def _ensure(self, url: str) -> bool:
        """The endpoint registered (True), or push unavailable for good (False); retries meanwhile."""
        failures = 0
        while True:
            if self.health.state != "on":
                self.health.set_state("registering")
            try:
                endpoint = await ensure_endpoint(self._hub.client, self._hub.db, url)
            except PermissionDeniedError:
                self._unavailable("the organisation's key lacks the admin scope needed to register webhooks")
                return False
            except BadRequestError as error:
                self._unavailable(f"Sety refused the webhook URL {url}: {error.message}")
                return False
            except SetyError as error:
                delay = REGISTER_RETRY_S[min(failures, len(REGISTER_RETRY_S) - 1)]
                failures += 1
                log.warning("could not register the webhook endpoint (%s); retrying in %.0f s", error, delay)
                self.health.set_state("registering", str(error))
                await asyncio.sleep(delay)
                continue
            self._secrets = None
            if endpoint.created or self.health.state != "on":
                log.info("webhook push on: %s (endpoint %s)", url, endpoint.endpoint_id)
            self.health.set_state("on", endpoint_id=endpoint.endpoint_id)
            return True

    def _unavailable(self, reason: str) -> None:
        log.warning("webhook push unavailable: %s; the hub keeps polling", reason)
        self.health.set_state("unavailable", reason)

    # ------------------------------------------------------------------ every hub: receiving

    async def verify(self, header: str, body: bytes) -> str | None:
        """None when `header` signs `body` with one of the hub's secrets; else why not, in words."""
        problem = await self._check(header, body, refresh=False)
        if problem == "mismatch" and time.monotonic() - self._secrets_read > RELOAD_SECRETS_S:
            problem = await self._check(header, body, refresh=True)  # the leader may have a new secret
        return None if problem is None else _WHY.get(problem, problem)

    async def _check(self, header: str, body: bytes, *, refresh: bool) -> str | None:
        if refresh or self._secrets is None:
            self._secrets = await asyncio.to_thread(secrets, self._hub.db)
            self._secrets_read = time.monotonic()
        if not self._secrets:
            return "no_secret"
        problem: str = "mismatch"
        for secret in self._secrets:
            try:
                verify_signature(secret, header, body)
            except WebhookSignatureError as error:
                if error.reason != "mismatch":
                    return error.reason
                continue
            return None
        return problem

    def store(self, delivery_id: str, event: str, body: str) -> bool:
        """Keep a verified delivery (in a worker thread); False when its id was already stored."""
        try:
            with self._hub.db.session() as session:
                session.add(
                    DeliveryRow(
                        delivery_id=delivery_id,
                        event=event[:64],
                        body=body,
                        received_ms=now_ms(),
                        received_by=self._hub.hub_id,
                    )
                )
                session.flush()
                if self.channel is not None:
                    session.execute(text("SELECT pg_notify(:c, '')"), {"c": self.channel})
        except IntegrityError:
            return False
        return True

    def stored(self) -> None:
        """A delivery was stored by this hub: the leader applies it now."""
        if self._hub.leadership.leading:
            self.applier.nudge()


_WHY = {
    "malformed": "the X-Sety-Signature header is malformed",
    "mismatch": "the signature does not match (wrong secret, or the body was changed)",
    "too_old": "the delivery was signed more than 300 s ago (replayed, or this hub's clock is wrong)",
    "too_new": "the delivery is signed in the future (this hub's clock is wrong)",
    "no_secret": "this hub holds no webhook secret yet",
}
