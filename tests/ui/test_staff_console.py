"""The staff console: scanner keystrokes, paste and drop in; Japanese forms, exports, refusals out."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.config import DEFAULT_COUNTERS
from kiosk.adapters.keys import init_keys, load_keyring, load_public_key
from kiosk.adapters.qr_image import decode_image, render_png
from kiosk.app import build_staff
from kiosk.config import load_config
from kiosk.core.bundle import Bundle
from kiosk.core.forms import load_catalog, plan_visit, to_records
from kiosk.core.payload import encode_bundle
from kiosk.paths import forms_dir
from tests.data.family_of_four import FAMILY_OF_FOUR

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def family_bundle(practice: bool = False) -> Bundle:
    catalog = load_catalog(forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    return Bundle("A-017", "vi", practice, 1743984000, "kiosk-1", to_records(catalog, plan, FAMILY_OF_FOUR))


@pytest.fixture
def console(qtbot, tmp_path: Path):
    init_keys(tmp_path / "private", tmp_path / "public.pem")
    key_id, public = load_public_key(tmp_path / "public.pem")
    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    controller, window = build_staff(
        config, keyring=lambda: load_keyring(tmp_path / "private", 30), image_decoder=decode_image,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def encode(bundle: Bundle, max_version: int = 20) -> list[str]:
        return encode_bundle(bundle, public, key_id, max_version=max_version)

    return controller, window, encode, tmp_path


def scan(window, text: str) -> None:
    """What a keyboard-wedge scanner does: fast key presses, then Enter, wherever focus is.

    Each character is one key press with its text, as an X server or Windows delivers a
    scanner's keys (QTest.keyClicks cannot send the full-width digits an IME produces).
    """
    target = window.tree
    for char in text:
        digit = unicodedata.normalize("NFKC", char)
        key = Qt.Key.Key_0 + int(digit) if digit.isdigit() and digit.isascii() else 0
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, char))
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, char))
    QTest.keyClick(target, Qt.Key.Key_Return)


def shown_values(window) -> list[str]:
    values: list[str] = []

    def walk(item) -> None:
        values.append(item.text(1))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(window.tree.topLevelItemCount()):
        walk(window.tree.topLevelItem(i))
    return values


def test_scanner_keystrokes_show_every_form_in_japanese(console) -> None:
    """A scanned ticket shows its number, the citizen's language and each form's Japanese values."""
    controller, window, encode, _ = console
    (text,) = encode(family_bundle())
    scan(window, text)
    assert window.ticket.text().endswith("A-017")
    assert "Tiếng Việt" in window.language.text()
    titles = [window.tree.topLevelItem(i).text(0) for i in range(window.tree.topLevelItemCount())]
    assert titles[0].startswith("転入届") and len(titles) == 4
    values = shown_values(window)
    assert any("NGUYEN" in v and "グエン" in v for v in values)
    assert any("渋谷区" in v for v in values)
    assert any("令和7年4月1日" in v for v in values)
    assert not window.practice.isVisible()
    assert "A-017" in window.windowTitle()


def test_full_width_digits_from_an_ime_are_read_too(console) -> None:
    """The same scan typed through a Japanese IME (full-width digits) decodes identically."""
    controller, window, encode, _ = console
    (text,) = encode(family_bundle())
    scan(window, text.translate(FULL_WIDTH))
    assert controller.view.described is not None and controller.view.described["ticket"] == "A-017"


def test_several_codes_scanned_in_any_order(console) -> None:
    """A bundle split over several codes says "1 of N" and decodes once all are scanned."""
    controller, window, encode, _ = console
    texts = encode(family_bundle(), max_version=12)
    assert len(texts) >= 2
    scan(window, texts[-1])
    assert controller.view.described is None
    assert str(len(texts)) in window.status.text() and not controller.view.is_error
    for text in texts[:-1]:
        scan(window, text)
    assert controller.view.described["ticket"] == "A-017"


def test_paste_text_or_image_and_drop_a_file(console, tmp_path: Path) -> None:
    """Pasted text, a pasted screenshot and a dropped image file all decode."""
    controller, window, encode, work = console
    (text,) = encode(family_bundle())
    QGuiApplication.clipboard().setText(text)
    window.paste()
    assert controller.view.described["ticket"] == "A-017"
    window.clear()
    assert controller.view.described is None and window.tree.topLevelItemCount() == 0
    png = work / "ticket.png"
    render_png(text, png)
    QGuiApplication.clipboard().setImage(QImage(str(png)))
    window.paste()
    assert controller.view.described["ticket"] == "A-017"
    window.clear()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert controller.view.described["ticket"] == "A-017"


def test_exports_are_excel_ready_and_nothing_else_is_written(console) -> None:
    """CSV has a BOM and Japanese labels; JSON is the decoder's JSON; only these files appear."""
    controller, window, encode, work = console
    before = {p for p in work.rglob("*")}
    (text,) = encode(family_bundle())
    scan(window, text)
    assert {p for p in work.rglob("*")} == before  # decoding wrote nothing
    assert controller.export(work / "a.csv", "csv") and controller.export(work / "a.json", "json")
    data = (work / "a.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "転入届".encode() in data
    assert json.loads((work / "a.json").read_text(encoding="utf-8"))["ticket"] == "A-017"


def test_practice_tickets_are_bannered_and_refused(console) -> None:
    """A practice payload shows the banner and is refused for export; no file is written."""
    controller, window, encode, work = console
    (text,) = encode(family_bundle(practice=True))
    scan(window, text)
    assert window.practice.isVisible()
    assert not controller.export(work / "p.csv", "csv")
    assert not (work / "p.csv").exists()
    assert not controller.may_print()
    assert controller.view.is_error


def test_failures_are_codes_with_japanese_messages(console) -> None:
    """Someone else's code, another counter's key, or a tampered digit: a clear message, no crash."""
    controller, window, encode, _ = console
    scan(window, "4901234567894")  # a product barcode's digits
    assert "[QR_001]" in window.status.text() and controller.view.is_error
    (text,) = encode_bundle(family_bundle(), X25519PrivateKey.generate().public_key(), 1)
    scan(window, text)
    assert "[QR_007]" in window.status.text()
    (good,) = encode(family_bundle())
    tampered = good[:-5] + str((int(good[-5]) + 1) % 10) + good[-4:]
    scan(window, tampered)
    assert "[QR_007]" in window.status.text()
    assert controller.view.described is None


def test_print_writes_the_official_forms_pdf_and_refuses_practice(console, monkeypatch) -> None:
    """The PDF action writes every form of the bundle as A4 pages; practice tickets are refused."""
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    controller, window, encode, work = console
    (text,) = encode(family_bundle())
    scan(window, text)
    target = work / "forms.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.buttons["pdf"].click()
    pages = PdfReader(target).pages
    assert len(pages) >= 4 and abs(float(pages[0].mediabox.width) / 72 * 25.4 - 210) < 1
    assert "A-017" in pages[0].extract_text()
    (practice,) = encode(family_bundle(practice=True))
    scan(window, practice)
    target.unlink()
    window.buttons["pdf"].click()
    assert not target.exists() and controller.view.is_error


def test_webcam_button_previews_and_decodes_a_ticket_held_up(qtbot, tmp_path: Path) -> None:
    """The camera path end to end: OpenCV capture (a video of a ticket) → preview → decoded forms."""
    from functools import partial

    import cv2
    import numpy as np
    from PIL import Image

    from kiosk.adapters.camera import CameraSource, FrameDecoder

    init_keys(tmp_path / "private", tmp_path / "public.pem")
    key_id, public = load_public_key(tmp_path / "public.pem")
    (text,) = encode_bundle(family_bundle(), public, key_id)
    render_png(text, tmp_path / "qr.png", scale=5)
    qr = np.array(Image.open(tmp_path / "qr.png").convert("RGB"))[:, :, ::-1]
    video = tmp_path / "ticket.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 15, (1280, 720))
    for shift in range(20):  # the ticket drifts a little in front of the camera
        frame = np.full((720, 1280, 3), 235, np.uint8)
        y, x = 100 + shift, 300 + 2 * shift
        frame[y:y + qr.shape[0], x:x + qr.shape[1]] = qr
        writer.write(frame)
    writer.release()

    config = load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    controller, window = build_staff(
        config, keyring=lambda: load_keyring(tmp_path / "private", 30), image_decoder=decode_image,
        open_camera=partial(CameraSource, video), decode_frame=FrameDecoder().decode,
    )
    qtbot.addWidget(window)
    window.show()
    window.buttons["camera"].click()
    qtbot.waitUntil(lambda: controller.view.described is not None, timeout=20000)
    assert controller.view.described["ticket"] == "A-017"
    assert window.preview.pixmap() is not None and not window.preview.pixmap().isNull()
    window.close()


def test_a_missing_required_field_is_shown_as_a_warning(console) -> None:
    """A record without its move date (e.g. from an older kiosk) still shows, with a warning to check."""
    from dataclasses import replace

    controller, window, encode, _ = console
    bundle = family_bundle()
    tennyu = bundle.forms[0]
    damaged = replace(tennyu, values={k: v for k, v in tennyu.values.items() if k != 1})
    (text,) = encode(replace(bundle, forms=(damaged, *bundle.forms[1:])))
    scan(window, text)
    assert controller.view.described["ticket"] == "A-017"
    assert window.warnings.text() and "異動日" in window.warnings.text()
