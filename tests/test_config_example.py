"""config.example.toml stays loadable and equal to the built-in defaults, and bad settings are named.

The example file is what a city's IT section copies; if it drifted from kiosk/config.py
(a renamed key, a changed default), a site would silently run with other values than the
documentation promises. Every comparison passes ``env={}`` so the host's KIOSK_*
variables cannot mask a difference.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from kiosk.config import ALL_LANGUAGES, DEFAULT_COUNTERS, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"

# A commented-out setting in the example: "#key = value" with no space after "#", which
# prose comments ("# Must include ...") never match.
COMMENTED_SETTING = re.compile(r"^#(?P<key>[a-z_]+) = (?P<value>.+)$")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_loads_and_equals_defaults_field_by_field() -> None:
    """Every Config field read from the example equals the value with no file at all."""
    assert EXAMPLE.is_file()
    from_example = load_config(EXAMPLE, env={})
    defaults = load_config(ROOT / "nonexistent.toml", env={})
    # data_dir and the paths derived from it (database URL, key paths) are compared too:
    # the example leaves them commented out, so both sides derive them from the same
    # platform data folder.
    names = [f.name for f in dataclasses.fields(defaults)]
    assert "database_url" in names and "data_dir" in names
    for name in names:
        assert getattr(from_example, name) == getattr(defaults, name), name


def test_example_sets_every_section_explicitly() -> None:
    """The example spells out each section, counters and services rather than relying on defaults."""
    import tomllib

    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(raw) == {"site", "kiosk", "database", "keys", "printer", "counters", "services", "payment", "fees"}
    assert tuple(raw["site"]["languages"]) == ALL_LANGUAGES
    assert [c["id"] for c in raw["counters"]] == ["residents", "insurance", "children", "mynumber", "tax", "elderly"]
    assert [s["letter"] for s in raw["services"]] == ["A", "B", "C", "D"]


def test_commented_out_settings_load_when_uncommented(tmp_path: Path) -> None:
    """Each "#key = value" line in the example is valid TOML that reaches its Config field."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    found = {m["key"] for line in lines if (m := COMMENTED_SETTING.match(line))}
    assert found == {"data_dir", "url", "public_key", "private_keys_dir"}
    uncommented = [line[1:] if COMMENTED_SETTING.match(line) else line for line in lines]
    config = load_config(_write(tmp_path, "\n".join(uncommented)), env={})
    assert config.data_dir == Path(r"C:\ProgramData\smart-counter-kiosk")
    assert config.database_url.startswith("postgresql+psycopg://")
    assert config.public_key_path == Path(r"C:\ProgramData\smart-counter-kiosk\keys\counter-public.pem")
    assert config.private_keys_dir == Path(r"C:\ProgramData\smart-counter-kiosk\keys\private")


def test_unknown_language_in_file_is_named(tmp_path: Path) -> None:
    """A language outside ALL_LANGUAGES fails with a message naming site.languages and the tag."""
    path = _write(tmp_path, '[site]\nlanguages = ["ja", "fr"]\n')
    with pytest.raises(ConfigError, match=r"site\.languages") as caught:
        load_config(path, env={})
    assert "fr" in str(caught.value)


def test_unknown_language_in_environment_is_named(tmp_path: Path) -> None:
    """KIOSK_LANGUAGES is checked like the file setting and the error names site.languages."""
    with pytest.raises(ConfigError, match=r"site\.languages"):
        load_config(tmp_path / "none.toml", env={"KIOSK_LANGUAGES": "ja,xx"})


def test_languages_without_japanese_are_refused(tmp_path: Path) -> None:
    """Staff read Japanese, so a language list without "ja" is refused by name."""
    path = _write(tmp_path, '[site]\nlanguages = ["en"]\n')
    with pytest.raises(ConfigError, match=r"site\.languages must include 'ja'"):
        load_config(path, env={})


@pytest.mark.parametrize("warning", [120, 121])
def test_idle_warning_not_below_timeout_is_named(tmp_path: Path, warning: int) -> None:
    """An idle warning equal to or longer than the timeout fails naming idle_warning_seconds."""
    path = _write(tmp_path, f"[kiosk]\nidle_timeout_seconds = 120\nidle_warning_seconds = {warning}\n")
    with pytest.raises(ConfigError, match=r"kiosk\.idle_warning_seconds"):
        load_config(path, env={})


def test_idle_warning_checked_against_environment_timeout(tmp_path: Path) -> None:
    """A KIOSK_IDLE_TIMEOUT shorter than the file's warning is refused, naming the setting."""
    path = _write(tmp_path, "[kiosk]\nidle_warning_seconds = 30\n")
    with pytest.raises(ConfigError, match=r"idle_warning_seconds"):
        load_config(path, env={"KIOSK_IDLE_TIMEOUT": "20"})


def test_a_misspelt_setting_is_named_with_a_suggestion(tmp_path) -> None:
    """A typo in the file is refused with the key and the setting it probably meant."""
    path = tmp_path / "kiosk.toml"
    path.write_text("[kiosk]\nidle_timout_seconds = 90\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kiosk\.idle_timout_seconds .*did you mean kiosk\.idle_timeout_seconds"):
        load_config(path, env={})


def test_a_wrong_type_is_a_config_error_not_a_traceback(tmp_path) -> None:
    """A value of the wrong type ends in ConfigError, which the command line prints on one line."""
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nidle_timeout_seconds = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="wrong type"):
        load_config(path, env={})



def test_counters_take_a_clerk_count(tmp_path) -> None:
    """counters[].clerks is read (default 1) and must be at least 1."""
    path = tmp_path / "kiosk.toml"
    path.write_text('[[counters]]\nid = "a"\nnumber = 1\nname = { ja = "窓口", en = "Desk" }\nclerks = 3\n', encoding="utf-8")
    assert load_config(path, env={}).counters[0].clerks == 3
    path.write_text('[[counters]]\nid = "a"\nnumber = 1\nname = { ja = "窓口", en = "Desk" }\nclerks = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="clerks"):
        load_config(path, env={})


def test_fees_and_payment_methods_are_read_and_checked(tmp_path: Path) -> None:
    """A site sets its own fee amounts and ways to pay; a typo is refused with the choices."""

    path = tmp_path / "kiosk.toml"
    path.write_text('[payment]\nmethods = ["cash", "qr_code", "e_money"]\n[fees]\n"juminhyo.copy" = 350\n', encoding="utf-8")
    config = load_config(path, env={})
    assert config.payment_methods == ("cash", "qr_code", "e_money")
    assert config.fees == {"juminhyo.copy": 350}
    path.write_text('[payment]\nmethods = ["cash", "paypay"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="paypay.*qr_code"):
        load_config(path, env={})
    path.write_text('[fees]\n"juminhyo.copy" = "300円"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="whole yen"):
        load_config(path, env={})


def test_fee_names_must_be_fees_of_the_forms(tmp_path: Path) -> None:
    """check-forms (and the kiosk at start) refuse a [fees] name that no form has, with a suggestion."""
    from kiosk import paths
    from kiosk.core.forms import fee_setting_problems, load_catalog

    catalog = load_catalog(paths.forms_dir(), [counter.id for counter in DEFAULT_COUNTERS])
    assert fee_setting_problems(catalog, {"juminhyo.copy": 350, "koseki_shomei.joseki": 700}) == []
    problems = fee_setting_problems(catalog, {"juminhyo.copie": 350})
    assert len(problems) == 1 and 'did you mean "juminhyo.copy"' in problems[0]
