"""What the map pushes: compact rows from the contract models and diffs between pushes (no Qt)."""

from __future__ import annotations

import pytest

from sety_console.api.models import DangerZonePage, HeatmapResponse, Incident, RouteSafety
from sety_console.core.map_text import CoordinateError, format_hours, parse_point
from sety_console.ui.map.payload import heat_payload, incident_row, route_payload, zone_row, zone_rows
from sety_console.ui.map.state import MapState
from tests.contract import example

from . import synthetic as syn


def test_incident_row_from_the_contract_example() -> None:
    incident = Incident.model_validate(example("getIncident.response"))
    row = incident_row(incident)
    assert row[:6] == ("inc_h3t8w1ne6vb0ys5c", 6.4474, 3.4746, "high", "sos", 1)
    assert row[6] == "Panic button pressed in Lekki Phase 1"
    assert "High · SOS · Responding" in row[7]
    assert "Admiralty Way" in row[7]
    unit, lat, lng, en_route = row[8]
    assert unit
    assert en_route == 1
    assert (lat, lng) != (row[1], row[2])


@pytest.mark.parametrize(
    ("status", "line"), [("assigned", 1), ("responding", 1), ("on_scene", 0), ("resolved", None)]
)
def test_responder_line_only_while_on_the_way(status: str, line: int | None) -> None:
    incident = syn.incident(1, lat=6.5, lng=3.4, status=status, responder_at=(6.51, 3.41))
    responder = incident_row(incident)[8]
    assert (responder[3] if responder else None) == line


def test_unknown_enum_values_draw_as_unknown() -> None:
    data = syn.incident(2, lat=6.5, lng=3.4).model_dump(mode="json")
    data.update(category="flood", severity="extreme")
    row = incident_row(Incident.model_validate(data))
    assert row[3:5] == ("unknown", "unknown")


def test_only_changed_incidents_are_pushed_and_removals_follow() -> None:
    state = MapState()
    first = syn.incidents(20)
    state.apply_incidents(first)
    full = state.take_batch(1)
    assert full is not None
    assert len(full["inc"]["upsert"]) == 20
    assert state.apply_incidents(first) == 0
    assert state.take_batch(2) is None
    changed = syn.moved(first[:3])
    state.apply_incidents(changed, removed=[first[5].incident_id, "inc_not_on_map"])
    batch = state.take_batch(3)
    assert batch is not None
    assert sorted(r[0] for r in batch["inc"]["upsert"]) == sorted(i.incident_id for i in changed)
    assert batch["inc"]["remove"] == [first[5].incident_id]
    assert len(state.incident_ids) == 19


def test_add_then_remove_in_one_turn_sends_only_the_removal_of_known_ids() -> None:
    state = MapState()
    new = syn.incident(7, lat=6.5, lng=3.4)
    state.apply_incidents([new])
    state.apply_incidents([], removed=[new.incident_id])
    batch = state.take_batch(1)
    assert batch is not None
    assert batch["inc"] == {"upsert": [], "remove": [new.incident_id]}


def test_unacknowledged_open_criticals_pulse_until_acknowledged() -> None:
    state = MapState()
    critical = syn.incident(1, lat=6.5, lng=3.4, severity="critical", status="created")
    closed = syn.incident(2, lat=6.5, lng=3.4, severity="critical", status="resolved")
    high = syn.incident(3, lat=6.5, lng=3.4, severity="high", status="created")
    state.apply_incidents([critical, closed, high])
    assert state.pulsing_ids() == {critical.incident_id}
    state.take_batch(1)
    state.acknowledge(critical.incident_id)
    batch = state.take_batch(2)
    assert batch is not None
    assert batch["inc"]["upsert"][0][0] == critical.incident_id
    assert batch["inc"]["upsert"][0][-1] == 0  # the pulse flag, last in the row
    assert state.pulsing_ids() == set()


def test_full_batch_resets_the_page_with_everything() -> None:
    state = MapState()
    state.apply_incidents(syn.incidents(5))
    state.set_section("zones", [zone_row(z) for z in syn.zones(3)])
    state.set_layer("heatmap", False)
    state.select("inc_000001", pan=True)
    state.take_batch(1)
    full = state.full_batch(2)
    assert full["inc"]["reset"] is True
    assert len(full["inc"]["upsert"]) == 5
    assert len(full["zones"]) == 3
    assert full["layers"]["heatmap"] is False
    assert full["select"] == {"id": "inc_000001", "pan": False}


def test_unknown_layer_or_section_is_refused_in_words() -> None:
    state = MapState()
    with pytest.raises(ValueError, match="unknown map layer 'traffic'; known layers: incidents"):
        state.set_layer("traffic", True)
    with pytest.raises(ValueError, match="unknown map section"):
        state.set_section("weather", [])


def test_zone_rows_carry_popup_words_and_lat_lng_polygons() -> None:
    page = DangerZonePage.model_validate(example("listDangerZones.response"))
    circle, polygon = zone_row(page.data[0]), zone_row(page.data[1])
    assert circle[1] == "Ojuelegba Underbridge"
    assert circle[5] is None
    assert circle[6] == "severe"
    assert circle[8] == 47
    assert circle[9] == "Location threat"
    assert circle[10] == "19:00–22:00 UTC"
    assert polygon[5] is not None
    assert polygon[5][0] == [6.546, 3.401]


def test_heat_and_route_payloads_from_the_contract_examples() -> None:
    heat = heat_payload(HeatmapResponse.model_validate(example("getHeatmap.response")))
    assert heat["points"][0] == [6.5097, 3.3651, 1.0]
    route = route_payload(RouteSafety.model_validate(example("getRouteSafety.response")))
    assert route is not None
    assert len(route["segments"]) == 5
    assert route["riskiest"] == 3
    assert route["segments"][1][5] == "caution"
    assert "dz_9ra4e0sx6tg1mk8u" in route["crossed"]
    assert route_payload(None) is None


def test_hours_and_typed_points_in_words() -> None:
    assert format_hours([23, 0, 1, 7]) == "23:00–02:00, 07:00–08:00 UTC"
    assert format_hours([]) == "none"
    assert parse_point(" 6.5244 , 3.3792 ") == (6.5244, 3.3792)
    assert parse_point("6.5244 3.3792") == (6.5244, 3.3792)
    with pytest.raises(CoordinateError, match=r"outside -90…90\. Is the order 'latitude, longitude'"):
        parse_point("93.1, 6.5")
    with pytest.raises(CoordinateError, match="is not a point"):
        parse_point("Ikeja")


def test_impossible_coordinates_are_left_off_the_map_not_sent(caplog: pytest.LogCaptureFixture) -> None:
    state = MapState()
    good = syn.incident(1, lat=6.5, lng=3.4)
    state.apply_incidents([good])
    state.take_batch(1)
    broken = syn.incident(1, lat=96.5, lng=3.4)  # the same incident, now with a latitude off the globe
    # (an infinite coordinate is refused by the models already)
    state.apply_incidents([broken, syn.incident(2, lat=-91.0, lng=3.4)])
    batch = state.take_batch(2)
    assert batch is not None
    assert batch["inc"] == {"upsert": [], "remove": ["inc_000001"]}
    assert "Incident inc_000001 has an impossible location" in caplog.text
    zones = syn.zones(2)
    bad_zone = zones[1].model_copy(
        update={"center": zones[1].center.model_copy(update={"coordinates": (200.0, 6.5)})}
    )
    assert [row[0] for row in zone_rows([zones[0], bad_zone])] == [zones[0].zone_id]
