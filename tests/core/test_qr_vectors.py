"""The published QR test vectors (docs/qr-vectors/): they decode, and the script is stable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from kiosk import paths
from kiosk.config import DEFAULT_COUNTERS
from kiosk.core.forms import describe_bundle, load_catalog
from kiosk.core.payload import HEADER_DIGITS, PayloadError, decode_texts, read_header

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "docs" / "qr-vectors"
SCRIPT = ROOT / "scripts" / "make_qr_vectors.py"
FILES = sorted(VECTORS.glob("*.json"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(paths.forms_dir(), [c.id for c in DEFAULT_COUNTERS])


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _decode(vector: dict[str, Any], catalog) -> dict[str, Any]:
    key = serialization.load_pem_private_key(vector["private_key"].encode("ascii"), password=None)
    return describe_bundle(catalog, decode_texts(vector["qr_texts"], {vector["key_id"]: key}))


def test_vector_set_is_complete() -> None:
    """Every case the spec's section 12 lists has its file."""
    names = {path.stem for path in FILES}
    assert {"v01-single-tennyu", "v02-family-of-four", "v03-multi-part", "v04-rare-characters",
            "v05-practice", "v06-full-width-scanner-input"} <= names
    assert {f"QR_00{i}" for i in range(1, 9)} == {
        _load(path)["expected_error"] for path in FILES if "expected_error" in _load(path)
    }


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vector_decodes_to_its_bundle_or_error(path: Path, catalog) -> None:
    """A vector's texts decode with its private key to exactly its bundle, or fail with its code."""
    vector = _load(path)
    assert "TEST ONLY" in vector["test_only"] and vector["description"]
    if "expected_error" in vector:
        with pytest.raises(PayloadError) as caught:
            _decode(vector, catalog)
        assert caught.value.code.value == vector["expected_error"]
    else:
        assert _decode(vector, catalog) == vector["bundle"]


def test_public_key_matches_private_key() -> None:
    """The published public key is the private key's, so vendors can also encode with it."""
    for path in FILES:
        vector = _load(path)
        private = serialization.load_pem_private_key(vector["private_key"].encode("ascii"), password=None)
        public = serialization.load_pem_public_key(vector["public_key"].encode("ascii"))
        assert private.public_key().public_bytes_raw() == public.public_bytes_raw()


@pytest.mark.parametrize("name", ["v01-single-tennyu", "v02-family-of-four", "v03-multi-part",
                                  "v04-rare-characters", "v05-practice", "v06-full-width-scanner-input"])
def test_headers_carry_the_documented_digits(name: str) -> None:
    """Header fields: version 1, the vector's key id, practice digit, fixed message id, parts 1..N."""
    vector = _load(VECTORS / f"{name}.json")
    headers = [read_header(text) for text in vector["qr_texts"]]
    count = len(headers)
    assert [h.part_index for h in headers] == list(range(1, count + 1))
    for header in headers:
        assert header.version == 1 and header.key_id == vector["key_id"] and header.part_count == count
        assert header.practice is vector["bundle"]["practice"]
        assert 100001 <= header.message_id <= 100006
    if name == "v03-multi-part":
        assert count > 1
    else:
        assert count == 1
    if name == "v05-practice":
        assert vector["qr_texts"][0][5] == "1"
    if name == "v06-full-width-scanner-input":
        assert vector["qr_texts"][0].endswith("\r\n") and not vector["qr_texts"][0][0].isascii()


def test_rare_characters_survive_exactly() -> None:
    """髙, 﨑 (not 崎), 𠮷, a variation selector and a combining mark are in the decoded bundle."""
    text = json.dumps(_load(VECTORS / "v04-rare-characters.json")["bundle"], ensure_ascii=False)
    for needle in ("髙", "\ufa11", "\U00020bb7", "葛\U000e0100", "e\u0301"):
        assert needle in text
    assert "崎" not in text


def test_script_is_deterministic_except_ciphertext(tmp_path: Path, catalog) -> None:
    """Re-running the script gives the same files, headers and decoded bundles; only bodies differ."""
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True)
    fresh = sorted(tmp_path.glob("*.json"))
    assert [p.name for p in fresh] == [p.name for p in FILES]
    for old_path, new_path in zip(FILES, fresh):
        old, new = _load(old_path), _load(new_path)
        assert {k: v for k, v in old.items() if k != "qr_texts"} == {k: v for k, v in new.items() if k != "qr_texts"}
        assert len(old["qr_texts"]) == len(new["qr_texts"])
        if "bundle" in new:
            assert _decode(new, catalog) == old["bundle"]
            old_heads = [read_header(t) for t in old["qr_texts"]]
            assert old_heads == [read_header(t) for t in new["qr_texts"]]
            # HPKE's fresh ephemeral key: same headers, different ciphertext.
            assert old["qr_texts"][0][HEADER_DIGITS:] != new["qr_texts"][0][HEADER_DIGITS:]
