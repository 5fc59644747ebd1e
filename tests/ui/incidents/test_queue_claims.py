"""The queue's "Taken by" column (a control-room hub's claims): one cell repainted per claim, the column
sorts free incidents first, a claim survives the incident's updates, and who has it reads plainly."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from sety_console.api.hub_models import ClaimRecord
from sety_console.core.changes import ChangeSet
from sety_console.ui.incidents.claim_text import claim_cell, taken_words
from sety_console.ui.incidents.queue_cells import INCIDENT_ID_ROLE
from sety_console.ui.incidents.queue_columns import Column
from sety_console.ui.incidents.queue_model import IncidentQueueModel

from .conftest import SignalLog
from .factory import Store, make_incident

AT = datetime(2026, 12, 6, 2, 12, 5, tzinfo=UTC)


def _claim(incident_id: str, operator: str) -> ClaimRecord:
    return ClaimRecord(
        incident_id=incident_id, operator=operator, workstation="desk-3", acted_at=AT, stored_at=AT
    )


def _cell(model: IncidentQueueModel, incident_id: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    row = model.row_of(incident_id)
    assert row is not None
    return model.data(model.index(row, Column.TAKEN), role)


def test_a_claim_repaints_its_cell_and_survives_updates(model: IncidentQueueModel, store: Store) -> None:
    incident_id = next(iter(store.items))
    log = SignalLog()
    log.watch("dataChanged", model.dataChanged)
    model.set_claim(incident_id, claim_cell(_claim(incident_id, "Ada Obi"), me="Bo Eze"))
    assert log.names() == ["dataChanged"]  # one cell, no reset
    text = _cell(model, incident_id)
    assert isinstance(text, str)
    assert text.startswith("Ada Obi · ")
    tooltip = _cell(model, incident_id, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str)
    assert "Taken by Ada Obi at desk-3" in tooltip
    assert "02:12:05 UTC" in tooltip

    model.apply(ChangeSet(updated=store.put(make_incident(incident_id, severity="low"))))
    assert str(_cell(model, incident_id)).startswith("Ada Obi · ")  # a poll keeps who has it
    model.set_claim(incident_id, None)
    assert _cell(model, incident_id) == ""


def test_mine_reads_you_and_the_column_sorts_free_incidents_first(
    model: IncidentQueueModel, store: Store
) -> None:
    ids = list(store.items)
    model.set_claim(ids[0], claim_cell(_claim(ids[0], "Bo Eze"), me="Bo Eze"))
    assert str(_cell(model, ids[0])).startswith("You · ")
    model.sort(Column.TAKEN)
    shown = [model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())]
    assert shown[-1] == ids[0]  # taken ones after the free ones
    model.set_claim(ids[1], claim_cell(_claim(ids[1], "Ada Obi"), me="Bo Eze"))  # moves while sorted
    shown = [model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())]
    assert shown[-2:] == [ids[1], ids[0]]  # by who has them: Ada, then Bo
    assert taken_words(_claim(ids[1], "Ada Obi")).startswith("Taken by Ada Obi (desk-3) since ")
