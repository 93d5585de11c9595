"""The UI tests' kiosk factory: a shown window wired with the adapters a test gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.adapters.escpos_printer import FilePrinter
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.adapters.keys import init_keys, load_public_key
from kiosk.adapters.postal import PosutoAddressLookup
from kiosk.app import build_kiosk
from kiosk.config import load_config
from tests.ui.kiosk_driver import FixedClock


@pytest.fixture
def make_kiosk(qtbot, tmp_path: Path):
    """Build a shown kiosk window; adapters default to fakes and a PNG printer in tmp_path."""

    def make(*, queue=None, printer=None, addresses=None, env=None, **overrides):
        config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data"), **(env or {})})
        config = config.with_overrides(**overrides)  # e.g. fees=…, payment_methods=…
        if not (tmp_path / "public.pem").exists():
            init_keys(tmp_path / "private", tmp_path / "public.pem")
        clock = FixedClock()
        controller, window = build_kiosk(
            config,
            queue=queue if queue is not None else FakeQueueService(config, clock),
            printer=printer if printer is not None else FilePrinter(tmp_path / "printed"),
            addresses=addresses if addresses is not None else PosutoAddressLookup(),
            public_key=load_public_key(tmp_path / "public.pem"),
            clock=clock,
        )
        qtbot.addWidget(window)
        window.resize(1280, 1024)
        window.show()
        return config, controller, window

    return make
