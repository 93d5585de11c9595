"""What the citizen's ticket slip says, as a frozen description that any renderer can draw.

``build_receipt`` turns a ``TicketSlip`` (number, route, wait, encrypted QR texts) into a
``Receipt``: every line already translated, each one in the citizen's language and in
Japanese (staff, and Japanese-speaking helpers, read the Japanese line), with Japanese
printed once when the two are the same. The Qt renderer (kiosk/ui/ticket_render.py), the
PDF and any future renderer draw exactly this and decide nothing about wording. This
module must not draw, import Qt, or format anything personal: a slip holds only the
ticket number, counters, procedure titles, times and the already-encrypted QR texts.

Fixed strings are English msgids marked with ``N_`` (extracted by ``pybabel extract`` with
its default keywords) and translated here at build time with the two translators.
Placeholders use ``str.format`` names (``{number}``), which translations must keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable, Mapping, Sequence

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from kiosk.config import Counter
from kiosk.core.forms.engine import Checklist, FeeLine
from kiosk.core.i18n import N_, Translator
from kiosk.core.ticket import TicketSlip

#: Japan has had no daylight saving time since 1951, so a fixed offset is exact and needs
#: no tz database (Windows has none without the tzdata package).
JST = timezone(timedelta(hours=9), "JST")

# TRANSLATORS: title at the top of the printed queue ticket (Japanese: 受付票).
TITLE = N_("Reception ticket")
# TRANSLATORS: label above the big ticket number (Japanese: 受付番号).
NUMBER_LABEL = N_("Your number")
# TRANSLATORS: heading of the list of counters on the ticket, visited in this order.
ROUTE_HEADING = N_("Go to these counters in this order")
# TRANSLATORS: a counter on the ticket; {number} is the counter's number (Japanese: {number}番窓口).
COUNTER_LABEL = N_("Counter {number}")
# TRANSLATORS: {count} is how many people are queued before this ticket at its first counter.
PEOPLE_AHEAD = N_("People waiting ahead of you: {count}")
# TRANSLATORS: shown instead of the number of people ahead when there is nobody.
NO_ONE_AHEAD = N_("No one is waiting ahead of you")
# TRANSLATORS: {minutes} is an estimate in whole minutes.
ESTIMATED_WAIT = N_("Estimated wait: about {minutes} min")
# TRANSLATORS: a sentence on the ticket, below the wait.
CALL_NOTICE = N_("Please wait until your number is called.")
# TRANSLATORS: caption under the ticket's single QR code (Japanese: 窓口でこのコードをお見せください).
SHOW_CODE = N_("Show this code at the counter")
# TRANSLATORS: caption when the forms need several QR codes; {count} is 2 or more.
SHOW_CODES = N_("Show all {count} codes at the counter")
# TRANSLATORS: privacy note under the QR code(s) on the ticket.
PRIVACY = N_("This code is encrypted. Hand it only to city hall staff.")
# TRANSLATORS: banner on practice (smartphone class) tickets.
PRACTICE_NOTICE = N_("Practice ticket: not a real application")
# TRANSLATORS: watermark word on practice tickets (Japanese: 見本). Keep it short.
SAMPLE = N_("SAMPLE")
# TRANSLATORS: heading of the list of documents on the ticket and the screen.
DOCUMENTS_HEADING = N_("Please have these ready:")
# TRANSLATORS: heading of the list of fees (certificates) on the ticket and the screen.
FEES_HEADING = N_("Fees (paid at the counter):")
# TRANSLATORS: one fee charged once; {item} is e.g. "Copy of the residence record", {yen} an amount.
FEE_ONCE = N_("{item}: {yen} yen")
# TRANSLATORS: one fee per copy; {count} copies at {yen} yen each make {total} yen.
FEE_PER_COPY = N_("{item}: {yen} yen × {count} = {total} yen")
# TRANSLATORS: a procedure that costs nothing; {item} is its name.
FEE_FREE = N_("{item}: free")
# TRANSLATORS: the sum of the fees; {yen} is an amount.
FEES_TOTAL = N_("Total: {yen} yen")
# TRANSLATORS: {methods} lists the accepted ways to pay, e.g. "cash, QR code payment".
PAYMENT = N_("You can pay by: {methods}")
# TRANSLATORS: heading of what could be done online or at a convenience store next time.
NEXT_TIME = N_("Next time, you could also do this without coming:")
#: How each payment method of the configuration (kiosk.config.PAYMENT_METHODS) is named.
PAYMENT_NAMES = {
    # TRANSLATORS: a way to pay fees at the counter.
    "cash": N_("cash"),
    # TRANSLATORS: a way to pay fees at the counter.
    "credit_card": N_("credit card"),
    # TRANSLATORS: a way to pay fees: prepaid IC cards such as Suica, PASMO, ICOCA, or other e-money.
    "e_money": N_("electronic money (IC cards such as Suica)"),
    # TRANSLATORS: a way to pay fees: smartphone code payment (PayPay, d払い, au PAY, ...).
    "qr_code": N_("smartphone code payment (PayPay etc.)"),
    # TRANSLATORS: a way to pay fees at the counter.
    "debit_card": N_("debit card"),
}
#: Printed on every practice ticket whatever the languages, so staff in any city read it.
SAMPLE_INTERNATIONAL = "SAMPLE"


@dataclass(frozen=True)
class BiText:
    """One line of the slip in the citizen's language and in Japanese."""

    citizen: str
    japanese: str

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines to print: the citizen's first, Japanese second, never the same twice."""
        if not self.japanese or self.japanese == self.citizen:
            return (self.citizen,) if self.citizen else ()
        if not self.citizen:
            return (self.japanese,)
        return (self.citizen, self.japanese)


