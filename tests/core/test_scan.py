"""Scanning the parts of a message in any order, twice, or mixed with another ticket."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import PayloadError, PayloadErrorCode, decode_texts, encode_bundle
from kiosk.core.scan import PartCollector, is_scan

KEY = X25519PrivateKey.generate()


def texts_of(ticket: str, size: int, max_version: int) -> list[str]:
    values = {1: "𠮷" * size, 2: "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(size))}
    bundle = Bundle(ticket, "ja", False, 0, "kiosk-1", (FormRecord("tennyu", 1, values),))
    return encode_bundle(bundle, KEY.public_key(), 1, max_version=max_version)


def test_parts_in_any_order_with_a_repeat_complete_the_message() -> None:
    """Three parts scanned 3, 1, 1 again, 2 give "1 of 3", "2 of 3", "2 of 3", then the whole set."""
    texts = texts_of("A-001", 200, 10)
    assert len(texts) == 3
    collector = PartCollector()
    steps = [collector.add(t) for t in (texts[2], texts[0], texts[0], texts[1])]
    assert [(s.have, s.need) for s in steps] == [(1, 3), (2, 3), (2, 3), (3, 3)]
    assert steps[-1].texts is not None
    assert decode_texts(list(steps[-1].texts), {1: KEY}).ticket_number == "A-001"


def test_a_part_of_another_ticket_starts_over() -> None:
    """Scanning someone else's code mid-way drops the half-scanned message (never mixes them)."""
    first, second = texts_of("A-001", 400, 10), texts_of("A-002", 400, 10)
    collector = PartCollector()
    collector.add(first[0])
    assert collector.add(second[1]).have == 1


def test_full_width_digits_and_foreign_text() -> None:
    """An IME's full-width digits are accepted; a URL or other code is refused with NOT_OURS."""
    (text,) = texts_of("A-003", 5, 20)
    wide = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert PartCollector().add(wide + "\r\n").texts == (text,)
    assert is_scan(text) and not is_scan("https://example.jp/")
    with pytest.raises(PayloadError) as info:
        PartCollector().add("https://example.jp/")
    assert info.value.code is PayloadErrorCode.NOT_OURS
