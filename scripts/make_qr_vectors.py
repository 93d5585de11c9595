"""Write the QR test vectors in docs/qr-vectors/ (docs/qr-spec.md §12).

Each vector is a JSON file with a TEST ONLY key pair, the QR text(s) sealed to it, and
either the document a conforming decoder must produce (``bundle``, exactly what
``kiosk decode --key`` prints) or the error code it must stop with (``expected_error``).
Everything is fixed (keys, answers, ticket, times, message ids) except the ciphertext:
HPKE draws a fresh ephemeral key on every run, so the texts change while every header and
every decoded bundle stay the same; vectors are checked by decoding, never by comparing
texts. The keys are derived from public strings, so they protect nothing: this script must
never be pointed at, or write, a real key. Run: ``python scripts/make_qr_vectors.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: kiosk and tests.data live here
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk import paths
from kiosk.config import DEFAULT_COUNTERS
from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
from kiosk.core.forms.model import FormCatalog
from kiosk.core.payload import HEADER_DIGITS, encode_bundle, seal_payload
from tests.data.family_of_four import FAMILY_OF_FOUR

DEFAULT_OUT = ROOT / "docs" / "qr-vectors"
COUNTER_ORDER = [counter.id for counter in DEFAULT_COUNTERS]

#: The vectors' key: key id 9001. A second key (9002) exists only to seal the
#: UNKNOWN_KEY vector, whose decoder holds key 9001 alone.
KEY_ID = 9001
OTHER_KEY_ID = 9002
KEY_CREATED = "2025-01-01T00:00:00Z"
#: 2025-04-07 09:30:00 JST, the family-of-four fixture's day.
ISSUED_AT = 1743985800
SITE = "kiosk-test"


def test_key(key_id: int) -> X25519PrivateKey:
    """A TEST ONLY X25519 key derived from a public string: anyone can recompute it."""
    seed = hashlib.sha256(f"smart-counter-kiosk qr-vectors TEST ONLY key {key_id:04d}".encode("ascii")).digest()
    return X25519PrivateKey.from_private_bytes(seed)


def key_files(key_id: int) -> tuple[str, str]:
    """(private, public) PEM texts in the kiosk's key-file layout (docs/keys.md): the
    ``Key-Id:``/``Created:`` lines before the PEM block let ``kiosk decode --key`` read a
    vector's key saved to a file; PEM readers skip text before ``-----BEGIN``."""
    key = test_key(key_id)
    meta = f"Key-Id: {key_id:04d}\nCreated: {KEY_CREATED}\n"
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return meta + private, meta + public


# ---------------------------------------------------------------------- answers

#: A Japanese citizen moving alone, employer-insured, no children, no card: only 転入届.
SINGLE_PERSON: dict[str, Any] = {
    "moved_from": "domestic",
    "all_employer_insured": True,
    "has_children": False,
    "public_servant": False,
    "has_mynumber_card": False,
    "move_date": date(2025, 4, 1),
    "new_postal_code": "1500002",
    "new_address": {
        "postal_code": "1500002", "prefecture": "東京都", "city": "渋谷区", "town": "渋谷", "block": "2-21-1",
    },
    "previous_address": {
        "postal_code": "5300001", "prefecture": "大阪府", "city": "大阪市北区", "town": "梅田", "block": "1-1-3",
    },
    "applicant": {"family": "山田", "given": "太郎", "family_kana": "ヤマダ", "given_kana": "タロウ"},
    "applicant_birth_date": date(1990, 1, 2),
    "applicant_sex": "male",
    "nationality": "japanese",
    "head_of_household": "applicant",
    "household.count": 0,
    "phone": "0312345678",
    "tennyu.moving_out_proof": "mynumber_card",
}

#: Names outside Shift_JIS and JIS X 0208: 髙 (U+9AD9), 﨑 (U+FA11, a compatibility
#: ideograph that NFC/NFKC would turn into 崎), 𠮷 (U+20BB7, outside the BMP), 葛 with the
#: ideographic variation selector U+E0100, and a combining acute accent (U+0301) in the
#: building name. A decoder must return every code point exactly: no normalisation.
RARE_CHARACTERS: dict[str, Any] = {
    **SINGLE_PERSON,
    "new_address": {
        "postal_code": "1500002", "prefecture": "東京都", "city": "渋谷区", "town": "渋谷", "block": "2-21-1",
        "building": "Re\u0301sidence 﨑 101",
    },
    "applicant": {"family": "髙﨑", "given": "𠮷子", "family_kana": "タカサキ", "given_kana": "ヨシコ"},
    "applicant_sex": "female",
    "head_of_household": "applicant",
    "household.count": 1,
    "household.0.name": {"family": "葛\U000E0100西", "given": "𠮷男", "family_kana": "カサイ", "given_kana": "ヨシオ"},
    "household.0.birth_date": date(1988, 7, 7),
    "household.0.sex": "male",
    "household.0.relationship": "husband",
    "household.0.nationality": "japanese",
}


def _bundle(catalog: FormCatalog, answers: dict[str, Any], ticket: str, language: str, *, practice: bool = False) -> Bundle:
    plan = plan_visit(catalog, "moved_in", answers, COUNTER_ORDER)
    records: tuple[FormRecord, ...] = to_records(catalog, plan, answers)
    return Bundle(ticket, language, practice, ISSUED_AT, SITE, records)


# ---------------------------------------------------------------------- vectors


def _vector(description: str, key_id: int, texts: list[str], *, bundle: Any = None, error: str | None = None) -> dict[str, Any]:
    private, public = key_files(key_id)
    vector: dict[str, Any] = {
        "description": description,
        "test_only": "TEST ONLY key pair, derived from a public string: never use it for real tickets",
        "private_key": private,
        "public_key": public,
        "key_id": key_id,
        "qr_texts": texts,
    }
    if error is None:
        vector["bundle"] = bundle
    else:
        vector["expected_error"] = error
    return vector


