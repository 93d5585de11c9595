"""Review: every answer in the citizen's language, each with a "Change" button.

The list scrolls; the confirm button issues the ticket. Nothing is sent anywhere until
the citizen confirms.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.format import format_answer
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font


class ReviewScreen(QWidget):
    edit_requested = Signal(str)
    confirmed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ReviewScreen")
        layout = QVBoxLayout(self)
        self._title = QLabel()
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        self._forms = QLabel()
        self._forms.setObjectName("review-forms")
        self._forms.setFont(ui_font(18))
        self._forms.setWordWrap(True)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._confirm = QPushButton()
        self._confirm.setObjectName("confirm")
        self._confirm.setProperty("role", "primary")
        self._confirm.setFont(ui_font(28, bold=True))
        self._confirm.setMinimumHeight(110)
        self._confirm.clicked.connect(self.confirmed.emit)
        self._missing = QLabel()
        self._missing.setObjectName("review-notice")
        self._missing.setProperty("role", "problem")
        self._missing.setFont(ui_font(20, bold=True))
        self._missing.setWordWrap(True)
        layout.addWidget(self._title)
        layout.addWidget(self._forms)
        layout.addWidget(self._scroll, 1)
        layout.addWidget(self._missing)
        layout.addWidget(self._confirm)

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        self._title.setText(tr.gettext("Please check your answers"))
        plan = frame.visit.plan
        if plan is not None:
            titles = [tr.text(frame.catalog.forms[f].title) for f in plan.forms]
            self._forms.setText(tr.gettext("Forms we will prepare: {forms}").format(forms=" · ".join(titles)))
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        row = 0
        missing = 0
        for question in frame.visit.questions:
            value = frame.state.answers.get(question.path)
            if value is None and question.field.required:
                missing += 1
            label_text = tr.text(question.field.label)
            if question.member is not None:
                label_text = tr.gettext("Person {n}").format(n=question.member + 1) + " · " + label_text
            label = QLabel(label_text)
            label.setFont(ui_font(17))
            label.setWordWrap(True)
            shown = QLabel(format_answer(question, value, tr))
            shown.setObjectName(f"answer-{question.path}")
            shown.setFont(ui_font(19, bold=True))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            change = QPushButton(tr.gettext("Change"))
            change.setObjectName(f"change-{question.path}")
            change.setFont(ui_font(17))
            change.clicked.connect(lambda _=False, p=question.path: self.edit_requested.emit(p))
            grid.addWidget(label, row, 0)
            grid.addWidget(shown, row, 1)
            grid.addWidget(change, row, 2)
            row += 1
        body.setObjectName("ReviewBody")
        body.setStyleSheet("QWidget#ReviewBody { background: transparent; }")
        self._scroll.viewport().setAutoFillBackground(False)
        self._scroll.setWidget(body)
        if frame.queue_paused:
            self._missing.setText(tr.gettext("Ticketing is paused. Please ask staff."))
        elif missing:
            self._missing.setText(
                tr.gettext("Some answers are still missing. Please tap “Change” to add them.")
            )
        else:
            self._missing.setText("")
        # Paused ticketing keeps the button: the citizen (or staff) can try again at once,
        # and the controller also retries by itself; the answers stay until then.
        self._confirm.setEnabled(missing == 0)
        self._confirm.setText(
            tr.gettext("Try again to issue my ticket") if frame.queue_paused
            else tr.gettext("This is correct: issue my ticket")
        )
