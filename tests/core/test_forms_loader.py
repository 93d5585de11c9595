"""The form-file loader: the real forms load cleanly, and broken copies explain themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.config import DEFAULT_COUNTERS, DEFAULT_SERVICES
from kiosk.core.forms import (
    FieldKind,
    FormCatalogError,
    FormErrorCode,
    FormProblem,
    check_catalog,
    load_catalog,
)

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]
SERVICES = [service.id for service in DEFAULT_SERVICES]
FORMS = paths.forms_dir()


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "forms"
    shutil.copytree(FORMS, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor text is no longer in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _add_file(tmp_path: Path, name: str, text: str) -> Path:
    target = tmp_path / "forms"
    if not target.exists():
        shutil.copytree(FORMS, target)
    (target / name).write_text(text, encoding="utf-8")
    return target


def test_real_forms_have_no_problems() -> None:
    """Every real form file passes every check, Easy Japanese included."""
    assert check_catalog(FORMS, COUNTERS, ("ja", "en", "ja-x-easy"), service_ids=SERVICES) == []


def test_real_forms_load_into_the_catalogue() -> None:
    """The life events and their forms load with their facts and keys."""
    catalog = load_catalog(FORMS, COUNTERS)
    assert {"tennyu", "tenshutsu", "tenkyo", "setai_henko", "juminhyo", "inkan_toroku", "inkan_shomei",
            "shotoku_shomei", "nozei_shomei", "koseki_shomei", "kokuho_kanyu", "kokuho_dattai", "kokuho_shikaku",
            "jidou_teate_nintei", "jidou_teate_gakukaitei", "jidou_teate_henko", "mynumber_kenmen",
            "mynumber_shinsei", "kaigo_nintei", "kouki_jusho"} <= set(catalog.forms)
    assert set(catalog.events) == {
        "moved_in", "moved_within", "moving_out", "certificate", "birth", "death", "mynumber_card",
    }
    assert catalog.events["certificate"].service == "certificates"
    assert catalog.events["moved_in"].service == "moving"
    for form in catalog.forms.values():
        assert form.source and form.documents
        keys = [field.key for field in form.fields]
        assert len(keys) == len(set(keys)) and min(keys) >= 1
    tennyu = catalog.forms["tennyu"]
    applicant = next(field for field in tennyu.fields if field.id == "applicant")
    assert applicant.fact == "applicant" and applicant.kind is FieldKind.PERSON_NAME
    assert catalog.facts["new_postal_code"].fills == "new_address"
    household = next(f for f in catalog.forms["kokuho_kanyu"].fields if f.fact == "household")
    assert [member.id for member in household.fields][-2:] == ["joins_kokuho", "previous_insurance"]


def test_every_form_file_is_named_after_its_id() -> None:
    """A form's id is its file name, so ids can never drift from what was published."""
    catalog = load_catalog(FORMS, COUNTERS)
    for form_id, form in catalog.forms.items():
        assert (FORMS / f"{form_id}.yaml").is_file()
        assert form.path == f"{form_id}.yaml"


