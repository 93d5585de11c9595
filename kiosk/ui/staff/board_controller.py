"""Keeps the lobby board current, and makes the chime and spoken call-out for each call.

``BoardController`` keeps the board current two ways. On PostgreSQL the queue pushes:
every change is NOTIFYed and the queue's ``watch_changes`` calls back from a listener
thread, which a queued Qt signal carries to the UI thread; bursts coalesce into one
re-read, and a slow fallback poll (every FALLBACK_POLLS ticks) covers anything missed.
On SQLite, which cannot push, it re-reads once a second on the UI thread: one snapshot
of a busy day (200 tickets) takes ~7 ms (median; worst seen ~20 ms), too short to notice
on a display nobody touches. The clock ticks every second either way. When the queue
cannot be read (QueueUnavailableError) the board shows its paused state, re-reads every
second until it can, and recovers by itself without replaying old call-outs.
``Announcer`` plays a two-tone chime (a WAV synthesised once with the
``wave`` module into the data folder) and then speaks the call-out with QTextToSpeech when
the platform has a speech engine; without one it stays silent and logs that once. Nothing
here may block the UI, and the log holds ticket numbers and counters only.
"""

from __future__ import annotations

import logging
import math
import struct
import sys
import wave
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

from kiosk.config import Config
from kiosk.core.i18n import STAFF_DOMAIN, load_translator
from kiosk.core.ports import QueueUnavailableError, SpeechSynth
from kiosk.core.queue_rules import BoardSnapshot, CalledTicket
from kiosk.paths import locales_dir
from kiosk.ui.speech import Speaker
from kiosk.ui.staff.board_window import Announce, BoardWindow
from kiosk.ui.theme import load_fonts

log = logging.getLogger(__name__)

POLL_MS = 1000
#: With push notifications, re-read anyway every this many ticks (a safety net only).
FALLBACK_POLLS = 10
#: Changes arriving within this many ms are drawn as one re-read.
COALESCE_MS = 30
RECENT_CALLS = 10

CHIME_RATE = 22050
#: "Ding-dong": E5 then C5, each ringing out, as lobby chimes commonly do.
CHIME_NOTES = ((659.25, 0.0), (523.25, 0.55))
CHIME_SECONDS = 1.6
CHIME_FILE = "board-chime.wav"


class BoardQueue(Protocol):
    def board_snapshot(self, recent: int = ...) -> BoardSnapshot: ...

    # Optional: ``watch_changes(on_change) -> stop | None`` when the backend can push.


class Clock(Protocol):
    def now(self) -> datetime: ...


# --------------------------------------------------------------------------- polling


class BoardController(QObject):
    """Draws each snapshot (or the paused state) on the board: pushed or polled."""

    #: Emitted from the listener thread; connected queued, so the slot runs on the UI thread.
    changed = Signal()

    def __init__(
        self,
        queue: BoardQueue,
        window: BoardWindow,
        clock: Clock,
        *,
        interval_ms: int = POLL_MS,
        recent: int = RECENT_CALLS,
        fallback_polls: int = FALLBACK_POLLS,
    ) -> None:
        super().__init__(window)
        self._queue = queue
        self._window = window
        self._clock = clock
        self._recent = recent
        self._fallback_polls = fallback_polls
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(COALESCE_MS)
        self._soon.timeout.connect(self.poll)
        self.changed.connect(self._soon.start, Qt.ConnectionType.QueuedConnection)
        self._stop_watching: Callable[[], None] | None = None
        self._ticks_since_read = 0
        self._paused = False
        self._unavailable_logged = False

    @property
    def pushed(self) -> bool:
        """True when the queue pushes its changes (PostgreSQL), False when the board polls."""
        return self._stop_watching is not None

    def start(self) -> None:
        watch = getattr(self._queue, "watch_changes", None)
        if watch is not None:
            self._stop_watching = watch(self.changed.emit)
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._soon.stop()
        if self._stop_watching is not None:
            self._stop_watching()
            self._stop_watching = None

    def tick(self) -> None:
        """Once a second: the clock, and a re-read unless changes are pushed to us."""
        self._window.set_time(self._clock.now())
        self._ticks_since_read += 1
        if not self.pushed or self._paused or self._ticks_since_read >= self._fallback_polls:
            self.poll()

    def poll(self) -> None:
        """Re-read the queue now and draw it (or the paused state)."""
        self._window.set_time(self._clock.now())
        self._ticks_since_read = 0
        try:
            snapshot = self._queue.board_snapshot(self._recent)
        except QueueUnavailableError as exc:
            if not self._unavailable_logged:  # once per outage, not once a second
                log.warning("board paused: %s", exc.code)
                self._unavailable_logged = True
            self._paused = True
            self._window.show_paused()
            return
        if self._unavailable_logged:
            log.info("board resumed")
            self._unavailable_logged = False
        self._paused = False
        self._window.show_snapshot(snapshot)


