"""The handover report's "Operator activity" and "Alarm KPIs" sections, on screen and in the PDF: every
incident id byte-identical, the figures those of `compute_alarm_kpis`, missing records said in words."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from PySide6.QtWidgets import QApplication

from sety_console.api.models import Incident, IncidentPage, Pagination
from sety_console.core.alarm_kpi_text import headline, operator_rows, rate_text
from sety_console.core.alarm_kpis import compute_alarm_kpis
from sety_console.core.handover import HandoverData, HandoverSources, HandoverWindow, gather_handover
from sety_console.core.handover.activity import action_words
from sety_console.core.handover.operations_sections import REPORT_OPERATOR_COLUMNS
from sety_console.core.handover.report_html import SECTION_TITLES, build_report_html
from sety_console.core.handover.sources import MAX_NAMED_FETCHES, _referenced
from sety_console.core.local_time import LocalZone
from tests.ui.supervisor.alarm_story import OPERATORS, shift_story
from tests.ui.supervisor.fakes import FakeRecords, current_visitors, danger_zones, synthetic_incidents

from .test_report_pdf import page_texts, pdf_text, write

END = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
WINDOW = HandoverWindow(END - timedelta(hours=12), END)
LAGOS = LocalZone("Africa/Lagos")
SHOTS = Path("/tmp/sety-report-shots")


def gather(
    records: FakeRecords | None, incidents: list[Incident], server: list[Incident] | None = None
) -> HandoverData:
    """The handover of the story's shift through `gather_handover`, as the console and the CLI run it:
    `incidents` are listed, any of `server` can be fetched by id."""
    known = {i.incident_id: i for i in (server or incidents)}

    async def pages(**_: object) -> object:
        yield IncidentPage(
            data=incidents, pagination=Pagination(page=1, limit=100, total=len(incidents), has_more=False)
        )

    async def detail(incident_id: str) -> Incident:
        fetched.append(incident_id)
        return known[incident_id]

    async def visitors() -> list[object]:
        return list(current_visitors())

    async def zones() -> list[object]:
        return list(danger_zones())

    fetched: list[str] = []
    sources = HandoverSources(pages, visitors, zones, incident_detail=detail, records=records)  # type: ignore[arg-type]
    data = asyncio.run(gather_handover(WINDOW, sources, now=END))
    assert len(fetched) <= MAX_NAMED_FETCHES
    return data


def story_data() -> tuple[HandoverData, FakeRecords]:
    incidents = synthetic_incidents(240, now=END)
    story = shift_story(END - timedelta(hours=24), END, incidents)
    records = FakeRecords(story.entries, story.records)
    return gather(records, [i for i in incidents if i.status.is_active][:30], incidents), records


def test_the_sections_hold_the_core_figures_and_every_action() -> None:
    data, records = story_data()
    assert records.alarm_log is not None
    assert data.alarm_kpis == compute_alarm_kpis(records.alarm_log, WINDOW.start, WINDOW.end)
    assert data.activity is not None
    assert [e.action_id for e in data.activity] == [
        e.action_id for e in records.entries or [] if WINDOW.start <= e.acted_at <= WINDOW.end
    ]
    html = build_report_html(data, LAGOS, "the test")
    titles = list(SECTION_TITLES)
    assert (
        titles.index("Operator activity (from the audit trail)")
        == titles.index("Notes written during the shift") + 1
    )
    assert (
        titles.index("Alarm KPIs (ISA-18.2 / EEMUA 191)")
        == titles.index("Notes written during the shift") + 2
    )
    kpis = data.alarm_kpis
    assert kpis is not None
    assert headline(kpis, LAGOS).replace("–", "–") in html
    for row in operator_rows(
        kpis
    ):  # the KPI tab's rows (the columns a page has room for), long ones on two lines
        assert all(escape(row[c]).replace(" (", "<br>(") in html for c in REPORT_OPERATOR_COLUMNS)
    assert f">{rate_text(kpis.average)}</span>" in html
    for entry in data.activity:
        if entry.action == "add_note":
            assert entry.summary.removeprefix("Note: ") in html
    assert sum(e.action == "add_note" for e in data.activity) == 2  # the story's notes in these 12 hours
    # what operators and alarms refer to is named by subject and address (fetched when not listed, bounded)
    referenced = _referenced(data)
    unnamed = [i for i in referenced if data.incident(i) is None]
    assert len(data.named) == min(MAX_NAMED_FETCHES, len(data.named) + len(unnamed))
    for incident_id in referenced[:10]:
        incident = data.incident(incident_id)
        if incident is not None and incident.subject and incident.subject.name:
            assert incident.subject.name in html


def test_the_pdf_keeps_every_id_byte_for_byte(qapp: QApplication, tmp_path: Path) -> None:
    data, _ = story_data()
    path = write(data, tmp_path / "ops.pdf")
    text = pdf_text(path)
    words = set(text.split())
    assert "Operator activity (from the audit trail)" in text
    assert "Alarm KPIs (ISA-18.2 / EEMUA 191)" in text
    kpis = data.alarm_kpis
    assert kpis is not None
    assert data.activity is not None
    ids = {e.target_id for e in data.activity if e.target_id}
    ids |= {s.alarm.incident_id for s in kpis.standing[:25]} | {r.incident_id for r in kpis.repeated[:25]}
    assert ids, "the story names incidents"
    missing = sorted(i for i in ids if i not in words)
    assert missing == []
    for operator in OPERATORS:
        assert operator in text
    assert (
        "EEMUA 191, alarms per operator per 10 minutes: ≤ 1 acceptable, ≤ 2 manageable, more than 10 a flood."
        in text
    )
    assert action_words(data.activity[0]) in text
    for number, page in enumerate(page_texts(path), start=1):
        assert len(page.split()) > 8, f"page {number} is nearly blank"
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "handover-with-kpis.pdf").write_bytes(path.read_bytes())


def test_without_records_the_report_says_why(qapp: QApplication, tmp_path: Path) -> None:
    incidents = [i for i in synthetic_incidents(40, now=END) if i.status.is_active]
    data = gather(None, incidents)
    text = pdf_text(write(data, tmp_path / "none.pdf"))
    assert text.count("This report was made without the workstation's audit trail and alarm history.") == 2
    empty = gather(FakeRecords(entries=None, alarm_log=[]), incidents)
    html = build_report_html(empty, LAGOS)
    assert "This workstation has no audit trail (no operator action recorded) for this server." in html
    assert "No alarm rang during this shift." in html


def test_a_failing_record_becomes_a_warning_not_a_lost_report() -> None:
    class Broken(FakeRecords):
        async def alarm_records(self, since: datetime, until: datetime) -> list[object] | None:  # type: ignore[override]
            raise OSError("disk I/O error")

    incidents = [i for i in synthetic_incidents(40, now=END) if i.status.is_active]
    data = gather(Broken(), incidents)
    assert data.alarm_kpis is None
    assert data.activity == []
    assert any("The alarm history could not be read: disk I/O error" in w for w in data.warnings)
    assert re.search(r"Still open", build_report_html(data, LAGOS))
