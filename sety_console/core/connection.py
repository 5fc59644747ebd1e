"""Connection state: is the console's picture live, and if not, why — in words an operator understands.

Every request the session makes reports its outcome here (`record_success` / `record_failure`). The
monitor turns that into one `ConnectionStatus` (online, degraded, offline, or a refused key, suspended
plan or missing permissions) and tells the ui when it changes. It also knows which workspaces the
API key's scopes allow (`available_workspaces`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from sety_console.api.errors import (
    AuthenticationError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SetyError,
    TransportError,
)
from sety_console.core.local_time import to_local

from .events import Event

STALE_FACTOR = 2.0
"""The picture is live while its data is younger than this many expected refresh intervals."""
OFFLINE_AFTER_S = 15.0
"""Past this age (or twice the expected interval, if longer) the picture is offline, not just late."""
OFFLINE_AFTER_FAILURES = 3
"""Only where no data age is known (a monitor nobody tells about data): offline after this many failures."""
FOCUS_STREAM = {
    "control-room": "incidents",
    "map": "incidents",
    "gate": "visitors",
    "supervisor": "incidents",
}
"""The stream whose age decides whether a workspace shows a live picture."""

WORKSPACES = ("control-room", "map", "gate", "supervisor")
# Each workspace: scope sets of which ANY one suffices to read it (all scopes of a set are needed).
WORKSPACE_READ_SCOPES: dict[str, tuple[frozenset[str], ...]] = {
    "control-room": (frozenset({"incidents:read"}),),
    "map": (frozenset({"incidents:read"}), frozenset({"intel:read"})),
    "gate": (frozenset({"access:read"}),),
    "supervisor": (frozenset({"intel:read", "incidents:read"}),),
}
# The scope needed to act (not only look) in a workspace.
WORKSPACE_WRITE_SCOPE: dict[str, str] = {"control-room": "incidents:write", "gate": "access:write"}
ALL_SCOPES = ("incidents:read", "incidents:write", "access:read", "access:write", "intel:read")


class ConnectionState(Enum):
    CONNECTING = "connecting"  # started, no answer yet (showing the snapshot)
    ONLINE = "online"
    DEGRADED = "degraded"  # some requests fail or are slowed down; data may lag a little
    OFFLINE = "offline"
    UNAUTHORIZED = "unauthorized"  # 401: the key is refused
    SUSPENDED = "suspended"  # 402: the plan has no API access
    FORBIDDEN = "forbidden"  # 403: the focused workspace needs a scope the key lacks


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """The connection as the status bar shows it."""

    state: ConnectionState
    message: str
    since: datetime
    stale_since: datetime | None = None  # last time the picture was known to be live
    last_error: str | None = None
    missing_scopes: frozenset[str] = field(default_factory=frozenset)
    unavailable: dict[str, str] = field(default_factory=dict)  # workspace -> reason
    stale: dict[str, datetime] = field(default_factory=dict)
    """Streams ("incidents", "visitors", "zones") not live now → the time their data is from: clocks
    and ages counted from it are projections and are shown as such."""

    @property
    def is_live(self) -> bool:
        return self.state in (ConnectionState.ONLINE, ConnectionState.DEGRADED, ConnectionState.FORBIDDEN)


def _hhmm(when: datetime | None) -> str:
    return to_local(when).strftime("%H:%M:%S") if when else "the start"


def _age_words(seconds: float) -> str:
    return f"{int(seconds)} s" if seconds < 120 else f"{int(seconds // 60)} min"


def workspace_reasons(missing: frozenset[str]) -> dict[str, str | None]:
    """For each workspace: None when the key's scopes allow it, else why not (one sentence)."""
    result: dict[str, str | None] = {}
    for workspace in WORKSPACES:
        options = WORKSPACE_READ_SCOPES[workspace]
        if any(not (option & missing) for option in options):
            result[workspace] = None
            continue
        needed = " or ".join(" and ".join(sorted(option)) for option in options)
        result[workspace] = f"This API key lacks the {needed} permission; ask your Sety administrator."
    return result


