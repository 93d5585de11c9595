"""Speaking lines aloud, offline: the board's call-outs and the kiosk's voice guidance.

``Speaker`` queues (language, text) lines and says them one after another. A line goes
to the platform's own voice through QtTextToSpeech when it has one for that language
(Windows ships Japanese and English voices); otherwise to the injected ``SpeechSynth``
(espeak-ng, kiosk.adapters.speech), rendered on a worker thread into a WAV in the data
folder's speech cache and played with QSoundEffect. A language nobody can voice is
skipped, logged once. Lines hold no personal data (ticket numbers, counters, questions),
so caching them on disk is safe; the cache is keyed by a hash of voice and text.

``spoke`` is emitted as each line starts, with the language and how it was voiced
("system", "synth"), which is how tests and the log see what was said.
"""

from __future__ import annotations

import hashlib
import shutil
import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QLocale,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)

from kiosk.core.ports import SpeechError, SpeechSynth

log = logging.getLogger(__name__)

#: QLocale for each kiosk language, to find a system voice.
LOCALES = {
    "ja": QLocale(QLocale.Language.Japanese, QLocale.Country.Japan),
    "ja-x-easy": QLocale(QLocale.Language.Japanese, QLocale.Country.Japan),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
    "zh-Hans": QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript, QLocale.Country.China),
    "zh-Hant": QLocale(QLocale.Language.Chinese, QLocale.Script.TraditionalChineseScript, QLocale.Country.Taiwan),
    "ko": QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea),
    "vi": QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam),
    "tl": QLocale(QLocale.Language.Filipino, QLocale.Country.Philippines),
    "pt-BR": QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil),
    "es": QLocale(QLocale.Language.Spanish, QLocale.Country.LatinAmerica),
    "ne": QLocale(QLocale.Language.Nepali, QLocale.Country.Nepal),
    "id": QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia),
}
#: How long a synthesised line may take to start playing before it is given up.
START_TIMEOUT_MS = 1500
#: Qt engines that speak nothing a citizen could hear (Qt's test engine).
SILENT_ENGINES = ("mock",)
#: speech-dispatcher on Linux usually drives espeak-ng, which cannot read kanji: the
#: Japanese lines go to our own synthesiser (which speaks their furigana) instead.
KANA_ONLY_ENGINES = ("speechd",)


class _Render(QRunnable):
    """Renders one line to its cache file on the thread pool."""

    def __init__(self, synth: SpeechSynth, text: str, language: str, path: Path, done: Callable[[str, str], None]) -> None:
        super().__init__()
        self._synth, self._text, self._language, self._path, self._done = synth, text, language, path, done

    def run(self) -> None:
        error = ""
        try:
            if not self._path.is_file():
                wav = self._synth.render(self._text, self._language)
                self._path.parent.mkdir(parents=True, exist_ok=True)
                partial = self._path.with_suffix(".part")
                partial.write_bytes(wav)
                partial.replace(self._path)
        except (SpeechError, OSError) as exc:
            error = getattr(exc, "code", type(exc).__name__)
        self._done(str(self._path), error)