def _seal(bundle: Bundle, message_id: int, *, key_id: int = KEY_ID, max_version: int = 20) -> list[str]:
    return encode_bundle(bundle, test_key(key_id).public_key(), key_id, max_version=max_version, message_id=message_id)


def _change_digit(text: str, position: int) -> str:
    return text[:position] + str((int(text[position]) + 1) % 10) + text[position + 1 :]


def build_vectors(catalog: FormCatalog) -> dict[str, dict[str, Any]]:
    """Every vector by file name; the texts are sealed afresh on each call."""
    single = _bundle(catalog, SINGLE_PERSON, "A-001", "ja")
    family = _bundle(catalog, FAMILY_OF_FOUR, "A-017", "vi")
    rare = _bundle(catalog, RARE_CHARACTERS, "A-023", "ja")
    practice = replace(single, ticket_number="P-001", practice=True)
    described: Callable[[Bundle], dict[str, Any]] = lambda b: describe_bundle(catalog, b)

    vectors: dict[str, dict[str, Any]] = {}

    def ok(name: str, description: str, bundle: Bundle, texts: list[str]) -> None:
        vectors[name] = _vector(description, KEY_ID, texts, bundle=described(bundle))

    def bad(name: str, description: str, texts: list[str], error: str) -> None:
        vectors[name] = _vector(description, KEY_ID, texts, error=error)

    ok("v01-single-tennyu.json",
       "One small real form: a 転入届 (tennyu) for one Japanese citizen moving alone. One code.",
       single, _seal(single, 100001))
    ok("v02-family-of-four.json",
       "The moving-in bundle of a Vietnamese family of four (転入届, 国保加入, 児童手当, マイナンバーカード "
       "継続利用), built from tests/data/family_of_four.py through plan_visit and to_records. "
       "One code at the default maximum QR version 20.",
       family, _seal(family, 100002))
    ok("v03-multi-part.json",
       "The family-of-four bundle of v02 encoded with max_version=10, so it needs several codes "
       "(one message id, part index 1..N). A decoder needs every text, in any order.",
       family, _seal(family, 100003, max_version=10))
    ok("v04-rare-characters.json",
       "Names outside Shift_JIS: 髙 U+9AD9, 﨑 U+FA11 (a compatibility ideograph: NFC would make it 崎), "
       "𠮷 U+20BB7 (outside the BMP), 葛 followed by the variation selector U+E0100, and a combining "
       "acute U+0301 in the building name. The decoded strings must match code point for code point.",
       rare, _seal(rare, 100004))
    ok("v05-practice.json",
       "A practice-mode payload: header digit 6 is 1 and the content says practice=true. Decoders "
       "show it; staff consoles must refuse to export it as a real application.",
       practice, _seal(practice, 100005))
    scanned = ["".join(chr(ord(c) + 0xFEE0) for c in text) + "\r\n" for text in _seal(single, 100006)]
    ok("v06-full-width-scanner-input.json",
       "The v01 bundle as a keyboard-wedge scanner with a Japanese IME switched on types it: full-width "
       "digits U+FF10-U+FF19 followed by CR LF. Normalise (NFKC, drop whitespace) before parsing.",
       single, scanned)

    text = _seal(single, 200001)[0]
    bad("e01-not-ours.json",
        "QR_001 NOT_OURS: a header digit (in the message id) was changed, so the Damm check digit fails.",
        [_change_digit(text, 8)], "QR_001")
    bad("e02-unknown-version.json",
        "QR_002 UNKNOWN_VERSION: the first digit is 2, a version this format does not define.",
        ["2" + _seal(single, 200002)[0][1:]], "QR_002")
    bad("e03-truncated.json",
        "QR_003 TRUNCATED: the last 17 digits of the body are missing.",
        [_seal(single, 200003)[0][:-17]], "QR_003")
    parts = _seal(family, 200004, max_version=10)
    bad("e04-part-missing.json",
        f"QR_004 PART_MISSING: part 1 of a {len(parts)}-part message alone.",
        parts[:1], "QR_004")
    other = _seal(family, 200005, max_version=10)
    bad("e05-parts-mismatch.json",
        "QR_005 PARTS_MISMATCH: part 1 of message 200004 with part 2 of message 200005.",
        [parts[0], other[1]], "QR_005")
    bad("e06-unknown-key.json",
        f"QR_006 UNKNOWN_KEY: sealed to key {OTHER_KEY_ID:04d}; the decoder holds only key {KEY_ID:04d}.",
        _seal(single, 200006, key_id=OTHER_KEY_ID), "QR_006")
    tampered = _seal(single, 200007)[0]
    bad("e07-tampered.json",
        "QR_007 WRONG_KEY_OR_TAMPERED: one body digit was changed after sealing.",
        [_change_digit(tampered, HEADER_DIGITS + 20)], "QR_007")
    bad("e08-bad-content.json",
        "QR_008 BAD_CONTENT: authentic (sealed to the right key) but the plaintext is not raw deflate data.",
        seal_payload(b"\xff not deflate data", test_key(KEY_ID).public_key(), KEY_ID,
                     practice=False, message_id=200008), "QR_008")
    return vectors


def write_vectors(out: Path) -> list[Path]:
    catalog = load_catalog(paths.forms_dir(), COUNTER_ORDER)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, vector in build_vectors(catalog).items():
        path = out / name
        # UTF-8 without escapes keeps names readable; LF line ends on every platform.
        path.write_text(json.dumps(vector, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    for path in write_vectors(args.out):
        print(path.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
