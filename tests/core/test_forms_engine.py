"""The forms engine over the real form files: bundles, once-only questions, records, checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from kiosk import paths
from kiosk.config import DEFAULT_COUNTERS
from kiosk.core.bundle import Bundle, FormRecord
from kiosk.core.forms import (
    AnswerErrorCode,
    FieldKind,
    FormCatalog,
    PlanError,
    Question,
    bundle_from_description,
    check_record,
    describe_bundle,
    form_questions,
    interview_questions,
    load_catalog,
    missing_answers,
    plan_visit,
    to_records,
    validate_answer,
    visit_checklist,
)
from tests.data.family_of_four import FAMILY_OF_FOUR, TODAY

COUNTER_ORDER = [counter.id for counter in DEFAULT_COUNTERS]
ALL_FORMS = ("tennyu", "kokuho_kanyu", "jidou_teate_nintei", "mynumber_keizoku")

SINGLE_WORKER = {
    "moved_from": "domestic",
    "all_employer_insured": True,
    "has_children": False,
    "has_mynumber_card": False,
}


@pytest.fixture(scope="module")
def catalog() -> FormCatalog:
    return load_catalog(paths.forms_dir(), COUNTER_ORDER)


def _paths(questions: tuple[Question, ...]) -> list[str]:
    return [question.path for question in questions]


def _question(catalog: FormCatalog, answers: dict[str, Any], path: str) -> Question:
    plan = plan_visit(catalog, "moved_in", answers, COUNTER_ORDER)
    return next(q for q in form_questions(catalog, plan, answers) if q.path == path)


# ---------------------------------------------------------------------- plans


def test_family_of_four_needs_all_four_procedures(catalog: FormCatalog) -> None:
    """No employer insurance, children, cards: 転入 + 国保 + 児童手当 + マイナンバー, in counter order."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    assert plan.forms == ALL_FORMS
    assert plan.service_id == "moving"
    assert [(stop.counter_id, stop.counter_number, stop.procedures) for stop in plan.route] == [
        ("residents", 1, ("tennyu",)),
        ("insurance", 2, ("kokuho_kanyu",)),
        ("children", 3, ("jidou_teate_nintei",)),
        ("mynumber", 4, ("mynumber_keizoku",)),
    ]


def test_single_employee_needs_only_the_moving_in_notification(catalog: FormCatalog) -> None:
    """Employer insurance, no children and no card leave only the 転入届."""
    plan = plan_visit(catalog, "moved_in", SINGLE_WORKER, COUNTER_ORDER)
    assert plan.forms == ("tennyu",)
    assert len(plan.route) == 1


def test_public_servants_get_child_allowance_from_their_employer(catalog: FormCatalog) -> None:
    """A public servant with children gets no 児童手当 claim at the city counter."""
    answers = {**SINGLE_WORKER, "has_children": True, "public_servant": True}
    assert "jidou_teate_nintei" not in plan_visit(catalog, "moved_in", answers, COUNTER_ORDER).forms
    answers["public_servant"] = False
    assert "jidou_teate_nintei" in plan_visit(catalog, "moved_in", answers, COUNTER_ORDER).forms


def test_route_follows_the_sites_counter_order_and_numbers(catalog: FormCatalog) -> None:
    """A site that numbers and orders its counters differently gets its own route."""
    order = ["mynumber", "residents", "children", "insurance"]
    numbers = {"mynumber": 7, "residents": 5, "children": 9, "insurance": 8}
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, order, numbers)
    assert plan.forms == ("mynumber_keizoku", "tennyu", "jidou_teate_nintei", "kokuho_kanyu")
    assert [(stop.counter_id, stop.counter_number) for stop in plan.route] == [
        ("mynumber", 7), ("residents", 5), ("children", 9), ("insurance", 8),
    ]


def test_a_counter_missing_from_the_site_is_an_error(catalog: FormCatalog) -> None:
    """A form handled at a counter the site does not have cannot be routed silently."""
    with pytest.raises(PlanError):
        plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, ["residents", "insurance"])


