"""Why did you come? One big button per life event in the catalogue."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.scrolling import scroll_page
from kiosk.ui.widgets.wrap_button import WrapButton


class EventScreen(QWidget):
    event_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("EventScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._title = FuriganaLabel()
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        outer.addWidget(self._title)
        page = QWidget()
        page.setObjectName("EventPage")
        self._layout = QVBoxLayout(page)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(18)
        outer.addWidget(scroll_page(page), 1)
        self.buttons: dict[str, QPushButton] = {}
        self._descriptions: dict[str, QLabel] = {}

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        self._title.setText(tr.gettext("Why did you come today?"))
        first_time = not self.buttons
        for event_id, event in frame.catalog.events.items():
            if first_time:
                button = WrapButton()
                button.setObjectName(f"event-{event_id}")
                button.setFont(ui_font(30, bold=True))
                button.setMinimumHeight(120)
                button.clicked.connect(lambda _=False, e=event_id: self.event_chosen.emit(e))
                description = FuriganaLabel()
                description.setFont(ui_font(18))
                description.setWordWrap(True)
                self.buttons[event_id] = button
                self._descriptions[event_id] = description
                self._layout.addWidget(button)
                self._layout.addWidget(description)
            self.buttons[event_id].setText(tr.text(event.title))
            self.buttons[event_id].setAccessibleName(tr.text(event.title))
            self._descriptions[event_id].setText(tr.text(event.description) if event.description else "")
        if first_time:
            self._layout.addStretch(1)

    def practice_target(self, frame: Frame) -> QWidget | None:
        """Practice: the sample person's reason for coming."""
        return self.buttons.get(frame.persona.event_id) if frame.persona is not None else None
