"""Fuzzing the QR decoder: whatever a scanner or an attacker sends, only coded PayloadErrors come out."""

from __future__ import annotations

import random
from collections import Counter
from typing import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import (
    HEADER_DIGITS,
    PayloadError,
    PayloadErrorCode,
    bundle_to_cbor,
    damm_check_digit,
    decode_texts,
    deflate,
    digits_for_bytes,
    encode_bundle,
    read_header,
    seal_payload,
)

SEED = 20260401
INPUTS = 100_000
KEY_ID = 1234
PRIVATE = X25519PrivateKey.generate()
KEYRING = {KEY_ID: PRIVATE, 77: X25519PrivateKey.generate()}

SMALL = Bundle("A-003", "ne", False, 1_775_000_000, "kiosk-2", (
    FormRecord("tennyu", 1, {1: 20260401, 2: {1: "髙橋", 2: "𠮷子", 5: "TAKAHASHI"}, 3: True}),
))
MEDIUM = Bundle("B-120", "ja", True, 1_775_000_100, "kiosk-1", tuple(
    FormRecord(f"form_{i}", 2, {1: f"﨑山 {i} 番地", 2: [{1: i, 2: "e\u0301"}], 3: None}) for i in range(6)
))

ODD_CHARS = "AZaz:/$%*+-.# \t\r\n\u3000０９１ｱあ山𠮷٣\u0301\ufeff\x00\ud800😀"


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _digits(rng: random.Random, k: int) -> str:
    # One big random integer printed in decimal: far cheaper than k separate choices.
    return str(rng.getrandbits(4 * k + 8)).zfill(k)[-k:] if k else ""


def _random_header(rng: random.Random, key_id: int) -> str:
    count = rng.randint(1, 3)
    head = (
        f"1{key_id:04d}{rng.randint(0, 1)}{rng.randrange(10**6):06d}"
        f"{rng.randint(1, count)}{count}{rng.randint(1, 120):04d}"
    )
    return head + damm_check_digit(head)


def _well_formed_random(rng: random.Random) -> list[str]:
    # A valid header and the right number of random digits: reaches key lookup and the AEAD.
    header = _random_header(rng, rng.choice([KEY_ID, 77, rng.randrange(10_000)]))
    length = digits_for_bytes(int(header[14:18]))
    return [header + _digits(rng, length)]


def _mutate_text(rng: random.Random, text: str) -> str:
    pick = rng.randrange(10)
    pos = rng.randrange(len(text) + 1)
    if pick == 0:  # one changed digit
        p = min(pos, len(text) - 1)
        return text[:p] + rng.choice("0123456789".replace(text[p], "")) + text[p + 1 :]
    if pick == 1:  # several changed digits
        chars = list(text)
        for _ in range(rng.randint(2, 5)):
            chars[rng.randrange(len(chars))] = rng.choice("0123456789")
        return "".join(chars)
    if pick == 2:  # truncation, often inside the header
        return text[: rng.choice([pos, rng.randrange(HEADER_DIGITS + 2)])]
    if pick == 3:  # a dropped slice
        return text[:pos] + text[pos + rng.randint(1, 40) :]
    if pick == 4:  # inserted digits
        return text[:pos] + _digits(rng, rng.randint(1, 20)) + text[pos:]
    if pick == 5:  # adjacent transposition
        p = min(pos, len(text) - 2)
        return text[:p] + text[p + 1] + text[p] + text[p + 2 :]
    if pick == 6:  # a stray character from another alphabet or keyboard layout
        return text[:pos] + rng.choice(ODD_CHARS) + text[pos:]
    if pick == 7:  # what an IME and a scanner suffix do: must still decode
        start = rng.randrange(len(text))
        full = text[:start] + text[start:].translate(FULL_WIDTH)
        return rng.choice(["", " ", "\r\n"]) + full + rng.choice(["", "\r", "\n", "\u3000"])
    if pick == 8:  # header change with a corrected check digit: the AEAD must catch it
        p = rng.randrange(1, HEADER_DIGITS - 1)
        changed = text[:p] + rng.choice("0123456789") + text[p + 1 :]
        head = changed[: HEADER_DIGITS - 1]
        return head + damm_check_digit(head) + changed[HEADER_DIGITS:]
    return text + text[: rng.randint(1, 30)]  # run-on: two scans without Enter


