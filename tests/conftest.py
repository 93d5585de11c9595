"""Suite-wide settings: Qt runs offscreen, and kiosk data goes to a temporary folder.

KIOSK_DATA_DIR keeps every test away from the developer's real platform data folder
(where a kiosk would keep its SQLite file and keys).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
os.environ.setdefault("KIOSK_DATA_DIR", tempfile.mkdtemp(prefix="kiosk-test-data-"))
