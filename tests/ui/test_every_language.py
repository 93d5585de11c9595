"""The moving-in visit walked by touch in every kiosk language at 200 % text.

On a 1920 × 1080 kiosk screen, every screen of the visit is checked for text a citizen
cannot read whole (tests/ui/clipping.py: a label or button too small for its text, or a
widget pushed off the window) and for buttons a screen reader could not name, and one screenshot of each kind of screen is written to
test-artifacts/screens/<language>-200/ for people to look at (scripts/test.sh keeps the
folder). The walk ends with the ticket, so the slip screen is checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ALL_LANGUAGES
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.clipping import clipped_texts, unnamed_controls
from tests.ui.kiosk_driver import start_visit

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screens"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_moving_in_at_200_percent_text_clips_nothing(make_kiosk, qtbot, language: str) -> None:
    _config, controller, window = make_kiosk()
    window.setFixedSize(1920, 1080)
    while controller.state.appearance.text_scale != 200:
        qtbot.mouseClick(window.text_size_button, qtbot_left())
    folder = SHOTS / f"{language}-200"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    problems: list[str] = []
    shot_kinds: set[str] = set()

    def look(name: str, kind: str) -> None:
        qtbot.wait(1)  # let layouts settle, as a paint would
        problems.extend(f"{name}: {problem}" for problem in clipped_texts(window))
        problems.extend(f"{name}: no accessible name for {control}" for control in unnamed_controls(window))
        if kind not in shot_kinds:
            shot_kinds.add(kind)
            window.grab().save(str(folder / f"{len(shot_kinds):02d}-{name}.png"))

    look("attract", "attract")
    driver = start_visit(qtbot, window, language)
    steps = 0
    while driver.current_screen() == "QuestionScreen":
        assert steps < 200, "the visit does not end"
        question = window.question.input.question
        look(question.path, question.field.kind.value + ("-member" if question.member is not None else ""))
        driver.answer_current(ANSWERS)
        steps += 1
    assert driver.current_screen() == "ReviewScreen", driver.current_screen()
    look("review", "review")
    with qtbot.waitSignal(controller.print_finished, timeout=30000):
        driver.tap_named("confirm")
    look("ticket", "ticket")
    assert controller.state.appearance.text_scale == 200  # kept through the whole visit
    assert not problems, "\n".join(problems)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
