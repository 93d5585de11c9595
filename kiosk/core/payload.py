"""The QR handoff codec: a ``Bundle`` to digits-only QR texts and back (docs/qr-spec.md).

Pipeline: Bundle → CBOR with small integer keys → raw deflate with a preset dictionary
(kiosk/core/payload_dictionary.py) → HPKE base mode (RFC 9180:
X25519, HKDF-SHA256, AES-128-GCM) sealed to the counter's public key → decimal digits
(7 bytes → 17 digits), each text prefixed by a 19-digit header. One ciphertext is cut into
several texts only when one would exceed the maximum QR version (20 at ECC M by default).
The decoder accepts whatever a scanner typed (full-width digits, spaces, CR/LF) and fails
only with a ``PayloadError`` that carries a ``PayloadErrorCode``, for any input at all.
This module must not draw, scan, read key files or log anything: the texts and the
bundle hold personal data, so it returns values and raises codes, nothing else.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import cbor2
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.payload_dictionary import DICTIONARY_V1


class PayloadErrorCode(ErrorCode):
    NOT_OURS = "QR_001"  # not our format: non-digits, bad header check digit, bad fields
    UNKNOWN_VERSION = "QR_002"  # a format version this decoder does not know
    TRUNCATED = "QR_003"  # fewer digits than the header announces
    PART_MISSING = "QR_004"  # a multi-code message with parts not scanned yet
    PARTS_MISMATCH = "QR_005"  # parts of different messages, or contradicting duplicates
    UNKNOWN_KEY = "QR_006"  # key id not in the keyring (rotated out, or another city)
    WRONG_KEY_OR_TAMPERED = "QR_007"  # authentication failed
    BAD_CONTENT = "QR_008"  # authentic, but not valid deflate / CBOR / bundle structure
    TOO_LARGE = "QR_009"  # encoder: the bundle needs more than MAX_PARTS codes
    BUNDLE_INVALID = "QR_010"  # encoder: a value that the format cannot carry


class PayloadError(KioskError):
    """A QR text that cannot be decoded, or a bundle that cannot be encoded.

    ``missing`` lists the 1-based part indices not yet scanned (PART_MISSING);
    ``part_count`` is the announced number of parts; ``key_id`` is set for UNKNOWN_KEY;
    ``text_index`` is the 0-based position, in the caller's sequence, of the text at fault.
    Messages never contain payload digits or personal data.
    """

    def __init__(
        self,
        code: PayloadErrorCode,
        message: str,
        *,
        missing: tuple[int, ...] = (),
        part_count: int | None = None,
        key_id: int | None = None,
        text_index: int | None = None,
    ) -> None:
        super().__init__(code, message)
        self.missing = missing
        self.part_count = part_count
        self.key_id = key_id
        self.text_index = text_index


#: Mapping of key id → counter private key; several while keys rotate.
Keyring = Mapping[int, X25519PrivateKey]

FORMAT_VERSION = 1
HEADER_DIGITS = 19
MAX_KEY_ID = 9999
MAX_MESSAGE_ID = 999_999
MAX_PARTS = 9
#: Decompressed-size ceiling: a guard against decompression bombs sealed with the (public) key.
#: The encoder refuses bundles above it, so everything encodable stays decodable.
MAX_CONTENT_BYTES = 65_536
#: Anything longer than a version-40 numeric code plus generous whitespace is not ours;
#: checked before NFKC so a pasted novel costs nothing.
MAX_TEXT_CHARS = 20_000
_MAX_DEPTH = 16
_INT_MIN, _INT_MAX = -(2**64), 2**64 - 1  # CBOR major types 0/1, no bignum tags

# HPKE suite and the label that starts ``info``: the info string is this label followed
# by every part's full header in index order, so a changed header digit anywhere
# derives a different key and the AEAD fails (RFC 9180 §5.1, key schedule).
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
_HPKE_OVERHEAD = 48  # 32-byte encapsulated key + 16-byte GCM tag
_INFO_LABEL = b"smart-counter-kiosk/qr/v1:"

# Top-level CBOR map keys (docs/qr-spec.md "CBOR layout").
_K_TICKET, _K_LANGUAGE, _K_PRACTICE, _K_ISSUED_AT, _K_SITE, _K_FORMS = 1, 2, 3, 4, 5, 6
_TOP_KEYS = frozenset({_K_TICKET, _K_LANGUAGE, _K_PRACTICE, _K_ISSUED_AT, _K_SITE, _K_FORMS})

# Data codewords per QR version at ECC M (ISO/IEC 18004 table 7); a test checks the
# derived numeric capacity against segno at every version boundary.
_DATA_CODEWORDS_M = (
    16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627,
    669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812,
    1914, 1992, 2102, 2216, 2334,
)

# Digits per chunk of k bytes: the fewest decimal digits that hold 256**k - 1.
_CHUNK_DIGITS = {1: 3, 2: 5, 3: 8, 4: 10, 5: 13, 6: 15, 7: 17}
_DIGITS_TO_BYTES = {d: k for k, d in _CHUNK_DIGITS.items()}

# Damm check digit: detects every single-digit error and every adjacent transposition,
# which is what a misread or mistyped header looks like.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


_DAMM_BY_CHAR = tuple({str(d): nxt for d, nxt in enumerate(row)} for row in _DAMM)


def damm_check_digit(digits: str) -> str:
    """The Damm check digit of an ASCII digit string."""
    interim = 0
    for ch in digits:
        interim = _DAMM_BY_CHAR[interim][ch]
    return str(interim)


@dataclass(frozen=True)
class Header:
    """The 19 header digits of one QR text (docs/qr-spec.md "Header")."""

    version: int
    key_id: int
    practice: bool
    message_id: int
    part_index: int  # 1-based
    part_count: int
    part_length: int  # bytes of ciphertext carried by this part

    def digits(self) -> str:
        body = (
            f"{self.version:01d}{self.key_id:04d}{int(self.practice):01d}"
            f"{self.message_id:06d}{self.part_index:01d}{self.part_count:01d}"
            f"{self.part_length:04d}"
        )
        return body + damm_check_digit(body)


def numeric_capacity(version: int) -> int:
    """Digits that one numeric segment can hold in a regular QR of ``version`` at ECC M."""
    if not 1 <= version <= 40:
        raise ValueError(f"QR version must be 1..40, not {version}")
    count_bits = 10 if version < 10 else 12 if version < 27 else 14
    bits = _DATA_CODEWORDS_M[version - 1] * 8 - 4 - count_bits
    digits = bits // 10 * 3
    rest = bits % 10
    return digits + (2 if rest >= 7 else 1 if rest >= 4 else 0)


def digits_for_bytes(n: int) -> int:
    """Length of the decimal text for ``n`` bytes (17 digits per 7 bytes, last chunk shorter)."""
    full, rest = divmod(n, 7)
    return full * 17 + (_CHUNK_DIGITS[rest] if rest else 0)


def bytes_to_digits(data: bytes) -> str:
    out = []
    for i in range(0, len(data), 7):
        chunk = data[i : i + 7]
        out.append(str(int.from_bytes(chunk, "big")).zfill(_CHUNK_DIGITS[len(chunk)]))
    return "".join(out)


def digits_to_bytes(text: str) -> bytes:
    """Inverse of ``bytes_to_digits``; ValueError for a length or chunk value it never makes."""
    full, rest = divmod(len(text), 17)
    if rest and rest not in _DIGITS_TO_BYTES:
        raise ValueError("digit count is not a whole number of chunks")
    out = bytearray()
    pos = 0
    while pos < len(text):
        width = min(17, len(text) - pos)
        size = _DIGITS_TO_BYTES[width]
        value = int(text[pos : pos + width])
        if value >= 256**size:
            raise ValueError("chunk value out of range")
        out += value.to_bytes(size, "big")
        pos += width
    return bytes(out)


# --------------------------------------------------------------------------- encoding


def encode_bundle(
    bundle: Bundle,
    public_key: X25519PublicKey | bytes,
    key_id: int,
    *,
    max_version: int = 20,
    message_id: int | None = None,
) -> list[str]:
    """Seal ``bundle`` to the counter's public key; return one or more digit texts.

    Several texts come back only when one would exceed ``max_version`` at ECC M; all of
    them are needed to decode, in any order. ``message_id`` is random unless given
    (test vectors fix it). Raises PayloadError BUNDLE_INVALID or TOO_LARGE.
    """
    content = bundle_to_cbor(bundle)
    if len(content) > MAX_CONTENT_BYTES:
        raise PayloadError(
            PayloadErrorCode.TOO_LARGE,
            f"bundle content is {len(content)} bytes; the format allows {MAX_CONTENT_BYTES}",
        )
    return seal_payload(
        deflate(content),
        public_key,
        key_id,
        practice=bundle.practice,
        max_version=max_version,
        message_id=message_id,
    )


def seal_payload(
    compressed: bytes,
    public_key: X25519PublicKey | bytes,
    key_id: int,
    *,
    practice: bool,
    max_version: int = 20,
    message_id: int | None = None,
) -> list[str]:
    """Encrypt already-compressed content and cut it into texts (the lower half of encode).

    Public so that test vectors and robustness tests can seal content that
    ``encode_bundle`` would never produce; callers normally use ``encode_bundle``.
    """
    if not 0 <= key_id <= MAX_KEY_ID:
        raise ValueError(f"key id must be 0..{MAX_KEY_ID}, not {key_id}")
    if message_id is None:
        message_id = secrets.randbelow(MAX_MESSAGE_ID + 1)
    if not 0 <= message_id <= MAX_MESSAGE_ID:
        raise ValueError(f"message id must be 0..{MAX_MESSAGE_ID}, not {message_id}")
    if isinstance(public_key, (bytes, bytearray)):
        public_key = X25519PublicKey.from_public_bytes(bytes(public_key))

    total = len(compressed) + _HPKE_OVERHEAD
    per_part = _max_part_bytes(max_version)
    count = math.ceil(total / per_part)
    if count > MAX_PARTS:
        raise PayloadError(
            PayloadErrorCode.TOO_LARGE,
            f"bundle needs {count} codes at QR version {max_version}; the format allows {MAX_PARTS}",
        )
    # Balanced parts: codes of similar size print and scan alike. Lengths are known
    # before encryption (HPKE adds a fixed 48 bytes), so every header, and with them
    # the ``info`` that binds them, exists before sealing.
    base, extra = divmod(total, count)
    lengths = [base + (1 if i < extra else 0) for i in range(count)]
    headers = [
        Header(FORMAT_VERSION, key_id, practice, message_id, i + 1, count, length).digits()
        for i, length in enumerate(lengths)
    ]
    sealed = _SUITE.encrypt(compressed, public_key, info=_info(headers))
    texts = []
    pos = 0
    for header, length in zip(headers, lengths):
        texts.append(header + bytes_to_digits(sealed[pos : pos + length]))
        pos += length
    return texts


def _max_part_bytes(max_version: int) -> int:
    room = numeric_capacity(max_version) - HEADER_DIGITS
    n = room // 17 * 7
    while digits_for_bytes(n + 1) <= room:
        n += 1
    if n < 1:
        raise ValueError(f"QR version {max_version} cannot hold a header and any ciphertext")
    return n


def _info(headers: Sequence[str]) -> bytes:
    return _INFO_LABEL + "".join(headers).encode("ascii")


def bundle_to_cbor(bundle: Bundle) -> bytes:
    """The canonical CBOR content of a bundle (before compression); BUNDLE_INVALID if unfit."""
    try:
        top = {
            _K_TICKET: _need_str(bundle.ticket_number, "ticket_number"),
            _K_LANGUAGE: _need_str(bundle.language, "language"),
            _K_PRACTICE: _need_bool(bundle.practice, "practice"),
            _K_ISSUED_AT: _need_uint(bundle.issued_at, "issued_at"),
            _K_SITE: _need_str(bundle.site, "site"),
            _K_FORMS: [_form_to_list(form, i) for i, form in enumerate(bundle.forms)],
        }
        return cbor2.dumps(top, canonical=True)
    except _Invalid as exc:
        raise PayloadError(PayloadErrorCode.BUNDLE_INVALID, f"cannot encode bundle: {exc}") from None


class _Invalid(Exception):
    """A value outside the payload's data model; carries the path, never the value."""


