"""Input character classes: normalising and checking what a citizen typed into a field.

Each ``CharClass`` of a form field (kiosk/core/forms/model.py) gets a normaliser that
fixes what is safe to fix (full-width digits, half-width katakana, hiragana typed into a
katakana field, stray full-width spaces) and a checker that lists the characters still
not allowed, so the UI can point at them. Names are the one thing it must never change:
NFKC (and even NFC) would turn the compatibility ideograph 神 (U+FA19) into 神 (U+795E),
and 﨑 (U+FA11) survives only because it happens to be one of the twelve unified
ideographs in that block; a name must reach the residence record exactly as typed, so
ANY text is only trimmed and its spaces folded.
It also holds the few fixed-format checks forms need (phone, postal code, 在留カード
番号). It must not log or echo the text it is given.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.core.forms.model import CharClass

# Hyphen look-alikes that IMEs and virtual keyboards produce; NFKC maps only some of them.
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63"
_HALF_WIDTH_KATAKANA_RUN = re.compile("[\uff61-\uff9f]+")
_SPACE_RUN = re.compile(r"[\s\u3000]+")

_HIRAGANA_FIRST, _HIRAGANA_LAST = 0x3041, 0x3096  # ぁ … ゖ
_KATAKANA_OFFSET = 0x60  # ァ (U+30A1) - ぁ (U+3041)
_TO_KATAKANA = {cp: cp + _KATAKANA_OFFSET for cp in range(_HIRAGANA_FIRST, _HIRAGANA_LAST + 1)}
_TO_KATAKANA.update({0x309D: 0x30FD, 0x309E: 0x30FE})  # ゝゞ → ヽヾ
_TO_HIRAGANA = {kata: hira for hira, kata in _TO_KATAKANA.items()}

# Allowed characters per class, after normalisation. The long-vowel mark ー and the
# middle dot ・ are used in katakana renderings of foreign names (ジョン・スミス).
_ALLOWED = {
    CharClass.KATAKANA: re.compile("[\u30a1-\u30fa\u30fd\u30fe\u30fc\u30fb ]"),
    CharClass.HIRAGANA: re.compile("[\u3041-\u3096\u309d\u309e\u30fc\u30fb ]"),
    CharClass.LATIN: re.compile("[A-Z '\\-]"),
    CharClass.DIGITS: re.compile("[0-9]"),
    CharClass.ALNUM: re.compile("[A-Z0-9]"),
}

# Control, format (zero-width, bidi), private-use (外字 that will not print or transfer),
# surrogate and unassigned code points are refused even in free text.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}

RESIDENCE_CARD_PATTERN = re.compile("[A-Z]{2}[0-9]{8}[A-Z]{2}")
_PHONE_PATTERN = re.compile("0[1-9][0-9]{8,9}")
_POSTAL_CODE_PATTERN = re.compile("[0-9]{7}")


def hiragana_to_katakana(text: str) -> str:
    """ひらがな → カタカナ; everything else is left as it is."""
    return text.translate(_TO_KATAKANA)


def katakana_to_hiragana(text: str) -> str:
    """カタカナ → ひらがな; katakana with no hiragana form (ヷ, ヺ) is left as it is."""
    return text.translate(_TO_HIRAGANA)


def _widen_half_width_katakana(text: str) -> str:
    # NFKC only on runs of half-width katakana, so ｶﾞ becomes ガ (one character) while
    # nothing else in the text is touched.
    return _HALF_WIDTH_KATAKANA_RUN.sub(
        lambda run: unicodedata.normalize("NFKC", run.group()), text
    )


def _fold_spaces(text: str) -> str:
    return _SPACE_RUN.sub(" ", text).strip()


def _to_long_vowel_marks(text: str) -> str:
    # In a kana field a hyphen is always meant as the long-vowel mark (ミラー, not ミラ-).
    return text.translate({ord(ch): "ー" for ch in _HYPHENS})


def normalize(text: str, charclass: CharClass) -> str:
    """The text as it should be stored for a field of ``charclass``; idempotent.

    ANY (names in kanji, addresses, free text) is only trimmed with its spaces folded:
    every other character is kept byte for byte.
    """
    if charclass in (CharClass.KATAKANA, CharClass.HIRAGANA):
        # NFC (not NFKC) joins a kana typed with a separate voicing mark (か + ゙ → が);
        # a kanji it might alter is an error in a kana field anyway.
        kana = unicodedata.normalize(
            "NFC", _to_long_vowel_marks(_widen_half_width_katakana(text))
        )
        convert = hiragana_to_katakana if charclass is CharClass.KATAKANA else katakana_to_hiragana
        return _fold_spaces(convert(kana))
    if charclass is CharClass.LATIN:
        # NFKC is safe here: these fields hold A–Z only, and it folds full-width letters.
        folded = _nfkc_upper(text)
        folded = folded.translate({ord(ch): "-" for ch in _HYPHENS}).replace("\u2019", "'")
        return _fold_spaces(folded)
    if charclass in (CharClass.DIGITS, CharClass.ALNUM):
        # Identifiers have no spaces; people type them in groups (AB 1234 5678 CD).
        # NFKC again after the spaces go: NFKC can leave "U ̄" that now joins into "Ū".
        return unicodedata.normalize("NFKC", "".join(_nfkc_upper(text).split()))
    return _fold_spaces(text)


def _nfkc_upper(text: str) -> str:
    # upper() can produce decomposed letters (ǰ → J̌), hence NFKC on both sides.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).upper())


def check(text: str, charclass: CharClass) -> list[str]:
    """Characters of the normalised text not allowed in ``charclass``, each once, in order.

    An empty list means the text is acceptable.
    """
    normalized = normalize(text, charclass)
    allowed = _ALLOWED.get(charclass)
    offending: list[str] = []
    for ch in normalized:
        if allowed is not None:
            bad = allowed.fullmatch(ch) is None
        else:
            bad = unicodedata.category(ch) in _REFUSED_CATEGORIES
        if bad and ch not in offending:
            offending.append(ch)
    return offending


def normalize_phone(text: str) -> str:
    """Phone number with separators removed: 「０３（１２３４）５６７８」 → "0312345678".

    Hyphens, spaces, dots and parentheses are dropped and +81 becomes 0. Any other
    character is kept, so that check_phone refuses it instead of silently ignoring it.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(f"[\\s().{re.escape(_HYPHENS)}\u30fc]", "", folded)
    if folded.startswith("+81"):
        rest = folded[3:]
        # "+81 (0)3 …" is a common way to write the trunk prefix; drop it once.
        folded = "0" + (rest[1:] if rest.startswith("0") else rest)
    return folded


def check_phone(text: str) -> bool:
    """True for a Japanese number: 10 or 11 digits starting with 0 (not an 00 prefix)."""
    return _PHONE_PATTERN.fullmatch(normalize_phone(text)) is not None


def normalize_postal_code(text: str) -> str | None:
    """Seven ASCII digits for "150-0002", "１５００００２", "〒150-0002"; None if malformed."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(f"[\\s〒{re.escape(_HYPHENS)}\u30fc]", "", folded)
    return folded if _POSTAL_CODE_PATTERN.fullmatch(folded) else None


def check_residence_card_number(text: str) -> bool:
    """True for a 在留カード番号: two letters, eight digits, two letters (AB12345678CD)."""
    return RESIDENCE_CARD_PATTERN.fullmatch(normalize(text, CharClass.ALNUM)) is not None
