"""A realistic answers fixture: a Vietnamese family of four moving in to Shibuya.

NGUYEN VAN AN (the applicant and head of household), his wife TRAN THI BINH and their
children aged 8 and 4 move from 大阪府 to 〒150-0002 東京都渋谷区渋谷2-21-1. Nobody has
employer health insurance, they raise children, he is not a public servant, and three
of them hold My Number cards: the bundle is 転入届 + 国保加入 + 児童手当 + マイナンバーカード.
Names, numbers and the bank account are invented. Shared by the forms-engine tests and
the UI flow test; keys are answer paths (kiosk.core.forms.engine).
"""

from __future__ import annotations

from datetime import date

#: The day the family comes to the kiosk (answers are valid relative to it).
TODAY = date(2025, 4, 7)

FAMILY_OF_FOUR = {
    # Interview.
    "moved_from": "domestic",
    "all_employer_insured": False,
    "has_children": True,
    "public_servant": False,
    "has_mynumber_card": True,
    # Shared facts.
    "move_date": date(2025, 4, 1),
    "new_postal_code": "1500002",
    "new_address": {
        "postal_code": "1500002",
        "prefecture": "東京都",
        "city": "渋谷区",
        "town": "渋谷",
        "block": "2-21-1",
    },
    "previous_address": {
        "postal_code": "5300001",
        "prefecture": "大阪府",
        "city": "大阪市北区",
        "town": "梅田",
        "block": "1-1-3",
        "building": "梅田ハイツ 502",
    },
    "applicant": {
        "family": "NGUYEN",
        "given": "VAN AN",
        "family_kana": "グエン",
        "given_kana": "ヴァン アン",
        "latin": "NGUYEN VAN AN",
    },
    "applicant_birth_date": date(1988, 5, 20),
    "applicant_sex": "male",
    "nationality": "other",
    "nationality_country": "ベトナム",
    "residence_card_number": "AB12345678CD",
    "head_of_household": "applicant",
    "household.count": 3,
    "household.0.name": {
        "family": "TRAN",
        "given": "THI BINH",
        "family_kana": "チャン",
        "given_kana": "ティ ビン",
        "latin": "TRAN THI BINH",
    },
    "household.0.birth_date": date(1990, 2, 14),
    "household.0.sex": "female",
    "household.0.relationship": "wife",
    "household.0.nationality": "other",
    "household.0.country": "ベトナム",
    "household.0.residence_card_number": "CD23456789EF",
    "household.0.joins_kokuho": True,
    "household.0.previous_insurance": "kokuho",
    "household.0.has_card": True,
    "household.1.name": {
        "family": "NGUYEN",
        "given": "MINH KHOA",
        "family_kana": "グエン",
        "given_kana": "ミン コア",
        "latin": "NGUYEN MINH KHOA",
    },
    "household.1.birth_date": date(2016, 9, 12),
    "household.1.sex": "male",
    "household.1.relationship": "child",
    "household.1.nationality": "other",
    "household.1.country": "ベトナム",
    "household.1.residence_card_number": "EF34567890GH",
    "household.1.joins_kokuho": True,
    "household.1.previous_insurance": "kokuho",
    "household.1.claim_child": True,
    "household.1.has_card": True,
    "household.2.name": {
        "family": "NGUYEN",
        "given": "THI LAN",
        "family_kana": "グエン",
        "given_kana": "ティ ラン",
        "latin": "NGUYEN THI LAN",
    },
    "household.2.birth_date": date(2020, 11, 3),
    "household.2.sex": "female",
    "household.2.relationship": "child",
    "household.2.nationality": "other",
    "household.2.country": "ベトナム",
    "household.2.residence_card_number": "GH45678901IJ",
    "household.2.joins_kokuho": True,
    "household.2.previous_insurance": "kokuho",
    "household.2.claim_child": True,
    "household.2.has_card": False,
    "phone": "09012345678",
    # 転入届.
    "tennyu.moving_out_proof": "mynumber_card",
    # 国民健康保険.
    "kokuho_kanyu.applicant_joins": True,
    "kokuho_kanyu.applicant_previous_insurance": "kokuho",
    # 児童手当.
    "jidou_teate_nintei.main_earner": True,
    "jidou_teate_nintei.pension": "kokumin",
    "jidou_teate_nintei.children_apart.count": 0,
    "jidou_teate_nintei.older_children": 0,
    "jidou_teate_nintei.bank_name": "みずほ銀行",
    "jidou_teate_nintei.branch_name": "渋谷支店",
    "jidou_teate_nintei.account_type": "ordinary",
    "jidou_teate_nintei.account_number": "1234567",
    "jidou_teate_nintei.account_holder": "グエン ヴァン アン",
    # マイナンバーカード.
    "mynumber_keizoku.applicant_has_card": True,
    "mynumber_keizoku.pin_known": "all",
}
