"""Webcam reading for the staff console: capture frames with OpenCV, read QR texts with zxing-cpp.

``CameraSource`` wraps one ``cv2.VideoCapture`` (a device index or a video file) and turns
every OpenCV failure into a ``CameraError`` with a code; ``FrameDecoder`` reads the regular
QR codes in one frame; ``ScanLoop`` ties them together for a worker thread and reports each
new set of texts once. Choices come from measurements (research tech.md §2 and
bench/bench_decode.py): zxing-cpp reads large numeric symbols that OpenCV's own
QRCodeDetector misses, and one denoise-and-sharpen retry recovers defocused and dim frames.
This module is Qt-free and keeps no global state (several sources may run in several
threads); it returns the texts as decoded and never normalises, decrypts, logs or prints
them, because they carry personal data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import cv2
import numpy as np

from kiosk.adapters.qr_image import decode_image
from kiosk.core.errors import ErrorCode, KioskError


class CameraErrorCode(ErrorCode):
    NOT_FOUND = "CAMERA_001"  # no camera at that index, or no video file OpenCV can open
    READ_FAILED = "CAMERA_002"  # the source opened but stopped delivering frames


class CameraError(KioskError):
    """The camera or video cannot be used; the console shows a message and keyboard input still works."""


#: How long OpenCV may wait for a network or file stream to open or deliver a frame
#: (honoured by the FFmpeg backend and ignored by backends without a timeout).
STREAM_TIMEOUT_MS = 5000


class CameraSource:
    """Frames from one camera (``int`` device index) or one video file (``str``/``Path``).

    Construct it in the thread that will read it: opening a device is a blocking native
    call, and some Windows capture backends tie a device to the thread that opened it.
    ``close()`` may be called from any thread; a read in progress finishes first.
    """

    def __init__(
        self,
        source: int | str | Path,
        *,
        width: int | None = None,
        height: int | None = None,
        api_preference: int = cv2.CAP_ANY,
        max_failed_reads: int = 3,
    ) -> None:
        if isinstance(source, bool) or not isinstance(source, (int, str, Path)):
            raise TypeError("a camera source is a device index (int) or a video file path")
        self._is_file = not isinstance(source, int)
        self._max_failed_reads = max(1, max_failed_reads)
        self._lock = threading.Lock()
        self._closing = False
        self._capture = self._open(source, api_preference)
        if not self._is_file and width and height:
            # A request, not a promise: the driver picks the nearest mode it has.
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    @staticmethod
    def _open(source: int | str | Path, api_preference: int) -> cv2.VideoCapture:
        if isinstance(source, int):
            # Negative indices mean "any camera" to OpenCV, and on Linux they crash the
            # process inside the V4L2 backend (measured with OpenCV 5.0): refuse them here.
            if source < 0:
                raise CameraError(CameraErrorCode.NOT_FOUND, f"camera index {source} is not a device index")
            target: int | str = source
            what = f"camera {source}"
        else:
            path = Path(source)
            # Checked before OpenCV so that a typo is a clear NOT_FOUND, not a backend warning.
            if not path.is_file():
                raise CameraError(CameraErrorCode.NOT_FOUND, f"video file {path} does not exist")
            target = str(path)
            what = f"video file {path.name}"
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_TIMEOUT_MS]
        try:
            capture = cv2.VideoCapture(target, api_preference, params)
        except cv2.error as exc:
            raise CameraError(CameraErrorCode.NOT_FOUND, f"OpenCV cannot open {what} ({exc.code})") from None
        if not capture.isOpened():
            capture.release()
            raise CameraError(CameraErrorCode.NOT_FOUND, f"OpenCV cannot open {what}")
        return capture

    @property
    def is_file(self) -> bool:
        return self._is_file

    @property
    def frame_size(self) -> tuple[int, int]:
        """(width, height) the backend reports; (0, 0) once closed."""
        with self._lock:
            if self._capture is None:
                return (0, 0)
            return (int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))

    def read_frame(self) -> np.ndarray | None:
        """The next frame as a BGR ``uint8`` array (height × width × 3).

        None means the stream ended: the end of a video file, or ``close()`` was called.
        A camera that stops delivering frames raises ``CameraError`` READ_FAILED after
        ``max_failed_reads`` attempts in a row (a single dropped frame is normal for USB).
        """
        try:
            with self._lock:
                if self._capture is None:
                    return None
                for _ in range(self._max_failed_reads):
                    if self._closing:
                        return None
                    try:
                        ok, frame = self._capture.read()
                    except cv2.error as exc:
                        raise CameraError(CameraErrorCode.READ_FAILED, f"OpenCV failed to read a frame ({exc.code})") from None
                    if ok and frame is not None and frame.size:
                        return _as_bgr(frame)
                    if self._is_file:
                        return None  # a file that stops delivering frames has ended
                raise CameraError(
                    CameraErrorCode.READ_FAILED,
                    f"the camera delivered no frame in {self._max_failed_reads} attempts; is it unplugged or in use?",
                )
        finally:
            # close() from another thread during the read could not take the lock; the
            # flag it set is checked only after the lock is released, so one side always
            # sees the other and the device is released exactly once.
            if self._closing:
                self._release()

    def close(self) -> None:
        """Release the device or file; safe to call twice and from another thread."""
        self._closing = True
        if self._lock.acquire(blocking=False):
            try:
                self._release_locked()
            finally:
                self._lock.release()
        # Otherwise a read holds the lock; read_frame releases the device when it returns.

    def _release(self) -> None:
        with self._lock:
            self._release_locked()

    def _release_locked(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_bgr(frame: np.ndarray) -> np.ndarray:
    # Some backends hand over grey or BGRA frames (CAP_PROP_CONVERT_RGB off, some
    # virtual cameras); the contract is always three-channel BGR.
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


class FrameDecoder:
    """Texts of the regular QR codes in one frame, in reading order; [] when none is readable.

    The frame is read once as it is (in grey: zxing-cpp reads luminance anyway) and, only
    if nothing is found, once more after a light denoise (Gaussian sigma 0.8) and an
    unsharp mask (sigma 2, amount 1.5). On the degraded ticket video that retry turned
    17 of 240 failures into exact reads (defocus, low light); plain contrast
    normalisation, CLAHE, median filtering or downscaling recovered fewer.
    A frame costs a few milliseconds at 1280×720, far below the 100 ms that 10 decodes
    per second allow. Holds no state, so one instance may serve several threads.
    """

    def __init__(self, retry: bool = True) -> None:
        self._retry = retry

    def decode(self, frame: np.ndarray) -> list[str]:
        gray = _gray(frame)
        texts = decode_image(gray)
        if texts or not self._retry:
            return texts
        return decode_image(_denoise_and_sharpen(gray))


def _gray(frame: np.ndarray) -> np.ndarray:
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim not in (2, 3):
        raise ValueError("a frame is a uint8 numpy array, grey (H×W) or BGR/BGRA (H×W×3/4)")
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"a frame has 1, 3 or 4 channels, not {frame.shape[2]}")


def _denoise_and_sharpen(gray: np.ndarray) -> np.ndarray:
    smooth = cv2.GaussianBlur(gray, (0, 0), 0.8)
    return cv2.addWeighted(smooth, 2.5, cv2.GaussianBlur(smooth, (0, 0), 2.0), -1.5, 0)


@dataclass(frozen=True)
class ScanResult:
    """One frame for the preview, every text read in it, and those among them that are new."""

    frame: np.ndarray
    texts: tuple[str, ...]  # first seen in this frame (or back after being out of sight)
    visible: tuple[str, ...]  # everything read in this frame, in reading order


class ScanLoop:
    """Iterate over a source's frames, decoding each; report each text once while it stays in view.

    A ticket held under the camera is decoded in frame after frame: its text is reported
    in the first frame only, and again only after it has gone unread for more than
    ``forget_after`` frames in a row (one blurred frame in a steady view does not
    re-report it; taking the ticket away and showing it again does). Texts are tracked
    one by one, so the second code of a two-part payload is reported when it appears even
    while the first is still in view. Iteration ends when the source ends or ``stop()``
    is called (from any thread); the loop does not close the source. Texts are kept only
    as long as they are in view.
    """

    def __init__(self, source: CameraSource, decoder: FrameDecoder | None = None, *, forget_after: int = 10) -> None:
        self._source = source
        self._decoder = decoder or FrameDecoder()
        self._forget_after = max(0, forget_after)
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __iter__(self) -> Iterator[ScanResult]:
        last_seen: dict[str, int] = {}  # text -> index of the last frame it was read in
        index = 0
        while not self._stop.is_set():
            frame = self._source.read_frame()
            if frame is None:
                return
            visible = self._decoder.decode(frame)
            new = tuple(text for text in dict.fromkeys(visible) if text not in last_seen)
            for text in visible:
                last_seen[text] = index
            for text in [t for t, seen in last_seen.items() if index - seen >= self._forget_after + 1]:
                del last_seen[text]
            yield ScanResult(frame, new, tuple(visible))
            index += 1
