"""Translations of the form texts: gettext catalogues beside the forms they translate.

City staff write each text in Japanese, やさしい日本語 and English inline in the form
file (docs/forms-format.md); the other kiosk languages live in
``forms/translations/<lang>.po``, one catalogue per language, so that a translator works
in a standard tool (Poedit, Weblate, a text editor) and a reviewer sees the English, the
Japanese and where the text is used side by side. A message is keyed by its file
(msgctxt ``tennyu``, ``events/moved_in``) and its English text (msgid): moving a field
keeps its translation, rewording the English makes it missing until translated again,
which the catalogue tests then report. Inline texts win over the catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kiosk.core.i18n import catalogue_dir_name, read_messages

TEMPLATE_NAME = "forms.pot"
#: language → {(context, English): text}
Translations = dict[str, dict[tuple[str, str], str]]


@dataclass(frozen=True)
class FormText:
    """One translatable text of the form files, as the translation template lists it."""

    context: str  # the file it comes from, without .yaml ("tennyu", "events/moved_in")
    english: str  # the msgid
    japanese: str  # shown to translators and reviewers beside the English
    where: str  # file and path, for the reviewer to find it


def text_context(relative_file: str) -> str:
    """The msgctxt of a form file's texts: its path under forms/ without the suffix."""
    return relative_file.rsplit(".", 1)[0]


def catalogue_path(folder: Path, language: str) -> Path:
    return folder / f"{catalogue_dir_name(language)}.po"


def read_translations(folder: Path, languages: Iterable[str], inline: Collection[str]) -> Translations:
    """language → {(context, English): text}; fuzzy and empty entries are left out.

    Read at every kiosk start, so the catalogues are parsed by ``read_messages`` (about
    ten times faster than Babel's general reader, which took a quarter of a second for
    the nine catalogues); tests/data/test_form_translations.py checks both agree.
    """
    result: dict[str, dict[tuple[str, str], str]] = {}
    for language in languages:
        path = catalogue_path(folder, language)
        if language in inline or not path.is_file():
            continue
        result[language] = read_messages(path.read_text(encoding="utf-8"))
    return result


def add_translations(text: dict[str, str], context: str, translations: Translations) -> dict[str, str]:
    """Fill ``text`` (language → text) from the catalogues, by its English; inline wins."""
    english = text.get("en")
    if english:
        for language, messages in translations.items():
            translated = messages.get((context, english))
            if translated and language not in text:
                text[language] = translated
    return text


def build_template(texts: Iterable[FormText]) -> Catalog:
    """The translation template: one entry per (file, English text), Japanese as a comment."""
    template = Catalog(project="Smart Counter Kiosk forms", fuzzy=False)
    for text in texts:
        existing = template.get(text.english, context=text.context)
        if existing is not None:
            if text.where not in existing.auto_comments:
                existing.auto_comments.append(text.where)
            continue
        template.add(
            text.english,
            context=text.context,
            auto_comments=[f"ja: {text.japanese}", text.where] if text.japanese else [text.where],
        )
    return template


def write_template(template: Catalog, path: Path) -> None:
    """Write the .pot without a creation date, so it changes only when a text does."""
    with path.open("wb") as handle:
        write_po(handle, template, omit_header=True, width=0, sort_output=False)
