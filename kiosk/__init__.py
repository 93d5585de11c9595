"""Smart Counter Kiosk: write-less, wait-less city-hall counters.

The package is layered (see docs/architecture.md): ``kiosk.core`` is Qt-free domain
logic, ``kiosk.adapters`` does real I/O behind the protocols in ``kiosk.core.ports``,
``kiosk.ui`` is the only package that imports PySide6, and ``kiosk.app`` wires them.
"""

__version__ = "0.1.0"