class ConnectionMonitor:
    """Turns request outcomes into a `ConnectionStatus`; emits `changed` when it changes."""

    def __init__(self, now: datetime) -> None:
        self.changed: Event[ConnectionStatus] = Event()
        self.reconnected: Event[None] = Event()  # offline (or never online) -> online: resync
        self._failures = 0
        self._last_success: datetime | None = None
        self._missing: set[str] = set()
        self._granted: set[str] = set()
        self._focus = "control-room"
        self._hard: ConnectionState | None = None  # 401 / 402 stick until a success
        self._rate_limited_until: datetime | None = None
        self._snapshot_at: datetime | None = None
        self._problems: dict[str, datetime | None] = {}  # source -> when its part was last confirmed
        self._started = now
        self._fresh: dict[str, datetime | None] = {}  # stream -> when its data was last confirmed
        self._expected: dict[str, float] = {}  # stream -> planned seconds between refreshes
        self._status = ConnectionStatus(
            ConnectionState.CONNECTING, "Connecting to Sety…", since=now, stale_since=None
        )

    @property
    def status(self) -> ConnectionStatus:
        return self._status

    @property
    def last_success(self) -> datetime | None:
        return self._last_success

    def set_snapshot_time(self, when: datetime | None) -> None:
        """When the cached data shown before the first answer was last confirmed."""
        self._snapshot_at = when

    def set_focus(self, workspace: str, now: datetime) -> None:
        self._focus = workspace
        self._publish(now, self._status.last_error)

    def record_scope(self, scope: str, granted: bool, now: datetime) -> None:
        """A probe or a request learnt whether the key has `scope`."""
        (self._granted if granted else self._missing).add(scope)
        (self._missing if granted else self._granted).discard(scope)
        self._publish(now, self._status.last_error)

    @property
    def scopes_known(self) -> bool:
        """True once every scope the workspaces use is known to be granted or missing."""
        return set(ALL_SCOPES) <= self._granted | self._missing

    def available_workspaces(self) -> dict[str, str | None]:
        """Each workspace: None when available, else the reason it is not."""
        return workspace_reasons(frozenset(self._missing))

    def can_act(self, workspace: str) -> bool:
        """False when the key is known to lack the write scope of `workspace`."""
        scope = WORKSPACE_WRITE_SCOPE.get(workspace)
        return scope is None or scope not in self._missing

    def record_success(self, now: datetime) -> None:
        self._failures = 0
        self._hard = None
        self._last_success = now
        if self._rate_limited_until and now >= self._rate_limited_until:
            self._rate_limited_until = None
        self._publish(now, None)

    def observe_data(
        self, now: datetime, fresh: dict[str, datetime | None], expected: dict[str, float]
    ) -> None:
        """Each second: how old each stream's data is and how often it should be refreshed. Liveness is
        judged from this age, not from the last error (a hung server raises no error)."""
        self._fresh, self._expected = dict(fresh), dict(expected)
        self._publish(now, self._status.last_error)

    def _stale(self, now: datetime) -> dict[str, datetime]:
        stale = {}
        for stream, as_of in self._fresh.items():
            expected = self._expected.get(stream)
            if as_of is None:
                continue
            old = as_of < self._started  # only what the snapshot held
            if old or (expected and (now - as_of).total_seconds() > STALE_FACTOR * expected):
                stale[stream] = as_of
        return stale

    def _offline_after(self, stream: str) -> float:
        return max(OFFLINE_AFTER_S, STALE_FACTOR * self._expected.get(stream, 0.0) + 1.0)

    def record_problem(self, source: str, now: datetime, *, stale_since: datetime | None) -> None:
        """A part of the picture (`source`: "incidents", "visitors", …) could not be refreshed although the
        server answered (a malformed answer, an internal error): degraded until `clear_problem`."""
        self._problems[source] = stale_since
        self._publish(now, self._status.last_error)

    def clear_problem(self, source: str, now: datetime) -> None:
        """`source` was refreshed again."""
        if self._problems.pop(source, "absent") != "absent":
            self._publish(now, self._status.last_error)

    @property
    def problems(self) -> frozenset[str]:
        """Parts of the picture that cannot be refreshed right now."""
        return frozenset(self._problems)

    def record_failure(self, error: SetyError, now: datetime, *, scope: str | None = None) -> None:
        """A request failed; 403 with `scope` marks that scope missing."""
        if isinstance(error, AuthenticationError):
            self._hard = ConnectionState.UNAUTHORIZED
        elif isinstance(error, PaymentRequiredError):
            self._hard = ConnectionState.SUSPENDED
        elif isinstance(error, PermissionDeniedError):
            if scope:
                self._missing.add(scope)
                self._granted.discard(scope)
        elif isinstance(error, RateLimitedError):
            self._rate_limited_until = now + timedelta(seconds=error.retry_after)
        elif isinstance(error, TransportError | ServerError):
            self._failures += 1
        self._publish(now, str(error))

    def _state(self, now: datetime) -> ConnectionState:
        if self._hard is not None:
            return self._hard
        if self._last_success is None:  # nothing confirmed yet in this session
            return ConnectionState.OFFLINE if self._failures else ConnectionState.CONNECTING
        if self.available_workspaces().get(self._focus):
            return ConnectionState.FORBIDDEN
        if not self._fresh:  # no data ages told (a bare monitor): judge by the requests alone
            if self._failures:
                return (
                    ConnectionState.OFFLINE
                    if self._failures >= OFFLINE_AFTER_FAILURES
                    else ConnectionState.DEGRADED
                )
            return self._late_or_online(now)
        stream = FOCUS_STREAM.get(self._focus, "incidents")
        as_of = self._fresh.get(stream)
        if as_of is None or as_of < self._started:  # no data of this session yet (maybe the snapshot's)
            if (now - self._started).total_seconds() > self._offline_after(stream):
                return ConnectionState.OFFLINE
            return ConnectionState.DEGRADED if self._problems else ConnectionState.CONNECTING
        if (now - as_of).total_seconds() > self._offline_after(stream):
            return ConnectionState.OFFLINE
        if stream in self._stale(now):
            return ConnectionState.DEGRADED
        return self._late_or_online(now)

    def _late_or_online(self, now: datetime) -> ConnectionState:
        if self._problems or (self._rate_limited_until and now < self._rate_limited_until):
            return ConnectionState.DEGRADED
        return ConnectionState.ONLINE

    def _publish(self, now: datetime, last_error: str | None) -> None:
        state = self._state(now)
        stream = FOCUS_STREAM.get(self._focus, "incidents")
        stale = self._stale(now)
        snapshot_at = self._snapshot_at
        if self._last_success is None and snapshot_at is not None:  # only the snapshot so far
            stale = dict.fromkeys(self._fresh, snapshot_at)
        if state in (ConnectionState.ONLINE, ConnectionState.FORBIDDEN):
            stale_since = None
        elif state is ConnectionState.DEGRADED and self._problems and stream not in stale:
            stale_since = min((t for t in self._problems.values() if t), default=self._snapshot_at)
        else:
            stale_since = self._fresh.get(stream) or self._last_success or self._snapshot_at
        unavailable = {k: v for k, v in self.available_workspaces().items() if v}
        status = ConnectionStatus(
            state=state,
            message=self._message(state, stale_since, now),
            since=now if state != self._status.state else self._status.since,
            stale_since=stale_since,
            last_error=last_error,
            missing_scopes=frozenset(self._missing),
            unavailable=unavailable,
            stale=stale,
        )
        if _differs(status, self._status):
            back = status.is_live and not self._status.is_live
            self._status = status
            self.changed.emit(status)
            if back:
                self.reconnected.emit(None)
        else:
            self._status = replace(self._status, last_error=last_error)

    def _message(self, state: ConnectionState, stale_since: datetime | None, now: datetime) -> str:
        kept = "your actions are kept and will be sent."
        if state is ConnectionState.CONNECTING:
            if self._snapshot_at:
                return f"Connecting to Sety… showing what we knew at {_hhmm(self._snapshot_at)} until then."
            return "Connecting to Sety…"
        if state is ConnectionState.ONLINE:
            return "Online — the picture is live."
        if state is ConnectionState.DEGRADED:
            stream = FOCUS_STREAM.get(self._focus, "incidents")
            as_of = self._fresh.get(stream)
            if as_of is not None and stream in self._stale(now):
                age = _age_words((now - as_of).total_seconds())
                return f"Data is {age} old — retrying (as of {_hhmm(as_of)}); not live."
            if self._rate_limited_until:
                until = _hhmm(self._rate_limited_until)
                return f"Slowed down — the API's request limit is reached until {until}; updates may lag."
            parts = " and ".join(sorted(self._problems))
            return (
                f"The {parts} could not be refreshed (unreadable answers or an internal error) — "
                f"shown as of {_hhmm(stale_since)}, not live; retrying."
            )
        if state is ConnectionState.OFFLINE:
            return f"Offline since {_hhmm(stale_since)} — showing what we knew then; {kept}"
        if state is ConnectionState.UNAUTHORIZED:
            return (
                "Sety refused the API key (unknown or revoked) — File → Connection… takes a new one; "
                f"showing what we knew at {_hhmm(stale_since)}; {kept}"
            )
        if state is ConnectionState.SUSPENDED:
            return (
                "The organisation's Sety plan has no API access (suspended or unpaid) — contact your "
                f"administrator; showing what we knew at {_hhmm(stale_since)}; {kept}"
            )
        reason = self.available_workspaces().get(self._focus) or ""
        return f"The {self._focus} workspace is not available: {reason}"


def _differs(a: ConnectionStatus, b: ConnectionStatus) -> bool:
    return (a.state, a.message, a.stale_since, a.missing_scopes, a.stale) != (
        b.state,
        b.message,
        b.stale_since,
        b.missing_scopes,
        b.stale,
    )
