"""The lobby display board: which number each counter is serving, waits, and recent calls.

``BoardWindow`` draws one ``BoardSnapshot`` at a time (``show_snapshot``) in Japanese and
English: a tile per counter in config order (number, name, the number now serving, people
waiting and the estimated wait, or "受付終了 / Closed"), a strip of the last numbers
called for people who looked away, and a clock. When a call newer than any it has seen
arrives it flashes that counter's tile and hands the call to ``announce`` (the chime and
spoken call-out live in board_controller.py, so tests can record calls instead). It only
displays: it must not read the queue, play sound itself or show anything but ticket
numbers, counters and times (never personal data). Fixed strings are English msgids
translated with the staff catalogue for the Japanese line; the English line is the msgid.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.core.i18n import N_, Translator
from kiosk.core.queue_rules import BoardSnapshot, CalledTicket, CounterBoard
from kiosk.core.ticket import spoken_number
from kiosk.ui.theme import ACCENT, INK, PAPER, WARN, ui_font

log = logging.getLogger(__name__)

TITLE = N_("Now calling")
COUNTER = N_("Counter {number}")
NOW_SERVING = N_("Now serving")
WAITING = N_("Waiting: {count}")
ABOUT_MINUTES = N_("About {minutes} min")
CLOSED = N_("Closed")
RECENTLY_CALLED = N_("Recently called")
NO_CALLS_YET = N_("No numbers called yet")
PAUSED = N_("Ticketing paused — please ask staff")
PAUSED_DETAIL = N_("The display will come back by itself.")
CALL_OUT = N_("Number {number}, please go to counter {counter}.")

#: How long a tile flashes after a call, and how fast it alternates (milliseconds).
FLASH_MS = 6000
FLASH_STEP_MS = 500

NOBODY = "—"
CLOSED_GREY = "#8a8a8a"
TILE_BG = "#ffffff"
FLASH_BG = "#ffe27a"


def bilingual(tr_ja: Translator, msgid: str, **values: object) -> tuple[str, str]:
    """The Japanese and English lines of one fixed string."""
    return tr_ja(msgid).format(**values), msgid.format(**values)


def call_out_lines(call: CalledTicket, tr_ja: Translator) -> tuple[str, str]:
    """The spoken call-out, Japanese first (most of the lobby), then English."""
    return bilingual(tr_ja, CALL_OUT, number=spoken_number(call.number), counter=call.counter_number)


#: Receives each new call and its (Japanese, English) call-out; the chime and voice.
Announce = Callable[[CalledTicket, tuple[str, str]], None]


def _call_key(call: CalledTicket) -> tuple[int, str, str]:
    return (call.called_at, call.number, call.counter_id)


class CounterTile(QFrame):
    """One counter: its number and name, the number now serving, and its queue."""

    def __init__(self, number: int, name_ja: str, name_en: str, tr_ja: Translator) -> None:
        super().__init__()
        self.setObjectName("CounterTile")
        self._tr = tr_ja
        self._flash_on = False
        self.is_open = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(6)
        counter_ja, counter_en = bilingual(tr_ja, COUNTER, number=number)
        self.counter_label = QLabel(f"{counter_ja}  <span style='font-size:22pt'>{counter_en}</span>")
        self.counter_label.setFont(ui_font(40, bold=True))
        self.name_label = QLabel(f"{name_ja}<br><span style='font-size:16pt'>{name_en}</span>")
        self.name_label.setFont(ui_font(22))
        self.name_label.setWordWrap(True)
        self.caption_label = QLabel()
        self.caption_label.setFont(ui_font(20))
        self.serving_label = QLabel(NOBODY)
        self.serving_label.setObjectName("serving")
        self.serving_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._serving_pt = 96
        self.serving_label.setFont(ui_font(self._serving_pt, bold=True))
        self.queue_label = QLabel()
        self.queue_label.setFont(ui_font(22))
        self.queue_label.setWordWrap(True)
        for label in (self.counter_label, self.name_label, self.caption_label, self.queue_label):
            label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.counter_label)
        layout.addWidget(self.name_label)
        layout.addStretch(1)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.serving_label, 3)
        layout.addStretch(1)
        layout.addWidget(self.queue_label)
        self._restyle()

    def show_counter(self, board: CounterBoard) -> None:
        self.is_open = board.is_open
        if not board.is_open:
            ja, en = bilingual(self._tr, CLOSED)
            self.caption_label.setText("")
            self.serving_label.setText(f"{ja}\n{en}")
            self._serving_pt = 48
            self.queue_label.setText("")
        else:
            ja, en = bilingual(self._tr, NOW_SERVING)
            self.caption_label.setText(f"{ja} / {en}")
            serving = board.serving or (NOBODY,)
            # Two people called at once at one counter is rare; both must fit the tile.
            self._serving_pt = 96 if len(serving) == 1 else 56
            self.serving_label.setText("\n".join(serving))
            wait_ja, wait_en = bilingual(self._tr, WAITING, count=board.waiting)
            if board.waiting:
                min_ja, min_en = bilingual(self._tr, ABOUT_MINUTES, minutes=board.estimated_wait_min)
                self.queue_label.setText(f"{wait_ja}　{min_ja}<br>"
                                         f"<span style='font-size:16pt'>{wait_en} · {min_en}</span>")
            else:
                self.queue_label.setText(f"{wait_ja}<br><span style='font-size:16pt'>{wait_en}</span>")
        self._fit_serving()
        self._restyle()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_serving()

    def _fit_serving(self) -> None:
        """Largest size up to the preferred one at which the number fits the tile's width.

        Four counters side by side on a 1920-pixel screen leave too little room for the
        preferred size, and a clipped "A-01" is worse than a smaller "A-017".
        """
        margins = self.layout().contentsMargins()
        room = self.contentsRect().width() - margins.left() - margins.right() - 8
        lines = self.serving_label.text().split("\n")
        size = self._serving_pt
        while size > 16:
            font = ui_font(size, bold=True)
            if max(QFontMetrics(font).horizontalAdvance(line) for line in lines) <= room:
                break
            size -= 2
        self.serving_label.setFont(ui_font(size, bold=True))

    def set_flash(self, on: bool) -> None:
        self._flash_on = on
        self._restyle()

    @property
    def flashing(self) -> bool:
        return self._flash_on

    def _restyle(self) -> None:
        if not self.is_open:
            background, ink, border = "#e6e6e6", CLOSED_GREY, "#c8c8c8"
        elif self._flash_on:
            background, ink, border = FLASH_BG, INK, WARN
        else:
            background, ink, border = TILE_BG, INK, ACCENT
        self.setStyleSheet(
            f"QFrame#CounterTile {{ background: {background}; border: 6px solid {border};"
            f" border-radius: 18px; }} QLabel {{ color: {ink}; background: transparent; }}"
            f" QLabel#serving {{ color: {ink if not self.is_open else ACCENT}; }}"
        )


class BoardWindow(QWidget):
    """The full-screen lobby board; ``show_snapshot`` and ``show_paused`` drive it."""

    #: A call newer than any seen before: (counter id, ticket number).
    call_flashed = Signal(str, str)

    def __init__(
        self,
        config: Config,
        tr_ja: Translator,
        announce: Announce | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.setWindowTitle("Smart Counter Kiosk — board")
        self._tr = tr_ja
        self._announce = announce
        self._seen: set[tuple[int, str, str]] = set()
        self._watermark: int | None = None  # newest called_at seen; None before the first snapshot
        self._flash_timers: dict[str, QTimer] = {}
        self._flash_ends: dict[str, int] = {}
        self.paused = False
        self.setStyleSheet(f"QWidget#KioskRoot {{ background: {PAPER}; }} QLabel {{ color: {INK}; }}")

        root = QVBoxLayout(self)
        root.setContentsMargins(32, 20, 32, 20)
        root.setSpacing(16)

        header = QHBoxLayout()
        title_ja, title_en = bilingual(tr_ja, TITLE)
        title = QLabel(f"{title_ja}  <span style='font-size:26pt'>{title_en}</span>")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setFont(ui_font(40, bold=True))
        title.setMinimumHeight(round(QFontMetrics(title.font()).height() * 1.3))  # descenders
        header.addWidget(title)
        header.addStretch(1)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.clock_label.setFont(ui_font(40, bold=True))
        header.addWidget(self.clock_label)
        root.addLayout(header)

        self.pages = QStackedWidget()
        board_page = QWidget()
        board_layout = QVBoxLayout(board_page)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.setSpacing(16)
        grid = QGridLayout()
        grid.setSpacing(20)
        self.tiles: dict[str, CounterTile] = {}
        columns = max(1, min(len(config.counters), 4))
        for index, counter in enumerate(config.counters):
            tile = CounterTile(
                counter.number,
                counter.name.get("ja") or counter.name.get("en", counter.id),
                counter.name.get("en") or counter.name.get("ja", counter.id),
                tr_ja,
            )
            self.tiles[counter.id] = tile
            grid.addWidget(tile, index // columns, index % columns)
        board_layout.addLayout(grid, 1)

        strip = QFrame()
        strip.setObjectName("RecentStrip")
        strip.setStyleSheet(f"QFrame#RecentStrip {{ background: {INK}; border-radius: 14px; }}"
                            " QLabel { color: white; background: transparent; }")
        strip_layout = QHBoxLayout(strip)
        strip_layout.setContentsMargins(24, 12, 24, 12)
        recent_ja, recent_en = bilingual(tr_ja, RECENTLY_CALLED)
        caption = QLabel(f"{recent_ja}<br><span style='font-size:16pt'>{recent_en}</span>")
        caption.setTextFormat(Qt.TextFormat.RichText)
        caption.setFont(ui_font(24, bold=True))
        strip_layout.addWidget(caption)
        self.recent_label = QLabel()
        self.recent_label.setObjectName("recent")
        self.recent_label.setTextFormat(Qt.TextFormat.RichText)
        self.recent_label.setFont(ui_font(30, bold=True))
        strip_layout.addWidget(self.recent_label, 1)
        board_layout.addWidget(strip)
        self.pages.addWidget(board_page)

        paused_page = QWidget()
        paused_layout = QVBoxLayout(paused_page)
        paused_ja, paused_en = bilingual(tr_ja, PAUSED)
        detail_ja, detail_en = bilingual(tr_ja, PAUSED_DETAIL)
        paused_layout.addStretch(1)
        # One label per line, each with room below: with the Latin fallback font the
        # offscreen/Linux metrics are too tight and clip descenders ("y", "p").
        self.paused_label = QLabel(paused_ja)
        self.paused_label.setObjectName("paused")
        lines = [(self.paused_label, 54, True), (QLabel(paused_en), 54, True),
                 (QLabel(detail_ja), 28, False), (QLabel(detail_en), 28, False)]
        for label, size, bold in lines:
            label.setFont(ui_font(size, bold=bold))
            label.setMinimumHeight(round(QFontMetrics(label.font()).height() * 1.3))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            if bold:
                label.setStyleSheet(f"color: {WARN};")
            paused_layout.addWidget(label)
        self.paused_lines = [label for label, _, _ in lines]
        paused_layout.addStretch(1)
        self.pages.addWidget(paused_page)
        root.addWidget(self.pages, 1)
        self.show_recent(())

    # ----------------------------------------------------------------- drawing

    def set_time(self, now: datetime) -> None:
        # The PC's local time: the queue's clock may answer in UTC.
        self.clock_label.setText(now.astimezone().strftime("%H:%M"))

    def show_paused(self) -> None:
        """The queue cannot be read: hide the stale numbers rather than mislead the lobby."""
        self.paused = True
        self.pages.setCurrentIndex(1)

    def show_snapshot(self, snapshot: BoardSnapshot) -> None:
        """Draw the snapshot; flash and announce each call newer than those seen before."""
        self.paused = False
        self.pages.setCurrentIndex(0)
        for board in snapshot.counters:
            tile = self.tiles.get(board.counter_id)
            if tile is not None:  # a counter added to the database but not yet to this config
                tile.show_counter(board)
        self.show_recent(snapshot.recent_calls)
        for call in reversed(self._new_calls(snapshot.recent_calls)):  # oldest first
            self._flash(call)
            if self._announce is not None:
                self._announce(call, call_out_lines(call, self._tr))

    def show_recent(self, calls: tuple[CalledTicket, ...]) -> None:
        if not calls:
            ja, en = bilingual(self._tr, NO_CALLS_YET)
            self.recent_label.setText(f"<span style='font-size:22pt'>{ja} / {en}</span>")
            return
        items = []
        for call in calls:
            counter_ja, _ = bilingual(self._tr, COUNTER, number=call.counter_number)
            items.append(f"{call.number}<span style='font-size:18pt'> → {counter_ja}</span>")
        self.recent_label.setText("&nbsp;&nbsp;&nbsp;&nbsp;".join(items))

    # ----------------------------------------------------------------- new calls

    def _new_calls(self, calls: tuple[CalledTicket, ...]) -> list[CalledTicket]:
        """Calls (newest first) not seen before; the first snapshot only sets the baseline.

        A board started in mid-morning must not chime for every call already made, and a
        call that merely slides along the strip is not new. A recall has a new called_at
        and so counts as a new call, which is what the citizen needs.
        """
        keys = [_call_key(call) for call in calls]
        if self._watermark is None:
            fresh: list[CalledTicket] = []
        else:
            fresh = [
                call for call, key in zip(calls, keys)
                if key not in self._seen and call.called_at >= self._watermark
            ]
        self._seen = set(keys)
        newest = max((call.called_at for call in calls), default=None)
        if self._watermark is None:
            self._watermark = newest if newest is not None else 0
        elif newest is not None:
            self._watermark = max(self._watermark, newest)
        return fresh

    def _flash(self, call: CalledTicket) -> None:
        tile = self.tiles.get(call.counter_id)
        if tile is None:
            return
        log.info("board: %s called to counter %s", call.number, call.counter_number)
        timer = self._flash_timers.get(call.counter_id)
        if timer is None:
            timer = QTimer(self)
            timer.setInterval(FLASH_STEP_MS)
            timer.timeout.connect(lambda cid=call.counter_id: self._flash_step(cid))
            self._flash_timers[call.counter_id] = timer
        self._flash_ends[call.counter_id] = FLASH_MS // FLASH_STEP_MS
        tile.set_flash(True)
        timer.start()
        self.call_flashed.emit(call.counter_id, call.number)

    def _flash_step(self, counter_id: str) -> None:
        tile = self.tiles[counter_id]
        left = self._flash_ends.get(counter_id, 0) - 1
        self._flash_ends[counter_id] = left
        if left <= 0:
            self._flash_timers[counter_id].stop()
            tile.set_flash(False)
        else:
            tile.set_flash(not tile.flashing)
