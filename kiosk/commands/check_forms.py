"""``kiosk check-forms``: check every form file and say exactly what to fix.

For the city's IT staff after editing forms/ (docs/forms-format.md): each problem is
printed on its own line (code, file, path, what to do), then a summary; the exit code
is 1 when anything is wrong, so it can guard a deployment script. Counter and service
ids come from the configuration, languages from ``--languages``. It reads files only.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.config import Config
from kiosk.core.forms import fee_setting_problems
from kiosk.core.forms.loader import DEFAULT_LANGUAGES, check_catalog, load_catalog


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check-forms", help="check the form files (forms/*.yaml) and explain any problem"
    )
    parser.add_argument("--forms", type=Path, help="forms folder to check (default: the installed forms/)")
    parser.add_argument(
        "--languages",
        default=",".join(DEFAULT_LANGUAGES),
        help="comma-separated languages every text must have (default: %(default)s)",
    )
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace, config: Config) -> int:
    forms_dir = args.forms if getattr(args, "forms", None) else paths.forms_dir()
    languages = tuple(
        language.strip()
        for language in (getattr(args, "languages", None) or ",".join(DEFAULT_LANGUAGES)).split(",")
        if language.strip()
    )
    counter_ids = [counter.id for counter in config.counters]
    service_ids = [service.id for service in config.services]
    problems = check_catalog(forms_dir, counter_ids, languages, service_ids=service_ids)
    for problem in problems:
        print(problem)
    if problems:
        files = len({problem.file for problem in problems})
        print(f"{len(problems)} problem(s) in {files} file(s) under {forms_dir}; fix them and run kiosk check-forms again")
        return 1
    catalog = load_catalog(forms_dir, counter_ids, languages, service_ids=service_ids)
    fee_problems = fee_setting_problems(catalog, config.fees)
    for problem in fee_problems:
        print(f"CONFIG {problem}")
    if fee_problems:
        print(f"{len(fee_problems)} problem(s) in the [fees] table of the configuration; fix them and run kiosk check-forms again")
        return 1
    print(
        f"{len(catalog.forms)} forms, {len(catalog.facts)} facts, "
        f"{len(catalog.events)} life events: OK"
    )
    return 0
