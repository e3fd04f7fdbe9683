"""Maintain the catalogs: ``python -m bot.i18n_tools template|update|check``.

English (``locales/en``) is the source catalog: its message ids are the keys the code uses.

- ``template`` rewrites ``locales/clickbot.pot`` from the English catalog;
- ``update`` adds new template keys to every other language (empty, so ``check`` fails until
  someone translates them) and drops keys the template no longer has;
- ``check`` loads every catalog exactly as the bot does and reports what is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, CatalogError, load_catalogs

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def catalog_path(language: str) -> Path:
    """Return the ``.po`` file of ``language``."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    """Read a ``.po`` or ``.pot`` file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    """Write a catalog without line wrapping, so diffs stay one line per message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True)


def make_template() -> Catalog:
    """Build the template from the English catalog's message ids."""
    english = read(catalog_path(DEFAULT_LANGUAGE), DEFAULT_LANGUAGE)
    template = Catalog(project="clickbot", domain=DOMAIN, fuzzy=False)
    for message in english:
        if message.id:
            template.add(message.id)
    return template


def update_languages(template: Catalog) -> None:
    """Bring every non-English catalog in line with the template's keys."""
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        path = catalog_path(language)
        catalog = (
            read(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        )
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(path, catalog)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one maintenance command."""
    command = (argv or sys.argv[1:] or ["check"])[0]
    if command == "template":
        write(LOCALES / f"{DOMAIN}.pot", make_template())
    elif command == "update":
        template = make_template()
        write(LOCALES / f"{DOMAIN}.pot", template)
        update_languages(template)
    elif command != "check":
        print(f"unknown command {command!r}: use template, update or check", file=sys.stderr)  # noqa: T201
        return 2
    try:
        load_catalogs()
    except CatalogError as error:
        print(error, file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
