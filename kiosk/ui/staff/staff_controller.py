"""The staff console's one controller: scanned texts in, a decoded bundle (or a reason) out.

Texts arrive from the keyboard-wedge scanner, the webcam worker, pasted text or dropped
images; ``PartCollector`` gathers the parts of a message, the codec decrypts it with the
counter's keyring, and the forms engine turns it into the Japanese view staff read.
Every failure becomes a code and a Japanese message on screen, never an exception and
never half a form. The decoded bundle lives only in memory until staff export, print or
clear it; the log gets error codes and ticket numbers, never content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from PySide6.QtCore import QObject, Signal

from kiosk.core.errors import KioskError
from kiosk.core.export import refuse_practice, to_csv, to_json
from kiosk.core.forms import FormCatalog, describe_bundle
from kiosk.core.i18n import N_, Translator
from kiosk.core.payload import Keyring, PayloadError, PayloadErrorCode, decode_texts
from kiosk.core.scan import PartCollector

log = logging.getLogger(__name__)

#: What staff read for each decoder failure (translated to Japanese by the staff catalogue).
PAYLOAD_MESSAGES = {
    PayloadErrorCode.NOT_OURS: N_("This is not a Smart Counter ticket code."),
    PayloadErrorCode.UNKNOWN_VERSION: N_("This ticket was made by a newer kiosk version. Please update this console."),
    PayloadErrorCode.TRUNCATED: N_("The code was read only in part. Please scan it again."),
    PayloadErrorCode.PART_MISSING: N_("Some codes of this ticket are missing. Please scan every code."),
    PayloadErrorCode.PARTS_MISMATCH: N_("These codes belong to different tickets. Please scan one ticket at a time."),
    PayloadErrorCode.UNKNOWN_KEY: N_("This ticket was encrypted for a key this console does not have (key {key_id})."),
    PayloadErrorCode.WRONG_KEY_OR_TAMPERED: N_("This ticket cannot be opened with this counter's key, or it was altered."),
    PayloadErrorCode.BAD_CONTENT: N_("The ticket's content is damaged. Please ask the citizen to fill it in again."),
}
READY = N_("Scan a ticket's QR code (scanner, camera, or paste).")
PART_PROGRESS = N_("Code {have} of {need} read. Please scan the remaining codes.")
DECODED = N_("Ticket {ticket} read.")
NO_KEYS = N_("No private key is installed on this console, so tickets cannot be opened. See docs/keys.md.")
NO_CODE_IN_IMAGE = N_("No QR code was found in the image.")
EXPORTED = N_("Saved: {path}")
PRACTICE_REFUSED = N_("This is a practice ticket. It cannot be exported or printed as a real application.")
SAVE_FAILED = N_("Could not save the file: {reason}")


@dataclass(frozen=True)
class StaffView:
    described: Mapping[str, Any] | None  # kiosk.core.forms.describe_bundle output
    status: str  # already translated
    is_error: bool = False


class StaffController(QObject):
    changed = Signal(object)  # StaffView

    def __init__(
        self,
        catalog: FormCatalog,
        keyring: Callable[[], Keyring],
        tr: Translator,
        image_decoder: Callable[[Any], list[str]],
    ) -> None:
        super().__init__()
        self._catalog = catalog
        self._keyring_loader = keyring
        self._tr = tr
        self._image_decoder = image_decoder
        self._collector = PartCollector()
        self.view = StaffView(None, tr.gettext(READY))

    # -- input ----------------------------------------------------------------------
    def scan_text(self, text: str, source: str = "scanner") -> None:
        try:
            collected = self._collector.add(text)
            if collected.texts is None:
                self._emit(self.view.described, self._tr.gettext(PART_PROGRESS).format(
                    have=collected.have, need=collected.need))
                return
            keyring = self._keyring_loader()
            bundle = decode_texts(list(collected.texts), keyring)
        except PayloadError as exc:
            log.info("scan from %s refused: %s", source, exc.code.value)
            message = self._tr.gettext(PAYLOAD_MESSAGES[exc.code]).format(key_id=getattr(exc, "key_id", "?"))
            self._emit(self.view.described, f"{message} [{exc.code.value}]", error=True)
            return
        except KioskError as exc:  # keys missing or unreadable
            log.warning("cannot open tickets: %s", exc.code.value)
            self._emit(self.view.described, f"{self._tr.gettext(NO_KEYS)} [{exc.code.value}]", error=True)
            return
        described = describe_bundle(self._catalog, bundle)
        log.info("ticket %s decoded (%d forms)", bundle.ticket_number, len(bundle.forms))
        self._emit(described, self._tr.gettext(DECODED).format(ticket=bundle.ticket_number))

    def scan_texts(self, texts: Sequence[str], source: str) -> None:
        for text in texts:
            self.scan_text(text, source)

    def scan_image(self, image: Any, source: str = "image") -> None:
        try:
            texts = self._image_decoder(image)
        except KioskError as exc:
            self._emit(self.view.described, f"{self._tr.gettext(NO_CODE_IN_IMAGE)} [{exc.code.value}]", error=True)
            return
        if not texts:
            self._emit(self.view.described, self._tr.gettext(NO_CODE_IN_IMAGE), error=True)
            return
        self.scan_texts(texts, source)

    def clear(self) -> None:
        self._collector.clear()
        self._emit(None, self._tr.gettext(READY))

    # -- output ---------------------------------------------------------------------
    def export(self, path: Path, kind: str) -> bool:
        """Write JSON or CSV; practice tickets are refused. Returns True when written."""
        described = self.view.described
        if described is None:
            return False
        try:
            refuse_practice(described)
            data = to_json(described).encode("utf-8") if kind == "json" else to_csv(described)
            path.write_bytes(data)
        except KioskError:
            self._emit(described, self._tr.gettext(PRACTICE_REFUSED), error=True)
            return False
        except OSError as exc:
            self._emit(described, self._tr.gettext(SAVE_FAILED).format(reason=exc.strerror), error=True)
            return False
        self._emit(described, self._tr.gettext(EXPORTED).format(path=path))
        return True

    def may_print(self) -> bool:
        described = self.view.described
        if described is None:
            return False
        try:
            refuse_practice(described)
        except KioskError:
            self._emit(described, self._tr.gettext(PRACTICE_REFUSED), error=True)
            return False
        return True

    def report_saved(self, path: Path) -> None:
        self._emit(self.view.described, self._tr.gettext(EXPORTED).format(path=path))

    def report_error(self, message: str) -> None:
        self._emit(self.view.described, message, error=True)

    def report_message(self, message: str, error: bool) -> None:
        self._emit(self.view.described, message, error=error)

    def _emit(self, described: Mapping[str, Any] | None, status: str, error: bool = False) -> None:
        self.view = StaffView(described, status, error)
        self.changed.emit(self.view)
