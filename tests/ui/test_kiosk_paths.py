"""The kiosk's other paths: failures that lose nothing, Back, language switch, idle wipe."""

from __future__ import annotations

from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QLineEdit

from kiosk.adapters.escpos_printer import EscPosPrinter
from kiosk.adapters.fake_queue import FakeQueueService
from kiosk.adapters.qr_image import decode_image
from kiosk.config import PrinterSettings
from kiosk.core.forms.model import FieldKind
from kiosk.ui.widgets.inputs import INPUT_WIDGETS
from kiosk.ui.widgets.qr_view import QrView
from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
from tests.ui.kiosk_driver import FixedClock, start_visit, walk_to_review


def answer_until(driver, window, path: str) -> None:
    """Answer questions from the fixture until ``path`` is the question on screen."""
    for _ in range(100):
        if window.question.input.question.path == path:
            return
        driver.answer_current(ANSWERS)
    raise AssertionError(f"never reached {path}")


def test_every_field_kind_has_an_input_widget() -> None:
    """The UI's widget registry and the forms engine's kinds have the same keys."""
    assert set(INPUT_WIDGETS) == set(FieldKind)


def test_unknown_postal_code_is_refused_with_a_translated_message(make_kiosk, qtbot) -> None:
    """A postal code that does not exist stays on screen with a clear message in the citizen's language."""
    config, controller, window = make_kiosk()
    driver = start_visit(qtbot, window, "ja")
    answer_until(driver, window, "new_postal_code")
    edit = window.question.input.findChild(QLineEdit, "edit-text")
    driver.key_type(window.question.keyboard, edit, "0000000", "digits")
    driver.tap_named("next")
    assert window.question.input.question.path == "new_postal_code"
    problem = window.question.findChild(QLabel, "problem").text()
    assert "郵便番号" in problem  # Japanese, not the English msgid
    assert "new_postal_code" not in controller.state.answers


def test_offline_printer_still_shows_the_ticket(make_kiosk, qtbot) -> None:
    """A printer that is unreachable never loses the ticket: it is on screen with a notice."""
    printer = EscPosPrinter(PrinterSettings(kind="network", profile="TM-T88V", target="127.0.0.1:9"), timeout_s=1)
    config, controller, window = make_kiosk(printer=printer)
    driver = walk_to_review(qtbot, window, "en", ANSWERS)
    with qtbot.waitSignal(controller.print_finished, timeout=20000) as printed:
        driver.tap_named("confirm")
    assert printed.args == ["PRINT_001"]
    assert driver.current_screen() == "TicketScreen"
    assert window.ticket.findChild(QLabel, "ticket-number").text().startswith("A-")
    assert "printer is not working" in window.ticket.findChild(QLabel, "ticket-notice").text()
    # The code on screen is scannable: staff can read it from the screen itself.
    view = window.ticket.findChild(QrView, "ticket-qr-0")
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    shot = Image.frombytes(
        "RGB", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGB", image.bytesPerLine()
    )
    texts = decode_image(shot)
    assert texts == list(controller.state.slip.qr_texts)


def test_ticketing_pauses_when_the_queue_is_gone_and_keeps_every_answer(make_kiosk, qtbot, tmp_path) -> None:
    """With the database away the review says so and keeps the answers; once back, the ticket issues."""
    from kiosk.config import load_config

    queue = FakeQueueService(load_config(tmp_path / "absent.toml", env={}), FixedClock())
    config, controller, window = make_kiosk(queue=queue)
    driver = walk_to_review(qtbot, window, "en", ANSWERS)
    answers_before = dict(controller.state.answers)
    queue.available = False
    driver.tap_named("confirm")
    assert driver.current_screen() == "ReviewScreen"
    assert dict(controller.state.answers) == answers_before
    assert "paused" in window.review.findChild(QLabel, "review-notice").text()
    queue.available = True
    # The kiosk finds the database again by itself, within its re-check interval.
    qtbot.waitUntil(lambda: window.review.findChild(QLabel, "review-notice").text() == "", timeout=15000)
    with qtbot.waitSignal(controller.print_finished, timeout=20000):
        driver.tap_named("confirm")
    assert driver.current_screen() == "TicketScreen"
    assert controller.state.slip is not None


