"""The session controller: the one bridge between screens and the core and adapters.

It holds the current immutable SessionState, applies the pure functions of
kiosk.core.session to it, calls the queue, the address lookup, the QR codec and the
printer, and emits one ``frame_changed`` for the window to render. Printing runs in a
worker thread so a slow or dead printer never freezes the screen; the ticket is on
screen before the printer is even asked. It logs steps and error codes only, never an
answer, and drops every personal datum when the session ends (idle, start over, finish).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from kiosk.config import Config
from kiosk.core import session as flow
from kiosk.core.bundle import Bundle
from kiosk.core.errors import KioskError
from kiosk.core.forms import AnswerErrorCode, Problem, to_records, visit_checklist
from kiosk.core.forms.model import FieldKind, FormCatalog
from kiosk.core.i18n import EASY_JAPANESE, Translator
from kiosk.core.payload import encode_bundle
from kiosk.core.ports import (
    AddressCandidate,
    AddressLookup,
    Clock,
    CounterWait,
    Printer,
    PrinterError,
    QueueService,
    QueueUnavailableError,
)
from kiosk.core.practice import Persona
from kiosk.core.receipt import build_receipt
from kiosk.core.session import SessionState, Step
from kiosk.core.ticket import TicketSlip
from kiosk.ui.frame import Frame
from kiosk.ui.notices import (
    NO_PRINTER,
    POSTAL_UNKNOWN,
    PRINTED,
    PRINTER_FAILED,
    PRINTING,
    QUEUE_PAUSED,
)
from kiosk.ui.ticket_render import render_ticket_image, to_mono

log = logging.getLogger(__name__)

class _PrintSignals(QObject):
    done = Signal(int, str)  # session serial, "" on success or the error code


class _PrintJob(QRunnable):
    def __init__(self, printer: Printer, image, serial: int, signals: _PrintSignals) -> None:
        super().__init__()
        self._printer, self._image, self._serial, self._signals = printer, image, serial, signals

    def run(self) -> None:
        try:
            self._printer.print_image(self._image)
        except PrinterError as exc:
            self._signals.done.emit(self._serial, exc.code.value)
            return
        except Exception:  # a printer driver bug must not take the kiosk down
            log.exception("printer raised an unexpected error")
            self._signals.done.emit(self._serial, "PRINT_002")
            return
        self._signals.done.emit(self._serial, "")


class SessionController(QObject):
    frame_changed = Signal(object)  # Frame
    idle_warning = Signal(int)  # seconds left
    idle_cleared = Signal()
    staff_called = Signal()
    print_finished = Signal(str)  # "" or the error code

    def __init__(
        self,
        config: Config,
        catalog: FormCatalog,
        translators: Callable[[str], Translator],
        queue: QueueService,
        printer: Printer,
        addresses: AddressLookup,
        public_key: tuple[int, Any],
        clock: Clock,
        ticket_raster: tuple[int, int] = (576, 203),
        personas: Sequence[Persona] = (),
    ) -> None:
        super().__init__()
        self.personas = {persona.id: persona for persona in personas}
        self.config = config
        self.catalog = catalog
        self._translators = translators
        self._queue = queue
        self._printer = printer
        self._addresses = addresses
        self._key_id, self._public_key = public_key
        self._clock = clock
        self._ticket_width_px, self._ticket_dpi = ticket_raster
        # A kiosk set up without a printer (kind "none") shows the slip as the normal case.
        self._has_printer = bool(getattr(printer, "configured", True))
        self._counter_order = {c.id: c.number for c in config.counters}
        self.state: SessionState = flow.new_session()
        self._candidates: dict[str, tuple[AddressCandidate, ...]] = {}
        self._waits: Sequence[CounterWait] = ()
        self._queue_paused = False
        self._serial = 0  # which session a finished print job belonged to
        self._print_signals = _PrintSignals()
        self._print_signals.done.connect(self._on_printed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # While the ticket database is away, look for it every few seconds so the screens
        # recover by themselves (PRODUCT.md: a clear paused state, nothing lost).
        self._recheck = QTimer(self)
        self._recheck.setInterval(5000)
        self._recheck.timeout.connect(self._recheck_queue)
        self._idle = QTimer(self)
        self._idle.setInterval(1000)
        self._idle.timeout.connect(self._tick)
        self._last_activity = time.monotonic()

    # -- rendering ------------------------------------------------------------------
    def tr(self) -> Translator:
        return self._translators(self.state.language)

    def frame(self) -> Frame:
        question, visit = flow.current_question(self.state, self.catalog, self._counter_order)
        total = len(visit.questions) or 1
        if self.state.step is Step.REVIEW:
            progress = 1.0
        elif question is not None:
            progress = [q.path for q in visit.questions].index(question.path) / total
        else:
            progress = 0.0
        persona = self.personas.get(self.state.persona_id or "")
        sample = None
        if persona is not None and question is not None:
            sample = persona.answers_on(self._today()).get(question.path)
        return Frame(
            state=self.state, tr=self.tr(), config=self.config, catalog=self.catalog,
            visit=visit, question=question, progress=progress, waits=self._waits,
            candidates=dict(self._candidates),
            queue_paused=self._queue_paused,
            personas=tuple(self.personas.values()), persona=persona, sample_answer=sample,
            easy=self._translators(EASY_JAPANESE) if self.state.practice else None,
        )

    def _set(self, state: SessionState) -> None:
        if state.step is not self.state.step:
            log.info("step %s", state.step.value)
        self.state = state
        if state.step is Step.ATTRACT:
            self._idle.stop()
        elif not self._idle.isActive():
            self._idle.start()
        self.frame_changed.emit(self.frame())

    def refresh(self) -> None:
        if self.state.step is Step.ATTRACT:
            self._refresh_waits()
        self.frame_changed.emit(self.frame())

    def _refresh_waits(self) -> None:
        try:
            self._waits = tuple(self._queue.waiting_summary())
            self._set_paused(False)
        except QueueUnavailableError as exc:
            log.warning("queue unavailable: %s", exc.code.value)
            self._waits = ()
            self._set_paused(True)

    def _set_paused(self, paused: bool) -> None:
        self._queue_paused = paused
        if paused and not self._recheck.isActive():
            self._recheck.start()
        elif not paused:
            self._recheck.stop()

    def _recheck_queue(self) -> None:
        self._refresh_waits()
        if not self._queue_paused:
            log.info("queue available again")
            notice = None if self.state.notice == QUEUE_PAUSED else self.state.notice
            self._set(flow.with_notice(self.state, notice))

    # -- intents --------------------------------------------------------------------
    def touch(self) -> None:
        """Any input: the citizen is still here."""
        self._last_activity = time.monotonic()
        self.idle_cleared.emit()

    def start(self) -> None:
        if self.config.practice:
            self.touch()
            self._set(flow.start(self.state, practice=True))
            return
        self._set(flow.start(self.state))

    def choose_language(self, language: str) -> None:
        if language in self.config.languages:
            self._set(flow.choose_language(self.state, language))

    def choose_event(self, event_id: str) -> None:
        self._set(flow.choose_event(self.state, self.catalog, self._counter_order, event_id))

    def answer(self, value: Any) -> None:
        question, _ = flow.current_question(self.state, self.catalog, self._counter_order)
        if question is None:
            return
        if question.field.kind is FieldKind.POSTAL_CODE and value:
            if not self._look_up_postal_code(question, value):
                problem = Problem(code=AnswerErrorCode.BAD_POSTAL_CODE, message=POSTAL_UNKNOWN, params={})
                self._set(replace(self.state, problems=(problem,)))
                return
        self._set(flow.answer(self.state, self.catalog, self._counter_order, value, self._today()))

    def _look_up_postal_code(self, question, code: str) -> bool:
        try:
            candidates = tuple(self._addresses.lookup(code))
        except KioskError as exc:
            # The postal-code data itself is unreadable: let the citizen type the address
            # rather than block the visit on a lookup that cannot work.
            log.warning("postal code lookup unavailable: %s", exc.code.value)
            return True
        if not candidates:
            return False
        target = question.fills_path
        if target:
            self._candidates[target] = candidates
            current = self.state.answers.get(target)
            if isinstance(current, dict) and current.get("postal_code") != candidates[0].postal_code:
                # A new postal code replaces the district it filled before; the citizen re-checks.
                answers = dict(self.state.answers)
                answers.pop(target)
                self.state = replace(self.state, answers=answers)
        return True

    def back(self) -> None:
        self._set(flow.back(self.state, self.catalog, self._counter_order))

    # -- practice mode (kiosk practice) ---------------------------------------------------
    def choose_persona(self, persona_id: str | None) -> None:
        self.touch()
        self._set(flow.choose_persona(self.state, persona_id if persona_id in self.personas else None))

    def toggle_hints(self) -> None:
        self.touch()
        self._set(flow.toggle_hints(self.state))

    def toggle_projector(self) -> None:
        """The instructor's projector size: 150 % text, or back to 100 %."""
        self.touch()
        scale = 100 if self.state.appearance.text_scale > 100 else 150
        self._set(flow.with_text_scale(self.state, scale))

    def practice_reset(self) -> None:
        """One tap: a fresh practice session at the sample-person screen."""
        self._serial += 1
        self._candidates.clear()
        self.idle_cleared.emit()
        self._set(flow.start(flow.new_session(), practice=True))

    def jump_to(self, path: str) -> None:
        """Answer as the sample person up to ``path`` and show that question."""
        persona = self.personas.get(self.state.persona_id or "")
        if persona is None:
            return
        answers = persona.answers_on(self._today())
        state = self.state
        if state.event_id != persona.event_id or state.step in (Step.ATTRACT, Step.PERSONA, Step.LANGUAGE, Step.EVENT):
            state = flow.choose_event(replace(state, step=Step.EVENT), self.catalog, self._counter_order, persona.event_id)
        state = replace(state, step=Step.QUESTION, current=None, return_to_review=False)
        first = flow.derive_visit(state, self.catalog, self._counter_order).questions
        state = replace(state, current=first[0].path if first else None)
        for _ in range(500):
            question, _visit = flow.current_question(state, self.catalog, self._counter_order)
            if question is None or question.path == path or question.path not in answers:
                break
            following = flow.answer(state, self.catalog, self._counter_order, answers[question.path], self._today())
            if following.problems or following.step is not Step.QUESTION:
                break
            state = following
        self.touch()
        self._set(state)

    def next_text_scale(self) -> None:
        self.touch()
        self._set(flow.next_text_scale(self.state))

    def toggle_high_contrast(self) -> None:
        self.touch()
        self._set(flow.toggle_high_contrast(self.state))

    def toggle_read_aloud(self) -> None:
        self.touch()
        self._set(flow.toggle_read_aloud(self.state))

    def edit(self, path: str) -> None:
        self._set(flow.edit(self.state, path))

    def start_over(self) -> None:
        self._end_session()

    def finish(self) -> None:
        self._end_session()

    def call_staff(self) -> None:
        # Only the fact that help was asked for, never what the citizen entered.
        log.info("assistance requested at %s (step %s)", self.config.kiosk_id, self.state.step.value)
        self.staff_called.emit()

    def continue_session(self) -> None:
        self.touch()

    def confirm(self) -> None:
        """Issue the ticket, encrypt the forms into the QR, show the slip, then print."""
        visit = flow.derive_visit(self.state, self.catalog, self._counter_order)
        if visit.plan is None or not visit.plan.forms or flow.missing_required(
            self.state, self.catalog, self._counter_order
        ):
            return
        plan = visit.plan
        practice = self.config.practice
        try:
            ticket = self._queue.issue_ticket(plan.service_id, plan.route, self.state.language, practice)
        except QueueUnavailableError as exc:
            log.warning("ticket not issued: %s", exc.code.value)
            self._set_paused(True)
            self._set(flow.with_notice(self.state, QUEUE_PAUSED))
            return
        self._set_paused(False)
        records = to_records(self.catalog, plan, self.state.answers)
        bundle = Bundle(
            ticket_number=ticket.number, language=self.state.language, practice=practice,
            issued_at=int(self._clock.now().timestamp()), site=self.config.kiosk_id, forms=records,
        )
        texts = tuple(encode_bundle(bundle, self._public_key, self._key_id))
        tr = self.tr()
        slip = TicketSlip(ticket=ticket, qr_texts=texts, language=self.state.language,
                          site_name=tr.text(self.config.site_name))
        titles = {form_id: form.title for form_id, form in self.catalog.forms.items()}
        checklist = visit_checklist(
            self.catalog, plan, self.state.answers, self.config.fees, self.config.payment_methods
        )
        receipt = build_receipt(
            slip, tr, self._translators("ja"), self.config.counters, titles, checklist=checklist
        )
        image = render_ticket_image(receipt, width_px=self._ticket_width_px, dpi=self._ticket_dpi)
        log.info("ticket %s issued with %d QR code(s)", ticket.number, len(texts))
        if not self._has_printer:
            self._set(flow.ticket_issued(self.state, slip, NO_PRINTER))
            self.print_finished.emit("")
            return
        self._set(flow.ticket_issued(self.state, slip, PRINTING))
        self._pool.start(_PrintJob(self._printer, to_mono(image), self._serial, self._print_signals))

    def _on_printed(self, serial: int, error: str) -> None:
        if error:
            log.warning("ticket not printed: %s", error)
        if serial == self._serial and self.state.step is Step.TICKET:
            self._set(flow.with_notice(self.state, PRINTER_FAILED if error else PRINTED))
        self.print_finished.emit(error)

    # -- session end and idle -------------------------------------------------------
    def _end_session(self) -> None:
        self._serial += 1
        self._candidates.clear()
        self.idle_cleared.emit()
        self._refresh_waits()
        self._set(flow.new_session())

    def _tick(self) -> None:
        idle = time.monotonic() - self._last_activity
        left = self.config.idle_timeout_s - int(idle)
        if left <= 0:
            log.info("idle timeout: session wiped")
            self._end_session()
        elif left <= self.config.idle_warning_s:
            self.idle_warning.emit(left)

    def _today(self) -> date:
        return self._clock.now().date()

