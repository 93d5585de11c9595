"""Drives the real kiosk window the way a citizen's fingers would.

It reads only what the screen shows (which question widget is up, which buttons exist)
and answers by tapping buttons, tapping the kiosk's own keyboard keys, and committing
text with input-method events exactly as the Qt Virtual Keyboard does for kanji. It
never calls the controller or the core to move the visit on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.core.forms.model import FieldKind
from kiosk.ui.main_window import MainWindow
from kiosk.ui.widgets.inputs import keyboard_modes
from kiosk.ui.widgets.keyboard import LARGE_KANA, OnScreenKeyboard
from tests.data.family_of_four import TODAY

SMALL = set(LARGE_KANA)
JST = timezone(timedelta(hours=9))


class FixedClock:
    """The morning the family comes to the kiosk (the fixture's answers are valid then)."""

    def now(self) -> datetime:
        return datetime.combine(TODAY, time(9, 30), JST)


class KioskDriver:
    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.typed_chars = 0  # characters the citizen entered (keys + committed text)
        self.taps = 0

    # -- basic gestures ---------------------------------------------------------------
    def tap(self, button: QPushButton) -> None:
        assert button.isVisible() and button.isEnabled(), f"{button.objectName()} is not tappable"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.taps += 1

    def tap_named(self, name: str, within: QWidget | None = None) -> None:
        root = within or self.window
        buttons = [b for b in root.findChildren(QPushButton, name) if b.isVisible()]
        assert buttons, f"no visible button {name!r} on {self.window.stack.currentWidget().objectName()}"
        self.tap(buttons[0])

    def focus(self, edit: QLineEdit) -> None:
        self.qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
        edit.setFocus(Qt.FocusReason.MouseFocusReason)
        # A tap lands mid-field and puts the cursor there (large text fills the field):
        # continue at the end, as a citizen adding to what is there would.
        edit.end(False)
        QApplication.processEvents()

    def commit_text(self, edit: QLineEdit, text: str) -> None:
        """What an input method (the Qt Virtual Keyboard's kana→kanji) sends on commit."""
        self.focus(edit)
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(edit, event)
        self.typed_chars += len(text)

    def key_type(self, keyboard: OnScreenKeyboard, edit: QLineEdit, text: str, mode: str) -> None:
        """Tap the on-screen keys for ``text`` in ``mode`` (katakana, latin or digits)."""
        self.focus(edit)
        if keyboard.mode != mode:
            self.tap(keyboard.findChild(QPushButton, f"mode-{mode}"))
        for char in text:
            if char == " ":
                self.tap(keyboard.findChild(QPushButton, "key-space"))
            elif char in SMALL:
                self.tap(keyboard.key_button(LARGE_KANA[char]))
                self.tap(keyboard.key_button("小"))
            else:
                decomposed = unicodedata.normalize("NFD", char)
                self.tap(keyboard.key_button(decomposed[0]))
                if len(decomposed) > 1:
                    self.tap(keyboard.key_button("゛" if decomposed[1] == "\u3099" else "゜"))
            self.typed_chars += 1
        assert edit.text().endswith(text), (edit.text(), text)

    # -- answering ----------------------------------------------------------------------
    def current_screen(self) -> str:
        return self.window.stack.currentWidget().objectName()

    def answer_current(self, answers: Mapping[str, Any]) -> str:
        screen = self.window.question
        widget = screen.input
        question = widget.question
        value = answers.get(question.path)
        kind = question.field.kind
        keyboard = screen.keyboard
        if kind is FieldKind.YESNO:
            self.tap_named("answer-yes" if value else "answer-no", widget)
        elif kind is FieldKind.CHOICE:
            assert value is not None, f"fixture has no answer for {question.path}"
            self.tap_named(f"choice-{value}", widget)
        elif kind in (FieldKind.NUMBER, FieldKind.GROUP):
            target = int(value) if value is not None else None
            shown = widget.findChild(QWidget, "number-value")
            while target is not None and shown.text() != str(target):
                current = int(shown.text()) if shown.text().isdigit() else 0
                self.tap_named("number-plus" if current < target else "number-minus", widget)
            self.tap_named("next")
        elif kind is FieldKind.DATE:
            if value is not None:
                assert isinstance(value, date)
                self.tap_named("era-western", widget)
                for part, number in (("year", value.year), ("month", value.month), ("day", value.day)):
                    edit = widget.findChild(QLineEdit, f"edit-{part}")
                    edit.clear()
                    self.key_type(keyboard, edit, str(number), "digits")
            self.tap_named("next")
        elif kind in (FieldKind.TEXT, FieldKind.PHONE, FieldKind.POSTAL_CODE):
            edit = widget.findChild(QLineEdit, "edit-text")
            edit.clear()
            if value:
                self._type_into(keyboard, edit, str(value))
            self.tap_named("next")
        elif kind in (FieldKind.PERSON_NAME, FieldKind.ADDRESS):
            value = value or {}
            for part, edit in widget.edits.items():
                wanted = value.get(part, "")
                if edit.text() == wanted:
                    continue  # filled from the postal code: nothing to type
                edit.clear()
                if wanted:
                    self._type_into(keyboard, edit, wanted)
            self.tap_named("next")
        else:  # pragma: no cover - a new kind needs a gesture here
            raise AssertionError(f"no gesture for {kind}")
        return question.path

    def _type_into(self, keyboard: OnScreenKeyboard, edit: QLineEdit, text: str) -> None:
        modes = keyboard_modes(edit)
        if modes == ("katakana",):
            self.key_type(keyboard, edit, text, "katakana")
        elif modes == ("latin",):
            self.key_type(keyboard, edit, text, "latin")
        elif modes == ("digits",):
            self.key_type(keyboard, edit, text, "digits")
        elif modes == ("latin", "digits"):
            for char in text:  # residence card numbers: letters and digits on two pads
                self.key_type(keyboard, edit, char, "digits" if char.isdigit() else "latin")
        elif all(c.isdigit() or c == "-" for c in text):
            self.key_type(keyboard, edit, text, "digits")
        else:
            self.commit_text(edit, text)


def start_visit(qtbot, window, language: str = "en", event: str = "moved_in") -> KioskDriver:
    driver = KioskDriver(qtbot, window)
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    driver.tap_named(f"lang-{language}")
    driver.tap_named(f"event-{event}")
    return driver


def walk_to_review(qtbot, window, language: str, answers, event: str = "moved_in") -> KioskDriver:
    """Tap through attract → language → event → every question → review."""
    driver = start_visit(qtbot, window, language, event)
    seen: list[str] = []
    while driver.current_screen() == "QuestionScreen":
        assert len(seen) < 200, "the visit does not end"
        path = driver.answer_current(answers)
        if driver.current_screen() == "QuestionScreen" and window.question.input.question.path == path:
            problem = window.question.findChild(QLabel, "problem")
            pytest.fail(f"answer to {path} refused: {problem.text()!r}")
        seen.append(path)
    assert driver.current_screen() == "ReviewScreen"
    return driver
