"""QR key files: creation, permissions, rotation with a grace period, pruning, and ``kiosk keys``."""

from __future__ import annotations

import argparse
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.adapters.keys import (
    KeyErrorCode,
    KeyFileError,
    init_keys,
    list_keys,
    load_keyring,
    load_public_key,
    prune_keys,
    rotate_keys,
)
from kiosk.commands import keys as keys_command
from kiosk.config import load_config
from kiosk.core.bundle import Bundle
from kiosk.core.payload import PayloadError, PayloadErrorCode, decode_texts, encode_bundle

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
BUNDLE = Bundle("A-001", "ja", False, 1_775_000_000, "kiosk-1", ())


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "private", tmp_path / "kiosk" / "counter-public.pem"


def _code(call) -> KeyErrorCode:
    with pytest.raises(KeyFileError) as info:
        call()
    return info.value.code


def test_init_writes_a_matching_pair(dirs: tuple[Path, Path]) -> None:
    """The public key file carries the key id, and its key opens what the private key seals."""
    private_dir, public_path = dirs
    assert init_keys(private_dir, public_path, now=T0) == 1
    (private_file,) = private_dir.iterdir()
    assert private_file.name == "qr-key-0001-20260301.pem"
    assert public_path.read_text().startswith("Key-Id: 0001\nCreated: 2026-03-01T09:00:00Z\n")
    key_id, public_key = load_public_key(public_path)
    keyring = load_keyring(private_dir, 30, now=T0)
    assert key_id == 1 and set(keyring) == {1}
    assert decode_texts(encode_bundle(BUNDLE, public_key, key_id), keyring) == BUNDLE


def test_init_honours_an_explicit_key_id(dirs: tuple[Path, Path]) -> None:
    """A city may choose its key ids (e.g. one range per department)."""
    private_dir, public_path = dirs
    assert init_keys(private_dir, public_path, key_id=4100, now=T0) == 4100
    assert load_public_key(public_path)[0] == 4100


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_private_key_is_readable_by_its_owner_only(dirs: tuple[Path, Path]) -> None:
    """Private key files are 0600 and their folder 0700."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    (private_file,) = private_dir.iterdir()
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_dir.stat().st_mode) == 0o700


def test_init_refuses_to_overwrite(dirs: tuple[Path, Path]) -> None:
    """A second init would orphan printed tickets, so it is refused."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    assert _code(lambda: init_keys(private_dir, public_path, now=T0)) is KeyErrorCode.KEYS_EXIST
    public_path.unlink()
    assert _code(lambda: init_keys(private_dir, public_path, now=T0)) is KeyErrorCode.KEYS_EXIST


def test_rotation_keeps_old_tickets_readable_for_the_grace_period(dirs: tuple[Path, Path]) -> None:
    """A ticket sealed before rotation decodes during the grace period and not after it."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    old_id, old_public = load_public_key(public_path)
    old_ticket = encode_bundle(BUNDLE, old_public, old_id)

    rotated_at = T0 + timedelta(days=90)
    assert rotate_keys(private_dir, public_path, now=rotated_at) == 2
    new_id, new_public = load_public_key(public_path)
    assert new_id == 2

    during = load_keyring(private_dir, 30, now=rotated_at + timedelta(days=29))
    assert set(during) == {1, 2}
    assert decode_texts(old_ticket, during) == BUNDLE
    assert decode_texts(encode_bundle(BUNDLE, new_public, new_id), during) == BUNDLE

    after = load_keyring(private_dir, 30, now=rotated_at + timedelta(days=31))
    assert set(after) == {2}
    with pytest.raises(PayloadError) as info:
        decode_texts(old_ticket, after)
    assert info.value.code is PayloadErrorCode.UNKNOWN_KEY


def test_list_keys_orders_newest_first_with_retirement(dirs: tuple[Path, Path]) -> None:
    """Each retired key's retirement is the creation time of the key that replaced it."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    rotate_keys(private_dir, public_path, now=T0 + timedelta(days=10))
    rotate_keys(private_dir, public_path, key_id=9, now=T0 + timedelta(days=20))
    infos = list_keys(private_dir)
    assert [i.key_id for i in infos] == [9, 2, 1]
    assert [i.retired for i in infos] == [None, T0 + timedelta(days=20), T0 + timedelta(days=10)]


