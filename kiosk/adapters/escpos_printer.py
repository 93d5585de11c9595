"""Ticket printers behind the ``Printer`` port: ESC/POS thermal printers, a PNG folder, none.

``make_printer(settings)`` turns ``[printer]`` settings into one of:

- ``EscPosPrinter`` (kind ``file``, ``network``, ``usb``, ``serial``, or ``dummy`` for tests):
  sends the ticket as one raster image (``GS v 0``) with python-escpos, then feeds and cuts.
  Raster, not printer text, because ESC/POS text commands cannot print kanji on most
  printers (tech.md §6.1). Each ticket opens and closes its own connection, so a printer
  that was switched off and on again just works on the next ticket.
- ``FilePrinter`` (kind ``png``): writes each ticket as a PNG into a folder, for practice
  classes and demos without a printer.
- ``NullPrinter`` (kind ``none``, the default): this kiosk has no ticket printer by design.

Printer profiles (dots per line, dpi, cutter) are data in printing/printers/*.toml, read
by ``load_printer_profile``. Every failure leaves here as ``PrinterError`` with
``PRINTER_OFFLINE`` (cannot reach the printer: the UI shows the slip on screen and tells
the citizen to call staff) or ``PRINTER_FAILED`` (anything else), never as a library
exception. This module must not log or keep ticket images, and never imports Qt.
"""

from __future__ import annotations

import logging
import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from PIL import Image

from kiosk.config import PrinterSettings, default_data_dir
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.ports import PortError, Printer, PrinterError
from kiosk.paths import printing_dir

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger(__name__)


def _printers() -> ModuleType:
    """python-escpos's printer classes, imported on first use.

    Importing python-escpos parses its printer-capabilities file (about 0.9 s here); a kiosk
    without a printer (kind "none") never pays that at start-up.
    """
    from escpos import printer

    return printer

#: Seconds to wait for a network or USB printer before calling it offline. Short, because
#: a citizen is standing at the kiosk; the slip is shown on screen instead.
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_NETWORK_PORT = 9100  # the raw "JetDirect" port every network ESC/POS printer listens on
CUT_MODES = ("full", "partial", "none")
ESCPOS_KINDS = ("file", "network", "usb", "serial", "dummy")


class PrintingErrorCode(ErrorCode):
    PROFILE_UNKNOWN = "PRINT_101"
    PROFILE_INVALID = "PRINT_102"
    TARGET_INVALID = "PRINT_103"
    KIND_UNKNOWN = "PRINT_104"


class PrinterConfigError(KioskError):
    """A printer profile or ``[printer]`` setting that cannot work; the message says what to fix."""


@dataclass(frozen=True)
class PrinterProfile:
    """One printer class from printing/printers/*.toml (printing/README.md lists the keys)."""

    name: str
    description: str
    escpos_profile: str
    paper_width_mm: float
    print_width_mm: float
    dots_per_line: int
    dpi: int
    cut: str  # "full", "partial" or "none"
    feed_lines_before_cut: int
    source: Path


def load_printer_profiles(folder: Path | None = None) -> dict[str, PrinterProfile]:
    """Every profile in ``folder`` (default printing/printers), keyed by case-folded name."""
    folder = folder if folder is not None else printing_dir() / "printers"
    profiles: dict[str, PrinterProfile] = {}
    for path in sorted(folder.glob("*.toml")):
        profile = _read_profile(path)
        key = profile.name.casefold()
        if key in profiles:
            raise PrinterConfigError(
                PrintingErrorCode.PROFILE_INVALID,
                f"{path.name} name: {profile.name!r} is already used by {profiles[key].source.name}",
            )
        profiles[key] = profile
    return profiles


def load_printer_profile(name: str, folder: Path | None = None) -> PrinterProfile:
    """The profile called ``name`` (its ``name`` key or its file name, any case)."""
    profiles = load_printer_profiles(folder)
    wanted = name.casefold()
    for profile in profiles.values():
        if wanted in (profile.name.casefold(), profile.source.stem.casefold()):
            return profile
    known = sorted(profile.name for profile in profiles.values())
    raise PrinterConfigError(
        PrintingErrorCode.PROFILE_UNKNOWN,
        f"printer profile {name!r} not found in {folder or printing_dir() / 'printers'}; "
        f"choose one of {known} or add a file there (printing/README.md)",
    )