def _generators(single: list[str], parts: list[str], other: list[str]) -> list[Callable[[random.Random], list[str]]]:
    def mutate_single(rng: random.Random) -> list[str]:
        return [_mutate_text(rng, single[0])]

    def mutate_a_part(rng: random.Random) -> list[str]:
        texts = list(parts)
        i = rng.randrange(len(texts))
        texts[i] = _mutate_text(rng, texts[i])
        rng.shuffle(texts)
        return texts

    def shuffle_parts(rng: random.Random) -> list[str]:
        texts = rng.sample(parts + other, k=rng.randint(0, len(parts) + 2))
        return texts + rng.sample(parts, k=rng.randint(0, 2))

    def random_digits(rng: random.Random) -> list[str]:
        first = rng.choice("0123456789" + "1" * 5)
        return [first + _digits(rng, rng.randint(0, 1300))]

    def random_unicode(rng: random.Random) -> list[str]:
        return ["".join(rng.choice(ODD_CHARS + "0123456789" * 3) for _ in range(rng.randint(0, 60)))]

    return [
        mutate_single, mutate_single, mutate_single, mutate_a_part, mutate_a_part,
        shuffle_parts, random_digits, random_unicode, _well_formed_random,
    ]


@pytest.mark.slow  # about 7-11 s on a 2-core VM
def test_decoder_survives_100k_hostile_inputs() -> None:
    """100,000 mutated, truncated, mixed and random inputs: PayloadError with a code, or the true bundle."""
    rng = random.Random(SEED)
    single = encode_bundle(SMALL, PRIVATE.public_key(), KEY_ID)
    parts = encode_bundle(MEDIUM, PRIVATE.public_key(), KEY_ID, max_version=4)
    other = encode_bundle(MEDIUM, PRIVATE.public_key(), KEY_ID, max_version=4)
    assert len(single) == 1 and len(parts) >= 3
    generators = _generators(single, parts, other)
    codes: Counter[PayloadErrorCode] = Counter()
    decoded = 0
    for _ in range(INPUTS):
        texts = rng.choice(generators)(rng)
        try:
            bundle = decode_texts(texts, KEYRING)
        except PayloadError as exc:
            assert isinstance(exc.code, PayloadErrorCode), exc
            assert "undecodable input" not in exc.message, exc  # the catch-all never fires
            codes[exc.code] += 1
        else:
            # Only harmless changes (an IME's full-width digits, a digit swapped with an
            # equal neighbour, a re-scanned part) may decode, and then to the true bundle.
            assert bundle in (SMALL, MEDIUM)
            decoded += 1
        if texts:
            try:
                read_header(texts[0])
            except PayloadError as exc:
                assert isinstance(exc.code, PayloadErrorCode)
    decoder_codes = set(PayloadErrorCode) - {
        PayloadErrorCode.BAD_CONTENT, PayloadErrorCode.TOO_LARGE, PayloadErrorCode.BUNDLE_INVALID
    }
    assert decoder_codes <= set(codes), f"fuzzing never reached {decoder_codes - set(codes)}"
    assert decoded > 0 and sum(codes.values()) + decoded == INPUTS


def test_decoder_survives_authentic_hostile_content() -> None:
    """Mutated deflate streams and CBOR sealed with the public key decode or fail with BAD_CONTENT only."""
    rng = random.Random(SEED + 1)
    content = bundle_to_cbor(MEDIUM)
    compressed = deflate(content)
    codes: Counter[PayloadErrorCode] = Counter()
    for i in range(3000):
        if i % 2:  # damaged CBOR, compressed correctly
            data = bytearray(content)
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            cut = rng.choice([len(data), rng.randrange(len(data) + 1)])
            sealed = deflate(bytes(data[:cut]))
        else:  # damaged deflate stream
            data = bytearray(compressed)
            data[rng.randrange(len(data))] = rng.randrange(256)
            sealed = bytes(data[: rng.choice([len(data), rng.randrange(len(data) + 1)])])
        texts = seal_payload(sealed, PRIVATE.public_key(), KEY_ID, practice=MEDIUM.practice)
        try:
            decode_texts(texts, KEYRING)
        except PayloadError as exc:
            codes[exc.code] += 1
    assert set(codes) == {PayloadErrorCode.BAD_CONTENT}


@pytest.mark.parametrize("bad", [None, 123, b"123", ["1"], [None], [b"1"]])
def test_wrong_python_types_are_coded_errors(bad: object) -> None:
    """A caller passing bytes, None or numbers still gets a PayloadError, not a TypeError."""
    with pytest.raises(PayloadError):
        decode_texts(bad, KEYRING)  # type: ignore[arg-type]
