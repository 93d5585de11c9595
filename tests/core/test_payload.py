"""The QR handoff codec: round trips, header binding, every failure code, sizes."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import cbor2
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import (
    HEADER_DIGITS,
    PayloadError,
    PayloadErrorCode,
    bundle_to_cbor,
    bytes_to_digits,
    damm_check_digit,
    decode_texts,
    deflate,
    digits_for_bytes,
    digits_to_bytes,
    encode_bundle,
    numeric_capacity,
    read_header,
    seal_payload,
)
from kiosk.core.qr_symbol import make_symbol

KEY_ID = 42
PRIVATE = X25519PrivateKey.generate()
PUBLIC = PRIVATE.public_key()
KEYRING = {KEY_ID: PRIVATE}


def _name(family: str, given: str, family_kana: str, given_kana: str, latin: str) -> dict:
    # PERSON_NAME_PARTS: family 1, given 2, family_kana 3, given_kana 4, latin 5
    return {1: family, 2: given, 3: family_kana, 4: given_kana, 5: latin}


def family_of_four_tennyu(practice: bool = False) -> Bundle:
    """A Vietnamese family of four moving in: the measured worst common case."""
    # ADDRESS_PARTS: postal_code 1, prefecture 2, city 3, town 4, block 5, building 6
    new_address = {1: "1500002", 2: "東京都", 3: "渋谷区", 4: "渋谷", 5: "二丁目21番1号", 6: "渋谷ハイツ305号室"}
    old_address = {1: "5300001", 2: "大阪府", 3: "大阪市北区", 4: "梅田", 5: "三丁目1番3号", 6: "梅田レジデンス1204"}
    # Member keys: 1 name, 2 birth date, 3 sex code, 4 relationship code, 5 nationality,
    # 6 residence card number, 7 status of residence code.
    members = [
        {1: _name("グエン", "ヴァン アン", "グエン", "ヴァン アン", "NGUYEN VAN AN"), 2: 19850312,
         3: 1, 4: 1, 5: "ベトナム", 6: "UH12345678AB", 7: 2},
        {1: _name("チャン", "ティ ホア", "チャン", "ティ ホア", "TRAN THI HOA"), 2: 19880705,
         3: 2, 4: 2, 5: "ベトナム", 6: "UH23456789CD", 7: 2},
        {1: _name("グエン", "ミン", "グエン", "ミン", "NGUYEN MINH"), 2: 20150120,
         3: 1, 4: 3, 5: "ベトナム", 6: "UH34567890EF", 7: 3},
        {1: _name("グエン", "リン", "グエン", "リン", "NGUYEN LINH"), 2: 20191111,
         3: 2, 4: 3, 5: "ベトナム", 6: "UH45678901GH", 7: 3},
    ]
    values = {
        1: 20260401,  # date moved in
        2: new_address,
        3: old_address,
        4: _name("グエン", "ヴァン アン", "グエン", "ヴァン アン", "NGUYEN VAN AN"),  # head of household
        5: "09012345678",
        6: members,
        7: 1,  # reason code
        8: True,  # moving out certificate (転出証明書) brought
        9: 20260328,  # date moved out of the old address
    }
    return Bundle(
        ticket_number="A-017", language="vi", practice=practice, issued_at=1_775_000_000,
        site="kiosk-1", forms=(FormRecord("tennyu", 1, values),),
    )


def large_bundle(forms: int = 12) -> Bundle:
    """Several forms of hard-to-compress text: needs more than one version-20 code."""
    rng = random.Random(7)
    kanji = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    records = tuple(
        FormRecord(f"form_{i}", 1, {k: "".join(rng.choices(kanji, k=20)) for k in range(1, 6)})
        for i in range(forms)
    )
    return Bundle("A-001", "ja", False, 1_775_000_000, "kiosk-1", records)


def _codes(call) -> PayloadErrorCode:
    with pytest.raises(PayloadError) as info:
        call()
    return info.value.code


def _with_digit(text: str, pos: int, digit: str, fix_check: bool) -> str:
    out = text[:pos] + digit + text[pos + 1 :]
    if fix_check:
        head = out[: HEADER_DIGITS - 1]
        out = head + damm_check_digit(head) + out[HEADER_DIGITS:]
    return out


# ---------------------------------------------------------------- round trips and sizes


def test_family_of_four_fits_one_code_at_version_20_or_less() -> None:
    """The moving-in bundle of a family of four stays one regular numeric QR ≤ version 20-M."""
    bundle = family_of_four_tennyu()
    texts = encode_bundle(bundle, PUBLIC, KEY_ID)
    assert len(texts) == 1
    symbol = make_symbol(texts[0])
    print(f"family-of-four 転入届: {len(texts[0])} digits, QR version {symbol.version}-{symbol.error}")
    assert symbol.version <= 20 and symbol.mode == "numeric" and symbol.error == "M"
    assert decode_texts(texts, KEYRING) == bundle


def test_round_trip_with_raw_public_key_bytes() -> None:
    """A kiosk may hold the public key as 32 raw bytes; the result decodes the same."""
    bundle = family_of_four_tennyu()
    texts = encode_bundle(bundle, PUBLIC.public_bytes_raw(), KEY_ID)
    assert decode_texts(texts, KEYRING) == bundle


def test_texts_are_ascii_digits_only() -> None:
    """Every text is digits only, so one numeric segment and every keyboard layout carry it."""
    for text in encode_bundle(large_bundle(), PUBLIC, KEY_ID):
        assert text.isascii() and text.isdigit()


def test_round_trip_keeps_types_exact() -> None:
    """Booleans stay booleans, null stays null, negative and 64-bit ints survive."""
    values = {1: True, 2: 1, 3: None, 4: -(2**64), 5: 2**64 - 1, 6: [], 7: {}, 8: ""}
    bundle = Bundle("", "en", False, 0, "", (FormRecord("x", 0, values),))
    decoded = decode_texts(encode_bundle(bundle, PUBLIC, KEY_ID), KEYRING)
    got = decoded.forms[0].values
    assert got == values
    assert [type(got[k]) for k in sorted(got)] == [bool, int, type(None), int, int, list, dict, str]


def test_practice_flag_survives_and_is_in_the_header() -> None:
    """A practice bundle decodes as practice, and tools see the flag without a key."""
    texts = encode_bundle(family_of_four_tennyu(practice=True), PUBLIC, KEY_ID)
    assert read_header(texts[0]).practice is True
    assert decode_texts(texts, KEYRING).practice is True
    real = encode_bundle(family_of_four_tennyu(practice=False), PUBLIC, KEY_ID)
    assert read_header(real[0]).practice is False


def test_read_header_reports_every_field() -> None:
    """read_header gives version, key id, message id, part and length without a key."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, 7, message_id=123456)
    header = read_header(texts[0])
    assert (header.version, header.key_id, header.message_id) == (1, 7, 123456)
    assert (header.part_index, header.part_count) == (1, 1)
    assert digits_for_bytes(header.part_length) == len(texts[0]) - HEADER_DIGITS
    assert header.digits() == texts[0][:HEADER_DIGITS]