def _need_str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{where}: expected text, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid(f"{where}: text is not valid Unicode (lone surrogate)") from None
    return value


def _need_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"{where}: expected a boolean, got {type(value).__name__}")
    return value


def _need_uint(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _INT_MAX:
        raise _Invalid(f"{where}: expected an unsigned integer")
    return value


def _form_to_list(form: Any, index: int) -> list[Any]:
    where = f"forms[{index}]"
    if not isinstance(form, FormRecord):
        raise _Invalid(f"{where}: expected a FormRecord, got {type(form).__name__}")
    form_id = _need_str(form.form_id, f"{where}.form_id")
    if not form_id:
        raise _Invalid(f"{where}.form_id: empty")
    if not isinstance(form.values, Mapping):
        raise _Invalid(f"{where}.values: expected a mapping")
    return [
        form_id,
        _need_uint(form.form_version, f"{where}.form_version"),
        _value_to_cbor(form.values, f"{where}.values", 0),
    ]


def _value_to_cbor(value: Any, where: str, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise _Invalid(f"{where}: nested deeper than {_MAX_DEPTH}")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise _Invalid(f"{where}: integer outside the 64-bit CBOR range")
        return value
    if isinstance(value, str):
        return _need_str(value, where)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= _INT_MAX:
                raise _Invalid(f"{where}: map keys must be unsigned integers")
            out[key] = _value_to_cbor(item, f"{where}[{key}]", depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_value_to_cbor(item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise _Invalid(f"{where}: {type(value).__name__} is not a payload value")


# --------------------------------------------------------------------------- decoding


def normalise_text(text: str) -> str:
    """What a scanner typed → the digits it meant: NFKC, whitespace dropped.

    Returns the digit string; raises NOT_OURS if anything but digits and whitespace
    remains (letters, punctuation, digits of other scripts).
    """
    if not isinstance(text, str):
        raise PayloadError(PayloadErrorCode.NOT_OURS, "a QR text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "text is far longer than any QR code")
    if not (text.isascii() and text.isdigit()):
        # Full-width digits from a Japanese IME and the ideographic space map back
        # under NFKC; a scanner's CR/LF suffix and stray spaces are dropped.
        text = "".join(unicodedata.normalize("NFKC", text).split())
    if not text:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "empty text")
    if not (text.isascii() and text.isdigit()):
        raise PayloadError(PayloadErrorCode.NOT_OURS, "text contains characters other than digits")
    return text


def read_header(text: str) -> Header:
    """Parse and check one text's header and length (no key needed): for tools and the
    staff console's "part 2 of 3 scanned" and practice checks."""
    return _parse(normalise_text(text))[0]


def _parse(digits: str) -> tuple[Header, str]:
    if len(digits) < HEADER_DIGITS:
        # Shorter than any version's header (every sealed payload is far longer): a shop
        # barcode (JAN 49…), a phone number, a misread. Saying "newer version" would send
        # staff hunting for an update that does not exist.
        raise PayloadError(PayloadErrorCode.NOT_OURS, "text is shorter than any ticket code")
    version = ord(digits[0]) - 48
    if version == 0:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "version digit 0 is never used")
    if version != FORMAT_VERSION:
        raise PayloadError(
            PayloadErrorCode.UNKNOWN_VERSION,
            f"format version {version} is not known to this decoder (it reads version {FORMAT_VERSION})",
        )
    head = digits[:HEADER_DIGITS]
    if damm_check_digit(head[:-1]) != head[-1]:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "header check digit does not match")
    practice = head[5]
    index, count, length = int(head[12]), int(head[13]), int(head[14:18])
    if practice not in "01" or count == 0 or not 1 <= index <= count or length == 0:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "header fields out of range")
    header = Header(
        version=version,
        key_id=int(head[1:5]),
        practice=practice == "1",
        message_id=int(head[6:12]),
        part_index=index,
        part_count=count,
        part_length=length,
    )
    body = digits[HEADER_DIGITS:]
    expected = digits_for_bytes(length)
    if len(body) < expected:
        raise PayloadError(
            PayloadErrorCode.TRUNCATED,
            f"part {index} of {count} has {len(body)} of its {expected} digits",
        )
    if len(body) > expected:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "more digits than the header announces")
    return header, body


