"""``kiosk staff``: the staff console for a counter PC (a normal desktop window)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.config import Config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("staff", help="the counter's staff console: scan tickets, read the forms")
    parser.add_argument("--keys", type=Path, help="folder of private key files (default: the configured one)")
    parser.add_argument(
        "--camera", default="0",
        help="webcam index or a video file for the camera button (default 0; 'none' to disable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from kiosk.app import run_staff

    return run_staff(config, keys_dir=args.keys, camera=None if args.camera == "none" else args.camera)