def test_documents_are_listed_once(catalog: FormCatalog) -> None:
    """The photo ID asked by several forms appears once in the list of things to bring."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    documents = visit_checklist(catalog, plan, FAMILY_OF_FOUR).documents
    ids = [d for d in documents if "本人確認書類" in d["ja"]]
    assert len(ids) == 1
    assert len(documents) == len({tuple(sorted(d.items())) for d in documents})


def test_interview_hides_the_public_servant_question_until_children(catalog: FormCatalog) -> None:
    """Interview show_if: "are you a public servant?" only matters with children."""
    assert "public_servant" not in _paths(interview_questions(catalog, "moved_in", {"has_children": False}))
    assert "public_servant" in _paths(interview_questions(catalog, "moved_in", {"has_children": True}))


# ---------------------------------------------------------------------- questions


def test_shared_facts_are_asked_exactly_once_in_a_four_form_bundle(catalog: FormCatalog) -> None:
    """Once-only: name, birth date and address are asked once though four forms use them."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    questions = form_questions(catalog, plan, FAMILY_OF_FOUR)
    paths_ = _paths(questions)
    assert len(paths_) == len(set(paths_))
    for fact in ("applicant", "applicant_birth_date", "new_address"):
        assert paths_.count(fact) == 1
        assert next(q for q in questions if q.path == fact).forms == ALL_FORMS
    # The children's names and birth dates come from the household, never asked again.
    assert not [p for p in paths_ if p.startswith("jidou_teate_nintei.") and "birth_date" in p]
    # Asked in the interview already, so not repeated among the form questions.
    assert "moved_from" not in paths_


def test_facts_come_first_in_order_of_appearance_then_form_fields(catalog: FormCatalog) -> None:
    """Question order: facts as the first form lists them, then each form's own fields."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    paths_ = _paths(form_questions(catalog, plan, FAMILY_OF_FOUR))
    assert paths_[:3] == ["move_date", "new_postal_code", "new_address"]
    first_own = paths_.index("tennyu.moving_out_proof")
    assert all("." not in p or p.startswith("household.") for p in paths_[:first_own])
    assert paths_.index("kokuho_kanyu.applicant_joins") < paths_.index("jidou_teate_nintei.main_earner")


def test_a_group_expands_to_its_count_then_member_by_member(catalog: FormCatalog) -> None:
    """household.count comes first, then member 0's questions, then member 1's."""
    answers = {**SINGLE_WORKER, "household.count": 2, "nationality": "japanese",
               "household.0.nationality": "japanese", "household.1.nationality": "other"}
    plan = plan_visit(catalog, "moved_in", answers, COUNTER_ORDER)
    questions = form_questions(catalog, plan, answers)
    paths_ = _paths(questions)
    start = paths_.index("household.count")
    members = [q for q in questions if q.member is not None]
    assert paths_[start + 1] == "household.0.name"
    assert [q.member for q in members] == sorted(q.member for q in members)
    assert {q.group_path for q in members} == {"household"}
    assert "household.0.honseki" in paths_ and "household.0.country" not in paths_
    assert "household.1.country" in paths_ and "household.1.honseki" not in paths_
    count = questions[start]
    assert count.field.kind is FieldKind.NUMBER and count.field.maximum == 9
    assert count.field.label["ja"].startswith("あなたのほかに")


def test_no_member_questions_without_a_count(catalog: FormCatalog) -> None:
    """Before the count is answered (or when it is 0) no member is asked about."""
    plan = plan_visit(catalog, "moved_in", SINGLE_WORKER, COUNTER_ORDER)
    assert not [q for q in form_questions(catalog, plan, SINGLE_WORKER) if q.member is not None]
    zero = {**SINGLE_WORKER, "household.count": 0}
    assert not [q for q in form_questions(catalog, plan, zero) if q.member is not None]


def test_show_if_follows_nationality_and_moving_origin(catalog: FormCatalog) -> None:
    """本籍 for Japanese nationals, 在留カード for foreign residents, 前住所 only from Japan."""
    japanese = {**SINGLE_WORKER, "nationality": "japanese"}
    plan = plan_visit(catalog, "moved_in", japanese, COUNTER_ORDER)
    paths_ = _paths(form_questions(catalog, plan, japanese))
    assert {"honseki", "hittousha", "previous_address"} <= set(paths_)
    assert "residence_card_number" not in paths_ and "previous_country" not in paths_
    foreign = {**SINGLE_WORKER, "moved_from": "abroad", "nationality": "other"}
    paths_ = _paths(form_questions(catalog, plan_visit(catalog, "moved_in", foreign, COUNTER_ORDER), foreign))
    assert {"residence_card_number", "nationality_country", "previous_country"} <= set(paths_)
    assert "honseki" not in paths_ and "previous_address" not in paths_
    assert "tennyu.moving_out_proof" not in paths_


def test_member_show_if_reads_the_same_members_answers(catalog: FormCatalog) -> None:
    """The child-allowance question is asked for the children, not for the wife."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    paths_ = _paths(form_questions(catalog, plan, FAMILY_OF_FOUR))
    assert "household.0.claim_child" not in paths_
    assert {"household.1.claim_child", "household.2.claim_child"} <= set(paths_)


