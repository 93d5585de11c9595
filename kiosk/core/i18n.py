"""Translators, one per locale, passed in explicitly: there is no global ``_``.

Catalogues are gettext ``.po`` files in locales/<dir>/LC_MESSAGES/kiosk.po, where <dir>
is the BCP 47 tag with '-' replaced by '_' (``ja-x-easy`` → ``ja_x_easy``). They are read
with Babel straight from the ``.po`` so that a fresh clone and an installed wheel work
without a compile step; tests still run ``pybabel compile`` to catch broken catalogues.
Module-level strings are marked with ``N_`` and translated at render time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "kiosk"
#: やさしい日本語 (Easy Japanese): a private-use BCP 47 tag (docs/decisions/002).
EASY_JAPANESE = "ja-x-easy"

#: Babel/CLDR locale used to format numbers and dates for each kiosk language.
BABEL_LOCALES = {
    "ja": "ja", "ja-x-easy": "ja", "en": "en", "zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW",
    "ko": "ko", "vi": "vi", "tl": "fil", "pt-BR": "pt_BR", "es": "es", "ne": "ne", "id": "id",
}

#: Each language's own name, shown on the language screen (never translated).
NATIVE_NAMES = {
    "ja": "日本語", "ja-x-easy": "やさしい にほんご", "en": "English", "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文", "ko": "한국어", "vi": "Tiếng Việt", "tl": "Tagalog",
    "pt-BR": "Português", "es": "Español", "ne": "नेपाली", "id": "Bahasa Indonesia",
}


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated later by a Translator."""
    return message


def catalogue_dir_name(language: str) -> str:
    return language.replace("-", "_")


@dataclass(frozen=True)
class Translator:
    language: str
    messages: Mapping[str, str] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    __call__ = gettext

    def text(self, text: Mapping[str, str]) -> str:
        """Pick this language from a form-file text mapping.

        Falls back to English, then Japanese; やさしい日本語 falls back to Japanese first,
        since its reader chose Japanese, not English.
        """
        fallbacks = ("ja", "en") if self.language == "ja-x-easy" else ("en", "ja")
        for lang in (self.language, *fallbacks):
            if text.get(lang):
                return text[lang]
        return next(iter(text.values()), "")

    @property
    def babel_locale(self) -> str:
        return BABEL_LOCALES.get(self.language, "en")


#: The staff console's own catalogue: it is always Japanese (staff read Japanese), so its
#: strings are translated into ``ja`` only and stay out of the twelve citizen catalogues.
STAFF_DOMAIN = "staff"


@cache
def load_translator(locales_dir: Path, language: str, domain: str = DOMAIN) -> Translator:
    """Read one language's catalogue; a missing catalogue gives the English msgids."""
    po_path = locales_dir / catalogue_dir_name(language) / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.exists():
        return Translator(language)
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    messages = {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str)
    }
    return Translator(language, messages)
