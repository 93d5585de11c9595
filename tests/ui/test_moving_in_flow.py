"""The product's spine, end to end: a family of four moves in, by touch, to a decoded QR."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
from kiosk.adapters.escpos_printer import EscPosPrinter, FilePrinter
from kiosk.adapters.keys import init_keys, load_public_key
from kiosk.adapters.postal import PosutoAddressLookup
from kiosk.app import build_kiosk
from kiosk.config import PrinterSettings, load_config
from kiosk.core.bundle import Bundle
from kiosk.core.forms import describe_bundle, plan_visit, to_records
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import FixedClock, walk_to_review

ROOT = Path(__file__).resolve().parents[2]
#: Names, readings and address parts of the fixture that must never leave the session.
PERSONAL_STRINGS = ("NGUYEN", "VAN AN", "グエン", "チャン", "TRAN THI BINH", "梅田ハイツ", "2-21-1", "AB12345678CD")


class TeePrinter:
    """Sends each ticket to every printer given (here: ESC/POS bytes and a PNG folder)."""

    def __init__(self, *printers) -> None:
        self.printers = printers
        self.width_px, self.dpi = printers[0].width_px, printers[0].dpi

    def print_image(self, image) -> None:
        for printer in self.printers:
            printer.print_image(image)


@pytest.fixture
def kiosk(qtbot, tmp_path):
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    init_keys(tmp_path / "private", tmp_path / "public.pem")
    engine = make_engine(f"sqlite:///{(tmp_path / 'kiosk.sqlite3').as_posix()}")
    upgrade_database(engine)
    sync_site(engine, config)
    escpos = EscPosPrinter(PrinterSettings(kind="dummy", profile="TM-T88V"))
    png = FilePrinter(tmp_path / "printed")
    clock = FixedClock()
    controller, window = build_kiosk(
        config,
        queue=SqlQueueService(engine, config, clock),
        printer=TeePrinter(escpos, png),
        addresses=PosutoAddressLookup(),
        public_key=load_public_key(tmp_path / "public.pem"),
        clock=clock,
    )
    qtbot.addWidget(window)
    window.resize(1280, 1024)
    window.show()
    yield config, controller, window, escpos, tmp_path
    engine.dispose()


def test_family_of_four_moves_in_and_staff_decode_exactly_what_was_entered(kiosk, qtbot):
    """Touch-only visit → ticket PNG + ESC/POS bytes → `kiosk decode --key` gives the answers."""
    config, controller, window, escpos, tmp_path = kiosk
    driver = walk_to_review(qtbot, window, "en", ANSWERS)

    with qtbot.waitSignal(controller.print_finished, timeout=20000) as printed:
        driver.tap_named("confirm")
    assert printed.args == [""]
    assert driver.current_screen() == "TicketScreen"
    number = window.ticket.findChild(QLabel, "ticket-number").text()
    assert number.startswith("A-")

    # ESC/POS: a raster image (GS v 0) and a cut, never text mode.
    assert b"\x1dv0" in escpos.output
    assert b"\x1dV" in escpos.output  # GS V: cut

    pngs = sorted((tmp_path / "printed").glob("*.png"))
    assert len(pngs) == 1
    decoded = subprocess.run(
        [sys.executable, "-m", "kiosk", "decode", "--key", str(tmp_path / "private"), str(pngs[0])],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")},
    )
    assert decoded.returncode == 0, decoded.stderr
    result = json.loads(decoded.stdout)
    assert result["ticket"] == number
    assert result["language"] == "en"
    assert result["practice"] is False

    catalog = controller.catalog
    plan = plan_visit(catalog, "moved_in", ANSWERS, [c.id for c in config.counters])
    expected = describe_bundle(
        catalog,
        Bundle(ticket_number=number, language="en", practice=False, issued_at=0, site=config.kiosk_id,
               forms=to_records(catalog, plan, ANSWERS)),
    )
    assert [f["form"] for f in result["forms"]] == list(plan.forms)
    for got, want in zip(result["forms"], expected["forms"]):
        assert got["fields"] == want["fields"], got["form"]
    assert result["forms"] == expected["forms"]
    text = decoded.stdout
    for personal in PERSONAL_STRINGS:
        assert personal in text

    # The route on screen: the counters of the bundle, in order.
    route = window.ticket.findChild(QLabel, "ticket-route").text()
    for stop in plan.route:
        assert config.counter(stop.counter_id).name["en"] in route

    driver.tap_named("finish")
    assert driver.current_screen() == "AttractScreen"
    assert dict(controller.state.answers) == {}


def test_nothing_personal_is_left_in_database_logs_or_temp_files(kiosk, qtbot, caplog):
    """After a visit, no name or address is in the database, the logs or any temp file."""
    config, controller, window, escpos, tmp_path = kiosk
    caplog.set_level(logging.DEBUG)
    started = time.time()
    driver = walk_to_review(qtbot, window, "ja", ANSWERS)
    with qtbot.waitSignal(controller.print_finished, timeout=20000):
        driver.tap_named("confirm")
    driver.tap_named("finish")

    needles = [s.encode("utf-8") for s in PERSONAL_STRINGS]
    database_files = list(tmp_path.glob("kiosk.sqlite3*"))
    assert database_files
    for path in database_files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{needle.decode()} found in {path.name}"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for personal in PERSONAL_STRINGS:
        assert personal not in logged
    for folder in {Path(tempfile.gettempdir()), tmp_path}:
        for path in folder.rglob("*"):
            try:
                if not path.is_file() or path.stat().st_mtime < started or path.stat().st_size > 50_000_000:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            for needle in needles:
                assert needle not in data, f"{needle.decode()} found in temp file {path}"
