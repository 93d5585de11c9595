"""Furigana for やさしい日本語 (``ja-x-easy``): split Japanese text into segments and give
every segment that contains kanji its reading in hiragana.

Readings come from a curated override table (``locales/furigana-overrides.tsv``, applied
longest-match first, because the analyser misreads some administrative terms such as
続柄 or 方書) and then from SudachiPy with sudachidict_core in split mode C, which
research measured as the most accurate engine (tech.md §4.1). Okurigana are split off so
only the kanji carry ruby (届け/とどけ → 届[とど] + け). The analyser is loaded lazily,
once; if it is missing this module raises ``FuriganaError`` instead of guessing, because
a wrong reading shown to a citizen is worse than none. It must not import Qt, must not
log or echo the text it is given (it may be a citizen's name or address), and it cannot
know how a person's name is read: forms must still ask for フリガナ.
"""

from __future__ import annotations

import re
import unicodedata
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.paths import locales_dir

OVERRIDES_FILE_NAME = "furigana-overrides.tsv"


class FuriganaErrorCode(ErrorCode):
    ANALYSER_MISSING = "FURI_001"  # SudachiPy or SudachiDict-core is not installed
    OVERRIDES_INVALID = "FURI_002"  # a line of the override table cannot be used


class FuriganaError(KioskError):
    """Furigana cannot be produced; the code says whether the analyser or the table is at fault."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text drawn as one unit; ``reading`` (hiragana) is set only when ``base`` has kanji.

    ``continues`` marks a piece of the same word as the segment before it (the け of
    届け): a line must not break there, and spoken text keeps the word whole.
    """

    base: str
    reading: str | None = None
    continues: bool = False


# Kanji-like characters: CJK ideographs in every plane plus the marks that stand for a
# kanji in a word (々 repeats the previous kanji, 〆 and ヶ are read differently from how
# they look, as in 市ヶ谷 → いちがや), so they must sit under the ruby, not beside it.
_KANJI_LIKE = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3006\u30f6]"
)
_KANJI_RUN_SPLIT = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3006\u30f6]+)"
)
_KATAKANA_READING = re.compile("[\u30a1-\u30fa\u30fc\u30fd\u30fe]+")
_HIRAGANA_READING = re.compile("[\u3041-\u3096\u30fc\u309d\u309e]+")
_KATAKANA_TO_HIRAGANA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
_KATAKANA_TO_HIRAGANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})
# Part-of-speech classes whose "reading" is a placeholder (記号 → キゴウ), never a reading.
_NO_READING_POS = frozenset({"補助記号", "空白", "記号"})


def has_kanji(text: str) -> bool:
    """True when ``text`` holds a character that needs ruby (a kanji or a kanji-like mark)."""
    return _KANJI_LIKE.search(text) is not None


def to_hiragana(text: str) -> str:
    """Katakana → hiragana; everything else (ー, Latin, digits, kanji) is left as it is."""
    return text.translate(_KATAKANA_TO_HIRAGANA)


def annotate(text: str) -> tuple[Segment, ...]:
    """Split ``text`` into segments with hiragana readings on the ones that contain kanji.

    Overrides are matched longest-first before the analyser's readings are used, so a
    curated reading wins. An override is not applied where it would cut a longer word
    the analyser found (国民健康保険 inside 国民健康保険税, 転入届 inside 転入届出書): next
    to a kanji its edges must fall on the analyser's word boundaries. The text around
    overrides keeps the readings the analyser gave it in context (証 after 印鑑登録 is
    しょう; alone it would be あかし). Raises ``FuriganaError`` if the analyser is missing.
    """
    if not text:
        return ()
    overrides = load_overrides()
    longest = max((len(surface) for surface in overrides), default=0)
    words = _analyse_words(text)
    boundaries = {0, len(text)} | {end for _, end, _ in words}

    def fits(start: int, end: int) -> bool:
        left_ok = start == 0 or start in boundaries or not has_kanji(text[start - 1])
        right_ok = end == len(text) or end in boundaries or not has_kanji(text[end])
        return left_ok and right_ok

    segments: list[Segment] = []
    pending_from = 0
    position = 0
    while position < len(text):
        match = None
        for length in range(min(longest, len(text) - position), 0, -1):
            candidate = text[position : position + length]
            if candidate in overrides and fits(position, position + length):
                match = candidate
                break
        if match is None:
            position += 1
            continue
        segments.extend(_stretch(text, pending_from, position, words, boundaries))
        segments.extend(split_okurigana(match, overrides[match]))
        position += len(match)
        pending_from = position
    segments.extend(_stretch(text, pending_from, len(text), words, boundaries))
    return tuple(_counter_readings(segments))


