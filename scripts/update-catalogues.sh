#!/usr/bin/env bash
# Re-extracts locales/kiosk.pot from the code and merges it into every kiosk language's
# catalogue (locales/<dir>/LC_MESSAGES/kiosk.po), creating a catalogue that is missing.
# It only rewrites the .pot and .po files: it never translates, compiles or commits.
#
# Options are chosen so that committed files change only when a message changes:
#   --ignore-pot-creation-date  the .pot has no header (the extraction omits it, so it
#                         carries no date), and each .po keeps its own fixed header
#                         instead of taking today's date on every run;
#   --ignore-obsolete     a msgid removed from the code disappears instead of lingering
#                         as a "#~" entry that the catalogue tests would flag;
#   --no-fuzzy-matching   a new msgid starts empty rather than with a guessed, similar
#                         translation that a citizen could be shown by mistake.
# The .po files keep their header on purpose: Babel treats a header-less catalogue as
# fuzzy as a whole, and `pybabel compile` then skips it silently.
# After running it, translate every empty msgstr, then run tests/data/test_catalogues.py.
set -euo pipefail
cd "$(dirname "$0")/.."

# .venv/bin on Linux and macOS, .venv/Scripts under Git Bash on Windows.
if [ -x .venv/bin/pybabel ]; then
  BIN=.venv/bin
elif [ -x .venv/Scripts/pybabel.exe ]; then
  BIN=.venv/Scripts
else
  echo "update-catalogues: no pybabel in .venv; run scripts/test.sh once to create .venv" >&2
  exit 1
fi
PYBABEL="$BIN/pybabel"
PYTHON="$BIN/python"

POT=locales/kiosk.pot
"$PYBABEL" extract -F babel.cfg -k N_ -k gettext --no-location --sort-output --omit-header \
  -o "$POT" .

# The language list has one source of truth, kiosk.config.ALL_LANGUAGES; the folder name
# comes from the same function the loader uses ("ja-x-easy" -> "ja_x_easy").
mapfile -t DIRS < <("$PYTHON" -c '
from kiosk.config import ALL_LANGUAGES
from kiosk.core.i18n import catalogue_dir_name
for language in ALL_LANGUAGES:
    print(catalogue_dir_name(language))
' | tr -d '\r')
# A failure inside <( ) does not stop the script, so an empty list is the sign of one.
if ((${#DIRS[@]} == 0)); then
  echo "update-catalogues: could not read kiosk.config.ALL_LANGUAGES" >&2
  exit 1
fi

for dir in "${DIRS[@]}"; do
  po="locales/$dir/LC_MESSAGES/kiosk.po"
  # Babel rejects the private-use tag ja_x_easy as a locale; plain Japanese has the same
  # plural rules, which is all Babel uses the locale for here.
  case "$dir" in
    ja_x_easy) locale=ja ;;
    *) locale="$dir" ;;
  esac
  if [ ! -f "$po" ]; then
    mkdir -p "$(dirname "$po")"
    "$PYBABEL" init -i "$POT" -o "$po" -l "$locale"
  fi
  "$PYBABEL" update -i "$POT" -o "$po" -l "$locale" \
    --ignore-pot-creation-date --ignore-obsolete --no-fuzzy-matching
done

# The staff console's catalogue: Japanese only (staff, exports and printed forms are
# Japanese whatever language the citizen used), so it never burdens the citizen languages.
STAFF_POT=locales/staff.pot
STAFF_PO=locales/ja/LC_MESSAGES/staff.po
"$PYBABEL" extract -F babel-staff.cfg -k N_ -k gettext --no-location --sort-output --omit-header \
  -o "$STAFF_POT" .
if [ ! -f "$STAFF_PO" ]; then
  "$PYBABEL" init -i "$STAFF_POT" -o "$STAFF_PO" -l ja -D staff
fi
"$PYBABEL" update -i "$STAFF_POT" -o "$STAFF_PO" -l ja -D staff --ignore-pot-creation-date --ignore-obsolete --no-fuzzy-matching

# The form texts (forms/*.yaml): ja, ja-x-easy and en are written inline by the staff who
# write the forms; every other kiosk language has forms/translations/<dir>.po, merged
# from a template that scripts/extract_form_texts.py builds from the form files.
FORMS_POT=forms/translations/forms.pot
"$PYTHON" scripts/extract_form_texts.py
mapfile -t FORM_DIRS < <("$PYTHON" -c '
from kiosk.config import ALL_LANGUAGES
from kiosk.core.forms.loader import INLINE_LANGUAGES
from kiosk.core.i18n import catalogue_dir_name
for language in ALL_LANGUAGES:
    if language not in INLINE_LANGUAGES:
        print(catalogue_dir_name(language))
' | tr -d '\r')
if ((${#FORM_DIRS[@]} == 0)); then
  echo "update-catalogues: could not list the translated form languages" >&2
  exit 1
fi
for dir in "${FORM_DIRS[@]}"; do
  po="forms/translations/$dir.po"
  if [ ! -f "$po" ]; then
    "$PYBABEL" init -i "$FORMS_POT" -o "$po" -l "$dir" -D forms
  fi
  "$PYBABEL" update -i "$FORMS_POT" -o "$po" -l "$dir" -D forms \
    --ignore-pot-creation-date --ignore-obsolete --no-fuzzy-matching
done
