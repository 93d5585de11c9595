"""Practice mode: pick a sample person to practise with, or practise on one's own.

Shown only by ``kiosk practice`` (smartphone classes, floor guides). Each sample person
(kiosk.core.practice) has a title and a short description in the learner's language;
choosing one lets the kiosk fill in that person's answers step by step.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.core.i18n import N_
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.scrolling import scroll_page
from kiosk.ui.widgets.wrap_button import WrapButton

TITLE = N_("Choose a sample person to practise with")
NOTE = N_("Everything here is a sample. Nothing is sent to the city.")
ON_MY_OWN = N_("Practise on my own")


class PersonaScreen(QWidget):
    persona_chosen = Signal(object)  # persona id, or None to practise without one

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("PersonaScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._title = FuriganaLabel()
        self._title.setProperty("role", "title")
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        self._note = FuriganaLabel()
        self._note.setFont(ui_font(20))
        self._note.setWordWrap(True)
        outer.addWidget(self._title)
        outer.addWidget(self._note)
        page = QWidget()
        page.setObjectName("PersonaPage")
        self._list = QVBoxLayout(page)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(14)
        outer.addWidget(scroll_page(page), 1)
        self.buttons: dict[str | None, WrapButton] = {}
        self._descriptions: dict[str, FuriganaLabel] = {}

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        self._title.setText(tr.gettext(TITLE))
        self._note.setText(tr.gettext(NOTE))
        if not self.buttons:
            for persona in frame.personas:
                button = WrapButton()
                button.setObjectName(f"persona-{persona.id}")
                button.setFont(ui_font(26, bold=True))
                button.clicked.connect(lambda _=False, p=persona.id: self.persona_chosen.emit(p))
                description = FuriganaLabel()
                description.setFont(ui_font(18))
                description.setWordWrap(True)
                self.buttons[persona.id] = button
                self._descriptions[persona.id] = description
                self._list.addWidget(button)
                self._list.addWidget(description)
            own = WrapButton()
            own.setObjectName("persona-none")
            own.setFont(ui_font(24))
            own.clicked.connect(lambda: self.persona_chosen.emit(None))
            self.buttons[None] = own
            self._list.addWidget(own)
            self._list.addStretch(1)
        for persona in frame.personas:
            self.buttons[persona.id].setText(tr.text(persona.title))
            self._descriptions[persona.id].setText(tr.text(persona.description) if persona.description else "")
        self.buttons[None].setText(tr.gettext(ON_MY_OWN))
