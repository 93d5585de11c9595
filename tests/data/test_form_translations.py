"""Checks on the translations of the form texts (forms/translations/*.po).

The form files carry Japanese, やさしい日本語 and English inline; every other kiosk
language comes from a catalogue beside them. A citizen must never see a form question in
a language they did not choose because a translation was missing, guessed (fuzzy) or left
behind when the English changed, so every check here names the entry to fix. Nothing in
forms/ is rewritten; the template is rebuilt in a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kiosk.config import ALL_LANGUAGES, DEFAULT_COUNTERS
from kiosk.core.forms.loader import (
    INLINE_LANGUAGES,
    TRANSLATIONS_DIR,
    check_catalog,
    form_texts,
    load_catalog,
)
from kiosk.core.forms.translations import (
    TEMPLATE_NAME,
    build_template,
    catalogue_path,
    write_template,
)
from kiosk.core.i18n import Translator, read_messages
from kiosk.core.practice import load_personas, persona_texts
from kiosk.paths import forms_dir, locales_dir

PYBABEL = Path(sys.executable).with_name("pybabel.exe" if sys.platform == "win32" else "pybabel")
TRANSLATED = tuple(language for language in ALL_LANGUAGES if language not in INLINE_LANGUAGES)
COUNTERS = tuple(counter.id for counter in DEFAULT_COUNTERS)
FIX_HINT = "run scripts/update-catalogues.sh, translate the empty entries of forms/translations/ and commit"
FOLDER = forms_dir() / TRANSLATIONS_DIR


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=None)


@cache
def catalogue(language: str) -> Catalog:
    path = catalogue_path(FOLDER, language)
    assert path.is_file(), f"{language}: no form translations at {path}; {FIX_HINT}"
    return read(path)


def keys(catalog: Catalog) -> set[tuple[str, str]]:
    return {(message.context or "", str(message.id)) for message in catalog if message.id}


def test_template_matches_the_form_files(tmp_path: Path) -> None:
    """forms.pot lists exactly the texts the form files hold now."""
    fresh_path = tmp_path / TEMPLATE_NAME
    write_template(build_template([*form_texts(forms_dir()), *persona_texts(forms_dir())]), fresh_path)
    fresh, committed = keys(read(fresh_path)), keys(read(FOLDER / TEMPLATE_NAME))
    assert fresh, "no texts found in the form files"
    assert fresh == committed, (
        f"forms/translations/forms.pot is stale; {FIX_HINT}.\n"
        f"in the forms but not in the template: {sorted(fresh - committed)}\n"
        f"in the template but no longer in the forms: {sorted(committed - fresh)}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_and_current(language: str) -> None:
    """Every template entry is translated, none is fuzzy, none is obsolete or extra."""
    catalog = catalogue(language)
    template = keys(read(FOLDER / TEMPLATE_NAME))
    assert not catalog.fuzzy, f"{language}: the header is missing or marked fuzzy"
    assert keys(catalog) == template, f"{language} is out of step with forms.pot; {FIX_HINT}"
    assert not catalog.obsolete, f"{language}: obsolete entries: {sorted(catalog.obsolete)}"
    missing = [f"[{m.context}] {m.id}" for m in catalog if m.id and not m.string]
    fuzzy = [f"[{m.context}] {m.id}" for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{language}: untranslated form texts: {missing}"
    assert not fuzzy, f"{language}: fuzzy form texts to review: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_compiles(language: str, tmp_path: Path) -> None:
    mo_path = tmp_path / "forms.mo"
    result = subprocess.run(
        [str(PYBABEL), "compile", "-i", str(catalogue_path(FOLDER, language)), "-o", str(mo_path)],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
    )
    assert result.returncode == 0, result.stderr
    assert mo_path.is_file(), f"{language}: pybabel wrote no .mo: {result.stderr.strip()}"
    with mo_path.open("rb") as handle:
        assert len([m for m in read_mo(handle) if m.id]) == len([m for m in catalogue(language) if m.id])


def test_every_form_text_exists_in_every_language() -> None:
    """Loading with all twelve languages required reports nothing missing."""
    problems = check_catalog(forms_dir(), COUNTERS, ALL_LANGUAGES)
    assert not problems, "\n".join(map(str, problems))


def test_translations_reach_the_citizen_screen() -> None:
    """A translated question is what the Vietnamese translator picks, not the English."""
    catalog = load_catalog(forms_dir(), COUNTERS)
    tennyu = catalog.forms["tennyu"]
    label = tennyu.title
    assert Translator("vi").text(label) == catalogue("vi").get(label["en"], context="tennyu").string
    assert Translator("vi").text(label) != label["en"]


def test_a_missing_translation_is_reported_per_language(tmp_path: Path) -> None:
    """A form added without translations fails the all-languages check, naming the file."""
    import shutil

    copy = tmp_path / "forms"
    shutil.copytree(forms_dir(), copy)
    (copy / "tennyu.yaml").write_text(
        (copy / "tennyu.yaml").read_text(encoding="utf-8").replace(
            "en: Notification of moving in", "en: Moving-in notification (reworded)", 1
        ),
        encoding="utf-8",
    )
    problems = check_catalog(copy, COUNTERS, ALL_LANGUAGES)
    missing = {problem.path.rsplit(".", 1)[-1] for problem in problems if problem.file == "tennyu.yaml"}
    assert missing == set(TRANSLATED), [str(problem) for problem in problems]


def test_sample_people_speak_every_language() -> None:
    """Practice mode's personas have a title and description in every kiosk language."""
    personas = load_personas(forms_dir(), load_catalog(forms_dir(), COUNTERS))
    assert personas
    for persona in personas:
        for language in ALL_LANGUAGES:
            assert persona.title.get(language), (persona.id, language, "title")
            assert persona.description.get(language), (persona.id, language, "description")


@pytest.mark.parametrize("path", sorted([*FOLDER.glob("*.po"), *locales_dir().glob("*/LC_MESSAGES/*.po")]),
                         ids=lambda p: f"{p.parent.parent.name}-{p.name}" if p.parent.name == "LC_MESSAGES" else p.name)
def test_fast_reader_agrees_with_babel(path: Path) -> None:
    """The kiosk reads catalogues with its own small reader at start-up; it must see what Babel sees."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    expected = {(m.context or "", str(m.id)): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
    assert read_messages(path.read_text(encoding="utf-8")) == expected


def test_fast_reader_skips_fuzzy_obsolete_and_empty_and_unescapes() -> None:
    text = '\n'.join([
        'msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', '',
        '#, fuzzy', 'msgctxt "a"', 'msgid "Old"', 'msgstr "Vieux"', '',
        '#~ msgid "Gone"', '#~ msgstr "Parti"', '',
        'msgctxt "a"', 'msgid "Empty"', 'msgstr ""', '',
        '#. ja: 引用', 'msgctxt "a"', 'msgid ""', '"Say \\"hi\\"\\n"', '"twice"', 'msgstr "Dis \\"salut\\"\\tdeux fois"',
    ])
    assert read_messages(text) == {("a", 'Say "hi"\ntwice'): 'Dis "salut"\tdeux fois'}
