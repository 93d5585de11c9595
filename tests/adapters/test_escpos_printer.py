"""Ticket printers: real ESC/POS bytes, file and network transports, profiles, failure codes."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from kiosk.adapters.escpos_printer import (
    EscPosPrinter,
    FilePrinter,
    NullPrinter,
    PrinterConfigError,
    PrintingErrorCode,
    load_printer_profile,
    load_printer_profiles,
    make_printer,
)
from kiosk.config import PrinterSettings
from kiosk.core.ports import PortError, PrinterError

RASTER = b"\x1dv0"  # GS v 0: print raster bit image
PARTIAL_CUT = b"\x1dV\x01"


def ticket_image(width: int = 576, height: int = 120) -> Image.Image:
    image = Image.new("1", (width, height), 1)
    ImageDraw.Draw(image).rectangle((10, 10, width - 10, 40), fill=0)
    return image


def settings(kind: str, target: str = "", profile: str = "TM-T20II", paper: int = 80) -> PrinterSettings:
    return PrinterSettings(kind=kind, profile=profile, target=target, paper_width_mm=paper)


def raster_header(width_px: int, height: int) -> bytes:
    return RASTER + b"\x00" + (width_px // 8).to_bytes(2, "little") + height.to_bytes(2, "little")


def test_dummy_printer_sends_raster_image_and_cut() -> None:
    """The bytes for one ticket are a GS v 0 raster of the full head width, then a cut."""
    printer = EscPosPrinter(settings("dummy"))
    printer.print_image(ticket_image())
    output = printer.output
    assert raster_header(576, 120) in output
    assert output.endswith(PARTIAL_CUT)
    assert output.index(RASTER) < output.index(PARTIAL_CUT)


def test_58mm_printer_without_cutter_only_feeds() -> None:
    """A 58 mm printer gets a 384-dot raster and no cut command it does not have."""
    printer = EscPosPrinter(settings("dummy", profile="POS-5890", paper=58))
    printer.print_image(ticket_image(384))
    assert raster_header(384, 120) in printer.output
    assert b"\x1dV" not in printer.output


def test_narrower_image_is_centred_on_the_head() -> None:
    """An image narrower than the head is padded to the full width, not printed off-centre."""
    printer = EscPosPrinter(settings("dummy"))
    printer.print_image(ticket_image(384))
    assert raster_header(576, 120) in printer.output


def test_wider_image_is_refused_as_printer_failed() -> None:
    """An image wider than the head fails with PRINTER_FAILED instead of printing cut off."""
    printer = EscPosPrinter(settings("dummy", profile="POS-5890", paper=58))
    with pytest.raises(PrinterError) as caught:
        printer.print_image(ticket_image(576))
    assert caught.value.code is PortError.PRINTER_FAILED


def test_grey_image_is_thresholded_not_rejected() -> None:
    """A greyscale image is made 1-bit before sending."""
    printer = EscPosPrinter(settings("dummy"))
    printer.print_image(ticket_image().convert("L"))
    assert raster_header(576, 120) in printer.output


def test_file_printer_writes_the_same_bytes_as_dummy(tmp_path: Path) -> None:
    """kind = file writes exactly the ESC/POS stream a printer would receive."""
    dummy = EscPosPrinter(settings("dummy"))
    dummy.print_image(ticket_image())
    target = tmp_path / "lp0"
    EscPosPrinter(settings("file", str(target))).print_image(ticket_image())
    assert target.read_bytes() == dummy.output


def test_missing_device_file_is_offline(tmp_path: Path) -> None:
    """An unplugged printer's device path raises PRINTER_OFFLINE, not OSError."""
    printer = EscPosPrinter(settings("file", str(tmp_path / "no-such-dir" / "lp0")))
    with pytest.raises(PrinterError) as caught:
        printer.print_image(ticket_image())
    assert caught.value.code is PortError.PRINTER_OFFLINE


