"""Tests for kiosk.core.textclass: field normalisation, character checks and fixed formats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.forms.model import CharClass
from kiosk.core.textclass import (
    RESIDENCE_CARD_PATTERN,
    check,
    check_phone,
    check_residence_card_number,
    hiragana_to_katakana,
    katakana_to_hiragana,
    normalize,
    normalize_phone,
    normalize_postal_code,
)

# Names whose characters NFKC would change or that live outside the BMP.
EXACT_NAMES = [
    "髙橋",  # U+9AD9, the "ladder" 高
    "山﨑",  # U+FA11, in the compatibility block (one NFKC happens to leave alone)
    "𠮷田",  # U+20BB7, outside the BMP
    "葛\U000E0100城",  # 葛 with an ideographic variation selector
    "\ufa19田",  # U+FA19 compatibility 神, which NFC and NFKC both turn into U+795E
    "渡邊",
]


@pytest.mark.parametrize("name", EXACT_NAMES)
def test_kanji_names_stay_byte_exact(name: str) -> None:
    """Names in an ANY field keep every code point (髙, 﨑, 𠮷, IVS): no NFKC on names."""
    assert normalize(name, CharClass.ANY).encode("utf-8") == name.encode("utf-8")
    assert normalize(f"\u3000 {name}  ", CharClass.ANY) == name
    assert check(name, CharClass.ANY) == []


def test_any_folds_and_collapses_spaces() -> None:
    """Full-width and repeated spaces in free text become one ASCII space; ends are trimmed."""
    assert normalize("\u3000山田\u3000\u3000太郎 ", CharClass.ANY) == "山田 太郎"
    assert normalize("山田\t太郎\n", CharClass.ANY) == "山田 太郎"


def test_any_refuses_invisible_and_private_use_characters() -> None:
    """Zero-width, bidi, control and private-use (外字) characters are reported in free text."""
    assert check("山\u200b田", CharClass.ANY) == ["\u200b"]
    assert check("山\ue000田\x07", CharClass.ANY) == ["\ue000", "\x07"]
    assert check("\u202e田中", CharClass.ANY) == ["\u202e"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("やまだ\u3000たろう", "ヤマダ タロウ"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
        ("ミラ-", "ミラー"),
        ("ﾊﾟｰｸ", "パーク"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("さゝき", "サヽキ"),
        ("か\u3099ス", "ガス"),
    ],
)
def test_katakana_normalisation(typed: str, stored: str) -> None:
    """Half-width katakana widen (ｶﾞ → ガ), hiragana become katakana, hyphens become ー."""
    assert normalize(typed, CharClass.KATAKANA) == stored
    assert check(typed, CharClass.KATAKANA) == []


def test_katakana_check_lists_offenders_once_in_order() -> None:
    """Kanji or Latin letters in a katakana field are listed once each, in typing order."""
    assert check("ヤマ田A田", CharClass.KATAKANA) == ["田", "A"]


def test_hiragana_field() -> None:
    """A hiragana field accepts typed katakana (full or half width) and stores hiragana."""
    assert normalize("ﾔﾏﾀﾞ", CharClass.HIRAGANA) == "やまだ"
    assert normalize("ヤマダ", CharClass.HIRAGANA) == "やまだ"
    assert check("やま田", CharClass.HIRAGANA) == ["田"]


def test_kana_conversions() -> None:
    """hiragana_to_katakana and katakana_to_hiragana convert kana only, including ゔ/ヴ and ゝ/ヽ."""
    assert hiragana_to_katakana("やまだ たろう ABC 漢字") == "ヤマダ タロウ ABC 漢字"
    assert katakana_to_hiragana("ヤマダ・ヴィー") == "やまだ・ゔぃー"
    assert katakana_to_hiragana("ヷ") == "ヷ"  # no hiragana form exists


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096)))
def test_kana_conversion_round_trips(text: str) -> None:
    """Every hiragana survives hiragana → katakana → hiragana unchanged."""
    assert katakana_to_hiragana(hiragana_to_katakana(text)) == text


def test_latin_names_are_folded_and_uppercased() -> None:
    """Latin names become upper-case ASCII: full-width letters fold, ’ becomes '."""
    assert normalize("  ｊｏｈｎ\u3000o’brien-smith ", CharClass.LATIN) == "JOHN O'BRIEN-SMITH"
    assert check("Nguyễn Văn An", CharClass.LATIN) == ["Ễ", "Ă"]
    assert check("JOHN.SMITH", CharClass.LATIN) == ["."]


