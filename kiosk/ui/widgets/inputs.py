"""One touch input widget per field kind, and the registry that maps kinds to them.

A widget shows one question's current answer and hands back the typed value; it never
validates against the form (the core does) beyond turning text into the value type
(e.g. era + year/month/day into a date). Choice and yes/no answer on a single tap.
A test checks that every FieldKind of the forms engine has a widget here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import era, textclass
from kiosk.core.errors import KioskError
from kiosk.core.forms.engine import Question
from kiosk.core.forms.model import CharClass, FieldKind
from kiosk.core.i18n import N_, Translator
from kiosk.core.ports import AddressCandidate
from kiosk.ui.theme import ui_font
from kiosk.ui.widgets.furigana_text import FuriganaLabel
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.wrap_button import WrapButton

KEYBOARD_MODES = {
    CharClass.ANY: ("hiragana", "katakana", "latin", "digits"),
    CharClass.KATAKANA: ("katakana",),
    CharClass.HIRAGANA: ("hiragana",),
    CharClass.LATIN: ("latin",),
    CharClass.DIGITS: ("digits",),
    CharClass.ALNUM: ("latin", "digits"),
}


class InputError(Exception):
    """Typed text that cannot become a value; ``msgid`` is shown translated."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params


class _KeyboardFocus(QObject):
    """Attaches the on-screen keyboard to a line edit when it gets focus."""

    def __init__(self, keyboard: OnScreenKeyboard, edit: QLineEdit) -> None:
        super().__init__(edit)
        self._keyboard, self._edit = keyboard, edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FocusIn:
            self._keyboard.attach(self._edit, keyboard_modes(self._edit))
        return False


def keyboard_modes(edit: QLineEdit) -> tuple[str, ...]:
    """The pad modes a line edit accepts, first one shown first."""
    return tuple(str(edit.property("keyboardModes") or ",".join(KEYBOARD_MODES[CharClass.ANY])).split(","))


def prefer_mode(edit: QLineEdit, mode: str) -> None:
    modes = keyboard_modes(edit)
    edit.setProperty("keyboardModes", ",".join((mode, *(m for m in modes if m != mode))))


def make_line_edit(
    keyboard: OnScreenKeyboard, charclass: CharClass, name: str, latin_first: bool = False
) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setFont(ui_font(24))
    modes = KEYBOARD_MODES[charclass]
    if latin_first and "latin" in modes:
        # Citizens reading another language mostly type their names in the alphabet.
        modes = ("latin", *(m for m in modes if m != "latin"))
    edit.setProperty("keyboardModes", ",".join(modes))
    if charclass is not CharClass.ANY:
        # Restricted fields use our pad only: a kana-kanji IME would only get in the way.
        edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    edit.installEventFilter(_KeyboardFocus(keyboard, edit))
    return edit


class AnswerInput(QWidget):
    """Base class: ``submitted`` fires for one-tap answers; ``value()`` reads typed ones."""

    submitted = Signal(object)
    one_tap = False  # the screen hides "Next" until an answer exists when True

    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__()
        self.question = question
        self.keyboard = keyboard
        self.tr_ = tr

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def retranslate(self, tr: Translator) -> None:
        self.tr_ = tr

    def first_edit(self) -> QLineEdit | None:
        edits = self.findChildren(QLineEdit)
        return edits[0] if edits else None

    def uses_keyboard(self) -> bool:
        return bool(self.findChildren(QLineEdit))


