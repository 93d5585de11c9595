"""Scroll areas for a touch screen: the page scrolls instead of shrinking or clipping.

Large text (200 %) and long translations can make a screen taller than the kiosk's
display; rather than shrink or clip anything, the content scrolls, with a scroll bar
wide enough for a finger (theme.stylesheet). Dragging the page itself (QScroller) was
tried and left out: it delays every press inside the page, so quick taps on answer
buttons went missing, which is worse for this audience than a wide bar.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QWidget


def scroll_page(content: QWidget) -> QScrollArea:
    """``content`` in a vertical scroll area with a transparent background."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.viewport().setAutoFillBackground(False)
    if content.objectName():  # the page shows the window's colour (normal or high contrast)
        content.setStyleSheet(f"QWidget#{content.objectName()} {{ background: transparent; }}")
    area.setWidget(content)
    return area
