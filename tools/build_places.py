"""Write the area names the offline map shows (`resources/map/places.json`) from the sandbox's Lagos.

The console may not import the sandbox, so the names ship as data: one row per district —
name, centre and radius in metres — from `sety_console/sandbox/geodata.py` (approximate centres,
a few hundred metres). For another service area, write the same file by hand or from a gazetteer:

    [{"name": "Yaba", "lat": 6.5095, "lng": 3.38, "radius_m": 1500}, …]

Run: .venv/bin/python tools/build_places.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sety_console.sandbox.geodata import NEIGHBOURHOODS  # noqa: E402

OUT = ROOT / "resources" / "map" / "places.json"


def main() -> int:
    rows = [
        {"name": hood.name, "lat": hood.lat, "lng": hood.lng, "radius_m": hood.radius_m}
        for hood in sorted(NEIGHBOURHOODS, key=lambda h: h.name)
    ]
    OUT.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} areas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