BREAKAGES = [
    # (file, text to replace, replacement, code, path, words the message must contain)
    ("juminhyo.yaml", "    per: copies\n", "    per: copis\n", FormErrorCode.UNKNOWN_REFERENCE, "fees[0].per",
     ["'copis' is not a number field of this form", "did you mean 'copies'?"]),
    ("juminhyo.yaml", "    yen: 300\n", "    yen: -300\n", FormErrorCode.BAD_RANGE, "fees[0].yen", ["0 or more"]),
    ("juminhyo.yaml", "    yen: 300\n", "    yne: 300\n", FormErrorCode.UNKNOWN_KEY, "fees[0].yne", ["did you mean 'yen'?"]),
    ("juminhyo.yaml", "    when: {field: requester_role, equals: agent}", "    when: {field: requester_rol, equals: agent}",
     FormErrorCode.UNKNOWN_REFERENCE, "documents[1].when.field", ["'requester_rol' is not a field", "did you mean 'requester_role'?"]),
    ("juminhyo.yaml", "    when: {field: requester_role, equals: agent}", "    when: {field: requester_role, equals: agnet}",
     FormErrorCode.BAD_CONDITION_VALUE, "documents[1].when.equals", ["did you mean 'agent'?"]),
    ("koseki_shomei.yaml", "  - id: joseki\n", "  - id: koseki\n", FormErrorCode.DUPLICATE_ID, "fees[1].id",
     ["'koseki' is already the id of another fee"]),
    # A document depends on the form's answers, never on one life event's interview question
    # (the same form serves several events).
    ("juminhyo.yaml", "    when: {field: requester_role, equals: agent}", "    when: {field: need_juminhyo, equals: true}",
     FormErrorCode.UNKNOWN_REFERENCE, "documents[1].when.field", ["'need_juminhyo' is not a field"]),
    ("tennyu.yaml", "version: 1\n", "version: 1\n\tcounter: residents\n", FormErrorCode.YAML_SYNTAX, "", ["line 6:", "indentation"]),
    ("tennyu.yaml", "title:\n", "titel:\n", FormErrorCode.UNKNOWN_KEY, "titel", ["did you mean 'title'?"]),
    ("tennyu.yaml", "counter: residents\n", "", FormErrorCode.MISSING_KEY, "counter", ["'counter' is missing"]),
    ("tennyu.yaml", "id: tennyu\n", "id: tennyuu\n", FormErrorCode.ID_NOT_FILE_NAME, "id", ["tennyuu.yaml"]),
    ("tennyu.yaml", "{key: 2, fact: moved_from}", "{key: 1, fact: moved_from}", FormErrorCode.BAD_KEY,
     "fields[1].key", ["key 1 is already used by fields[0]", "take 21"]),
    ("tennyu.yaml", "{key: 2, fact: moved_from}", "{key: 0, fact: moved_from}", FormErrorCode.BAD_KEY,
     "fields[1].key", ["1 or more"]),
    ("jidou_teate_nintei.yaml", "id: branch_name", "id: bank_name", FormErrorCode.DUPLICATE_ID,
     "fields[17].id", ["'bank_name' is already used by fields[16]"]),
    ("kokuho_kanyu.yaml", "    id: applicant_joins\n    kind: yesno", "    id: applicant_joins\n    kind: yes_no",
     FormErrorCode.UNKNOWN_KIND, "fields[11].kind", ["did you mean 'yesno'?"]),
    ("jidou_teate_nintei.yaml", "charclass: katakana", "charclass: katakanna", FormErrorCode.UNKNOWN_CHARCLASS,
     "fields[20].charclass", ["did you mean 'katakana'?"]),
    ("jidou_teate_nintei.yaml", "{id: current, code: 2", "{id: current, code: 1", FormErrorCode.BAD_CHOICES,
     "fields[18].choices[1].code", ["code 1 is already used by choices[0]"]),
    ("tennyu.yaml", "show_if: {field: moved_from, equals: domestic}", "show_if: {field: moved_frm, equals: domestic}",
     FormErrorCode.UNKNOWN_REFERENCE, "fields[19].show_if.field", ["'moved_frm' is not a field; did you mean 'moved_from'?"]),
    ("tennyu.yaml", "show_if: {field: moved_from, equals: domestic}", "show_if: {field: moved_from, equals: domestik}",
     FormErrorCode.BAD_CONDITION_VALUE, "fields[19].show_if.equals", ["not a choice of 'moved_from'", "did you mean 'domestic'?"]),
    ("kokuho_kanyu.yaml", "{key: 4, fact: applicant}", "{key: 4, fact: aplicant}", FormErrorCode.UNKNOWN_FACT,
     "fields[3].fact", ["did you mean 'applicant'?"]),
    ("kokuho_kanyu.yaml", "counter: insurance", "counter: insurence", FormErrorCode.UNKNOWN_COUNTER, "counter",
     ["did you mean 'insurance'?"]),
    ("events/moved_in.yaml", "form: kokuho_kanyu", "form: kokuho_kanyuu", FormErrorCode.UNKNOWN_FORM, "bundle[1].form",
     ["did you mean 'kokuho_kanyu'?"]),
    ("events/moved_in.yaml", "{field: has_children, equals: true}\n        - {field: public_servant",
     "{field: has_childen, equals: true}\n        - {field: public_servant", FormErrorCode.UNKNOWN_REFERENCE,
     "bundle[2].when.all[0].field", ["did you mean 'has_children'?"]),
    ("facts.yaml", "fills: new_address", "fills: phone", FormErrorCode.BAD_FILLS, "facts[2].fills",
     ["'phone' is a phone field", "address"]),
    ("tennyu.yaml", "  en: Notification of moving in\n", "", FormErrorCode.MISSING_LANGUAGE, "title.en",
     ["'en' text is missing"]),
    ("kokuho_kanyu.yaml", "      - key: 20\n", "      - key: 3\n", FormErrorCode.BAD_KEY, "fields[9].fields[0].key",
     ["member field 'sex' of fact 'household'"]),
    ("kokuho_kanyu.yaml", "{key: 11, fact: phone}", "{key: 11, fact: phone, label: {ja: 電話, en: Phone}}",
     FormErrorCode.NOT_FOR_KIND, "fields[10].label", ["comes from the shared fact 'phone'"]),
    ("kokuho_kanyu.yaml", "        show_if: {field: joins_kokuho, equals: true}", "        show_iff: {field: joins_kokuho, equals: true}",
     FormErrorCode.UNKNOWN_KEY, "fields[9].fields[1].show_iff", ["did you mean 'show_if'?"]),
    ("facts.yaml", "  - id: phone\n", "  - id: phone\n    key: 3\n", FormErrorCode.UNKNOWN_KEY, "facts[22].key",
     ["facts have no key"]),
    ("jidou_teate_nintei.yaml", "{id: none, code: 3,", "{id: no, code: 3,", FormErrorCode.BAD_ID,
     "fields[13].choices[2].id", ["quote it"]),
    ("events/moved_in.yaml", "service: moving", "service: movng", FormErrorCode.UNKNOWN_SERVICE, "service",
     ["did you mean 'moving'?"]),
    ("tennyu.yaml", "  ja: 転入届\n", "  ja: 転入届\n  jp: 転入届\n", FormErrorCode.UNKNOWN_LANGUAGE, "title.jp",
     ["'jp' is not a kiosk language"]),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "path", "words"),
    BREAKAGES,
    ids=[f"{b[3].value}-{b[4] or 'file'}" for b in BREAKAGES],
)
def test_a_broken_copy_names_file_path_and_fix(
    tmp_path: Path, file: str, old: str, new: str, code: FormErrorCode, path: str, words: list[str]
) -> None:
    """Each kind of breakage gives its code, the file, the path and what to fix."""
    forms = _broken_copy(tmp_path, file, old, new)
    problems = check_catalog(forms, COUNTERS, service_ids=SERVICES)
    matching = [p for p in problems if p.code is code and p.file == file and p.path == path]
    assert matching, "\n".join(str(p) for p in problems)
    line = str(matching[0])
    assert line.startswith(f"{code.value} {file} {path}" if path else f"{code.value} {file}:")
    for word in words:
        assert word in line, line
    assert "\n" not in line


