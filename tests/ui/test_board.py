"""The lobby board: numbers called per counter, recent calls, flash and call-out, pause."""

from __future__ import annotations

import argparse
import wave
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics

from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.commands import board as board_command
from kiosk.config import load_config
from kiosk.core.ticket import RouteStop
from kiosk.ui.staff.board_controller import (
    CHIME_SECONDS,
    BoardController,
    build_board,
    ensure_chime,
)

JST = timezone(timedelta(hours=9))


class StepClock:
    """A clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 24, 9, 30, tzinfo=JST)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: int) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def board(qtbot, tmp_path: Path):
    """A shown board on a fake queue with A-001 (residents→insurance) and A-002 (insurance)."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    clock = StepClock()
    queue = FakeQueueService(config, clock)
    numbers = {counter.id: counter.number for counter in config.counters}
    first = queue.issue_ticket(
        "moving",
        [RouteStop("residents", numbers["residents"], ("tennyu",)),
         RouteStop("insurance", numbers["insurance"], ("kokuho",))],
        "ja",
    )
    clock.advance(30)
    second = queue.issue_ticket("moving", [RouteStop("insurance", numbers["insurance"], ("kokuho",))], "en")
    assert (first.number, second.number) == ("A-001", "A-002")
    announced: list[tuple[str, int, tuple[str, str]]] = []
    controller, window = build_board(
        config, queue, clock, lambda call, lines: announced.append((call.number, call.counter_number, lines))
    )
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    controller.poll()  # the baseline: nothing called yet
    return config, clock, queue, controller, window, announced


def test_passed_on_ticket_shows_at_next_counter_within_one_poll(board, qtbot):
    """A-001 passed on from residents is called at insurance before A-002, and the board says so."""
    _config, clock, queue, controller, window, announced = board
    clock.advance(60)
    assert queue.call_next("residents").number == "A-001"
    controller.poll()
    assert window.tiles["residents"].serving_label.text() == "A-001"
    assert [(n, c) for n, c, _ in announced] == [("A-001", 1)]
    clock.advance(300)
    queue.pass_on("A-001", "residents")
    with qtbot.waitSignal(window.call_flashed, timeout=1000) as flashed:
        assert queue.call_next("insurance").number == "A-001"
        controller.poll()
    assert flashed.args == ["insurance", "A-001"]
    assert window.tiles["insurance"].serving_label.text() == "A-001"
    assert window.tiles["insurance"].flashing
    assert window.tiles["residents"].serving_label.text() == "—"
    assert window.recent_label.text().index("A-001") < window.recent_label.text().index("2番窓口")
    number, counter, lines = announced[-1]
    assert (number, counter) == ("A-001", 2)
    # Spoken as people say it ("A 1", not "A zero zero one"); かた, since 方 alone reads ほう.
    assert lines == ("受付番号 A 1 番のかた、2番窓口へお越しください。",
                     "Number A 1, please go to counter 2.")
    assert "お待ち 1人" in window.tiles["insurance"].queue_label.text()  # A-002 still waits
    assert "約" in window.tiles["insurance"].queue_label.text()


def test_same_snapshot_again_announces_nothing_and_recall_announces(board):
    """A call is announced once; a recall (a new call time) is announced again."""
    _config, clock, queue, controller, _window, announced = board
    clock.advance(60)
    queue.call_next("insurance")
    controller.poll()
    clock.advance(5)
    controller.poll()
    controller.poll()
    assert [n for n, _, _ in announced] == ["A-002"]
    clock.advance(60)
    queue.recall("A-002", "insurance")
    controller.poll()
    assert [n for n, _, _ in announced] == ["A-002", "A-002"]


