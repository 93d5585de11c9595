"""Offline speech with espeak-ng: call-outs and read-aloud questions where no system voice is.

Windows has Japanese and English voices that Qt's text-to-speech uses directly; Linux
often has none, and speech-dispatcher is one more service to run. espeak-ng is a small
program (``apt install espeak-ng``; an installer for Windows) with voices for every kiosk
language except Tagalog, needs no network, and writes WAV to standard output, so no
audio device or temporary file is involved here. Its Japanese voice reads kana only, so
Japanese lines are handed over as their furigana reading (kiosk.core.furigana). The
text is passed as an argument, never through a shell, and never logged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.core.furigana import FuriganaError, reading_for_speech
from kiosk.core.ports import PortError, SpeechError

#: espeak-ng voice for each kiosk language; Tagalog has none (its lines stay silent).
VOICES = {
    "ja": "ja", "ja-x-easy": "ja", "en": "en-us", "zh-Hans": "cmn", "zh-Hant": "cmn",
    "ko": "ko", "vi": "vi", "pt-BR": "pt-br", "es": "es-419", "ne": "ne", "id": "id",
}
KANA_LANGUAGES = ("ja", "ja-x-easy")
#: Words per minute: a little slower than espeak's 175, for a lobby and for elderly ears.
RATE_WPM = 150
TIMEOUT_S = 20
#: Where the Windows installer puts it when it is not on PATH.
WINDOWS_PATHS = (
    Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "eSpeak NG" / "espeak-ng.exe",
    Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "eSpeak NG" / "espeak-ng.exe",
)


def find_espeak() -> Path | None:
    """The espeak-ng program, or None when it is not installed."""
    found = shutil.which("espeak-ng")
    if found:
        return Path(found)
    if sys.platform == "win32":
        return next((path for path in WINDOWS_PATHS if path.is_file()), None)
    return None


class EspeakSynth:
    """``kiosk.core.ports.SpeechSynth`` with the espeak-ng program."""

    def __init__(self, program: Path, *, rate_wpm: int = RATE_WPM) -> None:
        self._program = program
        self._rate = rate_wpm

    @classmethod
    def find(cls) -> EspeakSynth | None:
        program = find_espeak()
        return cls(program) if program else None

    def speaks(self, language: str) -> bool:
        return language in VOICES

    def render(self, text: str, language: str) -> bytes:
        voice = VOICES.get(language)
        if voice is None:
            raise SpeechError(PortError.SPEECH_FAILED, f"espeak-ng has no voice for {language}")
        if language in KANA_LANGUAGES:
            try:
                text = reading_for_speech(text)
            except FuriganaError as exc:
                raise SpeechError(PortError.SPEECH_FAILED, f"no reading for the Japanese line: {exc.code}") from exc
        try:
            result = subprocess.run(
                [str(self._program), "-v", voice, "-s", str(self._rate), "--stdout", "--", text],
                capture_output=True, timeout=TIMEOUT_S, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechError(PortError.SPEECH_FAILED, f"espeak-ng could not run: {type(exc).__name__}") from exc
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise SpeechError(PortError.SPEECH_FAILED, f"espeak-ng failed with exit code {result.returncode}")
        return result.stdout
