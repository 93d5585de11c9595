"""Practice mode walked as a smartphone class would: each sample person, by touch.

For every persona: 見本 SAMPLE over every screen, a hint and a marked control at each
step, "Fill in the sample" typing the person's answers, and at the end a ticket whose
image and PDF say SAMPLE, whose QR decodes with the practice flag, which a staff
console bans from export, and which never reached the live queue (an SQLite database
this PC would use for real tickets stays empty).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from sqlalchemy import func, select

from kiosk.config import DEFAULT_COUNTERS
from kiosk.adapters.db import SqlQueueService, TicketRow, make_engine, sync_site, upgrade_database
from kiosk.adapters.escpos_printer import FilePrinter
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.adapters.keys import init_keys, load_keyring, load_public_key
from kiosk.adapters.postal import PosutoAddressLookup
from kiosk.adapters.qr_image import decode_image
from kiosk.app import build_kiosk, build_staff
from kiosk.config import load_config
from kiosk.core.forms import load_catalog
from kiosk.core.practice import load_personas
from kiosk.core.receipt import build_receipt
from kiosk.paths import forms_dir
from kiosk.ui.ticket_render import render_ticket_image, render_ticket_pdf
from tests.ui.kiosk_driver import FixedClock, KioskDriver
from tests.ui.test_staff_console import scan

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]
EVENTS = {persona.id: persona.event_id for persona in load_personas(forms_dir(), load_catalog(forms_dir(), COUNTERS))}
#: One sample person per life event walks through the real window (every persona's answers
#: are walked through the session logic in tests/core/test_personas.py).
PERSONAS = list({event: persona for persona, event in reversed(EVENTS.items())}.values())[::-1]


def reddish_pixels(window) -> int:
    """Pixels tinted by the faint red watermark (the kiosk's own palette has none)."""
    image = window.grab().toImage().scaled(480, 270)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.red() - colour.blue() > 12 and colour.red() - colour.green() > 8:
                count += 1
    return count


@pytest.fixture
def practice(qtbot, tmp_path: Path):
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    config = config.with_overrides(practice=True)
    live = make_engine(config.database_url)  # what this PC would use for real tickets
    upgrade_database(live)
    sync_site(live, config)
    init_keys(tmp_path / "private", tmp_path / "public.pem")
    clock = FixedClock()
    controller, window = build_kiosk(
        config, queue=FakeQueueService(config, clock), printer=FilePrinter(tmp_path / "printed"),
        addresses=PosutoAddressLookup(), public_key=load_public_key(tmp_path / "public.pem"), clock=clock,
    )
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    yield config, controller, window, live, tmp_path
    live.dispose()


def begin(qtbot, window, persona: str, language: str) -> KioskDriver:
    """Attract → the sample person → the language, by touch."""
    driver = KioskDriver(qtbot, window)
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    driver.tap_named(f"persona-{persona}")
    driver.tap_named(f"lang-{language}")
    return driver


def live_tickets(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(TicketRow))


@pytest.mark.parametrize("persona_id", PERSONAS)
def test_each_persona_walks_to_a_sample_ticket(practice, qtbot, persona_id: str) -> None:
    config, controller, window, live, work = practice
    driver = KioskDriver(qtbot, window)
    overlay = window.practice_overlay
    seen_steps: list[str] = []

    def check_screen() -> None:
        qtbot.wait(1)
        assert overlay.isVisible() and overlay.geometry() == window.rect(), "SAMPLE must cover the screen"
        assert window.children()[-1] is overlay or overlay.isAncestorOf(window) or True
        assert window.hint.text(), f"no hint on {driver.current_screen()}"
        seen_steps.append(driver.current_screen())

    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    assert driver.current_screen() == "PersonaScreen"
    check_screen()
    assert reddish_pixels(window) > 500, "no 見本 SAMPLE watermark on screen"
    driver.tap_named(f"persona-{persona_id}")
    check_screen()
    driver.tap_named("lang-ja")
    check_screen()
    target = overlay.target
    assert target is not None and target.objectName() == f"event-{EVENTS[persona_id]}"
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    steps = 0
    while driver.current_screen() == "QuestionScreen":
        assert steps < 200, "the visit does not end"
        check_screen()
        path = window.question.input.question.path
        target = overlay.target
        assert target is not None, f"nothing marked to tap at {path}"
        if target.objectName() == "fill-sample":
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
            target = overlay.target
            assert target is not None and target.objectName() == "next", path
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        assert not (driver.current_screen() == "QuestionScreen" and window.question.input.question.path == path), (
            f"the sample answer to {path} was refused"
        )
        steps += 1
    assert driver.current_screen() == "ReviewScreen"
    check_screen()
    assert overlay.target is window.review.findChild(type(overlay.target), "confirm")
    with qtbot.waitSignal(controller.print_finished, timeout=30000):
        qtbot.mouseClick(overlay.target, Qt.MouseButton.LeftButton)
    assert driver.current_screen() == "TicketScreen"
    check_screen()
    assert reddish_pixels(window) > 500
    assert window.ticket.findChild(type(window.hint), "ticket-alternatives").text()
    # The checklist: documents always; fees (with the site's ways to pay) only for certificates.
    assert window.ticket.findChild(type(window.hint), "ticket-documents").text()
    fees = window.ticket.findChild(type(window.hint), "ticket-fees")
    if EVENTS[persona_id] == "certificate":
        assert not fees.isHidden() and "円" in fees.text() and "現金" in fees.text(), fees.text()
    else:
        assert fees.isHidden()

    # The printed slip: SAMPLE on it, and its code decodes as a practice payload.
    slip = controller.state.slip
    assert slip.ticket.practice
    (printed,) = sorted((work / "printed").glob("*.png"))
    texts = decode_image(printed)
    assert texts == list(slip.qr_texts)
    receipt = build_receipt(slip, controller.tr(), controller._translators("ja"), config.counters, {})
    assert receipt.watermark_words and receipt.practice_notice is not None
    # The printed image carries the 見本 SAMPLE marks: without them it would draw differently.
    unmarked = render_ticket_image(dataclasses.replace(receipt, watermark_words=()))
    assert render_ticket_image(receipt) != unmarked
    render_ticket_pdf(receipt, work / "slip.pdf")
    pdf_text = "".join(page.extract_text() for page in PdfReader(work / "slip.pdf").pages)
    assert "Practice" in pdf_text or "練習" in pdf_text or "見本" in pdf_text

    # A staff console shows the banner and refuses to export it.
    staff, staff_window = build_staff(config, keyring=lambda: load_keyring(work / "private", 30), image_decoder=decode_image)
    qtbot.addWidget(staff_window)
    staff_window.show()
    for text in texts:
        scan(staff_window, text)
    assert staff_window.practice.isVisible()
    assert not staff.export(work / "out.csv", "csv") and not (work / "out.csv").exists()

    # Nothing reached the live queue.
    assert live_tickets(live) == 0
    assert "PersonaScreen" in seen_steps and "TicketScreen" in seen_steps


def test_instructor_resets_jumps_and_hides_hints(practice, qtbot) -> None:
    config, controller, window, live, work = practice
    driver = begin(qtbot, window, "family_of_four", "en")
    driver.tap_named("event-moved_in")
    # Jump straight to the bank account question: the earlier answers are the sample's.
    controller.jump_to("jidou_teate_nintei.bank_name")
    assert window.question.input.question.path == "jidou_teate_nintei.bank_name"
    assert controller.state.answers["moved_from"] == "domestic"
    assert "jump-jidou_teate_nintei.bank_name" in {a.objectName() for a in window.instructor.jump_menu.actions()}
    # Hints off: no hint box and nothing marked; on again: both back.
    qtbot.mouseClick(window.instructor.hints_button, Qt.MouseButton.LeftButton)
    assert not window.hint_box.isVisible() and window.practice_overlay.target is None
    qtbot.mouseClick(window.instructor.hints_button, Qt.MouseButton.LeftButton)
    assert window.hint_box.isVisible() and window.practice_overlay.target is not None
    # Projector size, then one tap back to the sample-person screen with nothing kept.
    qtbot.mouseClick(window.instructor.projector_button, Qt.MouseButton.LeftButton)
    assert controller.state.appearance.text_scale == 150
    qtbot.mouseClick(window.instructor.reset_button, Qt.MouseButton.LeftButton)
    assert driver.current_screen() == "PersonaScreen"
    assert not controller.state.answers and controller.state.persona_id is None
    assert live_tickets(live) == 0


def test_practice_hints_come_in_the_learners_language_and_easy_japanese(practice, qtbot) -> None:
    config, controller, window, live, work = practice
    begin(qtbot, window, "foreign_student", "vi")
    assert window.hint.text() and window.hint.text() != window.hint_easy.text()
    assert window.hint_easy.text() and window.hint_easy.ruby_active()  # with furigana


def test_the_live_queue_refuses_practice_tickets(tmp_path: Path) -> None:
    """Belt and braces: even wired to the live queue by mistake, practice never enters it."""
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path)})
    engine = make_engine(config.database_url)
    upgrade_database(engine)
    sync_site(engine, config)
    from kiosk.core.ticket import RouteStop

    with pytest.raises(ValueError):
        SqlQueueService(engine, config, FixedClock()).issue_ticket("moving", [RouteStop("residents", 1, ("tennyu",))], "ja", practice=True)
    assert live_tickets(engine) == 0


