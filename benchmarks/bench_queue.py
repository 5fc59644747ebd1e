"""Incident queue model at 50,000 incidents: one poll's change set vs a full model reset.

The model is shown in a QTableView (offscreen), sorted (default priority order unless `--sort`)
and filtered (active + a search that keeps about a third of the rows). Each round applies a change
set of 1,000 updated incidents like a busy poll brings them: half only change the ETA or add a note
(same place in the order), 40 % move on in their lifecycle (a new place), 10 % are resolved
(they leave the active view). The time includes the view's own reaction (`processEvents`).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_queue.py

Prints progress to stderr and, last, one JSON line: {"update_ms": …, "reset_ms": …, "ratio": …}.
Goal: update_ms <= 25 and ratio >= 8.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.ui.incidents.queue_filters import QueueFilters, StatusGroup
from sety_console.ui.incidents.queue_model import IncidentQueueModel

NOW = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
STREETS = [
    "Admiralty Way, Lekki Phase 1",
    "Awolowo Road, Ikoyi",
    "Allen Avenue, Ikeja",
    "Herbert Macaulay Way, Yaba",
    "Lekki-Epe Expressway, Ajah",
    "Ozumba Mbadiwe Avenue, Victoria Island",
    "Bode Thomas Street, Surulere",
]
NAMES = [
    "Adaeze Nwosu",
    "Tunde Bakare",
    "Chioma Okafor",
    "Ibrahim Musa",
    "Funke Adeyemi",
    "Emeka Eze",
    "Zainab Bello",
]
LIFECYCLE = ["created", "dispatching", "assigned", "responding", "on_scene", "resolved"]
CATEGORIES = ["sos", "vehicle", "medical", "location_threat"]
SEVERITIES = ["low", "medium", "high", "critical"]


def incident_dict(n: int, rng: random.Random) -> dict[str, Any]:
    created = NOW - timedelta(seconds=rng.randint(10, 6 * 3600))
    status = rng.choices([*LIFECYCLE, "cancelled"], weights=[8, 6, 10, 20, 10, 12, 4])[0]
    assigned = LIFECYCLE.index(status) >= 2 if status in LIFECYCLE else False
    stamp = created.isoformat().replace("+00:00", "Z")
    return {
        "incident_id": f"inc_{n:016d}",
        "category": rng.choice(CATEGORIES),
        "severity": rng.choice(SEVERITIES),
        "status": status,
        "subject": {"name": f"{rng.choice(NAMES)} {n}", "phone": f"+23480{n:08d}", "reference": f"USER-{n}"},
        "title": "Panic button pressed",
        "location": {
            "coordinates": [3.3 + rng.random() / 5, 6.4 + rng.random() / 5],
            "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}, Lagos",
            "landmark": None,
        },
        "is_drill": rng.random() < 0.05,
        "timeline": [
            {"status": "created", "event": "created", "message": "Incident created", "timestamp": stamp}
        ],
        "responder": {
            "responder_id": f"rsp_{n}",
            "name": "Sgt. Musa",
            "unit": f"Patrol {n % 40}",
            "eta_seconds": rng.randint(30, 900),
            "assigned_at": stamp,
        }
        if assigned
        else None,
        "created_at": stamp,
        "updated_at": stamp,
    }


def next_version(incident: Incident, rng: random.Random) -> Incident:
    """What a poll brings for one incident: an ETA/note change, a lifecycle step, or resolution."""
    data = incident.model_dump(mode="json")
    roll = rng.random()
    if roll < 0.5 or data["status"] not in LIFECYCLE[:-1]:
        if data["responder"]:
            data["responder"]["eta_seconds"] = rng.randint(30, 900)
        data["timeline"].append(
            {
                "status": data["status"],
                "event": "note_added",
                "message": "Update",
                "timestamp": data["updated_at"],
                "author": "Dispatch",
            }
        )
    elif roll < 0.9:
        data["status"] = LIFECYCLE[LIFECYCLE.index(data["status"]) + 1]
    else:
        data["status"] = "resolved"
    return Incident.model_validate(data)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--updates", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sort", type=int, default=-1, help="column to sort by (-1: default priority order)")
    parser.add_argument("--descending", action="store_true")
    parser.add_argument("--search", default="lekki")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    rng = random.Random(7)
    store = {
        i.incident_id: i
        for i in (Incident.model_validate(incident_dict(n, rng)) for n in range(args.incidents))
    }
    model = IncidentQueueModel(store.get, lambda: NOW)
    view = QTableView()
    view.setModel(model)
    view.resize(1400, 900)
    view.show()
    model.set_filter(QueueFilters(status=StatusGroup.ACTIVE, search=args.search))
    model.reset_from(store.values())
    order = Qt.SortOrder.DescendingOrder if args.descending else Qt.SortOrder.AscendingOrder
    model.sort(args.sort, order)
    app.processEvents()
    print(f"{len(store)} incidents, {model.rowCount()} shown", file=sys.stderr)
    view.selectRow(model.rowCount() // 2)

    updates = []
    for _ in range(args.rounds):
        ids = rng.sample(sorted(store), args.updates)
        batch = {i: next_version(store[i], rng) for i in ids}
        updates.append(batch)

    update_times = []
    for batch in updates:
        store.update(batch)
        start = time.perf_counter()
        model.apply(ChangeSet(updated=tuple(batch)))
        app.processEvents()
        update_times.append(time.perf_counter() - start)
    print(f"after updates: {model.rowCount()} shown", file=sys.stderr)

    reset_times = []
    for _ in range(max(3, args.rounds // 3)):
        start = time.perf_counter()
        model.reset_from(store.values())
        app.processEvents()
        reset_times.append(time.perf_counter() - start)

    update_ms, reset_ms = median_ms(update_times), median_ms(reset_times)
    print(f"update samples (ms): {[round(t * 1000, 1) for t in update_times]}", file=sys.stderr)
    print(json.dumps({"update_ms": update_ms, "reset_ms": reset_ms, "ratio": round(reset_ms / update_ms, 1)}))


if __name__ == "__main__":
    main()
