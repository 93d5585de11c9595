"""Webcam decoding figures: zxing-cpp (our FrameDecoder) against OpenCV's QRCodeDetector.

Run: ``.venv/bin/python bench/bench_decode.py [--seed N] [--frames-per-kind N]`` (about half a minute).

1. Every frame of the generated ticket video (tests/data/make_ticket_video.py: a version-20
   symbol of 1,554 digits, 1280×720 MJPG, read back through ``cv2.VideoCapture``), grouped
   by degradation: exact reads and median time per frame for FrameDecoder, for its first
   pass alone, for ``cv2.QRCodeDetector().detectAndDecode`` and for
   ``cv2.QRCodeDetectorAruco`` — all in the same run on the same frames. OpenCV raises on
   some payloads; an exception counts as a failure and is counted separately.
2. FrameDecoder throughput at 1280×720: over all frames, and over the frames it cannot
   read (the worst case, where the retry runs too).
3. The QR version and digit count of the real family-of-four moving-in bundle, sealed to a
   fresh X25519 key.
It prints figures only; it asserts nothing about time. The payloads are random digits and
an invented family; nothing personal is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.config import DEFAULT_COUNTERS
from kiosk import paths
from kiosk.adapters.camera import CameraSource, FrameDecoder
from kiosk.core.bundle import Bundle
from kiosk.core.forms import load_catalog, plan_visit, to_records
from kiosk.core.payload import encode_bundle
from kiosk.core.qr_symbol import make_symbol
from tests.data.family_of_four import FAMILY_OF_FOUR
from tests.data.make_ticket_video import KINDS, make_ticket_video

COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]


def _opencv_reader(detector: object) -> Callable[[np.ndarray], list[str]]:
    def read(frame: np.ndarray) -> list[str]:
        text, _points, _straight = detector.detectAndDecode(frame)  # type: ignore[attr-defined]
        return [text] if text else []

    return read


def _measure(read: Callable[[np.ndarray], list[str]], frames: list[np.ndarray], payload: str) -> list[tuple[bool, float, bool]]:
    """(exact read, seconds, raised) per frame."""
    out = []
    for frame in frames:
        started = time.perf_counter()
        raised = False
        try:
            texts = read(frame)
        except Exception:  # noqa: BLE001 - OpenCV raises cv2.error and UnicodeDecodeError on some symbols
            texts, raised = [], True
        out.append((texts == [payload], time.perf_counter() - started, raised))
    return out


def decoder_table(seed: int, frames_per_kind: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        video = make_ticket_video(Path(folder) / "ticket.avi", seed=seed, frames_per_kind=frames_per_kind)
        with CameraSource(video.path) as source:
            frames = []
            while (frame := source.read_frame()) is not None:
                frames.append(frame)
    print(
        f"1. Degraded ticket video: {len(frames)} frames {video.size[0]}x{video.size[1]} MJPG via cv2.VideoCapture, "
        f"QR version {video.version}, {len(video.payload)} digits, seed {seed}"
    )
    readers: dict[str, Callable[[np.ndarray], list[str]]] = {
        "FrameDecoder (zxing-cpp)": FrameDecoder().decode,
        "  first pass only": FrameDecoder(retry=False).decode,
        "cv2.QRCodeDetector": _opencv_reader(cv2.QRCodeDetector()),
        "cv2.QRCodeDetectorAruco": _opencv_reader(cv2.QRCodeDetectorAruco()),
    }
    results = {name: _measure(read, frames, video.payload) for name, read in readers.items()}
    header = f"{'kind':<12}" + "".join(f"{name.strip():>27}" for name in readers)
    print(header)
    for kind in (*KINDS, "total"):
        indices = range(len(frames)) if kind == "total" else video.frames_of(kind)
        cells = []
        for name in readers:
            rows = [results[name][i] for i in indices]
            ok = sum(r[0] for r in rows)
            raised = sum(r[2] for r in rows)
            median_ms = statistics.median(r[1] for r in rows) * 1000
            extra = f", {raised} raised" if raised else ""
            cells.append(f"{ok:>3}/{len(rows):<3} {median_ms:6.1f} ms{extra}")
        print(f"{kind:<12}" + "".join(f"{cell:>27}" for cell in cells))
    print("   (exact reads / frames, median time per frame; 'raised' = OpenCV exceptions, counted as failures)")

    ours = results["FrameDecoder (zxing-cpp)"]
    total = sum(r[1] for r in ours)
    misses = [r[1] for r in ours if not r[0]]
    print()
    print(f"2. FrameDecoder at {video.size[0]}x{video.size[1]}:")
    print(f"   all frames: {len(ours) / total:6.0f} decodes/s (mean {total / len(ours) * 1000:.1f} ms, max {max(r[1] for r in ours) * 1000:.1f} ms)")
    if misses:
        print(f"   unreadable frames (both passes run): {len(misses) / sum(misses):6.0f} decodes/s (max {max(misses) * 1000:.1f} ms)")


def family_of_four_symbol() -> None:
    catalog = load_catalog(paths.forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    records = to_records(catalog, plan, FAMILY_OF_FOUR)
    bundle = Bundle("A-017", "vi", False, 1743984000, "kiosk-1", records)
    texts = encode_bundle(bundle, X25519PrivateKey.generate().public_key(), 1)
    print()
    print(f"3. Family-of-four moving-in bundle ({', '.join(r.form_id for r in records)}): {len(texts)} code(s)")
    for text in texts:
        symbol = make_symbol(text)
        print(f"   {len(text)} digits -> QR version {symbol.version}-{symbol.error}, {symbol.size}x{symbol.size} modules")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--frames-per-kind", type=int, default=10)
    args = parser.parse_args(argv)
    print(f"OpenCV {cv2.__version__}, {cv2.getNumberOfCPUs()} CPU(s) visible to OpenCV")
    decoder_table(args.seed, args.frames_per_kind)
    family_of_four_symbol()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