@dataclass(frozen=True)
class ReceiptStop:
    """One counter on the route, with the procedures handled there."""

    position: int  # 1-based order of the visit
    counter_number: int
    counter_label: BiText  # "Counter 1"
    counter_name: BiText  # "Resident registration"; empty when the counter is not configured
    procedures: tuple[BiText, ...]


@dataclass(frozen=True)
class ReceiptCode:
    """One QR code to print: its digits and its "1/2" label when there are several."""

    text: str
    index: int  # 1-based
    count: int

    @property
    def part_label(self) -> str:
        return f"{self.index}/{self.count}" if self.count > 1 else ""


@dataclass(frozen=True)
class Receipt:
    """Everything printed on one ticket slip, in print order, already translated."""

    language: str
    site_name: str
    title: BiText
    number_label: BiText
    ticket_number: str
    issued: BiText  # date and time of issue
    route_heading: BiText
    route: tuple[ReceiptStop, ...]
    waiting: BiText
    wait_estimate: BiText | None  # None when nobody is ahead
    call_notice: BiText
    codes: tuple[ReceiptCode, ...]
    codes_caption: BiText | None  # None when there is no code
    privacy: BiText | None  # None when there is no code
    practice: bool
    practice_notice: BiText | None
    watermark_words: tuple[str, ...]  # e.g. ("見本", "SAMPLE"); empty unless practice
    #: The checklist printed under the codes: each section a heading and its lines
    #: (documents, fees with their total and ways to pay, what could be done without coming).
    checklist: tuple["ChecklistSection", ...] = ()


@dataclass(frozen=True)
class ChecklistSection:
    kind: str  # "documents", "fees" or "alternatives"
    heading: BiText
    lines: tuple[BiText, ...]


def checklist_sections(
    checklist: Checklist | None, tr: Translator, tr_ja: Translator
) -> tuple[ChecklistSection, ...]:
    """The checklist as headed lists of lines, each in the citizen's language and Japanese."""
    if checklist is None:
        return ()
    if tr.language == "ja":
        tr = tr_ja

    def both(render: Callable[[Translator], str]) -> BiText:
        return BiText(render(tr), render(tr_ja))

    sections = []
    if checklist.documents:
        sections.append(ChecklistSection(
            "documents", both(lambda t: t.gettext(DOCUMENTS_HEADING)),
            tuple(both(lambda t, d=document: t.text(d)) for document in checklist.documents),
        ))
    if checklist.fees:
        lines = [both(lambda t, line=line: _fee_line(t, line)) for line in checklist.fees]
        if len(checklist.fees) > 1:
            lines.append(both(lambda t: t.gettext(FEES_TOTAL).format(yen=_yen(t, checklist.total_yen))))
        if checklist.payment_methods:
            lines.append(both(lambda t: t.gettext(PAYMENT).format(methods=_listed(
                t, [t.gettext(PAYMENT_NAMES[method]) for method in checklist.payment_methods if method in PAYMENT_NAMES]
            ))))
        sections.append(ChecklistSection("fees", both(lambda t: t.gettext(FEES_HEADING)), tuple(lines)))
    if checklist.alternatives:
        sections.append(ChecklistSection(
            "alternatives", both(lambda t: t.gettext(NEXT_TIME)),
            tuple(both(lambda t, a=alternative: t.text(a)) for alternative in checklist.alternatives),
        ))
    return tuple(sections)


def _yen(tr: Translator, amount: int) -> str:
    return format_decimal(amount, locale=tr.babel_locale)