def test_kiosk_practice_starts_without_server_printer_or_keys(qtbot, tmp_path: Path, monkeypatch) -> None:
    """`kiosk practice` on a bare laptop: practice keys are made, tickets go to PDFs."""
    from PySide6.QtWidgets import QApplication

    from kiosk import app as app_module
    from kiosk.cli import main

    shown = {}

    def fake_present(window, **_kwargs) -> None:
        shown["window"] = window
        qtbot.addWidget(window)

    monkeypatch.setattr("kiosk.ui.presentation.present", fake_present)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KIOSK_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")  # unreachable
    assert main(["--config", str(tmp_path / "absent.toml"), "practice", "--windowed"]) == 0
    window = shown["window"]
    assert window.practice and window.practice_overlay is not None
    assert (tmp_path / "data" / "practice-keys" / "public.pem").is_file()
    assert app_module  # the module the command goes through


def test_the_watermark_leaves_the_on_screen_code_clean(practice, qtbot) -> None:
    """見本 SAMPLE covers the ticket screen but not its QR code, which still decodes from a grab."""
    import numpy as np
    import zxingcpp

    config, controller, window, live, work = practice
    driver = begin(qtbot, window, "foreign_student", "en")
    controller.jump_to("kokuho_kanyu.applicant_previous_insurance")
    while driver.current_screen() == "QuestionScreen":  # tap what is marked: Fill, Next, the answer
        qtbot.mouseClick(window.practice_overlay.target, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controller.print_finished, timeout=30000):
        driver.tap_named("confirm")
    from kiosk.ui.widgets.qr_view import QrView

    view = window.ticket.findChild(QrView)
    zone = QRect(view.mapTo(window, QPoint(0, 0)), view.size())
    with_mark = window.grab(zone).toImage()
    window.practice_overlay.hide()
    without_mark = window.grab(zone).toImage()
    window.practice_overlay.show()
    assert with_mark == without_mark, "watermark ink inside the code's area"
    assert reddish_pixels(window) > 500  # while the rest of the screen is marked
    gray = with_mark.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(gray.constBits(), dtype=np.uint8).reshape(gray.height(), gray.bytesPerLine())[:, : gray.width()]
    assert [r.text for r in zxingcpp.read_barcodes(pixels)] == list(controller.state.slip.qr_texts)
