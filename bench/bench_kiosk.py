"""Issue 2's figures: cold start, the family-of-four QR, and write-less characters.

Run: ``.venv/bin/python bench/bench_kiosk.py`` (offscreen; about a minute).

1. Cold start to the first painted kiosk screen, against a bare PySide6 window painted in
   the same run (the floor any Qt app pays): medians of several runs, and their ratio.
2. The QR code of the whole moving-in bundle of the family-of-four fixture (4 forms):
   CBOR, deflated and sealed sizes, digits, QR version at ECC M, and how many codes;
   against the same forms as compact JSON in a byte-mode QR (what a naive design needs).
3. Characters the citizen types at the kiosk against the characters the paper forms of
   the same bundle ask for by hand (kiosk.core.metrics).
It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 5


def cold_start(*args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.qpa.fonts=false;qt.text.font.db=false"}
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_cold_start_child.py"), *args],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )
    painted = float(done.stdout.strip().splitlines()[0])
    return painted - started


def bench_cold_start() -> None:
    import tempfile

    daily_dir = tempfile.mkdtemp(prefix="kiosk-bench-daily-")
    cold_start("kiosk", daily_dir)  # creates the database and keys once, not counted
    bare, first, daily = [], [], []
    for _ in range(RUNS):  # interleaved, so all three see the same machine load
        bare.append(cold_start("bare"))
        first.append(cold_start("kiosk"))
        daily.append(cold_start("kiosk", daily_dir))
    b, f, d = statistics.median(bare), statistics.median(first), statistics.median(daily)
    print("cold start to first painted screen (median of %d runs, new process each)" % RUNS)
    print(f"  bare PySide6 window (baseline):          {b * 1000:6.0f} ms")
    print(f"  kiosk, daily start (database exists):   {d * 1000:6.0f} ms   ({d / b:.1f}x the baseline)")
    print(f"  kiosk, first start ever (migrates):     {f * 1000:6.0f} ms   ({f / b:.1f}x the baseline)")


def bench_qr() -> None:
    import segno
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from kiosk.config import DEFAULT_COUNTERS
    from kiosk.core.bundle import Bundle
    from kiosk.core.forms import describe_bundle, load_catalog, plan_visit, to_records
    from kiosk.core.payload import bundle_to_cbor, deflate, encode_bundle
    from kiosk.core.qr_symbol import make_symbol
    from kiosk.paths import forms_dir
    from tests.data.family_of_four import FAMILY_OF_FOUR

    counters = [counter.id for counter in DEFAULT_COUNTERS]
    catalog = load_catalog(forms_dir(), counters)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, counters)
    bundle = Bundle("A-017", "vi", False, 1743984000, "kiosk-1", to_records(catalog, plan, FAMILY_OF_FOUR))
    content = bundle_to_cbor(bundle)
    compressed = deflate(content)
    texts = encode_bundle(bundle, X25519PrivateKey.generate().public_key(), 1)
    symbols = [make_symbol(t) for t in texts]
    # What a straightforward design would put in the code: the forms' answers as compact
    # JSON keyed by field names (no labels, no display strings), unencrypted.
    described = describe_bundle(catalog, bundle)

    def plain(value):
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict) and "id" in value and "value" in value:
            return {value["id"]: plain(value["value"])}
        return value

    answers = {form["form"]: {f["id"]: plain(f["value"]) for f in form["fields"]} for form in described["forms"]}
    naive = json.dumps({"ticket": bundle.ticket_number, "forms": answers}, ensure_ascii=False,
                       separators=(",", ":")).encode()
    try:
        naive_version = str(segno.make(naive, error="m", micro=False, boost_error=False).version)
    except segno.DataOverflowError:
        naive_version = "does not fit (over version 40)"
    print(f"family-of-four moving-in bundle ({len(plan.forms)} forms: {', '.join(plan.forms)})")
    print(f"  CBOR {len(content)} B → deflate+dictionary {len(compressed)} B → sealed {len(compressed) + 48} B")
    print(f"  QR codes: {len(texts)}; digits {[len(t) for t in texts]}; "
          f"version {[s.version for s in symbols]} at ECC {symbols[0].error}, mode {symbols[0].mode}")
    print(f"  baseline, the answers as plain JSON in a byte-mode QR: {len(naive)} B → version {naive_version}")


def bench_write_less() -> None:
    from kiosk.config import DEFAULT_COUNTERS
    from kiosk.core.forms import load_catalog, plan_visit
    from kiosk.core.metrics import paper_characters, typed_characters
    from kiosk.paths import forms_dir
    from tests.data.family_of_four import FAMILY_OF_FOUR

    counters = [counter.id for counter in DEFAULT_COUNTERS]
    catalog = load_catalog(forms_dir(), counters)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, counters)
    typed = typed_characters(catalog, plan, FAMILY_OF_FOUR)
    paper = paper_characters(catalog, plan, FAMILY_OF_FOUR)
    print("write-less: characters for the family-of-four moving-in bundle")
    print(f"  paper forms, by hand (baseline): {paper}")
    print(f"  kiosk, typed by the citizen:     {typed}   ({typed / paper:.2f}x the paper; "
          f"{paper - typed} fewer)")
    # Each life event's typical scenario: practice mode's sample people (forms/practice).
    from datetime import date

    from kiosk.core.practice import load_personas

    print("write-less per life event (practice personas; paper = the same forms by hand)")
    order = list(catalog.events)  # the "why did you come" screen's order
    personas = sorted(load_personas(forms_dir(), catalog), key=lambda p: order.index(p.event_id))
    for persona in personas:
        answers = persona.answers_on(date.today())
        plan = plan_visit(catalog, persona.event_id, answers, counters)
        typed = typed_characters(catalog, plan, answers)
        paper = paper_characters(catalog, plan, answers)
        print(f"  {persona.event_id:13} {persona.id:28} forms {len(plan.forms)}  paper {paper:5}  "
              f"typed {typed:4}  ({typed / paper:.2f}x)")


if __name__ == "__main__":
    bench_qr()
    bench_write_less()
    bench_cold_start()
