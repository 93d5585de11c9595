"""The ticket, always shown on screen too, so a printer fault never loses it.

The QR code(s) are painted large enough to scan from the screen itself; beside them the
number, the counters in order, the documents to have ready, and what happened to the
paper copy. "Finish" ends the visit, which wipes the session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.forms import visit_checklist
from kiosk.core.receipt import checklist_sections
from kiosk.ui.frame import Frame
from kiosk.ui.notices import PRINTED, PROBLEMS
from kiosk.ui.theme import NO_TEXT_SCALE, ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.qr_view import QrView
from kiosk.ui.widgets.wrap_button import WrapButton


class TicketScreen(QWidget):
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("TicketScreen")
        layout = QHBoxLayout(self)
        layout.setSpacing(32)
        self._codes = QVBoxLayout()
        self._codes_caption = FuriganaLabel()
        self._codes_caption.setObjectName("ticket-qr-caption")
        self._codes_caption.setFont(ui_font(18, bold=True))
        self._codes_caption.setWordWrap(True)
        self._codes_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        codes_column = QVBoxLayout()
        codes_column.addLayout(self._codes, 1)
        codes_column.addWidget(self._codes_caption)
        side = QVBoxLayout()
        self._number_caption = FuriganaLabel()
        self._number_caption.setFont(ui_font(20))
        self._number = FuriganaLabel()
        self._number.setObjectName("ticket-number")
        self._number.setFont(ui_font(72, bold=True))
        self._number.setProperty(NO_TEXT_SCALE, True)  # 72 pt already: the one thing to find
        self._route = FuriganaLabel()
        self._route.setObjectName("ticket-route")
        self._route.setFont(ui_font(18))
        self._route.setWordWrap(True)
        # What to bring, fees and ways to pay, what could be done without coming: the
        # same checklist that is printed under the codes.
        self._sections: dict[str, tuple[FuriganaLabel, FuriganaLabel]] = {}
        for name in ("documents", "fees", "alternatives"):
            heading = FuriganaLabel()
            heading.setObjectName(f"ticket-{name}-heading")
            heading.setFont(ui_font(17, bold=True))
            heading.setWordWrap(True)
            section = FuriganaLabel()
            section.setObjectName(f"ticket-{name}")
            section.setFont(ui_font(16))
            section.setWordWrap(True)
            self._sections[name] = (heading, section)
        self._notice = FuriganaLabel()
        self._notice.setObjectName("ticket-notice")
        self._notice.setFont(ui_font(22, bold=True))
        self._notice.setWordWrap(True)
        self._finish = WrapButton()
        self._finish.setObjectName("finish")
        self._finish.setProperty("role", "primary")
        self._finish.setFont(ui_font(26, bold=True))
        self._finish.setMinimumHeight(110)
        self._finish.clicked.connect(self.finished.emit)
        details = QWidget()
        details.setObjectName("TicketDetails")
        details.setStyleSheet("QWidget#TicketDetails { background: transparent; }")
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 8, 0)
        details_layout.setSpacing(6)
        # The printer notice first, inside the page: at large text it wraps onto more
        # lines, and the page scrolls rather than squeezing it.
        details_layout.addWidget(self._notice)
        details_layout.addWidget(self._route)
        for heading, section in self._sections.values():
            details_layout.addSpacing(12)
            details_layout.addWidget(heading)
            details_layout.addWidget(section)
        details_layout.addStretch(1)
        scroll = QScrollArea()  # long routes and document lists scroll; the number never does
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        scroll.setWidget(details)
        side.addWidget(self._number_caption)
        side.addWidget(self._number)
        side.addWidget(scroll, 1)
        side.addWidget(self._finish)
        layout.addLayout(codes_column, 4)
        layout.addLayout(side, 5)
        self._shown_texts: tuple[str, ...] = ()

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        slip = frame.state.slip
        if slip is None:
            return
        if slip.qr_texts != self._shown_texts:
            while self._codes.count():
                item = self._codes.takeAt(0)
                if item.widget() is not None:
                    item.widget().hide()
                    item.widget().setParent(None)
                    item.widget().deleteLater()
            for index, text in enumerate(slip.qr_texts):
                view = QrView(text)
                view.setObjectName(f"ticket-qr-{index}")
                self._codes.addWidget(view, 1)
                view.show()
            self._shown_texts = slip.qr_texts
        count = len(slip.qr_texts)
        self._codes_caption.setText(
            tr.gettext("Show this code at the counter") if count == 1
            else tr.gettext("Show all {count} codes at the counter").format(count=count)
        )
        ticket = slip.ticket
        self._number_caption.setText(tr.gettext("Your number"))
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
        plan = frame.visit.plan
        checklist = (
            visit_checklist(frame.catalog, plan, frame.state.answers, frame.config.fees, frame.config.payment_methods)
            if plan is not None else None
        )
        sections = {section.kind: section for section in checklist_sections(checklist, tr, tr)}
        for kind, (heading, label) in self._sections.items():
            section = sections.get(kind)
            heading.setText(section.heading.citizen if section is not None else "")
            label.setText("\n".join(f"・{line.citizen}" for line in section.lines) if section is not None else "")
            heading.setVisible(section is not None)
            label.setVisible(section is not None)
        notice = frame.state.notice or PRINTED
        self._notice.setText(tr.gettext(notice))
        self._notice.setProperty("role", "problem" if notice in PROBLEMS else "ok")
        self._notice.style().unpolish(self._notice)
        self._notice.style().polish(self._notice)
        self._finish.setText(tr.gettext("Finish"))

    def practice_target(self, frame: Frame) -> QWidget | None:
        return self._finish
