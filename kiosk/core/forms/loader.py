"""Loading the form files (forms/) into a checked, frozen ``FormCatalog``.

Each file goes file → plain dict (YAML) → checked → frozen model objects
(kiosk.core.forms.model), the pyxform way. Every problem is collected, not just the
first, and each is one line written for the city's IT staff who edit these files: a
code, the file, the path inside it and what to change, with a spelling suggestion where
one helps (``FORM_004 tennyu.yaml fields[3].show_if.field: 'purpos' is not a field; did
you mean 'purpose'?``). The format is documented in docs/forms-format.md. This module
reads files only; it never evaluates answers and never writes anything.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.conditions import referenced_names
from kiosk.core.forms.model import (
    BundleRule,
    CharClass,
    Choice,
    Condition,
    Document,
    Fee,
    FieldKind,
    FieldSpec,
    FormCatalog,
    FormSpec,
    LifeEvent,
)
from kiosk.core.forms.translations import (
    FormText,
    add_translations,
    read_translations,
    text_context,
)
from kiosk.core.i18n import NATIVE_NAMES

FACTS_FILE = "facts.yaml"
EVENTS_DIR = "events"
#: Translations of the form texts: gettext catalogues beside the forms they translate
#: (forms/translations/<lang>.po, template forms.pot), keyed by file and English text.
TRANSLATIONS_DIR = "translations"
#: Languages written inline in the form files by the city staff who write the forms;
#: every other language comes from a catalogue in TRANSLATIONS_DIR.
INLINE_LANGUAGES: tuple[str, ...] = ("ja", "ja-x-easy", "en")
DEFAULT_LANGUAGES: tuple[str, ...] = ("ja", "en")
#: Language tags a text may use: every language the kiosk can offer.
KNOWN_LANGUAGES: tuple[str, ...] = tuple(NATIVE_NAMES)
#: Interview questions decide the bundle with a tap: no typing.
INTERVIEW_KINDS = (FieldKind.YESNO, FieldKind.CHOICE, FieldKind.NUMBER)
#: date_range words; anything else must be an ISO date.
DATE_RANGE_WORDS = ("past", "today", "future")

_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

_FIELD_OPTIONS = (
    "kind", "label", "help", "required", "show_if", "charclass", "max_length", "choices",
    "min", "max", "fills", "fields", "count_label", "date_range",
)
# Which kinds each option applies to; an option on another kind is a mistake to report.
_OPTION_KINDS: dict[str, tuple[FieldKind, ...]] = {
    "charclass": (FieldKind.TEXT,),
    "max_length": (FieldKind.TEXT,),
    "choices": (FieldKind.CHOICE,),
    "min": (FieldKind.NUMBER, FieldKind.GROUP),
    "max": (FieldKind.NUMBER, FieldKind.GROUP),
    "fills": (FieldKind.POSTAL_CODE,),
    "fields": (FieldKind.GROUP,),
    "count_label": (FieldKind.GROUP,),
    "date_range": (FieldKind.DATE,),
}
_FORM_KEYS = (
    "id", "version", "title", "counter", "source", "documents", "alternatives", "fees", "fields", "retired_keys",
)
_DOCUMENT_KEYS = ("text", "when")
_FEE_KEYS = ("id", "label", "yen", "per", "when")
_FORM_REQUIRED = ("id", "version", "title", "counter", "source", "fields")
_EVENT_KEYS = ("id", "title", "description", "service", "order", "questions", "bundle")
_EVENT_REQUIRED = ("id", "title", "service", "bundle")
# What a form may say about a field that reuses a shared fact: everything else comes
# from facts.yaml, so that the question is the same in every form (once-only).
_FACT_REFERENCE_KEYS = ("key", "id", "fact", "required", "show_if", "fields")
_QUESTION_FACT_KEYS = ("id", "fact", "required", "show_if")


class FormErrorCode(ErrorCode):
    YAML_SYNTAX = "FORM_001"
    UNKNOWN_KEY = "FORM_002"
    MISSING_KEY = "FORM_003"
    UNKNOWN_REFERENCE = "FORM_004"
    ID_NOT_FILE_NAME = "FORM_005"
    BAD_KEY = "FORM_006"
    DUPLICATE_ID = "FORM_007"
    UNKNOWN_KIND = "FORM_008"
    UNKNOWN_CHARCLASS = "FORM_009"
    BAD_CHOICES = "FORM_010"
    BAD_CONDITION_VALUE = "FORM_011"
    UNKNOWN_FACT = "FORM_012"
    UNKNOWN_COUNTER = "FORM_013"
    UNKNOWN_FORM = "FORM_014"
    EMPTY_GROUP = "FORM_015"
    BAD_FILLS = "FORM_016"
    MISSING_LANGUAGE = "FORM_017"
    WRONG_TYPE = "FORM_018"
    BAD_CONDITION = "FORM_019"
    NOT_FOR_KIND = "FORM_020"
    BAD_QUESTION_KIND = "FORM_021"
    CONDITION_CYCLE = "FORM_022"
    UNKNOWN_SERVICE = "FORM_023"
    BAD_DATE_RANGE = "FORM_024"
    BAD_RANGE = "FORM_025"
    FILE = "FORM_026"
    MEMBER_CONFLICT = "FORM_027"
    BAD_ID = "FORM_028"
    UNKNOWN_LANGUAGE = "FORM_029"


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong in one form file, written for the person who edits it."""

    code: FormErrorCode
    file: str  # relative to the forms folder, e.g. "tennyu.yaml", "events/moved_in.yaml"
    path: str  # inside the file, e.g. "fields[3].show_if.field"; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file} {self.path}" if self.path else self.file
        return f"{self.code.value} {where}: {self.message}"


class FormCatalogError(KioskError):
    """The form files cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(
            self.problems[0].code if self.problems else FormErrorCode.FILE,
            f"{len(self.problems)} problem(s) in the form files:\n{lines}",
        )


def load_catalog(
    forms_dir: Path,
    counter_ids: Collection[str],
    required_languages: Collection[str] = DEFAULT_LANGUAGES,
    *,
    service_ids: Collection[str] | None = None,
) -> FormCatalog:
    """Read every form file under ``forms_dir``; raise FormCatalogError on any problem."""
    catalog, problems = _Loader(forms_dir, counter_ids, required_languages, service_ids).run()
    if problems:
        raise FormCatalogError(problems)
    return catalog


def form_texts(forms_dir: Path) -> list[FormText]:
    """Every translatable text of the form files, in file order (for forms.pot).

    Problems in the files are not this function's business (check-forms reports them).
    """
    loader = _Loader(forms_dir, (), DEFAULT_LANGUAGES, None)
    loader.translations = {}
    loader.run()
    return loader.texts


def check_catalog(
    forms_dir: Path,
    counter_ids: Collection[str],
    required_languages: Collection[str] = DEFAULT_LANGUAGES,
    *,
    service_ids: Collection[str] | None = None,
) -> list[FormProblem]:
    """Every problem in the form files under ``forms_dir`` (empty when they are usable)."""
    return _Loader(forms_dir, counter_ids, required_languages, service_ids).run()[1]


def suggestion(name: object, candidates: Iterable[str]) -> str:
    """'; did you mean 'x'?' for a likely typo, or '' when nothing is close."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off as true/false; quote it)"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


