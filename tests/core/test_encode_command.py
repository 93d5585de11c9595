"""``kiosk encode``: decoder JSON → QR texts → the same JSON, and one-line coded errors."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.adapters.keys import init_keys, load_private_key
from kiosk.adapters.qr_image import decode_image
from kiosk.commands.decode import decode_to_json
from kiosk.commands.encode import png_paths, register, run
from kiosk.config import Config, load_config
from kiosk.core.payload import read_header

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "docs" / "qr-vectors"


def _config(tmp_path: Path) -> Config:
    return load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path)})


def _keys(tmp_path: Path) -> tuple[Path, dict[int, Any]]:
    public = tmp_path / "public.pem"
    init_keys(tmp_path / "private", public, 7)
    key_id, key = load_private_key(next((tmp_path / "private").glob("*.pem")))
    return public, {key_id: key}


def _document(tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    described = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))["bundle"]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(described, ensure_ascii=False, indent=2), encoding="utf-8")
    return path, described


def _run(tmp_path: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["encode", *argv])
    return run(args, _config(tmp_path))


def test_round_trip_through_python_m_kiosk(tmp_path: Path) -> None:
    """`python -m kiosk encode` prints texts that `kiosk decode` turns back into the same forms."""
    public, keyring = _keys(tmp_path)
    document, described = _document(tmp_path, "v02-family-of-four")
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path), "KIOSK_CONFIG": str(tmp_path / "absent.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "encode", str(document), "--public-key", str(public)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert done.returncode == 0, done.stderr
    texts = done.stdout.split()
    assert len(texts) == 1 and texts[0].isdigit() and read_header(texts[0]).key_id == 7
    decoded = decode_to_json(texts, keyring, _config(tmp_path))
    assert decoded["forms"] == described["forms"]
    assert decoded == described


def test_small_max_version_gives_several_codes_and_pngs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-version 10 splits the payload; --png writes OUT-1.png… and each PNG scans back."""
    public, keyring = _keys(tmp_path)
    document, described = _document(tmp_path, "v02-family-of-four")
    out = tmp_path / "ticket.png"
    assert _run(tmp_path, str(document), "--public-key", str(public), "--max-version", "10",
                "--message-id", "4242", "--png", str(out)) == 0
    texts = capsys.readouterr().out.split()
    assert len(texts) > 1 and {read_header(t).message_id for t in texts} == {4242}
    images = png_paths(out, len(texts))
    assert images[0].name == "ticket-1.png" and not out.exists()
    scanned = [text for image in images for text in decode_image(image)]
    assert scanned == texts
    assert decode_to_json(list(reversed(scanned)), keyring, _config(tmp_path))["forms"] == described["forms"]


def test_single_code_png_is_written_to_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With one code, --png OUT writes exactly OUT; rare characters survive the round trip."""
    public, keyring = _keys(tmp_path)
    document, described = _document(tmp_path, "v04-rare-characters")
    out = tmp_path / "code.png"
    assert _run(tmp_path, str(document), "--public-key", str(public), "--png", str(out)) == 0
    texts = capsys.readouterr().out.split()
    assert decode_image(out) == texts
    assert decode_to_json(texts, keyring, _config(tmp_path)) == described


def test_practice_flag_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A practice document is sealed with the practice header digit."""
    public, _ = _keys(tmp_path)
    document, _ = _document(tmp_path, "v05-practice")
    assert _run(tmp_path, str(document), "--public-key", str(public)) == 0
    assert read_header(capsys.readouterr().out.split()[0]).practice is True


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"{not json", "ENCODE_001"),
        (b"\xff\xfe\x00", "ENCODE_001"),
        (json.dumps({"format": 1, "ticket": "A-1", "language": "ja", "practice": False, "issued_at": 0,
                     "site": "k", "forms": [{"form": "juminhyo_typo", "version": 1, "fields": []}]}).encode(), "ENCODE_002"),
        (json.dumps({"format": 1, "forms": "nope"}).encode(), "RECORD_001"),
        (json.dumps({"format": 1, "ticket": "A-1", "language": "ja", "practice": False, "issued_at": 0,
                     "site": "k", "forms": [{"form": "tennyu", "version": "x", "fields": []}]}).encode(), "RECORD_001"),
        (json.dumps([1, 2]).encode(), "RECORD_001"),
    ],
)
def test_bad_documents_fail_with_one_coded_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    """Malformed JSON, an unknown form or a wrong shape: exit 1, one stderr line with the code."""
    public, _ = _keys(tmp_path)
    document = tmp_path / "doc.json"
    document.write_bytes(content)
    assert _run(tmp_path, str(document), "--public-key", str(public)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and code in captured.err


def test_bad_key_file_fails_with_key_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing or garbled public key file is a KEY_ error line, not a traceback."""
    document, _ = _document(tmp_path, "v01-single-tennyu")
    assert _run(tmp_path, str(document), "--public-key", str(tmp_path / "absent.pem")) == 1
    assert "KEY_005" in capsys.readouterr().err
    garbled = tmp_path / "garbled.pem"
    garbled.write_text("Key-Id: 0001\nCreated: 2025-01-01T00:00:00Z\n-----BEGIN PUBLIC KEY-----\nxx\n", encoding="ascii")
    assert _run(tmp_path, str(document), "--public-key", str(garbled)) == 1
    err = capsys.readouterr().err
    assert "KEY_003" in err and len(err.strip().splitlines()) == 1


def test_version_too_small_for_a_header_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-version 1 cannot hold even the header: a coded error, not a ValueError."""
    public, _ = _keys(tmp_path)
    document, _ = _document(tmp_path, "v01-single-tennyu")
    assert _run(tmp_path, str(document), "--public-key", str(public), "--max-version", "1") == 1
    err = capsys.readouterr().err
    assert ("ENCODE_003" in err or "QR_009" in err) and len(err.strip().splitlines()) == 1
