"""Property tests: any bundle the data model allows round-trips byte-exactly through the QR codec."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import (
    bundle_to_cbor,
    bytes_to_digits,
    decode_texts,
    digits_to_bytes,
    encode_bundle,
)

PRIVATE = X25519PrivateKey.generate()
KEYRING = {3: PRIVATE}

# Characters that break naive pipelines: outside Shift_JIS (𠮷 U+20BB7, 髙, 﨑), combining
# marks in both orders, ZWJ emoji sequences, variation selectors, and the empty string.
TRICKY = ["𠮷", "髙", "﨑", "e\u0301", "\u0301", "👨\u200d👩\u200d👧\u200d👦", "葛\U000E0100", "Ｎ", "ｱ", "\u3000", "\x00", ""]

texts = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(TRICKY), max_size=8).map("".join),
    # Long fields: a drawn run of tricky pieces repeated into hundreds of characters
    # (drawing hundreds of pieces one by one would make generation the slow part).
    st.tuples(
        st.lists(st.sampled_from(TRICKY + ["A", "ア", "山"]), min_size=1, max_size=12).map("".join),
        st.integers(min_value=20, max_value=60),
    ).map(lambda run: run[0] * run[1]),
)
uints = st.integers(min_value=0, max_value=2**64 - 1)
ints = st.integers(min_value=-(2**64), max_value=2**64 - 1)
scalars = st.one_of(st.none(), st.booleans(), ints, texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(uints, inner, max_size=4),
    ),
    max_leaves=12,
)
forms = st.builds(
    FormRecord,
    form_id=st.text(min_size=1, max_size=20),
    form_version=uints,
    values=st.dictionaries(st.integers(min_value=0, max_value=300), values, max_size=6),
)
bundles = st.builds(
    Bundle,
    ticket_number=texts,
    language=st.sampled_from(["ja", "ja-x-easy", "vi", "ne", ""]),
    practice=st.booleans(),
    issued_at=uints,
    site=texts,
    forms=st.lists(forms, max_size=3).map(tuple),
)


def _strict_equal(a: Any, b: Any) -> bool:
    # ``==`` alone would accept True for 1 and 1 for True; the payload must keep types.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_strict_equal(x, y) for x, y in zip(a, b))
    return a == b


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles)
def test_any_bundle_round_trips_exactly(bundle: Bundle) -> None:
    """Every field, every code point, every type comes back as it went in."""
    texts = encode_bundle(bundle, PRIVATE.public_key(), 3, max_version=40)
    decoded = decode_texts(list(reversed(texts)), KEYRING)
    assert decoded == bundle
    assert bundle_to_cbor(decoded) == bundle_to_cbor(bundle)
    for original, back in zip(bundle.forms, decoded.forms):
        assert _strict_equal(dict(original.values), back.values)
        assert original.form_id.encode("utf-8") == back.form_id.encode("utf-8")
    assert decoded.ticket_number.encode("utf-8") == bundle.ticket_number.encode("utf-8")
    assert decoded.site.encode("utf-8") == bundle.site.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_digit_codec_round_trips_any_bytes(data: bytes) -> None:
    """The decimal encoding is a bijection on byte strings, leading zeros included."""
    assert digits_to_bytes(bytes_to_digits(data)) == data


def test_maximal_and_empty_fields_round_trip_and_one_too_many_is_refused() -> None:
    """An all-empty bundle and the largest one nine version-20 codes hold decode exactly; one more byte is TOO_LARGE."""
    import random

    from kiosk.core.payload import MAX_PARTS, PayloadError, PayloadErrorCode, deflate

    public, key_id = PRIVATE.public_key(), 3
    empty = Bundle("", "ja", False, 0, "", (FormRecord("f", 0, {1: "", 2: {}, 3: []}),))
    assert decode_texts(encode_bundle(empty, public, key_id), KEYRING) == empty

    rng = random.Random(7)  # incompressible names: CJK ideographs, Ext-B, emoji
    alphabet = [chr(c) for c in range(0x4E00, 0x9FFF)] + ["𠮷", "髙", "﨑", "👨\u200d👩\u200d👧"]
    long_text = "".join(rng.choice(alphabet) for _ in range(4000))

    def bundle_of(length: int) -> Bundle:
        return Bundle("A-999", "ja", False, 0, "k", (FormRecord("tennyu", 1, {1: long_text[:length]}),))

    low, high = 1, 4000  # binary search for the longest field that still fits
    while low < high:
        middle = (low + high + 1) // 2
        try:
            encode_bundle(bundle_of(middle), public, key_id)
            low = middle
        except PayloadError as exc:
            assert exc.code is PayloadErrorCode.TOO_LARGE
            high = middle - 1
    assert 100 < low < 4000
    largest = bundle_of(low)
    texts = encode_bundle(largest, public, key_id)
    assert len(texts) <= MAX_PARTS
    assert decode_texts(list(reversed(texts)), KEYRING) == largest
    assert len(deflate(bundle_to_cbor(largest))) > 4000
    with pytest.raises(PayloadError) as info:
        encode_bundle(bundle_of(low + 1), public, key_id)
    assert info.value.code is PayloadErrorCode.TOO_LARGE