def test_scanner_input_is_normalised() -> None:
    """Full-width digits from an IME, spaces and the scanner's CR/LF still decode."""
    bundle = family_of_four_tennyu()
    (text,) = encode_bundle(bundle, PUBLIC, KEY_ID)
    full_width = "".join(chr(ord(c) - 0x30 + 0xFF10) for c in text)
    messy = " " + full_width[:40] + "\u3000" + full_width[40:] + "\r\n"
    assert decode_texts([messy], KEYRING) == bundle


def test_large_bundle_splits_into_parts_of_at_most_version_20() -> None:
    """Beyond one version-20 code the bundle splits; each part is a version ≤ 20 numeric QR."""
    bundle = large_bundle()
    texts = encode_bundle(bundle, PUBLIC, KEY_ID)
    assert len(texts) >= 2
    headers = [read_header(t) for t in texts]
    assert [h.part_index for h in headers] == list(range(1, len(texts) + 1))
    assert {h.part_count for h in headers} == {len(texts)}
    assert len({h.message_id for h in headers}) == 1
    for text in texts:
        symbol = make_symbol(text)
        assert symbol.version <= 20 and symbol.mode == "numeric"
    assert decode_texts(texts, KEYRING) == bundle


def test_parts_decode_in_any_order_and_tolerate_rescans() -> None:
    """All orders of the parts decode; scanning one part twice is harmless."""
    bundle = family_of_four_tennyu()
    texts = encode_bundle(bundle, PUBLIC, KEY_ID, max_version=10)
    assert len(texts) == 3
    for order in itertools.permutations(texts):
        assert decode_texts(list(order), KEYRING) == bundle
    assert decode_texts([texts[1], *texts, texts[0]], KEYRING) == bundle


