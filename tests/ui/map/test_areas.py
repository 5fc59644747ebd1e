"""Area names for the offline map: the bundled list, addresses, and per-incident upkeep."""

from __future__ import annotations

from pathlib import Path

from sety_console.ui.map.areas import Area, AreaIndex, load_areas, locality


def test_the_bundled_areas_cover_lagos() -> None:
    areas = load_areas()
    names = {a.name for a in areas}
    assert {"Yaba", "Surulere", "Ikeja", "Victoria Island", "Lekki Phase 1"} <= names
    assert all(6.3 < a.lat < 6.8 and 3.1 < a.lng < 3.8 and a.radius_m > 0 for a in areas)


def test_a_missing_or_broken_list_means_no_names_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "places.json"
    broken.write_text("[{", encoding="utf-8")
    assert load_areas(broken) == ()
    assert load_areas(tmp_path / "absent.json") == ()


def test_the_locality_is_read_from_an_address() -> None:
    assert locality("12 Bode Thomas Street, Surulere, Lagos") == "Surulere"
    assert locality("Surulere, Lagos") is None
    assert locality("3 Road, 21, Lagos") is None
    assert locality(None) is None


def test_labels_follow_the_incidents_one_at_a_time() -> None:
    index = AreaIndex((Area("Yaba", 6.5095, 3.38, 1500), Area("Ikeja", 6.6018, 3.3515, 1800)))
    index.update("a", 6.51, 3.381, None)
    index.update("b", 6.60, 3.35, None)
    index.update("c", 6.70, 3.70, "4 Lake Road, Imota, Lagos")
    index.update("d", 6.71, 3.71, "9 Shore Road, Imota, Lagos")
    index.update("e", 6.40, 3.10, None)  # far from everything, no address: no label
    assert index.rows() == [["Ikeja", 6.6018, 3.3515], ["Imota", 6.705, 3.705], ["Yaba", 6.5095, 3.38]]
    index.update("b", 6.51, 3.379, None)  # moved from Ikeja into Yaba
    index.remove("c")
    assert [row[0] for row in index.rows()] == ["Imota", "Yaba"]
    index.clear()
    assert index.rows() == []
