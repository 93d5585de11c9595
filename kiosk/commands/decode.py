"""``kiosk decode``: the reference decoder for ticket QR codes.

``--key PATH`` (a private key file, or a folder of them) decrypts the codes found in the
given images (or ``--text`` QR texts) and prints the bundle as JSON with Japanese field
labels, exactly what docs/qr-spec.md promises another vendor. ``--raw`` prints the raw
texts of each image and needs no key. Failures print one line on stderr with the error
code and exit non-zero; never a traceback. It writes nothing to disk.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.errors import KioskError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "decode", help="decode ticket QR codes (images or texts) to the forms as JSON"
    )
    parser.add_argument("images", nargs="*", type=Path, help="ticket images (PNG, JPEG, …)")
    parser.add_argument("--key", type=Path, help="private key file, or a folder of key files")
    parser.add_argument("--text", nargs="+", metavar="QRTEXT", help="QR texts instead of images")
    parser.add_argument("--raw", action="store_true", help="print raw QR texts per image (no key)")
    parser.set_defaults(func=run)


def load_keys(path: Path, config: Config):
    from kiosk.adapters.keys import load_keyring, load_private_key

    if path.is_dir():
        return load_keyring(path, config.key_grace_days, datetime.now(timezone.utc))
    key_id, key = load_private_key(path)
    return {key_id: key}


def decode_to_json(texts: list[str], keyring, config: Config) -> dict:
    from kiosk.core.forms import describe_bundle, load_catalog
    from kiosk.core.payload import decode_texts
    from kiosk.paths import forms_dir

    bundle = decode_texts(texts, keyring)
    catalog = load_catalog(forms_dir(), [c.id for c in config.counters])
    return describe_bundle(catalog, bundle)


def run(args: argparse.Namespace, config: Config) -> int:
    if args.raw:
        from kiosk.commands.decode_raw import decode_raw_main

        return decode_raw_main(list(args.images))
    if args.key is None:
        print("kiosk decode: --key PATH is needed (or --raw for the undecrypted texts)", file=sys.stderr)
        return 2
    if not args.images and not args.text:
        print("kiosk decode: give ticket images or --text QRTEXT...", file=sys.stderr)
        return 2
    try:
        keyring = load_keys(args.key, config)
        texts: list[str] = list(args.text or [])
        if args.images:
            from kiosk.adapters.qr_image import decode_image

            for image in args.images:
                texts.extend(decode_image(image))
        if not texts:
            print("kiosk decode: no QR code found in the images", file=sys.stderr)
            return 1
        result = decode_to_json(texts, keyring, config)
    except KioskError as exc:
        print(f"kiosk decode: {exc}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
