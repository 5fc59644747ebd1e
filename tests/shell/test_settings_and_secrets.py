"""Settings round-trip, keys never in files or logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sety_console import config, credentials
from sety_console.logging_setup import RedactKeys, setup_logging

KEY = "sety_test_" + "0123456789abcdef" * 2


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = config.load_settings(path)
    settings.theme = "light"
    settings.gate_name = "North Gate"
    config.save_settings(settings, path)
    again = config.load_settings(path)
    assert (again.theme, again.gate_name) == ("light", "North Gate")
    assert "sety_" not in path.read_text()


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    config.save_settings(config.Settings(api_url="https://file.example"), path)
    monkeypatch.setenv("SETY_API_URL", "https://env.example")
    assert config.load_settings(path).api_url == "https://env.example"


def test_unreadable_settings_file_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert config.load_settings(path).theme == "dark"


def test_key_from_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SETY_API_KEY", KEY)
    assert credentials.load_api_key("https://api.example") == KEY


def test_malformed_key_is_refused_with_words() -> None:
    with pytest.raises(credentials.CredentialError, match="does not look like a Sety key"):
        credentials.save_api_key("https://api.example", "hunter2")


def test_keys_are_redacted_from_logs(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    logger = logging.getLogger("sety_console.test")
    logger.warning("calling with %s", KEY)
    logger.warning(f"inline {KEY} too")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    assert KEY not in text
    assert text.count("sety_test_…") == 2
    for handler in list(logging.getLogger().handlers):
        if any(isinstance(f, RedactKeys) for f in handler.filters):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_environment_of_key() -> None:
    assert credentials.environment_of(KEY) == "test"
    assert credentials.environment_of("sety_live_" + "a" * 32) == "live"


HUB_TOKEN = "sety_hub_" + "0123456789" * 4


def test_hub_tokens_are_kept_in_the_keyring_and_redacted_from_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: dict[tuple[str, str], str] = {}
    monkeypatch.setattr("keyring.set_password", lambda service, url, key: saved.update({(service, url): key}))
    monkeypatch.setattr("keyring.get_password", lambda service, url: saved.get((service, url)))
    credentials.save_api_key("https://hub.example:8443/v1/external", HUB_TOKEN)
    assert credentials.load_hub_token("https://hub.example:8443/v1/external") == HUB_TOKEN
    assert credentials.load_own_key("https://hub.example:8443/v1/external") is None  # a token is not a key
    monkeypatch.setenv("SETY_API_KEY", KEY)  # a workstation's own key in the environment
    assert credentials.load_own_key("https://api.example") == KEY
    assert credentials.load_hub_token("https://hub.example:8443/v1/external") == HUB_TOKEN  # from the keyring

    path = setup_logging(tmp_path)
    logging.getLogger("sety_console.test").warning("token %s and key %s", HUB_TOKEN, KEY)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    assert HUB_TOKEN not in text
    assert KEY not in text
    assert "token sety_hub_… and key sety_test_…" in text
    for handler in list(logging.getLogger().handlers):
        if any(isinstance(f, RedactKeys) for f in handler.filters):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_a_malformed_hub_token_is_refused_with_words() -> None:
    with pytest.raises(credentials.CredentialError, match="control-room hub token"):
        credentials.save_api_key("https://hub.example", "sety_hub_short")


def test_saved_places_and_views_move_from_the_ini_to_settings_json_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One settings store: settings.json; QSettings keeps only the window's geometry and docks."""
    from PySide6.QtCore import QSettings

    from sety_console.app.console import ConsoleApp
    from sety_console.config import Settings, load_settings

    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    ini = QSettings(str(tmp_path / "workstation.ini"), QSettings.Format.IniFormat)
    ini.setValue("supervisor/places", '[{"name": "Yaba", "lat": 6.5, "lng": 3.38}]')
    ini.setValue("supervisor/saved_views", "[]")
    ini.setValue("window/geometry", b"kept")
    app = ConsoleApp(None, Settings(), print)  # type: ignore[arg-type]
    app._adopt_lists_from(ini)
    assert load_settings().saved_places == [{"name": "Yaba", "lat": 6.5, "lng": 3.38}]
    assert ini.value("supervisor/places") is None
    assert ini.value("supervisor/saved_views") is None
    assert ini.value("window/geometry") == b"kept"