def test_a_bundle_beyond_nine_codes_is_too_large() -> None:
    """The encoder refuses a bundle that would need more than nine codes."""
    assert _codes(lambda: encode_bundle(large_bundle(60), PUBLIC, KEY_ID)) is PayloadErrorCode.TOO_LARGE


@pytest.mark.parametrize(
    "values",
    [{1: 1.5}, {True: 1}, {-1: 1}, {1: b"bytes"}, {1: "\ud800"}, {1: {"a": 1}}, {1: 2**64}, {1: {1, 2}}],
)
def test_values_outside_the_data_model_are_refused(values: dict) -> None:
    """Floats, bytes, sets, string or bool keys, lone surrogates and bignums never get sealed."""
    bundle = Bundle("", "ja", False, 0, "", (FormRecord("x", 1, values),))
    assert _codes(lambda: encode_bundle(bundle, PUBLIC, KEY_ID)) is PayloadErrorCode.BUNDLE_INVALID


# ---------------------------------------------------------------- header binding


def test_changing_any_header_digit_is_refused() -> None:
    """Every one-digit change anywhere in a header fails with a code (check digit or AEAD)."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10)
    for part in range(len(texts)):
        for pos in range(HEADER_DIGITS):
            for digit in "0123456789":
                if digit == texts[part][pos]:
                    continue
                changed = list(texts)
                changed[part] = _with_digit(texts[part], pos, digit, fix_check=False)
                assert isinstance(_codes(lambda: decode_texts(changed, KEYRING)), PayloadErrorCode)


@pytest.mark.parametrize("pos", [5, 6, 9, 11])  # practice flag and message id digits
def test_header_is_bound_to_the_ciphertext(pos: int) -> None:
    """With a recomputed check digit, a changed practice flag or message id fails the AEAD."""
    (text,) = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, message_id=500000)
    digit = "1" if text[pos] == "0" else "0"
    forged = _with_digit(text, pos, digit, fix_check=True)
    assert read_header(forged)  # the forged header itself is well formed
    assert _codes(lambda: decode_texts([forged], KEYRING)) is PayloadErrorCode.WRONG_KEY_OR_TAMPERED


def test_rewriting_every_parts_header_still_fails() -> None:
    """A consistent new message id in all parts (check digits fixed) fails the AEAD."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10)
    header = read_header(texts[1])
    other = (header.message_id + 1) % 1_000_000
    forged = [t[:6] + f"{other:06d}" + t[12:] for t in texts]
    forged = [_with_digit(t, 0, t[0], fix_check=True) for t in forged]
    assert _codes(lambda: decode_texts(forged, KEYRING)) is PayloadErrorCode.WRONG_KEY_OR_TAMPERED


def test_damm_check_digit_known_value() -> None:
    """The header check digit is the standard Damm digit (572 → 4)."""
    assert damm_check_digit("572") == "4"
    assert damm_check_digit("5724") == "0"


# ---------------------------------------------------------------- failure codes


def test_wrong_key_is_reported() -> None:
    """A keyring with another key under the same id cannot authenticate the code."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID)
    other = {KEY_ID: X25519PrivateKey.generate()}
    assert _codes(lambda: decode_texts(texts, other)) is PayloadErrorCode.WRONG_KEY_OR_TAMPERED


def test_unknown_key_id_is_reported_with_the_id() -> None:
    """A key id the counter does not hold is named in the error."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, 9)
    with pytest.raises(PayloadError) as info:
        decode_texts(texts, KEYRING)
    assert info.value.code is PayloadErrorCode.UNKNOWN_KEY and info.value.key_id == 9


def test_changed_body_digit_is_tampering() -> None:
    """One changed ciphertext digit fails authentication."""
    (text,) = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID)
    pos = HEADER_DIGITS + 100
    forged = _with_digit(text, pos, "1" if text[pos] == "0" else "0", fix_check=False)
    assert _codes(lambda: decode_texts([forged], KEYRING)) is PayloadErrorCode.WRONG_KEY_OR_TAMPERED


@pytest.mark.parametrize("keep", [HEADER_DIGITS, HEADER_DIGITS + 17, -1])
def test_truncated_text_is_reported(keep: int) -> None:
    """A code cut short after its header says TRUNCATED (shorter than a header: NOT_OURS)."""
    (text,) = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID)
    assert _codes(lambda: decode_texts([text[:keep]], KEYRING)) is PayloadErrorCode.TRUNCATED


