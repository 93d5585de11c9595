"""Render one form's sample answers to an A4 PDF, to look at a form file and its layout.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/preview_form.py tests/data/form_samples/tenkyo.yaml out.pdf

The sample file (tests/data/form_samples/<form_id>.yaml) holds invented answers under
the kiosk's answer paths (docs/forms-format.md); dates may be relative ("-6d", "-36y").
It prints the problems the staff decoder would warn about, then writes the PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.core.form_samples import load_form_sample, sample_bundle  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    from PySide6.QtGui import QGuiApplication

    from kiosk import paths
    from kiosk.config import DEFAULT_COUNTERS
    from kiosk.core.forms import describe_bundle, load_catalog
    from kiosk.core.layouts import load_layouts
    from kiosk.ui.form_pdf import render_bundle_pdf

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    catalog = load_catalog(paths.forms_dir(), [counter.id for counter in DEFAULT_COUNTERS])
    sample = load_form_sample(Path(argv[1]))
    described = describe_bundle(catalog, sample_bundle(catalog, sample))
    for warning in described["warnings"]:
        print("warning:", warning)
    layouts = load_layouts(paths.printing_dir() / "layouts", catalog)
    render_bundle_pdf(described, layouts, Path(argv[2]))
    print(f"wrote {argv[2]}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
