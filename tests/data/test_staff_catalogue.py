"""The staff console's Japanese catalogue: current, complete, compiling, placeholders intact."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.core.i18n import STAFF_DOMAIN, load_translator
from kiosk.paths import locales_dir

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locales" / "ja" / "LC_MESSAGES" / "staff.po"
POT = ROOT / "locales" / "staff.pot"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_staff_pot_matches_the_console_code(tmp_path: Path) -> None:
    """Re-extracting the staff console's strings gives the committed staff.pot's msgids."""
    fresh = tmp_path / "staff.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel-staff.cfg", "-k", "N_",
         "-k", "gettext", "--no-location", "--sort-output", "--omit-header", "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    ids = lambda path: {m.id for m in read_po(path.open("rb")) if m.id}  # noqa: E731
    assert ids(fresh) == ids(POT)


def test_staff_catalogue_is_complete_and_compiles(tmp_path: Path) -> None:
    """Every msgid has a Japanese msgstr with the same placeholders, nothing fuzzy, and it compiles."""
    catalog = read_po(PO.open("rb"))
    pot_ids = {m.id for m in read_po(POT.open("rb")) if m.id}
    entries = [m for m in catalog if m.id]
    assert {m.id for m in entries} == pot_ids
    for message in entries:
        assert message.string and not message.fuzzy, message.id
        assert _fields(message.id) == _fields(message.string), message.id
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "compile", "-i", str(PO), "-o", str(tmp_path / "staff.mo"),
         "-D", "staff"],
        check=True, capture_output=True,
    )
    assert (tmp_path / "staff.mo").stat().st_size > 0
    assert load_translator(locales_dir(), "ja", STAFF_DOMAIN).gettext("Counter console") == "窓口コンソール"
