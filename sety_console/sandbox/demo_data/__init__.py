"""Deterministic demo data for the sandbox: incident history, traffic, responder units, gate activity.

Everything is drawn from a seeded `random.Random` and the `now` the caller passes (never the clock),
so the same arguments always give the same data.
"""

from .gate import GATES, DemoAccessCode, DemoVisit, gate_activity
from .incidents import SLA_TARGETS, DemoIncident, history, new_incident
from .units import DemoUnit, responder_units

__all__ = [
    "GATES",
    "SLA_TARGETS",
    "DemoAccessCode",
    "DemoIncident",
    "DemoUnit",
    "DemoVisit",
    "gate_activity",
    "history",
    "new_incident",
    "responder_units",
]
