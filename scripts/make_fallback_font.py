"""Build assets/fonts/KioskCJKFallback-Regular.otf: the CJK characters BIZ UD lacks.

BIZ UDGothic covers JIS X 0208/0213 but not, for example, 𠮷 (U+20BB7), which real
residents' names contain, nor Hangul or the simplified Chinese characters the kiosk's
Korean and Chinese screens need. This takes Noto Sans CJK JP (SIL OFL 1.1, Debian's
fonts-noto-cjk) and keeps only the characters of RANGES that BIZ UD PGothic lacks: about
31,700 characters, 10 MB, instead of the whole 16 MB face. (Simplified characters are
drawn in the Japanese design of the face: readable, if not the shapes a Chinese reader
expects; a Chinese face would be a later refinement.) The subset is renamed "Kiosk CJK
Fallback" (a modified version under the OFL) so it never shadows an installed Noto.

Run (developers only; needs `pip install fonttools` and fonts-noto-cjk):
    .venv/bin/python scripts/make_fallback_font.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "assets" / "fonts" / "KioskCJKFallback-Regular.otf"
FAMILY = "Kiosk CJK Fallback"


RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs: the simplified and traditional ones BIZ UD lacks
    (0xAC00, 0xD7A3),  # Hangul syllables (한국어)
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK Extension B and later: 𠮷 and other characters of real names
)


def wanted(codepoint: int) -> bool:
    return any(low <= codepoint <= high for low, high in RANGES)


def main() -> None:
    covered = set()
    for path in sorted((ROOT / "assets" / "fonts").glob("BIZUD*.ttf")):
        covered |= set(TTFont(path).getBestCmap())
    index = next(
        i for i in range(10)
        if TTFont(SOURCE, fontNumber=i)["name"].getDebugName(4) == "Noto Sans CJK JP"
    )
    font = TTFont(SOURCE, fontNumber=index)
    codepoints = sorted(c for c in font.getBestCmap() if wanted(c) and c not in covered)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 4):
            names.setName(f"{FAMILY} Regular", record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName("KioskCJKFallback-Regular", record.nameID, record.platformID, record.platEncID, record.langID)
    font.save(OUT)
    print(f"{OUT.relative_to(ROOT)}: {len(codepoints)} characters, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
