"""Render the official forms to docs/samples/ (committed samples).

Two PDFs: the family-of-four moving-in bundle, and every procedure filled from its sample
answers (forms/samples/<form id>.yaml), one form after another in the site's counter order.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_sample_forms.py``.
It builds the bundle exactly as the kiosk does (plan → records → describe) from the test
fixture tests/data/family_of_four.py, whose people and numbers are invented. It must not
be pointed at real answers: the PDF is committed to the repository.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QGuiApplication

from kiosk.config import DEFAULT_COUNTERS
from kiosk import paths
from kiosk.core.bundle import Bundle
from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
from kiosk.core.form_samples import load_form_samples, sample_bundle
from kiosk.core.layouts import load_layouts
from kiosk.ui.form_pdf import render_bundle_pdf
from tests.data.family_of_four import FAMILY_OF_FOUR

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]
#: 2025-04-07 10:30 JST, the fixture's TODAY.
ISSUED_AT = 1743989400
OUTPUT = ROOT / "docs" / "samples" / "official-forms-family-of-four.pdf"
EVERY_FORM = ROOT / "docs" / "samples" / "official-forms-every-procedure.pdf"
#: Relative dates in the samples ("-6d") are taken from this day, so the PDF stays the same.
SAMPLE_DAY = date(2025, 4, 7)


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    bundle = Bundle("A-017", "vi", False, ISSUED_AT, "sample-kiosk", to_records(catalog, plan, FAMILY_OF_FOUR))
    layouts = load_layouts(paths.printing_dir() / "layouts", catalog)
    render_bundle_pdf(describe_bundle(catalog, bundle), layouts, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    counter_position = {counter_id: index for index, counter_id in enumerate(COUNTERS)}
    samples = sorted(
        load_form_samples(paths.forms_dir()).values(),
        key=lambda sample: (counter_position[catalog.forms[sample.form_id].counter], sample.form_id),
    )
    described = [describe_bundle(catalog, sample_bundle(catalog, s, SAMPLE_DAY, language="ja")) for s in samples]
    every = {**described[0], "forms": [form for one in described for form in one["forms"]]}
    render_bundle_pdf(every, layouts, EVERY_FORM)
    print(f"wrote {EVERY_FORM.relative_to(ROOT)} ({len(every['forms'])} forms)")
    del app


if __name__ == "__main__":
    main()
