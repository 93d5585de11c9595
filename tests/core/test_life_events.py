"""The counter's life events as data, scenario by scenario.

Each row is one citizen at the kiosk: a life event, the interview answers and the few
form answers that change what must be brought or paid (who asks, how many copies, which
certificate). The row states what the counter expects: the procedures in route order,
the counters visited in order, documents that must (and must not) be listed, and the fees
in yen. The plan and checklist come from the real form files and the demo site's counters
(kiosk.config.DEFAULT_COUNTERS), exactly as the ticket screen and the printed slip get them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk import paths
from kiosk.config import DEFAULT_COUNTERS, PAYMENT_METHODS
from kiosk.core.forms import form_questions, interview_questions, load_catalog, plan_visit, visit_checklist

COUNTER_ORDER = [counter.id for counter in DEFAULT_COUNTERS]
NUMBERS = {counter.id: counter.number for counter in DEFAULT_COUNTERS}
CATALOG = load_catalog(paths.forms_dir(), COUNTER_ORDER)

# Interview answers that mean "nothing else": each scenario states only what differs.
QUIET = {
    "moved_in": {"moved_from": "domestic", "all_employer_insured": True, "has_children": False,
                 "has_mynumber_card": False, "has_care_certification": False, "has_kouki": False},
    "moved_within": {"has_mynumber_card_within": False, "receives_child_allowance_within": False,
                     "kokuho_card_within": False, "has_kouki_within": False},
    "moving_out": {"moving_to": "domestic", "kokuho_out": False, "receives_child_allowance_out": False},
    "certificate": {"requester_role": "self", "need_juminhyo": False, "need_koseki": False,
                    "need_inkan_shomei": False, "need_inkan_toroku": False, "need_shotoku": False,
                    "need_nozei": False},
    "birth": {"birth_not_registered": True, "receives_child_allowance_birth": False, "public_servant_birth": False},
    "death": {"deceased_was_head": False, "deceased_insurance": "employer", "deceased_65_plus": False,
              "deceased_child_allowance": False},
    "mynumber_card": {"mynumber_need": "apply"},
}

PHOTO_ID = "窓口に来た人の本人確認書類"


@dataclass(frozen=True)
class Scenario:
    id: str
    event: str
    answers: dict[str, Any]
    forms: tuple[str, ...]
    counters: tuple[str, ...]
    documents: tuple[str, ...] = ()  # fragments of Japanese document texts that must be listed
    not_documents: tuple[str, ...] = ()  # … and that must not
    fees: int = 0  # total yen
    fee_lines: int | None = None  # number of fee lines, when it matters
    extra: dict[str, Any] = field(default_factory=dict)


S = Scenario
SCENARIOS = [
    # ---- moving in (転入)
    S("in-single-japanese-employee", "moved_in", {"tennyu.moving_out_proof": "certificate"},
      ("tennyu",), ("residents",), documents=("転出証明書", PHOTO_ID), not_documents=("パスポート", "転出届をしたマイナンバーカード")),
    S("in-student-from-abroad", "moved_in", {"moved_from": "abroad", "all_employer_insured": False},
      ("tennyu", "kokuho_kanyu"), ("residents", "insurance"), documents=("パスポート", "在留カード"),
      not_documents=("転出証明書",)),
    S("in-family-of-four", "moved_in",
      {"all_employer_insured": False, "has_children": True, "public_servant": False, "has_mynumber_card": True,
       "tennyu.moving_out_proof": "certificate"},
      ("tennyu", "kokuho_kanyu", "jidou_teate_nintei", "mynumber_keizoku"),
      ("residents", "insurance", "children", "mynumber"),
      documents=("転出証明書", "預金通帳", "引っ越してきた人全員のマイナンバーカード")),
    S("in-public-servant-with-children", "moved_in",
      {"has_children": True, "public_servant": True, "has_mynumber_card": True},
      ("tennyu", "mynumber_keizoku"), ("residents", "mynumber"), not_documents=("預金通帳",)),
    S("in-moved-out-with-card", "moved_in", {"has_mynumber_card": True, "tennyu.moving_out_proof": "mynumber_card"},
      ("tennyu", "mynumber_keizoku"), ("residents", "mynumber"),
      documents=("転出届をしたマイナンバーカード",), not_documents=("転出証明書",)),
    S("in-not-yet-moved-out", "moved_in", {"tennyu.moving_out_proof": "not_yet"},
      ("tennyu",), ("residents",), documents=("転出証明書",)),
    S("in-elderly-couple-other-prefecture", "moved_in",
      {"has_care_certification": True, "has_kouki": True, "kouki_jusho.move_kind": "other_pref"},
      ("tennyu", "kaigo_nintei", "kouki_jusho"), ("residents", "elderly"),
      documents=("受給資格証明書", "負担区分等証明書")),
    S("in-elderly-same-prefecture", "moved_in", {"has_kouki": True, "kouki_jusho.move_kind": "same_pref"},
      ("tennyu", "kouki_jusho"), ("residents", "elderly"), not_documents=("負担区分等証明書", "受給資格証明書")),
    # ---- moving within the city (転居)
    S("within-alone", "moved_within", {}, ("tenkyo",), ("residents",), documents=(PHOTO_ID,)),
    S("within-everything", "moved_within",
      {"has_mynumber_card_within": True, "receives_child_allowance_within": True, "kokuho_card_within": True,
       "has_kouki_within": True, "kokuho_shikaku.request_kind": "change"},
      ("tenkyo", "kokuho_shikaku", "jidou_teate_henko", "mynumber_kenmen", "kouki_jusho"),
      ("residents", "insurance", "children", "mynumber", "elderly"),
      documents=("記載を変更する人全員のマイナンバーカード", "今の資格確認書")),
    S("within-card-only", "moved_within", {"has_mynumber_card_within": True},
      ("tenkyo", "mynumber_kenmen"), ("residents", "mynumber"), documents=("暗証番号",)),
    S("within-lost-insurance-card", "moved_within",
      {"kokuho_card_within": True, "kokuho_shikaku.request_kind": "reissue", "kokuho_shikaku.lost_reason": "damaged"},
      ("tenkyo", "kokuho_shikaku"), ("residents", "insurance"),
      documents=("破損・汚損した資格確認書",), not_documents=("今の資格確認書",)),
    # ---- moving out (転出)
    S("out-alone", "moving_out", {}, ("tenshutsu",), ("residents",), documents=("印鑑登録証",),
      not_documents=("国民健康保険の資格確認書または保険証（転出する人の分",)),
    S("out-abroad-family", "moving_out",
      {"moving_to": "abroad", "kokuho_out": True, "receives_child_allowance_out": True,
       "tenshutsu.in_kokuho": True, "kokuho_dattai.reason": "moved_out"},
      ("tenshutsu", "kokuho_dattai", "jidou_teate_shometsu"), ("residents", "insurance", "children"),
      documents=("国民健康保険の資格確認書または保険証（転出する人の分",), not_documents=("新しく入った健康保険",)),
    S("out-foreign-national", "moving_out", {"nationality": "other"}, ("tenshutsu",), ("residents",),
      documents=("在留カード",)),
    S("out-by-agent", "moving_out", {"tenshutsu.applicant_moves": False}, ("tenshutsu",), ("residents",),
      documents=("転出する人が書いた委任状",)),
    # ---- certificates and seals
    S("cert-juminhyo-self", "certificate", {"need_juminhyo": True, "juminhyo.copies": 1},
      ("juminhyo",), ("residents",), not_documents=("委任状",), fees=300, fee_lines=1),
    S("cert-juminhyo-agent-3", "certificate",
      {"requester_role": "agent", "need_juminhyo": True, "juminhyo.copies": 3},
      ("juminhyo",), ("residents",), documents=("本人が書いた委任状",), fees=900),
    S("cert-koseki-full-2", "certificate",
      {"need_koseki": True, "nationality": "japanese", "koseki_shomei.certificate": "zenbu", "koseki_shomei.copies": 2},
      ("koseki_shomei",), ("residents",), fees=900),
    S("cert-joseki", "certificate",
      {"need_koseki": True, "koseki_shomei.certificate": "joseki", "koseki_shomei.copies": 1},
      ("koseki_shomei",), ("residents",), fees=750),
    S("cert-koseki-fuhyo", "certificate",
      {"need_koseki": True, "koseki_shomei.certificate": "fuhyo", "koseki_shomei.copies": 2},
      ("koseki_shomei",), ("residents",), fees=600),
    S("cert-koseki-by-sibling", "certificate",
      {"requester_role": "agent", "need_koseki": True, "koseki_shomei.relation": "sibling",
       "koseki_shomei.certificate": "zenbu", "koseki_shomei.copies": 1},
      ("koseki_shomei",), ("residents",), documents=("本人が書いた委任状",), fees=450),
    S("cert-seal-register-and-certify", "certificate",
      {"need_inkan_toroku": True, "need_inkan_shomei": True, "inkan_toroku.has_guarantor": False,
       "inkan_shomei.copies": 2},
      ("inkan_toroku", "inkan_shomei"), ("residents",),
      documents=("登録する印鑑", "顔写真付きの本人確認書類", "印鑑登録証（印鑑登録のときに"), not_documents=("照会書",),
      fees=900, fee_lines=2),
    S("cert-seal-by-agent", "certificate", {"requester_role": "agent", "need_inkan_toroku": True},
      ("inkan_toroku",), ("residents",), documents=("照会書", "代理人選任届"), not_documents=("顔写真付き",), fees=300),
    S("cert-tax-for-mother", "certificate",
      {"requester_role": "agent", "need_shotoku": True, "need_nozei": True, "shotoku_shomei.copies": 1,
       "nozei_shomei.tax_type": "juminzei", "nozei_shomei.copies": 1},
      ("shotoku_shomei", "nozei_shomei"), ("tax",), documents=("本人が書いた委任状",), fees=600),
    S("cert-kei-car-inspection-free", "certificate",
      {"need_nozei": True, "nozei_shomei.tax_type": "kei_shaken", "nozei_shomei.copies": 1},
      ("nozei_shomei",), ("tax",), documents=("車検証",), fees=0, fee_lines=1),
    S("cert-everything", "certificate",
      {"need_juminhyo": True, "need_koseki": True, "need_inkan_shomei": True, "need_shotoku": True, "need_nozei": True,
       "juminhyo.copies": 1, "koseki_shomei.certificate": "kojin", "koseki_shomei.copies": 1,
       "inkan_shomei.copies": 1, "shotoku_shomei.copies": 1, "nozei_shomei.tax_type": "kotei", "nozei_shomei.copies": 1},
      ("juminhyo", "koseki_shomei", "inkan_shomei", "shotoku_shomei", "nozei_shomei"), ("residents", "tax"),
      fees=300 + 450 + 300 + 300 + 300, fee_lines=5),
    # ---- a birth
    S("birth-first-child", "birth", {},
      ("shussei", "jidou_teate_nintei", "kodomo_iryo"), ("residents", "children"),
      documents=("出生証明書", "母子健康手帳", "預金通帳")),
    S("birth-second-child", "birth", {"receives_child_allowance_birth": True},
      ("shussei", "jidou_teate_gakukaitei", "kodomo_iryo"), ("residents", "children"),
      documents=("出生証明書",), not_documents=("預金通帳",)),
    S("birth-registered-public-servant", "birth", {"birth_not_registered": False, "public_servant_birth": True},
      ("kodomo_iryo",), ("children",), not_documents=("出生証明書",)),
    # ---- a death (おくやみ)
    S("death-young-father-kokuho", "death",
      {"deceased_was_head": True, "household_adults_left": 2, "deceased_insurance": "kokuho", "funeral_held": True,
       "deceased_child_allowance": True},
      ("setai_henko", "sosaihi", "jidou_teate_shometsu"), ("residents", "insurance", "children"),
      documents=("葬儀の領収書または会葬礼状", "喪主名義の預金通帳")),
    S("death-elderly-husband-kouki", "death",
      {"deceased_was_head": True, "household_adults_left": 1, "deceased_insurance": "kouki", "funeral_held": True,
       "deceased_65_plus": True},
      ("kouki_sosaihi", "kaigo_soshitsu"), ("elderly",),
      documents=("亡くなった人の介護保険被保険者証",)),
    S("death-chief-mourner-elsewhere", "death",
      {"deceased_insurance": "kokuho", "funeral_held": True, "sosaihi.applicant_is_chief_mourner": False},
      ("sosaihi",), ("insurance",), documents=("喪主が書いた委任状",)),
    S("death-funeral-not-yet", "death", {"deceased_insurance": "kokuho", "funeral_held": False, "deceased_65_plus": True},
      ("kaigo_soshitsu",), ("elderly",), not_documents=("葬儀の領収書",)),
    S("death-nothing-to-notify", "death", {}, (), ()),
    # ---- My Number card
    S("card-first-application", "mynumber_card", {"mynumber_shinsei.application_kind": "first"},
      ("mynumber_shinsei",), ("mynumber",), documents=("顔写真",), not_documents=("今持っているマイナンバーカード",),
      fees=0, fee_lines=0),
    S("card-lost-reissue", "mynumber_card", {"mynumber_shinsei.application_kind": "reissue"},
      ("mynumber_shinsei",), ("mynumber",), documents=("遺失届の受理番号",), fees=1000, fee_lines=1),
    S("card-change-address", "mynumber_card", {"mynumber_need": "change"},
      ("mynumber_kenmen",), ("mynumber",), documents=("記載を変更する人全員のマイナンバーカード",)),
]


def test_there_are_enough_scenarios_for_every_life_event() -> None:
    assert len(SCENARIOS) >= 30
    assert {scenario.event for scenario in SCENARIOS} == set(CATALOG.events)
    assert len({scenario.id for scenario in SCENARIOS}) == len(SCENARIOS)
    covered = {form for scenario in SCENARIOS for form in scenario.forms}
    assert covered == set(CATALOG.forms)  # every procedure appears in some scenario


def _answers(scenario: Scenario) -> dict[str, Any]:
    return {**QUIET[scenario.event], **scenario.answers}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_scenario(scenario: Scenario) -> None:
    answers = _answers(scenario)
    # Every answer names a real question, fact or form field (a typo would test nothing).
    questions = {question.id for question in CATALOG.events[scenario.event].questions}
    for key in answers:
        form_id, _, field_id = key.partition(".")
        if field_id:
            assert field_id in {spec.id for spec in CATALOG.forms[form_id].fields}, key
        else:
            assert key in questions or key in CATALOG.facts, key

    plan = plan_visit(CATALOG, scenario.event, answers, COUNTER_ORDER, NUMBERS)
    assert plan.forms == scenario.forms
    assert tuple(stop.counter_id for stop in plan.route) == scenario.counters
    assert [stop.counter_number for stop in plan.route] == sorted(stop.counter_number for stop in plan.route)
    assert plan.service_id == CATALOG.events[scenario.event].service

    checklist = visit_checklist(CATALOG, plan, answers, {}, ("cash", "qr_code"))
    listed = [document["ja"] for document in checklist.documents]
    for fragment in scenario.documents:
        assert any(fragment in text for text in listed), f"{fragment!r} not in {listed}"
    for fragment in scenario.not_documents:
        assert not any(fragment in text for text in listed), f"{fragment!r} listed: {listed}"
    assert len(listed) == len(set(listed))  # once each, however many forms ask for it
    assert checklist.total_yen == scenario.fees
    if scenario.fee_lines is not None:
        assert len(checklist.fees) == scenario.fee_lines
    # Ways to pay are listed only when something is to be paid.
    assert checklist.payment_methods == (("cash", "qr_code") if checklist.total_yen else ())


def test_site_prices_replace_the_form_files_amounts() -> None:
    scenario = next(s for s in SCENARIOS if s.id == "cert-everything")
    answers = _answers(scenario)
    plan = plan_visit(CATALOG, "certificate", answers, COUNTER_ORDER, NUMBERS)
    checklist = visit_checklist(CATALOG, plan, answers, {"juminhyo.copy": 350, "koseki_shomei.koseki": 0})
    by_id = {f"{line.form_id}.{line.fee_id}": line for line in checklist.fees}
    assert by_id["juminhyo.copy"].unit_yen == 350
    assert by_id["koseki_shomei.koseki"].total_yen == 0
    assert checklist.total_yen == 350 + 0 + 300 + 300 + 300


def test_every_fee_of_every_form_is_priced_and_labelled() -> None:
    for form in CATALOG.forms.values():
        for fee in form.fees:
            assert fee.yen >= 0 and fee.label.get("ja") and fee.label.get("en"), (form.id, fee.id)
    assert set(PAYMENT_METHODS) >= {"cash", "credit_card", "e_money", "qr_code"}


def test_a_certificate_asks_who_is_asking_once_and_adapts() -> None:
    """requester_role is asked in the interview; the forms then ask about the principal only for others."""
    answers = {**QUIET["certificate"], "need_juminhyo": True, "need_shotoku": True}
    assert "requester_role" in {q.path for q in interview_questions(CATALOG, "certificate", answers)}
    self_plan = plan_visit(CATALOG, "certificate", answers, COUNTER_ORDER, NUMBERS)
    own = {q.path for q in form_questions(CATALOG, self_plan, answers)}
    agent_answers = {**answers, "requester_role": "agent"}
    agent_plan = plan_visit(CATALOG, "certificate", agent_answers, COUNTER_ORDER, NUMBERS)
    agents = {q.path for q in form_questions(CATALOG, agent_plan, agent_answers)}
    assert "juminhyo.principal_name" in agents - own
    assert "juminhyo.show_mynumber" in own - agents  # an agent's copy never shows the My Number
    assert "requester_role" not in own | agents  # never asked again by the forms


def test_five_forms_ask_name_birth_date_and_address_once() -> None:
    """Once-only across a whole bundle: shared facts are single questions, whatever the number of forms."""
    scenario = next(s for s in SCENARIOS if s.id == "cert-everything")
    answers = _answers(scenario)
    plan = plan_visit(CATALOG, "certificate", answers, COUNTER_ORDER, NUMBERS)
    assert len(plan.forms) == 5
    paths_asked = [q.path for q in form_questions(CATALOG, plan, answers)]
    for fact in ("applicant", "applicant_birth_date", "current_address", "phone"):
        assert paths_asked.count(fact) == 1, fact
    assert not any(path.endswith((".name", ".address")) and path.count(".") == 1 for path in paths_asked)
