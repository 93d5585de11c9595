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
  xvfb xdotool x11-xserver-utils libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-util1 fontconfig
  # fonts: none beyond fontconfig's defaults; the kiosk ships its own (assets/fonts), and the
  # tests prove those suffice on a bare system
  # pdftoppm/pdffonts for the printing tests
  poppler-utils
  # a real PostgreSQL for the tests marked "postgres" (many terminals on one database)
  postgresql
  # the offline voice for call-outs and read-aloud questions where the OS has none
  espeak-ng
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

# A private PostgreSQL cluster for this run: its own data folder and a free loopback port,
# started as the postgres user (PostgreSQL refuses to run as root) and stopped on exit.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
  PG_DIR=$(mktemp -d /tmp/kiosk-test-pg.XXXXXX)
  PG_PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  AS_PG=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    AS_PG=(runuser -u postgres --)
  fi
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U kiosk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  PG_START="${AS_PG[*]} $PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off' start"
  PG_STOP="${AS_PG[*]} $PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop"
  eval "$PG_START" >/dev/null
  trap 'eval "$PG_STOP" >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
  export KIOSK_TEST_POSTGRES_URL="postgresql+psycopg://kiosk@127.0.0.1:$PG_PORT/postgres"
  # For the test that restarts the server under a running terminal.
  export KIOSK_TEST_POSTGRES_START="$PG_START" KIOSK_TEST_POSTGRES_STOP="$PG_STOP"
fi

export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m pytest "$@"
