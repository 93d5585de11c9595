"""Life events other than moving in, through the real kiosk window: what the citizen sees
when the answers call for nothing, and the fees and ways to pay of a certificate visit."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QPushButton

from tests.ui.kiosk_driver import walk_to_review


def test_nothing_to_notify_after_a_death_says_so_and_issues_no_ticket(make_kiosk, qtbot) -> None:
    _, controller, window = make_kiosk()
    answers = {"deceased_was_head": False, "deceased_insurance": "employer", "deceased_65_plus": False,
               "deceased_child_allowance": False}
    driver = walk_to_review(qtbot, window, "en", answers, event="death")
    forms = window.review.findChild(QLabel, "review-forms")
    assert "nothing to fill in here today" in forms.text()
    confirm = window.review.findChild(QPushButton, "confirm")
    assert not confirm.isEnabled()
    controller.confirm()  # even if called, no ticket for an empty visit
    assert driver.current_screen() == "ReviewScreen" and controller.state.slip is None


def test_certificate_visit_shows_site_fees_and_ways_to_pay(make_kiosk, qtbot) -> None:
    _, controller, window = make_kiosk(fees={"juminhyo.copy": 350}, payment_methods=("cash", "qr_code"))
    answers = {
        "requester_role": "self", "need_juminhyo": True, "need_koseki": False, "need_inkan_shomei": False,
        "need_inkan_toroku": False, "need_shotoku": False, "need_nozei": False,
        "applicant": {"family": "YAMADA", "given": "HANAKO", "family_kana": "ヤマダ", "given_kana": "ハナコ",
                      "latin": "YAMADA HANAKO"},
        "applicant_birth_date": date(1990, 1, 1), "current_postal_code": "1500002", "phone": "0312345678",
        "current_address": {"postal_code": "1500002", "prefecture": "東京都", "city": "渋谷区", "town": "渋谷",
                            "block": "2-21-1"},
        "juminhyo.scope": "whole_household", "juminhyo.copies": 2, "juminhyo.show_head": True,
        "juminhyo.show_honseki": False, "juminhyo.show_mynumber": False, "juminhyo.purpose": "bank",
    }
    driver = walk_to_review(qtbot, window, "en", answers, event="certificate")
    with qtbot.waitSignal(controller.print_finished, timeout=30000):
        driver.tap_named("confirm")
    assert driver.current_screen() == "TicketScreen"
    fees = window.ticket.findChild(QLabel, "ticket-fees").text()
    assert "350 yen × 2 = 700 yen" in fees
    assert "cash, smartphone code payment (PayPay etc.)" in fees
    documents = window.ticket.findChild(QLabel, "ticket-documents").text()
    assert "Photo ID" in documents and "letter of authorisation" not in documents  # asked by self
