"""Render the family-of-four bundle's official forms to docs/samples/ (a committed sample).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_sample_forms.py``.
It builds the bundle exactly as the kiosk does (plan → records → describe) from the test
fixture tests/data/family_of_four.py, whose people and numbers are invented. It must not
be pointed at real answers: the PDF is committed to the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QGuiApplication

from kiosk import paths
from kiosk.core.bundle import Bundle
from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
from kiosk.core.layouts import load_layouts
from kiosk.ui.form_pdf import render_bundle_pdf
from tests.data.family_of_four import FAMILY_OF_FOUR

COUNTERS = ["residents", "insurance", "children", "mynumber"]
#: 2025-04-07 10:30 JST, the fixture's TODAY.
ISSUED_AT = 1743989400
OUTPUT = ROOT / "docs" / "samples" / "official-forms-family-of-four.pdf"


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    bundle = Bundle("A-017", "vi", False, ISSUED_AT, "sample-kiosk", to_records(catalog, plan, FAMILY_OF_FOUR))
    layouts = load_layouts(paths.printing_dir() / "layouts", catalog)
    render_bundle_pdf(describe_bundle(catalog, bundle), layouts, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    del app


if __name__ == "__main__":
    main()
