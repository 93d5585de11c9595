"""Practice mode's teaching aids: the SAMPLE watermark, hints, highlights, instructor bar.

Everything here only draws over the real kiosk screens; the citizen flow underneath is
the same one a real visit uses, so a class learns the real thing.

- ``PracticeOverlay`` covers the whole window without taking any touch: a 見本 SAMPLE
  watermark on every screen, and a thick frame around the control to tap next.
- ``hint_text`` says what the current step is for and what to tap, in the learner's
  language (the window adds the やさしい日本語 line under it).
- ``InstructorBar`` gives the instructor one-tap Reset, Jump to any question, hints on
  or off, and a projector size.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QHBoxLayout, QMenu, QWidget

from kiosk.core.forms.model import FieldKind
from kiosk.core.i18n import N_
from kiosk.core.session import Step
from kiosk.ui.frame import Frame
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.wrap_button import WrapButton

WATERMARK = "見本 SAMPLE"

HINT_ATTRACT = N_("Touch anywhere on the screen to begin.")
HINT_PERSONA = N_("Pick a sample person. Their answers are ready for you to fill in, one step at a time.")
HINT_LANGUAGE = N_("Tap the language you read best. You can change it later on every screen.")
HINT_EVENT = N_("Tap why you came. The kiosk then prepares every form you need.")
HINT_CHOICE = N_("Tap the answer that fits. The marked button is the sample person's answer.")
HINT_TYPED = N_("Type with the keys, then tap Next. “Fill in the sample” types the sample answer for you.")
HINT_REVIEW = N_("Check every answer. Tap Change to fix one, then tap the blue button for your ticket.")
HINT_TICKET = N_("Take your ticket. Staff scan its code at each counter, so nothing is written twice.")

RESET = N_("Reset")
JUMP = N_("Jump to…")
HINTS = N_("Hints")
PROJECTOR = N_("Projector")
FILL_SAMPLE = N_("Fill in the sample")


def hint_text(frame: Frame) -> str:
    """The msgid of the hint for this screen ("" when there is none)."""
    step = frame.state.step
    if step is Step.QUESTION and frame.question is not None:
        one_tap = frame.question.field.kind in (FieldKind.CHOICE, FieldKind.YESNO)
        return HINT_CHOICE if one_tap else HINT_TYPED
    return {
        Step.ATTRACT: HINT_ATTRACT, Step.PERSONA: HINT_PERSONA, Step.LANGUAGE: HINT_LANGUAGE,
        Step.EVENT: HINT_EVENT, Step.REVIEW: HINT_REVIEW, Step.TICKET: HINT_TICKET,
    }.get(step, "")


class PracticeOverlay(QWidget):
    """SAMPLE across every screen and a frame around the control to tap; takes no touch."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("PracticeOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._target: QWidget | None = None

    @property
    def target(self) -> QWidget | None:
        return self._target

    def set_target(self, widget: QWidget | None) -> None:
        self._target = widget
        self.update()

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def target_rect(self) -> QRect | None:
        widget = self._target
        if widget is None or not widget.isVisible():
            return None
        return QRect(widget.mapTo(self.parentWidget(), QPoint(0, 0)), widget.size())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_watermark(painter)
        rect = self.target_rect()
        if rect is not None:
            pen = QPen(QColor("#ff8c00"))
            pen.setWidth(10)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(-8, -8, 8, 8), 18, 18)

    def _clear_zones(self) -> QPainterPath:
        """Everywhere except the on-screen QR codes: a code must stay scannable from the screen."""
        from kiosk.ui.widgets.qr_view import QrView

        area = QPainterPath()
        area.addRect(QRectF(self.rect()))
        for view in self.parentWidget().findChildren(QrView):
            if view.isVisible():
                hole = QPainterPath()
                hole.addRect(QRectF(QRect(view.mapTo(self.parentWidget(), QPoint(0, 0)), view.size())))
                area = area.subtracted(hole)
        return area

    def _paint_watermark(self, painter: QPainter) -> None:
        font = ui_font(96, bold=True)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
        path = QPainterPath()
        path.addText(0, 0, font, WATERMARK)
        bounds = path.boundingRect()
        path.translate(-bounds.center())
        painter.save()
        painter.setClipPath(self._clear_zones())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(200, 30, 30, 40))  # faint: the screen stays readable
        step = max(bounds.width(), 600) * 0.9
        for row, y in enumerate(range(120, self.height() + 200, 420)):
            for x in range(-200 + (row % 2) * int(step / 2), self.width() + 400, int(step)):
                painter.save()
                painter.translate(x, y)
                painter.rotate(-25)
                painter.drawPath(path)
                painter.restore()
        painter.restore()


class InstructorBar(QWidget):
    """The instructor's buttons: Reset, Jump to…, Hints, Projector."""

    reset_requested = Signal()
    hints_requested = Signal()
    projector_requested = Signal()
    jump_requested = Signal(str)  # question path

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("InstructorBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.reset_button = WrapButton()
        self.reset_button.setObjectName("practice-reset")
        self.jump_button = WrapButton()
        self.jump_button.setObjectName("practice-jump")
        self.jump_menu = QMenu(self.jump_button)
        self.jump_menu.setFont(ui_font(18))
        self.jump_button.setMenu(self.jump_menu)
        self.hints_button = WrapButton()
        self.hints_button.setObjectName("practice-hints")
        self.hints_button.setCheckable(True)
        self.projector_button = WrapButton()
        self.projector_button.setObjectName("practice-projector")
        self.projector_button.setCheckable(True)
        for button in (self.reset_button, self.jump_button, self.hints_button, self.projector_button):
            button.setFont(ui_font(16, bold=True))
            row.addWidget(button)
        row.addStretch(1)
        self.reset_button.clicked.connect(self.reset_requested.emit)
        self.hints_button.clicked.connect(self.hints_requested.emit)
        self.projector_button.clicked.connect(self.projector_requested.emit)

    def show_frame(self, frame: Frame) -> None:
        tr = frame.tr
        self.reset_button.setText(tr.gettext(RESET))
        self.jump_button.setText(tr.gettext(JUMP))
        self.hints_button.setText(tr.gettext(HINTS))
        self.hints_button.setChecked(frame.state.hints)
        self.projector_button.setText(tr.gettext(PROJECTOR))
        self.projector_button.setChecked(frame.state.appearance.text_scale > 100)
        self.jump_menu.clear()
        questions = frame.visit.questions if frame.persona is not None else ()
        self.jump_button.setEnabled(bool(questions))
        for question in questions:
            action = self.jump_menu.addAction(tr.text(question.field.label))
            action.setObjectName(f"jump-{question.path}")
            action.triggered.connect(lambda _=False, path=question.path: self.jump_requested.emit(path))
