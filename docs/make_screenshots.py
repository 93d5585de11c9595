"""Render a screenshot of every screen of the moving-in visit into docs/screenshots/.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [--lang en]``.
It walks the real kiosk window with the family-of-four test answers, tapping buttons
and keys like the UI tests do, with an in-memory queue, a throwaway key pair and a
PNG printer in a temporary folder. One PNG per distinct screen; nothing else is kept.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class _Bot:
    """The two qtbot calls the test driver uses, without pytest."""

    @staticmethod
    def mouseClick(widget, button, *args) -> None:  # noqa: N802 (qtbot's name)
        QTest.mouseClick(widget, button, *args)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1920x1080", help="window size, e.g. 1920x1080 or 1080x1920")
    parser.add_argument("--text-scale", type=int, default=100, choices=(100, 150, 200), help="text size in percent")
    parser.add_argument("--high-contrast", action="store_true", help="the high-contrast theme")
    parser.add_argument("--practice", metavar="PERSONA", help="practice mode with this sample person (hints on)")
    args = parser.parse_args()
    prefix = args.lang + (f"-{args.text_scale}" if args.text_scale != 100 else "") + ("-hc" if args.high_contrast else "")
    prefix += "-practice" if args.practice else ""
    app = QApplication.instance() or QApplication([])

    from kiosk.adapters.escpos_printer import FilePrinter
    from kiosk.adapters.fake_queue import FakeQueueService
    from kiosk.adapters.keys import init_keys, load_public_key
    from kiosk.adapters.postal import PosutoAddressLookup
    from kiosk.app import build_kiosk
    from kiosk.config import load_config
    from tests.data.family_of_four import FAMILY_OF_FOUR as ANSWERS
    from tests.data.family_of_four import TODAY
    from tests.ui.kiosk_driver import KioskDriver

    work = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = load_config(work / "absent.toml", env={"KIOSK_DATA_DIR": str(work)})
    config = config.with_overrides(practice=bool(args.practice))
    init_keys(work / "private", work / "public.pem")
    class MorningOfTheVisit:
        """The fixture's answers are valid on its TODAY, so the screenshots live on that day."""

        def now(self) -> datetime:
            return datetime.combine(TODAY, time(9, 30), timezone(timedelta(hours=9)))

    queue = FakeQueueService(config, MorningOfTheVisit())
    for _ in range(3):  # a few people already waiting, so the waits are not all zero
        from kiosk.core.ticket import RouteStop

        queue.issue_ticket("moving", (RouteStop("residents", 1, ("tennyu",)),), "ja")
    controller, window = build_kiosk(
        config, queue=queue, printer=FilePrinter(work / "printed"), addresses=PosutoAddressLookup(),
        public_key=load_public_key(work / "public.pem"), clock=MorningOfTheVisit(),
    )
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob(f"{prefix}-[0-9]*.png"):
        old.unlink()
    shots = [0]

    def shoot(name: str) -> None:
        for _ in range(3):  # layouts settle over a few turns (ruby and scaled fonts re-measure)
            app.processEvents()
        shots[0] += 1
        path = args.out / f"{prefix}-{shots[0]:02d}-{name}.png"
        window.grab().save(str(path))
        print(path)

    driver = KioskDriver(_Bot(), window)
    while controller.state.appearance.text_scale != args.text_scale:
        driver.tap_named("text-size")
    if args.high_contrast:
        driver.tap_named("high-contrast")
    shoot("attract")
    QTest.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    if args.practice:
        shoot("persona")
        driver.tap_named(f"persona-{args.practice}")
    shoot("language")
    driver.tap_named(f"lang-{args.lang}")
    shoot("life-event")
    event = "moved_in"
    if args.practice:  # the sample person's own life event
        event = controller.personas[args.practice].event_id
    driver.tap_named(f"event-{event}")
    kinds_shot: set[str] = set()
    while driver.current_screen() == "QuestionScreen":
        question = window.question.input.question
        key = question.field.kind.value + ("-member" if question.member is not None else "")
        if key not in kinds_shot or question.member is None and question.field.kind.value == "yesno" and len(kinds_shot) < 3:
            kinds_shot.add(key)
            shoot(f"question-{question.path.replace('.', '-')}")
        if args.practice:  # tap what practice mode marks: the sample's answer, or Fill then Next
            target = window.practice_overlay.target
            if target is not None and target.objectName() == "fill-sample":
                QTest.mouseClick(target, Qt.MouseButton.LeftButton)
                app.processEvents()
                if key.startswith("text") and "filled" not in kinds_shot:
                    kinds_shot.add("filled")
                    shoot(f"question-{question.path.replace('.', '-')}-filled")
                target = window.practice_overlay.target
            QTest.mouseClick(target, Qt.MouseButton.LeftButton)
            continue
        driver.answer_current(ANSWERS)
    shoot("review")
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    controller.print_finished.connect(lambda _e: loop.quit())
    QTimer.singleShot(15000, loop.quit)
    driver.tap_named("confirm")
    loop.exec()
    shoot("ticket")
    controller.idle_warning.emit(25)
    shoot("idle-warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
