"""One citizen's visit as an immutable state, and the pure functions that move it on.

The controller holds the current ``SessionState`` and replaces it with the result of
these functions (``state = answer(state, catalog, path, value, today)``); screens only
render it. All personal data of a visit lives in ``answers`` and, after confirmation, in
the encrypted QR texts of the slip; dropping the state (idle timeout, start over, finish)
forgets everything. This module does no I/O: issuing the ticket and printing happen in
the controller, which passes the results back in with ``ticket_issued``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import Any

from kiosk.core.forms.engine import (
    Problem,
    Question,
    VisitPlan,
    form_questions,
    interview_questions,
    plan_visit,
    validate_answer,
)
from kiosk.core.forms.model import FormCatalog
from kiosk.core.ticket import TicketSlip

#: Text sizes a citizen can pick, in percent; the button steps through them in order.
TEXT_SCALES: tuple[int, ...] = (100, 150, 200)


@dataclass(frozen=True)
class Appearance:
    """How this citizen wants the screens: text size, contrast, read aloud.

    Part of the session, so the next citizen starts from the defaults again.
    """

    text_scale: int = 100  # percent, one of TEXT_SCALES
    high_contrast: bool = False
    read_aloud: bool = False


class Step(str, Enum):
    ATTRACT = "attract"
    PERSONA = "persona"  # practice mode only: pick a sample person (or none)
    LANGUAGE = "language"
    EVENT = "event"
    QUESTION = "question"
    REVIEW = "review"
    TICKET = "ticket"


@dataclass(frozen=True)
class SessionState:
    step: Step = Step.ATTRACT
    language: str = "ja"
    event_id: str | None = None
    answers: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    current: str | None = None  # path of the question on screen
    history: tuple[str, ...] = ()  # paths answered on the way here, for Back
    problems: tuple[Problem, ...] = ()  # why the last answer was refused
    return_to_review: bool = False  # editing one answer from the review screen
    slip: TicketSlip | None = None
    notice: str | None = None  # an English msgid to show (e.g. the printer failed)
    appearance: Appearance = Appearance()
    practice: bool = False  # a smartphone-class session: sample people, hints, no live queue
    persona_id: str | None = None  # the sample person being practised, if any
    hints: bool = True  # practice hints and highlights shown (the instructor may hide them)


@dataclass(frozen=True)
class Visit:
    """What the questions are right now, derived from the state (never stored)."""

    questions: tuple[Question, ...]
    plan: VisitPlan | None


def derive_visit(
    state: SessionState, catalog: FormCatalog, counter_order: Sequence[str]
) -> Visit:
    """Interview questions, then (once the interview is answered) every form question."""
    if state.event_id is None:
        return Visit((), None)
    interview = interview_questions(catalog, state.event_id, state.answers)
    if any(q.path not in state.answers for q in interview):
        return Visit(interview, None)
    # counter_order may map counter ids to their numbers (the site's config) or just list ids.
    numbers = dict(counter_order) if isinstance(counter_order, Mapping) else None
    plan = plan_visit(catalog, state.event_id, state.answers, list(counter_order), numbers)
    return Visit(interview + form_questions(catalog, plan, state.answers), plan)


def new_session() -> SessionState:
    return SessionState()


def start(state: SessionState, practice: bool = False) -> SessionState:
    # Text size, contrast and read-aloud chosen on the attract screen carry into the visit.
    return replace(
        new_session(), step=Step.PERSONA if practice else Step.LANGUAGE, language=state.language,
        appearance=state.appearance, practice=practice, hints=state.hints,
    )


def choose_persona(state: SessionState, persona_id: str | None) -> SessionState:
    """Practice with this sample person (None: the learner types their own sample)."""
    return replace(state, persona_id=persona_id, step=Step.LANGUAGE)


def toggle_hints(state: SessionState) -> SessionState:
    return replace(state, hints=not state.hints)


def next_text_scale(state: SessionState) -> SessionState:
    """100 → 150 → 200 → 100 %: one button, every screen, nothing else changes."""
    current = state.appearance.text_scale
    following = TEXT_SCALES[(TEXT_SCALES.index(current) + 1) % len(TEXT_SCALES)] if current in TEXT_SCALES else 100
    return replace(state, appearance=replace(state.appearance, text_scale=following))


def with_text_scale(state: SessionState, scale: int) -> SessionState:
    """A given text size (the instructor's projector size); one of TEXT_SCALES."""
    if scale not in TEXT_SCALES:
        raise ValueError(f"text scale {scale} is not one of {TEXT_SCALES}")
    return replace(state, appearance=replace(state.appearance, text_scale=scale))


def toggle_high_contrast(state: SessionState) -> SessionState:
    return replace(state, appearance=replace(state.appearance, high_contrast=not state.appearance.high_contrast))


def toggle_read_aloud(state: SessionState) -> SessionState:
    return replace(state, appearance=replace(state.appearance, read_aloud=not state.appearance.read_aloud))


def choose_language(state: SessionState, language: str) -> SessionState:
    """Pick or switch the language; mid-visit every answer is kept and the screen stays."""
    if state.step in (Step.ATTRACT, Step.LANGUAGE):
        return replace(state, language=language, step=Step.EVENT)
    return replace(state, language=language)


def choose_event(
    state: SessionState, catalog: FormCatalog, counter_order: Sequence[str], event_id: str
) -> SessionState:
    if event_id not in catalog.events:
        raise KeyError(event_id)
    fresh = replace(state, event_id=event_id, answers=MappingProxyType({}), history=())
    visit = derive_visit(fresh, catalog, counter_order)
    return replace(fresh, step=Step.QUESTION, current=visit.questions[0].path, problems=())


def current_question(
    state: SessionState, catalog: FormCatalog, counter_order: Sequence[str]
) -> tuple[Question | None, Visit]:
    visit = derive_visit(state, catalog, counter_order)
    for question in visit.questions:
        if question.path == state.current:
            return question, visit
    return None, visit


def answer(
    state: SessionState,
    catalog: FormCatalog,
    counter_order: Sequence[str],
    value: Any,
    today: date,
) -> SessionState:
    """Answer the question on screen; refused answers stay on screen with their problems."""
    question, _ = current_question(state, catalog, counter_order)
    if question is None:
        return state
    problems = tuple(validate_answer(question, value, today=today))
    if problems:
        return replace(state, problems=problems)
    answers = dict(state.answers)
    if value is None or value == "" or value == {}:
        answers.pop(question.path, None)
    else:
        answers[question.path] = value
    answered = replace(state, answers=MappingProxyType(answers), problems=())
    visit = derive_visit(answered, catalog, counter_order)
    paths = [q.path for q in visit.questions]
    if answered.return_to_review:
        missing = [q.path for q in visit.questions if q.field.required and q.path not in answers]
        if not missing:
            return replace(answered, step=Step.REVIEW, current=None, return_to_review=False)
        # A changed answer can open new questions (e.g. a child added): ask them first.
        return replace(answered, current=missing[0], history=answered.history + (question.path,))
    index = paths.index(question.path) if question.path in paths else -1
    if index + 1 < len(paths):
        return replace(
            answered, current=paths[index + 1], history=answered.history + (question.path,)
        )
    return replace(answered, step=Step.REVIEW, current=None, history=answered.history + (question.path,))


def back(state: SessionState, catalog: FormCatalog, counter_order: Sequence[str]) -> SessionState:
    """One step back; answers are kept so going forward again shows them filled in."""
    if state.step == Step.LANGUAGE:
        return replace(state, step=Step.PERSONA if state.practice else Step.ATTRACT)
    if state.step == Step.PERSONA:
        return replace(state, step=Step.ATTRACT)
    if state.step == Step.EVENT:
        return replace(state, step=Step.LANGUAGE)
    if state.step == Step.REVIEW:
        visit = derive_visit(state, catalog, counter_order)
        last = visit.questions[-1].path if visit.questions else None
        return replace(state, step=Step.QUESTION, current=last, problems=())
    if state.step == Step.QUESTION:
        if state.return_to_review:
            return replace(state, step=Step.REVIEW, current=None, return_to_review=False, problems=())
        visit = derive_visit(state, catalog, counter_order)
        paths = [q.path for q in visit.questions]
        history = list(state.history)
        while history:
            previous = history.pop()
            if previous in paths:
                return replace(state, current=previous, history=tuple(history), problems=())
        return replace(state, step=Step.EVENT, current=None, history=(), problems=())
    return state


def edit(state: SessionState, path: str) -> SessionState:
    """From the review screen, change one answer and come back."""
    return replace(state, step=Step.QUESTION, current=path, return_to_review=True, problems=())


def missing_required(
    state: SessionState, catalog: FormCatalog, counter_order: Sequence[str]
) -> tuple[Question, ...]:
    visit = derive_visit(state, catalog, counter_order)
    if visit.plan is None:
        return visit.questions
    return tuple(q for q in visit.questions if q.field.required and q.path not in state.answers)


def ticket_issued(state: SessionState, slip: TicketSlip, notice: str | None = None) -> SessionState:
    return replace(state, step=Step.TICKET, slip=slip, notice=notice, current=None)


def with_notice(state: SessionState, notice: str | None) -> SessionState:
    return replace(state, notice=notice)
