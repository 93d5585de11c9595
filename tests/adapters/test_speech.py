"""espeak-ng as the offline voice: real WAVs, Japanese spoken from its furigana."""

from __future__ import annotations

import io
import wave
from array import array
from pathlib import Path

import pytest

from kiosk.adapters.speech import VOICES, EspeakSynth, find_espeak
from kiosk.core.ports import PortError, SpeechError


@pytest.fixture(scope="module")
def synth(espeak) -> EspeakSynth:
    return espeak


def audio(wav: bytes) -> tuple[float, int]:
    """Duration in seconds and peak amplitude of a 16-bit mono WAV."""
    with wave.open(io.BytesIO(wav)) as handle:
        assert handle.getsampwidth() == 2 and handle.getnchannels() == 1
        frames = handle.readframes(handle.getnframes())
        samples = array("h", frames)
        return handle.getnframes() / handle.getframerate(), max(map(abs, samples), default=0)


@pytest.mark.parametrize(("language", "line"), [
    ("ja", "受付番号 A 17 番のかた、1番窓口へお越しください。"),
    ("en", "Number A 17, please go to counter 1."),
    ("vi", "Bạn đã chuyển đến từ đâu?"),
    ("ne", "तपाईं कहाँबाट सर्नुभयो?"),
])
def test_renders_audible_speech(synth: EspeakSynth, language: str, line: str) -> None:
    seconds, peak = audio(synth.render(line, language))
    assert seconds > 1.0
    assert peak > 1000  # not silence


def test_japanese_is_spoken_from_its_reading(synth: EspeakSynth) -> None:
    """Kanji reach espeak-ng as kana: the same audio as the hiragana line itself."""
    assert synth.render("受付番号", "ja") == synth.render("うけつけばんごう", "ja")
    assert synth.render("国民健康保険", "ja-x-easy") == synth.render("こくみんけんこうほけん", "ja")


def test_a_language_without_a_voice_is_refused_with_a_code(synth: EspeakSynth) -> None:
    assert not synth.speaks("tl") and "tl" not in VOICES
    with pytest.raises(SpeechError) as caught:
        synth.render("Saan kayo lumipat?", "tl")
    assert caught.value.code is PortError.SPEECH_FAILED


def test_a_broken_program_is_a_speech_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as caught:
        EspeakSynth(tmp_path / "no-such-espeak").render("Number A 1", "en")
    assert caught.value.code is PortError.SPEECH_FAILED


def test_text_is_an_argument_not_a_shell_command(synth: EspeakSynth, tmp_path: Path) -> None:
    """Quotes and shell characters are spoken (or skipped), never run."""
    marker = tmp_path / "injected"
    synth.render(f"hello'; touch {marker}; echo \"$(touch {marker})\" '", "en")
    assert not marker.exists()


def test_find_espeak_agrees_with_the_fixture(synth: EspeakSynth) -> None:
    assert find_espeak() is not None
