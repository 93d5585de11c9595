"""The published congestion document and its lobby/website page, built from queue figures.

``kiosk congestion export`` turns a ``BoardSnapshot`` and per-hour ticket counts into a
JSON document (current waits per counter, busy hours of the day) and a small
self-contained HTML page. What is published is aggregated and anonymous: counts and
minutes per counter and per hour only. It must never carry a ticket number (a number
plus a time can be matched to a person in the lobby), a language or a procedure per
ticket, and the page must load nothing from elsewhere (no scripts, no external URLs).
This module only computes: no Qt, no SQL, no clock, no files.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from kiosk.config import Config
from kiosk.core.queue_rules import BoardSnapshot

#: Local hours shown as busy hours (08:00–17:59). Tickets issued earlier count in the
#: first hour and later ones in the last, so the day's total is never lost.
BUSY_HOURS = tuple(range(8, 18))
#: How many past weeks of the same weekday make the "usual" figures.
USUAL_WEEKS = 4
#: Seconds between page reloads on a lobby screen; the exporter runs about as often.
REFRESH_SECONDS = 60


@dataclass(frozen=True)
class HourCount:
    """Tickets issued in one local hour of one business day, and their waits until called."""

    hour: int  # local hour of issue, 0–23
    issued: int
    called: int  # how many of them have been called (only those have a wait)
    wait_minutes: float  # total issued→first-called minutes over the called ones


def _bucket(hour: int) -> int:
    return min(max(hour, BUSY_HOURS[0]), BUSY_HOURS[-1])


def _fold(counts: Sequence[HourCount]) -> dict[int, tuple[int, int, float]]:
    """Counts folded into BUSY_HOURS: hour → (issued, called, wait minutes)."""
    folded = {hour: (0, 0, 0.0) for hour in BUSY_HOURS}
    for count in counts:
        issued, called, minutes = folded[_bucket(count.hour)]
        folded[_bucket(count.hour)] = (
            issued + count.issued,
            called + count.called,
            minutes + max(0.0, count.wait_minutes),
        )
    return folded


def _average(called: int, minutes: float) -> int | None:
    # Whole minutes, half up; None when nobody issued in that hour has been called yet.
    return int(minutes / called + 0.5) if called else None


def busy_hours(
    today: Sequence[HourCount], usual_days: Sequence[Sequence[HourCount]] = ()
) -> list[dict[str, Any]]:
    """One entry per hour of BUSY_HOURS: today's tickets and average wait, and the usual.

    ``usual_days`` holds the counts of the same weekday in past weeks; days with no
    ticket at all (a public holiday, the office closed) are left out of the mean.
    """
    folded_today = _fold(today)
    past = [_fold(day) for day in usual_days if any(count.issued for count in day)]
    entries: list[dict[str, Any]] = []
    for hour in BUSY_HOURS:
        issued, called, minutes = folded_today[hour]
        entry: dict[str, Any] = {
            "hour": hour,
            "issued": issued,
            "average_wait_min": _average(called, minutes),
        }
        if past:
            past_issued = sum(day[hour][0] for day in past)
            past_called = sum(day[hour][1] for day in past)
            past_minutes = sum(day[hour][2] for day in past)
            entry["usual_issued"] = round(past_issued / len(past), 1)
            entry["usual_average_wait_min"] = _average(past_called, past_minutes)
        entries.append(entry)
    return entries


def _bilingual(names: Mapping[str, str], fallback: str) -> dict[str, str]:
    ja = names.get("ja") or names.get("en") or fallback
    return {"ja": ja, "en": names.get("en") or ja}


def build_document(
    snapshot: BoardSnapshot,
    config: Config,
    zone: tzinfo,
    today: Sequence[HourCount],
    usual_days: Sequence[Sequence[HourCount]] = (),
) -> dict[str, Any]:
    """The published document. Only counts and minutes: ``serving`` and ``recent_calls``
    of the snapshot (ticket numbers, languages) are deliberately dropped.

    A closed counter publishes no estimate: it calls no one, so a wait would mislead.
    """
    names = {counter.id: counter.name for counter in config.counters}
    counters = [
        {
            "number": board.counter_number,
            "name": _bilingual(names.get(board.counter_id, {}), str(board.counter_number)),
            "open": board.is_open,
            "waiting": board.waiting,
            "estimated_wait_min": board.estimated_wait_min if board.is_open else None,
        }
        for board in snapshot.counters
    ]
    past = [day for day in usual_days if any(count.issued for count in day)]
    return {
        "site": _bilingual(config.site_name, ""),
        "generated_at": datetime.fromtimestamp(snapshot.at, zone).isoformat(timespec="seconds"),
        "counters": counters,
        "busy_hours": busy_hours(today, past),
        "usual_weeks": len(past),
    }


# --------------------------------------------------------------------------- page

_CSS = """
body { font-family: "BIZ UDPGothic", "Noto Sans JP", "Yu Gothic", Meiryo, sans-serif;
  margin: 0; padding: 1.5rem; background: #ffffff; color: #111111; font-size: 1.25rem; }
h1 { font-size: 2rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 0.5rem; border-bottom: 3px solid #1a4f8b; }
.en { display: block; font-size: 0.7em; color: #333333; font-weight: normal; }
.time { color: #333333; }
table { border-collapse: collapse; width: 100%; max-width: 60rem; }
caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
th, td { border-bottom: 1px solid #999999; padding: 0.5rem; text-align: left;
  vertical-align: middle; }
td.num { font-size: 2.5rem; font-weight: bold; text-align: right; white-space: nowrap; }
.closed { color: #8b1a1a; font-weight: bold; }
.bars td { padding: 0.25rem 0.5rem; }
.bar { background: #1a4f8b; height: 1.4rem; min-width: 2px; }
.usual { background: #9bb7d6; height: 0.6rem; min-width: 2px; margin-top: 2px; }
.legend span { display: inline-block; width: 1rem; height: 1rem; vertical-align: middle; }
""".strip()


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _both(ja: str, en: str) -> str:
    """Japanese text followed by its English version, marked with its language."""
    return f'{_e(ja)}<span class="en" lang="en">{_e(en)}</span>'


def _minutes(value: object) -> str:
    if value is None:
        return "—"
    return f'{_e(value)}<small> 分 <span lang="en">min</span></small>'


def _counter_rows(counters: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for counter in counters:
        name = counter.get("name", {})
        label = f'{_e(counter.get("number", ""))}. {_both(name.get("ja", ""), name.get("en", ""))}'
        waiting = f'{_e(counter.get("waiting", 0))}<small> 人 <span lang="en">people</span></small>'
        if counter.get("open"):
            wait = _minutes(counter.get("estimated_wait_min"))
        else:
            wait = '<span class="closed">休止中 <span lang="en">Closed</span></span>'
        rows.append(
            f'<tr><th scope="row">{label}</th><td class="num">{waiting}</td>'
            f'<td class="num">{wait}</td></tr>'
        )
    return "\n".join(rows)


def _hour_rows(hours: Sequence[Mapping[str, Any]]) -> str:
    peak = max(
        [float(h.get("issued", 0)) for h in hours] + [float(h.get("usual_issued", 0)) for h in hours]
        + [1.0]
    )
    rows = []
    for entry in hours:
        issued = float(entry.get("issued", 0))
        width = round(100 * issued / peak)
        bars = f'<div class="bar" style="width: {width}%"></div>'
        usual = ""
        if "usual_issued" in entry:
            usual_width = round(100 * float(entry["usual_issued"]) / peak)
            bars += f'<div class="usual" style="width: {usual_width}%"></div>'
            usual = f"<td>{_e(entry['usual_issued'])}</td>"
        hour = int(entry.get("hour", 0))
        rows.append(
            f'<tr><th scope="row">{hour:02d}:00–{hour:02d}:59</th>'
            f'<td style="width: 50%" aria-hidden="true">{bars}</td>'
            f"<td>{_e(entry.get('issued', 0))}</td>{usual}"
            f"<td>{_minutes(entry.get('average_wait_min'))}</td></tr>"
        )
    return "\n".join(rows)


def render_html(document: Mapping[str, Any]) -> str:
    """A self-contained page (inline CSS, no scripts, no links) that reloads every minute.

    Every value from the document is escaped: counter and site names come from a
    config file that the page must not trust.
    """
    site = document.get("site", {})
    hours = document.get("busy_hours", [])
    has_usual = any("usual_issued" in entry for entry in hours)
    usual_head = (
        f'<th scope="col">{_both("いつもの同じ曜日（平均）", "Usual for this weekday (average)")}</th>'
        if has_usual
        else ""
    )
    legend = (
        '<p class="legend" aria-hidden="true"><span style="background: #1a4f8b"></span> 今日 '
        '<span lang="en">Today</span> &nbsp; <span style="background: #9bb7d6"></span> '
        f'いつもの同じ曜日（過去{_e(document.get("usual_weeks", 0))}週） '
        '<span lang="en">Usual for this weekday</span></p>'
        if has_usual
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(site.get("ja", ""))} 窓口の混雑状況 / Counter congestion</title>
<style>
{_CSS}
</style>
</head>
<body>
<main>
<h1>{_e(site.get("ja", ""))} 窓口の混雑状況<span class="en" lang="en">{_e(site.get("en", ""))} — Counter congestion</span></h1>
<p class="time">更新 <span lang="en">Updated</span>: <time datetime="{_e(document.get("generated_at", ""))}">{_e(document.get("generated_at", ""))}</time></p>

<h2>{_both("現在の待ち状況", "Waiting now")}</h2>
<table>
<caption>{_both("窓口ごとの待ち人数と待ち時間の目安", "People waiting and estimated wait per counter")}</caption>
<thead><tr><th scope="col">{_both("窓口", "Counter")}</th><th scope="col">{_both("待ち人数", "Waiting")}</th><th scope="col">{_both("待ち時間の目安", "Estimated wait")}</th></tr></thead>
<tbody>
{_counter_rows(document.get("counters", []))}
</tbody>
</table>

<h2>{_both("時間帯別の混雑（今日）", "Busy hours today")}</h2>
{legend}
<table class="bars">
<caption>{_both("時間帯ごとの発券数と平均待ち時間", "Tickets issued and average wait by hour")}</caption>
<thead><tr><th scope="col">{_both("時間帯", "Hour")}</th><th scope="col" aria-hidden="true">{_both("グラフ", "Chart")}</th><th scope="col">{_both("発券数", "Tickets issued")}</th>{usual_head}<th scope="col">{_both("平均待ち時間", "Average wait")}</th></tr></thead>
<tbody>
{_hour_rows(hours)}
</tbody>
</table>
</main>
</body>
</html>
"""
