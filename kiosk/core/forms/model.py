"""Typed tree of the forms data: field kinds, fields, forms, life events, the catalogue.

This is the contract between the form files (forms/*.yaml, see docs/forms-format.md),
the forms engine (loader, conditions, values, records) and the UI. The loader turns a
file into a plain dict, checks it, then builds these frozen objects; nothing else builds
them from files. Form text is a ``Text`` mapping of BCP 47 tag → string; "ja" is always
present (staff, exports and printed forms are Japanese).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

Text = Mapping[str, str]


class FieldKind(str, Enum):
    CHOICE = "choice"  # one option; value: option id (str); payload: option code (int)
    YESNO = "yesno"  # value: bool
    TEXT = "text"  # value: str, limited by ``charclass``
    PERSON_NAME = "person_name"  # value: dict family/given/family_kana/given_kana/latin
    DATE = "date"  # value: datetime.date; payload int YYYYMMDD; input in 和暦 or 西暦
    POSTAL_CODE = "postal_code"  # value: str of 7 digits; ``fills`` an address field
    ADDRESS = "address"  # value: dict postal_code/prefecture/city/town/block/building
    PHONE = "phone"  # value: str of digits (hyphens dropped)
    NUMBER = "number"  # value: int within min/max
    GROUP = "group"  # repeat group: value is a list of dicts keyed by sub-field id


class CharClass(str, Enum):
    ANY = "any"
    KATAKANA = "katakana"  # full-width katakana, 長音 and spaces
    HIRAGANA = "hiragana"
    LATIN = "latin"  # A–Z, spaces, apostrophe, hyphen (foreign names, as on the residence card)
    DIGITS = "digits"
    ALNUM = "alnum"  # A–Z and digits (e.g. 在留カード番号 AB12345678CD)


#: Sub-parts of compound values, with their stable payload keys (docs/qr-spec.md).
PERSON_NAME_PARTS = {"family": 1, "given": 2, "family_kana": 3, "given_kana": 4, "latin": 5}
ADDRESS_PARTS = {"postal_code": 1, "prefecture": 2, "city": 3, "town": 4, "block": 5, "building": 6}


@dataclass(frozen=True)
class Condition:
    """Declarative condition: exactly one of field/all/any is used.

    ``field`` names a field id in the same scope (or a fact/interview answer id);
    with ``equals`` it compares, with ``in_`` it tests membership, with neither it tests
    that the answer is truthy. ``all``/``any`` combine sub-conditions.
    """

    field: str | None = None
    equals: Any = None
    in_: tuple[Any, ...] | None = None
    all: tuple["Condition", ...] = ()
    any: tuple["Condition", ...] = ()
    has_equals: bool = False  # distinguishes ``equals: null`` from no ``equals``


@dataclass(frozen=True)
class Choice:
    id: str
    code: int  # stable payload code; never reused within the field
    label: Text


@dataclass(frozen=True)
class FieldSpec:
    id: str  # unique within its form (or group); snake_case
    key: int  # stable numeric payload key; never reused within the form (or group)
    kind: FieldKind
    label: Text
    help: Text = field(default_factory=dict)
    required: bool = True
    fact: str | None = None  # shared fact id: asked once, reused by every form naming it
    show_if: Condition | None = None
    charclass: CharClass = CharClass.ANY
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None  # NUMBER: bounds; GROUP: member count bounds
    maximum: int | None = None
    fills: str | None = None  # POSTAL_CODE: id of the ADDRESS field it fills
    fields: tuple["FieldSpec", ...] = ()  # GROUP: the member fields
    count_label: Text = field(default_factory=dict)  # GROUP: "How many people …?"
    date_range: tuple[str, str] | None = None  # DATE: ("past"|"today"|"future"|ISO, …)


@dataclass(frozen=True)
class Document:
    """Something to bring, needed always or only when ``when`` holds (a foreign national's residence card)."""

    text: Text
    when: Condition | None = None


@dataclass(frozen=True)
class Fee:
    """A fee the procedure costs: ``yen`` (the site may change it) times the answer to ``per``."""

    id: str  # unique within the form; the site's configuration names it "<form id>.<fee id>"
    label: Text
    yen: int
    per: str | None = None  # id of a NUMBER field of the form (copies); None: once
    when: Condition | None = None


@dataclass(frozen=True)
class FormSpec:
    id: str  # = file name without .yaml; never changes once published
    version: int
    title: Text
    counter: str  # counter id (config) that handles this procedure
    fields: tuple[FieldSpec, ...]
    source: str = ""  # citation of the paper form / rules this file follows
    documents: tuple[Document, ...] = ()  # documents to bring
    #: What could be done without coming next time (マイナポータル online, コンビニ交付).
    alternatives: tuple[Text, ...] = ()
    fees: tuple[Fee, ...] = ()
    path: str = ""  # file it was loaded from, for messages


@dataclass(frozen=True)
class BundleRule:
    form: str
    when: Condition | None = None  # None: always


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title: Text
    service: str  # ticket series (config service id)
    questions: tuple[FieldSpec, ...]  # interview questions that decide the bundle
    bundle: tuple[BundleRule, ...]
    description: Text = field(default_factory=dict)
    path: str = ""


@dataclass(frozen=True)
class FormCatalog:
    facts: Mapping[str, FieldSpec]  # shared facts by id (forms/facts.yaml)
    forms: Mapping[str, FormSpec]
    events: Mapping[str, LifeEvent]
