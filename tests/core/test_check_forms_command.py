"""``kiosk check-forms``: exit codes and one line per problem, for the city's IT staff."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kiosk import paths
from kiosk.commands.check_forms import handler, register
from kiosk.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
TYPO = "'moved_frm' is not a field; did you mean 'moved_from'?"


def _config(tmp_path: Path) -> Config:
    return load_config(tmp_path / "absent.toml", env={"KIOSK_DATA_DIR": str(tmp_path)})


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["check-forms", *argv])


def _broken_forms(tmp_path: Path) -> Path:
    target = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), target)
    tennyu = target / "tennyu.yaml"
    text = tennyu.read_text(encoding="utf-8")
    tennyu.write_text(text.replace("{field: moved_from, equals: domestic}", "{field: moved_frm, equals: domestic}"), encoding="utf-8")
    return target


def test_real_forms_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped forms check clean and the summary counts them."""
    assert handler(_args(), _config(tmp_path)) == 0
    forms = len([p for p in paths.forms_dir().glob("*.yaml") if p.name != "facts.yaml"])
    events = len(list((paths.forms_dir() / "events").glob("*.yaml")))
    facts = len(yaml.safe_load((paths.forms_dir() / "facts.yaml").read_text(encoding="utf-8"))["facts"])
    assert forms >= 20 and events >= 7 and facts >= 30  # the whole counter, not a demo subset
    assert capsys.readouterr().out.strip() == f"{forms} forms, {facts} facts, {events} life events: OK"


def test_broken_forms_fail_and_say_what_to_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in a show_if exits 1 with the file, the path and the suggestion."""
    forms = _broken_forms(tmp_path)
    assert handler(_args("--forms", str(forms)), _config(tmp_path)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"FORM_004 tennyu.yaml fields[19].show_if.field: {TYPO}" in lines
    assert lines[-1].startswith("1 problem(s) in 1 file(s)")


def test_languages_option_requires_more_translations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--languages adds required languages; a missing translation is a problem."""
    assert handler(_args("--languages", "ja,en,ko"), _config(tmp_path)) == 0
    forms = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), forms)
    (forms / "translations" / "ko.po").unlink()
    capsys.readouterr()
    assert handler(_args("--forms", str(forms), "--languages", "ja,en,ko"), _config(tmp_path)) == 1
    assert "FORM_017 tennyu.yaml title.ko:" in capsys.readouterr().out


def _cli_available() -> bool:
    try:
        from kiosk.cli import build_parser

        build_parser()
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _cli_available(), reason="kiosk.cli or one of its commands is not importable yet")
def test_python_m_kiosk_check_forms(tmp_path: Path) -> None:
    """The real command line exits 1 on a broken folder and prints the fix."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "KIOSK_DATA_DIR": str(tmp_path), "KIOSK_CONFIG": str(tmp_path / "absent.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-forms", "--forms", str(_broken_forms(tmp_path))],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert TYPO in result.stdout
