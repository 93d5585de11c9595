"""Benchmark: furigana accuracy on the known-reading fixture, and annotate() time per text.

Prints, from one run: accuracy of SudachiPy alone and with the override table, the
accuracy on the fixture entries that are NOT in the override table (the honest figure),
how many fixture entries the table also lists, the misses, and timings. Prints figures
only; it asserts nothing about time.

    .venv/bin/python bench/bench_furigana.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.furigana import analyser_only, annotate, load_overrides, to_hiragana

FIXTURE = ROOT / "tests" / "data" / "furigana_words.tsv"
SENTENCES = (
    "転入届を出すときは、本人確認書類と在留カードを窓口に持ってきてください。",
    "番号札をお取りになり、受付票の番号が呼ばれるまでお待ちください。",
    "世帯主との続柄と、方書（マンション名など）を書いてください。",
    "国民健康保険と児童手当の手続きは、二番の窓口です。",
)


def _reading(segments) -> str:
    return "".join(s.reading if s.reading is not None else to_hiragana(s.base) for s in segments)


def main() -> None:
    rows = [
        tuple(line.split("\t"))
        for line in FIXTURE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    started = time.perf_counter()
    annotate("住所")  # loads the dictionary and the table
    load_ms = (time.perf_counter() - started) * 1000
    table = load_overrides()
    in_table = [surface for surface, _ in rows if surface in table]

    for label, function in (("analyser alone", analyser_only), ("analyser + overrides", annotate)):
        misses = [(s, r, _reading(function(s))) for s, r in rows if _reading(function(s)) != r]
        outside = [m for m in misses if m[0] not in table]
        print(f"{label:22s} {len(rows) - len(misses)}/{len(rows)} = {1 - len(misses) / len(rows):.1%}"
              f"   (on the {len(rows) - len(in_table)} entries not in the table: "
              f"{1 - len(outside) / (len(rows) - len(in_table)):.1%})")
        for surface, expected, got in misses:
            print(f"    miss: {surface}  expected {expected}  got {got}")
    print(f"override table: {len(table)} entries; {len(in_table)} of {len(rows)} fixture entries are also in it")

    for text in (SENTENCES[0], rows[0][0]):
        times = []
        for _ in range(200):
            started = time.perf_counter()
            annotate(text)
            times.append((time.perf_counter() - started) * 1000)
        print(f"annotate, {len(text):2d} chars: median {statistics.median(times):.3f} ms,"
              f" max {max(times):.3f} ms (200 runs)")
    started = time.perf_counter()
    for surface, _ in rows:
        annotate(surface)
    fixture_ms = (time.perf_counter() - started) * 1000
    print(f"whole fixture: {fixture_ms:.1f} ms for {len(rows)} texts ({fixture_ms / len(rows):.3f} ms each)")
    print(f"first call (dictionary + table load): {load_ms:.0f} ms")


if __name__ == "__main__":
    main()
