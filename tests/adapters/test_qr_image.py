"""QR images: PNG rendering of our symbols, zxing-cpp reading, and the raw decode tool."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import segno
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from PIL import Image

from kiosk.adapters.qr_image import QrImageError, QrImageErrorCode, decode_image, render_png
from kiosk.commands.decode_raw import decode_raw_main
from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.payload import decode_texts, encode_bundle, numeric_capacity
from kiosk.core.qr_symbol import make_symbol

PRIVATE = X25519PrivateKey.generate()
BUNDLE = Bundle("A-017", "vi", False, 1_775_000_000, "kiosk-1", (
    FormRecord("tennyu", 1, {1: 20260401, 2: {1: "グエン", 2: "ヴァン アン", 5: "NGUYEN VAN AN"}, 3: "髙﨑𠮷"}),
))


def _png_image(text: str, scale: int = 4) -> Image.Image:
    return Image.open(io.BytesIO(render_png(text, None, scale=scale)))


def test_rendered_payload_decodes_back_to_the_bundle(tmp_path: Path) -> None:
    """encode → PNG file → zxing-cpp → decode gives the same bundle, byte for byte."""
    texts = encode_bundle(BUNDLE, PRIVATE.public_key(), 5)
    path = tmp_path / "ticket.png"
    data = render_png(texts[0], path)
    assert path.read_bytes() == data and data.startswith(b"\x89PNG\r\n\x1a\n")
    read = decode_image(path)
    assert read == texts
    assert decode_texts(read, {5: PRIVATE}) == BUNDLE


def test_png_size_follows_scale_and_border() -> None:
    """The PNG is (modules + 2 × border) × scale pixels wide, 1-bit."""
    text = "1" * 100
    image = Image.open(io.BytesIO(render_png(text, None, scale=3, border=2)))
    side = make_symbol(text).size
    assert image.size == ((side + 4) * 3, (side + 4) * 3) and image.mode == "1"


def test_short_text_is_a_regular_qr_not_micro() -> None:
    """A short digit text (which segno would make Micro QR by default) reads as regular QR version 1."""
    (barcode,) = zxingcpp.read_barcodes(_png_image("12345"))
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.extra["Version"] == "1" and barcode.ec_level == "M"


def test_symbol_is_one_numeric_segment() -> None:
    """The version zxing-cpp reads is the smallest numeric version, below what byte or alphanumeric mode needs."""
    text = "9" * 1000
    (barcode,) = zxingcpp.read_barcodes(_png_image(text, scale=3))
    version = int(barcode.extra["Version"])
    assert barcode.text == text and make_symbol(text).mode == "numeric"
    assert numeric_capacity(version) >= len(text) > numeric_capacity(version - 1)
    for mode in ("alphanumeric", "byte"):
        assert segno.make(text, mode=mode, error="m", micro=False).version > version


def test_several_codes_come_back_in_reading_order() -> None:
    """Four codes in a 2×2 grid, slightly staggered, read row by row, left to right."""
    texts = ["1111", "2222", "3333", "4444"]
    tiles = [_png_image(t, scale=6) for t in texts]
    w, h = tiles[0].size
    sheet = Image.new("L", (2 * w + 40, 2 * h + 60), 255)
    sheet.paste(tiles[0], (0, 12))
    sheet.paste(tiles[1], (w + 40, 0))
    sheet.paste(tiles[2], (0, h + 60))
    sheet.paste(tiles[3], (w + 40, h + 48))
    assert decode_image(sheet) == texts


def test_other_symbologies_are_ignored() -> None:
    """A Code 128 barcode and a Micro QR beside our code are not returned."""
    ours = _png_image("123456789012", scale=5)
    code128 = Image.fromarray(zxingcpp.create_barcode("ABC-123", zxingcpp.BarcodeFormat.Code128).to_image(scale=3))
    micro = Image.open(io.BytesIO(_micro_png("98765")))
    sheet = Image.new("L", (ours.width + code128.width + micro.width + 80, max(ours.height, code128.height, micro.height) + 20), 255)
    sheet.paste(ours.convert("L"), (0, 0))
    sheet.paste(code128.convert("L"), (ours.width + 40, 10))
    sheet.paste(micro.convert("L"), (ours.width + code128.width + 80, 10))
    found = {b.format for b in zxingcpp.read_barcodes(sheet)}
    assert zxingcpp.BarcodeFormat.MicroQRCode in found and zxingcpp.BarcodeFormat.Code128 in found
    assert decode_image(sheet) == ["123456789012"]


def _micro_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, micro=True).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def test_numpy_arrays_are_accepted() -> None:
    """Grayscale and BGR arrays (as from a camera) decode like images."""
    gray = np.array(_png_image("4242424242").convert("L"))
    bgr = np.stack([gray, gray, gray], axis=-1)
    assert decode_image(gray) == ["4242424242"]
    assert decode_image(bgr) == ["4242424242"]


def test_blank_image_gives_no_texts() -> None:
    """An image without a code is an empty list, not an error."""
    assert decode_image(Image.new("L", (200, 200), 255)) == []


@pytest.mark.parametrize("content", [None, b"", b"not an image", b"\x89PNG\r\n\x1a\n broken"])
def test_unreadable_file_is_a_coded_error(tmp_path: Path, content: bytes | None) -> None:
    """A missing or broken file raises QrImageError UNREADABLE_IMAGE."""
    path = tmp_path / "photo.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(QrImageError) as info:
        decode_image(path)
    assert info.value.code is QrImageErrorCode.UNREADABLE_IMAGE


def test_decode_raw_prints_json_lines_and_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One JSON line per image; a broken file gives one stderr line and exit code 1."""
    good = tmp_path / "チケット.png"
    render_png("31415926535", good)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"nope")
    assert decode_raw_main([good]) == 0
    assert decode_raw_main([good, broken]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [json.loads(line) for line in lines] == [{"file": str(good), "texts": ["31415926535"]}] * 2
    assert "チケット" in lines[0]  # ensure_ascii=False keeps the name readable
    assert len(err.splitlines()) == 1 and "QRIMG_001" in err and "Traceback" not in err
