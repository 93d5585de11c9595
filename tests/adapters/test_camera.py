"""The staff webcam path: OpenCV capture → FrameDecoder (zxing-cpp) → ScanLoop, on generated video.

No camera is needed: tests/data/make_ticket_video.py writes an MJPG .avi of a version-20
ticket under realistic degradations, and CameraSource reads it through the same
``cv2.VideoCapture`` API a USB webcam goes through.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.adapters.camera import (
    CameraError,
    CameraErrorCode,
    CameraSource,
    FrameDecoder,
    ScanLoop,
)
from kiosk.adapters.qr_image import render_png
from tests.data.make_ticket_video import KINDS, TicketVideo, make_ticket_video

#: Measured with seed 2025 (OpenCV 5.0, zxing-cpp 3): 70 of 80 frames read exactly; the
#: misses are the strongest motion blur (≥ 8 px streaks) and defocus. Seeds 1–3 gave
#: 208/240. 80 % leaves room for codec differences between platforms, not for regressions.
MIN_READ_SHARE = 0.80


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> TicketVideo:
    return make_ticket_video(tmp_path_factory.mktemp("camera") / "ticket.avi", seed=2025)


@pytest.fixture(scope="module")
def frames(video: TicketVideo) -> list[np.ndarray]:
    with CameraSource(video.path) as source:
        out = []
        while (frame := source.read_frame()) is not None:
            out.append(frame)
    return out


def test_video_frames_come_back_through_opencv_capture(video: TicketVideo, frames: list[np.ndarray]) -> None:
    """CameraSource yields every frame of the file as 1280×720 BGR uint8, then None at the end."""
    assert len(frames) == len(video.kinds) == 10 * len(KINDS)
    assert all(f.shape == (720, 1280, 3) and f.dtype == np.uint8 for f in frames)
    assert video.version == 20 and len(video.payload) == 1554


def test_degraded_frames_decode_to_the_exact_payload(video: TicketVideo, frames: list[np.ndarray]) -> None:
    """The large majority of degraded frames read exactly; no frame ever reads a wrong text."""
    decoder = FrameDecoder()
    read: Counter[str] = Counter()
    wrong = []
    for index, frame in enumerate(frames):
        texts = decoder.decode(frame)
        if texts == [video.payload]:
            read[video.kinds[index]] += 1
        elif texts:
            wrong.append((index, video.kinds[index], [len(t) for t in texts]))
    per_kind = ", ".join(f"{kind} {read[kind]}/{len(video.frames_of(kind))}" for kind in KINDS)
    assert not wrong, f"frames read as something else (index, kind, text lengths): {wrong}"
    assert sum(read.values()) >= MIN_READ_SHARE * len(frames), f"read {sum(read.values())}/{len(frames)}: {per_kind}"
    assert read["clean"] == len(video.frames_of("clean")), per_kind


def test_retry_recovers_frames_the_first_pass_misses(video: TicketVideo, frames: list[np.ndarray]) -> None:
    """The denoise-and-sharpen retry reads defocused or dim frames that the plain pass cannot."""
    hard = [frames[i] for kind in ("defocus", "low_light", "far") for i in video.frames_of(kind)]
    plain = sum(FrameDecoder(retry=False).decode(f) == [video.payload] for f in hard)
    retried = sum(FrameDecoder().decode(f) == [video.payload] for f in hard)
    assert retried > plain, (plain, retried)


def test_missing_video_file_is_not_found_at_once(tmp_path: Path) -> None:
    """A path that does not exist raises CameraError NOT_FOUND without waiting."""
    started = time.monotonic()
    with pytest.raises(CameraError) as caught:
        CameraSource(tmp_path / "absent.avi")
    assert caught.value.code is CameraErrorCode.NOT_FOUND
    assert time.monotonic() - started < 2


def test_file_that_is_not_a_video_is_not_found(tmp_path: Path) -> None:
    """A file OpenCV cannot open as video is NOT_FOUND, not a cv2 exception."""
    path = tmp_path / "notes.avi"
    path.write_text("not a video", encoding="utf-8")
    with pytest.raises(CameraError) as caught:
        CameraSource(path)
    assert caught.value.code is CameraErrorCode.NOT_FOUND


@pytest.mark.parametrize("index", [99, -1])
def test_unopenable_device_index_is_not_found_at_once(index: int) -> None:
    """A camera index with no device (or a negative one, which crashes OpenCV's V4L2 backend) is NOT_FOUND quickly."""
    started = time.monotonic()
    with pytest.raises(CameraError) as caught:
        CameraSource(index)
    assert caught.value.code is CameraErrorCode.NOT_FOUND
    assert time.monotonic() - started < 3


def test_close_ends_the_stream_and_is_idempotent(video: TicketVideo) -> None:
    """After close() reads return None, close() may be repeated, and frame_size says (0, 0)."""
    source = CameraSource(video.path)
    assert source.is_file and source.frame_size == (1280, 720)
    assert source.read_frame() is not None
    source.close()
    source.close()
    assert source.read_frame() is None and source.frame_size == (0, 0)


def test_frame_decoder_takes_grey_and_bgra_and_refuses_other_arrays() -> None:
    """Grey and BGRA frames decode like BGR; a float array is a ValueError, not a decoder crash."""
    text = "20250407" * 4
    grey = cv2.imdecode(np.frombuffer(render_png(text, scale=4), np.uint8), cv2.IMREAD_GRAYSCALE)
    decoder = FrameDecoder()
    assert decoder.decode(grey) == [text]
    assert decoder.decode(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGRA)) == [text]
    assert decoder.decode(np.full((120, 160, 3), 255, np.uint8)) == []
    with pytest.raises(ValueError):
        decoder.decode(grey.astype(np.float32))


def _write_video(path: Path, scenes: list[list[str]]) -> None:
    """An MJPG video with one frame per scene, each showing its texts' codes side by side."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 360))
    for texts in scenes:
        frame = np.full((360, 640, 3), 200, np.uint8)
        for slot, text in enumerate(texts):
            code = cv2.imdecode(np.frombuffer(render_png(text, scale=5), np.uint8), cv2.IMREAD_COLOR)
            frame[40 : 40 + code.shape[0], 20 + 320 * slot : 20 + 320 * slot + code.shape[1]] = code
        writer.write(frame)
    writer.release()


def test_scan_loop_reports_each_text_once_while_in_view(tmp_path: Path) -> None:
    """A text is reported when it appears, not again while held (short gaps allowed), again after it left."""
    first, second = "1111122222", "3333344444"
    path = tmp_path / "scenes.avi"
    scenes = [[first], [first], [], [first], [], [], [first], [first, second], [first, second]]
    _write_video(path, scenes)
    with CameraSource(path) as source:
        results = list(ScanLoop(source, forget_after=1))
    assert [r.visible for r in results] == [tuple(s) for s in scenes]
    assert [r.texts for r in results] == [(first,), (), (), (), (), (), (first,), (second,), ()]


def test_scan_loop_stops_from_another_thread(video: TicketVideo) -> None:
    """stop() called from another thread ends the iteration before the file ends."""
    with CameraSource(video.path) as source:
        loop = ScanLoop(source)
        seen = 0
        for _ in loop:
            seen += 1
            if seen == 3:
                stopper = threading.Thread(target=loop.stop)
                stopper.start()
                stopper.join()
        assert loop.stopped and seen == 3
        assert source.read_frame() is not None  # the loop leaves the source open
