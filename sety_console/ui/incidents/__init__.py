"""The control room's incident widgets: the live queue, the detail panel, create and cancel.

The shell wires them; they take data through methods and report through Qt signals:

* `IncidentQueueModel(lookup, now)` with `reset_from`, `apply(ChangeSet)`, `set_filter`, `sort`,
  `refresh_clocks`, `flash`, `incident_at`, `row_of`;
* `IncidentQueue(model)`: filter bar, search and table; `selection_changed`, `activated`;
* `IncidentDetail(now)`: `show_incident(incident, pending, alert_log)`; `note_submitted`,
  `cancel_requested`, `show_on_map_requested`, `acknowledge_requested`;
* `CreateIncidentDialog`: `set_coordinates`, `request()` after `accept()`.
"""

from .cancel_dialog import CancelDialog
from .create_dialog import CreateIncidentDialog
from .detail import IncidentDetail
from .queue_filters import DrillFilter, QueueFilters, StatusGroup
from .queue_model import INCIDENT_ID_ROLE, IncidentQueueModel
from .queue_view import IncidentQueue

__all__ = [
    "INCIDENT_ID_ROLE",
    "CancelDialog",
    "CreateIncidentDialog",
    "DrillFilter",
    "IncidentDetail",
    "IncidentQueue",
    "IncidentQueueModel",
    "QueueFilters",
    "StatusGroup",
]
