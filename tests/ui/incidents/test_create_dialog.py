"""The create dialog: a message under each bad field, a valid request, keyboard use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from sety_console.api.models import Category, CreateIncidentRequest, Severity
from sety_console.ui.incidents.create_dialog import CreateIncidentDialog
from sety_console.ui.incidents.create_validation import parse_coordinate


@pytest.fixture
def dialog(qtbot: QtBot) -> CreateIncidentDialog:
    widget = CreateIncidentDialog()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def fill_valid(dialog: CreateIncidentDialog) -> None:
    dialog.category.setCurrentIndex(dialog.category.findData("vehicle"))
    dialog.name.setText("  Adaeze Nwosu ")
    dialog.phone.setText("+234 805 234 5678")
    dialog.set_coordinates(6.4474, 3.4746)
    dialog.address.setText("Admiralty Way, Lekki Phase 1, Lagos")


def test_empty_form_says_what_is_missing(dialog: CreateIncidentDialog) -> None:
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_messages() == {
        "category": "Choose a category.",
        "name": "Required: who is this incident about?",
        "lat": "Required: the latitude, e.g. 6.4474.",
        "lng": "Required: the longitude, e.g. 3.4746.",
    }
    assert dialog.summary.text().startswith("4 fields to fix")
    assert dialog.category.hasFocus()  # the first bad field
    with pytest.raises(RuntimeError):
        dialog.request()


def test_bad_values_get_plain_messages(dialog: CreateIncidentDialog) -> None:
    fill_valid(dialog)
    dialog.phone.setText("call me")
    dialog.email.setText("adaeze@")
    dialog.lat.setText("95")
    dialog.lng.setText("three")
    dialog.title.setText("x" * 201)
    dialog.description.setPlainText("y" * 2001)
    dialog.accept()
    assert dialog.error_messages() == {
        "phone": "Not a phone number: use digits, spaces and a leading +.",
        "email": "Must be an email address.",
        "lat": "The latitude must be between -90 and 90.",
        "lng": "Enter the longitude as a number, e.g. 3.4746.",
        "title": "Too long: at most 200 characters.",
        "description": "Too long: at most 2000 characters.",
    }
    dialog.email.setText("adaeze@example.com")  # messages follow the typing after a first attempt
    assert "email" not in dialog.error_messages()


def test_valid_form_builds_the_request(dialog: CreateIncidentDialog) -> None:
    fill_valid(dialog)
    dialog.title.setText("Car jacking at the gate")
    dialog.drill.setChecked(True)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    request = dialog.request()
    assert isinstance(request, CreateIncidentRequest)
    assert request.category is Category.vehicle
    assert request.severity is Severity.high  # the default
    assert request.subject.name == "Adaeze Nwosu"
    assert request.location.coordinates == (3.4746, 6.4474)  # [lng, lat] on the wire
    assert request.is_drill is True
    body = request.body()
    assert body["idempotency_key"].startswith("console-")
    assert "email" not in body["subject"]
    assert "landmark" not in body["location"]
    assert "description" not in body


def test_enter_submits_when_valid_and_escape_cancels(qtbot: QtBot, dialog: CreateIncidentDialog) -> None:
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible()  # invalid: stays open with messages
    assert dialog.error_messages()
    fill_valid(dialog)
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    other = CreateIncidentDialog()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected


def next_in_focus_chain(widget: QWidget) -> QWidget:
    following = widget.nextInFocusChain()
    assert following is not None  # the focus chain is a ring
    return following


def test_tab_order_follows_the_form(dialog: CreateIncidentDialog) -> None:
    order: list[QWidget] = [dialog.category]
    widget: QWidget = dialog.category
    for _ in range(6):
        widget = next_in_focus_chain(widget)
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = next_in_focus_chain(widget)
        order.append(widget)
    assert order == [
        dialog.category,
        dialog.severity,
        dialog.name,
        dialog.phone,
        dialog.email,
        dialog.reference,
        dialog.lat,
    ]


def test_idempotency_key_is_stable_per_dialog(qtbot: QtBot, dialog: CreateIncidentDialog) -> None:
    fill_valid(dialog)
    assert dialog.form().idempotency_key == dialog.form().idempotency_key
    other = CreateIncidentDialog()
    qtbot.addWidget(other)
    assert dialog.form().idempotency_key != other.form().idempotency_key


@pytest.mark.parametrize(
    ("text", "value", "message"),
    [("6,4474", 6.4474, None), ("-90", -90.0, None), ("", None, "Required"), ("x", None, "as a number")],
)
def test_parse_coordinate(text: str, value: float | None, message: str | None) -> None:
    parsed, error = parse_coordinate(text, "latitude", 90)
    assert parsed == value
    assert (error is None) if message is None else (message in (error or ""))
