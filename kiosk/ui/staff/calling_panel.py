"""Calling citizens at my counter: the staff console's side of the queue.

Staff pick their counter once, open it, and then call the next citizen, recall, mark a
no-show, put someone back (skip), finish, or pass the ticket on to the next counter of its
route — where the citizen keeps their original place. The panel shows who is called here
and how many wait. It talks to the queue service only (numbers, counters, times): never
anything personal. Every refusal or outage becomes a Japanese message, never a crash.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout

from kiosk.config import Counter
from kiosk.core.errors import KioskError
from kiosk.core.i18n import N_, Translator
from kiosk.ui.theme import ui_font

log = logging.getLogger(__name__)

PANEL = N_("Calling")
MY_COUNTER = N_("My counter")
CALLED_HERE = N_("Called here: {number}")
NOBODY_CALLED = N_("Nobody is called here.")
WAITING_HERE = N_("Waiting here: {count} (about {minutes} min)")
NOBODY_WAITING = N_("Nobody is waiting for this counter.")
CLOSED_NOW = N_("This counter is closed.")
REFUSED = N_("Not possible: {reason}")
QUEUE_DOWN = N_("The ticket database cannot be reached. Please try again in a moment.")


class CallingPanel(QGroupBox):
    """``queue`` has the staff operations of kiosk.adapters.db.SqlQueueService."""

    message = Signal(str, bool)  # text, is_error

    ACTIONS = (
        ("call", N_("Call next")),
        ("recall", N_("Call again")),
        ("serve", N_("Done")),
        ("pass", N_("Pass on to next counter")),
        ("skip", N_("Later (back in line)")),
        ("no-show", N_("No-show")),
        ("open", N_("Open counter")),
        ("close", N_("Close counter")),
    )

    def __init__(self, queue: Any, counters: Sequence[Counter], tr: Translator) -> None:
        super().__init__(tr.gettext(PANEL))
        self.setObjectName("calling-panel")
        self._queue, self._tr = queue, tr
        self._called: dict[str, str] = {}  # counter id → ticket number called there
        layout = QVBoxLayout(self)
        self.counter = QComboBox()
        self.counter.setObjectName("calling-counter")
        for counter in counters:
            self.counter.addItem(f"{counter.number} {tr.text(counter.name)}", counter.id)
        self.counter.currentIndexChanged.connect(lambda _: self.refresh())
        self.called = QLabel()
        self.called.setObjectName("calling-called")
        self.called.setFont(ui_font(20, bold=True))
        self.waiting = QLabel()
        self.waiting.setObjectName("calling-waiting")
        label = QLabel(tr.gettext(MY_COUNTER))
        layout.addWidget(label)
        layout.addWidget(self.counter)
        layout.addWidget(self.called)
        layout.addWidget(self.waiting)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        handlers: dict[str, Callable[[], None]] = {
            "call": self.call_next, "recall": self.recall, "serve": self.serve, "pass": self.pass_on,
            "skip": self.skip, "no-show": self.no_show, "open": self.open_counter, "close": self.close_counter,
        }
        for index, (name, msgid) in enumerate(self.ACTIONS):
            button = QPushButton(tr.gettext(msgid))
            button.setObjectName(f"calling-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scanner's Enter must not press it
            button.clicked.connect(handlers[name])
            self.buttons[name] = button
            grid.addWidget(button, index // 2, index % 2)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.refresh()

    # -- state ----------------------------------------------------------------------
    def counter_id(self) -> str:
        return str(self.counter.currentData())

    def called_number(self) -> str | None:
        return self._called.get(self.counter_id())

    def refresh(self) -> None:
        number = self.called_number()
        self.called.setText(
            self._tr.gettext(CALLED_HERE).format(number=number) if number else self._tr.gettext(NOBODY_CALLED)
        )
        try:
            snapshot = self._queue.board_snapshot(recent=0)
        except KioskError as exc:
            self.waiting.setText(self._tr.gettext(QUEUE_DOWN))
            log.warning("board snapshot failed: %s", exc.code.value)
            return
        board = next((c for c in snapshot.counters if c.counter_id == self.counter_id()), None)
        if board is None:
            self.waiting.setText("")
        elif not board.is_open:
            self.waiting.setText(self._tr.gettext(CLOSED_NOW))
        elif board.waiting:
            self.waiting.setText(self._tr.gettext(WAITING_HERE).format(
                count=board.waiting, minutes=board.estimated_wait_min))
        else:
            self.waiting.setText(self._tr.gettext(NOBODY_WAITING))
        has_call = number is not None
        for name in ("recall", "serve", "pass", "skip", "no-show"):
            self.buttons[name].setEnabled(has_call)

    def _do(self, action: Callable[[], Any], forget_call: bool = False) -> tuple[bool, Any]:
        """Run one queue operation; (False, None) after showing why it was refused."""
        try:
            result = action()
        except KioskError as exc:
            text = self._tr.gettext(QUEUE_DOWN) if exc.code.value == "QUEUE_001" else \
                self._tr.gettext(REFUSED).format(reason=exc.code.value)
            self.message.emit(f"{text} [{exc.code.value}]", True)
            self.refresh()
            return False, None
        if forget_call:
            self._called.pop(self.counter_id(), None)
        self.refresh()
        return True, result

    # -- actions --------------------------------------------------------------------
    def call_next(self) -> None:
        ok, called = self._do(lambda: self._queue.call_next(self.counter_id()))
        if called is not None:
            self._called[self.counter_id()] = called.number
            self.refresh()
        elif ok:
            self.message.emit(self._tr.gettext(NOBODY_WAITING), False)

    def recall(self) -> None:
        if (number := self.called_number()) is not None:
            self._do(lambda: self._queue.recall(number, self.counter_id()))

    def serve(self) -> None:
        if (number := self.called_number()) is not None:
            self._do(lambda: self._queue.serve(number, self.counter_id()), forget_call=True)

    def pass_on(self) -> None:
        if (number := self.called_number()) is not None:
            self._do(lambda: self._queue.pass_on(number, self.counter_id()), forget_call=True)

    def skip(self) -> None:
        if (number := self.called_number()) is not None:
            self._do(lambda: self._queue.skip(number, self.counter_id()), forget_call=True)

    def no_show(self) -> None:
        if (number := self.called_number()) is not None:
            self._do(lambda: self._queue.no_show(number, self.counter_id()), forget_call=True)

    def open_counter(self) -> None:
        self._do(lambda: self._queue.open_counter(self.counter_id()))

    def close_counter(self) -> None:
        self._do(lambda: self._queue.close_counter(self.counter_id()))
