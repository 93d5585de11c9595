"""Putting a top-level window on screen the way a kiosk, board or console needs it.

Full screen by default; ``windowed`` for development. Kiosks and lobby boards often run
in a bare X session or as a Windows shell replacement with no window manager to honour
"full screen", so the window also covers the primary screen itself.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def present(window: QWidget, *, windowed: bool, windowed_size: tuple[int, int]) -> None:
    if windowed:
        window.resize(*windowed_size)
        window.show()
        return
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()
