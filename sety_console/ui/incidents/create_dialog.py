"""Create an incident: every field checked before anything is sent, a message under each bad one."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sety_console.api.models import Category, CreateIncidentRequest, Severity
from sety_console.core.wording import category_name
from sety_console.ui.common.palette import Palette, colors

from .create_validation import CreateForm, validate

DRILL_CHOICE_TEXT = "Drill (an exercise: nobody is dispatched for real)"
FORCED_DRILL_TEXT = "Drill — always, in this training environment: nobody is dispatched for real"


class CreateIncidentDialog(QDialog):
    """Category, severity, subject, location, title, description, drill.

    With `drills_forced` (a test key or the sandbox) the Drill box is checked and says why it
    cannot be changed. Accepting validates first (Enter submits when valid, Esc cancels); after `accept()`,
    `request()` is the `CreateIncidentRequest`, with an idempotency key generated once per dialog.
    """

    def __init__(
        self, parent: QWidget | None = None, *, palette: Palette | None = None, drills_forced: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New incident")
        self.setMinimumWidth(760)
        self._palette = palette or colors("dark")
        self._idempotency_key = f"console-{uuid.uuid4()}"
        self._request: CreateIncidentRequest | None = None
        self._tried = False
        self.errors: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self._build()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color:{self._palette.failed}; font-weight:600")
        self.summary.hide()
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton("Create incident", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("role", "primary")
        self.create_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout.addWidget(self.summary)
        self._layout.addWidget(self.buttons)
        if drills_forced:  # the server would make it a drill anyway: say so instead of offering a choice
            self.drill.setChecked(True)
            self.drill.setEnabled(False)
            self.drill.setText(FORCED_DRILL_TEXT)
            self.drill.setToolTip("Test and sandbox keys make every incident a drill; a live key can choose.")
        self.category.setFocus()

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.category = QComboBox(self)
        self.category.addItem("Choose…", "")
        for category in Category:
            self.category.addItem(category_name(category), category.value)
        self.severity = QComboBox(self)
        for severity in reversed(list(Severity)):
            self.severity.addItem(severity.label, severity.value)
        self.severity.setCurrentIndex(self.severity.findData(Severity.high.value))
        self.name, self.phone, self.email, self.reference = (QLineEdit(self) for _ in range(4))
        self.lat, self.lng, self.address, self.landmark, self.title = (QLineEdit(self) for _ in range(5))
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(int(self.description.fontMetrics().height() * 4.5))
        self.drill = QCheckBox(DRILL_CHOICE_TEXT, self)
        self.phone.setPlaceholderText("+234 805 234 5678")
        self.lat.setPlaceholderText("e.g. 6.4474")
        self.lng.setPlaceholderText("e.g. 3.4746")
        # Two columns: fits a laptop screen without scrolling, and reads top-left to bottom-right.
        grid = QGridLayout()
        grid.addWidget(self._group("Incident", [("Category", "category"), ("Severity", "severity")]), 0, 0)
        subject_rows = [
            ("Name *", "name"),
            ("Phone", "phone"),
            ("Email", "email"),
            ("Reference", "reference"),
        ]
        grid.addWidget(self._group("Subject", subject_rows), 1, 0)
        grid.addWidget(self._location_group(), 0, 1)
        grid.addWidget(self._group("Details", [("Title", "title"), ("Description", "description")]), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = self._layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.drill)
        self.inputs["drill"] = self.drill
        self.errors["drill"] = self._error_label()
        layout.addWidget(self.errors["drill"])
        for edit in (self.name, self.phone, self.email, self.reference, self.lat, self.lng):
            edit.textChanged.connect(self._revalidate)
        for edit in (self.address, self.landmark, self.title):
            edit.textChanged.connect(self._revalidate)
        self.description.textChanged.connect(self._revalidate)
        self.category.currentIndexChanged.connect(self._revalidate)

    def _error_label(self, wrap: bool = False) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(wrap)  # wrapping labels in a form squeeze the inputs: only where narrow
        label.setStyleSheet(f"color:{self._palette.failed}; font-weight:600")
        label.hide()
        return label

    def _field(self, key: str) -> QWidget:
        """The input with its (hidden) error message underneath."""
        widget = getattr(self, key)
        self.inputs[key] = widget
        self.errors[key] = self._error_label(wrap=key in ("lat", "lng"))
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.errors[key])
        return box

    def _group(self, title: str, rows: list[tuple[str, str]]) -> QGroupBox:
        group = QGroupBox(title, self)
        form = QFormLayout(group)
        for label, key in rows:
            form.addRow(label, self._field(key))
        return group

    def _location_group(self) -> QGroupBox:
        group = QGroupBox("Location", self)
        form = QFormLayout(group)
        coordinates = QWidget(group)
        row = QHBoxLayout(coordinates)
        row.setContentsMargins(0, 0, 0, 0)
        top = Qt.AlignmentFlag.AlignTop
        row.addWidget(QLabel("Lat *", group), 0, top)
        row.addWidget(self._field("lat"), 1, top)
        row.addWidget(QLabel("Lng *", group), 0, top)
        row.addWidget(self._field("lng"), 1, top)
        form.addRow("Coordinates", coordinates)
        form.addRow("Address", self._field("address"))
        form.addRow("Landmark", self._field("landmark"))
        return group

    # --- public API ----------------------------------------------------------------------------

    def set_coordinates(self, lat: float, lng: float) -> None:
        """Pre-fill the coordinates (the map's "new incident here")."""
        self.lat.setText(f"{lat:.6f}")
        self.lng.setText(f"{lng:.6f}")

    def request(self) -> CreateIncidentRequest:
        """The validated request; only after the dialog was accepted."""
        if self._request is None:
            raise RuntimeError("the new-incident dialog was not accepted with valid input")
        return self._request

    def form(self) -> CreateForm:
        """What is typed now."""
        return CreateForm(
            category=str(self.category.currentData() or ""),
            severity=str(self.severity.currentData()),
            name=self.name.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            reference=self.reference.text().strip(),
            lat=self.lat.text().strip(),
            lng=self.lng.text().strip(),
            address=self.address.text().strip(),
            landmark=self.landmark.text().strip(),
            title=self.title.text().strip(),
            description=self.description.toPlainText().strip(),
            is_drill=self.drill.isChecked(),
            idempotency_key=self._idempotency_key,
        )

    def error_messages(self) -> dict[str, str]:
        """The messages shown now, by field."""
        return {key: label.text() for key, label in self.errors.items() if not label.isHidden()}

    def accept(self) -> None:
        """Validate; on errors show them, focus the first bad field and stay open."""
        self._tried = True
        request, errors = validate(self.form())
        self._show_errors(errors)
        if request is None:
            first = next((key for key in self.inputs if key in errors), None)
            if first is not None:
                self.inputs[first].setFocus()
            return
        self._request = request
        super().accept()

    # --- internals -----------------------------------------------------------------------------

    def _revalidate(self) -> None:
        if self._tried:  # messages appear after the first attempt, then follow the typing
            self._show_errors(validate(self.form())[1])

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        other = errors.get("form")
        count = len(errors)
        if count:
            text = f"{count} field{'s' if count > 1 else ''} to fix before the incident can be sent."
            self.summary.setText(f"{text} {other}" if other else text)
        self.summary.setVisible(bool(count))
        self._layout.activate()  # messages just appeared: measure with them
        # Grow to show every message instead of squeezing the inputs (adjustSize() would stop at 2/3
        # of the screen height).
        hint = self.sizeHint()
        self.resize(max(self.width(), min(hint.width(), 900)), max(self.height(), hint.height()))
