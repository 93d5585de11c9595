#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what a fresh Debian lacks (Qt's
# system libraries, fonts, Xvfb, xdotool, poppler), makes .venv, installs the project
# with its test extras, and runs pytest offscreen. README.md and .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # offscreen Qt
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
  # QtMultimedia / QtTextToSpeech
  libpulse0
  # a real window under Xvfb
  xvfb xdotool libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-util1 fontconfig
  # fonts: none beyond fontconfig's defaults; the kiosk ships its own (assets/fonts), and the
  # tests prove those suffice on a bare system
  # pdftoppm/pdffonts for the printing tests
  poppler-utils
)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
