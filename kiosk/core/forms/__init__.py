"""Forms as data: the typed model, the loader for forms/*.yaml, and the Qt-free engine.

Import from here (``from kiosk.core.forms import load_catalog, plan_visit``); the
submodules are: model (the frozen types), loader (files → checked catalogue),
conditions (show_if evaluation), values (answer checks and payload values), engine
(plans, questions, records) and records (the staff decoder's view). Nothing in this
package imports Qt, touches a database or logs answers.
"""

from kiosk.core.forms.engine import (
    PlanError,
    PlanErrorCode,
    Question,
    VisitPlan,
    form_questions,
    interview_questions,
    missing_answers,
    Checklist,
    FeeLine,
    fee_setting_problems,
    plan_visit,
    to_records,
    validate_answer,
    visit_checklist,
)
from kiosk.core.forms.loader import (
    DEFAULT_LANGUAGES,
    FormCatalogError,
    FormErrorCode,
    FormProblem,
    check_catalog,
    load_catalog,
)
from kiosk.core.forms.model import (
    ADDRESS_PARTS,
    PERSON_NAME_PARTS,
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
    Text,
)
from kiosk.core.forms.records import (
    DescriptionError,
    RecordErrorCode,
    bundle_from_description,
    check_record,
    describe_bundle,
)
from kiosk.core.forms.values import AnswerErrorCode, Problem, normalize_answer

__all__ = [
    "ADDRESS_PARTS", "PERSON_NAME_PARTS", "AnswerErrorCode", "BundleRule", "CharClass", "Choice",
    "Condition", "DEFAULT_LANGUAGES", "Document", "Fee", "DescriptionError", "FieldKind", "FieldSpec", "FormCatalog",
    "FormCatalogError", "FormErrorCode", "FormProblem", "FormSpec", "LifeEvent", "PlanError",
    "PlanErrorCode", "Problem", "Question", "RecordErrorCode", "Text", "VisitPlan",
    "bundle_from_description", "check_catalog", "check_record", "describe_bundle",
    "form_questions", "interview_questions", "load_catalog", "missing_answers",
    "normalize_answer", "plan_visit", "fee_setting_problems", "FeeLine", "Checklist", "visit_checklist", "to_records", "validate_answer",
]
