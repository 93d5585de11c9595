"""The attract screen: "touch to start" cycling through the enabled languages, and waits.

It shows only counter numbers and waiting counts (never anything personal) and emits
``start_requested`` on any touch.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.core.i18n import Translator
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel


class AttractScreen(QWidget):
    start_requested = Signal()

    def __init__(self, greetings: list[Translator]) -> None:
        super().__init__()
        self.setObjectName("AttractScreen")
        self._greetings = greetings
        self._index = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        self._site = FuriganaLabel()
        self._site.setFont(ui_font(32, bold=True))
        self._site.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._touch = FuriganaLabel()
        self._touch.setObjectName("touch-to-start")
        self._touch.setFont(ui_font(54, bold=True))
        self._touch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._touch.setWordWrap(True)
        self._touch_ja = FuriganaLabel()
        self._touch_ja.setFont(ui_font(30))
        self._touch_ja.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._waits_title = FuriganaLabel()
        self._waits_title.setFont(ui_font(22, bold=True))
        self._waits = QGridLayout()
        layout.addWidget(self._site)
        layout.addStretch(2)
        layout.addWidget(self._touch)
        layout.addWidget(self._touch_ja)
        layout.addStretch(2)
        layout.addWidget(self._waits_title)
        layout.addLayout(self._waits)
        self._timer = QTimer(self)
        self._timer.setInterval(3000)
        self._timer.timeout.connect(self._next_greeting)
        self._timer.start()
        self._show_greeting()

    def _next_greeting(self) -> None:
        self._index = (self._index + 1) % max(1, len(self._greetings))
        self._show_greeting()

    def _show_greeting(self) -> None:
        if not self._greetings:
            return
        tr = self._greetings[self._index]
        ja = self._greetings[0]
        self._touch.setText(tr.gettext("Touch the screen to start"))
        self._touch_ja.setText(ja.gettext("Touch the screen to start") if tr is not ja else "")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        self.start_requested.emit()
        event.accept()

    def show_frame(self, frame: Frame) -> None:
        tr = self._greetings[0] if self._greetings else frame.tr
        self._site.setText(tr.text(frame.config.site_name))
        self._waits_title.setText(tr.gettext("Waiting now"))
        while self._waits.count():
            item = self._waits.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()  # gone now, not at the next turn of the event loop
                widget.setParent(None)
                widget.deleteLater()
        waits = {w.counter_id: w for w in frame.waits}
        for row, counter in enumerate(frame.config.counters):
            wait = waits.get(counter.id)
            name = FuriganaLabel(f"{counter.number}  {tr.text(counter.name)}")
            name.setFont(ui_font(20))
            if frame.queue_paused or wait is None:
                figure = FuriganaLabel(tr.gettext("Please ask staff"))
            else:
                figure = FuriganaLabel(
                    tr.gettext("{people} waiting · about {minutes} min").format(
                        people=wait.waiting, minutes=wait.estimated_wait_min
                    )
                )
            figure.setFont(ui_font(20, bold=True))
            self._waits.addWidget(name, row, 0)
            self._waits.addWidget(figure, row, 1)
