"""Fixtures of the adapter tests: the default site's config, isolated in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config, load_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path)})