def test_unreachable_network_printer_is_offline_quickly() -> None:
    """A network printer that refuses connections is PRINTER_OFFLINE within the timeout."""
    with socket.socket() as probe:  # find a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = EscPosPrinter(settings("network", f"127.0.0.1:{port}"), timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        printer.print_image(ticket_image())
    assert caught.value.code is PortError.PRINTER_OFFLINE
    assert time.monotonic() - started < 2.0


def test_network_printer_receives_the_ticket() -> None:
    """kind = network delivers the same stream over TCP and closes the connection."""
    received = bytearray()
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        EscPosPrinter(settings("network", f"127.0.0.1:{port}"), timeout_s=2.0).print_image(ticket_image())
        thread.join(timeout=5)
    finally:
        server.close()
    dummy = EscPosPrinter(settings("dummy"))
    dummy.print_image(ticket_image())
    assert bytes(received) == dummy.output


def test_usb_printer_failure_is_a_printer_error() -> None:
    """A USB printer that is absent (or lacks its driver library) never leaks a raw exception."""
    printer = EscPosPrinter(settings("usb", "04b8:0202"), timeout_s=0.5)
    with pytest.raises(PrinterError) as caught:
        printer.print_image(ticket_image())
    assert caught.value.code in (PortError.PRINTER_OFFLINE, PortError.PRINTER_FAILED)


@pytest.mark.parametrize(
    ("kind", "target"),
    [("network", "printer:notaport"), ("network", ""), ("usb", "epson"), ("file", ""), ("serial", "COM3,fast")],
)
def test_malformed_target_is_a_config_error(kind: str, target: str) -> None:
    """A target that cannot work is rejected at start-up with TARGET_INVALID."""
    with pytest.raises(PrinterConfigError) as caught:
        EscPosPrinter(settings(kind, target))
    assert caught.value.code is PrintingErrorCode.TARGET_INVALID


def test_every_shipped_profile_loads() -> None:
    """printing/printers has an 80 mm TM-T88 class, a 203 dpi 80 mm and a 58 mm profile."""
    profiles = load_printer_profiles()
    assert {"tm-t88v", "tm-t20ii", "pos-5890"} <= set(profiles)
    t88 = load_printer_profile(PrinterSettings().profile)  # the configuration default
    assert (t88.paper_width_mm, t88.dots_per_line, t88.dpi, t88.cut) == (80, 512, 180, "partial")
    narrow = load_printer_profile("pos-5890")
    assert (narrow.paper_width_mm, narrow.dots_per_line, narrow.dpi, narrow.cut) == (58, 384, 203, "none")


def test_every_shipped_profile_prints_with_python_escpos() -> None:
    """Each profile's python-escpos name exists and takes a full-width raster."""
    for profile in load_printer_profiles().values():
        printer = EscPosPrinter(settings("dummy", profile=profile.name, paper=int(profile.paper_width_mm)))
        printer.print_image(ticket_image(profile.dots_per_line, 8))
        assert raster_header(profile.dots_per_line, 8) in printer.output


def test_inconsistent_profile_names_file_and_key(tmp_path: Path) -> None:
    """A profile whose dots do not match its width and dpi is rejected, naming file and key."""
    (tmp_path / "bad.toml").write_text(
        'name = "Bad"\nescpos_profile = "default"\npaper_width_mm = 80\nprint_width_mm = 72\n'
        'dots_per_line = 640\ndpi = 203\ncut = "full"\n',
        encoding="utf-8",
    )
    with pytest.raises(PrinterConfigError) as caught:
        load_printer_profiles(tmp_path)
    assert caught.value.code is PrintingErrorCode.PROFILE_INVALID
    assert "bad.toml dots_per_line" in str(caught.value)


def test_unknown_profile_lists_the_known_ones() -> None:
    """Asking for a profile that does not exist says which ones do."""
    with pytest.raises(PrinterConfigError) as caught:
        load_printer_profile("TM-NOPE")
    assert caught.value.code is PrintingErrorCode.PROFILE_UNKNOWN
    assert "TM-T88V" in str(caught.value)


