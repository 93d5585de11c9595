"""The sample people of practice mode: each walks its life event to the review, and the
bundle they produce goes through the QR codec and comes out with Japanese labels.

Together the personas cover every procedure in forms/ (tested below), so this is also
the check that every form round-trips and reads in Japanese for staff.
"""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.config import DEFAULT_COUNTERS
from kiosk.core import session as flow
from kiosk.core.bundle import Bundle
from kiosk.core.forms import load_catalog, to_records
from kiosk.core.forms.records import describe_bundle
from kiosk.core.payload import decode_texts, encode_bundle
from kiosk.core.practice import Persona, load_personas, relative_date
from kiosk.paths import forms_dir

COUNTERS = {counter.id: counter.number for counter in DEFAULT_COUNTERS}
CATALOG = load_catalog(forms_dir(), list(COUNTERS))
PERSONAS = load_personas(forms_dir(), CATALOG)
TODAY = date(2031, 6, 15)  # personas stay valid years ahead: their dates are relative
PRIVATE = X25519PrivateKey.generate()


def walk(persona: Persona, today: date) -> flow.SessionState:
    answers = persona.answers_on(today)
    state = flow.choose_language(flow.start(flow.new_session(), practice=True), "ja")
    state = flow.choose_event(flow.choose_persona(state, persona.id), CATALOG, COUNTERS, persona.event_id)
    for _ in range(300):
        if state.step is not flow.Step.QUESTION:
            return state
        question, _visit = flow.current_question(state, CATALOG, COUNTERS)
        assert question.path in answers, f"{persona.id} has no answer for {question.path}"
        following = flow.answer(state, CATALOG, COUNTERS, answers[question.path], today)
        assert not following.problems, f"{persona.id}: {question.path} refused: {following.problems}"
        state = following
    raise AssertionError("the visit does not end")


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.id)
@pytest.mark.parametrize("today", [date.today(), TODAY], ids=["today", "in-2031"])
def test_persona_reaches_the_review_and_its_bundle_decodes_in_japanese(persona: Persona, today: date) -> None:
    state = walk(persona, today)
    assert state.step is flow.Step.REVIEW
    visit = flow.derive_visit(state, CATALOG, COUNTERS)
    records = to_records(CATALOG, visit.plan, state.answers)
    bundle = Bundle("B-001", "ja", True, 1781000000, "kiosk-1", records)
    decoded = decode_texts(encode_bundle(bundle, PRIVATE.public_key(), 7), {7: PRIVATE})
    assert decoded == bundle and decoded.practice
    described = describe_bundle(CATALOG, decoded)
    assert described["warnings"] == []
    for form in described["forms"]:
        assert any("\u3040" <= ch <= "\u9fff" for ch in form["title"]), form["title"]  # Japanese title
        assert all(row["label"] for row in form["fields"]), form["form"]


def test_the_personas_cover_every_procedure_and_life_event() -> None:
    covered_forms: set[str] = set()
    for persona in PERSONAS:
        state = walk(persona, date.today())
        covered_forms |= set(flow.derive_visit(state, CATALOG, COUNTERS).plan.forms)
    assert covered_forms == set(CATALOG.forms)
    assert {persona.event_id for persona in PERSONAS} == set(CATALOG.events)


@pytest.mark.parametrize(("text", "expected"), [
    ("-6d", date(2031, 6, 9)), ("-36y", date(1995, 6, 15)), ("-80y2m", date(1951, 4, 15)),
    ("-1m", date(2031, 5, 15)), ("2025-01-01", None), ("-", None), ("hello", None),
])
def test_relative_dates(text: str, expected: date | None) -> None:
    assert relative_date(text, TODAY) == expected


def test_relative_dates_clamp_to_the_end_of_a_shorter_month() -> None:
    assert relative_date("-1m", date(2031, 3, 31)) == date(2031, 2, 28)