def test_back_returns_to_the_previous_answer_filled_in(make_kiosk, qtbot) -> None:
    """Back shows the previous question with its answer kept; going forward again keeps it too."""
    config, controller, window = make_kiosk()
    driver = start_visit(qtbot, window, "en")
    answer_until(driver, window, "new_postal_code")
    driver.tap_named("back")
    assert window.question.input.question.path == "move_date"
    year = window.question.input.findChild(QLineEdit, "edit-year")
    assert year.text() == str(ANSWERS["move_date"].year)


def test_switching_language_mid_visit_keeps_every_answer(make_kiosk, qtbot) -> None:
    """The language menu changes every text on screen and loses no answer."""
    config, controller, window = make_kiosk()
    driver = start_visit(qtbot, window, "en")
    answer_until(driver, window, "applicant")
    answers_before = dict(controller.state.answers)
    title_en = window.question.findChild(QLabel, "question-title").text()
    action = next(a for a in window.language_menu.actions() if a.objectName() == "menu-lang-ja")
    action.trigger()
    assert controller.state.language == "ja"
    assert dict(controller.state.answers) == answers_before
    assert window.question.input.question.path == "applicant"
    assert window.question.findChild(QLabel, "question-title").text() == window.question.input.question.field.label["ja"]
    assert window.question.findChild(QLabel, "question-title").text() != title_en
    assert window.back_button.text() == "← 戻る"


def test_idle_timeout_warns_then_wipes_the_session(make_kiosk, qtbot) -> None:
    """Left alone, the kiosk counts down visibly, then forgets every answer and shows the attract screen."""
    config, controller, window = make_kiosk(env={"KIOSK_IDLE_TIMEOUT": "32"})
    driver = start_visit(qtbot, window, "en")
    answer_until(driver, window, "move_date")
    assert controller.state.answers
    controller._last_activity -= 29  # as if the citizen walked away 29 s ago
    with qtbot.waitSignal(controller.idle_warning, timeout=5000):
        pass
    assert window.idle_overlay.isVisible()
    controller._last_activity -= 10
    qtbot.waitUntil(lambda: driver.current_screen() == "AttractScreen", timeout=5000)
    assert dict(controller.state.answers) == {}
    assert not window.idle_overlay.isVisible()


def test_date_boxes_advance_by_themselves_and_take_era_years(make_kiosk, qtbot) -> None:
    """Typing a full year moves on to the month; 昭和 takes a two-digit year and shows 西暦 too."""
    config, controller, window = make_kiosk()
    driver = start_visit(qtbot, window, "ja")
    answer_until(driver, window, "applicant_birth_date")
    widget = window.question.input
    keyboard = window.question.keyboard
    year, month = widget.findChild(QLineEdit, "edit-year"), widget.findChild(QLineEdit, "edit-month")
    driver.key_type(keyboard, year, "1988", "digits")
    assert month.hasFocus()
    driver.tap_named("era-昭和", widget)
    year.clear()
    driver.key_type(keyboard, year, "63", "digits")
    assert month.hasFocus()
    driver.key_type(keyboard, month, "5", "digits")
    driver.key_type(keyboard, widget.findChild(QLineEdit, "edit-day"), "20", "digits")
    assert widget.findChild(QLabel, "date-preview").text() == "昭和63年5月20日（1988-05-20）"
    driver.tap_named("next")
    assert controller.state.answers["applicant_birth_date"].isoformat() == "1988-05-20"


class BrokenAddressLookup:
    """The postal-code data cannot be read (a damaged install)."""

    def lookup(self, postal_code: str):
        from kiosk.adapters.postal import AddressLookupError, PostalErrorCode

        raise AddressLookupError(PostalErrorCode.UNAVAILABLE, "postal code database unreadable")


def test_unreadable_postal_data_lets_the_citizen_type_the_address(make_kiosk, qtbot) -> None:
    """A broken postal-code database never blocks the visit: the address is typed by hand."""
    config, controller, window = make_kiosk(addresses=BrokenAddressLookup())
    driver = start_visit(qtbot, window, "en")
    answer_until(driver, window, "new_postal_code")
    driver.answer_current(ANSWERS)
    assert window.question.input.question.path == "new_address"
    assert window.question.input.edits["prefecture"].text() == ""
