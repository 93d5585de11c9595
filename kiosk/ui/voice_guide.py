"""Voice guidance: with "Read aloud" on, each new screen's question is spoken, offline.

``VoiceGuide`` listens to the controller's frames. When the citizen turns read-aloud on,
it reads the current screen at once; after that it reads each new screen (a new step, a
new question or a new language) once, and stops speaking when the citizen moves on,
turns it off or the session ends. It reads what the screen asks, in the citizen's
language: the question, its help and the answers to choose from. Never the citizen's
own answers: the lobby can hear the kiosk. Japanese and やさしい日本語 are voiced by the
system voice where there is one, otherwise from their furigana (kiosk.ui.speech).
"""

from __future__ import annotations

from typing import Protocol

from kiosk.core.forms.model import FieldKind
from kiosk.core.i18n import Translator
from kiosk.core.session import Step
from kiosk.core.ticket import spoken_number
from kiosk.ui.frame import Frame


class Voice(Protocol):
    def say(self, lines: list[tuple[str, str]]) -> None: ...

    def stop(self) -> None: ...


def screen_lines(frame: Frame) -> list[str]:
    """What the screen asks, as sentences to speak (no answers the citizen gave)."""
    tr: Translator = frame.tr
    step = frame.state.step
    if step is Step.ATTRACT:
        return [tr.gettext("Touch the screen to start")]
    if step is Step.LANGUAGE:
        return []  # every language's own name is on its button; nothing to read in one
    if step is Step.EVENT:
        return [tr.gettext("Why did you come today?")] + [tr.text(event.title) for event in frame.catalog.events.values()]
    if step is Step.QUESTION and frame.question is not None:
        field = frame.question.field
        lines = [tr.text(field.label)]
        if field.help:
            lines.append(tr.text(field.help))
        if field.kind is FieldKind.CHOICE:
            lines += [tr.text(choice.label) for choice in field.choices]
        elif field.kind is FieldKind.YESNO:
            lines += [tr.gettext("Yes"), tr.gettext("No")]
        return lines
    if step is Step.REVIEW:
        return [tr.gettext("Please check your answers")]
    if step is Step.TICKET and frame.state.slip is not None:
        ticket = frame.state.slip.ticket
        lines = [tr.gettext("Your number"), spoken_number(ticket.number), tr.gettext("Please go to these counters in this order:")]
        names = {counter.id: counter.name for counter in frame.config.counters}
        for stop in ticket.route:
            counter = tr.gettext("Counter {number}").format(number=stop.counter_number)
            lines.append(f"{counter}, {tr.text(names.get(stop.counter_id, {}))}")
        return lines
    return []


class VoiceGuide:
    def __init__(self, voice: Voice) -> None:
        self._voice = voice
        self._spoken: tuple[object, ...] | None = None

    def show_frame(self, frame: Frame) -> None:
        state = frame.state
        if not state.appearance.read_aloud:
            if self._spoken is not None:
                self._voice.stop()
                self._spoken = None
            return
        question = frame.question.path if frame.question is not None else None
        key = (state.step, question, state.language, state.slip.ticket.number if state.slip else None)
        if key == self._spoken:
            return  # the same screen redrawn (a wait updated, a typed character)
        self._spoken = key
        self._voice.stop()
        self._voice.say([(state.language, line) for line in screen_lines(frame)])