# libyaml's C parser when the wheel has it: the pure-Python parser takes most of a second
# for the forms folder, which every kiosk start and every check-forms run would pay.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a key written twice in one map (PyYAML keeps the last)."""


def _construct_checked_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:
            continue  # an unhashable key; construct_mapping reports it properly
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while reading a map", node.start_mark,
                f"the key '{key}' is written twice", key_node.start_mark,
            )
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_checked_mapping
)


@dataclass(frozen=True)
class _ConditionSite:
    """A condition to check once every file is read (it may name interview answers)."""

    file: str
    path: str  # path of the condition itself, e.g. "fields[3].show_if"
    condition: Condition
    scopes: tuple[Mapping[str, FieldSpec], ...]  # innermost first
    owner: str  # id of the field (or bundle form) the condition belongs to
    local: Mapping[str, FieldSpec] | None  # the scope in which cycles are looked for


@dataclass(frozen=True)
class _FillsSite:
    file: str
    path: str
    target: str
    scopes: tuple[Mapping[str, FieldSpec], ...]


class _Loader:
    def __init__(
        self,
        forms_dir: Path,
        counter_ids: Collection[str],
        required_languages: Collection[str],
        service_ids: Collection[str] | None,
    ) -> None:
        self.root = Path(forms_dir)
        self.counter_ids = tuple(counter_ids)
        self.required_languages = tuple(required_languages)
        self.service_ids = None if service_ids is None else tuple(service_ids)
        self.problems: list[FormProblem] = []
        self.file = ""
        self.facts: dict[str, FieldSpec] = {}
        self.forms: dict[str, FormSpec] = {}
        self.events: dict[str, LifeEvent] = {}
        self.questions: dict[str, FieldSpec] = {}  # every event's questions, for show_if
        self.condition_sites: list[_ConditionSite] = []
        self.fills_sites: list[_FillsSite] = []
        # (group fact id, member id) → form that adds that member field to the fact.
        self.member_extras: dict[tuple[str, str], str] = {}
        self.translations = read_translations(self.root / TRANSLATIONS_DIR, KNOWN_LANGUAGES, INLINE_LANGUAGES) if self.root.is_dir() else {}
        self.texts: list[FormText] = []  # every text read, for the translation template
        self.event_order: dict[str, int] = {}

    # ------------------------------------------------------------------ reporting

    def report(self, code: FormErrorCode, path: str, message: str) -> None:
        self.problems.append(FormProblem(code, self.file, path, message))

    # ------------------------------------------------------------------ files

    def run(self) -> tuple[FormCatalog, list[FormProblem]]:
        if not self.root.is_dir():
            self.file = str(self.root)
            self.report(FormErrorCode.FILE, "", "the forms folder does not exist; check --forms or the installation")
            return FormCatalog(MappingProxyType({}), MappingProxyType({}), MappingProxyType({})), self.problems
        self._load_facts()
        for path in sorted(self.root.iterdir()):
            if path.is_file() and path.suffix == ".yml":
                self.file = path.name
                self.report(FormErrorCode.FILE, "", f"form files end in .yaml; rename it to {path.stem}.yaml")
            if path.is_file() and path.suffix == ".yaml" and path.name != FACTS_FILE:
                self._load_form(path)
        events_dir = self.root / EVENTS_DIR
        if events_dir.is_dir():
            event_paths = sorted(p for p in events_dir.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))
            # Questions first: forms may show or hide fields by interview answers.
            raw_events = [(path, self._read(path)) for path in event_paths]
            for path, raw in raw_events:
                self._load_event(path, raw)
        self._check_deferred()
        catalog = FormCatalog(
            facts=MappingProxyType(dict(self.facts)),
            forms=MappingProxyType(dict(self.forms)),
            # The order the citizen sees them: each event's `order`, then its id.
            events=MappingProxyType(dict(sorted(self.events.items(), key=lambda item: (self.event_order.get(item[0], 100), item[0])))),
        )
        return catalog, self.problems

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def _read(self, path: Path) -> Any:
        self.file = self._relative(path)
        if path.suffix == ".yml":
            self.report(FormErrorCode.FILE, "", f"form files end in .yaml; rename it to {path.stem}.yaml")
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.report(FormErrorCode.FILE, "", "the file is not UTF-8 text; save it as UTF-8")
            return None
        except OSError as exc:
            self.report(FormErrorCode.FILE, "", f"cannot read the file ({exc.strerror}); check its permissions")
            return None
        try:
            return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            self.report(
                FormErrorCode.YAML_SYNTAX, "",
                f"{line}{problem}; check the indentation, colons and quotes on that line",
            )
            return None

    def _top(self, raw: Any, allowed: tuple[str, ...], required: tuple[str, ...], example: str) -> dict | None:
        if raw is None and not self.problems_for_file():
            self.report(FormErrorCode.WRONG_TYPE, "", f"the file is empty; it must be a map starting with {example}")
            return None
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.report(FormErrorCode.WRONG_TYPE, "", f"the file must be a map starting with {example}, not {_type_name(raw)}")
            return None
        self.known_keys(raw, allowed, "")
        for key in required:
            if key not in raw:
                self.report(FormErrorCode.MISSING_KEY, key, f"'{key}' is missing; add it at the top level")
        return raw

    def problems_for_file(self) -> bool:
        return any(problem.file == self.file for problem in self.problems)

    # ------------------------------------------------------------------ small checks

    def known_keys(self, raw: dict, allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in raw:
            if key not in allowed:
                path = f"{where}.{key}" if where else str(key)
                self.report(
                    FormErrorCode.UNKNOWN_KEY, path,
                    f"unknown key '{key}'{suggestion(key, allowed) or '; allowed here: ' + ', '.join(allowed)}",
                )

    def check_id(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str):
            self.report(FormErrorCode.BAD_ID, where, f"expected an id in lower case (e.g. move_date), not {_type_name(value)}")
            return None
        if not _ID_PATTERN.fullmatch(value):
            self.report(
                FormErrorCode.BAD_ID, where,
                f"'{value}' is not a valid id; use lower-case letters, digits and _ , starting with a letter",
            )
            return None
        return value

    def text(self, raw: Any, where: str) -> dict[str, str]:
        if not isinstance(raw, dict):
            self.report(
                FormErrorCode.WRONG_TYPE, where,
                f"expected a map of language → text (e.g. {{ja: 転入届, en: Notification of moving in}}), not {_type_name(raw)}",
            )
            return {}
        result: dict[str, str] = {}
        for language, value in raw.items():
            if language not in KNOWN_LANGUAGES:
                self.report(
                    FormErrorCode.UNKNOWN_LANGUAGE, f"{where}.{language}",
                    f"'{language}' is not a kiosk language{suggestion(language, KNOWN_LANGUAGES) or '; use one of ' + ', '.join(KNOWN_LANGUAGES)}",
                )
                continue
            if not isinstance(value, str) or not value.strip():
                self.report(FormErrorCode.WRONG_TYPE, f"{where}.{language}", f"write the text as a non-empty string, not {_type_name(value)}")
                continue
            result[language] = value.strip()
        if result.get("en"):
            context = text_context(self.file)
            self.texts.append(FormText(context, result["en"], result.get("ja", ""), f"{self.file} {where}"))
            add_translations(result, context, self.translations)
        for language in self.required_languages:
            if language not in raw and language not in result:
                self.report(
                    FormErrorCode.MISSING_LANGUAGE, f"{where}.{language}",
                    f"the '{language}' text is missing; add '{language}: …' (required languages: {', '.join(self.required_languages)})",
                )
        return result

    def text_list(self, raw: dict, key: str) -> list[dict[str, str]]:
        """An optional list of texts (documents to bring, alternatives)."""
        items = raw.get(key, [])
        if not isinstance(items, list):
            self.report(FormErrorCode.WRONG_TYPE, key, f"expected a list of texts, not {_type_name(items)}")
            return []
        return [self.text(item, f"{key}[{i}]") for i, item in enumerate(items)]

    def optional_text(self, raw: dict, key: str, where: str) -> dict[str, str]:
        return self.text(raw[key], _join(where, key)) if key in raw else {}

    def whole_number(self, value: Any, where: str, *, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(FormErrorCode.WRONG_TYPE, where, f"expected a whole number, not {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.report(FormErrorCode.BAD_RANGE, where, f"must be {minimum} or more, not {value}")
            return None
        return value

    def key(self, value: Any, where: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.report(
                FormErrorCode.BAD_KEY, where,
                f"key must be a whole number of 1 or more, not {_type_name(value)}; use the next unused number",
            )
            return None
        return value

    # ------------------------------------------------------------------ conditions

    def condition(self, raw: Any, where: str) -> Condition | None:
        if not isinstance(raw, dict):
            self.report(
                FormErrorCode.WRONG_TYPE, where,
                f"expected a condition such as {{field: purpose, equals: work}}, not {_type_name(raw)}",
            )
            return None
        self.known_keys(raw, ("field", "equals", "in", "all", "any"), where)
        modes = [mode for mode in ("field", "all", "any") if mode in raw]
        if len(modes) != 1:
            self.report(
                FormErrorCode.BAD_CONDITION, where,
                "use exactly one of 'field' (with 'equals' or 'in'), 'all' or 'any'",
            )
            return None
        if modes == ["field"]:
            name = self.check_id(raw["field"], f"{where}.field")
            if name is None:
                return None
            if "equals" in raw and "in" in raw:
                self.report(FormErrorCode.BAD_CONDITION, where, "use either 'equals' or 'in', not both")
                return None
            options: tuple[Any, ...] | None = None
            if "in" in raw:
                if not isinstance(raw["in"], list) or not raw["in"]:
                    self.report(FormErrorCode.BAD_CONDITION, f"{where}.in", "'in' needs a non-empty list, e.g. in: [child, grandchild]")
                    return None
                options = tuple(raw["in"])
            return Condition(field=name, equals=raw.get("equals"), in_=options, has_equals="equals" in raw)
        if "equals" in raw or "in" in raw:
            self.report(FormErrorCode.BAD_CONDITION, where, "'equals' and 'in' go with 'field', not with 'all'/'any'")
            return None
        mode = modes[0]
        parts_raw = raw[mode]
        if not isinstance(parts_raw, list) or not parts_raw:
            self.report(FormErrorCode.BAD_CONDITION, f"{where}.{mode}", f"'{mode}' needs a non-empty list of conditions")
            return None
        parts = [self.condition(part, f"{where}.{mode}[{i}]") for i, part in enumerate(parts_raw)]
        if any(part is None for part in parts):
            return None
        clean = tuple(part for part in parts if part is not None)
        return Condition(all=clean) if mode == "all" else Condition(any=clean)

    # ------------------------------------------------------------------ fields

    def field(
        self,
        raw: Any,
        where: str,
        *,
        keyed: bool,
        allow_fact: bool,
        kinds: tuple[FieldKind, ...] | None = None,
        in_group: bool = False,
    ) -> tuple[FieldSpec | None, dict]:
        """Parse one field definition; returns the spec (None if unusable) and the raw map."""
        if not isinstance(raw, dict):
            self.report(FormErrorCode.WRONG_TYPE, where, f"expected a field (a map with id, kind, label …), not {_type_name(raw)}")
            return None, {}
        if "fact" in raw and not allow_fact:
            self.report(FormErrorCode.NOT_FOR_KIND, _join(where, "fact"), "'fact' cannot be used here; define the field in full")
            return None, raw
        if "fact" in raw:
            return self.fact_reference(raw, where, keyed=keyed, kinds=kinds), raw
        allowed = (("key",) if keyed else ()) + ("id",) + _FIELD_OPTIONS
        self.known_keys(raw, allowed, where)
        missing = [key for key in (("key",) if keyed else ()) + ("id", "kind", "label") if key not in raw]
        for key in missing:
            self.report(FormErrorCode.MISSING_KEY, _join(where, key), f"'{key}' is missing; every field needs {', '.join((('key',) if keyed else ()) + ('id', 'kind', 'label'))}")
        field_id = self.check_id(raw["id"], _join(where, "id")) if "id" in raw else None
        key = self.key(raw["key"], _join(where, "key")) if keyed and "key" in raw else 0
        kind = self.kind(raw.get("kind"), _join(where, "kind")) if "kind" in raw else None
        label = self.text(raw["label"], _join(where, "label")) if "label" in raw else {}
        if field_id is None or kind is None or key is None or "label" not in raw:
            return None, raw
        if kinds is not None and kind not in kinds:
            self.report(
                FormErrorCode.BAD_QUESTION_KIND, _join(where, "kind"),
                f"'{kind.value}' cannot be used here; use one of {', '.join(k.value for k in kinds)}",
            )
        if in_group and kind is FieldKind.GROUP:
            self.report(FormErrorCode.NOT_FOR_KIND, _join(where, "kind"), "groups cannot be nested; use a group's member fields instead")
        for option, option_kinds in _OPTION_KINDS.items():
            if option in raw and kind not in option_kinds:
                self.report(
                    FormErrorCode.NOT_FOR_KIND, _join(where, option),
                    f"'{option}' applies only to {' and '.join(k.value for k in option_kinds)} fields; remove it or change the kind",
                )
        spec = FieldSpec(
            id=field_id,
            key=key,
            kind=kind,
            label=label,
            help=self.optional_text(raw, "help", where),
            required=self.boolean(raw.get("required", True), _join(where, "required")),
            show_if=self.condition(raw["show_if"], _join(where, "show_if")) if "show_if" in raw else None,
        )
        changes: dict[str, Any] = {}
        if kind is FieldKind.TEXT:
            changes["charclass"] = self.charclass(raw.get("charclass", "any"), _join(where, "charclass"))
            if "max_length" in raw:
                changes["max_length"] = self.whole_number(raw["max_length"], _join(where, "max_length"), minimum=1)
        if kind is FieldKind.CHOICE:
            changes["choices"] = self.choices(raw.get("choices"), _join(where, "choices"))
        if kind in (FieldKind.NUMBER, FieldKind.GROUP):
            changes.update(self.bounds(raw, where, kind))
        if kind is FieldKind.POSTAL_CODE and "fills" in raw:
            changes["fills"] = self.check_id(raw["fills"], _join(where, "fills"))
        if kind is FieldKind.DATE and "date_range" in raw:
            changes["date_range"] = self.date_range(raw["date_range"], _join(where, "date_range"))
        if kind is FieldKind.GROUP:
            changes["fields"] = self.members(raw.get("fields"), _join(where, "fields"), field_id)
            if "count_label" in raw:
                changes["count_label"] = self.text(raw["count_label"], _join(where, "count_label"))
            else:
                self.report(
                    FormErrorCode.MISSING_KEY, _join(where, "count_label"),
                    "a group needs 'count_label': the question that asks how many members there are",
                )
        return replace(spec, **changes), raw

    def fact_reference(
        self, raw: dict, where: str, *, keyed: bool, kinds: tuple[FieldKind, ...] | None
    ) -> FieldSpec | None:
        allowed = _FACT_REFERENCE_KEYS if keyed else _QUESTION_FACT_KEYS
        for key in raw:
            if key in _FIELD_OPTIONS and key not in allowed:
                self.report(
                    FormErrorCode.NOT_FOR_KIND, _join(where, str(key)),
                    f"'{key}' comes from the shared fact '{raw['fact']}' in facts.yaml; remove it here (a form may only change required and show_if)",
                )
            elif key not in allowed and key not in _FIELD_OPTIONS:
                self.report(FormErrorCode.UNKNOWN_KEY, _join(where, str(key)), f"unknown key '{key}'{suggestion(key, allowed)}")
        fact_id = self.check_id(raw["fact"], _join(where, "fact"))
        if fact_id is None:
            return None
        fact = self.facts.get(fact_id)
        if fact is None:
            self.report(
                FormErrorCode.UNKNOWN_FACT, _join(where, "fact"),
                f"'{fact_id}' is not a fact in facts.yaml{suggestion(fact_id, self.facts)}",
            )
            return None
        key = 0
        if keyed:
            if "key" not in raw:
                self.report(FormErrorCode.MISSING_KEY, _join(where, "key"), "'key' is missing; every form field needs a key")
                return None
            key = self.key(raw["key"], _join(where, "key"))
            if key is None:
                return None
        field_id = fact_id
        if "id" in raw:
            field_id = self.check_id(raw["id"], _join(where, "id")) or fact_id
            if not keyed and field_id != fact_id:
                self.report(
                    FormErrorCode.BAD_ID, _join(where, "id"),
                    f"a question that reuses a fact has the fact's id; remove 'id' or write id: {fact_id}",
                )
        if kinds is not None and fact.kind not in kinds:
            self.report(
                FormErrorCode.BAD_QUESTION_KIND, _join(where, "fact"),
                f"fact '{fact_id}' is a {fact.kind.value} field; interview questions must be {', '.join(k.value for k in kinds)}",
            )
        spec = replace(fact, id=field_id, key=key, fact=fact_id)
        if "required" in raw:
            spec = replace(spec, required=self.boolean(raw["required"], _join(where, "required")))
        if "show_if" in raw:
            spec = replace(spec, show_if=self.condition(raw["show_if"], _join(where, "show_if")))
        if "fields" in raw:
            if fact.kind is not FieldKind.GROUP:
                self.report(
                    FormErrorCode.NOT_FOR_KIND, _join(where, "fields"),
                    f"'fields' adds member fields to a group fact, and '{fact_id}' is a {fact.kind.value} field; remove it",
                )
            else:
                extras = self.members(raw["fields"], _join(where, "fields"), field_id, base=fact.fields, fact_id=fact_id)
                spec = replace(spec, fields=fact.fields + extras)
        return spec

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.report(FormErrorCode.WRONG_TYPE, where, f"write true or false, not {_type_name(value)}")
            return True
        return value

    def kind(self, value: Any, where: str) -> FieldKind | None:
        try:
            return FieldKind(value)
        except ValueError:
            names = [kind.value for kind in FieldKind]
            self.report(
                FormErrorCode.UNKNOWN_KIND, where,
                f"unknown kind {_type_name(value)}{suggestion(value, names) or '; use one of ' + ', '.join(names)}",
            )
            return None

    def charclass(self, value: Any, where: str) -> CharClass:
        try:
            return CharClass(value)
        except ValueError:
            names = [charclass.value for charclass in CharClass]
            self.report(
                FormErrorCode.UNKNOWN_CHARCLASS, where,
                f"unknown charclass {_type_name(value)}{suggestion(value, names) or '; use one of ' + ', '.join(names)}",
            )
            return CharClass.ANY

    def choices(self, raw: Any, where: str) -> tuple[Choice, ...]:
        if raw is None:
            self.report(FormErrorCode.BAD_CHOICES, where, "a choice field needs 'choices': a list of {id, code, label}")
            return ()
        if not isinstance(raw, list) or not raw:
            self.report(FormErrorCode.BAD_CHOICES, where, "'choices' must be a non-empty list of {id, code, label}")
            return ()
        result: list[Choice] = []
        ids: dict[str, int] = {}
        codes: dict[int, int] = {}
        for i, item in enumerate(raw):
            here = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.report(FormErrorCode.BAD_CHOICES, here, f"expected {{id, code, label}}, not {_type_name(item)}")
                continue
            self.known_keys(item, ("id", "code", "label"), here)
            for key in ("id", "code", "label"):
                if key not in item:
                    self.report(FormErrorCode.MISSING_KEY, f"{here}.{key}", f"'{key}' is missing; every choice needs id, code and label")
            choice_id = self.check_id(item["id"], f"{here}.id") if "id" in item else None
            code = None
            if "code" in item:
                code = item["code"]
                if isinstance(code, bool) or not isinstance(code, int) or code < 1:
                    self.report(FormErrorCode.BAD_CHOICES, f"{here}.code", f"code must be a whole number of 1 or more, not {_type_name(code)}")
                    code = None
            label = self.text(item["label"], f"{here}.label") if "label" in item else {}
            if choice_id is not None and choice_id in ids:
                self.report(FormErrorCode.BAD_CHOICES, f"{here}.id", f"id '{choice_id}' is already used by choices[{ids[choice_id]}]; choose another id")
                choice_id = None
            if code is not None and code in codes:
                self.report(
                    FormErrorCode.BAD_CHOICES, f"{here}.code",
                    f"code {code} is already used by choices[{codes[code]}]; codes are never reused, "
                    f"take {_next_free(raw, 'code')}",
                )
                code = None
            if choice_id is not None and code is not None and "label" in item:
                ids[choice_id] = i
                codes[code] = i
                result.append(Choice(choice_id, code, label))
        return tuple(result)

    def bounds(self, raw: dict, where: str, kind: FieldKind) -> dict[str, Any]:
        minimum = self.whole_number(raw["min"], _join(where, "min")) if "min" in raw else None
        maximum = self.whole_number(raw["max"], _join(where, "max")) if "max" in raw else None
        if kind is FieldKind.GROUP:
            if minimum is None:
                minimum = 0
            if "max" not in raw:
                self.report(FormErrorCode.MISSING_KEY, _join(where, "max"), "a group needs 'max': the most members the kiosk asks about")
            if minimum < 0:
                self.report(FormErrorCode.BAD_RANGE, _join(where, "min"), "a group's min cannot be below 0")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.report(FormErrorCode.BAD_RANGE, _join(where, "max"), f"max ({maximum}) is below min ({minimum}); swap them")
        return {"minimum": minimum, "maximum": maximum}

    def date_range(self, raw: Any, where: str) -> tuple[str, str] | None:
        hint = "write [start, end], each one of past, today, future or a date like 1900-01-01"
        if not isinstance(raw, list) or len(raw) != 2:
            self.report(FormErrorCode.BAD_DATE_RANGE, where, hint)
            return None
        ends: list[str] = []
        for i, end in enumerate(raw):
            if isinstance(end, date):
                ends.append(end.isoformat())
            elif isinstance(end, str) and end in DATE_RANGE_WORDS:
                ends.append(end)
            elif isinstance(end, str) and _is_iso_date(end):
                ends.append(end)
            else:
                self.report(FormErrorCode.BAD_DATE_RANGE, f"{where}[{i}]", f"{_type_name(end)} is not a date bound; {hint}")
                return None
        start, stop = ends
        if start == "future" or stop == "past":
            self.report(FormErrorCode.BAD_DATE_RANGE, where, "'past' can only start a range and 'future' only end it")
            return None
        order = {"past": date.min, "future": date.max}
        if _is_iso_date(start) or _is_iso_date(stop) or start == "today" or stop == "today":
            low = order.get(start) or (date.fromisoformat(start) if _is_iso_date(start) else None)
            high = order.get(stop) or (date.fromisoformat(stop) if _is_iso_date(stop) else None)
            if low is not None and high is not None and low > high:
                self.report(FormErrorCode.BAD_DATE_RANGE, where, f"the range starts after it ends ({start} > {stop}); swap them")
                return None
        return start, stop

    def members(
        self,
        raw: Any,
        where: str,
        group_id: str,
        *,
        base: tuple[FieldSpec, ...] = (),
        fact_id: str | None = None,
    ) -> tuple[FieldSpec, ...]:
        if not base and (not isinstance(raw, list) or not raw):
            self.report(
                FormErrorCode.EMPTY_GROUP, where,
                f"group '{group_id}' has no fields; list the questions asked for each member under 'fields'",
            )
            return ()
        if not isinstance(raw, list):
            self.report(FormErrorCode.WRONG_TYPE, where, f"expected a list of member fields, not {_type_name(raw)}")
            return ()
        ids = {spec.id: f"member field '{spec.id}' of fact '{fact_id}'" for spec in base}
        keys = {spec.key: f"member field '{spec.id}' of fact '{fact_id}'" for spec in base}
        result: list[FieldSpec] = []
        for i, item in enumerate(raw):
            here = f"{where}[{i}]"
            spec, _ = self.field(item, here, keyed=True, allow_fact=False, in_group=True)
            if spec is None:
                continue
            if spec.id in ids:
                self.report(FormErrorCode.DUPLICATE_ID, f"{here}.id", f"id '{spec.id}' is already used by {ids[spec.id]}; choose another id")
                continue
            if spec.key in keys:
                free = _next_free(raw, "key", {key for key in keys if isinstance(key, int)})
                self.report(
                    FormErrorCode.BAD_KEY, f"{here}.key",
                    f"key {spec.key} is already used by {keys[spec.key]}; keys are never reused, take {free}",
                )
                continue
            ids[spec.id] = f"fields[{i}]"
            keys[spec.key] = f"fields[{i}]"
            result.append(spec)
        return tuple(result)

    # ------------------------------------------------------------------ facts

    def _load_facts(self) -> None:
        path = self.root / FACTS_FILE
        self.file = FACTS_FILE
        if not path.is_file():
            self.report(FormErrorCode.FILE, "", "facts.yaml is missing; create it with 'facts: []' if no fact is shared")
            return
        raw = self._top(self._read(path), ("facts",), ("facts",), "'facts:'")
        if raw is None or "facts" not in raw:
            return
        if not isinstance(raw["facts"], list):
            self.report(FormErrorCode.WRONG_TYPE, "facts", f"expected a list of fact definitions, not {_type_name(raw['facts'])}")
            return
        raws: list[tuple[str, FieldSpec]] = []
        for i, item in enumerate(raw["facts"]):
            where = f"facts[{i}]"
            if isinstance(item, dict) and "key" in item:
                self.report(
                    FormErrorCode.UNKNOWN_KEY, f"{where}.key",
                    "facts have no key: each form gives the fact its own key where it uses it; remove it",
                )
                item = {k: v for k, v in item.items() if k != "key"}
            spec, _ = self.field(item, where, keyed=False, allow_fact=False)
            if spec is None:
                continue
            if spec.id in self.facts:
                self.report(FormErrorCode.DUPLICATE_ID, f"{where}.id", f"fact '{spec.id}' is defined twice; rename or remove one")
                continue
            spec = replace(spec, fact=spec.id)
            self.facts[spec.id] = spec
            raws.append((where, spec))
        for where, spec in raws:
            self._collect_sites(spec, where, outer=(self.facts,), local=self.facts)

    def _collect_sites(
        self,
        spec: FieldSpec,
        where: str,
        *,
        outer: tuple[Mapping[str, FieldSpec], ...],
        local: Mapping[str, FieldSpec],
        own_condition: bool = True,
        members: Iterable[tuple[int, FieldSpec]] | None = None,
    ) -> None:
        """Remember the conditions and ``fills`` of one field (and its members) for checking."""
        if own_condition and spec.show_if is not None:
            self.condition_sites.append(
                _ConditionSite(self.file, _join(where, "show_if"), spec.show_if, outer, spec.id, local)
            )
        if own_condition and spec.fills is not None:
            self.fills_sites.append(_FillsSite(self.file, _join(where, "fills"), spec.fills, outer))
        if spec.kind is FieldKind.GROUP:
            siblings = {member.id: member for member in spec.fields}
            listed = members if members is not None else enumerate(spec.fields)
            for i, member in listed:
                here = f"{where}.fields[{i}]"
                if member.show_if is not None:
                    self.condition_sites.append(
                        _ConditionSite(self.file, f"{here}.show_if", member.show_if, (siblings,) + outer, member.id, siblings)
                    )
                if member.fills is not None:
                    self.fills_sites.append(_FillsSite(self.file, f"{here}.fills", member.fills, (siblings,)))

    # ------------------------------------------------------------------ forms

    def _load_form(self, path: Path) -> None:
        raw = self._top(self._read(path), _FORM_KEYS, _FORM_REQUIRED, "'id: " + path.stem + "'")
        if raw is None:
            return
        form_id = self.check_id(raw["id"], "id") if "id" in raw else None
        if form_id is not None and form_id != path.stem:
            self.report(
                FormErrorCode.ID_NOT_FILE_NAME, "id",
                f"id '{form_id}' differs from the file name; the file must be named {form_id}.yaml (ids never change once published)",
            )
        version = self.whole_number(raw["version"], "version", minimum=1) if "version" in raw else None
        title = self.text(raw["title"], "title") if "title" in raw else {}
        counter = raw.get("counter")
        if "counter" in raw and counter not in self.counter_ids:
            self.report(
                FormErrorCode.UNKNOWN_COUNTER, "counter",
                f"'{counter}' is not a counter of this site{suggestion(counter, self.counter_ids) or '; configured counters: ' + ', '.join(self.counter_ids)}",
            )
        source = raw.get("source", "")
        if "source" in raw and (not isinstance(source, str) or not source.strip()):
            self.report(FormErrorCode.WRONG_TYPE, "source", "write the citation (paper form, law and article) as text")
            source = ""
        documents = self._documents(raw.get("documents", []))
        alternatives = self.text_list(raw, "alternatives")
        fees = self._fees(raw.get("fees", []))
        retired: set[int] = set()
        if "retired_keys" in raw:
            if isinstance(raw["retired_keys"], list) and all(
                isinstance(k, int) and not isinstance(k, bool) for k in raw["retired_keys"]
            ):
                retired = set(raw["retired_keys"])
            else:
                self.report(FormErrorCode.WRONG_TYPE, "retired_keys", "expected a list of whole numbers (keys of removed fields)")
        fields = self._form_fields(raw.get("fields"), form_id or path.stem, retired)
        self._check_extras(fields or (), documents, fees)
        if (
            form_id is None or form_id != path.stem or version is None or not title
            or counter not in self.counter_ids or fields is None
        ):
            return
        self.forms[form_id] = FormSpec(
            id=form_id,
            version=version,
            title=title,
            counter=counter,
            fields=fields,
            source=source.strip(),
            documents=tuple(documents),
            alternatives=tuple(alternatives),
            fees=tuple(fees),
            path=self.file,
        )

    def _documents(self, items: Any) -> list[Document]:
        """Documents to bring: a text (always), or ``{text: …, when: …}`` (when it holds)."""
        if not isinstance(items, list):
            self.report(FormErrorCode.WRONG_TYPE, "documents", f"expected a list of texts, not {_type_name(items)}")
            return []
        documents = []
        for i, item in enumerate(items):
            where = f"documents[{i}]"
            if isinstance(item, dict) and "text" in item:
                self._known_keys(item, _DOCUMENT_KEYS, where)
                when = self.condition(item["when"], f"{where}.when") if "when" in item else None
                documents.append(Document(self.text(item["text"], f"{where}.text"), when))
            else:
                documents.append(Document(self.text(item, where)))
        return documents

    def _fees(self, items: Any) -> list[Fee]:
        if not isinstance(items, list):
            self.report(FormErrorCode.WRONG_TYPE, "fees", f"expected a list of fees, not {_type_name(items)}")
            return []
        fees: list[Fee] = []
        for i, item in enumerate(items):
            where = f"fees[{i}]"
            if not isinstance(item, dict):
                self.report(FormErrorCode.WRONG_TYPE, where, f"expected a map with id, label and yen, not {_type_name(item)}")
                continue
            self._known_keys(item, _FEE_KEYS, where)
            missing = [key for key in ("id", "label", "yen") if key not in item]
            for key in missing:
                self.report(FormErrorCode.MISSING_KEY, f"{where}.{key}", f"a fee needs '{key}'")
            if missing:
                continue
            fee_id = self.check_id(item["id"], f"{where}.id")
            yen = self.whole_number(item["yen"], f"{where}.yen", minimum=0)
            label = self.text(item["label"], f"{where}.label")
            per = item.get("per")
            if per is not None and not isinstance(per, str):
                self.report(FormErrorCode.WRONG_TYPE, f"{where}.per", f"name a number field of this form, not {_type_name(per)}")
                per = None
            when = self.condition(item["when"], f"{where}.when") if "when" in item else None
            if fee_id is None or yen is None:
                continue
            if any(fee.id == fee_id for fee in fees):
                self.report(FormErrorCode.DUPLICATE_ID, f"{where}.id", f"'{fee_id}' is already the id of another fee of this form")
                continue
            fees.append(Fee(fee_id, label, yen, per, when))
        return fees

    def _known_keys(self, raw: dict, known: tuple[str, ...], where: str) -> None:
        for key in raw:
            if key not in known:
                self.report(
                    FormErrorCode.UNKNOWN_KEY, f"{where}.{key}",
                    f"'{key}' is not an entry here{suggestion(key, known) or '; entries: ' + ', '.join(known)}",
                )

    def _check_extras(self, fields: tuple[FieldSpec, ...], documents: list[Document], fees: list[Fee]) -> None:
        """Conditions of documents and fees name the form's fields or shared facts; ``per`` a number field."""
        scope = {spec.id: spec for spec in fields}
        for i, document in enumerate(documents):
            if document.when is not None:
                self.condition_sites.append(
                    _ConditionSite(self.file, f"documents[{i}].when", document.when, (scope, self.facts), "", None)
                )
        for i, fee in enumerate(fees):
            if fee.when is not None:
                self.condition_sites.append(
                    _ConditionSite(self.file, f"fees[{i}].when", fee.when, (scope, self.facts), "", None)
                )
            if fee.per is not None and fields:
                target = scope.get(fee.per)
                if target is None or target.kind is not FieldKind.NUMBER:
                    numbers = [spec.id for spec in fields if spec.kind is FieldKind.NUMBER]
                    self.report(
                        FormErrorCode.UNKNOWN_REFERENCE, f"fees[{i}].per",
                        f"'{fee.per}' is not a number field of this form"
                        + (suggestion(fee.per, numbers) or ("; number fields: " + ", ".join(numbers) if numbers else "; add a number field (copies) first")),
                    )

    def _form_fields(self, raw: Any, form_id: str, retired: set[int]) -> tuple[FieldSpec, ...] | None:
        if raw is None:
            return None
        if not isinstance(raw, list) or not raw:
            self.report(FormErrorCode.WRONG_TYPE, "fields", f"expected a non-empty list of fields, not {_type_name(raw)}")
            return None
        specs: list[FieldSpec] = []
        wheres: list[tuple[str, FieldSpec, dict]] = []
        ids: dict[str, str] = {}
        keys: dict[int, str] = {}
        for i, item in enumerate(raw):
            where = f"fields[{i}]"
            spec, raw_field = self.field(item, where, keyed=True, allow_fact=True)
            if spec is None:
                continue
            if spec.id in ids:
                self.report(FormErrorCode.DUPLICATE_ID, f"{where}.id", f"id '{spec.id}' is already used by {ids[spec.id]}; choose another id")
                continue
            if spec.fact is None and spec.id in self.facts:
                self.report(
                    FormErrorCode.DUPLICATE_ID, f"{where}.id",
                    f"'{spec.id}' is a shared fact; write 'fact: {spec.id}' to reuse it (asked once), or choose another id",
                )
                continue
            if spec.key in keys:
                self.report(
                    FormErrorCode.BAD_KEY, f"{where}.key",
                    f"key {spec.key} is already used by {keys[spec.key]}; keys are never reused, "
                    f"take {_next_free(raw, 'key', retired)}",
                )
                continue
            if spec.key in retired:
                self.report(
                    FormErrorCode.BAD_KEY, f"{where}.key",
                    f"key {spec.key} is listed in retired_keys (a removed field had it); take {_next_free(raw, 'key', retired)}",
                )
                continue
            ids[spec.id] = f"fields[{i}]"
            keys[spec.key] = f"fields[{i}]"
            specs.append(spec)
            wheres.append((where, spec, raw_field))
        scope = {spec.id: spec for spec in specs}
        for where, spec, raw_field in wheres:
            outer = (scope, self.facts)
            if spec.fact is None:
                self._collect_sites(spec, where, outer=(scope, self.facts), local=scope)
                continue
            # A fact's own condition was checked in facts.yaml; only this form's
            # overrides and added member fields are checked here.
            fact = self.facts[spec.fact]
            if "show_if" in raw_field and spec.show_if is not None:
                self.condition_sites.append(
                    _ConditionSite(self.file, f"{where}.show_if", spec.show_if, outer, spec.id, scope)
                )
            if spec.kind is FieldKind.GROUP and len(spec.fields) > len(fact.fields):
                extras = spec.fields[len(fact.fields):]
                for extra in extras:
                    owner = self.member_extras.setdefault((spec.fact, extra.id), form_id)
                    if owner != form_id:
                        self.report(
                            FormErrorCode.MEMBER_CONFLICT, f"{where}.fields",
                            f"member field '{extra.id}' of '{spec.fact}' is also added by {owner}.yaml; "
                            "choose another id, or define it once in facts.yaml",
                        )
                siblings = {member.id: member for member in spec.fields}
                for i, extra in enumerate(extras):
                    here = f"{where}.fields[{i}]"
                    if extra.show_if is not None:
                        self.condition_sites.append(
                            _ConditionSite(self.file, f"{here}.show_if", extra.show_if, (siblings,) + outer, extra.id, siblings)
                        )
                    if extra.fills is not None:
                        self.fills_sites.append(_FillsSite(self.file, f"{here}.fills", extra.fills, (siblings,)))
        return tuple(specs)

    # ------------------------------------------------------------------ events

    def _load_event(self, path: Path, raw_file: Any) -> None:
        self.file = self._relative(path)
        raw = self._top(raw_file, _EVENT_KEYS, _EVENT_REQUIRED, "'id: " + path.stem + "'")
        if raw is None:
            return
        event_id = self.check_id(raw["id"], "id") if "id" in raw else None
        if event_id is not None and event_id != path.stem:
            self.report(
                FormErrorCode.ID_NOT_FILE_NAME, "id",
                f"id '{event_id}' differs from the file name; the file must be named {event_id}.yaml",
            )
        title = self.text(raw["title"], "title") if "title" in raw else {}
        description = self.optional_text(raw, "description", "")
        service = raw.get("service")
        if "service" in raw and not isinstance(service, str):
            self.report(FormErrorCode.WRONG_TYPE, "service", f"expected a service id, not {_type_name(service)}")
        elif "service" in raw and self.service_ids is not None and service not in self.service_ids:
            self.report(
                FormErrorCode.UNKNOWN_SERVICE, "service",
                f"'{service}' is not a ticket service of this site{suggestion(service, self.service_ids) or '; configured services: ' + ', '.join(self.service_ids)}",
            )
        questions: list[FieldSpec] = []
        question_scope: dict[str, FieldSpec] = {}
        raw_questions = raw.get("questions", [])
        if not isinstance(raw_questions, list):
            self.report(FormErrorCode.WRONG_TYPE, "questions", f"expected a list of questions, not {_type_name(raw_questions)}")
            raw_questions = []
        for i, item in enumerate(raw_questions):
            where = f"questions[{i}]"
            spec, _ = self.field(item, where, keyed=False, allow_fact=True, kinds=INTERVIEW_KINDS)
            if spec is None:
                continue
            if spec.id in question_scope:
                self.report(FormErrorCode.DUPLICATE_ID, f"{where}.id", f"question '{spec.id}' is asked twice; remove or rename one")
                continue
            if spec.fact is None and spec.id in self.facts:
                self.report(
                    FormErrorCode.DUPLICATE_ID, f"{where}.id",
                    f"'{spec.id}' is a shared fact; write 'fact: {spec.id}' to ask the fact itself, or choose another id",
                )
                continue
            question_scope[spec.id] = spec
            questions.append(spec)
            self.questions.setdefault(spec.id, spec)
            if spec.show_if is not None:
                self.condition_sites.append(
                    _ConditionSite(self.file, f"{where}.show_if", spec.show_if, (question_scope,), spec.id, question_scope)
                )
        rules: list[BundleRule] = []
        raw_bundle = raw.get("bundle")
        if "bundle" in raw and (not isinstance(raw_bundle, list) or not raw_bundle):
            self.report(FormErrorCode.WRONG_TYPE, "bundle", "expected a non-empty list such as [{form: tennyu}]")
            raw_bundle = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_bundle or []):
            where = f"bundle[{i}]"
            if not isinstance(item, dict):
                self.report(FormErrorCode.WRONG_TYPE, where, f"expected {{form: <form id>, when: <condition>}}, not {_type_name(item)}")
                continue
            self.known_keys(item, ("form", "when"), where)
            if "form" not in item:
                self.report(FormErrorCode.MISSING_KEY, f"{where}.form", "'form' is missing; name the form file (without .yaml)")
                continue
            form_id = item["form"]
            if form_id not in self.forms:
                exists = isinstance(form_id, str) and (self.root / f"{form_id}.yaml").is_file()
                detail = "; fix the problems reported for that file first" if exists else suggestion(
                    form_id, [p.stem for p in self.root.glob("*.yaml") if p.name != FACTS_FILE]
                )
                self.report(FormErrorCode.UNKNOWN_FORM, f"{where}.form", f"'{form_id}' is not a usable form{detail}")
                continue
            if form_id in seen:
                self.report(FormErrorCode.DUPLICATE_ID, f"{where}.form", f"form '{form_id}' is already in bundle[{seen[form_id]}]; list each form once")
                continue
            seen[form_id] = i
            when = self.condition(item["when"], f"{where}.when") if "when" in item else None
            if when is not None:
                self.condition_sites.append(
                    _ConditionSite(self.file, f"{where}.when", when, (question_scope,), form_id, None)
                )
            rules.append(BundleRule(form_id, when))
        order = raw.get("order", 100)
        if isinstance(order, bool) or not isinstance(order, int):
            self.report(FormErrorCode.WRONG_TYPE, "order", "write the position on the screen as a whole number (1 = first)")
            order = 100
        self.event_order[event_id or ""] = order
        if event_id is None or event_id != path.stem or not title or not isinstance(service, str) or not rules:
            return
        self.events[event_id] = LifeEvent(
            id=event_id,
            title=title,
            service=service,
            questions=tuple(questions),
            bundle=tuple(rules),
            description=description,
            path=self.file,
        )

    # ------------------------------------------------------------------ cross-file checks

    def _check_deferred(self) -> None:
        for site in self.condition_sites:
            self.file = site.file
            self._check_condition(site, site.condition, site.path)
        for site in self.fills_sites:
            self.file = site.file
            target = _resolve(site.target, site.scopes)
            names = [name for scope in site.scopes for name in scope]
            if target is None:
                self.report(
                    FormErrorCode.BAD_FILLS, site.path,
                    f"'{site.target}' is not a field{suggestion(site.target, names)}; name the address field this postal code fills",
                )
            elif target.kind is not FieldKind.ADDRESS:
                self.report(
                    FormErrorCode.BAD_FILLS, site.path,
                    f"'{site.target}' is a {target.kind.value} field; a postal code can only fill an address field",
                )
        self._check_cycles()

    def _check_condition(self, site: _ConditionSite, condition: Condition, where: str) -> None:
        if condition.field is not None:
            here = f"{where}.field"
            scopes = site.scopes
            if site.local is not None and scopes[-1] is self.facts:
                scopes = scopes + (self.questions,)
            target = _resolve(condition.field, scopes)
            if target is None:
                names = [name for scope in scopes for name in scope]
                hint = suggestion(condition.field, names) or "; name a field of this file, a shared fact or an interview question"
                self.report(FormErrorCode.UNKNOWN_REFERENCE, here, f"'{condition.field}' is not a field{hint}")
                return
            values: list[tuple[str, Any]] = []
            if condition.has_equals:
                values.append((f"{where}.equals", condition.equals))
            if condition.in_ is not None:
                values.extend((f"{where}.in[{i}]", value) for i, value in enumerate(condition.in_))
            for path, value in values:
                if value is not None:  # ``equals: null``: not answered (or not asked in this visit)
                    self._check_condition_value(target, value, path)
            return
        mode = "all" if condition.all else "any"
        for i, part in enumerate(condition.all or condition.any):
            self._check_condition(site, part, f"{where}.{mode}[{i}]")

    def _check_condition_value(self, target: FieldSpec, value: Any, where: str) -> None:
        if target.kind is FieldKind.CHOICE:
            ids = [choice.id for choice in target.choices]
            if value not in ids:
                self.report(
                    FormErrorCode.BAD_CONDITION_VALUE, where,
                    f"{_type_name(value)} is not a choice of '{target.id}'{suggestion(value, ids) or '; choices: ' + ', '.join(ids)}",
                )
        elif target.kind is FieldKind.YESNO and not isinstance(value, bool):
            self.report(FormErrorCode.BAD_CONDITION_VALUE, where, f"'{target.id}' is a yes/no question; compare with true or false")
        elif target.kind is FieldKind.NUMBER and (isinstance(value, bool) or not isinstance(value, int)):
            self.report(FormErrorCode.BAD_CONDITION_VALUE, where, f"'{target.id}' is a number; compare with a whole number")
        elif target.kind in (FieldKind.GROUP, FieldKind.PERSON_NAME, FieldKind.ADDRESS):
            self.report(
                FormErrorCode.BAD_CONDITION_VALUE, where,
                f"'{target.id}' is a {target.kind.value} field; test only whether it is given ({{field: {target.id}}})",
            )

    def _check_cycles(self) -> None:
        # A show_if that depends on itself would hide a question forever; the engine
        # survives it, but the author must hear about it.
        edges: dict[int, dict[str, set[str]]] = {}
        where: dict[tuple[int, str], _ConditionSite] = {}
        for site in self.condition_sites:
            if site.local is None:
                continue
            graph = edges.setdefault(id(site.local), {})
            names = {name for name in referenced_names(site.condition) if name in site.local}
            graph.setdefault(site.owner, set()).update(names)
            where.setdefault((id(site.local), site.owner), site)
        for scope_key, graph in edges.items():
            reported: set[str] = set()
            for start in graph:
                cycle = _find_cycle(graph, start)
                if cycle and not (set(cycle) & reported):
                    reported.update(cycle)
                    site = where[(scope_key, start)]
                    self.file = site.file
                    self.report(
                        FormErrorCode.CONDITION_CYCLE, site.path,
                        f"show_if goes round in a circle ({' → '.join(cycle + [cycle[0]])}); a field cannot depend on itself",
                    )


def _find_cycle(graph: Mapping[str, set[str]], start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return trail
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, trail + [nxt]))
    return None


def _next_free(items: Any, name: str, taken: Iterable[int] = ()) -> int:
    """The number after every ``name`` (key or code) written in ``items`` and ``taken``."""
    used = set(taken)
    for item in items if isinstance(items, list) else ():
        value = item.get(name) if isinstance(item, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            used.add(value)
    return max(used, default=0) + 1


def _resolve(name: str, scopes: Iterable[Mapping[str, FieldSpec]]) -> FieldSpec | None:
    for scope in scopes:
        if name in scope:
            return scope[name]
    return None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