def decode_texts(texts: Sequence[str], keyring: Keyring) -> Bundle:
    """Every part of one message (any order, duplicates allowed) → the Bundle.

    Raises PayloadError, and nothing else, for any input.
    """
    try:
        return _decode(texts, keyring)
    except PayloadError:
        raise
    except Exception as exc:  # pragma: no cover - the fuzz test keeps this unreachable
        # A last line of defence: the staff console must show a code, never a traceback.
        raise PayloadError(
            PayloadErrorCode.NOT_OURS, f"undecodable input ({type(exc).__name__})"
        ) from None


def _decode(texts: Sequence[str], keyring: Keyring) -> Bundle:
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, Sequence):
        raise PayloadError(PayloadErrorCode.NOT_OURS, "expected a sequence of QR texts")
    parts: dict[int, tuple[str, str]] = {}  # index → (header digits, body digits)
    first: Header | None = None
    for position, text in enumerate(texts):
        try:
            digits = normalise_text(text)
            header, body = _parse(digits)
        except PayloadError as exc:
            exc.text_index = position
            raise
        if first is None:
            first = header
        elif (header.version, header.key_id, header.practice, header.message_id, header.part_count) != (
            first.version, first.key_id, first.practice, first.message_id, first.part_count
        ):
            raise PayloadError(
                PayloadErrorCode.PARTS_MISMATCH,
                "these codes belong to different tickets or messages",
                text_index=position,
            )
        seen = parts.get(header.part_index)
        if seen is not None and seen != (digits[:HEADER_DIGITS], body):
            raise PayloadError(
                PayloadErrorCode.PARTS_MISMATCH,
                f"two different codes claim to be part {header.part_index}",
                text_index=position,
            )
        parts[header.part_index] = (digits[:HEADER_DIGITS], body)
    if first is None:
        raise PayloadError(PayloadErrorCode.NOT_OURS, "no QR text given")

    count = first.part_count
    missing = tuple(i for i in range(1, count + 1) if i not in parts)
    if missing:
        raise PayloadError(
            PayloadErrorCode.PART_MISSING,
            f"part(s) {', '.join(map(str, missing))} of {count} not scanned yet",
            missing=missing,
            part_count=count,
        )
    private_key = keyring.get(first.key_id)
    if private_key is None:
        raise PayloadError(
            PayloadErrorCode.UNKNOWN_KEY,
            f"key {first.key_id:04d} is not among this counter's keys",
            key_id=first.key_id,
        )

    ordered = [parts[i] for i in range(1, count + 1)]
    try:
        sealed = b"".join(digits_to_bytes(body) for _, body in ordered)
        compressed = _SUITE.decrypt(sealed, private_key, info=_info([h for h, _ in ordered]))
    except Exception:
        # InvalidTag for a wrong key or any changed digit; ValueError for digit chunks
        # that no encoder writes. Both mean: not readable with this key as scanned.
        raise PayloadError(
            PayloadErrorCode.WRONG_KEY_OR_TAMPERED,
            f"cannot authenticate the code with key {first.key_id:04d}: wrong key, or the code was altered",
        ) from None

    # Anyone holding the public key can seal content, so from here on the plaintext is
    # untrusted input too: bounded decompression, then a strict structural check.
    content = _inflate(compressed)
    try:
        top = cbor2.loads(content)
    except Exception:
        raise PayloadError(PayloadErrorCode.BAD_CONTENT, "content is not valid CBOR") from None
    try:
        bundle = _bundle_from_cbor(top)
    except _Invalid as exc:
        raise PayloadError(PayloadErrorCode.BAD_CONTENT, f"content structure: {exc}") from None
    if bundle.practice != first.practice:
        raise PayloadError(
            PayloadErrorCode.BAD_CONTENT, "practice flag in the header and in the content differ"
        )
    return bundle


