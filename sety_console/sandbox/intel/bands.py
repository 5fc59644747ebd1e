"""Level bands: safety scores (100 = safest) and risk scores (100 = most dangerous)."""

from __future__ import annotations

from sety_console.api.models import RiskLevel, SafetyLevel

RISK_ORDER: tuple[str, ...] = ("low", "moderate", "high", "severe")
"""Risk levels, lowest first (the contract's `min_risk_level` order)."""


def clamp_score(value: float) -> int:
    """`value` rounded and kept within 0–100."""
    return max(0, min(100, round(value)))


def safety_level(score: int) -> SafetyLevel:
    """The contract's band of a safety score: safe 80–100, moderate 60–79, caution 40–59, danger 0–39."""
    if score >= 80:
        return SafetyLevel.safe
    if score >= 60:
        return SafetyLevel.moderate
    if score >= 40:
        return SafetyLevel.caution
    return SafetyLevel.danger


def risk_level(risk_score: int) -> RiskLevel:
    """Band of a risk score: low 0–24, moderate 25–49, high 50–74, severe 75–100.

    The contract names the levels but not their bands; these are the sandbox's choice.
    """
    if risk_score >= 75:
        return RiskLevel.severe
    if risk_score >= 50:
        return RiskLevel.high
    if risk_score >= 25:
        return RiskLevel.moderate
    return RiskLevel.low


def risk_rank(level: str) -> int:
    """0 for `low` up to 3 for `severe`; -1 for a level this version does not know."""
    return RISK_ORDER.index(level) if level in RISK_ORDER else -1
