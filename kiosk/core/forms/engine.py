"""The forms engine: which procedures a visit needs, which questions to ask, and the records.

Pure functions over a loaded ``FormCatalog`` and the citizen's answers, a flat mapping
of answer path → value. Paths: an interview question's id; a shared fact's id; a form's
own field ``"<form_id>.<field_id>"``; group members ``"<group path>.<i>.<sub_field_id>"``
(i from 0) and the member count ``"<group path>.count"``. Shared facts are asked once
however many forms use them (once-only); every ``show_if`` is evaluated here, and an
answer to a hidden question counts as not given, so a changed answer never leaks stale
data into a record. The UI calls these after every answer; nothing here is stateful,
does I/O or logs. The staff-side functions (describe_bundle, bundle_from_description,
check_record) live in kiosk.core.forms.records and are re-exported here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kiosk.core.bundle import FormRecord
from kiosk.core.errors import ErrorCode, KioskError
from kiosk.core.forms.conditions import holds
from kiosk.core.forms.model import (
    Condition,
    FieldKind,
    FieldSpec,
    FormCatalog,
    FormSpec,
    LifeEvent,
    Text,
)
from kiosk.core.forms.records import bundle_from_description, check_record, describe_bundle
from kiosk.core.forms.values import (
    AnswerErrorCode,
    EncodeError,
    Problem,
    encode_value,
    is_empty,
    normalize_answer,
    validate_value,
)
from kiosk.core.ticket import RouteStop

__all__ = [
    "AnswerErrorCode", "PlanError", "PlanErrorCode", "Problem", "Question", "VisitPlan",
    "bundle_from_description", "check_record", "describe_bundle", "form_questions",
    "interview_questions", "missing_answers", "plan_visit", "to_records", "validate_answer",
]


class PlanErrorCode(ErrorCode):
    COUNTER_NOT_CONFIGURED = "PLAN_001"


class PlanError(KioskError):
    """The catalogue and the site configuration disagree (e.g. a form's counter is missing)."""


@dataclass(frozen=True)
class VisitPlan:
    """The procedures of one visit and where to do them (what to bring: ``visit_checklist``)."""

    event_id: str
    service_id: str  # ticket series
    forms: tuple[str, ...]  # form ids in route order (counter order, then bundle order)
    route: tuple[RouteStop, ...]  # one stop per counter, in the site's counter order


@dataclass(frozen=True)
class Question:
    """One question on screen, with the answer path its value is stored under."""

    path: str
    field: FieldSpec  # for a group's member count: a synthetic NUMBER field
    member: int | None = None  # index of the group member it is about (from 0)
    group_path: str | None = None  # set for member questions and the member count
    forms: tuple[str, ...] = ()  # forms in the plan that use the answer
    fills_path: str | None = None  # POSTAL_CODE: answer path of the address it fills


def _same_path(name: str) -> str:
    return name


@dataclass(frozen=True)
class _Use:
    """One form's (or the interview's) claim on an answer, with its own show_if scope."""

    form: str | None
    condition: Condition | None
    resolve: Callable[[str], str]  # id named in the condition → answer path
    required: bool


@dataclass
class _Node:
    path: str
    spec: FieldSpec
    member: int | None = None
    group_path: str | None = None
    parent: str | None = None  # members hang under their group's count question
    interview: bool = False
    interview_use: _Use | None = None
    form_uses: dict[str, _Use] = field(default_factory=dict)
    fills_path: str | None = None

    def uses(self) -> list[_Use]:
        return [self.interview_use] if self.interview_use is not None else list(self.form_uses.values())


@dataclass
class _GroupPlan:
    path: str
    spec: FieldSpec  # the group as first met (label, count label, bounds)
    usages: list[tuple[FormSpec, FieldSpec, Callable[[str], str]]]


def _count_spec(group: FieldSpec) -> FieldSpec:
    return FieldSpec(
        id=group.id,
        key=0,
        kind=FieldKind.NUMBER,
        label=group.count_label or group.label,
        help=group.help,
        required=group.required,
        minimum=group.minimum if group.minimum is not None else 0,
        maximum=group.maximum,
    )


class _Graph:
    """Every question of one visit, with visibility worked out lazily from the answers."""

    def __init__(
        self,
        catalog: FormCatalog,
        event: LifeEvent | None,
        forms: Sequence[FormSpec],
        answers: Mapping[str, Any],
    ) -> None:
        self.catalog = catalog
        self.answers = answers
        self.nodes: dict[str, _Node] = {}
        self.group_counts: dict[str, str] = {}  # group path → its count path
        self._visible: dict[str, bool] = {}
        self._busy: set[str] = set()
        self._order: list[str] = []
        self._members: dict[str, list[str]] = {}  # count path → member question paths
        if event is not None:
            for question in event.questions:
                use = _Use(None, question.show_if, _same_path, question.required)
                self.nodes[question.id] = _Node(question.id, question, interview=True, interview_use=use)
        facts: dict[str, list[tuple[FormSpec, FieldSpec, Callable[[str], str]]]] = {}
        own: list[tuple[FormSpec, FieldSpec, Callable[[str], str]]] = []
        for form in forms:
            resolve = self._form_resolver(form)
            for spec in form.fields:
                if spec.fact is not None:
                    facts.setdefault(spec.fact, []).append((form, spec, resolve))
                else:
                    own.append((form, spec, resolve))
        groups: list[_GroupPlan] = []
        # Shared facts first, in order of first appearance, then each form's own fields.
        for fact_id, usages in facts.items():
            self._add(fact_id, catalog.facts.get(fact_id, usages[0][1]), usages, groups)
        for form, spec, resolve in own:
            self._add(f"{form.id}.{spec.id}", spec, [(form, spec, resolve)], groups)
        # Members exist only once their group's count is known; no condition outside a
        # group can name a member (ids have no dots), so earlier results stay valid.
        for group in groups:
            self._add_members(group)

    @staticmethod
    def _form_resolver(form: FormSpec) -> Callable[[str], str]:
        paths = {spec.id: spec.fact or f"{form.id}.{spec.id}" for spec in form.fields}
        return lambda name: paths.get(name, name)

    def _add(
        self,
        path: str,
        spec: FieldSpec,
        usages: list[tuple[FormSpec, FieldSpec, Callable[[str], str]]],
        groups: list[_GroupPlan],
    ) -> None:
        uses = {form.id: _Use(form.id, used.show_if, resolve, used.required) for form, used, resolve in usages}
        if spec.kind is FieldKind.GROUP:
            count_path = f"{path}.count"
            self.group_counts[path] = count_path
            self.nodes[count_path] = _Node(count_path, _count_spec(spec), group_path=path, form_uses=uses)
            self._order.append(count_path)
            groups.append(_GroupPlan(path, spec, usages))
            return
        fills_path = usages[0][2](spec.fills) if spec.fills else None
        existing = self.nodes.get(path)
        if existing is not None and existing.interview:
            # Asked in the interview already: the forms only read the answer.
            existing.form_uses.update(uses)
            return
        self.nodes[path] = _Node(path, spec, form_uses=uses, fills_path=fills_path)
        self._order.append(path)

    def _add_members(self, group: _GroupPlan) -> None:
        count_path = self.group_counts[group.path]
        members: list[FieldSpec] = []
        owners: dict[str, list[tuple[str, FieldSpec, Callable[[str], str]]]] = {}
        fact = self.catalog.facts.get(group.spec.fact or "") if group.spec.fact else None
        fact_member_ids = {member.id for member in fact.fields} if fact is not None else set()
        for form, used, resolve in group.usages:
            for member in used.fields:
                if member.id not in owners:
                    members.append(member)
                    owners[member.id] = []
                # A fact's member fields speak in the facts' scope; fields a form adds
                # speak in that form's scope.
                outer = _same_path if member.id in fact_member_ids else resolve
                owners[member.id].append((form.id, member, outer))
        sibling_ids = {member.id for member in members}
        paths: list[str] = []
        for index in range(self.count(group.path)):
            prefix = f"{group.path}.{index}."
            for member in members:
                uses = {
                    form_id: _Use(form_id, spec.show_if, self._member_resolver(prefix, sibling_ids, outer), spec.required)
                    for form_id, spec, outer in owners[member.id]
                }
                path = prefix + member.id
                resolve_fills = self._member_resolver(prefix, sibling_ids, owners[member.id][0][2])
                self.nodes[path] = _Node(
                    path, member, member=index, group_path=group.path, parent=count_path,
                    form_uses=uses, fills_path=resolve_fills(member.fills) if member.fills else None,
                )
                paths.append(path)
        self._members[count_path] = paths

    @staticmethod
    def _member_resolver(prefix: str, siblings: set[str], outer: Callable[[str], str]) -> Callable[[str], str]:
        return lambda name: prefix + name if name in siblings else outer(name)

    # ------------------------------------------------------------------ evaluation

    def count(self, group_path: str) -> int:
        count_path = self.group_counts[group_path]
        value = self.value(count_path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return 0
        maximum = self.nodes[count_path].spec.maximum
        return min(value, maximum) if maximum is not None else value

    def value(self, path: str) -> Any:
        """The answer at ``path`` as conditions and records see it: None when hidden."""
        node = self.nodes.get(path)
        if node is None:
            if path in self.group_counts:
                return self.value(self.group_counts[path])
            return self.answers.get(path)
        if not self.visible(path):
            return None
        return normalize_answer(node.spec, self.answers.get(path))

    def holds_in(self, form: FormSpec, condition: Condition | None) -> bool:
        """``condition`` as written in ``form``: its names are that form's fields, then facts."""
        resolve = self._form_resolver(form)
        return holds(condition, lambda name: self.value(resolve(name)))

    def _holds(self, use: _Use) -> bool:
        return holds(use.condition, lambda name: self.value(use.resolve(name)))

    def visible(self, path: str) -> bool:
        if path in self._visible:
            return self._visible[path]
        if path in self._busy:
            return False  # a show_if cycle (the loader reports it): hide rather than loop
        node = self.nodes[path]
        self._busy.add(path)
        try:
            result = (node.parent is None or self.visible(node.parent)) and any(
                self._holds(use) for use in node.uses()
            )
        finally:
            self._busy.discard(path)
        self._visible[path] = result
        return result

    def visible_in(self, path: str, form_id: str) -> bool:
        """Whether ``form_id`` shows the field at ``path`` (its own show_if, not others')."""
        node = self.nodes.get(path)
        if node is None or form_id not in node.form_uses:
            return False
        if node.parent is not None and not self.visible_in(node.parent, form_id):
            return False
        if node.interview and not self.visible(path):
            return False
        return self._holds(node.form_uses[form_id])

    def required(self, node: _Node) -> bool:
        return any(use.required and self._holds(use) for use in node.uses())

    def question(self, node: _Node) -> Question:
        return Question(
            path=node.path,
            field=replace(node.spec, required=self.required(node)),
            member=node.member,
            group_path=node.group_path,
            forms=tuple(node.form_uses),
            fills_path=node.fills_path,
        )

    def form_questions(self) -> tuple[Question, ...]:
        result: list[Question] = []
        for path in self._order:
            if self.visible(path):
                result.append(self.question(self.nodes[path]))
            for member_path in self._members.get(path, ()):
                if self.visible(member_path):
                    result.append(self.question(self.nodes[member_path]))
        return tuple(result)


def _event(catalog: FormCatalog, event_id: str) -> LifeEvent:
    try:
        return catalog.events[event_id]
    except KeyError:
        raise KeyError(f"no life event '{event_id}' in the form files") from None


def plan_visit(
    catalog: FormCatalog,
    event_id: str,
    answers: Mapping[str, Any],
    counter_order: Sequence[str],
    counter_numbers: Mapping[str, int] | None = None,
) -> VisitPlan:
    """The bundle of procedures that the interview answers call for, and the route.

    ``counter_order`` is the site's counter ids in the order a citizen should visit them
    (config.counters order); ``counter_numbers`` maps them to the numbers on the floor
    (``{c.id: c.number for c in config.counters}``). Without it a counter's number is
    its position in ``counter_order`` counting from 1, as in the demo configuration.
    """
    event = _event(catalog, event_id)
    graph = _Graph(catalog, event, (), answers)
    chosen = [rule.form for rule in event.bundle if holds(rule.when, graph.value)]
    position = {counter_id: index for index, counter_id in enumerate(counter_order)}
    for form_id in chosen:
        if catalog.forms[form_id].counter not in position:
            raise PlanError(
                PlanErrorCode.COUNTER_NOT_CONFIGURED,
                f"form '{form_id}' is handled at counter '{catalog.forms[form_id].counter}', "
                "which is not in the site's counter list; add it to the configuration",
            )
    bundle_index = {form_id: index for index, form_id in enumerate(chosen)}
    forms = tuple(sorted(chosen, key=lambda f: (position[catalog.forms[f].counter], bundle_index[f])))
    route: list[RouteStop] = []
    for index, counter_id in enumerate(counter_order):
        procedures = tuple(f for f in forms if catalog.forms[f].counter == counter_id)
        if procedures:
            number = counter_numbers[counter_id] if counter_numbers is not None else index + 1
            route.append(RouteStop(counter_id, number, procedures))
    return VisitPlan(event.id, event.service, forms, tuple(route))


@dataclass(frozen=True)
class FeeLine:
    """One fee of the visit: what it is for, the price of one, how many, and the total."""

    form_id: str
    fee_id: str
    label: Text
    unit_yen: int
    count: int

    @property
    def total_yen(self) -> int:
        return self.unit_yen * self.count


@dataclass(frozen=True)
class Checklist:
    """Beyond the route, what the citizen should know: what to bring, what it costs, how
    to pay, and what could be done without coming next time. Texts, never answers."""

    documents: tuple[Text, ...]
    fees: tuple[FeeLine, ...]
    payment_methods: tuple[str, ...]  # ids of kiosk.config.PAYMENT_METHODS
    alternatives: tuple[Text, ...]

    @property
    def total_yen(self) -> int:
        return sum(line.total_yen for line in self.fees)


def visit_checklist(
    catalog: FormCatalog,
    plan: VisitPlan,
    answers: Mapping[str, Any],
    prices: Mapping[str, int] | None = None,
    payment_methods: Sequence[str] = ("cash",),
) -> Checklist:
    """The checklist for ``plan`` given every answer so far (documents and fees may depend on them).

    Worked out once, when the ticket is issued (not at every answer, as the plan is): one
    view of the visit's answers serves the documents' and the fees' conditions.
    """
    graph = _plan_graph(catalog, plan, answers)
    forms = [catalog.forms[form_id] for form_id in plan.forms]
    # A document or alternative in several forms is listed once: the Japanese text (the
    # authority; two forms' translations of it may differ slightly) identifies it.
    documents: dict[str, Text] = {}
    alternatives: dict[str, Text] = {}
    for form in forms:
        for document in form.documents:
            if graph.holds_in(form, document.when):
                documents.setdefault(document.text.get("ja") or document.text.get("en", ""), document.text)
        for text in form.alternatives:
            alternatives.setdefault(text.get("ja") or text.get("en", ""), text)
    fees = _fees(graph, forms, prices or {})
    to_pay = any(line.total_yen for line in fees)  # a free certificate needs no way to pay
    return Checklist(
        tuple(documents.values()), fees, tuple(payment_methods) if to_pay else (), tuple(alternatives.values())
    )


def fee_setting_problems(catalog: FormCatalog, prices: Mapping[str, int]) -> list[str]:
    """What is wrong with a site's [fees] table: names that are no fee of any form."""
    known = [f"{form.id}.{fee.id}" for form in catalog.forms.values() for fee in form.fees]
    problems = []
    for name in prices:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean \"{close[0]}\"?" if close else f"; fees of the forms: {', '.join(known)}"
            problems.append(f'fees."{name}" is not a fee of any form{hint}')
    return problems


def _fees(graph: _Graph, forms: Sequence[FormSpec], prices: Mapping[str, int]) -> tuple[FeeLine, ...]:
    """The fees the forms cost, in route order.

    ``prices`` maps ``"<form id>.<fee id>"`` to the site's own amount (its ordinance);
    the form file's ``yen`` is the common amount used otherwise. A fee counted ``per`` a
    number that is not answered yet counts once; a fee whose total is 0 (a free
    certificate) is still listed, so the citizen knows it is free.
    """
    lines: list[FeeLine] = []
    for form in forms:
        for fee in form.fees:
            if not graph.holds_in(form, fee.when):
                continue
            count = 1
            if fee.per is not None:
                answered = graph.value(_Graph._form_resolver(form)(fee.per))
                count = answered if isinstance(answered, int) and not isinstance(answered, bool) and answered > 0 else 1
            unit = prices.get(f"{form.id}.{fee.id}", fee.yen)
            lines.append(FeeLine(form.id, fee.id, fee.label, unit, count))
    return tuple(lines)


def interview_questions(
    catalog: FormCatalog, event_id: str, answers: Mapping[str, Any]
) -> tuple[Question, ...]:
    """The life event's questions that are visible given the answers so far."""
    event = _event(catalog, event_id)
    graph = _Graph(catalog, event, (), answers)
    return tuple(
        Question(question.id, replace(question, required=graph.required(graph.nodes[question.id])))
        for question in event.questions
        if graph.visible(question.id)
    )


def _plan_graph(catalog: FormCatalog, plan: VisitPlan, answers: Mapping[str, Any]) -> _Graph:
    event = catalog.events.get(plan.event_id)
    return _Graph(catalog, event, [catalog.forms[form_id] for form_id in plan.forms], answers)


def form_questions(
    catalog: FormCatalog, plan: VisitPlan, answers: Mapping[str, Any]
) -> tuple[Question, ...]:
    """Every question the bundle needs, in order, each asked once; hidden ones left out.

    Shared facts come first in order of first appearance across the plan's forms, then
    each form's own fields; a group is its member count followed by each member's
    questions, member by member. Facts the interview already asked are not repeated.
    """
    return _plan_graph(catalog, plan, answers).form_questions()


def validate_answer(question: Question, value: Any, *, today: date) -> list[Problem]:
    """Problems with ``value`` as the answer to ``question`` (empty: accept it)."""
    return validate_value(question.field, value, today=today)


def missing_answers(
    catalog: FormCatalog,
    plan: VisitPlan,
    answers: Mapping[str, Any],
    *,
    today: date | None = None,
) -> list[Question]:
    """Required visible questions without a valid answer (``today`` bounds date answers)."""
    today = today or date.today()
    return [
        question
        for question in form_questions(catalog, plan, answers)
        if question.field.required and validate_value(question.field, answers.get(question.path), today=today)
    ]


def to_records(
    catalog: FormCatalog, plan: VisitPlan, answers: Mapping[str, Any]
) -> tuple[FormRecord, ...]:
    """One payload record per planned form: values by field key, hidden/unanswered left out."""
    graph = _plan_graph(catalog, plan, answers)
    records: list[FormRecord] = []
    for form_id in plan.forms:
        form = catalog.forms[form_id]
        values: dict[int, Any] = {}
        for spec in form.fields:
            path = spec.fact or f"{form.id}.{spec.id}"
            if spec.kind is FieldKind.GROUP:
                members = _group_record(graph, form_id, path, spec)
                if members is not None:
                    values[spec.key] = members
                continue
            if not graph.visible_in(path, form_id):
                continue
            encoded = _encoded(graph, path, spec)
            if encoded is not None:
                values[spec.key] = encoded
        records.append(FormRecord(form.id, form.version, values))
    return tuple(records)


def _group_record(graph: _Graph, form_id: str, path: str, spec: FieldSpec) -> list[dict[int, Any]] | None:
    count_path = graph.group_counts.get(path)
    if count_path is None or not graph.visible_in(count_path, form_id) or is_empty(graph.value(count_path)):
        return None
    members: list[dict[int, Any]] = []
    for index in range(graph.count(path)):
        member: dict[int, Any] = {}
        for sub in spec.fields:
            member_path = f"{path}.{index}.{sub.id}"
            if graph.visible_in(member_path, form_id):
                encoded = _encoded(graph, member_path, sub)
                if encoded is not None:
                    member[sub.key] = encoded
        members.append(member)
    return members


def _encoded(graph: _Graph, path: str, spec: FieldSpec) -> Any:
    value = graph.value(path)
    if is_empty(value):
        return None
    try:
        return encode_value(spec, value)
    except EncodeError:
        # The UI validates every answer; an unusable one is left out (check_record then
        # tells staff a required field is missing) rather than stopping the ticket.
        return None
