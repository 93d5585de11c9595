"""The kiosk window: the screens in a stack, and the chrome that is always there.

The top bar shows where the citizen is (progress); the bottom bar always offers Back,
Start over, Call staff and the language switch (PRODUCT.md: no dead ends, a human
fallback on every screen). An overlay warns before the idle timeout with a countdown
and a "Continue" button. The window renders Frames and forwards intents; it holds no
session data of its own.
"""

from __future__ import annotations

from babel.numbers import format_percent
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.i18n import EASY_JAPANESE, NATIVE_NAMES, Translator
from kiosk.core.session import Appearance, Step
from kiosk.ui.frame import Frame
from kiosk.ui.screens.attract_screen import AttractScreen
from kiosk.ui.screens.event_screen import EventScreen
from kiosk.ui.screens.language_screen import LanguageScreen
from kiosk.ui.screens.question_screen import QuestionScreen
from kiosk.ui.screens.persona_screen import PersonaScreen
from kiosk.ui.screens.review_screen import ReviewScreen
from kiosk.ui.practice import InstructorBar, PracticeOverlay, hint_text
from kiosk.ui.screens.ticket_screen import TicketScreen
from kiosk.ui.theme import NO_TEXT_SCALE, apply_text_scale, palette, stylesheet, ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel, apply_furigana
from kiosk.ui.widgets.wrap_button import WrapButton


