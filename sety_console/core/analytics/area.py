"""One reading of a place's danger analytics: every figure and sentence the supervisor sees about it.

The area panel and the Compare columns draw only from an `AreaReading`, so the score, percentile,
outlook, trend, peak hours and charts cannot disagree: the red hour bars are `riskiest_hours`, the
words name those same hours, the red weekday is `busiest_weekday`, and a trend is shown only when
the server had a previous period to compare with. Hours are local to the service area (`LocalZone`);
the API's weekdays are UTC days, and `day_note` says how they sit in local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sety_console.api.models import DangerAnalytics, RiskLevel, SafetyLevel, Trend
from sety_console.core.local_time import HourAxis, LocalZone, hour_axis, hours_text, utc_day_note
from sety_console.core.wording import WEEKDAY_NAMES, percent_text

__all__ = [
    "LEVEL_TO_RISK",
    "AreaReading",
    "Outlook",
    "TrendWords",
    "busiest_weekday",
    "percentile_words",
    "quietest_hours",
    "read_area",
    "riskiest_hours",
    "trend_words",
]

PEAK_HOURS = 3
LEVEL_TO_RISK = {
    SafetyLevel.safe: RiskLevel.low,
    SafetyLevel.moderate: RiskLevel.moderate,
    SafetyLevel.caution: RiskLevel.high,
    SafetyLevel.danger: RiskLevel.severe,
}
"""The 24-hour outlook a score's level leads one to expect; any other outlook explains itself."""
_RISK_RANK = {RiskLevel.low: 0, RiskLevel.moderate: 1, RiskLevel.high: 2, RiskLevel.severe: 3}
TREND_THRESHOLD_PERCENT = 10.0


@dataclass(frozen=True, slots=True)
class TrendWords:
    """A trend in words: arrow, headline and explanation; `tone` is `bad`, `good` or `neutral`."""

    arrow: str
    headline: str
    detail: str
    tone: str


@dataclass(frozen=True, slots=True)
class Outlook:
    """The next-24-hours outlook: its level, the figures behind it, and why it differs from the score."""

    risk: RiskLevel
    headline: str
    explanation: str
    """Empty when the outlook is what the score's level leads one to expect."""
    probability: str
    expected: str
    confidence: str


@dataclass(frozen=True, slots=True)
class AreaReading:
    """What the supervisor reads about one place (see the module docstring for the promises)."""

    score: int
    level: SafetyLevel
    percentile: int
    area_average: int
    city_average: int
    period_days: int
    hours: HourAxis
    riskiest_hours: tuple[int, ...]
    """Local hours drawn red, worst first (at most three, never an hour without incidents)."""
    quietest_hours: tuple[int, ...]
    """Local hours drawn green, quietest first: only hours quieter than every red one."""
    weekday_counts: tuple[int, ...]
    busiest_weekday: int | None
    """The weekday drawn red (Monday = 0); None without incidents."""
    day_note: str
    trend: TrendWords | None
    """None when there is no previous period to compare with."""
    no_trend: str
    """Why no trend is shown (empty when there is one)."""
    peak_sentence: str
    outlook: Outlook

    @property
    def hour_labels(self) -> list[str]:
        return [f"{h:02d}" for h in range(24)]


def percentile_words(reading: AreaReading) -> str:
    """The headline of the city comparison: "Safer than 48 %", or, when no place scores lower and the
    city's average is this place's score (every place alike), "As safe as the city's other places"."""
    if reading.percentile == 0 and reading.score == reading.city_average:
        return "As safe as the city's other places"
    return f"Safer than {reading.percentile} %"


def riskiest_hours(counts: tuple[int, ...], limit: int = PEAK_HOURS) -> tuple[int, ...]:
    """Up to `limit` hours with the most incidents, worst first (ties: earlier hour); none empty."""
    order = sorted(range(len(counts)), key=lambda h: (-counts[h], h))
    return tuple(h for h in order[:limit] if counts[h] > 0)


def quietest_hours(counts: tuple[int, ...], limit: int = PEAK_HOURS) -> tuple[int, ...]:
    """Up to `limit` hours with the fewest incidents, quietest first (ties: earlier hour).

    Only hours strictly quieter than every riskiest hour count, so no hour is both red and green.
    """
    risky = riskiest_hours(counts, limit)
    if not risky:
        return ()
    ceiling = min(counts[h] for h in risky)
    calmer = [h for h in range(len(counts)) if counts[h] < ceiling]
    return tuple(sorted(calmer, key=lambda h: (counts[h], h))[:limit])


