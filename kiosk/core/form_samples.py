"""Sample answers for each form (forms/samples/<form_id>.yaml): invented people, as data.

A city's IT staff who add or change a form also write one sample, so that the printed
form can be looked at before a citizen ever sees it (``scripts/preview_form.py``), and
the test suite fills every form's A4 layout from its sample and checks each value lands
in its box (tests/ui/test_form_pdf.py). Answers use the kiosk's answer paths, exactly
like practice personas (docs/forms-format.md), and dates may be relative to today
(``-6d``, ``-36y``). Everyone in these files is invented; never put a real person here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from kiosk.core.bundle import Bundle
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.engine import VisitPlan, to_records
from kiosk.core.forms.model import FormCatalog
from kiosk.core.practice import resolve_relative

SAMPLES_DIR = "samples"
#: A fixed moment for sample bundles (2025-04-07 10:30 JST), so sample PDFs are stable.
SAMPLE_ISSUED_AT = 1743989400


class FormSampleErrorCode(ErrorCode):
    BAD_SAMPLE = "SAMPLE_001"


class FormSampleError(KioskError):
    """A sample file cannot be used; the message names the file and what to fix."""


@dataclass(frozen=True)
class FormSample:
    form_id: str
    answers: Mapping[str, Any]  # answer path → value; dates may still be relative

    def answers_on(self, today: date) -> dict[str, Any]:
        return resolve_relative(self.answers, today)


def load_form_sample(path: Path) -> FormSample:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormSampleError(FormSampleErrorCode.BAD_SAMPLE, f"{path.name}: cannot be read: {exc}") from exc
    form_id, answers = raw.get("form"), raw.get("answers")
    if form_id != path.stem:
        raise FormSampleError(FormSampleErrorCode.BAD_SAMPLE, f"{path.name}: 'form' must be {path.stem!r}, not {form_id!r}")
    if not isinstance(answers, Mapping) or not answers:
        raise FormSampleError(FormSampleErrorCode.BAD_SAMPLE, f"{path.name}: 'answers' must be a map of answer paths")
    return FormSample(str(form_id), MappingProxyType(dict(answers)))


def load_form_samples(forms_dir: Path) -> dict[str, FormSample]:
    """Every sample under ``forms_dir/samples``, by form id."""
    folder = forms_dir / SAMPLES_DIR
    if not folder.is_dir():
        return {}
    return {path.stem: load_form_sample(path) for path in sorted(folder.glob("*.yaml"))}


def sample_bundle(
    catalog: FormCatalog, sample: FormSample, today: date | None = None, *, ticket: str = "A-017", language: str = "ja"
) -> Bundle:
    """The bundle a kiosk would seal for this one form with the sample's answers."""
    if sample.form_id not in catalog.forms:
        raise FormSampleError(FormSampleErrorCode.BAD_SAMPLE, f"{sample.form_id}.yaml: no form {sample.form_id!r} in forms/")
    plan = VisitPlan("", "", (sample.form_id,), ())
    records = to_records(catalog, plan, sample.answers_on(today or date.today()))
    return Bundle(ticket, language, False, SAMPLE_ISSUED_AT, "sample-kiosk", records)
