"""A write Sety confirmed goes into the hub's picture at once (every workstation sees it on the stream
before the next poll would have brought it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import ValidationError

from sety_console.api.models import AccessLog, CreateIncidentResponse, Incident
from sety_console.core.actions import ActionKind
from sety_console.core.stores import visitor_from_log

from .picture import Picture

log = logging.getLogger(__name__)


def apply_result(picture: Picture, kind: ActionKind, target_id: str, body: str) -> None:
    """Apply the answer of a delivered write to the picture's stores (recorded as a change set)."""
    try:
        if kind is ActionKind.CREATE_INCIDENT:
            incident = CreateIncidentResponse.model_validate_json(body).incident
            picture.record("incidents", picture.incidents.apply([incident]))
        elif kind is ActionKind.CANCEL_INCIDENT:
            picture.record("incidents", picture.incidents.apply([Incident.model_validate_json(body)]))
        elif kind is ActionKind.CHECK_IN:
            entry = AccessLog.model_validate_json(body)
            if entry.checked_out_at is None:
                visitor = visitor_from_log(entry, datetime.now(UTC))
                picture.record("visitors", picture.visitors.upsert(visitor))
        elif kind is ActionKind.CHECK_OUT and target_id:
            picture.record("visitors", picture.visitors.discard(target_id))
    except ValidationError as exc:
        log.warning("could not read Sety's answer to %s into the picture: %s", kind.value, exc)