def test_digits_and_alnum_fold_full_width_and_drop_spaces() -> None:
    """Digit and alphanumeric identifiers fold full-width and lose grouping spaces."""
    assert normalize("１２３４ ５６７８", CharClass.DIGITS) == "12345678"
    assert check("1234-5678", CharClass.DIGITS) == ["-"]
    assert check("١٢٣", CharClass.DIGITS) == ["١", "٢", "٣"]  # not ASCII digits
    assert normalize("ａｂ 1234 5678 ｃｄ", CharClass.ALNUM) == "AB12345678CD"
    assert check("AB-12", CharClass.ALNUM) == ["-"]


@given(st.text(max_size=30), st.sampled_from(list(CharClass)))
def test_normalize_is_idempotent(text: str, charclass: CharClass) -> None:
    """Normalising twice changes nothing, so saved answers re-validate the same way."""
    once = normalize(text, charclass)
    assert normalize(once, charclass) == once


@given(st.text(alphabet=st.characters(categories=["Lo"]), max_size=20))
def test_any_never_changes_letters(text: str) -> None:
    """In free text no letter (kanji, kana, compatibility ideographs) is ever changed."""
    assert normalize(text, CharClass.ANY) == text.strip()


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("03-1234-5678", "0312345678"),
        ("０３（１２３４）５６７８", "0312345678"),
        ("090 1234 5678", "09012345678"),
        ("090ー1234ー5678", "09012345678"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81 (0)3-1234-5678", "0312345678"),
    ],
)
def test_phone_numbers_accepted(typed: str, digits: str) -> None:
    """Phone numbers typed with hyphens, parentheses, full-width or +81 reduce to their digits."""
    assert normalize_phone(typed) == digits
    assert check_phone(typed)


@pytest.mark.parametrize(
    "typed",
    ["", "312345678", "03-1234-567", "090-1234-56789", "00-1234-5678", "03-1234-567a", "abc"],
)
def test_phone_numbers_refused(typed: str) -> None:
    """Too short, too long, not starting with 0, 00 prefixes, or with letters are refused."""
    assert not check_phone(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("150-0002", "1500002"),
        ("1500002", "1500002"),
        ("１５０－０００２", "1500002"),
        ("〒150-0002", "1500002"),
        (" 〒 １５０ー０００２ ", "1500002"),
        ("150-000", None),
        ("15000021", None),
        ("abc-defg", None),
        ("", None),
    ],
)
def test_postal_code_normalisation(typed: str, expected: str | None) -> None:
    """Postal codes in any common spelling become seven digits; anything else is None."""
    assert normalize_postal_code(typed) == expected


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("AB12345678CD", True),
        ("ab12345678cd", True),
        ("ＡＢ１２３４５６７８ＣＤ", True),
        ("AB 1234 5678 CD", True),
        ("AB1234567CD", False),
        ("A112345678CD", False),
        ("AB12345678C", False),
        ("AB12345678CDE", False),
    ],
)
def test_residence_card_number(typed: str, ok: bool) -> None:
    """在留カード番号 is two letters, eight digits, two letters, in any width or case."""
    assert check_residence_card_number(typed) is ok
    assert (RESIDENCE_CARD_PATTERN.fullmatch(typed) is not None) is (typed == "AB12345678CD")
