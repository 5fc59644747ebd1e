"""Saved places and saved views: typed points, persistence per workstation, the list and the menu."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from sety_console.config import Settings, SettingsList, load_settings
from sety_console.ui.supervisor.places import PlaceError, PlacesList, PlacesStore, SavedPlace, parse_lat_lng
from sety_console.ui.supervisor.saved_views import SavedView, SavedViewError, SavedViewsMenu, SavedViewsStore


@pytest.mark.parametrize("text", ["6.4550, 3.3841", "6.4550,3.3841", " 6.4550 3.3841 ", "6.455; 3.3841"])
def test_typed_points(text: str) -> None:
    assert parse_lat_lng(text) == (6.455, 3.3841)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Lagos", "for example 6.4550, 3.3841"),
        ("", "latitude, longitude"),
        ("95, 3.3", "Latitude must be between -90 and 90"),
        ("3.38, 6.45", None),
        ("6.45, 190", "Longitude must be between -180 and 180"),
    ],
)
def test_bad_points_say_how_to_fix_them(text: str, message: str | None) -> None:
    if message is None:  # swapped but still on the globe: accepted as typed
        assert parse_lat_lng(text) == (3.38, 6.45)
        return
    with pytest.raises(PlaceError, match=message):
        parse_lat_lng(text)


def test_swapped_longitude_first_gets_a_hint() -> None:
    with pytest.raises(PlaceError, match="longitude first"):
        parse_lat_lng("103.8, 1.35")


def test_places_persist_per_workstation(settings: Settings) -> None:
    store = PlacesStore(SettingsList(settings, "saved_places"))
    store.add(SavedPlace("Yaba market", 6.5095, 3.3841))
    store.add(SavedPlace("Lekki gate", 6.4474, 3.4746))
    store.add(SavedPlace("yaba MARKET ", 6.51, 3.38))  # same name: replaced, not duplicated
    again = PlacesStore(SettingsList(load_settings(), "saved_places"))
    assert [(p.name, p.lat) for p in again.load()] == [("Lekki gate", 6.4474), ("yaba MARKET", 6.51)]
    assert [p.name for p in again.remove("Lekki gate")] == ["yaba MARKET"]
    with pytest.raises(PlaceError, match="name"):
        store.add(SavedPlace("  ", 1, 1))


def test_damaged_places_are_skipped(settings: Settings) -> None:
    settings.saved_places = [
        {"name": "ok", "lat": 1, "lng": 2},
        {"name": "bad"},
        {"name": "x", "lat": 95, "lng": 0},
    ]
    assert PlacesStore(SettingsList(settings, "saved_places")).load() == [SavedPlace("ok", 1.0, 2.0)]


def test_places_list_adds_and_activates(qtbot: QtBot, settings: Settings) -> None:
    names = iter(["Ojuelegba", None])
    widget = PlacesList(
        PlacesStore(SettingsList(settings, "saved_places")), ask_name=lambda _parent, _suggestion: next(names)
    )
    qtbot.addWidget(widget)
    assert widget.empty_hint.isVisibleTo(widget)
    assert widget.add_point(6.5097, 3.3651) == SavedPlace("Ojuelegba", 6.5097, 3.3651)
    assert widget.add_point(1.0, 1.0) is None  # cancelled: nothing saved
    assert widget.list.count() == 1
    assert not widget.empty_hint.isVisibleTo(widget)
    with qtbot.waitSignal(widget.place_activated) as signal:
        widget.list.itemClicked.emit(widget.list.item(0))
    assert signal.args == [SavedPlace("Ojuelegba", 6.5097, 3.3651)]


def _view(**changes: Any) -> SavedView:
    base = SavedView(
        name="",
        queue_filters={"status_group": "active", "categories": ["sos"], "search": ""},
        map_layers={"incidents": True, "heatmap": False, "danger_zones": True},
        window_days=3,
    )
    return SavedView(**{**base.__dict__, **changes})


def test_saved_view_round_trip_and_validation(settings: Settings) -> None:
    store = SavedViewsStore(SettingsList(settings, "saved_views"))
    saved = store.save(_view(name=" Night shift "))
    assert saved.name == "Night shift"
    assert saved.saved_at
    assert SavedView.from_dict(json.loads(json.dumps(saved.to_dict()))) == saved
    assert "Last 3 days · incidents, danger_zones" in saved.describe()
    with pytest.raises(SavedViewError, match="time window"):
        SavedView.from_dict({"name": "x", "window_days": 0})
    with pytest.raises(SavedViewError, match="cannot be stored"):
        store.save(_view(name="bad", queue_filters={"when": object()}))
    with pytest.raises(SavedViewError, match="name"):
        store.save(_view(name=""))


def test_menu_saves_lists_applies_and_deletes(qtbot: QtBot, settings: Settings) -> None:
    applied: list[SavedView] = []
    warnings: list[str] = []
    menu = SavedViewsMenu(
        capture=lambda: _view(name="ignored"),
        apply=applied.append,
        slot=SettingsList(settings, "saved_views"),
        ask_name=lambda _parent: "Critical only",
        warn=lambda _parent, message: warnings.append(message),
    )
    qtbot.addWidget(menu)
    assert "No saved views yet" in [a.text() for a in menu.actions()]
    saved = menu.save_current()
    assert saved is not None
    assert saved.name == "Critical only"
    entry = next(a for a in menu.actions() if a.text() == "Critical only")
    assert entry.toolTip().startswith("Last 3 days")
    entry.trigger()
    assert [v.queue_filters for v in applied] == [_view().queue_filters]
    assert applied[0].map_layers == {"incidents": True, "heatmap": False, "danger_zones": True}
    # Persisted per workstation: another menu over the same settings sees it.
    other = SavedViewsMenu(lambda: _view(), lambda _v: None, SettingsList(load_settings(), "saved_views"))
    qtbot.addWidget(other)
    assert "Critical only" in [a.text() for a in other.actions()]
    menu.delete_view("Critical only")
    assert not menu.apply_view("Critical only")
    assert warnings == ["The view 'Critical only' no longer exists."]


def test_a_view_that_cannot_be_applied_says_why(qtbot: QtBot, settings: Settings) -> None:
    def refuse(view: SavedView) -> None:
        raise ValueError("unknown queue filter 'colour'")

    warnings: list[str] = []
    menu = SavedViewsMenu(
        lambda: _view(), refuse, SettingsList(settings, "saved_views"), warn=lambda _p, m: warnings.append(m)
    )
    qtbot.addWidget(menu)
    menu.save_current("Old layout")
    assert not menu.apply_view("Old layout")
    assert warnings == ["The view 'Old layout' could not be applied: unknown queue filter 'colour'"]
