"""Read aloud: each new screen's question is spoken in the citizen's language, offline."""

from __future__ import annotations

import pytest

from kiosk.ui.speech import Speaker
from kiosk.ui.voice_guide import VoiceGuide
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import start_visit


class RecordingVoice:
    def __init__(self) -> None:
        self.said: list[list[tuple[str, str]]] = []
        self.stops = 0

    def say(self, lines: list[tuple[str, str]]) -> None:
        self.said.append(lines)

    def stop(self) -> None:
        self.stops += 1


@pytest.fixture
def guided(make_kiosk, qtbot):
    _config, controller, window = make_kiosk()
    voice = RecordingVoice()
    guide = VoiceGuide(voice)
    controller.frame_changed.connect(guide.show_frame)
    window.test_guide = guide  # a slot's object must outlive the fixture
    return controller, window, voice


def test_silent_until_the_citizen_turns_it_on(guided, qtbot) -> None:
    controller, window, voice = guided
    start_visit(qtbot, window, "en")
    assert voice.said == []
    qtbot.mouseClick(window.read_aloud_button, _left())
    assert voice.said[-1][0] == ("en", "Where did you move from?")
    assert ("en", "From abroad") in voice.said[-1]  # the answers to choose from


def test_each_new_question_once_in_the_chosen_language_never_the_answers(guided, qtbot) -> None:
    controller, window, voice = guided
    driver = start_visit(qtbot, window, "vi")
    qtbot.mouseClick(window.read_aloud_button, _left())
    first = len(voice.said)
    driver.answer_current(ANSWERS)  # moved_from
    assert len(voice.said) == first + 1
    assert all(language == "vi" for language, _ in voice.said[-1])
    controller.refresh()  # the same screen redrawn: not read again
    assert len(voice.said) == first + 1
    for _ in range(12):  # on into the form questions, where answers are typed
        driver.answer_current(ANSWERS)
    spoken = " ".join(line for lines in voice.said for _, line in lines)
    for typed in ("1-2-3", "Yamada", "山田", "太郎"):
        assert typed not in spoken


def test_turning_it_off_stops_speaking(guided, qtbot) -> None:
    controller, window, voice = guided
    driver = start_visit(qtbot, window, "ja")
    qtbot.mouseClick(window.read_aloud_button, _left())
    stops = voice.stops
    qtbot.mouseClick(window.read_aloud_button, _left())
    assert voice.stops == stops + 1
    said = len(voice.said)
    driver.answer_current(ANSWERS)
    assert len(voice.said) == said


def test_easy_japanese_is_really_spoken_offline(make_kiosk, qtbot, tmp_path, espeak) -> None:
    """With espeak-ng, the やさしい日本語 question becomes audio (from its furigana)."""
    synth = espeak
    _config, controller, window = make_kiosk()
    speaker = Speaker(tmp_path / "speech", synth, use_system_voices=False)
    guide = VoiceGuide(speaker)
    controller.frame_changed.connect(guide.show_frame)
    spoken: list[str] = []
    speaker.spoke.connect(lambda language, how: spoken.append(f"{language}/{how}"))
    start_visit(qtbot, window, "ja-x-easy")
    with qtbot.waitSignal(speaker.idle, timeout=60000):
        qtbot.mouseClick(window.read_aloud_button, _left())
    assert spoken and set(spoken) == {"ja-x-easy/synth"}
    assert len(list((tmp_path / "speech").glob("*.wav"))) == len(spoken)


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
