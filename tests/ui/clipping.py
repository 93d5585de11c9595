"""Finds text a citizen cannot read whole: labels and buttons too small for their text.

Used by the all-languages walk at 200 % text: for each visible label it lays the text out
with the label's own font at the label's width (wrapping if the label wraps) and
compares with the room it has; for each button, the one-line text against its inner
width. Visible means on screen: inside the window and not hidden in a scroll area's
unseen part (those can be scrolled to, so they are not clipped).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QWidget

from kiosk.ui.widgets.ruby_label import RubyLabel

TOLERANCE_PX = 2


def _inside_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text.strip():
        return None
    room = label.contentsRect()
    margin = label.margin() * 2 + label.indent() if label.indent() > 0 else label.margin() * 2
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(label.font())
    if label.textFormat().name == "RichText" or (label.textFormat().name == "AutoText" and "<" in text):
        document.setHtml(text)
    else:
        document.setPlainText(text)
    if label.wordWrap():
        document.setTextWidth(room.width() - margin)
        if document.idealWidth() > room.width() - margin + TOLERANCE_PX:
            return f"a word is wider than the label ({document.idealWidth():.0f} > {room.width()} px)"
        if document.size().height() > room.height() + TOLERANCE_PX:
            return f"wrapped text is {document.size().height():.0f} px tall in {room.height()} px"
        return None
    width = document.idealWidth()
    if width > room.width() - margin + TOLERANCE_PX:
        return f"text is {width:.0f} px wide in {room.width()} px"
    if QFontMetrics(label.font()).height() * max(1, text.count("\n") + 1) > room.height() + TOLERANCE_PX + 4:
        return f"text is taller than the label's {room.height()} px"
    return None


def _button_problem(button: QPushButton) -> str | None:
    text = QPushButton.text(button)  # what is drawn: a WrapButton's broken lines
    if not text.strip() or button.layout() is not None:
        return None
    metrics = QFontMetrics(button.font())
    widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    # The style's padding (6 px 18 px, keys 2 px) and border take this much of the width.
    padding = 8 if button.property("role") == "key" else 40
    room = button.width() - padding
    if widest > room + TOLERANCE_PX:
        return f"button text is {widest} px wide in {room} px"
    if metrics.lineSpacing() * (text.count("\n") + 1) > button.height() - 4 + TOLERANCE_PX:
        return f"button text is taller than the button's {button.height()} px"
    return None


def clipped_texts(window: QWidget) -> list[str]:
    """One line per label or button on screen whose text does not fit; empty when all fit."""
    problems: list[str] = []
    window_rect = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or isinstance(widget, RubyLabel):
            continue  # RubyLabel wraps per segment and grows to fit by construction
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, QPushButton):
            problem = _button_problem(widget)
        else:
            continue
        if problem is None:
            top_left = widget.mapTo(window, QPoint(0, 0))
            placed = QRect(top_left, widget.size())
            if not _inside_scroll_area(widget) and not window_rect.contains(placed):
                problem = f"outside the window at {placed.getRect()}"
        if problem:
            name = widget.objectName() or type(widget).__name__
            problems.append(f"{name} {widget.text()[:40]!r}: {problem}")
    return problems


def unnamed_controls(window: QWidget) -> list[str]:
    """Visible buttons a screen reader could not name (no text and no accessible name)."""
    nameless = []
    for button in window.findChildren(QPushButton):
        if button.isVisible() and not (button.accessibleName().strip() or button.text().strip()):
            nameless.append(button.objectName() or repr(button))
    return nameless