def test_paper_width_must_match_the_profile() -> None:
    """58 mm paper with an 80 mm profile is a configuration error, not a cropped ticket."""
    with pytest.raises(PrinterConfigError) as caught:
        EscPosPrinter(settings("dummy", profile="TM-T88V", paper=58))
    assert caught.value.code is PrintingErrorCode.PROFILE_INVALID


def test_none_means_no_printer_and_falls_back_to_screen() -> None:
    """kind = none: not configured, and printing raises PRINTER_OFFLINE (slip on screen)."""
    printer = make_printer(settings("none"))
    assert isinstance(printer, NullPrinter) and printer.configured is False
    with pytest.raises(PrinterError) as caught:
        printer.print_image(ticket_image())
    assert caught.value.code is PortError.PRINTER_OFFLINE


def test_png_printer_writes_tickets_and_keeps_only_the_newest(tmp_path: Path) -> None:
    """kind = png saves each ticket as a PNG and prunes old ones."""
    printer = make_printer(settings("png", str(tmp_path)))
    assert isinstance(printer, FilePrinter)
    printer.keep = 2
    for _ in range(3):
        printer.print_image(ticket_image())
    files = sorted(tmp_path.glob("ticket-*.png"))
    assert len(files) == 2
    with Image.open(files[-1]) as png:
        assert png.size == (576, 120)


def test_png_printer_into_an_unwritable_place_is_offline(tmp_path: Path) -> None:
    """A PNG folder that cannot be created is PRINTER_OFFLINE, not a raw OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PrinterError) as caught:
        FilePrinter(blocker / "tickets").print_image(ticket_image())
    assert caught.value.code is PortError.PRINTER_OFFLINE


def test_make_printer_builds_escpos_printers_and_rejects_unknown_kinds() -> None:
    """The factory maps every documented kind, and names the valid ones for a typo."""
    printer = make_printer(settings("dummy"))
    assert isinstance(printer, EscPosPrinter) and printer.width_px == 576 and printer.dpi == 203
    with pytest.raises(PrinterConfigError) as caught:
        make_printer(settings("bluetooth"))
    assert caught.value.code is PrintingErrorCode.KIND_UNKNOWN


def test_pdf_kind_writes_a_real_size_slip_whose_qr_decodes(tmp_path) -> None:
    """kind = "pdf": one PDF page per ticket, 72 mm wide on TM-T88V paper, and its QR still reads."""
    import subprocess

    import segno
    import zxingcpp
    from PIL import Image as PILImage
    from pypdf import PdfReader

    from kiosk.adapters.escpos_printer import make_printer
    from kiosk.config import PrinterSettings

    printer = make_printer(PrinterSettings(kind="pdf", profile="TM-T88V", target=str(tmp_path / "out")))
    assert (printer.width_px, printer.dpi) == (512, 180)
    text = "1" + "0123456789" * 60
    from io import BytesIO

    buffer = BytesIO()
    segno.make(text, mode="numeric", error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    qr = PILImage.open(BytesIO(buffer.getvalue())).convert("1")
    slip = PILImage.new("1", (512, qr.height + 40), 1)
    slip.paste(qr, ((512 - qr.width) // 2, 20))
    printer.print_image(slip)
    pdfs = list((tmp_path / "out").glob("ticket-*.pdf"))
    assert len(pdfs) == 1
    page = PdfReader(pdfs[0]).pages[0]
    assert abs(float(page.mediabox.width) / 72 * 25.4 - 512 / 180 * 25.4) < 0.5
    subprocess.run(["pdftoppm", "-r", "180", "-png", "-singlefile", str(pdfs[0]), str(tmp_path / "page")], check=True)
    results = zxingcpp.read_barcodes(PILImage.open(tmp_path / "page.png").convert("RGB"))
    assert [r.text for r in results] == [text]
