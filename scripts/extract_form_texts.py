"""Writes forms/translations/forms.pot: every text of the form files, for translators.

Run by scripts/update-catalogues.sh, which then merges the template into each language's
forms/translations/<lang>.po. tests/data/test_form_translations.py fails when the
committed template no longer matches the form files.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.core.forms.loader import TRANSLATIONS_DIR, form_texts  # noqa: E402
from kiosk.core.forms.translations import TEMPLATE_NAME, build_template, write_template  # noqa: E402
from kiosk.core.practice import persona_texts  # noqa: E402


def main() -> int:
    forms = REPO / "forms"
    target = forms / TRANSLATIONS_DIR / TEMPLATE_NAME
    target.parent.mkdir(exist_ok=True)
    template = build_template([*form_texts(forms), *persona_texts(forms)])
    write_template(template, target)
    print(f"{target.relative_to(REPO)}: {len(template)} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