def test_a_group_without_fields_is_reported(tmp_path: Path) -> None:
    """A repeat group must list its member questions."""
    forms = _add_file(tmp_path, "empty_group.yaml", """
id: empty_group
version: 1
title: {ja: 空のグループ, en: Empty group}
counter: residents
source: test
fields:
  - key: 1
    id: people
    kind: group
    max: 3
    label: {ja: 人, en: People}
    count_label: {ja: 何人, en: How many}
""")
    problems = check_catalog(forms, COUNTERS)
    assert [str(p) for p in problems if p.code is FormErrorCode.EMPTY_GROUP] == [
        "FORM_015 empty_group.yaml fields[0].fields: group 'people' has no fields; "
        "list the questions asked for each member under 'fields'"
    ]


def test_a_show_if_cycle_is_reported(tmp_path: Path) -> None:
    """Two fields that show each other would never appear; the author is told."""
    forms = _add_file(tmp_path, "cycle.yaml", """
id: cycle
version: 1
title: {ja: 循環, en: Cycle}
counter: residents
source: test
fields:
  - {key: 1, id: a, kind: yesno, label: {ja: A, en: A}, show_if: {field: b}}
  - {key: 2, id: b, kind: yesno, label: {ja: B, en: B}, show_if: {field: a}}
""")
    problems = check_catalog(forms, COUNTERS)
    cycles = [p for p in problems if p.code is FormErrorCode.CONDITION_CYCLE]
    assert len(cycles) == 1 and "a → b → a" in cycles[0].message


def test_a_form_defining_a_fact_again_is_told_to_reuse_it(tmp_path: Path) -> None:
    """Once-only: a form field named like a shared fact must use ``fact:`` instead."""
    forms = _add_file(tmp_path, "again.yaml", """
id: again
version: 1
title: {ja: 再定義, en: Again}
counter: residents
source: test
fields:
  - {key: 1, id: phone, kind: phone, label: {ja: 電話, en: Phone}}
""")
    problems = check_catalog(forms, COUNTERS)
    assert any(
        p.code is FormErrorCode.DUPLICATE_ID and p.path == "fields[0].id" and "fact: phone" in p.message
        for p in problems
    )


def test_a_duplicate_yaml_key_is_a_syntax_problem(tmp_path: Path) -> None:
    """A key written twice in one map is refused instead of silently keeping the last."""
    forms = _broken_copy(tmp_path, "tennyu.yaml", "version: 1\n", "version: 1\nversion: 2\n")
    problems = check_catalog(forms, COUNTERS)
    assert any(p.code is FormErrorCode.YAML_SYNTAX and "written twice" in p.message for p in problems)


def test_required_languages_are_a_parameter(tmp_path: Path) -> None:
    """Requiring a language nobody has translated yet reports each missing text, by path."""
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    (forms / "translations" / "vi.po").unlink()
    assert not check_catalog(FORMS, COUNTERS, ("ja", "en", "vi"))
    problems = check_catalog(forms, COUNTERS, ("ja", "en", "vi"))
    assert problems and all(p.code is FormErrorCode.MISSING_LANGUAGE for p in problems)
    assert any(p.file == "tennyu.yaml" and p.path == "title.vi" for p in problems)


def test_load_catalog_raises_with_every_problem(tmp_path: Path) -> None:
    """load_catalog refuses a broken folder and carries the problems for the caller."""
    forms = _broken_copy(tmp_path, "tennyu.yaml", "counter: residents", "counter: resident")
    with pytest.raises(FormCatalogError) as caught:
        load_catalog(forms, COUNTERS)
    assert caught.value.problems
    assert all(isinstance(p, FormProblem) for p in caught.value.problems)
    assert "FORM_013 tennyu.yaml counter: 'resident' is not a counter of this site" in str(caught.value)


def test_a_missing_forms_folder_is_one_clear_problem(tmp_path: Path) -> None:
    """Pointing at a folder that does not exist says so instead of crashing."""
    problems = check_catalog(tmp_path / "nowhere", COUNTERS)
    assert len(problems) == 1 and problems[0].code is FormErrorCode.FILE