def test_missing_part_is_named() -> None:
    """Scanning parts 1 and 3 of 3 reports part 2 missing."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10)
    with pytest.raises(PayloadError) as info:
        decode_texts([texts[2], texts[0]], KEYRING)
    assert info.value.code is PayloadErrorCode.PART_MISSING
    assert info.value.missing == (2,) and info.value.part_count == 3


def test_parts_of_different_messages_are_refused() -> None:
    """Part 1 of one ticket with part 2 of another is a mismatch, not a garbled form."""
    first = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10, message_id=1)
    second = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10, message_id=2)
    mixed = [first[0], second[1], first[2]]
    assert _codes(lambda: decode_texts(mixed, KEYRING)) is PayloadErrorCode.PARTS_MISMATCH


def test_same_message_id_but_other_ciphertext_is_refused() -> None:
    """Two different codes claiming to be the same part of one message are a mismatch."""
    first = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10, message_id=5)
    second = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10, message_id=5)
    texts = [*first, second[0]]
    assert _codes(lambda: decode_texts(texts, KEYRING)) is PayloadErrorCode.PARTS_MISMATCH
    # Without duplicates, parts of two seals under one message id fail authentication.
    assert _codes(lambda: decode_texts([first[0], second[1], first[2]], KEYRING)) is (
        PayloadErrorCode.WRONG_KEY_OR_TAMPERED
    )


@pytest.mark.parametrize(
    "text, code",
    [
        ("", PayloadErrorCode.NOT_OURS),
        ("   \r\n", PayloadErrorCode.NOT_OURS),
        ("HC1:6BFOXN", PayloadErrorCode.NOT_OURS),
        ("https://example.org/", PayloadErrorCode.NOT_OURS),
        ("4901234567894", PayloadErrorCode.NOT_OURS),  # a JAN barcode: shorter than any header
        ("10001012", PayloadErrorCode.NOT_OURS),  # the start of one of ours, cut inside the header
        ("4" + "0123456789" * 4, PayloadErrorCode.UNKNOWN_VERSION),  # long enough, version 4
        ("0123456789012345678901", PayloadErrorCode.NOT_OURS),
        ("1" + "0" * 30, PayloadErrorCode.NOT_OURS),  # bad check digit
        ("١٢٣", PayloadErrorCode.NOT_OURS),  # Arabic-Indic digits are not NFKC digits
    ],
)
def test_foreign_texts_are_not_ours(text: str, code: PayloadErrorCode) -> None:
    """Other QR contents are told apart from ours, and an unknown version says so."""
    assert _codes(lambda: decode_texts([text], KEYRING)) is code
    assert _codes(lambda: read_header(text)) is code


def test_extra_digits_are_not_ours() -> None:
    """Digits beyond the announced length (e.g. two codes run together) are refused."""
    (text,) = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID)
    assert _codes(lambda: decode_texts([text + "123"], KEYRING)) is PayloadErrorCode.NOT_OURS


def test_no_texts_is_refused() -> None:
    """Decoding nothing is an error with a code, not an empty bundle."""
    assert _codes(lambda: decode_texts([], KEYRING)) is PayloadErrorCode.NOT_OURS


def test_text_index_points_at_the_bad_scan() -> None:
    """The error names which of the scanned texts is at fault."""
    texts = encode_bundle(family_of_four_tennyu(), PUBLIC, KEY_ID, max_version=10)
    with pytest.raises(PayloadError) as info:
        decode_texts([texts[0], "hello", texts[1]], KEYRING)
    assert info.value.text_index == 1


# ---------------------------------------------------------------- hostile authentic content


def _seal(compressed: bytes, practice: bool = False) -> list[str]:
    return seal_payload(compressed, PUBLIC, KEY_ID, practice=practice)


@pytest.mark.parametrize(
    "compressed",
    [
        b"not zlib at all",
        deflate(b"\x00" * 1_000_000),  # a decompression bomb
        deflate(b"\xff\xfe"),  # not CBOR
        deflate(cbor2.dumps([1, 2, 3])),  # not a map
        deflate(cbor2.dumps({1: "A-1", 2: "ja", 3: False, 4: 0, 5: "k"})),  # no forms
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [], 7: 1})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: 0, 4: 0, 5: "k", 6: []})),  # int practice
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: -1, 5: "k", 6: []})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [["f", 1, {1: 1.5}]]})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [["f", 1, {"a": 1}]]})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [["", 1, {}]]})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [["f", 1]]})),
        # A datetime tag inside a value, and a bignum tag (2**70) as an int.
        deflate(bytes.fromhex("a6") + cbor2.dumps(1) + cbor2.dumps("A") + cbor2.dumps(2)
                      + cbor2.dumps("ja") + cbor2.dumps(3) + cbor2.dumps(False) + cbor2.dumps(4)
                      + bytes.fromhex("c100") + cbor2.dumps(5) + cbor2.dumps("k")
                      + cbor2.dumps(6) + cbor2.dumps([])),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k",
                                   6: [["f", 1, {1: 2**70}]]})),
        # A self-referencing array in a value, via CBOR value sharing (tags 28/29).
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: [["f", 1, {1: 0}]]})[:-1]
                      + bytes.fromhex("d81c81d81d00")),
        # Practice flag in the content differs from the header.
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: True, 4: 0, 5: "k", 6: []})),
        deflate(cbor2.dumps({1: "A", 2: "ja", 3: False, 4: 0, 5: "k", 6: []})) + b"xx",
    ],
)
def test_authentic_but_bad_content_is_refused(compressed: bytes) -> None:
    """Anyone with the public key can seal content: garbage, bombs and odd CBOR are BAD_CONTENT."""
    texts = _seal(compressed)
    assert _codes(lambda: decode_texts(texts, KEYRING)) is PayloadErrorCode.BAD_CONTENT


def test_minimal_hand_built_content_decodes() -> None:
    """The spec's CBOR layout, built by hand as another vendor would, decodes to a Bundle."""
    content = cbor2.dumps({1: "B-002", 2: "en", 3: True, 4: 1_775_000_000, 5: "kiosk-2",
                           6: [["kokuho", 3, {1: {1: "山田", 2: "太郎"}, 2: 19700101}]]})
    bundle = decode_texts(_seal(deflate(content), practice=True), KEYRING)
    assert bundle == Bundle("B-002", "en", True, 1_775_000_000, "kiosk-2",
                            (FormRecord("kokuho", 3, {1: {1: "山田", 2: "太郎"}, 2: 19700101}),))
    assert bundle_to_cbor(bundle) == cbor2.dumps(cbor2.loads(content), canonical=True)


