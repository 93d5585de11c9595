"""The only place that finds the data folders (forms/, locales/, printing/, assets/).

In a source checkout (or an editable install) they sit at the top of the repository,
where a city's IT staff edit them. An installed wheel carries them inside the package as
``kiosk/_data/...``. Nothing else in the code base may build paths to these folders.
It must not create, write or cache anything.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_FOLDERS = ("forms", "locales", "printing", "assets")


@cache
def data_root() -> Path:
    """Return the folder that holds forms/, locales/, printing/ and assets/."""
    installed = _PACKAGE_DIR / "_data"
    if (installed / "forms").is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent
    if (checkout / "forms").is_dir():
        return checkout
    raise FileNotFoundError(
        f"cannot find the kiosk data folders {_DATA_FOLDERS} next to {_PACKAGE_DIR}"
    )


def forms_dir() -> Path:
    return data_root() / "forms"


def locales_dir() -> Path:
    return data_root() / "locales"


def printing_dir() -> Path:
    return data_root() / "printing"


def assets_dir() -> Path:
    return data_root() / "assets"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"