def _fee_line(tr: Translator, line: FeeLine) -> str:
    item = tr.text(line.label)
    if line.total_yen == 0:
        return tr.gettext(FEE_FREE).format(item=item)
    if line.count == 1:
        return tr.gettext(FEE_ONCE).format(item=item, yen=_yen(tr, line.unit_yen))
    return tr.gettext(FEE_PER_COPY).format(
        item=item, yen=_yen(tr, line.unit_yen), count=line.count, total=_yen(tr, line.total_yen)
    )


def _listed(tr: Translator, items: Sequence[str]) -> str:
    """Items joined as the language lists them (Japanese 「・」, others a comma)."""
    return ("・" if tr.language.startswith("ja") else ", ").join(items)


def build_receipt(
    slip: TicketSlip,
    tr: Translator,
    tr_ja: Translator,
    counters: Sequence[Counter],
    procedure_titles: Mapping[str, Mapping[str, str]],
    tz: tzinfo = JST,
    checklist: Checklist | None = None,
) -> Receipt:
    """Describe the slip for ``slip`` in the citizen's language (``tr``) and Japanese (``tr_ja``).

    ``procedure_titles`` maps a form id to its title text (form files' ``title``). A
    counter or form id missing from the configuration still prints (its number, or the
    form id), because a ticket that fails to print strands the citizen.
    """
    if tr.language == "ja":
        tr = tr_ja  # one catalogue, so Japanese is printed once

    def bi(message: str, **values: object) -> BiText:
        return BiText(tr.gettext(message).format(**values), tr_ja.gettext(message).format(**values))

    def bi_text(text: Mapping[str, str]) -> BiText:
        return BiText(tr.text(text), tr_ja.text(text)) if text else BiText("", "")

    ticket = slip.ticket
    by_id = {counter.id: counter for counter in counters}
    route = []
    for position, stop in enumerate(ticket.route, start=1):
        counter = by_id.get(stop.counter_id)
        route.append(
            ReceiptStop(
                position=position,
                counter_number=stop.counter_number,
                counter_label=bi(COUNTER_LABEL, number=stop.counter_number),
                counter_name=bi_text(counter.name) if counter is not None else BiText("", ""),
                procedures=tuple(
                    bi_text(procedure_titles[form_id])
                    if procedure_titles.get(form_id)
                    else BiText(form_id, form_id)
                    for form_id in stop.procedures
                ),
            )
        )

    issued_at = datetime.fromtimestamp(ticket.issued_at, tz)
    issued = BiText(_format_datetime(issued_at, tr.babel_locale), _format_datetime(issued_at, "ja"))

    count = len(slip.qr_texts)
    codes = tuple(ReceiptCode(text, index, count) for index, text in enumerate(slip.qr_texts, 1))
    if count == 0:
        codes_caption = privacy = None
    else:
        codes_caption = bi(SHOW_CODE) if count == 1 else bi(SHOW_CODES, count=count)
        privacy = bi(PRIVACY)

    nobody_ahead = ticket.people_ahead <= 0
    watermark: tuple[str, ...] = ()
    if ticket.practice:
        words = (tr_ja.gettext(SAMPLE), SAMPLE_INTERNATIONAL, tr.gettext(SAMPLE))
        watermark = tuple(dict.fromkeys(word for word in words if word))

    return Receipt(
        language=slip.language,
        site_name=slip.site_name,
        title=bi(TITLE),
        number_label=bi(NUMBER_LABEL),
        ticket_number=ticket.number,
        issued=issued,
        route_heading=bi(ROUTE_HEADING),
        route=tuple(route),
        waiting=bi(NO_ONE_AHEAD) if nobody_ahead else bi(PEOPLE_AHEAD, count=ticket.people_ahead),
        wait_estimate=None
        if nobody_ahead
        else bi(ESTIMATED_WAIT, minutes=max(0, ticket.estimated_wait_min)),
        call_notice=bi(CALL_NOTICE),
        codes=codes,
        codes_caption=codes_caption,
        privacy=privacy,
        practice=ticket.practice,
        practice_notice=bi(PRACTICE_NOTICE) if ticket.practice else None,
        watermark_words=watermark,
        checklist=checklist_sections(checklist, tr, tr_ja),
    )


def _format_datetime(moment: datetime, babel_locale: str) -> str:
    """Date in the locale's full style and time in its short style (CLDR via Babel).

    For Japanese this gives the usual counter style "2026年4月1日水曜日 9:05" without any
    Japanese text in the code. Era years (和暦) are not printed: Babel has no Japanese
    calendar, and a ticket is valid for one day only.
    """
    return f"{format_date(moment, 'full', locale=babel_locale)} {format_time(moment, 'short', locale=babel_locale)}"
