"""The kiosk's own on-screen keyboard: katakana, hiragana, A–Z and digit pads.

No physical keyboard is assumed. Fields limited to a character class (readings in
katakana, names in the alphabet, digits) get this pad in the right mode; fields that need
kanji also get the Qt Virtual Keyboard where the platform runs it (its Japanese layout
converts kana to kanji), which commits text with input-method events like any IME.
The pad types into whichever line edit it is attached to and never reads its contents
beyond what editing needs; it keeps no record of what was typed, only a count of taps
for the write-less measurement.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import NO_TEXT_SCALE, ui_font

KATAKANA_COLUMNS = (
    "アイウエオ", "カキクケコ", "サシスセソ", "タチツテト", "ナニヌネノ",
    "ハヒフヘホ", "マミムメモ", "ヤ　ユ　ヨ", "ラリルレロ", "ワ　ヲ　ン",
)
LATIN_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
DIGIT_ROWS = ("123", "456", "789", "-0")
SMALL_KANA = str.maketrans("アイウエオツヤユヨワカケ", "ァィゥェォッャュョヮヵヶ")
LARGE_KANA = {v: k for k, v in zip("アイウエオツヤユヨワカケ", "ァィゥェォッャュョヮヵヶ")}

MODES = ("katakana", "hiragana", "latin", "digits")
MODE_LABELS = {"katakana": "カナ", "hiragana": "かな", "latin": "ABC", "digits": "123"}


def _to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _voiced(char: str, mark: str) -> str:
    """カ + ゛ → ガ, ハ + ゜ → パ; characters that take no mark stay as they are."""
    combined = unicodedata.normalize("NFC", char + mark)
    return combined if len(combined) == 1 else char


class OnScreenKeyboard(QWidget):
    """A touch keypad that types into the attached QLineEdit."""

    tapped = Signal(str)  # the text a key inserted ("" for edits), for counting taps

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        self.setProperty(NO_TEXT_SCALE, True)  # 15 mm keys with one big character each
        self._target: QLineEdit | None = None
        self._mode = "katakana"
        self._allowed: tuple[str, ...] = MODES
        self._pads: dict[str, QWidget] = {}
        self._mode_buttons: dict[str, QPushButton] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        group = QButtonGroup(self)
        group.setExclusive(True)
        for mode in MODES:
            button = self._key(MODE_LABELS[mode], lambda _=False, m=mode: self.set_mode(m))
            button.setCheckable(True)
            button.setObjectName(f"mode-{mode}")
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            group.addButton(button)
            self._mode_buttons[mode] = button
            top.addWidget(button)
        top.addStretch(1)
        self._space = self._key("␣", lambda: self._insert(" "))
        self._space.setObjectName("key-space")
        self._space.setAccessibleName("space")
        backspace = self._key("⌫", self._backspace)
        backspace.setObjectName("key-backspace")
        backspace.setAccessibleName("backspace")
        for button in (self._space, backspace):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(160)
        top.addWidget(self._space)
        top.addWidget(backspace)
        layout.addLayout(top)
        for mode in MODES:
            pad = self._build_pad(mode)
            self._pads[mode] = pad
            layout.addWidget(pad, 1)
        self.set_mode("katakana")

    # -- building -------------------------------------------------------------------
    def _key(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setProperty("role", "key")
        button.setFont(ui_font(20))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # tapping a key must not steal focus
        # Keys grow to fill whatever room the screen gives the keyboard: bigger is easier.
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(slot)
        return button

    def _build_pad(self, mode: str) -> QWidget:
        pad = QWidget()
        grid = QGridLayout(pad)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        if mode in ("katakana", "hiragana"):
            for col, column in enumerate(KATAKANA_COLUMNS):
                for row, char in enumerate(column):
                    if char == "　":
                        continue
                    shown = _to_hiragana(char) if mode == "hiragana" else char
                    grid.addWidget(self._char_key(shown), row, col)
            extras = ("゛", "゜", "小", "ー")
            for row, char in enumerate(extras):
                if char == "゛":
                    key = self._key(char, lambda: self._mark("\u3099"))
                elif char == "゜":
                    key = self._key(char, lambda: self._mark("\u309a"))
                elif char == "小":
                    key = self._key(char, self._toggle_small)
                else:
                    key = self._char_key(char)
                key.setObjectName(f"key-{mode}-{char}")
                grid.addWidget(key, row, len(KATAKANA_COLUMNS))
        elif mode == "latin":
            for row, letters in enumerate(LATIN_ROWS):
                for col, char in enumerate(letters):
                    grid.addWidget(self._char_key(char), row, col)
            for col, char in enumerate("'-."):
                grid.addWidget(self._char_key(char), 2, 7 + col)
        else:
            for row, digits in enumerate(DIGIT_ROWS):
                for col, char in enumerate(digits):
                    grid.addWidget(self._char_key(char), row, col)
        return pad

    def _char_key(self, char: str) -> QPushButton:
        key = self._key(char, lambda _=False, c=char: self._insert(c))
        key.setObjectName(f"key-{char}")
        key.setAccessibleName(char)
        return key

    # -- behaviour ------------------------------------------------------------------
    def attach(self, target: QLineEdit | None, modes: tuple[str, ...] = MODES) -> None:
        """Type into ``target`` from now on, offering only ``modes`` (first one selected)."""
        if target is not self._target and self._mode != modes[0]:
            self.set_mode(modes[0])  # a new field starts in its own first mode
        self._target = target
        self._allowed = modes
        for mode, button in self._mode_buttons.items():
            button.setVisible(mode in modes and len(modes) > 1)
        self._space.setVisible(modes != ("digits",))
        if self._mode not in modes:
            self.set_mode(modes[0])
        self.setEnabled(target is not None)

    def set_mode(self, mode: str) -> None:
        self._mode = mode
        for name, pad in self._pads.items():
            pad.setVisible(name == mode)
        self._mode_buttons[mode].setChecked(True)

    @property
    def mode(self) -> str:
        return self._mode

    def key_button(self, char: str) -> QPushButton:
        """The button that types ``char`` in the current mode (tests tap it)."""
        pad = self._pads[self._mode]
        for button in pad.findChildren(QPushButton):
            if button.objectName() in (f"key-{char}", f"key-{self._mode}-{char}"):
                return button
        for button in self.findChildren(QPushButton):
            if button.objectName() == f"key-{char}" and button.isVisibleTo(self):
                return button
        raise KeyError(char)

    def _insert(self, text: str) -> None:
        if self._target is None:
            return
        self._target.insert(text)
        self.tapped.emit(text)

    def _replace_last(self, transform) -> None:
        if self._target is None:
            return
        text = self._target.text()
        cursor = self._target.cursorPosition()
        if cursor == 0:
            return
        changed = transform(text[cursor - 1])
        self._target.setText(text[: cursor - 1] + changed + text[cursor:])
        self._target.setCursorPosition(cursor)
        self.tapped.emit("")

    def _mark(self, mark: str) -> None:
        self._replace_last(lambda c: _voiced(c, mark))

    def _toggle_small(self) -> None:
        def toggle(char: str) -> str:
            hira = "ぁ" <= char <= "ゖ"
            kata = chr(ord(char) + 0x60) if hira else char
            kata = LARGE_KANA.get(kata) or kata.translate(SMALL_KANA)
            return _to_hiragana(kata) if hira else kata

        self._replace_last(toggle)

    def _backspace(self) -> None:
        if self._target is not None:
            self._target.backspace()
            self.tapped.emit("")