# ---------------------------------------------------------------- digit codec and capacity


def test_digit_codec_round_trips_every_length() -> None:
    """7 bytes → 17 digits, shorter last chunk, leading zero bytes kept."""
    rng = random.Random(1)
    for n in range(0, 60):
        data = bytes(rng.randrange(256) for _ in range(n))
        for sample in (data, b"\x00" * n, b"\xff" * n):
            text = bytes_to_digits(sample)
            assert len(text) == digits_for_bytes(n)
            assert digits_to_bytes(text) == sample


@pytest.mark.parametrize("text", ["99999999999999999", "999", "1234"])
def test_digit_codec_rejects_impossible_chunks(text: str) -> None:
    """A chunk above 256**k - 1 or a chunk length the encoder never writes is refused."""
    with pytest.raises(ValueError):
        digits_to_bytes(text)


@pytest.mark.parametrize("version", [1, 9, 10, 15, 20, 26, 27, 30])
def test_numeric_capacity_matches_segno(version: int) -> None:
    """The capacity table used for splitting agrees with segno at the version boundary."""
    cap = numeric_capacity(version)
    make = lambda n: segno.make("7" * n, mode="numeric", error="m", micro=False, boost_error=False)  # noqa: E731
    assert make(cap).version == version
    assert make(cap + 1).version == version + 1


def test_the_published_dictionary_never_changes() -> None:
    """Format 1's preset deflate dictionary is the one docs/qr-spec.md publishes, byte for byte."""
    import hashlib

    from kiosk.core.payload_dictionary import DICTIONARY_V1

    digest = hashlib.sha256(DICTIONARY_V1).hexdigest()
    assert len(DICTIONARY_V1) == 1400
    assert digest == "7434c208ba04de190d044131bcdaa8126f143bb09e4af417a3fab514a498e48d"
    spec = (Path(__file__).resolve().parents[2] / "docs" / "qr-spec.md").read_text(encoding="utf-8")
    assert digest in spec