def test_rotation_refuses_a_used_key_id(dirs: tuple[Path, Path]) -> None:
    """Reusing a key id would make two keys answer to one header."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    assert _code(lambda: rotate_keys(private_dir, public_path, key_id=1, now=T0)) is KeyErrorCode.KEY_ID_TAKEN


def test_prune_deletes_only_expired_retired_keys(dirs: tuple[Path, Path]) -> None:
    """Pruning removes keys past the grace period and never the current key."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    rotate_keys(private_dir, public_path, now=T0 + timedelta(days=10))
    rotate_keys(private_dir, public_path, now=T0 + timedelta(days=50))
    assert prune_keys(private_dir, 30, now=T0 + timedelta(days=55)) == [1]
    assert [i.key_id for i in list_keys(private_dir)] == [3, 2]
    assert prune_keys(private_dir, 30, now=T0 + timedelta(days=1000)) == [2]
    assert [i.key_id for i in list_keys(private_dir)] == [3]


def test_missing_keys_are_reported(dirs: tuple[Path, Path]) -> None:
    """A counter PC without private keys, or a kiosk without a public key, says so by code."""
    private_dir, public_path = dirs
    assert _code(lambda: load_keyring(private_dir, 30, now=T0)) is KeyErrorCode.NO_PRIVATE_KEYS
    assert _code(lambda: load_public_key(public_path)) is KeyErrorCode.PUBLIC_KEY_MISSING


@pytest.mark.parametrize(
    "content",
    [
        "garbage",
        "Key-Id: 0005\nCreated: 2026-03-01T09:00:00Z\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ],
)
def test_broken_key_file_is_reported(dirs: tuple[Path, Path], content: str) -> None:
    """A damaged key file or one without metadata is named with KEY_FILE_INVALID."""
    private_dir, public_path = dirs
    private_dir.mkdir(parents=True)
    (private_dir / "qr-key-0005-20260301.pem").write_text(content)
    assert _code(lambda: load_keyring(private_dir, 30, now=T0)) is KeyErrorCode.KEY_FILE_INVALID


def test_duplicate_key_ids_are_reported(dirs: tuple[Path, Path]) -> None:
    """Two files with one key id (a bad copy) are refused rather than guessed between."""
    private_dir, public_path = dirs
    init_keys(private_dir, public_path, now=T0)
    (original,) = private_dir.iterdir()
    (private_dir / "qr-key-0001-copy.pem").write_bytes(original.read_bytes())
    assert _code(lambda: list_keys(private_dir)) is KeyErrorCode.KEY_FILE_INVALID


def test_public_key_must_be_x25519(tmp_path: Path) -> None:
    """A public key of another algorithm is refused by code."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pem = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = tmp_path / "pub.pem"
    path.write_bytes(b"Key-Id: 0001\nCreated: 2026-03-01T09:00:00Z\n" + pem)
    assert _code(lambda: load_public_key(path)) is KeyErrorCode.KEY_FILE_INVALID


# ---------------------------------------------------------------- kiosk keys


def _run(argv: list[str], tmp_path: Path) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    keys_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    config = load_config(tmp_path / "none.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    return args.func(args, config)


def test_cli_init_show_and_rotate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """keys init uses the configured folders, refuses a second init, rotates with --rotate."""
    assert _run(["keys", "init"], tmp_path) == 0
    config = load_config(tmp_path / "none.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    assert load_public_key(config.public_key_path)[0] == 1
    assert _run(["keys", "init"], tmp_path) == 1
    assert "--rotate" in capsys.readouterr().err
    assert _run(["keys", "init", "--rotate", "--key-id", "7"], tmp_path) == 0
    assert load_public_key(config.public_key_path)[0] == 7
    capsys.readouterr()
    assert _run(["keys", "show"], tmp_path) == 0
    out = capsys.readouterr().out
    assert "public key  0007" in out and "private key 0007" in out and "private key 0001" in out
    assert "current" in out and "readable until" in out
    assert "BEGIN" not in out and "KEY-----" not in out


def test_cli_paths_can_be_overridden(tmp_path: Path) -> None:
    """--private-dir and --public-key put the keys elsewhere (e.g. a USB stick for install)."""
    private_dir, public_path = tmp_path / "usb" / "private", tmp_path / "usb" / "public.pem"
    argv = ["keys", "init", "--private-dir", str(private_dir), "--public-key", str(public_path), "--key-id", "12"]
    assert _run(argv, tmp_path) == 0
    assert load_public_key(public_path)[0] == 12
    assert set(load_keyring(private_dir, 30)) == {12}


def test_cli_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """keys prune reports what it deleted (nothing while every key is in its grace period)."""
    assert _run(["keys", "init"], tmp_path) == 0
    assert _run(["keys", "prune"], tmp_path) == 0
    assert "no retired key" in capsys.readouterr().out
