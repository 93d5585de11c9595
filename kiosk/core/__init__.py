"""Qt-free domain logic: forms, interviews, session state, QR payload, tickets, i18n.

Nothing here imports PySide6, a database driver, a printer library or kiosk.adapters /
kiosk.ui; an import-linter contract in pyproject.toml (checked by the tests) keeps it so.
"""
