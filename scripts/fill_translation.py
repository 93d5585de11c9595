"""Fill one msgid's translations in every catalogue from a JSON map (dir → text).

Usage: .venv/bin/python scripts/fill_translation.py "English msgid" translations.json
Run scripts/update-catalogues.sh first so the entry exists (empty) in every .po file.
It edits only the empty msgstr of that msgid and leaves everything else byte-identical.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main(msgid: str, table: Path) -> int:
    translations = json.loads(table.read_text(encoding="utf-8"))
    for directory, text in translations.items():
        po = ROOT / "locales" / directory / "LC_MESSAGES" / "kiosk.po"
        content = po.read_text(encoding="utf-8")
        empty = f'msgid "{_quote(msgid)}"\nmsgstr ""\n'
        if empty not in content:
            print(f"{po}: no empty entry for {msgid!r}", file=sys.stderr)
            return 1
        po.write_text(content.replace(empty, f'msgid "{_quote(msgid)}"\nmsgstr "{_quote(text)}"\n'), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], Path(sys.argv[2])))
