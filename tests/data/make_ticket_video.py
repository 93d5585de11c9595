"""Make a short webcam-like video of a ticket, for the camera tests and the decode bench.

Every frame shows a white 80 mm ticket slip carrying a real version-20 QR symbol (from
``kiosk.core.qr_symbol.make_symbol``) of 1,554 random digits, the size of the encrypted
family-of-four moving-in bundle. The slip is placed with a pinhole-camera model (distance,
tilt, in-plane rotation) on a desk, then degraded the way a staff webcam degrades it:
perspective tilt, motion blur, defocus, glare on glossy thermal paper, low light with
sensor noise, a far-away (small) slip, and rotation. Severity grows within each kind over
a realistic range, so the hardest frames are meant to fail sometimes. Frames are written
through ``cv2.VideoWriter`` as MJPG in an .avi, so reading goes through OpenCV's capture API
and JPEG artefacts come for free, as with a real USB webcam. Everything is seeded: the same
seed gives the same payload and the same frames. The payload is random digits, never
personal data. It must not be used as evidence about real cameras without saying so.

Run: ``python tests/data/make_ticket_video.py OUT.avi [--seed N] [--frames-per-kind N]``
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

if __name__ == "__main__":  # run as a script: make ``kiosk`` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.core.qr_symbol import make_symbol

#: The degradation kinds, in the order they appear in the video.
KINDS = ("clean", "tilt", "motion_blur", "defocus", "glare", "low_light", "far", "rotation")

#: Digits of the sealed family-of-four bundle (bench_decode.py measures the real one).
PAYLOAD_DIGITS = 1554
WIDTH, HEIGHT = 1280, 720
FPS = 10
#: Focal length in pixels of a 1280×720 webcam with a ~65° horizontal field of view.
FOCAL_PX = 1000.0
MODULE_MM = 0.5  # the ticket printer draws 0.5 mm modules (QR-HANDOFF.md)
SLIP_MM = (80.0, 110.0)  # 80 mm thermal roll; length around the code and the number
#: Distance that makes a module about 4 px wide: a slip held close to a desk webcam.
NEAR_MM = FOCAL_PX * MODULE_MM / 4.0
#: Pixels per millimetre of the slip texture before projection (oversampled, then warped).
TEXTURE_PX_PER_MM = 16


@dataclass(frozen=True)
class TicketVideo:
    path: Path
    payload: str
    kinds: tuple[str, ...]  # the degradation kind of each frame, in frame order
    version: int  # QR version of the payload at ECC M
    size: tuple[int, int]  # width, height

    def frames_of(self, kind: str) -> list[int]:
        return [index for index, k in enumerate(self.kinds) if k == kind]


def random_payload(rng: np.random.Generator, digits: int = PAYLOAD_DIGITS) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=digits))


def _slip_texture(payload: str) -> np.ndarray:
    """The printed slip, flat and head-on, grayscale uint8 at TEXTURE_PX_PER_MM."""
    s = TEXTURE_PX_PER_MM
    width, height = int(SLIP_MM[0] * s), int(SLIP_MM[1] * s)
    slip = np.full((height, width), 247, np.uint8)  # thermal paper is not pure white
    symbol = make_symbol(payload)
    modules = np.array(symbol.modules, dtype=bool)
    module_px = int(MODULE_MM * s)
    qr = np.where(np.kron(modules, np.ones((module_px, module_px), bool)), 30, 247).astype(np.uint8)
    top = int(32 * s)
    left = (width - qr.shape[1]) // 2
    slip[top : top + qr.shape[0], left : left + qr.shape[1]] = qr
    # Printed matter above the code: the ticket number and a few lines, to give the
    # detector the clutter a real slip has (finder-like blobs in text are a real risk).
    cv2.putText(slip, "A-017", (int(18 * s), int(20 * s)), cv2.FONT_HERSHEY_DUPLEX, 5.5, 30, 12, cv2.LINE_AA)
    for row in range(2):
        y = int((24 + 3.5 * row) * s)
        cv2.putText(slip, "COUNTER 1 > 3 > 5", (int(10 * s), y), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 40, 3, cv2.LINE_AA)
    y = top + qr.shape[0] + int(6 * s)
    cv2.putText(slip, "2025-04-07 09:12  kiosk-1", (int(10 * s), y), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 40, 3, cv2.LINE_AA)
    # Thermal print is slightly soft at the dot edges (about 0.05 mm).
    return cv2.GaussianBlur(slip, (0, 0), 0.05 * s)


def _desk(rng: np.random.Generator) -> np.ndarray:
    """A grey-brown desk with a lighting gradient and fine texture, BGR."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    base = 105 + 35 * (xx / WIDTH) - 20 * (yy / HEIGHT)
    grain = cv2.GaussianBlur(rng.standard_normal((HEIGHT, WIDTH), dtype=np.float32) * np.float32(12), (0, 0), 3)
    gray = base + grain
    desk = np.stack([gray * 0.85, gray * 0.95, gray * 1.05], axis=-1)
    return np.clip(desk, 0, 255)


