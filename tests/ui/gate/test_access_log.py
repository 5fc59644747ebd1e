"""Access log: filters sent as asked, pages, CSV export of every page the active filters match."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from sety_console.api.models import AccessLogStatus
from sety_console.ui.gate.access_log import AccessLogPanel
from sety_console.ui.gate.csv_export import CSV_HEADER, csv_row, write_csv
from sety_console.ui.gate.log_filters import AccessLogFilters

from .fakes import FakeGateSession


def _panel(qtbot: QtBot, session: FakeGateSession) -> AccessLogPanel:
    panel = AccessLogPanel(session, page_size=10)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    return panel


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_filters_reach_the_backend_and_pages_follow(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake)
    panel.status_filter.setCurrentText("Checked out")  # applies at once
    qtbot.waitUntil(lambda: panel.model.rowCount() == 10, timeout=3000)
    assert fake.list_calls[-1]["status"] is AccessLogStatus.checked_out
    assert panel.pager.label.text() == "Page 1 of 8  ·  80 in all"
    panel.pager.next()
    qtbot.waitUntil(lambda: fake.list_calls[-1]["page"] == 2, timeout=3000)
    qtbot.keyClicks(panel.gate_filter, "North Gate")
    qtbot.keyClicks(panel.search, "kja")
    panel.from_enabled.setChecked(True)
    panel.from_date.setDate(QDate.currentDate().addDays(-6))
    panel.apply_filters()
    qtbot.waitUntil(lambda: fake.list_calls[-1]["search"] == "kja", timeout=3000)
    call = fake.list_calls[-1]
    assert call["gate"] == "North Gate"
    assert call["page"] == 1
    assert call["to_date"] is None
    assert call["from_date"] == QDate.currentDate().addDays(-6).toPython()
    rows = panel.model.rows()
    assert rows
    assert all(r.gate == "North Gate" and "KJA" in (r.vehicle_plate or "") for r in rows)
    assert "North Gate" in panel.message.text()
    assert '"kja"' in panel.message.text()


def test_day_range_backwards_is_explained_and_not_sent(qtbot: QtBot, fake: FakeGateSession) -> None:
    panel = _panel(qtbot, fake)
    panel.from_enabled.setChecked(True)
    panel.to_enabled.setChecked(True)
    panel.to_date.setDate(panel.from_date.date().addDays(-2))
    calls = len(fake.list_calls)
    panel.apply_filters()
    assert "after the 'to' day" in panel.message.text()
    assert len(fake.list_calls) == calls


@pytest.mark.parametrize(
    "filters",
    [
        AccessLogFilters(),
        AccessLogFilters(status=AccessLogStatus.checked_out, gate="Main Gate"),
        AccessLogFilters(search="ngozi"),
        AccessLogFilters(status=AccessLogStatus.checked_in),
    ],
    ids=["all", "out-main", "search", "inside"],
)
def test_csv_export_holds_exactly_the_visits_the_active_filters_match(
    qtbot: QtBot, fake: FakeGateSession, tmp_path: Path, filters: AccessLogFilters
) -> None:
    fake.add_log(
        inside=False,
        visitor_name='=HYPERLINK("x")',
        host_name="Ms Lawal",
        status=AccessLogStatus.checked_out,
        checked_in_at=fake.now - timedelta(hours=3),
        checked_out_at=fake.now,
        duration_minutes=180.0,
    )
    panel = _panel(qtbot, fake)
    panel.active = filters  # what the list shows
    target = tmp_path / "export.csv"
    with qtbot.waitSignal(panel.exported, timeout=5000) as done:
        panel.export_csv(target)
    expected = [log for log in fake.logs.values() if _matches(log, filters)]
    rows = _read(target)
    assert done.args == [target, len(expected)]
    assert len(rows) == len(expected) > 0
    assert {row["log_id"] for row in rows} == {log.log_id for log in expected}
    assert list(rows[0]) == list(CSV_HEADER)
    pages = [call["page"] for call in fake.list_calls]
    assert pages == list(range(1, len(pages) + 1))
    assert all(call["limit"] == 100 for call in fake.list_calls)
    for call in fake.list_calls:
        assert {k: call[k] for k in ("status", "gate", "search")} == {
            "status": filters.status,
            "gate": filters.gate,
            "search": filters.search,
        }
    assert f"Exported {len(expected)} visits" in panel.message.text()


def _matches(log: object, filters: AccessLogFilters) -> bool:
    from .fakes import _log_matches

    return _log_matches(log, filters.status, filters.gate, filters.from_date, filters.to_date, filters.search)  # type: ignore[arg-type]


def test_export_fetches_every_page(qtbot: QtBot, fake: FakeGateSession, tmp_path: Path) -> None:
    for index in range(150):
        fake.add_log(
            inside=False,
            visitor_name=f"Bulk {index}",
            host_name="Ms Lawal",
            gate="Service Gate",
            status=AccessLogStatus.checked_out,
            checked_in_at=fake.now - timedelta(minutes=index),
        )
    panel = _panel(qtbot, fake)
    panel.active = AccessLogFilters(gate="Service Gate")
    with qtbot.waitSignal(panel.exported, timeout=5000) as done:
        panel.export_csv(tmp_path / "all.csv")
    total = sum(1 for log in fake.logs.values() if log.gate == "Service Gate")
    assert done.args[1] == total > 150
    assert [call["page"] for call in fake.list_calls] == [1, 2]


def test_csv_cells_are_plain_and_formulas_are_defused(fake: FakeGateSession, tmp_path: Path) -> None:
    log = fake.add_log(
        inside=False,
        visitor_name="=cmd()",
        visitor_phone="+2348031234567",
        host_name="@host",
        checked_in_at=fake.now,
        status=AccessLogStatus.checked_out,
        duration_minutes=12.5,
    )
    row = dict(zip(CSV_HEADER, csv_row(log), strict=True))
    assert row["visitor_name"] == "'=cmd()"
    assert row["host_name"] == "'@host"
    assert row["visitor_phone"] == "+2348031234567"
    assert row["status"] == "checked_out"
    assert row["duration_minutes"] == "12.5"
    written = datetime.fromisoformat(row["checked_in_at"])  # ISO 8601 with its offset, to the millisecond
    assert written == log.checked_in_at.replace(microsecond=log.checked_in_at.microsecond // 1000 * 1000)
    assert row["checked_in_at"][-6] in "+-"
    assert row["checked_out_at"] == ""
    assert write_csv([log], tmp_path / "one.csv") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]


def test_failed_export_writes_nothing_and_says_so(
    qtbot: QtBot, fake: FakeGateSession, tmp_path: Path
) -> None:
    panel = _panel(qtbot, fake)
    fake.online = False
    target = tmp_path / "never.csv"
    task = panel.export_csv(target)
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() is None
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert "Export failed, nothing was written" in panel.message.text()
