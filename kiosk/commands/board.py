"""``kiosk board``: the lobby display of numbers called, for a PC driving a large screen.

It opens the configured queue database (migrated and synced like the kiosk does) and
hands it to the board UI (kiosk.ui.staff.board_controller). It must not import Qt itself
(commands stay Qt-free; the UI module owns the window) nor change the queue: the board
only reads.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.config import Config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "board", help="the lobby display board: numbers called to each counter, waits, chime"
    )
    parser.add_argument(
        "--windowed", action="store_true", help="run in a window instead of full screen (development)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    return run_board(config, windowed=args.windowed)


def run_board(config: Config, windowed: bool = False) -> int:
    """Start the board on the configured queue database until its window is closed."""
    from kiosk.adapters.db import SystemClock
    from kiosk.adapters.speech import EspeakSynth
    from kiosk.app import open_queue
    from kiosk.ui.staff.board_controller import run_board_app

    config.data_dir.mkdir(parents=True, exist_ok=True)
    clock = SystemClock()
    # A board that boots before the database shows "paused" and recovers (see open_queue).
    return run_board_app(config, open_queue(config, clock), clock, windowed=windowed, synth=EspeakSynth.find())
