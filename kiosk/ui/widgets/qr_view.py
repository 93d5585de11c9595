"""Draws a ticket's QR code on screen, large and crisp, so staff can scan the screen itself.

When the printer fails the citizen shows the kiosk's screen (or a photo of it) at the
counter, so the code is painted module by module at a whole number of pixels per module
with its quiet zone, never scaled as a blurry bitmap.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.core.qr_symbol import QrSymbol, make_symbol

QUIET_ZONE = 4


class QrView(QWidget):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol: QrSymbol = make_symbol(text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._path = QPainterPath()
        for y, row in enumerate(self.symbol.modules):
            for x, dark in enumerate(row):
                if dark:
                    self._path.addRect(QRectF(x + QUIET_ZONE, y + QUIET_ZONE, 1, 1))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        side = (self.symbol.size + 2 * QUIET_ZONE) * 5
        return QSize(side, side)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        side = (self.symbol.size + 2 * QUIET_ZONE) * 2
        return QSize(side, side)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        return width

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        modules = self.symbol.size + 2 * QUIET_ZONE
        scale = max(1, min(self.width(), self.height()) // modules)
        side = modules * scale
        painter = QPainter(self)
        painter.translate((self.width() - side) // 2, (self.height() - side) // 2)
        painter.fillRect(0, 0, side, side, QColor("white"))
        painter.scale(scale, scale)
        painter.fillPath(self._path, QColor("black"))
        painter.end()
