"""QR images: draw a payload text as a PNG, and read QR texts back from an image.

Rendering draws the modules of ``kiosk.core.qr_symbol.make_symbol`` (one numeric segment,
regular QR, ECC M) with Pillow, so a PNG carries exactly the symbol the ticket printer and
the PDF draw. Reading uses zxing-cpp, the most robust decoder measured
(docs: research tech.md §2), restricted to regular QR codes. This module returns texts as
the decoder saw them; it does not normalise, decrypt or log them (they are personal data).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.qr_symbol import make_symbol


class QrImageErrorCode(ErrorCode):
    UNREADABLE_IMAGE = "QRIMG_001"  # missing file, not an image, or an unsupported array


class QrImageError(KioskError):
    """An image that cannot be opened; no QR code at all is not an error (empty list)."""


# zxing-cpp 3 groups Model 1, Model 2, Micro QR and rMQR under QRCode; only regular QR
# (Model 1/2) can be ours, so the others are dropped after decoding.
_REGULAR_QR = {zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.QRCodeModel1, zxingcpp.BarcodeFormat.QRCodeModel2}


def render_png(text: str, path: Path | str | None = None, scale: int = 6, border: int = 4) -> bytes:
    """A 1-bit PNG of the text's symbol, ``scale`` pixels per module, ``border`` modules of
    quiet zone (4 is the standard's minimum). Also written to ``path`` when given."""
    if scale < 1 or border < 0:
        raise ValueError("scale must be >= 1 and border >= 0")
    symbol = make_symbol(text)
    side = symbol.size + 2 * border
    image = Image.new("1", (side, side), 1)
    pixels = image.load()
    for y, row in enumerate(symbol.modules):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + border, y + border] = 0
    if scale != 1:
        image = image.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def decode_image(source: Path | str | Image.Image | Any) -> list[str]:
    """Texts of every regular QR code in an image file, PIL image or numpy array
    (grayscale or BGR), in reading order: rows top to bottom, left to right in a row."""
    image = _open(source)
    try:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise QrImageError(
            QrImageErrorCode.UNREADABLE_IMAGE, f"the decoder cannot use this image ({type(exc).__name__})"
        ) from None
    boxes = []
    for barcode in found:
        if barcode.format not in _REGULAR_QR:
            continue
        pos = barcode.position
        points = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        xs = [p.x for p in points]
        ys = [p.y for p in points]
        boxes.append((min(ys), max(ys), min(xs), barcode.text))
    return [text for *_, text in _reading_order(boxes)]


def _reading_order(boxes: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    # Codes printed side by side are rarely at exactly the same height, so a code joins
    # the current row when its top lies above the middle of the row's first code.
    boxes = sorted(boxes)
    ordered: list[tuple[int, int, int, str]] = []
    row: list[tuple[int, int, int, str]] = []
    row_middle = 0.0
    for box in boxes:
        if row and box[0] > row_middle:
            ordered += sorted(row, key=lambda b: b[2])
            row = []
        if not row:
            row_middle = (box[0] + box[1]) / 2
        row.append(box)
    ordered += sorted(row, key=lambda b: b[2])
    return ordered


def _open(source: Any) -> Any:
    if isinstance(source, (str, Path)):
        try:
            with Image.open(source) as opened:
                image = opened.convert("L")  # also forces the lazy read inside the guard
        except FileNotFoundError:
            raise QrImageError(QrImageErrorCode.UNREADABLE_IMAGE, f"{source}: no such file") from None
        except Exception as exc:  # noqa: BLE001 - Pillow's format plugins raise many kinds
            # (OSError, SyntaxError, EOFError, struct.error, DecompressionBombError …) for
            # corrupt files; a staff tool must answer with a code, not a traceback.
            raise QrImageError(
                QrImageErrorCode.UNREADABLE_IMAGE, f"{source}: not a readable image ({type(exc).__name__})"
            ) from None
        return image
    if isinstance(source, Image.Image):
        # zxing-cpp takes L, RGB and RGBA directly; palette and 1-bit images go through L.
        return source if source.mode in ("L", "RGB", "RGBA") else source.convert("L")
    return source
