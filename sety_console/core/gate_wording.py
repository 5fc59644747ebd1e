"""Words a guard reads: validation reasons, outbox states, times and durations (no Qt here)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sety_console.api.models import AccessCode, ValidationReason

from .actions import ActionKind, ActionState, OutboxEntry
from .local_time import to_local

# (headline, explanation) for every reason a code is refused.
_REASONS: dict[ValidationReason, tuple[str, str]] = {
    ValidationReason.not_found: (
        "Code not found",
        "No access code has these digits. Check them with the visitor.",
    ),
    ValidationReason.expired: ("Code expired", "The visit window of this code is over."),
    ValidationReason.not_yet_valid: ("Not valid yet", "This code only starts working later."),
    ValidationReason.used: ("Code already used", "This code has no uses left."),
    ValidationReason.revoked: ("Code revoked", "The host withdrew this code."),
    ValidationReason.ok: ("Valid", "The code admits this visitor."),
}


def reason_headline(reason: ValidationReason) -> str:
    """Short words for a verdict: `Code expired`; an unknown reason reads `Unknown (raw)`."""
    if reason.is_unknown:
        return reason.label
    return _REASONS.get(reason, (reason.label, ""))[0]


def reason_detail(reason: ValidationReason, code: AccessCode | None) -> str:
    """One sentence on why, with the dates that matter when the server sent the code."""
    if reason.is_unknown:
        return "The server gave a reason this console does not know. Do not admit without checking."
    text = _REASONS.get(reason, ("", ""))[1]
    if code is None:
        return text
    if reason is ValidationReason.expired and code.valid_until:
        return f"The visit window ended {format_when(code.valid_until)}."
    if reason is ValidationReason.not_yet_valid and code.valid_from:
        return f"This code starts working {format_when(code.valid_from)}."
    if reason is ValidationReason.used:
        return f"All {code.max_uses} use(s) of this code are spent."
    return text


def format_when(moment: datetime | None, now: datetime | None = None) -> str:
    """Local time for a person: `14:05` today, `Thu 26 Nov 14:05` on other days, `—` when unknown."""
    if moment is None:
        return "—"
    local = to_local(moment)
    today = to_local(now or datetime.now(UTC)).date()
    if local.date() == today:
        return f"today {local:%H:%M}"
    return f"{local:%a %d %b %H:%M}"


def format_window(code: AccessCode) -> str:
    """`today 09:00 → today 18:00`, the code's validity window in local time."""
    start = format_when(code.valid_from) if code.valid_from else "now"
    return f"{start} → {format_when(code.valid_until)}"


def format_minutes(minutes: float | None) -> str:
    """`45 min`, `2 h 05 min`; `—` when unknown."""
    if minutes is None:
        return "—"
    whole = max(0, int(minutes))
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def minutes_since(moment: datetime, now: datetime) -> int:
    """Whole minutes from `moment` to `now` (never negative)."""
    return max(0, int((now - moment).total_seconds() // 60))


_CODE_REFUSED = re.compile(r"not valid: (\w+)")


def clause(text: str | None) -> str:
    """A server message to continue a sentence with: no trailing full stop, and a code's refusal reason
    in words (`Access code not valid: code expired`, not `…: expired`)."""
    message = (text or "the server refused it").strip().rstrip(".")
    return _CODE_REFUSED.sub(
        lambda m: f"not valid: {reason_headline(ValidationReason(m.group(1))).lower()}", message
    )


def is_already_done(entry: OutboxEntry) -> bool:
    """A checkout refused because the visitor is already out (409) counts as done, not as an error."""
    if entry.state is ActionState.DONE:
        return True
    if entry.state is not ActionState.FAILED or entry.kind is not ActionKind.CHECK_OUT:
        return False
    error = (entry.error or "").lower()
    return "409" in error or "already checked out" in error


def short_state(entry: OutboxEntry) -> str:
    """A few words for a list cell: `sending`, `queued`, `offline`, `done`, `FAILED`."""
    if is_already_done(entry):
        return "done"
    if entry.state is ActionState.SENDING:
        return "sending"
    if entry.state is ActionState.PENDING:
        return "offline" if entry.attempts else "queued"
    return "FAILED"


def outbox_words(entry: OutboxEntry) -> str:
    """What happened to an action, for a badge: `sending…`, `queued (try 3)`, `done`, `FAILED: …`."""
    if is_already_done(entry):
        return "done"
    if entry.state is ActionState.SENDING:
        return "sending…"
    if entry.state is ActionState.PENDING:
        if entry.attempts:
            return f"queued, server unreachable (tried {entry.attempts}×)"
        return "queued"
    return f"FAILED: {entry.error or 'the server refused it'}"


def not_saved(error: Exception) -> str:
    """The outbox could not store an action (full disk, locked database): nothing was sent."""
    return f"NOT SAVED on this computer ({error}). Nothing was sent: try again, or tell your supervisor."
