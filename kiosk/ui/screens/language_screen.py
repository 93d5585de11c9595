"""Language choice: one big button per enabled language, each in its own script."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.i18n import NATIVE_NAMES
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.scrolling import scroll_page
from kiosk.ui.widgets.wrap_button import WrapButton


class LanguageScreen(QWidget):
    language_chosen = Signal(str)

    def __init__(self, languages: tuple[str, ...]) -> None:
        super().__init__()
        self.setObjectName("LanguageScreen")
        layout = QVBoxLayout(self)
        self._title = FuriganaLabel()
        self._title.setProperty("role", "title")
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        layout.addWidget(self._title)
        page = QWidget()
        page.setObjectName("LanguagePage")
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(16)
        columns = 3
        self.buttons: dict[str, QPushButton] = {}
        for index, language in enumerate(languages):
            button = WrapButton(NATIVE_NAMES[language])
            button.setObjectName(f"lang-{language}")
            button.setFont(ui_font(28, bold=True))
            button.setMinimumHeight(110)
            button.setMaximumHeight(200)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setAccessibleName(NATIVE_NAMES[language])
            button.clicked.connect(lambda _=False, lang=language: self.language_chosen.emit(lang))
            self.buttons[language] = button
            grid.addWidget(button, index // columns, index % columns)
        # At 200 % text the twelve buttons may need more than one screen: they scroll.
        layout.addWidget(scroll_page(page), 1)

    def show_frame(self, frame: Frame) -> None:
        self._title.setText("ことば / Language / 言语 / 언어 / Ngôn ngữ")
        for language, button in self.buttons.items():
            button.setChecked(False)
