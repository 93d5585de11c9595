"""The ticket slip's content: bilingual lines, route, wait, codes, practice marks."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

import kiosk.core.receipt as receipt_module
from kiosk.config import DEFAULT_COUNTERS
from kiosk.core.i18n import Translator
from kiosk.core.receipt import BiText, build_receipt
from kiosk.core.ticket import RouteStop, Ticket, TicketSlip
from tests.data.receipt_fixtures import JA_MESSAGES, ROUTE, TITLES

VI_MESSAGES = {"SAMPLE": "MẪU", "Your number": "Số của bạn"}

# 2026-04-01 00:05 UTC is 09:05 in Japan.
ISSUED_AT = int(datetime(2026, 4, 1, 0, 5, tzinfo=timezone.utc).timestamp())

TR_JA = Translator("ja", JA_MESSAGES)
TR_EN = Translator("en")


def slip(language: str = "en", qr_texts: tuple[str, ...] = ("0123456789",), practice: bool = False,
         people_ahead: int = 3, route: tuple[RouteStop, ...] = ROUTE) -> TicketSlip:
    ticket = Ticket("A-017", "moving", ISSUED_AT, route, people_ahead, 25, practice=practice)
    return TicketSlip(ticket, qr_texts, language, "サンプル市役所")


def test_route_lists_each_counter_in_order_with_its_procedures() -> None:
    """Every stop keeps its order, counter number, configured name and procedure titles."""
    receipt = build_receipt(slip(), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert [stop.position for stop in receipt.route] == [1, 2, 3, 4]
    assert [stop.counter_number for stop in receipt.route] == [1, 2, 3, 4]
    first = receipt.route[0]
    assert first.counter_label.lines == ("Counter 1", "1番窓口")
    assert first.counter_name.lines == ("Resident registration", "住民記録（転入・転出）")
    assert first.procedures[0].lines == ("Notification of moving in", "転入届")
    assert receipt.route[3].procedures[0].japanese == "マイナンバーカードの住所変更"


def test_foreign_citizen_gets_each_line_in_their_language_and_japanese() -> None:
    """An English-speaking citizen's slip carries English first and Japanese second."""
    receipt = build_receipt(slip(), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.waiting.lines == ("People waiting ahead of you: 3", "お待ちの人数：3人")
    assert receipt.wait_estimate is not None
    assert receipt.wait_estimate.lines == ("Estimated wait: about 25 min", "待ち時間の目安：約25分")
    assert receipt.number_label.lines == ("Your number", "受付番号")
    assert receipt.ticket_number == "A-017"
    assert receipt.site_name == "サンプル市役所"


def test_japanese_citizen_gets_japanese_once() -> None:
    """When the citizen chose Japanese, no line is printed twice."""
    receipt = build_receipt(slip("ja"), TR_JA, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.waiting.lines == ("お待ちの人数：3人",)
    assert receipt.route[1].counter_name.lines == ("国民健康保険",)
    assert receipt.issued.lines == ("2026年4月1日水曜日 9:05",)


def test_untranslated_line_is_printed_once() -> None:
    """A msgid missing from both catalogues prints once, not as two identical lines."""
    receipt = build_receipt(slip(), TR_EN, Translator("ja"), DEFAULT_COUNTERS, TITLES)
    assert receipt.call_notice.lines == ("Please wait until your number is called.",)


def test_issue_time_is_japan_time_in_each_style() -> None:
    """The Unix issue time is shown in Japan time, in the citizen's and the Japanese style."""
    receipt = build_receipt(slip(), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.issued.japanese == "2026年4月1日水曜日 9:05"
    # CLDR puts a narrow no-break space before "AM"; compare with a plain space.
    assert receipt.issued.citizen.replace("\u202f", " ") == "Wednesday, April 1, 2026 9:05 AM"


def test_one_code_has_no_part_label_and_the_show_caption() -> None:
    """A single QR code is captioned "show this code" and is not numbered."""
    receipt = build_receipt(slip(), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert [code.part_label for code in receipt.codes] == [""]
    assert receipt.codes_caption is not None
    assert receipt.codes_caption.lines == ("Show this code at the counter", "窓口でこのコードをお見せください")
    assert receipt.privacy is not None and "encrypted" in receipt.privacy.citizen


def test_several_codes_are_numbered_in_order() -> None:
    """Split payloads print "1/3", "2/3", "3/3" and ask for all codes."""
    texts = ("111", "222", "333")
    receipt = build_receipt(slip(qr_texts=texts), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert [(code.text, code.part_label) for code in receipt.codes] == [
        ("111", "1/3"), ("222", "2/3"), ("333", "3/3"),
    ]
    assert receipt.codes_caption is not None
    assert receipt.codes_caption.lines == ("Show all 3 codes at the counter", "窓口で3つのコードをすべてお見せください")


def test_slip_without_codes_has_no_code_lines() -> None:
    """A ticket with no forms (e.g. a certificate only) prints no caption or privacy line."""
    receipt = build_receipt(slip(qr_texts=()), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.codes == () and receipt.codes_caption is None and receipt.privacy is None


def test_practice_ticket_carries_sample_marks_in_both_scripts() -> None:
    """Practice slips say 見本 and SAMPLE (and the class's language) and explain themselves."""
    receipt = build_receipt(slip("vi", practice=True), Translator("vi", VI_MESSAGES), TR_JA,
                            DEFAULT_COUNTERS, TITLES)
    assert receipt.practice
    assert receipt.watermark_words == ("見本", "SAMPLE", "MẪU")
    assert receipt.practice_notice is not None
    assert receipt.practice_notice.japanese == "練習用の券です（本物の申請ではありません）"


def test_real_ticket_has_no_sample_marks() -> None:
    """A real ticket is never marked as a sample."""
    receipt = build_receipt(slip(), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert not receipt.practice and receipt.watermark_words == () and receipt.practice_notice is None


def test_nobody_ahead_says_so_and_gives_no_estimate() -> None:
    """With nobody ahead the slip says so rather than "0 people, about 0 min"."""
    receipt = build_receipt(slip(people_ahead=0), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.waiting.lines == ("No one is waiting ahead of you", "お待ちの方はいません")
    assert receipt.wait_estimate is None


def test_unconfigured_counter_and_form_still_print() -> None:
    """A counter or form missing from the configuration prints its number or id, not a crash."""
    route = (RouteStop("annex", 9, ("unknown_form",)),)
    receipt = build_receipt(slip(route=route), TR_EN, TR_JA, DEFAULT_COUNTERS, TITLES)
    stop = receipt.route[0]
    assert stop.counter_label.lines == ("Counter 9", "9番窓口")
    assert stop.counter_name.lines == ()
    assert stop.procedures[0].lines == ("unknown_form",)


def test_bitext_skips_empty_lines() -> None:
    """Empty halves are never printed as blank lines."""
    assert BiText("", "").lines == ()
    assert BiText("", "窓口").lines == ("窓口",)
    assert BiText("Counter", "").lines == ("Counter",)


def test_every_fixed_string_is_extractable_by_pybabel() -> None:
    """pybabel's default keywords find every message the receipt translates."""
    extracted = {message for _, message, _, _ in extract_from_file("python", Path(receipt_module.__file__))}
    used = {
        value for name, value in vars(receipt_module).items()
        if name.isupper() and isinstance(value, str) and name not in {"SAMPLE_INTERNATIONAL"}
    }
    assert used and used <= extracted
    assert set(JA_MESSAGES) <= extracted


@pytest.mark.parametrize("language", ["en", "zh-Hans", "ko", "vi", "tl", "pt-BR", "es", "ne", "id", "ja-x-easy"])
def test_every_kiosk_language_builds_a_receipt(language: str) -> None:
    """Date formatting and translation work for every language the kiosk offers."""
    receipt = build_receipt(slip(language), Translator(language), TR_JA, DEFAULT_COUNTERS, TITLES)
    assert receipt.issued.citizen and "2026" in receipt.issued.citizen
