"""Checks on the gettext catalogues in locales/, which every kiosk screen and ticket reads.

The template must match the strings in the code, and each kiosk language's catalogue must
compile, be complete, carry no fuzzy or obsolete entries, and keep every ``{placeholder}``
of its msgid, because a citizen would otherwise see English, a guessed translation, or a
crash in ``str.format``. These tests compile and extract into temporary folders only; they
never rewrite locales/ (scripts/update-catalogues.sh does that).
"""

from __future__ import annotations

import string
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kiosk.config import ALL_LANGUAGES
from kiosk.core.i18n import DOMAIN, catalogue_dir_name, load_translator
from kiosk.paths import locales_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
# The venv's own pybabel, so the tests use the Babel version the project pins.
PYBABEL = Path(sys.executable).with_name("pybabel.exe" if sys.platform == "win32" else "pybabel")
POT_PATH = locales_dir() / f"{DOMAIN}.pot"
# The same extraction as scripts/update-catalogues.sh, except for the output file.
EXTRACT_ARGS = (
    "extract", "-F", "babel.cfg", "-k", "N_", "-k", "gettext",
    "--no-location", "--sort-output", "--omit-header",
)
FIX_HINT = "run scripts/update-catalogues.sh, translate the empty entries and commit locales/"


def po_path(language: str) -> Path:
    return locales_dir() / catalogue_dir_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=None)


@cache
def catalogue(language: str) -> Catalog:
    path = po_path(language)
    assert path.is_file(), f"{language}: no catalogue at {path}; {FIX_HINT}"
    return read_catalogue(path)


def entries(catalog: Catalog) -> list[Message]:
    """Every message except the header (whose msgid is empty)."""
    return [message for message in catalog if message.id]


