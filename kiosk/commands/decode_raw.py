"""Raw QR reading for ``kiosk decode``: image files → the texts their QR codes hold.

A tool for vendors and support staff checking what a ticket or photo carries, before
any key is involved: one JSON line per image, ``{"file": ..., "texts": [...]}``. The texts
are still encrypted, so printing them reveals nothing. It never prints a traceback:
an unreadable file gives one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.adapters.qr_image import QrImageError, decode_image


def decode_raw_main(paths: list[Path]) -> int:
    """Print one JSON line per readable image; 0 if every file was read, else 1."""
    status = 0
    for path in paths:
        try:
            texts = decode_image(path)
        except QrImageError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps({"file": str(path), "texts": texts}, ensure_ascii=False))
    return status
