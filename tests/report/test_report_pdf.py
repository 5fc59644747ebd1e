"""The handover report as HTML and PDF: people and places with exact ids, open and breached first,
local times, no blank pages, clear errors."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QApplication

from sety_console.api.models import Incident
from sety_console.core.handover import HandoverData, HandoverFilters, HandoverWindow, classify
from sety_console.core.handover.report_html import SECTION_TITLES, build_report_html, report_title
from sety_console.core.local_time import LocalZone
from sety_console.report_pdf import ReportError, build_report_document, explicit_widths, write_pdf
from tests.ui.supervisor.fakes import current_visitors, danger_zones, make_incident

DAY = datetime(2026, 3, 10, tzinfo=UTC)
WINDOW = HandoverWindow(DAY + timedelta(hours=6), DAY + timedelta(hours=18))
LAGOS = LocalZone("Africa/Lagos")


def pdf_text(path: Path) -> str:
    """The PDF's text with whitespace normalised (Qt positions words; pypdf returns tabs)."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages).split())


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(str(path)).pages]


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
        make_incident(4, DAY + timedelta(hours=9), status="on_scene", severity="low", breached=True),
    ]
    return classify(
        incidents,
        WINDOW,
        HandoverFilters(),
        visitors=current_visitors(),
        zones=danger_zones(),
        now=DAY + timedelta(hours=18),
    )


def write(data: HandoverData, path: Path, source: str = "the test") -> Path:
    html = build_report_html(data, LAGOS, source)
    return write_pdf(build_report_document(html, report_title(data, LAGOS)), path)


def test_html_has_every_section_and_escapes_free_text() -> None:
    html = build_report_html(shift(), LAGOS, source="https://intel-api.sety.io/v1/external")
    positions = [html.index(f"<h2>{title}</h2>") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert "Caller says &lt;two&gt; men &amp; a car" in html
    assert "Filters: All categories · all severities · Times in Africa/Lagos (WAT, UTC+01:00)" in html
    assert ">Critical</b>" in html  # severity colour always comes with its word


def test_open_and_breached_incidents_come_first() -> None:
    data = shift()
    assert [i.incident_id[-1] for i in data.still_open] == ["4", "1", "3"]  # the breach, then priority
    titles = list(SECTION_TITLES)
    assert titles.index("Still open at the end of the shift (SLA breaches first)") == 1
    assert titles.index("SLA breaches during the shift") == 2


def test_pdf_names_people_and_places_with_exact_ids(qapp: QApplication, tmp_path: Path) -> None:
    data = shift()
    path = write(data, tmp_path / "handover.pdf")
    reader = pypdf.PdfReader(str(path))
    assert reader.metadata is not None
    assert reader.metadata.title == "Shift handover — 2026-03-10 07:00 to 19:00 WAT"
    text = pdf_text(path)
    for title in SECTION_TITLES:
        assert title in text
    words = text.split()
    for incident in data.still_open + data.opened:
        assert incident.incident_id in words
        assert incident.subject.name in text
        assert (incident.location.address or "") in text
    assert "Caller says <two> men & a car" in text
    assert "Musa Abdullahi" in text
    assert "Ojuelegba Underbridge" in text
    assert "10 Mar 08:00" in text  # incident 1, created 07:00 UTC, in Lagos time


def test_every_id_survives_extraction_byte_for_byte(qapp: QApplication, tmp_path: Path) -> None:
    """Random ids (with `fi`, `ffi`, doubled letters) in a long report: pypdf reads each one whole."""
    rng = random.Random(16)
    alphabet = string.ascii_lowercase + string.digits
    tails = ["fi" + "".join(rng.choice(alphabet) for _ in range(14)) for _ in range(40)]
    tails += ["".join(rng.choice(alphabet) for _ in range(16)) for _ in range(80)]
    tails += [c * 16 for c in alphabet] + ["ffiffiffiffiffif"]
    incidents = [
        make_incident(k, DAY + timedelta(hours=6, minutes=k * 2), status="responding", arrive_s=None)
        for k in range(len(tails))
    ]
    incidents = [
        i.model_copy(update={"incident_id": f"inc_{tail}"}) for i, tail in zip(incidents, tails, strict=True)
    ]
    data = classify(incidents, WINDOW, HandoverFilters(), now=DAY + timedelta(hours=18))
    words = pdf_text(write(data, tmp_path / "ids.pdf")).split()
    missing = [i.incident_id for i in incidents if i.incident_id not in words]
    assert missing == []


@pytest.mark.parametrize("count", [0, 1, 7, 23, 40])
def test_no_page_is_blank(qapp: QApplication, tmp_path: Path, count: int) -> None:
    incidents: list[Incident] = [
        make_incident(
            k, DAY + timedelta(hours=6, minutes=9 * k), status="responding" if k % 3 else "resolved"
        )
        for k in range(1, count + 1)
    ]
    data = classify(incidents, WINDOW, HandoverFilters(), visitors=current_visitors()[: count % 3])
    pages = page_texts(write(data, tmp_path / f"n{count}.pdf"))
    for number, page in enumerate(pages, start=1):
        words = page.split()
        assert len(words) > 8, f"page {number} of {len(pages)} is nearly blank: {page!r}"


def test_an_empty_shift_still_reads_well(qapp: QApplication, tmp_path: Path) -> None:
    data = classify([], WINDOW, HandoverFilters(categories=("sos",)))
    data.warnings.append("Visitors inside could not be loaded: HTTP 403")
    text = pdf_text(write(data, tmp_path / "empty.pdf"))
    for phrase in (
        "Nothing is open.",
        "No SLA breaches.",
        "No notes were written.",
        "Nobody is inside.",
        "HTTP 403",
    ):
        assert phrase in text
    assert "Filters: SOS · all severities" in text


def test_widths_are_spelled_out_without_moving_a_byte() -> None:
    qt_font = b"<< /Type /Font\n/CIDToGIDMap /Identity\n/DW 602 >>\nendobj\n"
    patched = explicit_widths(qt_font)
    assert len(patched) == len(qt_font)
    assert b"/W [0 4095 602]" in patched
    assert explicit_widths(b"/W [0 [600 748]] >>") == b"/W [0 [600 748]] >>"


def test_unwritable_targets_are_explained(qapp: QApplication, tmp_path: Path) -> None:
    document = build_report_document(build_report_html(shift(), LAGOS), "t")
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
    html = build_report_html(data, LAGOS)
    assert "arrival target of 15 min exceeded" in html
    assert "arrival_target_exceeded" not in html
