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


import uuid  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the real PostgreSQL that scripts/test.sh started.

    Without that server (pytest run by hand) the test is skipped, except under CI, where
    a missing server is a failure: CI must never pass by not testing PostgreSQL.
    """
    base = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("KIOSK_TEST_POSTGRES_URL is not set: scripts/test.sh starts PostgreSQL")
        pytest.skip("no test PostgreSQL (run the suite through scripts/test.sh)")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
    admin = dict(host=url.host, port=url.port, user=url.username, dbname=url.database)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def espeak():
    """The offline voice (espeak-ng) that scripts/test.sh installs; skipped by hand, failed in CI."""
    from kiosk.adapters.speech import EspeakSynth

    found = EspeakSynth.find()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is not installed: scripts/test.sh installs it")
        pytest.skip("espeak-ng is not installed (run the suite through scripts/test.sh)")
    return found
