"""The composition root's start-up behaviour."""

from __future__ import annotations

import pytest

from kiosk.config import load_config


def test_a_database_down_at_start_up_gives_a_paused_queue_not_a_crash(tmp_path) -> None:
    """open_queue on an unreachable database returns the service; using it says QUEUE_001."""
    from kiosk.app import SystemClock, open_queue
    from kiosk.core.ports import QueueUnavailableError
    from kiosk.core.ticket import RouteStop

    config = load_config(tmp_path / "absent.toml", env={
        "KIOSK_DATA_DIR": str(tmp_path),
        "KIOSK_DATABASE_URL": "postgresql+psycopg://kiosk@127.0.0.1:1/kiosk?connect_timeout=2",
    })
    queue = open_queue(config, SystemClock())
    with pytest.raises(QueueUnavailableError):
        queue.issue_ticket("moving", (RouteStop("residents", 1, ("tennyu",)),), "ja")
