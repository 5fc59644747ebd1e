"""The handover report as a document and a PDF: sections, ids, colours with words, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QApplication

from sety_console.ui.supervisor.handover import HandoverData, HandoverFilters, HandoverWindow, classify
from sety_console.ui.supervisor.report_document import (
    SECTION_TITLES,
    build_report_document,
    build_report_html,
)
from sety_console.ui.supervisor.report_pdf import ReportError, write_pdf
from tests.ui.supervisor.fakes import current_visitors, danger_zones, make_incident

DAY = datetime(2026, 3, 10, tzinfo=UTC)
WINDOW = HandoverWindow(DAY + timedelta(hours=6), DAY + timedelta(hours=18))


def pdf_text(path: Path) -> str:
    """The PDF's text with whitespace normalised (Qt positions words; pypdf returns tabs)."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages).split())


def shift() -> HandoverData:
    incidents = [
        make_incident(1, DAY + timedelta(hours=7), status="responding", severity="critical", arrive_s=None),
        make_incident(2, DAY + timedelta(hours=8), breached=True, category="vehicle"),
        make_incident(
            3,
            DAY - timedelta(hours=20),
            status="dispatching",
            assign_s=None,
            arrive_s=None,
            notes=[(DAY + timedelta(hours=9), "Caller says <two> men & a car")],
        ),
    ]
    return classify(
        incidents,
        WINDOW,
        HandoverFilters(),
        visitors=current_visitors(),
        zones=danger_zones(),
        now=DAY + timedelta(hours=18),
    )


def test_html_has_every_section_and_escapes_free_text() -> None:
    html = build_report_html(shift(), source="https://intel-api.sety.io/v1/external")
    positions = [html.index(f"<h2>{title}</h2>") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert "Caller says &lt;two&gt; men &amp; a car" in html
    assert "Filters: All categories · all severities · All times UTC" in html
    assert ">Critical</b>" in html  # severity colour always comes with its word


def test_pdf_holds_the_sections_and_incident_ids(qapp: QApplication, tmp_path: Path) -> None:
    data = shift()
    path = write_pdf(build_report_document(data, "the test"), tmp_path / "handover.pdf")
    assert path.stat().st_size > 1000
    reader = pypdf.PdfReader(str(path))
    assert reader.metadata is not None
    assert reader.metadata.title.startswith("Shift handover — 2026-03-10 06:00 UTC")
    text = pdf_text(path)
    for title in SECTION_TITLES:
        assert title in text
    for incident_id in ("inc_0000000000000001", "inc_0000000000000002", "inc_0000000000000003"):
        assert incident_id in text
    assert "Caller says <two> men & a car" in text
    assert "Musa Abdullahi" in text
    assert "Ojuelegba Underbridge" in text
    assert "Latest (UTC)" in text


def test_an_empty_shift_still_reads_well(qapp: QApplication, tmp_path: Path) -> None:
    data = classify([], WINDOW, HandoverFilters(categories=("sos",)))
    data.warnings.append("Visitors inside could not be loaded: HTTP 403")
    text = pdf_text(write_pdf(build_report_document(data), tmp_path / "empty.pdf"))
    for phrase in (
        "Nothing is open.",
        "No SLA breaches.",
        "No notes were added.",
        "Nobody is inside.",
        "HTTP 403",
    ):
        assert phrase in text
    assert "Filters: SOS · all severities" in text


def test_unwritable_targets_are_explained(qapp: QApplication, tmp_path: Path) -> None:
    document = build_report_document(shift())
    with pytest.raises(ReportError, match="does not exist"):
        write_pdf(document, tmp_path / "missing" / "x.pdf")
    with pytest.raises(ReportError, match="is a folder"):
        write_pdf(document, tmp_path)


def test_breaches_give_their_reason_in_words() -> None:
    late = make_incident(4, DAY + timedelta(hours=10), breached=True, arrive_s=1200)
    assert late.sla is not None
    late = late.model_copy(
        update={"sla": late.sla.model_copy(update={"breach_reason": "arrival_target_exceeded"})}
    )
    data = classify([late], WINDOW, HandoverFilters(), now=DAY + timedelta(hours=18))
    html = build_report_html(data)
    assert "arrival target of 15 min exceeded" in html
    assert "arrival_target_exceeded" not in html
