"""The webcam, read in a worker thread: frames for the live preview, texts for the decoder.

The camera and decoder come from the composition root (kiosk.app), so this module knows
only two callables: ``open_camera()`` returning an object with ``read_frame()`` (a BGR
numpy array or None) and ``close()``, and ``decode(frame) -> list[str]``. Frames never
touch the disk. The worker stops on request or when the camera fails.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

log = logging.getLogger(__name__)


class CameraWorker(QThread):
    frame_ready = Signal(QImage)
    texts_found = Signal(list)
    failed = Signal(str)  # error code

    def __init__(self, open_camera: Callable[[], Any], decode: Callable[[Any], list[str]]) -> None:
        super().__init__()
        self._open_camera = open_camera
        self._decode = decode
        self._running = True

    def stop(self) -> None:
        self._running = False
        self.wait(3000)

    def run(self) -> None:
        try:
            camera = self._open_camera()
        except Exception as exc:  # noqa: BLE001 - any camera failure becomes a message
            self.failed.emit(getattr(getattr(exc, "code", None), "value", "CAMERA"))
            return
        last: tuple[str, ...] = ()
        try:
            while self._running:
                frame = camera.read_frame()
                if frame is None:
                    self.failed.emit("CAMERA_READ")
                    break
                height, width = frame.shape[:2]
                rgb = frame[:, :, ::-1].copy()
                image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
                self.frame_ready.emit(image)
                texts = tuple(self._decode(frame))
                if texts and texts != last:  # the same code held in view is reported once
                    self.texts_found.emit(list(texts))
                last = texts
        except Exception as exc:  # noqa: BLE001
            log.warning("camera stopped: %s", type(exc).__name__)
            self.failed.emit(getattr(getattr(exc, "code", None), "value", "CAMERA"))
        finally:
            camera.close()
