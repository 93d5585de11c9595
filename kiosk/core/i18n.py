"""Translators, one per locale, passed in explicitly: there is no global ``_``.

Catalogues are gettext ``.po`` files in locales/<dir>/LC_MESSAGES/kiosk.po, where <dir>
is the BCP 47 tag with '-' replaced by '_' (``ja-x-easy`` → ``ja_x_easy``). They are read
with Babel straight from the ``.po`` so that a fresh clone and an installed wheel work
without a compile step; tests still run ``pybabel compile`` to catch broken catalogues.
Module-level strings are marked with ``N_`` and translated at render time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
    messages = read_messages(po_path.read_text(encoding="utf-8"))
    return Translator(language, {msgid: text for (context, msgid), text in messages.items() if not context})


def read_messages(po_text: str) -> dict[tuple[str, str], str]:
    """{(msgctxt, msgid): msgstr} of a PO file's translated, non-fuzzy singular messages.

    Reads what gettext tools write: one entry per block of lines, blocks separated by a
    blank line; comments (``#, fuzzy`` marks the block), obsolete entries (``#~``, never
    read) and strings continued on ``"…"`` lines with C escapes. Plural entries are left
    out (the form catalogues have none).
    """
    messages: dict[tuple[str, str], str] = {}
    for block in re.split(r"\n[ \t]*\n", po_text):
        parts: dict[str, list[str]] = {}
        current: list[str] | None = None
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#"):
                fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
                current = None
            elif line.startswith('"') and current is not None:
                current.append(_unquote(line))
            else:
                keyword, _, rest = line.partition(" ")
                current = parts.setdefault(keyword, []) if keyword in ("msgctxt", "msgid", "msgstr") else None
                if current is not None:
                    current.append(_unquote(rest))
        msgid, msgstr = "".join(parts.get("msgid", [])), "".join(parts.get("msgstr", []))
        if msgid and msgstr and not fuzzy:
            messages["".join(parts.get("msgctxt", [])), msgid] = msgstr
    return messages


_ESCAPE = re.compile(r'\\(.)')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(quoted: str) -> str:
    """The text of one ``"…"`` PO string."""
    body = quoted.strip()[1:-1]
    return _ESCAPE.sub(lambda match: _ESCAPED.get(match.group(1), match.group(1)), body)

