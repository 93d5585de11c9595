"""The ``kiosk`` sub-commands. Each module exposes ``register(subparsers)``; kiosk.cli lists them."""
