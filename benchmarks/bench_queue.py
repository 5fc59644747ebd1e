"""Incident queue model at 50,000 incidents: one poll's change set vs what a straightforward model does.

The model is shown in a QTableView (offscreen), sorted (default priority order unless `--sort`)
and filtered (active + a search that keeps about a third of the rows). Each round applies a change
set of 1,000 updated incidents like a busy poll brings them: half only change the ETA or add a note
(same place in the order), 40 % move on in their lifecycle (a new place), 10 % are resolved
(they leave the active view). The model is attached to the real `IncidentQueue` widget, so the
times include the table's synchronous reaction to every signal (selection kept, persistent indexes
moved). The repaint that follows (offscreen raster, 13-20 ms whatever changed) is printed to stderr
but not counted: it is the same for any change and at most once per frame.

The baseline is what a straightforward implementation does on every poll: a `QAbstractTableModel` over a
plain list that filters and re-sorts every incident (same filter, same priority order) inside
`beginResetModel()`/`endResetModel()`, in its own `QTableView` that then restores the selected row.
Both models see the same change sets; `reset_ms` is the baseline's median per poll.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_queue.py

Prints progress to stderr and, last, one JSON line: {"update_ms": …, "reset_ms": …, "ratio": …}
(`reset_ms`: the straightforward list model's reset per poll).
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

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView

from sety_console.api.models import Incident
from sety_console.core.changes import ChangeSet
from sety_console.core.rules import priority_key
from sety_console.ui.incidents.queue_filters import QueueFilters, StatusGroup
from sety_console.ui.incidents.queue_model import IncidentQueueModel
from sety_console.ui.incidents.queue_view import IncidentQueue

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


class ListQueueModel(QAbstractTableModel):
    """The straightforward queue: a list, filtered and re-sorted by priority, reset on every poll."""

    HEADERS = ("Subject", "Address", "Category", "Severity", "Status")

    def __init__(self, store: dict[str, Incident], filters: QueueFilters) -> None:
        super().__init__()
        self._store = store
        self._filters = filters
        self._rows: list[Incident] = []

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = sorted((i for i in self._store.values() if self._filters.matches(i)), key=priority_key)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(self.HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        incident = self._rows[index.row()]
        return (
            incident.subject.name,
            incident.location.address,
            incident.category.value,
            incident.severity.value,
            incident.status.value,
        )[index.column()]

    def row_of(self, incident_id: str) -> int:
        return next((n for n, i in enumerate(self._rows) if i.incident_id == incident_id), -1)


def baseline(store: dict[str, Incident], args: argparse.Namespace) -> tuple[ListQueueModel, QTableView]:
    model = ListQueueModel(store, QueueFilters(status=StatusGroup.ACTIVE, search=args.search))
    view = QTableView()
    view.setModel(model)
    view.resize(1400, 900)
    view.show()
    model.refresh()
    view.selectRow(model.rowCount() // 2)
    return model, view


def poll_baseline(model: ListQueueModel, view: QTableView) -> None:
    """One poll the straightforward way: reset, then find the selected incident again."""
    current = view.currentIndex()
    selected = model._rows[current.row()].incident_id if current.isValid() else None
    model.refresh()
    if selected is not None:
        row = model.row_of(selected)
        if row >= 0:
            view.selectRow(row)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def timed(action: Any, app: QApplication) -> tuple[float, float, float]:
    """(wall seconds in `action`, its CPU seconds, wall seconds of the repaint that follows)."""
    start, cpu = time.perf_counter(), time.thread_time()
    action()
    middle, cpu = time.perf_counter(), time.thread_time() - cpu
    app.processEvents()
    return middle - start, cpu, time.perf_counter() - middle


def build(args: argparse.Namespace, app: QApplication) -> tuple[dict[str, Incident], IncidentQueueModel, Any]:
    rng = random.Random(7)
    store = {
        i.incident_id: i
        for i in (Incident.model_validate(incident_dict(n, rng)) for n in range(args.incidents))
    }
    model = IncidentQueueModel(store.get, lambda: NOW)
    queue = IncidentQueue(model)  # the real widget: its table reacts to every signal
    queue.resize(1400, 900)
    queue.show()
    model.reset_from(store.values())
    queue.set_filters(QueueFilters(status=StatusGroup.ACTIVE, search=args.search))
    order = Qt.SortOrder.DescendingOrder if args.descending else Qt.SortOrder.AscendingOrder
    queue.table.sortByColumn(args.sort, order)
    app.processEvents()
    queue.select_next()
    for _ in range(model.rowCount() // 2):
        queue.select_next()
    return store, model, queue


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
    assert isinstance(app, QApplication)
    store, model, queue = build(args, app)
    print(f"{len(store)} incidents, {model.rowCount()} shown, sorted by {args.sort}", file=sys.stderr)
    rng = random.Random(11)
    batches = [
        {i: next_version(store[i], rng) for i in rng.sample(sorted(store), args.updates)}
        for _ in range(args.rounds)
    ]
    naive, naive_view = baseline(store, args)
    updates, update_cpu, update_paints = [], [], []
    resets, reset_cpu, reset_paints = [], [], []
    for batch in batches:
        store.update(batch)
        spent, cpu, paint = timed(lambda b=batch: model.apply(ChangeSet(updated=tuple(b))), app)
        updates.append(spent)
        update_cpu.append(cpu)
        update_paints.append(paint)
        spent, cpu, paint = timed(lambda: poll_baseline(naive, naive_view), app)
        resets.append(spent)
        reset_cpu.append(cpu)
        reset_paints.append(paint)
    selected = queue.current_id()
    print(f"after updates: {model.rowCount()} shown, selection kept: {selected is not None}", file=sys.stderr)
    update_ms, reset_ms = median_ms(updates), median_ms(resets)
    print(f"update samples (ms): {[round(t * 1000, 1) for t in updates]}", file=sys.stderr)
    print(
        f"CPU time (load-independent): update {median_ms(update_cpu)} ms, reset {median_ms(reset_cpu)} ms",
        file=sys.stderr,
    )
    print(
        f"repaint after (not counted, offscreen raster): update {median_ms(update_paints)} ms, "
        f"reset {median_ms(reset_paints)} ms",
        file=sys.stderr,
    )
    print(json.dumps({"update_ms": update_ms, "reset_ms": reset_ms, "ratio": round(reset_ms / update_ms, 1)}))


if __name__ == "__main__":
    main()
