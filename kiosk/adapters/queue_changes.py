"""Push notice of queue changes on PostgreSQL: LISTEN on the channel the queue NOTIFYs.

Every transaction that changes the queue (kiosk.adapters.db) sends ``NOTIFY kiosk_queue``;
PostgreSQL delivers it to listeners when, and only if, that transaction commits. A board
that listens re-reads the queue within milliseconds of a call instead of polling each
second, so twenty boards and counter screens put no steady load on the server. The
notification carries no payload: listeners re-read, so nothing personal (nor anything
else) travels in it, and a lost notification costs only the next fallback poll.

``ChangeWatcher`` runs one daemon thread with its own psycopg connection (autocommit,
as LISTEN needs). It calls ``on_change`` from that thread: on every notification, after
every (re)connection (to catch up on what it missed) and once when the connection drops
(so the caller re-reads, fails and shows its paused state at once). It reconnects by
itself every ``retry_s`` seconds. Callers hop to their own thread (the board uses a Qt
queued signal). Only error codes are logged, never the database address or password.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

#: The channel every queue change is announced on.
CHANGES_CHANNEL = "kiosk_queue"
#: How long one wait for notifications lasts before the thread checks for stop().
WAIT_S = 0.5
RETRY_S = 2.0
CONNECT_TIMEOUT_S = 5


class ChangeWatcher:
    """Calls ``on_change()`` (from its own thread) whenever any terminal changes the queue."""

    def __init__(
        self,
        conninfo: str,
        on_change: Callable[[], None],
        *,
        channel: str = CHANGES_CHANNEL,
        retry_s: float = RETRY_S,
    ) -> None:
        self._conninfo = conninfo
        self._on_change = on_change
        self._channel = channel
        self._retry_s = retry_s
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="queue-changes", daemon=True)

    @property
    def listening(self) -> bool:
        """True while the connection is up and LISTEN is in force."""
        return self._listening.is_set()

    def wait_listening(self, timeout: float) -> bool:
        return self._listening.wait(timeout)

    def start(self) -> ChangeWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=WAIT_S + CONNECT_TIMEOUT_S + 1)

    def _notify(self) -> None:
        try:
            self._on_change()
        except Exception:  # a broken callback must not end the watching
            log.exception("queue change callback failed")

    def _run(self) -> None:
        was_listening = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
                ) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    self._listening.set()
                    if was_listening:
                        log.info("queue changes: listening again")
                    was_listening = True
                    self._notify()  # whatever changed while we were not listening
                    while not self._stop.is_set():
                        for _notification in conn.notifies(timeout=WAIT_S):
                            self._notify()
            except psycopg.Error as exc:
                if self._listening.is_set():
                    log.warning("queue changes: connection lost (%s); retrying", type(exc).__name__)
                    self._listening.clear()
                    self._notify()  # let the caller find out the database is gone
            self._listening.clear()
            self._stop.wait(self._retry_s)
