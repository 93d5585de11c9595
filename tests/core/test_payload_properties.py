"""Property tests: any bundle the data model allows round-trips byte-exactly through the QR codec."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import bundle_to_cbor, decode_texts, digits_to_bytes, bytes_to_digits, encode_bundle

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
