"""What one screen needs to draw itself, computed by the controller for each state.

A ``Frame`` bundles the immutable session state with everything derived from it (the
current question, progress, the translator) and the few outside facts a screen shows
(counter waits). Screens read it and never compute any of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from kiosk.config import Config
from kiosk.core.forms.engine import Question
from kiosk.core.forms.model import FormCatalog
from kiosk.core.i18n import Translator
from kiosk.core.ports import AddressCandidate, CounterWait
from kiosk.core.practice import Persona
from kiosk.core.session import SessionState, Visit


@dataclass(frozen=True)
class Frame:
    state: SessionState
    tr: Translator
    config: Config
    catalog: FormCatalog
    visit: Visit
    question: Question | None = None
    progress: float = 0.0  # 0..1 through the questions
    waits: Sequence[CounterWait] = ()
    candidates: Mapping[str, Sequence[AddressCandidate]] = field(default_factory=dict)
    queue_paused: bool = False  # the ticket database is unreachable right now
    personas: Sequence[Persona] = ()  # practice mode's sample people
    persona: Persona | None = None  # the one being practised
    sample_answer: Any = None  # that person's answer to the question on screen
    easy: Translator | None = None  # やさしい日本語, for practice hints under the learner's language