def _read_profile(path: Path) -> PrinterProfile:
    def fail(key: str, problem: str) -> PrinterConfigError:
        return PrinterConfigError(PrintingErrorCode.PROFILE_INVALID, f"{path.name} {key}: {problem}")

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail("(file)", f"not valid TOML: {exc}") from exc

    def get(key: str, kind: type, default: Any = None) -> Any:
        value = raw.get(key, default)
        if value is None:
            raise fail(key, "missing")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise fail(key, f"expected {kind.__name__}, got {value!r}")
        return value

    profile = PrinterProfile(
        name=get("name", str),
        description=get("description", str, ""),
        escpos_profile=get("escpos_profile", str),
        paper_width_mm=get("paper_width_mm", float),
        print_width_mm=get("print_width_mm", float),
        dots_per_line=get("dots_per_line", int),
        dpi=get("dpi", int),
        cut=get("cut", str),
        feed_lines_before_cut=get("feed_lines_before_cut", int, 4),
        source=path,
    )
    if profile.cut not in CUT_MODES:
        raise fail("cut", f"{profile.cut!r} is not one of {list(CUT_MODES)}")
    if profile.dpi <= 0 or profile.dots_per_line <= 0 or profile.feed_lines_before_cut < 0:
        raise fail("dpi/dots_per_line/feed_lines_before_cut", "must be positive")
    if not 0 < profile.print_width_mm <= profile.paper_width_mm:
        raise fail("print_width_mm", "must be positive and no wider than paper_width_mm")
    expected = profile.print_width_mm * profile.dpi / 25.4
    if abs(profile.dots_per_line - expected) > 0.02 * expected:
        # A typo here would print a ticket cut off at the edge or squeezed into a strip.
        raise fail(
            "dots_per_line",
            f"{profile.dots_per_line} does not match print_width_mm × dpi / 25.4 ≈ {expected:.0f}",
        )
    if profile.dots_per_line % 8:
        raise fail("dots_per_line", "must be a multiple of 8 (raster rows are whole bytes)")
    return profile


class NullPrinter:
    """Kind ``none``: this kiosk has no ticket printer, on purpose.

    The slip is then shown on screen only (staff scan the QR from the screen, or the
    citizen photographs it). ``print_image`` still raises ``PRINTER_OFFLINE``, so a caller
    that only knows the ``Printer`` port falls back to the screen exactly as for a broken
    printer; ``configured`` is False so the UI can word that screen as normal ("show this
    screen at the counter") rather than as a fault ("the printer failed, please call staff").
    """

    configured = False

    def print_image(self, image: Image.Image) -> None:
        raise PrinterError(PortError.PRINTER_OFFLINE, "no ticket printer is configured (kind = none)")


class FilePrinter:
    """Kinds ``png`` and ``pdf``: each ticket becomes a file in ``folder``.

    For practice classes, demos and laptops without a thermal printer. A PDF page is the
    slip at its real size (the raster at the profile's dpi, so 80 mm wide), ready for any
    office printer. A real ticket's QR is encrypted, but it is still the citizen's data:
    only the newest ``keep`` files are kept, and this printer is meant for practice
    personas, not for a production counter.
    """

    configured = True

    def __init__(
        self,
        folder: Path,
        keep: int = 50,
        clock: Callable[[], float] = time.time,
        file_format: str = "png",
        profile: PrinterProfile | None = None,
    ) -> None:
        if file_format not in ("png", "pdf"):
            raise ValueError(f"file_format must be png or pdf, not {file_format!r}")
        self.folder = Path(folder)
        self.keep = keep
        self.file_format = file_format
        self._clock = clock
        self._counter = 0
        if profile is not None:  # render tickets for this paper, as the thermal printer would
            self.width_px, self.dpi = profile.dots_per_line, profile.dpi

    def print_image(self, image: Image.Image) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self._clock()))
            self._counter += 1
            path = self.folder / f"ticket-{stamp}-{self._counter:04d}.{self.file_format}"
            if self.file_format == "pdf":
                image.save(path, format="PDF", resolution=float(getattr(self, "dpi", 203)))
            else:
                image.save(path, format="PNG")
            self._prune()
        except OSError as exc:
            raise PrinterError(PortError.PRINTER_OFFLINE, f"cannot write tickets to {self.folder}: {exc.strerror}") from exc
        except Exception as exc:  # noqa: BLE001 - the port promises PrinterError only
            raise PrinterError(PortError.PRINTER_FAILED, f"could not save the ticket: {type(exc).__name__}") from exc

    def _prune(self) -> None:
        tickets = sorted(
            self.folder.glob(f"ticket-*.{self.file_format}"), key=lambda p: (p.stat().st_mtime, p.name)
        )
        for old in tickets[: max(0, len(tickets) - self.keep)]:
            old.unlink(missing_ok=True)


