"""Every button a citizen can tap is at least 15 mm on each side (PRODUCT.md: touch first)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import start_visit

MIN_MM = 15.0


def too_small(window) -> list[str]:
    dpi = QGuiApplication.primaryScreen().physicalDotsPerInch()
    minimum = MIN_MM / 25.4 * dpi - 0.5
    return [
        f"{b.objectName() or b.text()!r} {b.width()}x{b.height()} px"
        for b in window.findChildren(QPushButton)
        if b.isVisible() and (b.width() < minimum or b.height() < minimum)
    ]


def test_touch_targets_are_at_least_15_mm_on_every_screen(make_kiosk, qtbot) -> None:
    """Language, life event, every question (with its keyboard) and the review: no tap target under 15 mm."""
    config, controller, window = make_kiosk()
    driver = start_visit(qtbot, window, "en")
    problems: dict[str, list[str]] = {}
    seen_kinds: set[str] = set()
    while driver.current_screen() == "QuestionScreen":
        question = window.question.input.question
        if question.field.kind.value not in seen_kinds:
            seen_kinds.add(question.field.kind.value)
            for mode in ("katakana", "hiragana", "latin", "digits"):
                button = window.question.keyboard.findChild(QPushButton, f"mode-{mode}")
                if button is not None and button.isVisible():
                    driver.tap(button)
                    if bad := too_small(window):
                        problems[f"{question.path} ({mode} pad)"] = bad
            if bad := too_small(window):
                problems[question.path] = bad
        driver.answer_current(ANSWERS)
    if bad := too_small(window):
        problems["review"] = bad
    assert not problems, problems
    assert {"choice", "yesno", "date", "person_name", "address", "number"} <= seen_kinds
