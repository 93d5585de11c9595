"""``kiosk practice``: the citizen kiosk as a teaching tool (smartphone classes, floor guides).

Sample people, 見本 SAMPLE on every screen and ticket, hints and an instructor bar; no
database server or printer needed, and nothing reaches the live queue (kiosk.app).
The same mode starts from the configuration with ``practice = true`` under [site].
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.config import Config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "practice", help="practice mode for smartphone classes: sample people, hints, nothing real"
    )
    parser.add_argument("--windowed", action="store_true", help="run in a window (a laptop, a projector)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from kiosk.app import run_practice

    return run_practice(config, windowed=args.windowed)