def test_postal_code_question_knows_the_address_it_fills(catalog: FormCatalog) -> None:
    """The UI gets the answer path the postal code lookup fills in."""
    assert _question(catalog, FAMILY_OF_FOUR, "new_postal_code").fills_path == "new_address"


def test_missing_answers_lists_required_visible_questions(catalog: FormCatalog) -> None:
    """A complete family has nothing missing; a dropped or invalid answer shows up."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    assert missing_answers(catalog, plan, FAMILY_OF_FOUR, today=TODAY) == []
    answers = {k: v for k, v in FAMILY_OF_FOUR.items() if k != "phone"}
    answers["household.1.birth_date"] = date(2030, 1, 1)
    missing = _paths(tuple(missing_answers(catalog, plan, answers, today=TODAY)))
    assert missing == ["household.1.birth_date", "phone"]
    # Optional questions (本籍 of a Japanese member) are never "missing".
    assert not [q for q in missing_answers(catalog, plan, FAMILY_OF_FOUR, today=TODAY) if not q.field.required]


# ---------------------------------------------------------------------- records


def test_records_carry_keys_codes_and_dates(catalog: FormCatalog) -> None:
    """Values are keyed by field key: dates YYYYMMDD, choices by code, names by part number."""
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    records = {r.form_id: r for r in to_records(catalog, plan, FAMILY_OF_FOUR)}
    assert list(records) == list(ALL_FORMS)
    tennyu = records["tennyu"].values
    assert tennyu[1] == 20250401
    assert tennyu[2] == 1  # moved_from: domestic
    assert tennyu[7] == {1: "NGUYEN", 2: "VAN AN", 3: "グエン", 4: "ヴァン アン", 5: "NGUYEN VAN AN"}
    assert tennyu[4] == {1: "1500002", 2: "東京都", 3: "渋谷区", 4: "渋谷", 5: "2-21-1"}
    assert 13 not in tennyu  # 本籍 is hidden for a foreign resident
    assert [member[2] for member in tennyu[18]] == [19900214, 20160912, 20201103]
    assert 30 not in tennyu[18][1]  # another form's member field stays in that form
    children = records["jidou_teate_nintei"].values
    assert [member.get(30) for member in children[7]] == [None, True, True]
    assert children[10] == []  # asked, and no child lives elsewhere
    assert records["mynumber_keizoku"].values[6][2][40] is False


def test_hidden_answers_do_not_leak_into_records(catalog: FormCatalog) -> None:
    """An answer left over from before a changed answer hid its question is dropped."""
    answers = {**FAMILY_OF_FOUR, "nationality": "japanese", "honseki": "東京都千代田区千代田1番"}
    plan = plan_visit(catalog, "moved_in", answers, COUNTER_ORDER)
    tennyu = to_records(catalog, plan, answers)[0].values
    assert 12 not in tennyu and 11 not in tennyu  # 在留カード, 国籍名 hidden now
    assert tennyu[13] == "東京都千代田区千代田1番"


def _family_bundle(catalog: FormCatalog) -> Bundle:
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTER_ORDER)
    return Bundle("A-017", "vi", False, 1743990000, "kiosk-1", to_records(catalog, plan, FAMILY_OF_FOUR))


def test_describe_and_back_is_the_same_bundle(catalog: FormCatalog) -> None:
    """to_records → describe_bundle → bundle_from_description gives the bundle back exactly."""
    bundle = _family_bundle(catalog)
    description = describe_bundle(catalog, bundle)
    assert bundle_from_description(catalog, description) == bundle
    assert description["warnings"] == []
    assert description["issued_at"] == "2025-04-07T10:40:00+09:00"


def test_description_is_japanese_for_staff(catalog: FormCatalog) -> None:
    """Labels, dates (和暦 with 西暦), choices and names are shown the way staff read them."""
    description = describe_bundle(catalog, _family_bundle(catalog))
    tennyu = description["forms"][0]
    assert tennyu["title"] == "転入届"
    rows = {row["id"]: row for row in tennyu["fields"]}
    assert rows["move_date"]["value"] == "2025-04-01"
    assert rows["move_date"]["display"] == "令和7年4月1日（2025年4月1日）"
    assert rows["applicant_sex"] == {"key": 9, "id": "applicant_sex", "label": "あなたの性別", "value": "male", "display": "男"}
    assert rows["applicant"]["display"] == "NGUYEN VAN AN（グエン ヴァン アン）"
    assert rows["new_address"]["display"] == "〒150-0002 東京都渋谷区渋谷2-21-1"
    household = rows["household"]["value"]
    assert len(household) == 3
    wife = {row["id"]: row for row in household[0]}
    assert wife["relationship"]["display"] == "妻"
    assert wife["name"]["value"]["latin"] == "TRAN THI BINH"


def test_records_from_another_kiosk_version_still_display(catalog: FormCatalog) -> None:
    """Unknown keys, versions and forms are shown and warned about, never dropped."""
    bundle = _family_bundle(catalog)
    tennyu = bundle.forms[0]
    newer = FormRecord("tennyu", 2, {**tennyu.values, 99: "新しい項目", 98: {1: "x"}})
    alien = FormRecord("shussan_ichijikin", 1, {1: 20250301, 2: [{1: "a"}]})
    changed = replace(bundle, forms=(newer, alien))
    description = describe_bundle(catalog, changed)
    rows = description["forms"][0]["fields"]
    unknown = [row for row in rows if row["id"] is None]
    assert [row["key"] for row in unknown] == [98, 99]
    assert unknown[1]["value"] == "新しい項目"
    assert description["forms"][1]["fields"][0] == {
        "key": 1, "id": None, "label": "（不明な項目）", "value": 20250301, "display": "20250301",
    }
    warnings = " ".join(description["warnings"])
    assert "版2" in warnings and "番号99" in warnings and "shussan_ichijikin" in warnings
    assert bundle_from_description(catalog, description) == changed


def test_check_record_names_missing_and_invalid_fields(catalog: FormCatalog) -> None:
    """Staff are told about a missing required field and an impossible date."""
    tennyu = _family_bundle(catalog).forms[0]
    values = dict(tennyu.values)
    del values[19]  # phone
    values[8] = 19880231  # 2月31日
    warnings = check_record(catalog, FormRecord("tennyu", 1, values))
    assert any("必須項目「日中に連絡がとれる電話番号」がありません" in w for w in warnings)
    assert any("「あなたの生年月日」の日付が正しくありません" in w for w in warnings)
    assert check_record(catalog, tennyu) == []


def test_check_record_does_not_guess_about_hidden_fields(catalog: FormCatalog) -> None:
    """A field shown only for foreign residents is not "missing" for a Japanese national."""
    answers = {**FAMILY_OF_FOUR, "nationality": "japanese"}
    plan = plan_visit(catalog, "moved_in", answers, COUNTER_ORDER)
    for record in to_records(catalog, plan, answers):
        assert check_record(catalog, record) == []


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("phone", "", AnswerErrorCode.REQUIRED),
        ("phone", "12345", AnswerErrorCode.BAD_PHONE),
        ("new_postal_code", "150-00", AnswerErrorCode.BAD_POSTAL_CODE),
        ("applicant_birth_date", date(2026, 1, 1), AnswerErrorCode.DATE_OUT_OF_RANGE),
        ("applicant_birth_date", "2月30日", AnswerErrorCode.BAD_DATE),
        ("move_date", date(2025, 4, 8), AnswerErrorCode.DATE_OUT_OF_RANGE),
        ("applicant_sex", "unknown", AnswerErrorCode.UNKNOWN_CHOICE),
        ("applicant", {"given": "太郎"}, AnswerErrorCode.FAMILY_NAME_REQUIRED),
        ("applicant", {"family": "山田", "family_kana": "山田"}, AnswerErrorCode.KANA_ONLY),
        ("applicant", {"family": "NGUYEN", "latin": "グエン"}, AnswerErrorCode.LATIN_ONLY),
        ("new_address", {"prefecture": "東京都", "city": "渋谷区"}, AnswerErrorCode.ADDRESS_INCOMPLETE),
        ("residence_card_number", "AB-1234@", AnswerErrorCode.BAD_CHARACTERS),
        ("residence_card_number", "AB12345678CDEF", AnswerErrorCode.TOO_LONG),
        ("household.count", 12, AnswerErrorCode.NUMBER_OUT_OF_RANGE),
        ("jidou_teate_nintei.account_holder", "NGUYEN", AnswerErrorCode.BAD_CHARACTERS),
        ("jidou_teate_nintei.account_number", "12-34a", AnswerErrorCode.BAD_CHARACTERS),
        # A My Number typed into any text field is refused, whatever its spacing or width.
        ("nationality_country", "1234 5678 9012", AnswerErrorCode.LOOKS_LIKE_MY_NUMBER),
        ("jidou_teate_nintei.bank_name", "１２３４-５６７８-９０１２", AnswerErrorCode.LOOKS_LIKE_MY_NUMBER),
    ],
)
def test_validate_answer_refuses_bad_answers(catalog: FormCatalog, path: str, value: Any, code: AnswerErrorCode) -> None:
    """Each kind of wrong answer is refused with its code."""
    question = _question(catalog, FAMILY_OF_FOUR, path)
    problems = validate_answer(question, value, today=TODAY)
    assert code in [problem.code for problem in problems]
    for problem in problems:
        problem.message.format(**problem.params)  # placeholders and params agree


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("phone", "０９０-１２３４-５６７８"),
        ("new_postal_code", "〒150-0002"),
        ("applicant_birth_date", "S63.5.20"),
        ("applicant", {"family": "山田", "given": "太郎", "family_kana": "やまだ", "given_kana": "ﾀﾛｳ"}),
        ("jidou_teate_nintei.account_holder", "ぐえん　ばん　あん"),
        ("honseki", ""),
    ],
)
def test_validate_answer_accepts_what_it_can_normalise(catalog: FormCatalog, path: str, value: Any) -> None:
    """Full-width digits, 和暦, hiragana readings and optional blanks are accepted."""
    answers = {**FAMILY_OF_FOUR, "nationality": "japanese"}
    assert validate_answer(_question(catalog, answers, path), value, today=TODAY) == []


def test_problems_never_contain_the_answer(catalog: FormCatalog) -> None:
    """Messages name what is wrong, not the personal data that was typed."""
    question = _question(catalog, FAMILY_OF_FOUR, "phone")
    for problem in validate_answer(question, "0312-SECRET", today=TODAY):
        assert "SECRET" not in problem.message.format(**problem.params)
