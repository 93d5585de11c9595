"""A kiosk on PostgreSQL whose server restarts under it: paused, nothing lost, then it recovers."""

from __future__ import annotations

import os
import subprocess

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.config import load_config
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import FixedClock, walk_to_review

pytestmark = pytest.mark.postgres


def server(action: str) -> None:
    command = os.environ[f"KIOSK_TEST_POSTGRES_{action}"]
    subprocess.run(command, shell=True, check=True, capture_output=True, timeout=60)


def test_restarting_postgresql_pauses_and_recovers_the_kiosk(make_kiosk, qtbot, postgres_url, tmp_path) -> None:
    """Server stopped at the review: paused notice, answers kept; started again: the ticket issues."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    sync_site(engine, config)
    queue = SqlQueueService(engine, config, FixedClock())
    _, controller, window = make_kiosk(queue=queue)
    driver = walk_to_review(qtbot, window, "en", ANSWERS)
    answers = dict(controller.state.answers)
    server("STOP")
    try:
        driver.tap_named("confirm")
        assert driver.current_screen() == "ReviewScreen"
        assert "paused" in window.review.findChild(QLabel, "review-notice").text()
        assert dict(controller.state.answers) == answers
    finally:
        server("START")
    # The kiosk finds the database again by itself (its re-check runs every few seconds).
    qtbot.waitUntil(lambda: window.review.findChild(QLabel, "review-notice").text() == "", timeout=30000)
    with qtbot.waitSignal(controller.print_finished, timeout=30000):
        driver.tap_named("confirm")
    assert driver.current_screen() == "TicketScreen"
    assert controller.state.slip.ticket.number == "A-001"
    engine.dispose()
