"""The ``kiosk`` command line: the citizen kiosk by default, and the sub-commands.

It parses arguments, loads the configuration and hands over; the work is done by
kiosk.app (the GUI) and kiosk.commands.* (everything else). Expected failures end with
one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path
from typing import Sequence

from kiosk.config import ConfigError, load_config
from kiosk.core.errors import KioskError

#: Sub-command modules, in the order ``kiosk --help`` lists them.
COMMAND_MODULES = (
    "kiosk.commands.check_forms",
    "kiosk.commands.keys",
    "kiosk.commands.decode",
    "kiosk.commands.encode",
    "kiosk.commands.staff",
    "kiosk.commands.board",
    "kiosk.commands.congestion",
    "kiosk.commands.practice",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Smart Counter Kiosk: the citizen kiosk (default) and its tools."
    )
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    parser.add_argument("--windowed", action="store_true", help="run in a window (development)")
    parser.add_argument(
        "--demo", action="store_true", help="seed demo counters, waiting tickets and a demo key pair"
    )
    parser.add_argument("--verbose", action="store_true", help="log more (never personal data)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic narrates every start at INFO; only its warnings belong in a kiosk's log.
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        config = load_config(args.config)
        if args.demo:
            config = config.with_overrides(demo=True)
        if args.command is None:
            from kiosk.app import run_kiosk

            return run_kiosk(config, windowed=args.windowed)
        return int(args.func(args, config))
    except (ConfigError, KioskError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