# --------------------------------------------------------------------------- sound


def chime_samples(rate: int = CHIME_RATE) -> bytes:
    """16-bit mono PCM of the chime: decaying sine notes with a short attack (no click)."""
    frames = int(CHIME_SECONDS * rate)
    out = bytearray()
    for index in range(frames):
        t = index / rate
        value = 0.0
        for frequency, start in CHIME_NOTES:
            local = t - start
            if local < 0:
                continue
            attack = min(1.0, local / 0.01)
            # A little of the octave above makes it sound like a bell rather than a beep.
            tone = math.sin(2 * math.pi * frequency * local) + 0.3 * math.sin(4 * math.pi * frequency * local)
            value += 0.35 * attack * math.exp(-3.2 * local) * tone
        fade = min(1.0, (frames - index) / (0.05 * rate))  # end at silence
        out += struct.pack("<h", int(max(-1.0, min(1.0, value * fade)) * 32767))
    return bytes(out)


def ensure_chime(data_dir: Path) -> Path:
    """The chime WAV in ``data_dir/sounds``, synthesised once (then reused)."""
    path = data_dir / "sounds" / CHIME_FILE
    if path.exists() and path.stat().st_size > 44:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    with wave.open(str(partial), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(CHIME_RATE)
        handle.writeframes(chime_samples())
    partial.replace(path)  # a board killed mid-write never leaves a broken chime
    return path


class Announcer(QObject):
    """Chime, then the call-out in Japanese and English; all asynchronous, never blocking."""

    def __init__(self, chime_path: Path, speaker: Speaker | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect: Any = None
        self._speaker = speaker
        self._chime_ms = int(CHIME_SECONDS * 1000)
        try:
            from PySide6.QtMultimedia import QSoundEffect

            self._effect = QSoundEffect(self)
            self._effect.setSource(QUrl.fromLocalFile(str(chime_path)))
            self._effect.setVolume(0.8)
        except ImportError:  # Qt Multimedia missing its system libraries (e.g. libpulse)
            log.warning("board: no Qt Multimedia, the chime is off")
        if speaker is None or not (speaker.can_speak("ja") or speaker.can_speak("en")):
            log.warning("board: no offline voice on this PC (install espeak-ng), call-outs are not spoken")

    def __call__(self, call: CalledTicket, lines: tuple[str, str]) -> None:
        if self._effect is not None:
            self._effect.play()
        if self._speaker is not None:
            # After the chime has rung, so the two do not talk over each other.
            spoken = [("ja", lines[0]), ("en", lines[1])]
            QTimer.singleShot(self._chime_ms, lambda: self._speaker.say(spoken))


# --------------------------------------------------------------------------- start-up


def build_board(
    config: Config,
    queue: BoardQueue,
    clock: Clock,
    announce: Announce | None = None,
) -> tuple[BoardController, BoardWindow]:
    """The board window and its polling controller, wired; the caller starts and shows them."""
    load_fonts()
    tr_ja = load_translator(locales_dir(), "ja", STAFF_DOMAIN)
    window = BoardWindow(config, tr_ja, announce)
    return BoardController(queue, window, clock), window


def run_board_app(
    config: Config,
    queue: BoardQueue,
    clock: Clock,
    *,
    windowed: bool = False,
    synth: SpeechSynth | None = None,
) -> int:
    """Run the board full screen (or in a window) until it is closed."""
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.presentation import present

    app = QApplication.instance() or QApplication(sys.argv[:1])
    config.data_dir.mkdir(parents=True, exist_ok=True)
    speaker = Speaker(config.data_dir / "sounds" / "speech", synth)
    announcer = Announcer(ensure_chime(config.data_dir), speaker)
    speaker.setParent(announcer)
    controller, window = build_board(config, queue, clock, announcer)
    announcer.setParent(window)
    present(window, windowed=windowed, windowed_size=(1600, 900))
    controller.start()
    return app.exec()
