"""The board on PostgreSQL: pushed (LISTEN/NOTIFY), not polled, and paused when the server goes."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone

import pytest

from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.config import load_config
from kiosk.core.ticket import RouteStop
from kiosk.ui.staff.board_controller import BoardController, build_board

pytestmark = pytest.mark.postgres

NEVER_MS = 3_600_000  # the board's own timer never fires within a test


class WallClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


def server(action: str) -> None:
    subprocess.run(os.environ[f"KIOSK_TEST_POSTGRES_{action}"], shell=True, check=True, capture_output=True, timeout=60)


@pytest.fixture
def pushed_board(qtbot, postgres_url, tmp_path):
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    sync_site(engine, config)
    board_queue = SqlQueueService(engine, config, WallClock())
    announced: list[str] = []
    _, window = build_board(config, board_queue, WallClock(), lambda call, lines: announced.append(call.number))
    controller = BoardController(board_queue, window, WallClock(), interval_ms=NEVER_MS)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    controller.start()
    # A counter PC elsewhere on the LAN: its own engine, its own connections.
    staff = SqlQueueService(make_engine(postgres_url), config, WallClock())
    numbers = {counter.id: counter.number for counter in config.counters}
    yield controller, window, staff, numbers, announced
    controller.stop()
    engine.dispose()


def test_a_call_elsewhere_reaches_the_board_without_polling(pushed_board, qtbot) -> None:
    """With its timer never firing, the board still shows a call made on another PC."""
    controller, window, staff, numbers, announced = pushed_board
    assert controller.pushed
    staff.issue_ticket("moving", [RouteStop("residents", numbers["residents"], ("tennyu",))], "ja")
    qtbot.waitUntil(lambda: "1" in window.tiles["residents"].queue_label.text(), timeout=5000)
    called = staff.call_next("residents")
    assert called is not None
    qtbot.waitUntil(lambda: window.tiles["residents"].serving_label.text() == called.number, timeout=5000)
    assert announced == [called.number]


def test_the_board_pauses_when_the_server_stops_and_recovers(pushed_board, qtbot) -> None:
    """The listener's lost connection pauses the board at once; it comes back by itself."""
    controller, window, staff, numbers, announced = pushed_board
    timer_ms = controller.timer.interval()
    controller.timer.setInterval(200)  # the paused board re-reads on its tick until it can
    server("STOP")
    try:
        qtbot.waitUntil(lambda: window.paused, timeout=15000)
    finally:
        server("START")
    qtbot.waitUntil(lambda: not window.paused, timeout=30000)
    controller.timer.setInterval(timer_ms)
    staff.issue_ticket("moving", [RouteStop("residents", numbers["residents"], ("tennyu",))], "ja")
    called = staff.call_next("residents")
    qtbot.waitUntil(lambda: window.tiles["residents"].serving_label.text() == called.number, timeout=15000)
