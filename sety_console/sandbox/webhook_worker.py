"""The webhook delivery worker: a thread and event loop of its own, bounded in every direction.

Why a thread and not a process: deliveries need the sandbox's clock (a test's manual clock
included), its database engine and an injectable HTTP transport, and they are queued by request
handlers in the same process; a thread keeps all of that without a second channel. What made
deliveries slow the API was unbounded work on the serving loop (thousands of delivery tasks
queued in one HTTP connection pool, whose bookkeeping is linear in its queue), not the GIL; here
the serving loop only hands ids over, and the work per unit of time is bounded:

* at most `webhook_max_in_flight` deliveries on the wire at once, and
  `webhook_endpoint_in_flight` per endpoint, served round-robin so one endpoint cannot starve others;
* a circuit breaker per endpoint (`webhook_breaker.py`): an endpoint that failed
  `webhook_breaker_failures` times in a row gets no requests for a cool-down, then one probe; while
  it is open, due deliveries are refused in one database write per batch, each counting as a failed
  attempt (response status null), so every delivery keeps the contract's retry schedule and ends
  `failed` after its sixth attempt just as it would without the breaker;
* waiting deliveries are ids in a heap ordered by due time, not tasks.

The database stays the record: a delivery is `pending` until an attempt is answered with a 2xx or
the schedule ends, and every pending delivery is loaded again when the worker starts. In this
process a delivery id is held in one place at a time (heap, an endpoint's ready queue, or one
attempt), so it is never sent twice at once nor after it was delivered. One that was sent but not
yet recorded when the process died is sent again after a restart (the contract allows duplicates;
receivers deduplicate on `X-Sety-Delivery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .config import SandboxConfig
from .webhook_breaker import BreakerState, CircuitBreaker
from .webhook_sender import AttemptResult, Outcome, WebhookSender
from .webhook_store import DeliveryRef

log = logging.getLogger(__name__)

ERROR_PAUSE_SECONDS = 5.0
"""A delivery the sandbox itself could not attempt (database trouble) is tried again after this."""


@dataclass
class _Lane:
    """One endpoint: its due deliveries, its attempts on the wire, its breaker."""

    endpoint_id: str
    breaker: CircuitBreaker
    ready: deque[str] = field(default_factory=deque)
    in_flight: int = 0


class DeliveryWorker:
    """Schedules and sends deliveries on its own thread; `submit()` is safe from any thread."""

    def __init__(self, sender: WebhookSender, config: SandboxConfig) -> None:
        self._sender = sender
        self._max_in_flight = max(1, config.webhook_max_in_flight)
        self._endpoint_in_flight = max(1, config.webhook_endpoint_in_flight)
        self._breaker_failures = config.webhook_breaker_failures
        self._cooldown = config.webhook_breaker_cooldown_seconds * config.webhook_retry_factor
        self._lock = threading.Lock()  # guards _inbox, _known and _idle (read from other threads)
        self._inbox: list[DeliveryRef] = []
        self._known: set[str] = set()
        self._idle = threading.Event()
        self._idle.set()
        self._heap: list[tuple[float, int, str, str]] = []
        self._order = itertools.count()
        self._lanes: dict[str, _Lane] = {}
        self._busy: OrderedDict[str, None] = OrderedDict()  # lanes with due deliveries, round-robin
        self._in_flight = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._running = threading.Event()

    # -- any thread ---------------------------------------------------------------------------

    def submit(self, refs: Iterable[DeliveryRef]) -> None:
        """Queue deliveries just committed as pending (kept until the worker runs)."""
        with self._lock:
            self._inbox.extend(refs)
            if self._inbox:
                self._idle.clear()
        self._poke()

    def start(self, timeout: float = 30.0) -> None:
        """Start the thread; returns once its loop runs (pending deliveries load in the background)."""
        if self._thread is not None:
            raise RuntimeError("the webhook worker is already started")
        self._idle.clear()  # until the pending deliveries are loaded
        self._thread = threading.Thread(target=self._run_thread, name="sety-webhooks", daemon=True)
        self._thread.start()
        if not self._running.wait(timeout):
            raise RuntimeError("the webhook worker did not start")

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel attempts on the wire (their deliveries stay pending) and join the thread."""
        loop, main, thread = self._loop, self._main, self._thread
        if thread is None:
            return
        if loop is not None and main is not None and not loop.is_closed():
            loop.call_soon_threadsafe(main.cancel)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("the webhook worker did not stop within %.0f s", timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._running.is_set()

    def wait_idle(self, poll: float = 0.05) -> bool:
        """Block until nothing is queued, scheduled or on the wire (retries included); False when
        the worker stopped first."""
        while self.running:
            if self._idle.wait(poll):
                return True
        return False

    def breaker_states(self) -> dict[str, str]:
        """Each endpoint's breaker: `closed`, `open` or `half_open` (a snapshot, for tests and logs)."""
        loop = self._loop
        now = loop.time() if loop is not None else 0.0
        return {lane.endpoint_id: lane.breaker.state(now).value for lane in list(self._lanes.values())}

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed in between: they stay pending in the database
                loop.call_soon_threadsafe(wake.set)

    # -- the worker's thread ------------------------------------------------------------------

    def _run_thread(self) -> None:
        loop = asyncio.new_event_loop()
        # name lookups run here, one thread per attempt on the wire at most; a lookup that hangs
        # is abandoned at the connect timeout and never holds up the worker's database thread
        loop.set_default_executor(
            ThreadPoolExecutor(self._max_in_flight, thread_name_prefix="sety-webhook-dns")
        )
        try:
            loop.run_until_complete(self._serve())
        except asyncio.CancelledError:
            pass  # stop()
        except Exception:
            log.exception("the webhook worker stopped on an error; pending deliveries stay queued")
        finally:
            self._running.clear()
            self._loop = None
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()  # does not wait for a name lookup still hanging in its thread

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        self._wake = asyncio.Event()
        self._running.set()
        try:
            await self._sender.open()
            async with asyncio.TaskGroup() as group:
                for ref, delay in await self._load_pending():
                    self._adopt(ref, delay)
                self._settle_idle()
                while True:
                    self._take_inbox()
                    now = self._loop.time()
                    self._promote(now)
                    self._dispatch(group, now)
                    await self._sleep()
        finally:
            await self._sender.close()

    async def _load_pending(self) -> list[tuple[DeliveryRef, float]]:
        while True:
            try:
                return await self._sender.pending()
            except Exception:
                log.exception("could not load pending webhook deliveries; trying again")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)

    def _adopt(self, ref: DeliveryRef, delay: float) -> None:
        with self._lock:
            if ref.delivery_id in self._known:
                return
            self._known.add(ref.delivery_id)
            self._idle.clear()
        self._schedule(ref.delivery_id, ref.endpoint_id, delay)

    def _take_inbox(self) -> None:
        with self._lock:
            refs, self._inbox = self._inbox, []
            fresh = []
            for ref in refs:  # an id may come twice in one batch, or be held already
                if ref.delivery_id not in self._known:
                    self._known.add(ref.delivery_id)
                    fresh.append(ref)
        for ref in fresh:
            self._schedule(ref.delivery_id, ref.endpoint_id, 0.0)

    def _schedule(self, delivery_id: str, endpoint_id: str, delay: float) -> None:
        assert self._loop is not None
        due = self._loop.time() + delay
        heapq.heappush(self._heap, (due, next(self._order), delivery_id, endpoint_id))

    def _finish(self, delivery_id: str) -> None:
        with self._lock:
            self._known.discard(delivery_id)
        self._settle_idle()

    def _settle_idle(self) -> None:
        with self._lock:
            if not self._known and not self._inbox:
                self._idle.set()

    def _promote(self, now: float) -> None:
        """Move deliveries whose time has come to their endpoint's ready queue."""
        while self._heap and self._heap[0][0] <= now:
            _due, _order, delivery_id, endpoint_id = heapq.heappop(self._heap)
            self._lane(endpoint_id).ready.append(delivery_id)
            self._busy[endpoint_id] = None

    def _lane(self, endpoint_id: str) -> _Lane:
        lane = self._lanes.get(endpoint_id)
        if lane is None:
            lane = _Lane(endpoint_id, CircuitBreaker(self._breaker_failures, self._cooldown))
            self._lanes[endpoint_id] = lane
        return lane

    def _dispatch(self, group: asyncio.TaskGroup, now: float) -> None:
        """Refuse what open breakers hold; send one delivery per endpoint per round while slots last."""
        progress = True
        while progress:
            progress = False
            for endpoint_id in list(self._busy):
                lane = self._lanes[endpoint_id]
                state = lane.breaker.state(now)
                if state is BreakerState.OPEN:
                    self._refuse_ready(group, lane)
                elif self._send_one(group, lane, state):
                    self._busy.move_to_end(endpoint_id)  # the others go first next time
                    progress = True
                if not lane.ready:
                    del self._busy[endpoint_id]

    def _send_one(self, group: asyncio.TaskGroup, lane: _Lane, state: BreakerState) -> bool:
        if self._in_flight >= self._max_in_flight or lane.in_flight >= self._endpoint_in_flight:
            return False
        probe = state is BreakerState.HALF_OPEN
        if probe:
            if lane.breaker.probing:
                return False  # the others wait for the probe's answer
            lane.breaker.begin_probe()
            log.info("webhook endpoint %s: cool-down over, sending one probe", lane.endpoint_id)
        delivery_id = lane.ready.popleft()
        lane.in_flight += 1
        self._in_flight += 1
        group.create_task(self._attempt(lane, delivery_id, probe), name=f"webhook {delivery_id}")
        return True

    def _refuse_ready(self, group: asyncio.TaskGroup, lane: _Lane) -> None:
        held = list(lane.ready)
        lane.ready.clear()
        group.create_task(self._refuse(lane, held), name=f"webhook refusals {lane.endpoint_id}")

    async def _attempt(self, lane: _Lane, delivery_id: str, probe: bool) -> None:
        try:
            result = await self._sender.attempt(delivery_id)
        except Exception:
            log.exception("webhook delivery %s could not be attempted; it stays pending", delivery_id)
            result = AttemptResult(Outcome.ERROR, ERROR_PAUSE_SECONDS)
        finally:
            lane.in_flight -= 1
            self._in_flight -= 1
        self._judge(lane, result, probe)
        self._settle(delivery_id, lane.endpoint_id, result)
        self._poke_local()

    async def _refuse(self, lane: _Lane, held: list[str]) -> None:
        try:
            results = await self._sender.refuse(held)
        except Exception:
            log.exception("could not record refused webhook deliveries; they stay pending")
            results = dict.fromkeys(held, AttemptResult(Outcome.ERROR, ERROR_PAUSE_SECONDS))
        log.debug("webhook endpoint %s: circuit open, %d deliveries refused", lane.endpoint_id, len(held))
        for delivery_id in held:
            self._settle(delivery_id, lane.endpoint_id, results.get(delivery_id, AttemptResult(Outcome.GONE)))
        self._poke_local()

    def _judge(self, lane: _Lane, result: AttemptResult, probe: bool) -> None:
        """Tell the endpoint's breaker how the attempt went, and log when it changes state."""
        assert self._loop is not None
        breaker = lane.breaker
        if result.outcome is Outcome.DELIVERED:
            if breaker.succeeded(probe):
                log.info("webhook endpoint %s answers again: circuit closed", lane.endpoint_id)
        elif result.outcome in (Outcome.RETRY, Outcome.FAILED):
            if breaker.failed(self._loop.time(), probe):
                log.warning(
                    "webhook endpoint %s failed %d times in a row (last: %s): circuit open; for %.1f s"
                    " its due deliveries count a failed attempt without a request, then one probe",
                    lane.endpoint_id,
                    breaker.failures,
                    result.detail,
                    self._cooldown,
                )
        elif probe:
            breaker.abandon_probe()

    def _settle(self, delivery_id: str, endpoint_id: str, result: AttemptResult) -> None:
        if result.retry_in is None:
            self._finish(delivery_id)
        else:
            self._schedule(delivery_id, endpoint_id, result.retry_in)

    def _poke_local(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _sleep(self) -> None:
        """Until something is submitted or finishes, or the next delivery is due."""
        assert self._loop is not None
        assert self._wake is not None
        delay = max(0.0, self._heap[0][0] - self._loop.time()) if self._heap else None
        try:
            async with asyncio.timeout(delay):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()