class _Noise:
    """Gaussian sensor noise: random windows of one seeded bank (drawing fresh normal
    samples for every 1280×720×3 frame would dominate the generation time)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._bank = rng.standard_normal((HEIGHT + 97, WIDTH + 101, 3), dtype=np.float32)

    def __call__(self, sd: float, shape: tuple[int, ...]) -> np.ndarray:
        y, x = int(self._rng.integers(0, 97)), int(self._rng.integers(0, 101))
        window = self._bank[y : y + shape[0], x : x + shape[1]]
        window = window if len(shape) == 3 else window[..., int(self._rng.integers(0, 3))]
        return window * np.float32(sd)


def _project(distance: float, rx: float, ry: float, rz: float, cx: float, cy: float) -> np.ndarray:
    """Image corners of the slip (mm plane, centred on the code) seen by a pinhole camera."""
    w, h = SLIP_MM
    code_centre_y = 32 + 97 * MODULE_MM / 2  # mm from the slip's top to the code centre
    corners = np.array(
        [[-w / 2, -code_centre_y, 0], [w / 2, -code_centre_y, 0], [w / 2, h - code_centre_y, 0], [-w / 2, h - code_centre_y, 0]]
    )
    a, b, c = (math.radians(v) for v in (rx, ry, rz))
    rot_x = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    rot_y = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rot_z = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    world = corners @ (rot_z @ rot_y @ rot_x).T + np.array([0.0, 0.0, distance])
    return np.stack(
        [cx + FOCAL_PX * world[:, 0] / world[:, 2], cy + FOCAL_PX * world[:, 1] / world[:, 2]], axis=1
    ).astype(np.float32)


def _place(desk: np.ndarray, slip: np.ndarray, corners: np.ndarray) -> np.ndarray:
    h, w = slip.shape
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    homography = cv2.getPerspectiveTransform(source, corners)
    # A sensor pixel averages the light over its area; warpPerspective samples points
    # (INTER_AREA does not apply to warps), so pre-blur the texture by the mean shrink
    # factor or small slips would alias into a falsely sharp checkerboard.
    shrink = math.sqrt(w * h / max(cv2.contourArea(corners), 1.0))
    if shrink > 1:
        slip = cv2.GaussianBlur(slip, (0, 0), 0.5 * shrink)
    warped = cv2.warpPerspective(slip, homography, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR).astype(np.float32)
    mask = cv2.warpPerspective(np.full_like(slip, 255), homography, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    alpha = mask.astype(np.float32) / np.float32(255)
    # Paper under the room light is slightly warm.
    paper = cv2.merge([warped * np.float32(0.96), warped * np.float32(0.99), warped])
    return cv2.blendLinear(paper, desk, alpha, np.float32(1) - alpha)


def _motion_kernel(length: float, angle: float) -> np.ndarray:
    size = math.ceil(length) | 1
    kernel = np.zeros((size, size), np.float32)
    centre = size // 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for t in np.linspace(-length / 2, length / 2, size * 4):
        kernel[round(float(centre + t * dy)), round(float(centre + t * dx))] += 1
    return kernel / kernel.sum()


def _frame(kind: str, severity: float, rng: np.random.Generator, slip: np.ndarray, desk: np.ndarray, noise: _Noise) -> np.ndarray:
    """One frame of ``kind``; ``severity`` runs 0 → 1 over the kind's frames."""
    # A hand-held slip never sits still: a little offset, tilt and turn on every frame.
    distance = NEAR_MM * rng.uniform(0.95, 1.08)
    rx, ry, rz = rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(-4, 4)
    cx, cy = WIDTH / 2 + rng.uniform(-60, 60), HEIGHT / 2 + rng.uniform(-25, 25)
    if kind == "tilt":  # slip leaning back or sideways: 15° … 50°
        angle = 15 + 35 * severity
        if rng.random() < 0.5:
            rx = angle * rng.choice([-1, 1])
        else:
            ry = angle * rng.choice([-1, 1])
        distance *= 1.05
    elif kind == "far":  # module width from about 2.8 px down to 1.6 px
        distance = FOCAL_PX * MODULE_MM / (2.8 - 1.2 * severity)
    elif kind == "rotation":  # any in-plane turn
        rz = rng.uniform(0, 360)
    frame = _place(desk, slip, _project(distance, rx, ry, rz, cx, cy))
    # Webcam optics are never perfectly sharp.
    frame = cv2.GaussianBlur(frame, (0, 0), 0.5)
    if kind == "motion_blur":  # slip moved during a 1/30 s exposure: 3 … 12 px streak
        frame = cv2.filter2D(frame, -1, _motion_kernel(3 + 9 * severity, rng.uniform(0, 180)))
    elif kind == "defocus":  # slip closer than the fixed-focus lens: sigma 1.0 … 2.6 px
        frame = cv2.GaussianBlur(frame, (0, 0), 1.0 + 1.6 * severity)
    elif kind == "glare":  # a ceiling light reflected by glossy thermal paper
        yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
        gx, gy = cx + rng.uniform(-120, 120), cy + rng.uniform(-120, 120)
        ax, ay = rng.uniform(40, 80) * (1 + severity), rng.uniform(25, 50) * (1 + severity)
        theta = math.radians(rng.uniform(0, 180))
        u = ((xx - gx) * math.cos(theta) + (yy - gy) * math.sin(theta)) / ax
        v = (-(xx - gx) * math.sin(theta) + (yy - gy) * math.cos(theta)) / ay
        strength = 150 + 150 * severity  # the core saturates: modules there are lost
        frame = frame + (np.float32(strength) * np.exp(-(u * u + v * v)))[..., None]
    elif kind == "low_light":  # dim room, high sensor gain: darker, flatter and noisier
        gain = 0.45 - 0.3 * severity
        frame = frame * np.float32(gain) + 6
        frame += noise(3 + 7 * severity, frame.shape)  # colour noise
        frame += noise(2 + 4 * severity, frame.shape[:2])[..., None]  # luma noise
    else:  # every frame carries a little sensor noise
        frame += noise(2.0, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def make_ticket_video(path: Path | str, seed: int = 2025, frames_per_kind: int = 10) -> TicketVideo:
    """Write the video to ``path`` (.avi, MJPG) and describe it; deterministic per seed."""
    path = Path(path)
    rng = np.random.default_rng(seed)
    payload = random_payload(rng)
    slip = _slip_texture(payload)
    desk = _desk(rng)
    noise = _Noise(rng)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MJPG video to {path}")
    # Typical USB-webcam MJPG quality (the default, 95, would hide the artefacts).
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 80)
    kinds: list[str] = []
    try:
        for kind in KINDS:
            for index in range(frames_per_kind):
                severity = index / max(frames_per_kind - 1, 1)
                writer.write(_frame(kind, severity, rng, slip, desk, noise))
                kinds.append(kind)
    finally:
        writer.release()
    return TicketVideo(path, payload, tuple(kinds), make_symbol(payload).version, (WIDTH, HEIGHT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the .avi file to write")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--frames-per-kind", type=int, default=10)
    args = parser.parse_args(argv)
    video = make_ticket_video(args.out, args.seed, args.frames_per_kind)
    print(
        f"{video.path}: {len(video.kinds)} frames {video.size[0]}x{video.size[1]}, "
        f"{len(KINDS)} kinds x {args.frames_per_kind}, QR version {video.version}, {len(video.payload)} digits"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