#: 分 after a number: ぷん after 1, 3, 4, 6, 8 and 0 (いっぷん, じゅっぷん), ふん otherwise.
_FUN_AFTER = {"0": "ぷん", "1": "ぷん", "2": "ふん", "3": "ぷん", "4": "ぷん", "5": "ふん",
              "6": "ぷん", "7": "ふん", "8": "ぷん", "9": "ふん"}
#: 日 of a date (after 月): the days with readings of their own; the rest are にち.
_DAY_READINGS = {1: "ついたち", 2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか",
                 7: "なのか", 8: "ようか", 9: "ここのか", 10: "とおか", 14: "じゅうよっか",
                 20: "はつか", 24: "にじゅうよっか"}


def _counter_readings(segments: list[Segment]) -> list[Segment]:
    """Readings the analyser gets wrong after digits that a program fills in: 24分, 4月1日.

    The kiosk writes waits and dates with Arabic numerals (the guideline asks for them), so
    the analyser sees 24 and 分 apart and always answers ふん, and 1日 of a date にち.
    """
    out = list(segments)
    for index in range(1, len(out)):
        number = unicodedata.normalize("NFKC", out[index - 1].base)
        if not number.isdigit():
            continue
        segment = out[index]
        if segment.base == "分" and segment.reading in ("ふん", "ぷん"):
            out[index] = Segment("分", _FUN_AFTER[number[-1]], segment.continues)
        elif segment.base == "日" and index >= 2 and out[index - 2].base == "月":
            out[index] = Segment("日", _DAY_READINGS.get(int(number), "にち"), segment.continues)
    return out


def _stretch(
    text: str, start: int, end: int, words: list[tuple[int, int, list[Segment]]], boundaries: set[int]
) -> list[Segment]:
    """Segments for text[start:end], taken from the whole-text analysis when it lines up."""
    if start >= end:
        return []
    if start in boundaries and end in boundaries:
        return [segment for begin, finish, found in words if begin >= start and finish <= end for segment in found]
    # An override cut a word next to kana (rare): read the rest on its own.
    return [segment for _, _, found in _analyse_words(text[start:end]) for segment in found]


def plain_with_readings(segments: Iterable[Segment]) -> str:
    """Text for speech, clipboard and accessibility: 転入届（てんにゅうとどけ）を….

    Neighbouring segments that came from one word (届 + け) are joined before the
    bracket, so the reading follows the whole word, not each kanji run inside it.
    """
    out: list[str] = []
    word_base: list[str] = []
    word_reading: list[str] = []
    word_has_ruby = False

    def flush() -> None:
        if word_base:
            base = "".join(word_base)
            out.append(base + "（" + "".join(word_reading) + "）" if word_has_ruby else base)
            word_base.clear()
            word_reading.clear()

    for segment in segments:
        if not segment.continues:
            flush()
            word_has_ruby = False
        word_base.append(segment.base)
        word_reading.append(segment.reading if segment.reading is not None else to_hiragana(segment.base))
        word_has_ruby = word_has_ruby or segment.reading is not None
    flush()
    return "".join(out)


def reading_for_speech(text: str) -> str:
    """The text with every kanji replaced by its reading: what a kana-only voice can say.

    espeak-ng (the offline voice on Linux) reads kana but not kanji, so Japanese lines are
    spoken from their furigana: 受付番号 → うけつけばんごう. Raises ``FuriganaError``
    if the analyser is missing.
    """
    return "".join(segment.reading or segment.base for segment in annotate(text))


def plain_text(segments: Iterable[Segment]) -> str:
    """The base text alone (what the citizen sees without ruby)."""
    return "".join(segment.base for segment in segments)


def split_okurigana(surface: str, reading: str) -> tuple[Segment, ...]:
    """Give each kanji run of one word its own reading; the kana around them get none.

    Kana runs of the surface are matched literally against the reading (受け取り/うけとり
    → 受[う] け 取[と] り). When that alignment fails or is ambiguous, only the kana that
    surface and reading share at both ends are stripped, which is always safe.
    """
    if not has_kanji(surface):
        return (Segment(surface, None),)
    parts = [part for part in _KANJI_RUN_SPLIT.split(surface) if part]
    pattern = "".join(
        "(.+?)" if has_kanji(part) else "(" + re.escape(to_hiragana(part)) + ")" for part in parts
    )
    aligned = re.fullmatch(pattern, reading)
    if aligned is not None and _alignment_is_unique(parts, reading):
        return tuple(
            Segment(part, aligned.group(index + 1) if has_kanji(part) else None, index > 0)
            for index, part in enumerate(parts)
        )
    return _strip_shared_kana(surface, reading)


