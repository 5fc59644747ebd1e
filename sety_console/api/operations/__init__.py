"""The 27 operations of the contract, one module per area, combined into `SetyClient`."""

from .access import AccessOperations
from .admin import AdminOperations
from .incidents import CreateIncidentResult, IncidentOperations
from .intel import BBox, IntelOperations

__all__ = [
    "AccessOperations",
    "AdminOperations",
    "BBox",
    "CreateIncidentResult",
    "IncidentOperations",
    "IntelOperations",
]
