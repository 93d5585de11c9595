"""One frozen configuration object, read from a TOML file and KIOSK_* environment variables.

Every setting has a documented default (docs/configuration.md and config.example.toml),
so a kiosk starts with no file at all. The database defaults to an SQLite file in the
platform's user data directory (platformdirs), which works the same on Windows and Linux.
This module reads settings only: it opens no database, printer or window.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import platformdirs

APP_NAME = "smart-counter-kiosk"

#: Every language the kiosk can offer, as BCP 47 tags, in the order of the language screen.
#: ``ja-x-easy`` is やさしい日本語 (Easy Japanese): a private-use subtag, because no standard
#: tag exists (docs/decisions/002-easy-japanese-locale.md).
ALL_LANGUAGES = (
    "ja", "ja-x-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "tl", "pt-BR", "es", "ne", "id",
)


class ConfigError(ValueError):
    """A configuration file or variable that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Counter:
    """A staffed counter (窓口) that a ticket's route can visit."""

    id: str
    number: int
    name: Mapping[str, str]
    #: Clerks who usually serve here at once: the work ahead is shared among them, so the
    #: wait shown is the work divided by this (measured: without it the estimate was worse
    #: than "people ahead × mean time" on a simulated April day; bench/bench_queue.py).
    clerks: int = 1


@dataclass(frozen=True)
class Service:
    """A ticket series (e.g. moving procedures, letter A); its numbers restart each business day."""

    id: str
    letter: str
    name: Mapping[str, str]


@dataclass(frozen=True)
class PrinterSettings:
    """Where tickets go. ``kind``: none, png, file, network, usb, serial or dummy (docs/configuration.md)."""

    kind: str = "none"
    profile: str = "TM-T88V"
    target: str = ""  # file path, host[:port], serial device, or "vendor:product" for usb
    paper_width_mm: int = 80


@dataclass(frozen=True)
class Config:
    site_name: Mapping[str, str]
    kiosk_id: str
    languages: tuple[str, ...]
    idle_timeout_s: int
    idle_warning_s: int
    database_url: str
    business_day_starts_hour: int
    public_key_path: Path
    private_keys_dir: Path
    key_grace_days: int
    printer: PrinterSettings
    counters: tuple[Counter, ...]
    services: tuple[Service, ...]
    #: The site's own fee amounts in yen, by "<form id>.<fee id>" (its ordinance); the
    #: form files' amounts apply otherwise.
    fees: Mapping[str, int] = field(default_factory=dict)
    #: How fees can be paid here, in the order shown (ids of PAYMENT_METHODS).
    payment_methods: tuple[str, ...] = ("cash",)
    demo: bool = False
    practice: bool = False
    data_dir: Path = field(default_factory=lambda: default_data_dir())

    def counter(self, counter_id: str) -> Counter:
        for counter in self.counters:
            if counter.id == counter_id:
                return counter
        raise KeyError(counter_id)

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **changes)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    return value


