"""An installed copy (the wheel) carries forms/, locales/, printing/ and assets/ and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_data_folders_and_finds_them(tmp_path: Path) -> None:
    """Built wheel → unpacked elsewhere → kiosk.paths points inside it and check-forms passes there."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("smart_counter_kiosk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("forms", "locales", "printing", "assets"):
        source_files = {
            f"kiosk/_data/{folder}/{p.relative_to(ROOT / folder).as_posix()}"
            for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        }
        assert source_files and source_files <= names, f"{folder}: {sorted(source_files - names)[:5]}"
    assert "kiosk/adapters/migrations/versions/0001_create_queue_tables.py" in names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    where = subprocess.run(
        [sys.executable, "-c", "import kiosk.paths as p; print(p.forms_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=60,
    )
    assert Path(where.stdout.strip()) == unpacked / "kiosk" / "_data" / "forms"
    check = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-forms"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "OK" in check.stdout