class EscPosPrinter:
    """An ESC/POS thermal printer reached through python-escpos (see the module text).

    Construction checks the settings (profile, target syntax) and raises
    ``PrinterConfigError`` for a kiosk that cannot work; connecting happens per ticket in
    ``print_image``. ``output`` holds the bytes sent so far for kind ``dummy``.
    """

    configured = True

    def __init__(
        self,
        settings: PrinterSettings,
        profile: PrinterProfile | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if settings.kind not in ESCPOS_KINDS:
            raise PrinterConfigError(
                PrintingErrorCode.KIND_UNKNOWN,
                f"printer.kind {settings.kind!r} is not an ESC/POS kind {list(ESCPOS_KINDS)}",
            )
        self.settings = settings
        self.profile = profile if profile is not None else load_printer_profile(settings.profile)
        if abs(self.profile.paper_width_mm - settings.paper_width_mm) > 0.5:
            raise PrinterConfigError(
                PrintingErrorCode.PROFILE_INVALID,
                f"printer.paper_width_mm is {settings.paper_width_mm} but profile "
                f"{self.profile.name!r} is for {self.profile.paper_width_mm:g} mm paper; "
                "choose a profile for your paper (printing/printers/)",
            )
        self.timeout_s = timeout_s
        self._connect = self._connector()
        self._dummy: Any = None
        if settings.kind == "dummy":
            self._dummy = _printers().Dummy(profile=self.profile.escpos_profile)

    @property
    def width_px(self) -> int:
        """Render tickets exactly this many dots wide."""
        return self.profile.dots_per_line

    @property
    def dpi(self) -> int:
        return self.profile.dpi

    @property
    def output(self) -> bytes:
        """Every byte sent to a ``dummy`` printer so far (tests and debugging)."""
        if self._dummy is None:
            raise AttributeError("output exists only for printer.kind = 'dummy'")
        return self._dummy.output

    def print_image(self, image: Image.Image) -> None:
        raster = self._fit(image)
        device: Escpos | None = None
        try:
            device = self._connect()
            device.open()
            device.image(raster, impl="bitImageRaster", center=False)
            if self.profile.feed_lines_before_cut:
                device.print_and_feed(self.profile.feed_lines_before_cut)
            if self.profile.cut != "none":
                # Not Escpos.cut(): it always feeds 6 more lines (~25 mm of paper per ticket).
                from escpos.constants import PAPER_FULL_CUT, PAPER_PART_CUT

                device._raw(PAPER_PART_CUT if self.profile.cut == "partial" else PAPER_FULL_CUT)
        except PrinterError:
            raise
        except (_device_not_found(), OSError) as exc:
            # OSError covers refused/timed-out sockets, a missing device file, and pyusb's
            # and pyserial's I/O errors (both derive from OSError): the printer is not there.
            log.warning("printer %s unreachable: %s", self.settings.kind, type(exc).__name__)
            raise PrinterError(
                PortError.PRINTER_OFFLINE, f"{self.settings.kind} printer not reachable: {type(exc).__name__}"
            ) from exc
        except Exception as exc:  # noqa: BLE001 - the port promises PrinterError only
            log.warning("printer %s failed: %s", self.settings.kind, type(exc).__name__)
            raise PrinterError(
                PortError.PRINTER_FAILED, f"{self.settings.kind} printer failed: {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            if device is not None and device is not self._dummy:
                try:
                    device.close()
                except Exception:  # noqa: BLE001 - closing a dead connection must not mask the error
                    pass

    # -- helpers -------------------------------------------------------------------------
    def _fit(self, image: Image.Image) -> Image.Image:
        """A 1-bit image exactly the head's width: narrower ones are centred, wider refused."""
        width = self.profile.dots_per_line
        if image.width > width:
            raise PrinterError(
                PortError.PRINTER_FAILED,
                f"ticket image is {image.width} dots wide; profile {self.profile.name} prints {width}",
            )
        mono = image if image.mode == "1" else image.convert("L").convert("1", dither=Image.Dither.NONE)
        if mono.width == width:
            return mono
        canvas = Image.new("1", (width, mono.height), 1)
        canvas.paste(mono, ((width - mono.width) // 2, 0))
        return canvas

    def _connector(self) -> Callable[[], Escpos]:
        """Parse ``target`` now (bad settings fail at start-up) and return a connection factory."""
        kind, target, profile = self.settings.kind, self.settings.target.strip(), self.profile.escpos_profile
        if kind == "dummy":
            return lambda: self._dummy  # type: ignore[return-value]
        if kind == "file":
            if not target:
                raise _bad_target("a device or file path, e.g. /dev/usb/lp0")
            return lambda: _printers().File(devfile=target, profile=profile)
        if kind == "network":
            host, port = _parse_host_port(target)
            return lambda: _printers().Network(host, port=port, timeout=self.timeout_s, profile=profile)
        if kind == "usb":
            vendor, product = _parse_usb(target)

            def usb() -> Escpos:
                if not _printers().Usb.is_usable():
                    raise RuntimeError("USB printing needs pyusb (pip install python-escpos[usb])")
                return _printers().Usb(vendor, product, timeout=int(self.timeout_s * 1000), profile=profile)

            return usb
        device, baudrate = _parse_serial(target)

        def serial() -> Escpos:
            if not _printers().Serial.is_usable():
                raise RuntimeError("serial printing needs pyserial (pip install python-escpos[serial])")
            return _printers().Serial(devfile=device, baudrate=baudrate, timeout=self.timeout_s, profile=profile)

        return serial


def _device_not_found() -> type[Exception]:
    from escpos.exceptions import DeviceNotFoundError

    return DeviceNotFoundError


def make_printer(
    settings: PrinterSettings, timeout_s: float = DEFAULT_TIMEOUT_S, data_dir: Path | None = None
) -> Printer:
    """The printer for ``[printer]`` settings; raises ``PrinterConfigError`` for unusable ones.

    kind: ``none`` → NullPrinter; ``png`` / ``pdf`` → FilePrinter into ``target`` (default:
    the "printed-tickets" folder in the kiosk's data directory), sized by ``profile``; ``file``, ``network``,
    ``usb``, ``serial``, ``dummy`` → EscPosPrinter.
    """
    if settings.kind == "none":
        return NullPrinter()
    if settings.kind in ("png", "pdf"):
        base = data_dir if data_dir is not None else default_data_dir()
        folder = Path(settings.target) if settings.target.strip() else base / "printed-tickets"
        return FilePrinter(folder, file_format=settings.kind, profile=load_printer_profile(settings.profile))
    if settings.kind in ESCPOS_KINDS:
        return EscPosPrinter(settings, timeout_s=timeout_s)
    raise PrinterConfigError(
        PrintingErrorCode.KIND_UNKNOWN,
        f"printer.kind {settings.kind!r} is unknown; use one of {['none', 'png', 'pdf', *ESCPOS_KINDS]}",
    )


def _bad_target(expected: str) -> PrinterConfigError:
    return PrinterConfigError(PrintingErrorCode.TARGET_INVALID, f"printer.target: expected {expected}")


def _parse_host_port(target: str) -> tuple[str, int]:
    """``host``, ``host:port``, ``[ipv6]`` or ``[ipv6]:port``; the port defaults to 9100."""
    match = re.fullmatch(r"\[(?P<v6>[0-9A-Fa-f:.]+)\](?::(?P<p6>\d+))?|(?P<host>[^:\s\[\]]+)(?::(?P<port>\d+))?", target)
    if not match:
        raise _bad_target("host or host:port, e.g. 192.168.0.50:9100")
    host = match.group("v6") or match.group("host")
    port = int(match.group("p6") or match.group("port") or DEFAULT_NETWORK_PORT)
    if not 0 < port < 65536:
        raise _bad_target("a TCP port between 1 and 65535")
    return host, port


def _parse_usb(target: str) -> tuple[int, int]:
    """``vendor:product`` in hexadecimal, as lsusb and Windows' device manager show them."""
    match = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", target)
    if not match:
        raise _bad_target("vendor:product in hexadecimal, e.g. 04b8:0202 (Epson TM-T88V)")
    return int(match.group(1), 16), int(match.group(2), 16)


def _parse_serial(target: str) -> tuple[str, int]:
    """``device`` or ``device,baudrate`` (COM3 on Windows, /dev/ttyUSB0 on Linux); 9600 baud by default."""
    device, _, baud = target.partition(",")
    device, baud = device.strip(), baud.strip()
    if not device or (baud and not baud.isdigit()):
        raise _bad_target("a serial device, optionally with a baud rate: COM3 or /dev/ttyUSB0,38400")
    return device, int(baud) if baud else 9600
