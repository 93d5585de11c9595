"""``kiosk encode``: the reference encoder, the inverse of ``kiosk decode --key``.

It reads a decoded-form document (exactly the JSON that ``kiosk decode`` prints), turns
it back into a Bundle with ``bundle_from_description``, seals it to a counter's public key
and prints the QR text(s), one per line; ``--png OUT`` also draws them. Vendors and testers
use it to make tickets without a kiosk, and docs/qr-vectors/ is built on the same path.
Failures print one line on stderr with the error code and exit non-zero, never a
traceback; it never prints the document's content, and writes only the PNG files asked for.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.bundle import Bundle
from kiosk.core.errors import ErrorCode, KioskError


class EncodeErrorCode(ErrorCode):
    BAD_JSON = "ENCODE_001"  # the file is missing, unreadable, not UTF-8 or not JSON
    UNKNOWN_FORM = "ENCODE_002"  # a form id that the catalogue does not have
    BAD_OPTION = "ENCODE_003"  # an option value the encoder cannot use


class EncodeError(KioskError):
    """A document or option that ``kiosk encode`` cannot turn into QR texts."""


def _qr_version(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 40:
        raise argparse.ArgumentTypeError("QR versions run from 1 to 40")
    return value


def _message_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value <= 999_999:
        raise argparse.ArgumentTypeError("message ids run from 0 to 999999")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "encode", help="seal a decoded-form JSON document (kiosk decode's output) into QR texts"
    )
    parser.add_argument("document", type=Path, help="the JSON document ('-' reads standard input)")
    parser.add_argument(
        "--public-key", type=Path, help="the counter's public key file (default: the configured one)"
    )
    parser.add_argument("--png", type=Path, metavar="OUT", help="also write the code(s) as PNG: OUT, or OUT-1.png, OUT-2.png, …")
    parser.add_argument(
        "--max-version", type=_qr_version, default=20, metavar="N",
        help="largest QR version per code (default 20); a smaller one splits the payload into several codes",
    )
    parser.add_argument(
        "--message-id", type=_message_id, metavar="N", help="fixed message id 0-999999 (default: random)"
    )
    parser.set_defaults(func=run)


def read_document(path: Path) -> Any:
    """The JSON document at ``path`` (``-`` for stdin); a UTF-8 BOM (Windows Notepad) is allowed."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise EncodeError(EncodeErrorCode.BAD_JSON, f"{path}: cannot read ({exc.strerror})") from None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise EncodeError(EncodeErrorCode.BAD_JSON, f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        # Line and column only: the message must not echo the document (personal data).
        raise EncodeError(
            EncodeErrorCode.BAD_JSON, f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None


def bundle_from_document(document: Any, config: Config) -> Bundle:
    """Check the forms against the catalogue, then build the bundle.

    ``bundle_from_description`` keeps unknown forms (a decoder must show records from
    newer kiosks), but an encoder that accepted them would seal typos staff cannot read.
    """
    from kiosk.core.forms import (
        DescriptionError,
        RecordErrorCode,
        bundle_from_description,
        load_catalog,
    )
    from kiosk.paths import forms_dir

    catalog = load_catalog(forms_dir(), [c.id for c in config.counters])
    if isinstance(document, Mapping) and isinstance(document.get("forms"), list):
        for i, item in enumerate(document["forms"]):
            form_id = item.get("form") if isinstance(item, Mapping) else None
            if form_id is not None and form_id not in catalog.forms:
                known = ", ".join(sorted(catalog.forms))
                raise EncodeError(
                    EncodeErrorCode.UNKNOWN_FORM, f"forms[{i}]: unknown form {form_id!r}; known forms: {known}"
                )
    try:
        return bundle_from_description(catalog, document)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # A hand-edited document can hold any JSON shape; say where, never a traceback.
        raise DescriptionError(
            RecordErrorCode.BAD_DESCRIPTION, f"the document's structure is not a decoded bundle ({type(exc).__name__})"
        ) from None


def png_paths(out: Path, count: int) -> list[Path]:
    """OUT for one code; OUT-1.png, OUT-2.png, … for several (a trailing .png on OUT is dropped)."""
    if count == 1:
        return [out]
    stem = out.with_suffix("") if out.suffix.lower() == ".png" else out
    return [stem.with_name(f"{stem.name}-{i}.png") for i in range(1, count + 1)]


def encode_document(
    document: Any,
    public_key_path: Path,
    config: Config,
    *,
    max_version: int = 20,
    message_id: int | None = None,
) -> list[str]:
    """The QR texts for a decoded-form document sealed to the key in ``public_key_path``."""
    from kiosk.adapters.keys import load_public_key
    from kiosk.core.payload import encode_bundle

    key_id, public_key = load_public_key(public_key_path)
    bundle = bundle_from_document(document, config)
    try:
        return encode_bundle(bundle, public_key, key_id, max_version=max_version, message_id=message_id)
    except ValueError as exc:
        # seal_payload: a QR version too small to hold even the 19-digit header.
        raise EncodeError(EncodeErrorCode.BAD_OPTION, str(exc)) from None


def run(args: argparse.Namespace, config: Config) -> int:
    try:
        document = read_document(args.document)
        texts = encode_document(
            document,
            args.public_key or config.public_key_path,
            config,
            max_version=args.max_version,
            message_id=args.message_id,
        )
        if args.png is not None:
            from kiosk.adapters.qr_image import render_png

            for text, path in zip(texts, png_paths(args.png, len(texts))):
                try:
                    render_png(text, path)
                except OSError as exc:
                    raise EncodeError(EncodeErrorCode.BAD_OPTION, f"{path}: cannot write ({exc.strerror})") from None
    except KioskError as exc:
        print(f"kiosk encode: {exc}", file=sys.stderr)
        return 1
    for text in texts:
        sys.stdout.write(text + "\n")
    return 0