def busiest_weekday(counts: tuple[int, ...]) -> int | None:
    """The weekday with the most incidents (ties: the earlier day); None when there are none."""
    if not any(counts):
        return None
    return max(range(len(counts)), key=lambda d: (counts[d], -d))


def trend_words(trend: Trend, change_percent: float | None, days: int) -> tuple[TrendWords | None, str]:
    """The trend in words, or None and why not (no previous period, or nothing in it)."""
    if change_percent is None:
        return None, f"No trend: nothing to compare with in the {days} days before."
    direction = "up" if change_percent >= 0 else "down"
    change = f"incidents {direction} {abs(change_percent):.1f} % on the {days} days before"
    if trend is Trend.worsening:
        detail = change if change_percent > 0 else "the server rates it less safe, although " + change
        return TrendWords("▲", "Getting worse", detail, "bad"), ""
    if trend is Trend.improving:
        detail = change if change_percent < 0 else "the server rates it safer, although " + change
        return TrendWords("▼", "Getting better", detail, "good"), ""
    if trend is Trend.stable and abs(change_percent) >= TREND_THRESHOLD_PERCENT:
        return TrendWords("→", "No clear trend", change + ", too few to call a trend", "neutral"), ""
    if trend is Trend.stable:
        return TrendWords("→", "Stable", change, "neutral"), ""
    return TrendWords("?", trend.label, change, "neutral"), ""


def _peak_sentence(hours: tuple[int, ...], day: int | None, label: str) -> str:
    if not hours:
        return "No incidents in this period, so no busy hours."
    text = f"Most incidents at {hours_text(hours)} {label}"
    return text + (f"; the busiest day is {WEEKDAY_NAMES[day]}." if day is not None else ".")


def _outlook(analytics: DangerAnalytics, hours: tuple[int, ...], label: str) -> Outlook:
    prediction = analytics.prediction
    risk, level = prediction.next_24h_risk, analytics.safety_score.level
    expected_risk = LEVEL_TO_RISK.get(level)
    rank, wanted = _RISK_RANK.get(risk), _RISK_RANK.get(expected_risk) if expected_risk else None
    explanation = ""
    if rank is not None and wanted is not None and rank > wanted:
        when = (
            f"incidents here peak at {hours_text(hours)} {label}" if hours else "more incidents are expected"
        )
        explanation = f"{level.label} on average, but the next 24 hours look {risk.label.lower()}: {when}."
    elif rank is not None and wanted is not None and rank < wanted:
        explanation = (
            f"{level.label} on average, but the next 24 hours look {risk.label.lower()}: "
            f"{prediction.expected_incidents:.1f} incidents expected, fewer than the score suggests."
        )
    return Outlook(
        risk=risk,
        headline=f"{risk.label} risk",
        explanation=explanation,
        probability=percent_text(prediction.probability),
        expected=f"{prediction.expected_incidents:.1f}",
        confidence=percent_text(prediction.confidence),
    )


def read_area(analytics: DangerAnalytics, zone: LocalZone, now: datetime) -> AreaReading:
    """Read `analytics` (answered at `now`) for a person in `zone`."""
    period = (now - timedelta(days=analytics.period_days), now)
    hours = hour_axis(analytics.time_analysis.by_hour, zone, period)
    risky = riskiest_hours(hours.counts)
    days = tuple((list(analytics.time_analysis.by_weekday) + [0] * 7)[:7])
    busiest = busiest_weekday(days)
    comparison = analytics.comparison
    trend, no_trend = trend_words(comparison.trend, comparison.change_percent, analytics.period_days)
    return AreaReading(
        score=analytics.safety_score.score,
        level=analytics.safety_score.level,
        percentile=comparison.percentile,
        area_average=comparison.area_average_score,
        city_average=comparison.city_average_score,
        period_days=analytics.period_days,
        hours=hours,
        riskiest_hours=risky,
        quietest_hours=quietest_hours(hours.counts),
        weekday_counts=days,
        busiest_weekday=busiest,
        day_note=utc_day_note(zone, now),
        trend=trend,
        no_trend=no_trend,
        peak_sentence=_peak_sentence(risky, busiest, hours.label),
        outlook=_outlook(analytics, risky, hours.label),
    )
