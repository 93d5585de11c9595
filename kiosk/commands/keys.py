"""``kiosk keys``: create, rotate, list and prune the QR handoff keys (docs/keys.md).

``init`` makes the first key pair (or, with ``--rotate``, a new current one), ``show``
lists key ids and dates, ``prune`` deletes retired private keys past the grace period.
It prints key ids, dates and paths only: never key material. The folders default to the
configuration's ``keys`` section; ``--private-dir`` and ``--public-key`` override them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from kiosk.adapters.keys import (
    KeyErrorCode,
    KeyFileError,
    init_keys,
    list_keys,
    prune_keys,
    public_key_info,
    rotate_keys,
)
from kiosk.config import Config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="create, rotate and list the QR encryption keys")
    actions = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create a key pair (or a new current one with --rotate)")
    _add_paths(init)
    init.add_argument("--key-id", type=int, help="key id 0-9999 (default: 1, or the next free id)")
    init.add_argument(
        "--rotate", action="store_true", help="keys exist: add a new current key and replace the public key"
    )
    init.set_defaults(func=run_init)

    show = actions.add_parser("show", help="list key ids and dates (no key material)")
    _add_paths(show)
    show.set_defaults(func=run_show)

    prune = actions.add_parser("prune", help="delete retired private keys past the grace period")
    _add_paths(prune)
    prune.set_defaults(func=run_prune)


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--private-dir", type=Path, help="folder of private keys (counter PCs)")
    parser.add_argument("--public-key", type=Path, help="public key file (kiosks)")


def _paths(args: argparse.Namespace, config: Config) -> tuple[Path, Path]:
    return (args.private_dir or config.private_keys_dir, args.public_key or config.public_key_path)


def run_init(args: argparse.Namespace, config: Config) -> int:
    private_dir, public_path = _paths(args, config)
    if args.rotate:
        key_id = rotate_keys(private_dir, public_path, args.key_id)
        print(f"new current key {key_id:04d}; older keys stay readable for {config.key_grace_days} days")
    else:
        try:
            key_id = init_keys(private_dir, public_path, args.key_id)
        except KeyFileError as exc:
            if exc.code is KeyErrorCode.KEYS_EXIST:
                print(f"kiosk: {exc}; use 'kiosk keys init --rotate'", file=sys.stderr)
                return 1
            raise
        print(f"created key {key_id:04d}")
    print(f"private key folder: {private_dir}  (copy to every counter PC; keep secret)")
    print(f"public key file:    {public_path}  (copy to every kiosk)")
    return 0


def run_show(args: argparse.Namespace, config: Config) -> int:
    private_dir, public_path = _paths(args, config)
    now = datetime.now(timezone.utc)
    grace = timedelta(days=config.key_grace_days)
    if public_path.exists():
        info = public_key_info(public_path)
        print(f"public key  {info.key_id:04d}  created {_day(info.created)}  {public_path}")
    else:
        print(f"public key  none  ({public_path})")
    infos = list_keys(private_dir)
    if not infos:
        print(f"private keys  none  ({private_dir})")
    for info in infos:
        print(f"private key {info.key_id:04d}  created {_day(info.created)}  {_status(info.retired, grace, now)}")
    return 0


def run_prune(args: argparse.Namespace, config: Config) -> int:
    private_dir, _ = _paths(args, config)
    removed = prune_keys(private_dir, config.key_grace_days)
    if removed:
        print("deleted retired key(s) " + ", ".join(f"{key_id:04d}" for key_id in removed))
    else:
        print("no retired key is past the grace period")
    return 0


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _status(retired: datetime | None, grace: timedelta, now: datetime) -> str:
    if retired is None:
        return "current"
    until = retired + grace
    if now < until:
        return f"retired {_day(retired)}, readable until {_day(until)}"
    return f"retired {_day(retired)}, past the grace period ('kiosk keys prune' deletes it)"