def default_data_dir() -> Path:
    override = os.environ.get("KIOSK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    override = os.environ.get("KIOSK_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"


# The demo site: six counters of a typical 市民課 floor and two ticket series. A real
# site lists its own in its TOML file.
DEFAULT_COUNTERS = (
    Counter("residents", 1, {"ja": "住民記録（転入・転出）", "en": "Resident registration"}),
    Counter("insurance", 2, {"ja": "国民健康保険", "en": "National Health Insurance"}),
    Counter("children", 3, {"ja": "子ども・子育て（児童手当）", "en": "Child allowance"}),
    Counter("mynumber", 4, {"ja": "マイナンバーカード", "en": "My Number card"}),
    Counter("tax", 5, {"ja": "税務（所得・課税証明、納税証明）", "en": "Tax certificates"}),
    Counter("elderly", 6, {"ja": "介護保険・後期高齢者医療", "en": "Long-term care and late-stage elderly insurance"}),
)
#: Ways to pay that a site can list under [payment] methods (their wording, in every
#: language, is in kiosk/core/receipt.py).
PAYMENT_METHODS = ("cash", "credit_card", "e_money", "qr_code", "debit_card")

DEFAULT_SERVICES = (
    Service("moving", "A", {"ja": "引っ越しの手続き", "en": "Moving procedures"}),
    Service("certificates", "B", {"ja": "証明書", "en": "Certificates"}),
    Service("family", "C", {"ja": "出生・おくやみの手続き", "en": "Births and deaths"}),
    Service("mynumber", "D", {"ja": "マイナンバーカード", "en": "My Number card"}),
)


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (if it exists) and KIOSK_* variables; defaults fill the rest."""
    env = os.environ if env is None else env
    path = path if path is not None else default_config_path()
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    _check_keys(raw, str(path))
    try:
        return _build(raw, env, str(path))
    except ConfigError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # A value of the wrong type or a counter without its number: say where, not a traceback.
        raise ConfigError(f"{path}: a setting has the wrong type or is incomplete: {exc!r}") from exc


#: Every key the file may hold, per section; anything else is most likely a typo.
KNOWN_KEYS: dict[str, set[str]] = {
    "site": {"name", "languages", "data_dir"},
    "kiosk": {"id", "idle_timeout_seconds", "idle_warning_seconds", "practice"},
    "database": {"url", "business_day_starts_hour"},
    "keys": {"public_key", "private_keys_dir", "grace_days"},
    "printer": {"kind", "profile", "target", "paper_width_mm"},
    "counters": {"id", "number", "name", "clerks"},
    "services": {"id", "letter", "name"},
    "payment": {"methods"},
}
#: Sections whose keys are the site's own names (checked against the forms at start-up).
FREE_SECTIONS = {"fees"}


def _check_keys(raw: Mapping[str, Any], origin: str) -> None:
    import difflib

    problems = []
    for section, value in raw.items():
        if section in FREE_SECTIONS:
            continue
        if section not in KNOWN_KEYS:
            hint = difflib.get_close_matches(section, [*KNOWN_KEYS, *FREE_SECTIONS], n=1)
            problems.append(f"[{section}] is not a section" + (f"; did you mean [{hint[0]}]?" if hint else ""))
            continue
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if not isinstance(entry, Mapping):
                problems.append(f"[{section}] must be a table")
                continue
            for key in entry:
                if key not in KNOWN_KEYS[section]:
                    hint = difflib.get_close_matches(key, KNOWN_KEYS[section], n=1)
                    problems.append(
                        f"{section}.{key} is not a setting" + (f"; did you mean {section}.{hint[0]}?" if hint else "")
                    )
    if problems:
        raise ConfigError(f"{origin}: " + "; ".join(problems))


def _build(raw: Mapping[str, Any], env: Mapping[str, str], origin: str) -> Config:
    site = raw.get("site", {})
    kiosk = raw.get("kiosk", {})
    db = raw.get("database", {})
    keys = raw.get("keys", {})
    printer = raw.get("printer", {})
    data_dir = Path(env.get("KIOSK_DATA_DIR") or site.get("data_dir") or default_data_dir())

    languages = tuple(
        lang.strip() for lang in env["KIOSK_LANGUAGES"].split(",") if lang.strip()
    ) if env.get("KIOSK_LANGUAGES") else tuple(
        site.get("languages", ALL_LANGUAGES)
    )
    unknown = [lang for lang in languages if lang not in ALL_LANGUAGES]
    if unknown or not languages:
        raise ConfigError(
            f"{origin}: site.languages: unknown language(s) {unknown}; choose from {list(ALL_LANGUAGES)}"
        )
    if "ja" not in languages:
        raise ConfigError(f"{origin}: site.languages must include 'ja' (staff read Japanese)")

    counters = tuple(
        Counter(str(c["id"]), int(c["number"]), dict(c["name"]), int(c.get("clerks", 1)))
        for c in raw.get("counters", ())
    ) or DEFAULT_COUNTERS
    services = tuple(
        Service(str(s["id"]), str(s["letter"]), dict(s["name"])) for s in raw.get("services", ())
    ) or DEFAULT_SERVICES

    idle_timeout = int(env.get("KIOSK_IDLE_TIMEOUT") or kiosk.get("idle_timeout_seconds", 120))
    idle_warning = int(kiosk.get("idle_warning_seconds", 30))
    if any(counter.clerks < 1 for counter in counters):
        raise ConfigError(f"{origin}: counters[].clerks must be at least 1")
    if idle_warning >= idle_timeout:
        raise ConfigError(f"{origin}: kiosk.idle_warning_seconds must be less than idle_timeout_seconds")

    fees = raw.get("fees", {})
    if not isinstance(fees, Mapping) or any(
        isinstance(yen, bool) or not isinstance(yen, int) or yen < 0 for yen in fees.values()
    ):
        raise ConfigError(f'{origin}: [fees] lists amounts in whole yen, e.g. "juminhyo.copy" = 300')
    methods = tuple(raw.get("payment", {}).get("methods", ("cash",)))
    unknown_methods = [method for method in methods if method not in PAYMENT_METHODS]
    if unknown_methods or not methods:
        raise ConfigError(
            f"{origin}: payment.methods: unknown {unknown_methods}; choose from {list(PAYMENT_METHODS)}"
        )

    database_url = env.get("KIOSK_DATABASE_URL") or db.get("url") or (
        "sqlite:///" + (data_dir / "kiosk.sqlite3").as_posix()
    )
    return Config(
        site_name=dict(site.get("name", {"ja": "サンプル市役所", "en": "Sample City Hall"})),
        kiosk_id=str(env.get("KIOSK_ID") or kiosk.get("id", "kiosk-1")),
        languages=languages,
        idle_timeout_s=idle_timeout,
        idle_warning_s=idle_warning,
        database_url=database_url,
        business_day_starts_hour=int(db.get("business_day_starts_hour", 4)),
        public_key_path=Path(keys.get("public_key") or data_dir / "keys" / "counter-public.pem"),
        private_keys_dir=Path(keys.get("private_keys_dir") or data_dir / "keys" / "private"),
        key_grace_days=int(keys.get("grace_days", 30)),
        printer=PrinterSettings(
            kind=str(env.get("KIOSK_PRINTER") or printer.get("kind", "none")),
            profile=str(printer.get("profile", "TM-T88V")),
            target=str(printer.get("target", "")),
            paper_width_mm=int(printer.get("paper_width_mm", 80)),
        ),
        counters=counters,
        services=services,
        fees={str(key): int(yen) for key, yen in fees.items()},
        payment_methods=methods,
        data_dir=data_dir,
        practice=_flag(kiosk.get("practice", False), f"{origin}: kiosk.practice"),
    )