class ChoiceInput(AnswerInput):
    one_tap = True

    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__(question, tr, keyboard)
        layout = QGridLayout(self)
        layout.setSpacing(12)
        self._group = QButtonGroup(self)
        self._buttons: dict[str, QPushButton] = {}
        choices = question.field.choices
        columns = 1 if len(choices) <= 4 else 2
        for index, choice in enumerate(choices):
            button = WrapButton()
            button.setCheckable(True)
            button.setObjectName(f"choice-{choice.id}")
            button.setFont(ui_font(24))
            button.clicked.connect(lambda _=False, c=choice.id: self.submitted.emit(c))
            self._group.addButton(button)
            self._buttons[choice.id] = button
            layout.addWidget(button, index // columns, index % columns)
        self.retranslate(tr)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        for choice in self.question.field.choices:
            self._buttons[choice.id].setText(tr.text(choice.label))
            self._buttons[choice.id].setAccessibleName(tr.text(choice.label))

    def set_value(self, value: Any) -> None:
        if value in self._buttons:
            self._buttons[value].setChecked(True)

    def value(self) -> Any:
        checked = self._group.checkedButton()
        return None if checked is None else checked.objectName().removeprefix("choice-")


class YesNoInput(AnswerInput):
    one_tap = True

    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__(question, tr, keyboard)
        layout = QHBoxLayout(self)
        layout.setSpacing(24)
        self._yes, self._no = WrapButton(), WrapButton()
        for button, name, answer in ((self._yes, "answer-yes", True), (self._no, "answer-no", False)):
            button.setObjectName(name)
            button.setCheckable(True)
            button.setFont(ui_font(28, bold=True))
            button.setMinimumHeight(140)
            button.clicked.connect(lambda _=False, a=answer: self.submitted.emit(a))
            layout.addWidget(button)
        group = QButtonGroup(self)
        group.addButton(self._yes)
        group.addButton(self._no)
        self.retranslate(tr)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        self._yes.setText(tr.gettext("Yes"))
        self._no.setText(tr.gettext("No"))

    def set_value(self, value: Any) -> None:
        if value is True:
            self._yes.setChecked(True)
        elif value is False:
            self._no.setChecked(True)

    def value(self) -> Any:
        if self._yes.isChecked():
            return True
        if self._no.isChecked():
            return False
        return None


class _LabelledEdits(AnswerInput):
    """Several labelled line edits; subclasses list (part, msgid, charclass)."""

    PARTS: Sequence[tuple[str, str, CharClass]] = ()

    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__(question, tr, keyboard)
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(10)
        self._labels: dict[str, QLabel] = {}
        self.edits: dict[str, QLineEdit] = {}
        for row, (part, _msgid, charclass) in enumerate(self.parts()):
            label = FuriganaLabel()
            label.setFont(ui_font(18))
            label.setWordWrap(True)
            edit = make_line_edit(
                keyboard, charclass, f"edit-{part}", latin_first=tr.language not in ("ja", "ja-x-easy")
            )
            label.setBuddy(edit)
            self._labels[part] = label
            self.edits[part] = edit
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(edit, row, 1)
        self._grid.setColumnStretch(1, 1)
        self.retranslate(tr)

    def parts(self) -> Sequence[tuple[str, str, CharClass]]:
        return self.PARTS

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        for part, msgid, _ in self.parts():
            self._labels[part].setText(tr.gettext(msgid))
            self.edits[part].setAccessibleName(tr.gettext(msgid))

    def set_value(self, value: Any) -> None:
        if isinstance(value, Mapping):
            for part, edit in self.edits.items():
                edit.setText(str(value.get(part, "")))

    def value(self) -> Any:
        result = {}
        for part, _msgid, charclass in self.parts():
            text = textclass.normalize(self.edits[part].text(), charclass)
            if text:
                result[part] = text
        return result


class TextInput(_LabelledEdits):
    def parts(self) -> Sequence[tuple[str, str, CharClass]]:
        return (("text", "", self.question.field.charclass),)

    def retranslate(self, tr: Translator) -> None:
        AnswerInput.retranslate(self, tr)
        self._labels["text"].hide()
        self.edits["text"].setAccessibleName(tr.text(self.question.field.label))

    def set_value(self, value: Any) -> None:
        self.edits["text"].setText("" if value is None else str(value))

    def value(self) -> Any:
        return textclass.normalize(self.edits["text"].text(), self.question.field.charclass)


class PhoneInput(TextInput):
    def parts(self) -> Sequence[tuple[str, str, CharClass]]:
        return (("text", "", CharClass.DIGITS),)

    def value(self) -> Any:
        return textclass.normalize_phone(self.edits["text"].text())


class PostalCodeInput(TextInput):
    def parts(self) -> Sequence[tuple[str, str, CharClass]]:
        return (("text", "", CharClass.DIGITS),)

    def value(self) -> Any:
        digits = textclass.normalize(self.edits["text"].text(), CharClass.DIGITS).replace("-", "")
        return digits


class PersonNameInput(_LabelledEdits):
    PARTS = (
        ("family", N_("Family name"), CharClass.ANY),
        ("given", N_("Given name"), CharClass.ANY),
        ("family_kana", N_("Family name in katakana"), CharClass.KATAKANA),
        ("given_kana", N_("Given name in katakana"), CharClass.KATAKANA),
    )
    LATIN = ("latin", N_("Name in the alphabet, as on your residence card"), CharClass.LATIN)

    def parts(self) -> Sequence[tuple[str, str, CharClass]]:
        # Foreign residents' names are registered in the alphabet as on the residence card;
        # the row is offered whenever the citizen does not use Japanese.
        if self.tr_.language in ("ja", "ja-x-easy"):
            return self.PARTS
        return (*self.PARTS, self.LATIN)


class AddressInput(_LabelledEdits):
    PARTS = (
        ("postal_code", N_("Postal code (7 digits)"), CharClass.DIGITS),
        ("prefecture", N_("Prefecture"), CharClass.ANY),
        ("city", N_("City, ward, town or village"), CharClass.ANY),
        ("town", N_("District"), CharClass.ANY),
        ("block", N_("Block and house number (e.g. 2-21-1)"), CharClass.ANY),
        ("building", N_("Building and room (if any)"), CharClass.ANY),
    )

    def __init__(
        self,
        question: Question,
        tr: Translator,
        keyboard: OnScreenKeyboard,
        candidates: Sequence[AddressCandidate] = (),
    ) -> None:
        super().__init__(question, tr, keyboard)
        prefer_mode(self.edits["block"], "digits")  # 番地 are mostly digits and hyphens
        self._candidates = tuple(candidates)
        if len(self._candidates) > 1:
            # One postal code can cover several districts: let the citizen tap theirs.
            row = QHBoxLayout()
            for index, candidate in enumerate(self._candidates):
                button = WrapButton(candidate.town or candidate.city)
                button.setObjectName(f"town-{index}")
                button.setFont(ui_font(18))
                button.clicked.connect(lambda _=False, c=candidate: self._fill(c))
                row.addWidget(button)
            self._grid.addLayout(row, len(self.PARTS), 0, 1, 2)

    def _fill(self, candidate: AddressCandidate) -> None:
        self.edits["postal_code"].setText(candidate.postal_code)
        self.edits["prefecture"].setText(candidate.prefecture)
        self.edits["city"].setText(candidate.city)
        self.edits["town"].setText(candidate.town)
        self.edits["block"].setFocus()

    def value(self) -> Any:
        result = super().value()
        if "postal_code" in result:
            result["postal_code"] = result["postal_code"].replace("-", "")
        return result

    def first_edit(self) -> QLineEdit | None:
        # Prefecture/city/district come from the postal code: start where typing is needed.
        if self.edits["prefecture"].text() and self.edits["city"].text():
            return self.edits["block"]
        return self.edits["postal_code"]


class NumberInput(AnswerInput):
    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__(question, tr, keyboard)
        field = question.field
        self._min = field.minimum if field.minimum is not None else 0
        self._max = field.maximum if field.maximum is not None else 99
        self._value = self._min if field.required else None
        layout = QHBoxLayout(self)
        self._minus, self._plus = QPushButton("−"), QPushButton("+")
        self._minus.setObjectName("number-minus")
        self._plus.setObjectName("number-plus")
        self._shown = FuriganaLabel()
        self._shown.setObjectName("number-value")
        self._shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._shown.setFont(ui_font(48, bold=True))
        for button in (self._minus, self._plus):
            button.setFont(ui_font(36, bold=True))
            button.setMinimumSize(140, 140)
        self._minus.clicked.connect(lambda: self._step(-1))
        self._plus.clicked.connect(lambda: self._step(+1))
        layout.addStretch(1)
        layout.addWidget(self._minus)
        layout.addWidget(self._shown, 1)
        layout.addWidget(self._plus)
        layout.addStretch(1)
        self.retranslate(tr)
        self._refresh()

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        self._minus.setAccessibleName(tr.gettext("Fewer"))
        self._plus.setAccessibleName(tr.gettext("More"))

    def _step(self, delta: int) -> None:
        current = self._min if self._value is None else self._value
        self._value = max(self._min, min(self._max, current + delta))
        self._refresh()

    def _refresh(self) -> None:
        self._shown.setText("—" if self._value is None else str(self._value))
        self._minus.setEnabled(self._value is not None and self._value > self._min)
        self._plus.setEnabled(self._value is None or self._value < self._max)

    def set_value(self, value: Any) -> None:
        if isinstance(value, int):
            self._value = value
            self._refresh()

    def value(self) -> Any:
        return self._value


class DateInput(AnswerInput):
    """Era buttons (西暦, 令和, 平成, 昭和, 大正) and year / month / day on the digit pad."""

    ERAS = ("western", "令和", "平成", "昭和", "大正")

    def __init__(self, question: Question, tr: Translator, keyboard: OnScreenKeyboard) -> None:
        super().__init__(question, tr, keyboard)
        layout = QVBoxLayout(self)
        # 西暦 on a row of its own (its name is long in most languages and wraps at large
        # text), the four short era names side by side below it.
        western_row = QHBoxLayout()
        era_row = QHBoxLayout()
        self._era_group = QButtonGroup(self)
        self._era_buttons: dict[str, QPushButton] = {}
        for name in self.ERAS:
            button = WrapButton(name)
            button.setCheckable(True)
            button.setFont(ui_font(22))
            button.setObjectName(f"era-{name}")
            self._era_group.addButton(button)
            self._era_buttons[name] = button
            button.clicked.connect(self._era_chosen)
            (western_row if name == "western" else era_row).addWidget(button)
        self._era_buttons["western"].setChecked(True)
        layout.addLayout(western_row)
        layout.addLayout(era_row)
        row = QHBoxLayout()
        self.edits: dict[str, QLineEdit] = {}
        self._unit_labels: dict[str, QLabel] = {}
        for part, width in (("year", 4), ("month", 2), ("day", 2)):
            edit = make_line_edit(keyboard, CharClass.DIGITS, f"edit-{part}")
            edit.setMaxLength(width)
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
            edit.textChanged.connect(self._update_preview)
            unit = FuriganaLabel()
            unit.setFont(ui_font(22))
            self.edits[part] = edit
            self._unit_labels[part] = unit
            row.addWidget(edit, 1)
            row.addWidget(unit)
        layout.addLayout(row)
        self.edits["year"].textChanged.connect(lambda text: self._advance("year", text))
        self.edits["month"].textChanged.connect(lambda text: self._advance("month", text))
        self._preview = FuriganaLabel()
        self._preview.setObjectName("date-preview")
        self._preview.setFont(ui_font(22, bold=True))
        layout.addWidget(self._preview)
        self.retranslate(tr)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        self._era_buttons["western"].setText(tr.gettext("Western year"))
        for part, msgid in (("year", N_("year")), ("month", N_("month")), ("day", N_("day"))):
            self._unit_labels[part].setText(tr.gettext(msgid))
            self.edits[part].setAccessibleName(tr.gettext(msgid))
        self._update_preview()

    def _advance(self, part: str, text: str) -> None:
        """Move to the next box once this one cannot take another digit (fewer taps)."""
        digits = textclass.normalize(text, CharClass.DIGITS)
        following = {"year": "month", "month": "day"}[part]
        full = len(digits) >= self.edits[part].maxLength()
        single_digit_month = part == "month" and len(digits) == 1 and digits > "1"
        if (full or single_digit_month) and self.edits[part].hasFocus():
            self.edits[following].setFocus(Qt.FocusReason.OtherFocusReason)

    def _era_chosen(self) -> None:
        # 和暦 years have at most two digits (令和 7, 昭和 50); 西暦 years four.
        self.edits["year"].setMaxLength(4 if self._era() is None else 2)
        self._update_preview()

    def _era(self) -> str | None:
        checked = self._era_group.checkedButton()
        name = checked.objectName().removeprefix("era-") if checked else "western"
        return None if name == "western" else name

    def _update_preview(self) -> None:
        try:
            value = self.value()
        except InputError:
            self._preview.setText("")
            return
        self._preview.setText("" if value is None else f"{era.format_wareki(value)}（{value.isoformat()}）")

    def set_value(self, value: Any) -> None:
        if isinstance(value, date):
            self._era_buttons["western"].setChecked(True)
            self.edits["year"].setText(str(value.year))
            self.edits["month"].setText(str(value.month))
            self.edits["day"].setText(str(value.day))

    def value(self) -> Any:
        texts = {part: textclass.normalize(edit.text(), CharClass.DIGITS) for part, edit in self.edits.items()}
        if not any(texts.values()):
            return None
        if not all(texts.values()):
            raise InputError(N_("Please enter the year, the month and the day."))
        try:
            return era.from_parts(self._era(), int(texts["year"]), int(texts["month"]), int(texts["day"]))
        except (KioskError, ValueError) as exc:
            raise InputError(N_("This date does not exist. Please check it.")) from exc


#: FieldKind → widget class. GROUP questions are the member count (a number).
INPUT_WIDGETS: dict[FieldKind, Callable[..., AnswerInput]] = {
    FieldKind.CHOICE: ChoiceInput,
    FieldKind.YESNO: YesNoInput,
    FieldKind.TEXT: TextInput,
    FieldKind.PERSON_NAME: PersonNameInput,
    FieldKind.DATE: DateInput,
    FieldKind.POSTAL_CODE: PostalCodeInput,
    FieldKind.ADDRESS: AddressInput,
    FieldKind.PHONE: PhoneInput,
    FieldKind.NUMBER: NumberInput,
    FieldKind.GROUP: NumberInput,
}