class Overlay(QFrame):
    """A message over the whole window with one button (idle warning, staff called)."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._name = name
        self.restyle(False)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(1000)
        row_outer = QHBoxLayout()
        row_outer.addStretch(1)
        row_outer.addWidget(card, 10)
        row_outer.addStretch(1)
        outer.addLayout(row_outer)
        outer.addStretch(1)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        self.message = FuriganaLabel()
        self.message.setObjectName(f"{name}-message")
        self.message.setFont(ui_font(32, bold=True))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.button = WrapButton()
        self.button.setObjectName(f"{name}-button")
        self.button.setProperty("role", "primary")
        self.button.setFont(ui_font(28, bold=True))
        self.button.setMinimumSize(420, 120)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.hide()

    def restyle(self, high_contrast: bool) -> None:
        colours = palette(high_contrast)
        self.setStyleSheet(
            f"QFrame#{self._name} {{ background: rgba(20, 30, 45, 215); }}"
            f" QFrame#card {{ background: {colours.paper}; border: 3px solid {colours.calm_border};"
            " border-radius: 24px; }"
        )

    def show_over(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class MainWindow(QWidget):
    back_requested = Signal()
    start_over_requested = Signal()
    staff_requested = Signal()
    language_switch_requested = Signal(str)
    continue_requested = Signal()
    text_size_requested = Signal()
    contrast_requested = Signal()
    read_aloud_requested = Signal()
    persona_chosen = Signal(object)

    def __init__(self, languages: tuple[str, ...], greetings: list[Translator], practice: bool = False) -> None:
        super().__init__()
        self.practice = practice
        self.setObjectName("KioskRoot")
        self.setWindowTitle("Smart Counter Kiosk")
        self._appearance = Appearance()
        self.setStyleSheet(stylesheet())
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)

        # Top: where the citizen is, and the three ways to make the screen work for
        # them (bigger text, high contrast, read aloud), on every screen.
        top = QHBoxLayout()
        self._progress = QProgressBar()
        self._progress.setObjectName("progress")
        self._progress.setRange(0, 1000)
        self._progress.setTextVisible(False)
        keep_room = self._progress.sizePolicy()
        keep_room.setRetainSizeWhenHidden(True)  # the switches stay put on every screen
        self._progress.setSizePolicy(keep_room)
        top.addWidget(self._progress, 1)
        self.text_size_button = WrapButton()
        self.text_size_button.setObjectName("text-size")
        self.contrast_button = WrapButton()
        self.contrast_button.setObjectName("high-contrast")
        self.read_aloud_button = WrapButton()
        self.read_aloud_button.setObjectName("read-aloud")
        for button in (self.contrast_button, self.read_aloud_button):
            button.setCheckable(True)
        for button in (self.text_size_button, self.contrast_button, self.read_aloud_button):
            button.setFont(ui_font(16, bold=True))
            # The switches themselves keep one size, so they stay where the citizen found them.
            button.setProperty(NO_TEXT_SCALE, True)
            top.addWidget(button)
        self.text_size_button.clicked.connect(self.text_size_requested.emit)
        self.contrast_button.clicked.connect(self.contrast_requested.emit)
        self.read_aloud_button.clicked.connect(self.read_aloud_requested.emit)
        if practice:
            # The instructor's row and the hint for the step, above the screens.
            self.instructor = InstructorBar()
            root.addWidget(self.instructor)
        root.addLayout(top)
        if practice:
            # The hint in the learner's language, and in やさしい日本語 (with furigana)
            # beneath it for the Japanese-speaking helper beside them.
            self.hint_box = QFrame()
            self.hint_box.setObjectName("practice-hint-box")
            self.hint_box.setStyleSheet("QFrame#practice-hint-box { background: #fff4d6;"
                                        " border: 3px solid #ff8c00; border-radius: 12px; }"
                                        " QFrame#practice-hint-box QLabel { color: #1a1a1a; }")
            hint_layout = QVBoxLayout(self.hint_box)
            hint_layout.setContentsMargins(12, 6, 12, 6)
            self.hint = FuriganaLabel()
            self.hint.setObjectName("practice-hint")
            self.hint.setFont(ui_font(20, bold=True))
            self.hint.setWordWrap(True)
            self.hint_easy = FuriganaLabel()
            self.hint_easy.setObjectName("practice-hint-easy")
            self.hint_easy.setFont(ui_font(17))
            self.hint_easy.setWordWrap(True)
            hint_layout.addWidget(self.hint)
            hint_layout.addWidget(self.hint_easy)
            root.addWidget(self.hint_box)

        self.stack = QStackedWidget()
        self.attract = AttractScreen(greetings)
        self.language = LanguageScreen(languages)
        self.event = EventScreen()
        self.question = QuestionScreen()
        self.review = ReviewScreen()
        self.ticket = TicketScreen()
        self._screens = {
            Step.ATTRACT: self.attract, Step.LANGUAGE: self.language, Step.EVENT: self.event,
            Step.QUESTION: self.question, Step.REVIEW: self.review, Step.TICKET: self.ticket,
        }
        if practice:
            self.persona = PersonaScreen()
            self.persona.persona_chosen.connect(self.persona_chosen.emit)
            self._screens[Step.PERSONA] = self.persona
        for screen in self._screens.values():
            self.stack.addWidget(screen)
        root.addWidget(self.stack, 1)

        bar = QHBoxLayout()
        self.back_button = WrapButton()
        self.back_button.setObjectName("back")
        self.start_over_button = WrapButton()
        self.start_over_button.setObjectName("start-over")
        self.staff_button = WrapButton()
        self.staff_button.setObjectName("call-staff")
        self.staff_button.setProperty("role", "staff")
        self.language_button = WrapButton("Language / 言語")
        self.language_button.setObjectName("switch-language")
        menu = QMenu(self.language_button)
        menu.setFont(ui_font(22))
        for lang in languages:
            action = menu.addAction(NATIVE_NAMES[lang])
            action.setObjectName(f"menu-lang-{lang}")
            action.triggered.connect(lambda _=False, code=lang: self.language_switch_requested.emit(code))
        self.language_menu = menu
        self.language_button.setMenu(menu)
        for button in (self.back_button, self.start_over_button, self.language_button, self.staff_button):
            button.setFont(ui_font(20, bold=True))
            button.setMinimumWidth(200)
        self.back_button.clicked.connect(self.back_requested.emit)
        self.start_over_button.clicked.connect(self.start_over_requested.emit)
        self.staff_button.clicked.connect(self.staff_requested.emit)
        bar.addWidget(self.back_button)
        bar.addWidget(self.start_over_button)
        bar.addStretch(1)
        bar.addWidget(self.language_button)
        bar.addWidget(self.staff_button)
        self._bar = QWidget()
        self._bar.setLayout(bar)
        root.addWidget(self._bar)

        self.idle_overlay = Overlay(self, "IdleOverlay")
        self.idle_overlay.button.clicked.connect(self.continue_requested.emit)
        self.staff_overlay = Overlay(self, "StaffOverlay")
        self.staff_overlay.button.clicked.connect(self.staff_overlay.hide)
        # Over everything in practice mode: 見本 SAMPLE and the control to tap next.
        self.practice_overlay = PracticeOverlay(self) if practice else None
        if practice:
            self.question.sample_filled.connect(self._point_at_next)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.practice_overlay is not None:
            self.practice_overlay.cover()
        for overlay in (self.idle_overlay, self.staff_overlay):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        step = frame.state.step
        screen = self._screens[step]
        appearance = frame.state.appearance
        if appearance.high_contrast != self._appearance.high_contrast or appearance.text_scale != self._appearance.text_scale:
            self.setStyleSheet(stylesheet(appearance.text_scale / 100, appearance.high_contrast))
            for overlay in (self.idle_overlay, self.staff_overlay):
                overlay.restyle(appearance.high_contrast)
        self._appearance = appearance
        screen.show_frame(frame)
        self.stack.setCurrentWidget(screen)
        self._show_accessibility(tr, appearance)
        # After the screen has built this frame's widgets, so they are scaled too.
        apply_text_scale(self, appearance.text_scale / 100)
        self.setProperty("highContrast", appearance.high_contrast)
        apply_furigana(self, tr.language == EASY_JAPANESE)
        # A scroll area sized its page before the fonts grew: have it measure again.
        focus = QApplication.focusWidget()
        for area in screen.findChildren(QScrollArea):
            QApplication.sendEvent(area, QEvent(QEvent.Type.LayoutRequest))
            page = area.widget()
            if focus is not None and page is not None and page.isAncestorOf(focus):
                area.ensureWidgetVisible(focus, 24, 24)  # the field being typed into
        self._progress.setVisible(step in (Step.QUESTION, Step.REVIEW))
        if self.practice_overlay is not None:
            self._show_practice(frame, screen)
        self._progress.setValue(round(frame.progress * 1000))
        self._bar.setVisible(step is not Step.ATTRACT)
        self.back_button.setText("← " + tr.gettext("Back"))
        self.back_button.setVisible(step in (Step.LANGUAGE, Step.EVENT, Step.QUESTION, Step.REVIEW))
        self.start_over_button.setText(tr.gettext("Start over"))
        self.start_over_button.setVisible(step is not Step.TICKET)
        self.staff_button.setText(tr.gettext("Call staff"))
        self.language_button.setVisible(step not in (Step.ATTRACT, Step.LANGUAGE))

    def _show_practice(self, frame: Frame, screen: QWidget) -> None:
        self.instructor.show_frame(frame)
        hint = hint_text(frame)
        easy = frame.tr.language == EASY_JAPANESE
        self.hint.setText(frame.tr.gettext(hint) if hint else "")
        self.hint_easy.setText(frame.easy.gettext(hint) if hint and frame.easy is not None and not easy else "")
        self.hint_easy.setVisible(bool(self.hint_easy.text()))
        self.hint_box.setVisible(frame.state.hints and bool(hint))
        self.hint.set_ruby(easy)
        self.hint_easy.set_ruby(True)
        target = getattr(screen, "practice_target", None)
        self._frame = frame
        self.practice_overlay.set_target(target(frame) if target is not None and frame.state.hints else None)
        self.practice_overlay.cover()
        # Layouts settle after this call: point again once they have.
        QTimer.singleShot(0, self.practice_overlay.update)

    def _point_at_next(self) -> None:
        """After "Fill in the sample", the control to tap is the one that goes on."""
        if self.practice_overlay is not None and getattr(self, "_frame", None) is not None and self._frame.state.hints:
            self.practice_overlay.set_target(self.question.practice_target(self._frame))

    def _show_accessibility(self, tr: Translator, appearance: Appearance) -> None:
        percent = format_percent(appearance.text_scale / 100, locale=tr.babel_locale)
        label = tr.gettext("Text size {percent}").format(percent=percent)
        self.text_size_button.setText(label)
        self.contrast_button.setText(tr.gettext("High contrast"))
        self.contrast_button.setChecked(appearance.high_contrast)
        self.read_aloud_button.setText(tr.gettext("Read aloud"))
        self.read_aloud_button.setChecked(appearance.read_aloud)

    def show_idle_warning(self, tr: Translator, seconds_left: int) -> None:
        self.idle_overlay.message.setText(
            tr.gettext("Are you still there? This screen will start over in {seconds} seconds.").format(
                seconds=seconds_left
            )
        )
        self.idle_overlay.button.setText(tr.gettext("Continue"))
        apply_furigana(self.idle_overlay, tr.language == EASY_JAPANESE)
        if not self.idle_overlay.isVisible():
            self.idle_overlay.show_over()

    def hide_idle_warning(self) -> None:
        self.idle_overlay.hide()

    def show_staff_called(self, tr: Translator) -> None:
        self.staff_overlay.message.setText(
            tr.gettext("A staff member has been called and will come to help you. Your answers are kept.")
        )
        self.staff_overlay.button.setText(tr.gettext("OK"))
        apply_furigana(self.staff_overlay, tr.language == EASY_JAPANESE)
        self.staff_overlay.show_over()
