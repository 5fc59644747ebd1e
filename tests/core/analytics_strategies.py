"""Hypothesis strategies for danger analytics as a server might answer: any counts, any outlook."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from sety_console.api.models import DangerAnalytics
from sety_console.core.local_time import LocalZone

EXAMPLE = json.loads(
    (
        Path(__file__).resolve().parents[2] / "contract" / "examples" / "getDangerAnalytics.response.json"
    ).read_text(encoding="utf-8")
)
ZONES = ("Africa/Lagos", "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")


def band(score: int) -> str:
    return "safe" if score >= 80 else "moderate" if score >= 60 else "caution" if score >= 40 else "danger"


@st.composite
def analytics(draw: st.DrawFn) -> DangerAnalytics:
    """A `DangerAnalytics` with drawn counts, score, percentile, trend and outlook (contract-valid)."""
    document: dict[str, Any] = json.loads(json.dumps(EXAMPLE))
    score = draw(st.integers(0, 100))
    document["safety_score"].update(score=score, level=band(score))
    document["period_days"] = draw(st.sampled_from([7, 30, 90, 180, 365]))
    by_hour = draw(
        st.one_of(
            st.lists(st.integers(0, 60), min_size=24, max_size=24),
            st.lists(st.integers(0, 2), min_size=24, max_size=24),  # many ties
        )
    )
    by_weekday = draw(st.lists(st.integers(0, 200), min_size=7, max_size=7))
    document["time_analysis"].update(by_hour=by_hour, by_weekday=by_weekday)
    change = draw(st.one_of(st.none(), st.floats(-95, 400, allow_nan=False).map(lambda v: round(v, 1))))
    document["comparison"].update(
        percentile=draw(st.integers(0, 100)),
        trend=draw(st.sampled_from(["improving", "stable", "worsening"])),
        change_percent=change,
    )
    document["prediction"].update(
        next_24h_risk=draw(st.sampled_from(["low", "moderate", "high", "severe"])),
        probability=draw(st.floats(0, 1)),
        expected_incidents=draw(st.floats(0, 40)),
        confidence=draw(st.floats(0, 1)),
    )
    return DangerAnalytics.model_validate(document)


zones = st.sampled_from(ZONES).map(LocalZone)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
