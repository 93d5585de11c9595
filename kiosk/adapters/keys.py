"""Key files for the QR handoff: create, rotate, list and load X25519 key pairs.

Kiosks hold one public key file (the current key); counter PCs hold a folder of private
keys, newest first, and keep a retired key for a grace period so tickets printed before a
rotation still decode (docs/keys.md). Each PEM file starts with two plain-text lines,
``Key-Id:`` and ``Created:``, before the PEM block (RFC 7468 allows explanatory text there,
and ``cryptography`` skips it), so the metadata travels with the key even when a file is
renamed; the file name repeats it for people. This module must never print, log or return
key material except as key objects, and never weakens a private key file's permissions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.payload import MAX_KEY_ID, Keyring


class KeyErrorCode(ErrorCode):
    KEYS_EXIST = "KEY_001"  # init would overwrite an existing key
    NO_PRIVATE_KEYS = "KEY_002"  # the private key folder is missing or empty
    KEY_FILE_INVALID = "KEY_003"  # unreadable file, bad PEM, not X25519, missing metadata
    KEY_ID_TAKEN = "KEY_004"  # a new key would reuse an existing key id
    PUBLIC_KEY_MISSING = "KEY_005"  # the public key file does not exist


class KeyFileError(KioskError):
    """A key file or folder that cannot be used; the message names the file and the fix."""


PRIVATE_KEY_GLOB = "qr-key-*.pem"
_NAME = "qr-key-{key_id:04d}-{created:%Y%m%d}.pem"
_META = re.compile(r"^(Key-Id|Created):[ \t]*(\S+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class KeyInfo:
    """Metadata of one key file: never the key itself."""

    key_id: int
    created: datetime  # timezone-aware
    path: Path
    retired: datetime | None = None  # when a newer key was created; None for the current key


def init_keys(
    private_dir: Path, public_path: Path, key_id: int | None = None, *, now: datetime | None = None
) -> int:
    """Create the first key pair; refuse (KEYS_EXIST) if any key is already there."""
    existing = _private_files(private_dir)
    if existing or public_path.exists():
        where = public_path if public_path.exists() else existing[0]
        raise KeyFileError(
            KeyErrorCode.KEYS_EXIST,
            f"{where}: a key already exists; rotate instead of overwriting it "
            "(tickets sealed to it could no longer be read)",
        )
    return _create(private_dir, public_path, 1 if key_id is None else key_id, now, set())


def rotate_keys(
    private_dir: Path, public_path: Path, key_id: int | None = None, *, now: datetime | None = None
) -> int:
    """Create a new current key pair next to the old ones and replace the public key file.

    The previous keys stay in ``private_dir``; ``load_keyring`` keeps them for the grace
    period and ``prune_keys`` deletes them afterwards.
    """
    infos = list_keys(private_dir)
    taken = {info.key_id for info in infos}
    if key_id is None:
        key_id = _next_key_id(taken)
    return _create(private_dir, public_path, key_id, now, taken)


def _next_key_id(taken: set[int]) -> int:
    candidate = max(taken, default=0) + 1
    if candidate <= MAX_KEY_ID:
        return candidate
    # Ten thousand rotations wrap around; by then the low ids are long pruned.
    for candidate in range(1, MAX_KEY_ID + 1):
        if candidate not in taken:
            return candidate
    raise KeyFileError(KeyErrorCode.KEY_ID_TAKEN, "every key id 0001-9999 is in use; prune old keys")


def _create(
    private_dir: Path, public_path: Path, key_id: int, now: datetime | None, taken: set[int]
) -> int:
    if not 0 <= key_id <= MAX_KEY_ID:
        raise KeyFileError(KeyErrorCode.KEY_ID_TAKEN, f"key id must be 0-{MAX_KEY_ID}, not {key_id}")
    if key_id in taken:
        raise KeyFileError(KeyErrorCode.KEY_ID_TAKEN, f"key id {key_id:04d} already exists in {private_dir}")
    created = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    private_key = X25519PrivateKey.generate()
    meta = _meta_lines(key_id, created)

    private_dir.mkdir(parents=True, exist_ok=True)
    _restrict_dir(private_dir)
    private_path = private_dir / _NAME.format(key_id=key_id, created=created)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(private_path, meta + private_pem)

    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a kiosk never reads a half-written public key.
    partial = public_path.with_name(public_path.name + ".partial")
    partial.write_bytes(meta + public_pem)
    os.replace(partial, public_path)
    return key_id


def _meta_lines(key_id: int, created: datetime) -> bytes:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"Key-Id: {key_id:04d}\nCreated: {stamp}\n".encode("ascii")


def _restrict_dir(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: never overwrite a key; mode 0600 from the first byte (no chmod race).
    # Windows ignores the mode bits; there the folder's ACL protects the file (docs/keys.md).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(KeyErrorCode.KEY_ID_TAKEN, f"{path}: already exists") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _private_files(private_dir: Path) -> list[Path]:
    if not private_dir.is_dir():
        return []
    return sorted(p for p in private_dir.glob(PRIVATE_KEY_GLOB) if p.is_file())


def _read_meta(path: Path, data: bytes) -> tuple[int, datetime]:
    head = data.split(b"-----BEGIN", 1)[0].decode("ascii", errors="replace")
    meta = dict(_META.findall(head))
    try:
        key_id = int(meta["Key-Id"])
        created = datetime.strptime(meta["Created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (KeyError, ValueError):
        raise KeyFileError(
            KeyErrorCode.KEY_FILE_INVALID,
            f"{path}: missing or malformed 'Key-Id:'/'Created:' lines before the PEM block; "
            "create keys with 'kiosk keys init'",
        ) from None
    if not 0 <= key_id <= MAX_KEY_ID:
        raise KeyFileError(KeyErrorCode.KEY_FILE_INVALID, f"{path}: key id out of range 0-{MAX_KEY_ID}")
    return key_id, created


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(KeyErrorCode.KEY_FILE_INVALID, f"{path}: cannot read ({exc.strerror})") from None


def list_keys(private_dir: Path) -> list[KeyInfo]:
    """Every private key file's metadata, newest first, with retirement times filled in."""
    found: list[tuple[int, datetime, Path]] = []
    for path in _private_files(private_dir):
        key_id, created = _read_meta(path, _read(path))
        found.append((key_id, created, path))
    ids = [key_id for key_id, _, _ in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise KeyFileError(
            KeyErrorCode.KEY_FILE_INVALID,
            f"{private_dir}: key id(s) {', '.join(f'{i:04d}' for i in duplicates)} appear in more than one file",
        )
    # Newest first; a same-second tie is broken by the larger key id.
    found.sort(key=lambda item: (item[1], item[0]), reverse=True)
    infos = []
    retired: datetime | None = None
    for key_id, created, path in found:
        infos.append(KeyInfo(key_id, created, path, retired))
        retired = created  # the next (older) key was retired when this one was created
    return infos


def load_private_key(path: Path) -> tuple[int, X25519PrivateKey]:
    data = _read(path)
    key_id, _ = _read_meta(path, data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(
            KeyErrorCode.KEY_FILE_INVALID, f"{path}: not an unencrypted PKCS#8 PEM private key ({exc})"
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(KeyErrorCode.KEY_FILE_INVALID, f"{path}: not an X25519 key")
    return key_id, key


def load_public_key(path: Path) -> tuple[int, X25519PublicKey]:
    """The kiosk's public key file → (key id, key)."""
    if not path.exists():
        raise KeyFileError(
            KeyErrorCode.PUBLIC_KEY_MISSING,
            f"{path}: no public key; copy the counter's public key here (docs/keys.md)",
        )
    data = _read(path)
    key_id, _ = _read_meta(path, data)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(
            KeyErrorCode.KEY_FILE_INVALID, f"{path}: not a PEM public key ({exc})"
        ) from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(KeyErrorCode.KEY_FILE_INVALID, f"{path}: not an X25519 key")
    return key_id, key


def public_key_info(path: Path) -> KeyInfo:
    """Key id and creation time of a public key file, without loading the key."""
    if not path.exists():
        raise KeyFileError(KeyErrorCode.PUBLIC_KEY_MISSING, f"{path}: no public key file")
    key_id, created = _read_meta(path, _read(path))
    return KeyInfo(key_id, created, path)


def _in_grace(info: KeyInfo, grace: timedelta, now: datetime) -> bool:
    return info.retired is None or now < info.retired + grace


def load_keyring(private_dir: Path, grace_days: int, now: datetime | None = None) -> Keyring:
    """The current key and the retired keys still inside the grace period, by key id.

    Raises NO_PRIVATE_KEYS if the folder holds no key (a counter PC that cannot decode
    anything should say so at start-up, not at the first scan).
    """
    now = now or datetime.now(timezone.utc)
    infos = list_keys(private_dir)
    if not infos:
        raise KeyFileError(
            KeyErrorCode.NO_PRIVATE_KEYS,
            f"{private_dir}: no private keys ({PRIVATE_KEY_GLOB}); install them as docs/keys.md says",
        )
    grace = timedelta(days=grace_days)
    keyring: dict[int, X25519PrivateKey] = {}
    for info in infos:
        if _in_grace(info, grace, now):
            key_id, key = load_private_key(info.path)
            keyring[key_id] = key
    return keyring


def prune_keys(private_dir: Path, grace_days: int, now: datetime | None = None) -> list[int]:
    """Delete retired private keys past the grace period; return their key ids.

    Deleting them limits what a stolen counter PC can read of tickets printed long ago.
    """
    now = now or datetime.now(timezone.utc)
    grace = timedelta(days=grace_days)
    removed = []
    for info in list_keys(private_dir):
        if not _in_grace(info, grace, now):
            info.path.unlink()
            removed.append(info.key_id)
    return removed
