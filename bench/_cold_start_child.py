"""Child process of bench_kiosk.py: start a kiosk (or a bare Qt window) and report the
moment its first frame is painted, as time.time(), on stdout. Not a test.

``kiosk DIR`` reuses a data folder (a kiosk's daily start: database and keys exist);
``kiosk`` alone starts on a new empty folder (the first start ever: migrations run)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(kind: str, workdir: str | None = None) -> None:
    from PySide6.QtCore import QObject, QEvent, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([])

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                print(f"{time.time():.6f}", flush=True)
                QTimer.singleShot(0, app.quit)
                watched.removeEventFilter(self)
            return False

    if kind == "bare":
        window = QLabel("画面にタッチしてください")
    else:
        from kiosk.adapters.db import SqlQueueService, make_engine, sync_site, upgrade_database
        from kiosk.adapters.escpos_printer import NullPrinter
        from kiosk.adapters.keys import init_keys, load_public_key
        from kiosk.adapters.postal import PosutoAddressLookup
        from kiosk.app import SystemClock, build_kiosk
        from kiosk.config import load_config

        work = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
        config = load_config(work / "absent.toml", env={"KIOSK_DATA_DIR": str(work)})
        if not (work / "public.pem").exists():
            init_keys(work / "private", work / "public.pem")
        engine = make_engine(config.database_url)
        upgrade_database(engine)
        sync_site(engine, config)
        _, window = build_kiosk(
            config, queue=SqlQueueService(engine, config, SystemClock()), printer=NullPrinter(),
            addresses=PosutoAddressLookup(), public_key=load_public_key(work / "public.pem"),
        )
    paint = FirstPaint()
    window.installEventFilter(paint)
    window.resize(1280, 1024)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
