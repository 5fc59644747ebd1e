"""What clients may do to incidents: create (idempotently), cancel, add notes.

The traffic generator creates incidents through `create()` too, so they dispatch and fire
webhooks exactly like incidents made over the API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sety_console.api.models import (
    AddNoteRequest,
    CreateIncidentRequest,
    Incident,
    TimelineEvent,
    TimelineEventType,
)

from . import incident_store, lifecycle
from .clock import SandboxClock, to_ms
from .db import Database
from .dispatch import Dispatcher
from .errors import ApiError, not_found
from .idempotency import KeyedWrite, claim, remember
from .ids import new_id
from .plans import Plan
from .responses import answer_json
from .webhooks import QueuedEvent, WebhookDeliverer


class IncidentService:
    """Incident writes, serialised by the database write lock."""

    def __init__(
        self,
        db: Database,
        clock: SandboxClock,
        dispatcher: Dispatcher,
        deliverer: WebhookDeliverer,
        on_history_change: Callable[[], None],
    ) -> None:
        self._db = db
        self._clock = clock
        self._dispatcher = dispatcher
        self._deliverer = deliverer
        self._on_history_change = on_history_change
        self.counts = incident_store.IncidentCounts(db)

    def create(
        self, org_id: str, environment: str, request: CreateIncidentRequest, *, at: datetime | None = None
    ) -> tuple[str, bool]:
        """The incident document and whether it is an idempotent replay.

        A known `idempotency_key` (per organisation and environment, never expiring) returns the
        stored incident unchanged, whatever the rest of the body says. Test keys force `is_drill`.
        `at` backdates the creation (the traffic generator catching up); default: now.
        """
        with self._db.write_lock:
            with self._db.session() as session:
                if request.idempotency_key is not None:
                    existing = incident_store.get_by_idempotency_key(
                        session, org_id, environment, request.idempotency_key
                    )
                    if existing is not None:
                        return existing.document, True
                now = at or self._clock.now()
                is_drill = True if environment == "test" else request.is_drill
                incident = lifecycle.new_incident(new_id("inc"), request, is_drill=is_drill, now=now)
                plan = self._dispatcher.new_plan(incident, org_id)
                row = incident_store.new_row(incident, org_id, environment, plan)
                session.add(row)
                event = QueuedEvent(org_id, environment, "incident.created", row.document)
                delivery_ids = self._deliverer.queue(session, [event], to_ms(now))
                document = row.document
            self.counts.added(org_id, environment)
        self._deliverer.kick(delivery_ids)
        if not is_drill:
            self._on_history_change()
        return document, False

    def cancel(
        self,
        org_id: str,
        environment: str,
        incident_id: str,
        reason: str | None,
        keyed: KeyedWrite | None = None,
    ) -> str:
        """Cancel an active incident (409 when terminal); the responder is stood down."""
        with self._db.write_lock:
            self._dispatcher.advance_to()
            with self._db.session() as session:
                claim(keyed, session)
                row = incident_store.get_scoped(session, org_id, environment, incident_id)
                if row is None:
                    raise not_found("Incident")
                incident = Incident.model_validate_json(row.document)
                if incident.status.is_terminal:
                    raise ApiError(409, f"Incident is already {incident.status.value}")
                now = max(self._clock.now(), incident.updated_at)
                if row.plan:
                    self._dispatcher.stand_down(session, Plan.from_json(row.plan))
                events = lifecycle.cancel(incident, now, reason)
                incident_store.store_state(row, incident, None)
                queued = [QueuedEvent(org_id, environment, e, row.document) for e in events]
                delivery_ids = self._deliverer.queue(session, queued, to_ms(now))
                document, feeds_intel = row.document, row.is_history or not row.is_drill
                remember(keyed, session, document)
        self._deliverer.kick(delivery_ids)
        if feeds_intel:
            self._on_history_change()
        return document

    def add_note(
        self,
        org_id: str,
        environment: str,
        incident_id: str,
        request: AddNoteRequest,
        keyed: KeyedWrite | None = None,
    ) -> TimelineEvent:
        """Append a `note_added` entry in any status; bumps `updated_at`; fires `incident.note_added`."""
        with self._db.write_lock:
            self._dispatcher.advance_to()
            with self._db.session() as session:
                claim(keyed, session)
                row = incident_store.get_scoped(session, org_id, environment, incident_id)
                if row is None:
                    raise not_found("Incident")
                incident = Incident.model_validate_json(row.document)
                now = max(self._clock.now(), incident.updated_at)
                events = lifecycle.add_note(incident, now, request.message, request.author)
                plan = Plan.from_json(row.plan) if row.plan else None
                incident_store.store_state(row, incident, plan)
                queued = [QueuedEvent(org_id, environment, e, row.document) for e in events]
                delivery_ids = self._deliverer.queue(session, queued, to_ms(now))
                note = TimelineEvent(
                    event_id=new_id("evt"),
                    incident_id=incident_id,
                    event=TimelineEventType.note_added,
                    message=request.message,
                    author=request.author,
                    timestamp=now,
                )
                remember(keyed, session, answer_json(note))
        self._deliverer.kick(delivery_ids)
        return note