def deflate(content: bytes) -> bytes:
    """Raw deflate (RFC 1951) at level 9 with the format's preset dictionary.

    No zlib wrapper: its Adler-32 only repeats what the AEAD tag already guarantees, and
    its 6 bytes matter at the edge of a QR version.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=DICTIONARY_V1)
    return compressor.compress(content) + compressor.flush()


def _inflate(compressed: bytes) -> bytes:
    try:
        inflater = zlib.decompressobj(-15, zdict=DICTIONARY_V1)
        content = inflater.decompress(compressed, MAX_CONTENT_BYTES)
        if inflater.unconsumed_tail:
            raise PayloadError(
                PayloadErrorCode.BAD_CONTENT,
                f"content expands beyond {MAX_CONTENT_BYTES} bytes",
            )
        content += inflater.flush()
    except zlib.error:
        raise PayloadError(PayloadErrorCode.BAD_CONTENT, "content is not valid deflate data") from None
    if not inflater.eof or inflater.unused_data or len(content) > MAX_CONTENT_BYTES:
        raise PayloadError(PayloadErrorCode.BAD_CONTENT, "content is not one complete deflate stream")
    return content


def _bundle_from_cbor(top: Any) -> Bundle:
    if not isinstance(top, dict) or set(top) != _TOP_KEYS or any(type(k) is not int for k in top):
        raise _Invalid(f"top level must be a map with exactly the keys {sorted(_TOP_KEYS)}")
    forms_raw = top[_K_FORMS]
    if not isinstance(forms_raw, list):
        raise _Invalid("forms: expected an array")
    forms = []
    for i, item in enumerate(forms_raw):
        where = f"forms[{i}]"
        if not isinstance(item, list) or len(item) != 3:
            raise _Invalid(f"{where}: expected [form_id, form_version, values]")
        form_id = _need_str(item[0], f"{where}.form_id")
        if not form_id:
            raise _Invalid(f"{where}.form_id: empty")
        values = item[2]
        if not isinstance(values, dict):
            raise _Invalid(f"{where}.values: expected a map")
        forms.append(
            FormRecord(
                form_id=form_id,
                form_version=_need_uint(item[1], f"{where}.form_version"),
                values=_check_decoded(values, f"{where}.values", 0),
            )
        )
    return Bundle(
        ticket_number=_need_str(top[_K_TICKET], "ticket"),
        language=_need_str(top[_K_LANGUAGE], "language"),
        practice=_need_bool(top[_K_PRACTICE], "practice"),
        issued_at=_need_uint(top[_K_ISSUED_AT], "issued_at"),
        site=_need_str(top[_K_SITE], "site"),
        forms=tuple(forms),
    )


def _check_decoded(value: Any, where: str, depth: int) -> Any:
    # ``type(...) is`` on purpose: cbor2 turns tags into datetimes, sets, Decimals and
    # the like, and bignum tags into plain ints; none of them is in the data model.
    if depth > _MAX_DEPTH:
        raise _Invalid(f"{where}: nested deeper than {_MAX_DEPTH}")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if not _INT_MIN <= value <= _INT_MAX:
            raise _Invalid(f"{where}: integer outside the 64-bit CBOR range")
        return value
    if kind is dict:
        for key, item in value.items():
            if type(key) is not int or not 0 <= key <= _INT_MAX:
                raise _Invalid(f"{where}: map keys must be unsigned integers")
            _check_decoded(item, f"{where}[{key}]", depth + 1)
        return value
    if kind is list:
        for i, item in enumerate(value):
            _check_decoded(item, f"{where}[{i}]", depth + 1)
        return value
    raise _Invalid(f"{where}: {kind.__name__} is not a payload value")
