"""One question per screen: the question, its help, the input, problems, and "Next".

The input widget comes from the kind registry (kiosk.ui.widgets.inputs). Typed answers go
out with ``answered``; one-tap kinds (choice, yes/no) answer on the tap. Problems found
by the core are shown translated above the input. The on-screen keyboard sits at the
bottom whenever the input has text fields.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.forms.engine import Question
from kiosk.core.forms.model import FieldKind
from kiosk.core.i18n import Translator
from kiosk.ui.frame import Frame
from kiosk.ui.practice import FILL_SAMPLE
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.inputs import (
    INPUT_WIDGETS,
    AddressInput,
    AnswerInput,
    InputError,
    keyboard_modes,
)
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.wrap_button import WrapButton

#: At 150 % and 200 % text the keyboard takes at most this share of a landscape screen.
KEYBOARD_SHARE_LARGE_TEXT = 0.4


class QuestionScreen(QWidget):
    answered = Signal(object)
    sample_filled = Signal()  # practice: the sample person's answer was put in

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("QuestionScreen")
        # Landscape kiosk screens (16:9) put the keyboard beside the question, so neither
        # has to scroll; squarer or portrait screens stack them (see resizeEvent).
        self._split = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._split.setContentsMargins(0, 0, 0, 0)
        self._split.setSpacing(24)
        question_side = QWidget()
        outer = QVBoxLayout(question_side)
        outer.setContentsMargins(0, 0, 0, 0)
        # The question scrolls above a keyboard that is always in reach, so long inputs
        # (a name with its readings, an address) never push the keys off a small screen.
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.viewport().setAutoFillBackground(False)
        body = QWidget()
        body.setObjectName("QuestionBody")
        body.setStyleSheet("QWidget#QuestionBody { background: transparent; }")
        self._scroll.setWidget(body)
        outer.addWidget(self._scroll, 1)
        layout = QVBoxLayout(body)
        layout.setSpacing(12)
        self._member = FuriganaLabel()
        self._member.setObjectName("member-label")
        self._member.setFont(ui_font(20))
        self._title = FuriganaLabel()
        self._title.setObjectName("question-title")
        self._title.setProperty("role", "title")
        self._title.setFont(ui_font(30, bold=True))
        self._title.setWordWrap(True)
        self._help = FuriganaLabel()
        self._help.setFont(ui_font(18))
        self._help.setWordWrap(True)
        self._problem = FuriganaLabel()
        self._problem.setObjectName("problem")
        self._problem.setProperty("role", "problem")
        self._problem.setFont(ui_font(20, bold=True))
        self._problem.setWordWrap(True)
        self._input_holder = QVBoxLayout()
        self._next = WrapButton()
        self._next.setObjectName("next")
        self._next.setProperty("role", "primary")
        self._next.setFont(ui_font(26, bold=True))
        self._next.setMinimumSize(320, 90)
        self._next.clicked.connect(self._submit_typed)
        self.keyboard = OnScreenKeyboard()
        layout.addWidget(self._member)
        layout.addWidget(self._title)
        layout.addWidget(self._help)
        layout.addWidget(self._problem)
        layout.addLayout(self._input_holder)
        layout.addStretch(1)
        next_row = QHBoxLayout()
        # Practice mode: put the sample person's answer in, for the learner to check and go on.
        self._fill = WrapButton()
        self._fill.setObjectName("fill-sample")
        self._fill.setFont(ui_font(20, bold=True))
        self._fill.clicked.connect(self._fill_sample)
        self._fill.hide()
        self._sample: Any = None
        self._filled_path: str | None = None  # the question whose sample was put in
        next_row.addWidget(self._fill)
        next_row.addStretch(1)
        next_row.addWidget(self._next)
        outer.addLayout(next_row)  # outside the scroll: "Next" is never scrolled away
        self._split.addWidget(question_side, 1)
        self._split.addWidget(self.keyboard)
        self.input: AnswerInput | None = None
        self._path: str | None = None
        self._language: str | None = None
        self._tr: Translator | None = None
        self._text_scale = 100
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._keep_in_view)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        wide = self.width() >= 1.5 * self.height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._split.direction() != direction:
            self._split.setDirection(direction)
            self._split.setStretch(1, 1 if wide else 0)
        # Large text needs the room for the question; the keys are big enough already.
        share = KEYBOARD_SHARE_LARGE_TEXT if self._text_scale > 100 else 1.0
        if wide and share < 1:
            # Never narrower than its keys need (the kana pad has eleven columns).
            self.keyboard.setMaximumWidth(max(round(self.width() * share), self.keyboard.minimumSizeHint().width()))
        else:
            self.keyboard.setMaximumWidth(16777215)

    def _keep_in_view(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll the field being typed into into view (large text pushes it down)."""
        body = self._scroll.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            self._scroll.ensureWidgetVisible(new, 24, 24)

    def _fill_sample(self) -> None:
        if self.input is None or self._sample is None:
            return
        self.input.set_value(self._sample)
        self._filled_path = self._path
        if not self.input.one_tap:
            self._next.show()
        self.sample_filled.emit()

    def practice_target(self, frame: Frame) -> QWidget | None:
        """The control a learner should tap now: the sample's choice, Fill, or Next."""
        if self.input is None or frame.sample_answer is None:
            return None
        if self.input.one_tap:
            for button in self.input.findChildren(QPushButton):
                if button.isCheckable() and button.objectName() in (
                    f"choice-{frame.sample_answer}",
                    "answer-yes" if frame.sample_answer is True else "answer-no" if frame.sample_answer is False else "",
                ):
                    return button
            return None
        filled = self._filled_path == self._path or frame.question is not None and (
            frame.state.answers.get(frame.question.path) == frame.sample_answer
        )
        return self._next if filled else self._fill

    def _submit_typed(self) -> None:
        if self.input is None or self._tr is None:
            return
        try:
            value: Any = self.input.value()
        except InputError as exc:
            self._problem.setText(self._tr.gettext(exc.msgid).format(**exc.params))
            return
        self.answered.emit(value)

    def show_frame(self, frame: Frame) -> None:
        question = frame.question
        if question is None:
            return
        tr = frame.tr
        self._tr = tr
        if frame.state.appearance.text_scale != self._text_scale:
            self._text_scale = frame.state.appearance.text_scale
            self._arrange()
        rebuild = question.path != self._path or tr.language != self._language
        if rebuild:
            pending = None
            if self.input is not None and question.path == self._path:
                try:  # switching language mid-question keeps what was typed
                    pending = self.input.value()
                except InputError:
                    pending = None
            self._build_input(question, frame, tr)
            value = frame.state.answers.get(question.path, pending)
            if value is None and question.field.kind is FieldKind.ADDRESS:
                value = self._prefill(question, frame)
            if value is not None:
                self.input.set_value(value)
            self._path, self._language = question.path, tr.language
            edit = self.input.first_edit()
            if edit is not None:
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                self.keyboard.attach(edit, keyboard_modes(edit))
                QTimer.singleShot(0, lambda e=edit: self._keep_in_view(None, e) if e.isVisible() else None)
        self._member.setText(self._member_text(question, frame, tr))
        self._title.setText(tr.text(question.field.label))
        self._help.setText(tr.text(question.field.help) if question.field.help else "")
        self._help.setVisible(bool(question.field.help))
        self._problem.setText(
            "\n".join(tr.gettext(p.message).format(**p.params) for p in frame.state.problems)
        )
        self._next.setText(tr.gettext("Next"))
        self._sample = frame.sample_answer
        self._fill.setText(tr.gettext(FILL_SAMPLE))
        self._fill.setVisible(frame.sample_answer is not None)
        answered_already = question.path in frame.state.answers
        self._next.setVisible(not self.input.one_tap or answered_already)
        self.keyboard.setVisible(self.input.uses_keyboard())

    def _prefill(self, question: Question, frame: Frame) -> Any:
        candidates = frame.candidates.get(question.path, ())
        if len(candidates) == 1:
            c = candidates[0]
            return {"postal_code": c.postal_code, "prefecture": c.prefecture, "city": c.city, "town": c.town}
        return None

    def _build_input(self, question: Question, frame: Frame, tr: Translator) -> None:
        if self.input is not None:
            # Hide and detach at once: deleteLater only runs when control returns to the
            # event loop, and until then the old answer would still be painted.
            self._input_holder.removeWidget(self.input)
            self.input.hide()
            self.input.setParent(None)
            self.input.deleteLater()
        factory = INPUT_WIDGETS[question.field.kind]
        if factory is AddressInput:
            self.input = AddressInput(question, tr, self.keyboard, frame.candidates.get(question.path, ()))
        else:
            self.input = factory(question, tr, self.keyboard)
        self.input.submitted.connect(self.answered.emit)
        self._input_holder.addWidget(self.input)
        self.input.show()  # a child added to a visible screen is not shown by the layout at once

    def _member_text(self, question: Question, frame: Frame, tr: Translator) -> str:
        if question.member is None:
            return ""
        count = frame.state.answers.get(f"{question.group_path}.count")
        return tr.gettext("Person {n} of {count}").format(n=question.member + 1, count=count or "?")
