"""Per-workstation settings: one versioned pydantic-settings schema, stored as JSON (never a key).

Environment variables prefixed `SETY_` override the file (e.g. `SETY_API_URL`, `SETY_THEME`).
API keys are not settings: see `sety_console.credentials`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "sety-console"
SETTINGS_VERSION = 1
log = logging.getLogger(__name__)


def data_dir() -> Path:
    """Outbox, snapshot cache, sandbox database."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The generated map page and other rebuildable files."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def sandbox_database() -> Path:
    """The demo sandbox's SQLite file: one per user profile, shared by the console's sandbox child,
    `sety-console sandbox serve` and `sety-console report --sandbox`."""
    return data_dir() / "sandbox" / "sandbox.db"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """What one workstation remembers between runs."""

    model_config = SettingsConfigDict(env_prefix="SETY_", extra="ignore")

    version: int = SETTINGS_VERSION
    api_url: str | None = None
    hub_urls: list[str] = Field(default_factory=list)
    """A control-room hub's addresses (`https://hub:8443/v1/external`; more than one when the control
    room runs standby hubs): tried in order. Its operator token is in the keyring, never here."""
    via_hub: bool = False
    """Connect through the hub (`hub_urls`) instead of to the Sety API directly (`api_url`)."""
    operator_name: str = ""
    """Who works at this workstation; asked at the first start (never a silent default)."""
    workstation: str = Field(default_factory=socket.gethostname)
    theme: Literal["dark", "light"] = "dark"
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    tile_cache_mb: int = 200
    """Street tiles kept on this computer per tile server (the least recently used go first)."""
    offline_tile_url: str = ""
    """A tile server whose usage policy allows bulk downloads ('Prepare this area for offline use')."""
    offline_tile_attribution: str = ""
    service_area: tuple[float, float, float, float] = (3.10, 6.35, 3.75, 6.75)
    """[min_lng, min_lat, max_lng, max_lat] the map and the heatmap cover (Lagos by default)."""
    time_zone: str = ""
    """IANA zone of the service area, e.g. `Africa/Lagos`: every time a person reads is shown in it
    (UTC on hover, ISO 8601 with offset in exports). Empty: this workstation's zone; the embedded demo
    sandbox uses Africa/Lagos."""
    gate_name: str = "Main Gate"
    alarm_sounds: dict[str, str] = Field(
        default_factory=lambda: {"sos": "sos", "vehicle": "vehicle", "sla": "sla", "default": "default"}
    )
    alarm_repeat_seconds: int = 6
    last_save_folder: str | None = None
    """Where the operator last saved an export (CSV, PDF); save dialogs start there, else in Documents."""
    saved_places: list[dict[str, Any]] = Field(default_factory=list)
    """Supervisor: places saved on this workstation (name, lat, lng)."""
    saved_views: list[dict[str, Any]] = Field(default_factory=list)
    """Supervisor: saved views (queue filters, map layers, heatmap window)."""
    sandbox_speed: float = 1.0
    sandbox_traffic_per_minute: float = 2.0


def suggested_operator_name() -> str:
    """The computer user's full name (or login) as a suggestion for the operator's name."""
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        full = entry.pw_gecos.split(",")[0].strip()
        return full or entry.pw_name
    except (ImportError, KeyError, AttributeError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or ""


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older settings file up to SETTINGS_VERSION (none needed yet)."""
    raw["version"] = SETTINGS_VERSION
    return raw


def load_settings(path: Path | None = None) -> Settings:
    """Settings from the file (if any), overridden by `SETY_*` environment variables."""
    path = path or settings_path()
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = _migrate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable settings file %s: %s", path, exc)
    env_overrides = Settings().model_dump(exclude_unset=True)
    return Settings.model_validate({**raw, **env_overrides})


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically so a crash never leaves half a file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)


class SettingsList:
    """One list of what a workstation keeps (saved places, saved views), read from and written back to
    settings.json — the one settings store (QSettings keeps only the window's geometry and docks)."""

    def __init__(self, settings: Settings, field: str, path: Path | None = None) -> None:
        self.settings, self.field, self.path = settings, field, path

    def load(self) -> list[Any]:
        return list(getattr(self.settings, self.field))

    def store(self, items: list[Any]) -> None:
        setattr(self.settings, self.field, list(items))
        save_settings(self.settings, self.path)
