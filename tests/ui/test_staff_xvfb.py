"""The real staff console in a real X window, fed by xdotool exactly as a USB scanner types."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import DEFAULT_COUNTERS
from kiosk.adapters.keys import init_keys, load_public_key
from kiosk.core.bundle import Bundle
from kiosk.core.forms import load_catalog, plan_visit, to_records
from kiosk.core.payload import encode_bundle
from kiosk.paths import forms_dir
from tests.data.family_of_four import FAMILY_OF_FOUR

pytestmark = pytest.mark.xvfb
ROOT = Path(__file__).resolve().parents[2]
COUNTERS = [counter.id for counter in DEFAULT_COUNTERS]


def ticket_text(number: str, public, key_id: int) -> str:
    catalog = load_catalog(forms_dir(), COUNTERS)
    plan = plan_visit(catalog, "moved_in", FAMILY_OF_FOUR, COUNTERS)
    bundle = Bundle(number, "vi", False, 1743984000, "kiosk-1", to_records(catalog, plan, FAMILY_OF_FOUR))
    (text,) = encode_bundle(bundle, public, key_id)
    return text


@pytest.fixture
def display():
    """A private Xvfb server for this test (a free display number), stopped afterwards."""
    assert shutil.which("Xvfb") and shutil.which("xdotool"), "scripts/test.sh installs xvfb and xdotool"
    for number in range(93, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    # -noreset: Xvfb otherwise resets (keyboard map included) whenever its last client
    # leaves, which would undo the full-width key map set up before the console starts.
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(10)


def xdotool(display: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=120, check=check)


def wait_for_window(display: str, title: str, timeout: float = 60, visible: bool = False) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = xdotool(display, "search", *(["--onlyvisible"] if visible else []), "--name", title, check=False)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(0.2)
    raise AssertionError(f"no window titled {title!r} appeared")


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
#: Spare keycodes (F14–F23 of the evdev map, absent from PC keyboards) for full-width digits.
FULL_WIDTH_KEYCODES = range(192, 202)


def map_full_width_digits(display: str) -> None:
    """Give ０–９ keys of their own, as a Japanese IME in full-width mode makes digits arrive.

    Without this, xdotool remaps one spare key for every full-width character it types,
    and Qt loses characters in that remapping race. Mapped once before the console
    starts, each full-width digit is an ordinary key press.
    """
    assert shutil.which("xmodmap"), "scripts/test.sh installs x11-xserver-utils (xmodmap)"
    expressions: list[str] = []
    for digit, keycode in zip(range(10), FULL_WIDTH_KEYCODES):
        expressions += ["-e", f"keycode {keycode} = UFF1{digit} UFF1{digit}"]
    subprocess.run(["xmodmap", *expressions], env={**os.environ, "DISPLAY": display}, check=True, timeout=30)


def start_console(display: str, tmp_path: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", KIOSK_DATA_DIR=str(tmp_path / "data"),
               KIOSK_CONFIG=str(tmp_path / "absent.toml"))
    console = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "staff", "--keys", str(tmp_path / "private"), "--camera", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return console, env


def test_scanner_typing_into_the_real_console_shows_the_forms(display, tmp_path: Path) -> None:
    """xdotool types two tickets' digits, each ending in Enter, into the real console: both decode."""
    init_keys(tmp_path / "private", tmp_path / "public.pem")
    key_id, public = load_public_key(tmp_path / "public.pem")
    console, env = start_console(display, tmp_path)
    try:
        window = wait_for_window(display, "窓口コンソール", visible=True)
        # No window manager runs here: give the console the keyboard focus as a click would.
        xdotool(display, "windowfocus", "--sync", window)
        # Two tickets in a row, as a scanner types them: digit keys, then Enter.
        for number in ("A-017", "A-018"):
            xdotool(display, "type", "--delay", "1", ticket_text(number, public, key_id))
            xdotool(display, "key", "Return")
            wait_for_window(display, number, timeout=60)
        shot = ROOT / "test-artifacts" / "staff-console-xvfb.png"
        shot.parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-c", (
            "import sys; from PySide6.QtGui import QGuiApplication; app = QGuiApplication(sys.argv);"
            f"app.primaryScreen().grabWindow(0).save({str(shot)!r})")],
            env={**env}, check=True, timeout=60)
    finally:
        console.terminate()
        output, _ = console.communicate(timeout=20)
    assert "Traceback" not in output, output


def test_full_width_digits_as_a_japanese_ime_sends_them_decode_too(display, tmp_path: Path) -> None:
    """A scanner behind an IME left in full-width mode types ０１２…: the console still decodes."""
    init_keys(tmp_path / "private", tmp_path / "public.pem")
    key_id, public = load_public_key(tmp_path / "public.pem")
    map_full_width_digits(display)
    console, _env = start_console(display, tmp_path)
    try:
        window = wait_for_window(display, "窓口コンソール", visible=True)
        xdotool(display, "windowfocus", "--sync", window)
        text = ticket_text("A-021", public, key_id).translate(FULL_WIDTH)
        assert text.isdigit() and not text.isascii()
        xdotool(display, "type", "--delay", "1", text)
        xdotool(display, "key", "Return")
        wait_for_window(display, "A-021", timeout=60)
    finally:
        console.terminate()
        output, _ = console.communicate(timeout=20)
    assert "Traceback" not in output, output