def msgids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id for message in entries(catalog)}


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text as a tuple: one form, or one per plural form."""
    return (text,) if isinstance(text, str) else tuple(text)


def placeholders(text: str) -> set[tuple[str, str | None, str]]:
    """The replacement fields of a str.format string as (name, conversion, format spec)."""
    return {
        (field, conversion, spec or "")
        for _literal, field, spec, conversion in string.Formatter().parse(text)
        if field is not None
    }


@pytest.fixture(scope="module")
def pot() -> Catalog:
    assert POT_PATH.is_file(), f"no template at {POT_PATH}; {FIX_HINT}"
    return read_catalogue(POT_PATH)


def test_pot_matches_the_strings_in_the_code(tmp_path: Path, pot: Catalog) -> None:
    """The committed kiosk.pot is not stale: re-extracting the code gives the same msgids."""
    fresh_path = tmp_path / "fresh.pot"
    result = subprocess.run(
        [str(PYBABEL), *EXTRACT_ARGS, "-o", str(fresh_path), "."],
        cwd=REPO_ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace",
    )
    assert result.returncode == 0, result.stderr
    fresh = msgids(read_catalogue(fresh_path))
    committed = msgids(pot)
    assert fresh, "the extraction found no strings at all; is babel.cfg still right?"
    assert committed == fresh, (
        f"locales/kiosk.pot is stale; {FIX_HINT}.\n"
        f"in the code but not in the .pot: {sorted(map(str, fresh - committed))}\n"
        f"in the .pot but no longer in the code: {sorted(map(str, committed - fresh))}"
    )


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_catalogue_compiles(language: str, tmp_path: Path) -> None:
    """pybabel compile turns the catalogue into an .mo holding every translation."""
    mo_path = tmp_path / f"{DOMAIN}.mo"
    result = subprocess.run(
        [str(PYBABEL), "compile", "-i", str(po_path(language)), "-o", str(mo_path)],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
    )
    assert result.returncode == 0, result.stderr
    # pybabel exits 0 but writes nothing for a catalogue it considers fuzzy as a whole
    # (for instance one without a header), so the file itself is the proof.
    assert mo_path.is_file(), f"{language}: pybabel wrote no .mo: {result.stderr.strip()}"
    with mo_path.open("rb") as handle:
        compiled = read_mo(handle)
    # Empty and fuzzy entries are left out of an .mo by design; other tests report them.
    expected = {
        message.id: message.string
        for message in entries(catalogue(language))
        if all(forms(message.string)) and not message.fuzzy
    }
    assert {message.id: message.string for message in entries(compiled)} == expected


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_no_fuzzy_entries(language: str) -> None:
    """No entry, and not the catalogue as a whole, is marked fuzzy (a guess nobody checked)."""
    catalog = catalogue(language)
    assert not catalog.fuzzy, f"{language}: the header is missing or marked fuzzy"
    fuzzy = [str(message.id) for message in entries(catalog) if message.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries to review: {fuzzy}"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_no_missing_translations(language: str) -> None:
    """Every msgid has a non-empty translation in every language the kiosk can offer."""
    missing = [
        str(message.id)
        for message in entries(catalogue(language))
        if not all(forms(message.string))
    ]
    assert not missing, f"{language}: untranslated entries: {missing}"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_placeholders_match_the_msgid(language: str) -> None:
    """Each translation has exactly its msgid's {placeholders}, so str.format never breaks."""
    problems = []
    for message in entries(catalogue(language)):
        expected: set[tuple[str, str | None, str]] = set()
        for text in forms(message.id):
            expected |= placeholders(text)
        for text in forms(message.string):
            if not text:
                continue  # reported by test_no_missing_translations
            try:
                found = placeholders(text)
            except ValueError as error:  # an unmatched "{" or "}"
                problems.append(f"{message.id!r} -> {text!r}: {error}")
                continue
            if found != expected:
                names = sorted(field for field, _conversion, _spec in expected)
                problems.append(f"{message.id!r} -> {text!r}: expected fields {names}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_catalogue_has_exactly_the_template_msgids(language: str, pot: Catalog) -> None:
    """The catalogue holds every msgid of the .pot and nothing else, not even obsolete ones."""
    catalog = catalogue(language)
    ids = msgids(catalog)
    template = msgids(pot)
    assert ids == template, (
        f"{language} is out of step with kiosk.pot; {FIX_HINT}.\n"
        f"missing: {sorted(map(str, template - ids))}\n"
        f"not in the template: {sorted(map(str, ids - template))}"
    )
    obsolete = sorted(map(str, catalog.obsolete))
    assert not obsolete, f"{language}: obsolete entries: {obsolete}"


def test_no_catalogue_outside_the_kiosk_languages() -> None:
    """Every catalogue folder belongs to a language in ALL_LANGUAGES, so none escapes review."""
    known = {catalogue_dir_name(language) for language in ALL_LANGUAGES}
    found = {path.parents[1].name for path in locales_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    assert found == known


def test_english_catalogue_repeats_the_msgids() -> None:
    """English msgstrs equal their msgids: the English text is edited in the code, not here."""
    different = [
        str(message.id) for message in entries(catalogue("en")) if message.string != message.id
    ]
    assert not different, f"en: msgstr differs from msgid for {different}"


def test_loader_reads_the_japanese_catalogue() -> None:
    """load_translator really reads ja's .po: "Next" comes back translated, not in English."""
    translated = load_translator(locales_dir(), "ja").gettext("Next")
    assert translated != "Next"
    assert translated == "次へ"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_loader_agrees_with_the_catalogue(language: str) -> None:
    """Each language's translator returns its own .po's msgstr for every translated msgid."""
    translator = load_translator(locales_dir(), language)
    wrong = [
        str(message.id)
        for message in entries(catalogue(language))
        if isinstance(message.id, str)
        and message.string
        and not message.fuzzy
        and translator.gettext(message.id) != message.string
    ]
    assert not wrong, f"{language}: the loader disagrees with the catalogue for {wrong}"