def test_board_started_late_does_not_announce_old_calls(qtbot, tmp_path):
    """A board (re)started mid-morning shows earlier calls but rings for none of them."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    clock = StepClock()
    queue = FakeQueueService(config, clock)
    queue.issue_ticket("moving", [RouteStop("children", 3, ("jidou_teate",))], "ja")
    queue.call_next("children")
    announced: list[str] = []
    controller, window = build_board(config, queue, clock, lambda call, lines: announced.append(call.number))
    qtbot.addWidget(window)
    controller.poll()
    assert window.tiles["children"].serving_label.text() == "A-001"
    assert "A-001" in window.recent_label.text()
    assert announced == [] and not window.tiles["children"].flashing


def test_closed_counter_is_greyed_closed(board):
    """A closed counter says 受付終了 / Closed instead of a number or a wait."""
    _config, _clock, queue, controller, window, _announced = board
    queue.close_counter("mynumber")
    controller.poll()
    tile = window.tiles["mynumber"]
    assert not tile.is_open
    assert tile.serving_label.text() == "受付終了\nClosed"
    assert tile.queue_label.text() == ""
    assert window.tiles["insurance"].is_open


def test_unavailable_queue_pauses_and_recovers_without_replaying(board):
    """A queue outage shows the paused notice; the next good poll restores the board by itself."""
    _config, clock, queue, controller, window, announced = board
    clock.advance(60)
    queue.call_next("residents")
    controller.poll()
    queue.available = False
    controller.poll()
    assert window.paused and window.pages.currentIndex() == 1
    shown = " ".join(label.text() for label in window.paused_lines)
    assert "一時停止中" in shown and "Ticketing paused" in shown
    queue.available = True
    controller.poll()
    assert not window.paused and window.pages.currentIndex() == 0
    assert window.tiles["residents"].serving_label.text() == "A-001"
    assert [n for n, _, _ in announced] == ["A-001"]


def test_timer_polls_by_itself(board, qtbot):
    """Started, the controller picks up a call without anyone calling poll()."""
    _config, clock, queue, _controller, window, _announced = board
    fast = BoardController(queue, window, clock, interval_ms=20)
    fast.start()
    clock.advance(60)
    queue.call_next("insurance")
    qtbot.waitUntil(lambda: window.tiles["insurance"].serving_label.text() == "A-002", timeout=2000)
    fast.stop()
    assert window.clock_label.text() == clock.now().astimezone().strftime("%H:%M")


def test_chime_is_a_real_wav_made_once(tmp_path):
    """The chime is synthesised into the data folder once, as a non-silent 16-bit WAV."""
    path = ensure_chime(tmp_path)
    with wave.open(str(path), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth()) == (1, 2)
        seconds = handle.getnframes() / handle.getframerate()
        frames = handle.readframes(handle.getnframes())
    assert seconds == pytest.approx(CHIME_SECONDS, abs=0.01)
    assert max(frames[1::2]) > 0x20  # high bytes: it is loud enough to hear
    stamp = path.stat().st_mtime_ns
    assert ensure_chime(tmp_path) == path and path.stat().st_mtime_ns == stamp


def test_board_command_parses_windowed():
    """`kiosk board --windowed` is a sub-command that reaches run_board with windowed=True."""
    parser = argparse.ArgumentParser()
    board_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["board", "--windowed"])
    assert args.func is board_command.run and args.windowed


def test_screenshot_1920x1080(board, tmp_path):
    """The board renders at lobby-screen size with every counter on it (saved for review)."""
    _config, clock, queue, controller, window, _announced = board
    clock.advance(60)
    queue.call_next("residents")
    clock.advance(120)
    queue.pass_on("A-001", "residents")
    queue.call_next("insurance")
    queue.close_counter("mynumber")
    controller.poll()
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (1920, 1080)
    assert image.save(str(tmp_path / "board.png"))
    for tile in window.tiles.values():
        assert tile.isVisible() and tile.width() > 300
        label = tile.serving_label
        widest = max(QFontMetrics(label.font()).horizontalAdvance(line) for line in label.text().split("\n"))
        assert widest <= label.contentsRect().width(), f"{label.text()!r} is clipped"
