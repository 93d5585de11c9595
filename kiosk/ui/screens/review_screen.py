"""Review: every answer in the citizen's language, each with a "Change" button.

The list scrolls; the confirm button issues the ticket. Nothing is sent anywhere until
the citizen confirms.
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

from kiosk.core.i18n import N_
from kiosk.ui.format import format_answer
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.wrap_button import WrapButton


# TRANSLATORS: on the review screen when the answers call for no form at all (e.g. after a
# death, nothing is left for the family to notify); the citizen can change an answer.
NOTHING_TO_PREPARE = N_(
    "From your answers, there is nothing to fill in here today. "
    "If you are unsure, tap “Change” on an answer or ask staff."
)

class ReviewScreen(QWidget):
    edit_requested = Signal(str)
    confirmed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ReviewScreen")
        layout = QVBoxLayout(self)
        self._title = FuriganaLabel()
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._confirm = WrapButton()
        self._confirm.setObjectName("confirm")
        self._confirm.setProperty("role", "primary")
        self._confirm.setFont(ui_font(28, bold=True))
        self._confirm.setMinimumHeight(110)
        self._confirm.clicked.connect(self.confirmed.emit)
        self._missing = FuriganaLabel()
        self._missing.setObjectName("review-notice")
        self._missing.setProperty("role", "problem")
        self._missing.setFont(ui_font(20, bold=True))
        self._missing.setWordWrap(True)
        layout.addWidget(self._title)
        layout.addWidget(self._scroll, 1)
        layout.addWidget(self._missing)
        layout.addWidget(self._confirm)

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        self._title.setText(tr.gettext("Please check your answers"))
        body = QWidget()
        # One row layout per answer, not a grid: rows take the height their wrapped text
        # needs at any text size (a grid capped them, clipping long questions at 200 %).
        rows = QVBoxLayout(body)
        rows.setSpacing(8)
        plan = frame.visit.plan
        nothing_to_prepare = plan is not None and not plan.forms
        if plan is not None:
            # In the scrolling page, so that at large text the answers keep the room.
            titles = [tr.text(frame.catalog.forms[f].title) for f in plan.forms]
            forms = FuriganaLabel(
                tr.gettext(NOTHING_TO_PREPARE) if nothing_to_prepare
                else tr.gettext("Forms we will prepare: {forms}").format(forms=" · ".join(titles))
            )
            forms.setObjectName("review-forms")
            forms.setFont(ui_font(18))
            forms.setWordWrap(True)
            rows.addWidget(forms)
        missing = 0
        for question in frame.visit.questions:
            value = frame.state.answers.get(question.path)
            if value is None and question.field.required:
                missing += 1
            label_text = tr.text(question.field.label)
            if question.member is not None:
                label_text = tr.gettext("Person {n}").format(n=question.member + 1) + " · " + label_text
            label = FuriganaLabel(label_text)
            label.setFont(ui_font(17))
            label.setWordWrap(True)
            shown = FuriganaLabel(format_answer(question, value, tr))
            shown.setObjectName(f"answer-{question.path}")
            shown.setFont(ui_font(19, bold=True))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            change = WrapButton(tr.gettext("Change"))
            change.setObjectName(f"change-{question.path}")
            change.setFont(ui_font(17))
            change.clicked.connect(lambda _=False, p=question.path: self.edit_requested.emit(p))
            line = QHBoxLayout()
            line.setSpacing(18)
            line.addWidget(label, 2)
            line.addWidget(shown, 3)
            line.addWidget(change, 0)
            rows.addLayout(line)
        rows.addStretch(1)
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
        # Answers that call for no procedure give no ticket: nothing would wait at a counter.
        self._confirm.setEnabled(missing == 0 and not nothing_to_prepare)
        self._confirm.setText(
            tr.gettext("Try again to issue my ticket") if frame.queue_paused
            else tr.gettext("This is correct: issue my ticket")
        )

    def practice_target(self, frame: Frame) -> QWidget | None:
        """Practice: after checking, the button that issues the ticket."""
        return self._confirm if self._confirm.isEnabled() else None