class Speaker(QObject):
    """Says queued lines one at a time with the best offline voice each language has."""

    spoke = Signal(str, str)  # language, "system" or "synth"
    idle = Signal()
    _rendered = Signal(int, str, str)  # line, path, error code ("" when fine); from the pool

    def __init__(
        self,
        cache_dir: Path,
        synth: SpeechSynth | None = None,
        parent: QObject | None = None,
        *,
        use_system_voices: bool = True,
    ) -> None:
        super().__init__(parent)
        self._cache = cache_dir
        self._synth = synth
        self._queue: deque[tuple[str, str]] = deque()
        self._busy = False
        self._line = 0
        self._started = False
        self._language = ""
        self._unvoiced_logged: set[str] = set()
        self._system: dict[str, Any] = {}
        self._engine = ""
        self._effect: Any = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._rendered.connect(self._play_rendered)
        self._use_system_voices = use_system_voices
        self._ready = False

    def _ensure_ready(self) -> None:
        """Load the voices and the audio output on first use, not at start-up: most
        citizens never turn read-aloud on, and Qt Multimedia costs the kiosk's start."""
        if self._ready:
            return
        self._ready = True
        if self._use_system_voices:
            self._init_system_voices()
        try:
            from PySide6.QtMultimedia import QSoundEffect

            self._effect = QSoundEffect(self)
            self._effect.setVolume(1.0)
            self._effect.playingChanged.connect(self._effect_changed)
        except ImportError:  # Qt Multimedia missing its system libraries (e.g. libpulse)
            log.warning("speech: no Qt Multimedia, synthesised lines are not played")

    # ------------------------------------------------------------------ voices

    def _init_system_voices(self) -> None:
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return
        engines = [
            name for name in QTextToSpeech.availableEngines()
            if name not in SILENT_ENGINES
            # Qt ships the speech-dispatcher plug-in everywhere; without the service it only
            # logs a critical error on every start, so it is tried only where it is installed.
            and not (name == "speechd" and shutil.which("speech-dispatcher") is None)
        ]
        if not engines:
            return
        self._engine = engines[0]
        probe = QTextToSpeech(self._engine, self)
        if probe.state() == QTextToSpeech.State.Error:
            log.info("speech: system engine %s is not running", self._engine)
            probe.deleteLater()
            return
        available = {(locale.language(), locale.territory()) for locale in probe.availableLocales()}
        languages = {language for language, _ in available}
        probe.deleteLater()
        for language, locale in LOCALES.items():
            if locale.language() not in languages:
                continue
            if self._engine in KANA_ONLY_ENGINES and language in ("ja", "ja-x-easy"):
                continue
            speech = QTextToSpeech(self._engine, self)
            speech.setLocale(locale)
            speech.stateChanged.connect(self._system_changed)
            self._system[language] = speech

    def can_speak(self, language: str) -> bool:
        self._ensure_ready()
        return language in self._system or (
            self._synth is not None and self._effect is not None and self._synth.speaks(language)
        )

    # ------------------------------------------------------------------ speaking

    def say(self, lines: list[tuple[str, str]]) -> None:
        """Queue (language, text) lines; they are spoken in order after what is queued."""
        self._ensure_ready()
        for language, text in lines:
            if not text.strip():
                continue
            if not self.can_speak(language):
                if language not in self._unvoiced_logged:
                    log.info("speech: no offline voice for %s; its lines are shown, not spoken", language)
                    self._unvoiced_logged.add(language)
                continue
            self._queue.append((language, text))
        if not self._busy:
            self._next()

    def stop(self) -> None:
        """Drop what is queued and stop the line being spoken (a new screen, a reset)."""
        self._queue.clear()
        for speech in self._system.values():
            speech.stop()
        if self._effect is not None:
            self._effect.stop()
        self._busy = False
        self._line += 1

    def _next(self) -> None:
        self._line += 1  # callbacks about an earlier line are ignored from here on
        self._started = False
        if not self._queue:
            if self._busy:
                self._busy = False
                self.idle.emit()
            return
        self._busy = True
        language, text = self._queue.popleft()
        self._language = language
        if language in self._system:
            self.spoke.emit(language, "system")
            self._system[language].say(text)
            return
        assert self._synth is not None
        key = hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:32]
        line = self._line
        self._pool.start(
            _Render(self._synth, text, language, self._cache / f"{key}.wav", lambda path, error: self._rendered.emit(line, path, error))
        )

    def _play_rendered(self, line: int, path: str, error: str) -> None:
        if line != self._line:
            return  # stopped or moved on while it rendered
        if error or self._effect is None:
            log.warning("speech: a line could not be synthesised (%s)", error or "no audio output")
            self._next()
            return
        self.spoke.emit(self._language, "synth")
        self._effect.setSource(QUrl.fromLocalFile(path))
        self._effect.play()
        # No audio device (a server room, CI): QSoundEffect may never start; do not stall.
        QTimer.singleShot(START_TIMEOUT_MS, lambda: self._check_started(line))

    def _check_started(self, line: int) -> None:
        if line == self._line and not self._started:
            log.info("speech: the sound did not start (no audio output?)")
            self._next()

    def _effect_changed(self) -> None:
        if self._effect is None or not self._busy:
            return
        if self._effect.isPlaying():
            self._started = True
        elif self._started:
            self._next()

    def _system_changed(self, state: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error) and self._busy:
            self._next()
