"""``kiosk congestion export``: publish current waits and busy hours as JSON and HTML.

It reads the configured queue database (the board snapshot and hourly statistics),
builds the anonymous document of ``kiosk.core.congestion`` and writes
``congestion.json`` and ``congestion.html`` atomically (a temporary file in the same
folder, then ``os.replace``), so a web server or lobby browser never reads half a file.
With ``--every SECONDS`` it repeats until Ctrl+C. It must not change the queue (no
migration, no site sync: a publishing PC only reads), and a database outage writes
nothing new and prints one line, never a traceback; the next round tries again.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.core.errors import KioskError
from kiosk.core.ports import Clock

JSON_NAME = "congestion.json"
HTML_NAME = "congestion.html"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "congestion", help="publish anonymous counter waits and busy hours (JSON and HTML)"
    )
    actions = parser.add_subparsers(dest="congestion_action", metavar="ACTION")
    export = actions.add_parser(
        "export", help="write congestion.json and congestion.html for a website or lobby screen"
    )
    export.add_argument(
        "--out", type=Path, help="output folder (default: the data folder's public/ folder)"
    )
    export.add_argument(
        "--every", type=_positive_seconds, metavar="SECONDS",
        help="repeat every SECONDS until interrupted (Ctrl+C)",
    )
    export.set_defaults(func=run)
    parser.set_defaults(func=lambda _args, _config: _usage(parser))


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("--every must be more than 0 seconds")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("kiosk congestion: choose an action, e.g. 'kiosk congestion export'", file=sys.stderr)
    return 2


def run(args: argparse.Namespace, config: Config) -> int:
    out_dir = args.out if args.out is not None else config.data_dir / "public"
    return run_export(config, out_dir, every=args.every)


def run_export(
    config: Config,
    out_dir: Path,
    every: float | None = None,
    *,
    clock: Clock | None = None,
    timezone: str | None = None,
    max_rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Export once (``every`` None) or every ``every`` seconds; the exit code.

    ``max_rounds`` bounds the loop (tests); otherwise it runs until Ctrl+C, which ends
    with 0. A single export returns 1 when the database or the folder failed.
    """
    from kiosk.adapters.db import (
        DEFAULT_TIMEZONE,
        SqlQueueService,
        SystemClock,
        make_engine,
    )

    zone_name = timezone or DEFAULT_TIMEZONE
    engine = make_engine(config.database_url)
    service = SqlQueueService(engine, config, clock or SystemClock(), timezone=zone_name)
    rounds = 0
    ok = False
    try:
        while True:
            started = time.monotonic()
            ok = export_once(service, engine, config, out_dir, zone_name)
            rounds += 1
            if every is None or (max_rounds is not None and rounds >= max_rounds):
                break
            sleep(max(0.0, every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        print("kiosk congestion: stopped", file=sys.stderr)
        return 0
    finally:
        engine.dispose()
    return 0 if ok or every is not None else 1


def export_once(service: Any, engine: Any, config: Config, out_dir: Path, zone_name: str) -> bool:
    """Read, build and write both files; on failure print one line and write nothing."""
    from kiosk.adapters.congestion_stats import (
        check_sqlite_file,
        hourly_counts,
        same_weekday_days,
    )
    from kiosk.core.congestion import build_document, render_html

    try:
        check_sqlite_file(engine)
        day = service.business_day()
        snapshot = service.board_snapshot(recent=0)
        past = same_weekday_days(day)
        counts = hourly_counts(engine, [day, *past], timezone=zone_name)
    except KioskError as exc:
        print(f"kiosk congestion: {exc}; nothing written, will try again", file=sys.stderr)
        return False
    document = build_document(
        snapshot, config, ZoneInfo(zone_name), counts[day], [counts[d] for d in past]
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(out_dir / JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        write_atomic(out_dir / HTML_NAME, render_html(document))
    except OSError as exc:
        print(f"kiosk congestion: cannot write to {out_dir}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``target``, then replace it.

    Same folder, so os.replace is a rename on one volume and readers see either the old
    file or the new one. On Windows a reader holding the file open can make the rename
    fail for a moment, so it is retried briefly.
    """
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file private (0600); a web server must be able to read it.
        os.chmod(temp, 0o644)
        for attempt in range(5):
            try:
                os.replace(temp, target)
                break
            except PermissionError:
                if attempt == 4:
                    raise
                time.sleep(0.1)
    finally:
        temp.unlink(missing_ok=True)
