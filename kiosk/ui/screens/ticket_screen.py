"""The ticket, always shown on screen too, so a printer fault never loses it.

Shows the rendered slip (number, route, QR) and what happened to the paper copy. The
"Finish" button ends the visit, which wipes the session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font


class TicketScreen(QWidget):
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("TicketScreen")
        layout = QHBoxLayout(self)
        self._image = QLabel()
        self._image.setObjectName("ticket-image")
        self._image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self._image)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(620)
        side = QVBoxLayout()
        self._number = QLabel()
        self._number.setObjectName("ticket-number")
        self._number.setFont(ui_font(72, bold=True))
        self._route = QLabel()
        self._route.setObjectName("ticket-route")
        self._route.setFont(ui_font(22))
        self._route.setWordWrap(True)
        self._notice = QLabel()
        self._notice.setObjectName("ticket-notice")
        self._notice.setFont(ui_font(22, bold=True))
        self._notice.setWordWrap(True)
        self._finish = QPushButton()
        self._finish.setObjectName("finish")
        self._finish.setProperty("role", "primary")
        self._finish.setFont(ui_font(26, bold=True))
        self._finish.setMinimumHeight(110)
        self._finish.clicked.connect(self.finished.emit)
        side.addWidget(self._number)
        side.addWidget(self._route)
        side.addWidget(self._notice)
        side.addStretch(1)
        side.addWidget(self._finish)
        layout.addWidget(scroll, 1)
        layout.addLayout(side, 1)

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        slip = frame.state.slip
        if slip is None:
            return
        ticket = slip.ticket
        self._number.setText(ticket.number)
        lines = [tr.gettext("Please go to these counters in this order:")]
        for index, stop in enumerate(ticket.route, start=1):
            counter = frame.config.counter(stop.counter_id)
            lines.append(f"{index}. {tr.gettext('Counter {number}').format(number=counter.number)} — {tr.text(counter.name)}")
        lines.append(
            tr.gettext("People ahead of you: {people} · about {minutes} min").format(
                people=ticket.people_ahead, minutes=ticket.estimated_wait_min
            )
        )
        self._route.setText("\n".join(lines))
        notice = frame.state.notice or "Please take your ticket from the printer."
        self._notice.setText(tr.gettext(notice))
        if frame.ticket_image is not None:
            pixmap = QPixmap.fromImage(frame.ticket_image)
            self._image.setPixmap(pixmap.scaledToWidth(560, Qt.TransformationMode.SmoothTransformation))
        self._finish.setText(tr.gettext("Finish"))
