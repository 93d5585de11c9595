"""The Speaker says queued lines in order with the offline synthesiser; the board's call-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.adapters.speech import EspeakSynth
from kiosk.core.queue_rules import CalledTicket
from kiosk.core.ticket import spoken_number
from kiosk.ui.speech import Speaker
from kiosk.ui.staff.board_controller import CHIME_SECONDS, Announcer, ensure_chime


@pytest.fixture(scope="module")
def synth(espeak) -> EspeakSynth:
    return espeak


def test_lines_are_spoken_in_order_and_unvoiced_languages_skipped(qtbot, tmp_path: Path, synth) -> None:
    speaker = Speaker(tmp_path / "speech", synth, use_system_voices=False)
    spoken: list[tuple[str, str]] = []
    speaker.spoke.connect(lambda language, how: spoken.append((language, how)))
    with qtbot.waitSignal(speaker.idle, timeout=30000):
        speaker.say([("ja", "1番窓口へお越しください。"), ("tl", "Pumunta po kayo sa counter 1."), ("en", "Please go to counter 1.")])
    assert spoken == [("ja", "synth"), ("en", "synth")]
    cached = sorted((tmp_path / "speech").glob("*.wav"))
    assert len(cached) == 2 and all(path.read_bytes().startswith(b"RIFF") for path in cached)
    assert not list((tmp_path / "speech").glob("*.part"))


def test_stop_drops_the_queue(qtbot, tmp_path: Path, synth) -> None:
    speaker = Speaker(tmp_path / "speech", synth, use_system_voices=False)
    spoken: list[str] = []
    speaker.spoke.connect(lambda language, _how: spoken.append(language))
    speaker.say([("ja", "いち"), ("en", "two"), ("vi", "ba")])
    speaker.stop()
    qtbot.wait(500)
    assert spoken == []
    with qtbot.waitSignal(speaker.idle, timeout=30000):
        speaker.say([("en", "again")])
    assert spoken == ["en"]


def test_no_synth_and_no_system_voice_speaks_nothing(qtbot, tmp_path: Path) -> None:
    speaker = Speaker(tmp_path / "speech", None, use_system_voices=False)
    assert not speaker.can_speak("ja")
    speaker.say([("ja", "いち")])  # logged once, never raises


class RecordingSpeaker:
    def __init__(self) -> None:
        self.said: list[list[tuple[str, str]]] = []

    def can_speak(self, language: str) -> bool:
        return True

    def say(self, lines: list[tuple[str, str]]) -> None:
        self.said.append(lines)


def test_announcer_speaks_both_lines_after_the_chime(qtbot, tmp_path: Path) -> None:
    speaker = RecordingSpeaker()
    announcer = Announcer(ensure_chime(tmp_path), speaker)  # type: ignore[arg-type]
    call = CalledTicket("A-017", "residents", 1, 0, ("tennyu",), "ja", 0)
    announcer(call, ("受付番号 A 17 番のかた、1番窓口へお越しください。", "Number A 17, please go to counter 1."))
    assert speaker.said == []  # the chime first
    qtbot.waitUntil(lambda: bool(speaker.said), timeout=int(CHIME_SECONDS * 1000) + 3000)
    assert speaker.said == [[("ja", "受付番号 A 17 番のかた、1番窓口へお越しください。"),
                             ("en", "Number A 17, please go to counter 1.")]]


@pytest.mark.parametrize(("number", "spoken"), [("A-017", "A 17"), ("B-100", "B 100"), ("A-000", "A 0"), ("odd", "odd")])
def test_ticket_numbers_are_said_as_people_say_them(number: str, spoken: str) -> None:
    assert spoken_number(number) == spoken
