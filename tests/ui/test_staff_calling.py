"""One queue, three terminals: the kiosk issues, staff call and pass on, the next counter sees it first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.adapters.keys import load_keyring
from kiosk.adapters.qr_image import decode_image
from kiosk.app import build_staff
from kiosk.config import load_config
from kiosk.core.ticket import RouteStop, spoken_number
from kiosk.ui.staff.board_controller import build_board
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import FixedClock, walk_to_review


def choose_counter(panel, counter_id: str) -> None:
    panel.counter.setCurrentIndex(panel.counter.findData(counter_id))


def test_kiosk_ticket_is_called_passed_on_and_called_first_at_the_next_counter(make_kiosk, qtbot, tmp_path: Path) -> None:
    """A moving-in ticket: called at counter 1, passed on, then called at counter 2 before a later ticket."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    queue = FakeQueueService(config, FixedClock())
    _, kiosk, window = make_kiosk(queue=queue)
    driver = walk_to_review(qtbot, window, "en", ANSWERS)
    with qtbot.waitSignal(kiosk.print_finished, timeout=20000):
        driver.tap_named("confirm")
    first = kiosk.state.slip.ticket
    assert [stop.counter_id for stop in first.route][:2] == ["residents", "insurance"]
    later = queue.issue_ticket("moving", (RouteStop("insurance", 2, ("kokuho_kanyu",)),), "ja")

    _, staff = build_staff(config, keyring=lambda: load_keyring(tmp_path / "private", 30),
                           image_decoder=decode_image, queue=queue)
    qtbot.addWidget(staff)
    staff.show()
    panel = staff.calling
    choose_counter(panel, "residents")
    panel.buttons["call"].click()
    assert panel.called_number() == first.number
    assert first.number in panel.findChild(QLabel, "calling-called").text()
    panel.buttons["pass"].click()
    assert panel.called_number() is None

    choose_counter(panel, "insurance")
    panel.buttons["call"].click()
    assert panel.called_number() == first.number  # passed on: keeps its place ahead of A-002

    # The lobby board shows it called at the second counter, announced once.
    announced = []
    board, board_window = build_board(config, queue, FixedClock(), announce=lambda call, lines: announced.append(lines))
    qtbot.addWidget(board_window)
    board.poll()
    assert board_window.tiles["insurance"].serving_label.text() == first.number
    assert board_window.tiles["residents"].serving_label.text() != first.number
    panel.buttons["serve"].click()
    panel.buttons["call"].click()
    assert panel.called_number() == later.number
    board.poll()
    assert board_window.tiles["insurance"].serving_label.text() == later.number
    assert announced and spoken_number(later.number) in announced[-1][0] and "2番窓口" in announced[-1][0]


def test_closed_counter_and_refusals_are_messages(make_kiosk, qtbot, tmp_path: Path) -> None:
    """A closed counter calls no one, and the refusal reaches the console's status line."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    queue = FakeQueueService(config, FixedClock())
    queue.issue_ticket("moving", (RouteStop("residents", 1, ("tennyu",)),), "ja")
    _, staff = build_staff(config, keyring=lambda: {}, image_decoder=decode_image, queue=queue)
    qtbot.addWidget(staff)
    staff.show()
    panel = staff.calling
    choose_counter(panel, "residents")
    panel.buttons["close"].click()
    panel.buttons["call"].click()
    assert panel.called_number() is None
    assert "QUEUE_103" in staff.status.text()
    panel.buttons["open"].click()
    panel.buttons["call"].click()
    assert panel.called_number() == "A-001"