def _alignment_is_unique(parts: Sequence[str], reading: str) -> bool:
    """A lazy and a greedy match agree only when the kana anchors allow one split."""
    greedy = "".join(
        "(.+)" if has_kanji(part) else "(" + re.escape(to_hiragana(part)) + ")" for part in parts
    )
    lazy = "".join(
        "(.+?)" if has_kanji(part) else "(" + re.escape(to_hiragana(part)) + ")" for part in parts
    )
    first, second = re.fullmatch(lazy, reading), re.fullmatch(greedy, reading)
    return first is not None and second is not None and first.groups() == second.groups()


def _strip_shared_kana(surface: str, reading: str) -> tuple[Segment, ...]:
    head = 0
    while (
        head < len(surface) - 1
        and head < len(reading) - 1
        and not has_kanji(surface[head])
        and to_hiragana(surface[head]) == reading[head]
    ):
        head += 1
    tail = 0
    while (
        tail < len(surface) - head - 1
        and tail < len(reading) - head - 1
        and not has_kanji(surface[-1 - tail])
        and to_hiragana(surface[-1 - tail]) == reading[-1 - tail]
    ):
        tail += 1
    core_end = len(surface) - tail
    segments = []
    if head:
        segments.append(Segment(surface[:head], None))
    segments.append(Segment(surface[head:core_end], reading[head : len(reading) - tail], head > 0))
    if tail:
        segments.append(Segment(surface[core_end:], None, True))
    return tuple(segments)


def _analyse_words(text: str) -> list[tuple[int, int, list[Segment]]]:
    """The analyser's words as (begin, end, segments), offsets in characters of ``text``."""
    tokenizer = _tokenizer()
    # One Sudachi tokenizer reuses its buffers between calls, so callers on different
    # threads (UI thread, print worker) take turns; a call takes well under a millisecond.
    with _TOKENIZER_LOCK:
        return [(m.begin(), m.end(), _segments_of(m)) for m in tokenizer.tokenize(text)]


def _segments_of(morpheme: Any) -> list[Segment]:
    surface = morpheme.surface()
    if not has_kanji(surface):
        return [Segment(surface, None)]
    reading = morpheme.reading_form()
    # Unknown words (𠮷) come back with the surface as "reading", and symbols with
    # キゴウ: both are not readings, and showing no ruby beats showing a wrong one.
    if morpheme.part_of_speech()[0] in _NO_READING_POS or not _KATAKANA_READING.fullmatch(reading):
        return [Segment(surface, None)]
    return list(split_okurigana(surface, to_hiragana(reading)))


_TOKENIZER_LOCK = threading.Lock()
_TOKENIZER: Any = None


def _tokenizer() -> Any:
    """Load the analyser once (≈200 MB dictionary, memory-mapped), on first use."""
    global _TOKENIZER
    with _TOKENIZER_LOCK:
        if _TOKENIZER is None:
            try:
                from sudachipy import Dictionary, SplitMode
            except ImportError as error:
                raise FuriganaError(
                    FuriganaErrorCode.ANALYSER_MISSING,
                    "SudachiPy is not installed; install the SudachiPy and SudachiDict-core packages",
                ) from error
            try:
                _TOKENIZER = Dictionary(dict="core").tokenizer(SplitMode.C)
            except Exception as error:  # sudachipy raises its own types for a missing dictionary
                raise FuriganaError(
                    FuriganaErrorCode.ANALYSER_MISSING,
                    f"the Sudachi core dictionary cannot be loaded ({type(error).__name__}); "
                    "install the SudachiDict-core package",
                ) from error
        return _TOKENIZER


def analyser_only(text: str) -> tuple[Segment, ...]:
    """Annotate with the analyser alone, ignoring overrides (used to measure what they add)."""
    return tuple(segment for _, _, found in _analyse_words(text) for segment in found) if text else ()


@cache
def load_overrides(path: Path | None = None) -> dict[str, str]:
    """Read the override table: ``surface<TAB>reading`` per line, ``#`` starts a comment.

    Every line is checked so a typo in a city's table is found at start-up, with its line
    number, instead of showing a citizen a wrong or half-katakana reading.
    """
    source = path if path is not None else locales_dir() / OVERRIDES_FILE_NAME
    table: dict[str, str] = {}
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        where = f"{source.name}:{number}"
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise FuriganaError(FuriganaErrorCode.OVERRIDES_INVALID, f"{where}: expected 'surface<TAB>reading'")
        surface, reading = fields[0].strip(), fields[1].strip()
        if not has_kanji(surface):
            raise FuriganaError(FuriganaErrorCode.OVERRIDES_INVALID, f"{where}: the surface has no kanji")
        if not _HIRAGANA_READING.fullmatch(reading):
            raise FuriganaError(FuriganaErrorCode.OVERRIDES_INVALID, f"{where}: the reading must be hiragana")
        if surface in table:
            raise FuriganaError(FuriganaErrorCode.OVERRIDES_INVALID, f"{where}: '{surface}' is listed twice")
        table[surface] = reading
    return table
