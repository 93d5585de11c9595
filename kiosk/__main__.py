"""Allows ``python -m kiosk``; the real entry point is kiosk.cli.main."""

from kiosk.cli import main

raise SystemExit(main())
