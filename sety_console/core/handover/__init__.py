"""The shift handover: its data (`data`), gathering it from the console's session or a client
(`sources`), and the report as HTML (`report_html`). No Qt: the headless report uses it as is."""

from .data import HandoverData, HandoverFilters, HandoverWindow, NoteLine, classify, closed_at
from .sources import HandoverSources, gather_handover, sources_from_client, sources_from_session

__all__ = [
    "HandoverData",
    "HandoverFilters",
    "HandoverSources",
    "HandoverWindow",
    "NoteLine",
    "classify",
    "closed_at",
    "gather_handover",
    "sources_from_client",
    "sources_from_session",
]
