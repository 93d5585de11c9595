"""Keyboard-wedge scanner input, wherever focus is in the console.

A USB scanner in keyboard mode "types" the code as fast key presses ending in Enter.
An application-wide event filter collects digit key presses aimed at the console's
window — including the full-width digits a switched-on Japanese IME produces, folded
back with NFKC — and hands the text over on Enter. Keys that are not digits pass
through untouched, and a pause longer than ``GAP_S`` between digits starts a new code,
so stray keystrokes never glue onto a scan.
"""

from __future__ import annotations

import time
import unicodedata

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

#: Longest pause between two digits of one scan; scanners send a key every few ms.
GAP_S = 1.0


class ScannerInput(QObject):
    scanned = Signal(str)
    typing = Signal(int)  # digits received so far, for a "reading…" hint

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._buffer: list[str] = []
        self._last = 0.0
        # The console never takes text input, so no input method may turn digits into kana.
        window.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self._window:
            return False  # a file dialog or another window: not ours to read
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        if now - self._last > GAP_S:
            self._buffer.clear()
        self._last = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._buffer:
                text = "".join(self._buffer)
                self._buffer.clear()
                self.scanned.emit(text)
                return True
            return False
        digits = unicodedata.normalize("NFKC", event.text())
        if digits and digits.isascii() and digits.isdigit():
            self._buffer.append(digits)
            if len(self._buffer) % 100 == 1:
                self.typing.emit(len(self._buffer))
            return True
        return False

    def detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
