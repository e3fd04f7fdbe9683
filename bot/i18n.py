"""Languages: gettext catalogs from ``locales/`` read with Babel, and the per-update translator.

Message ids are stable keys (``signup.email.prompt``), not English sentences, so that rewording
the English text never breaks a catalog; ``locales/en`` holds the English wording like any other
language. Placeholders are named (``{name}``) and every value put into one is escaped for
Telegram HTML unless it is wrapped in :class:`Markup`, so user text can never inject markup.

The catalogs are checked when they load (:func:`load_catalogs`): a language that lacks a key, has
an empty translation or disagrees on placeholder names refuses to load, and the same check runs
in the tests.
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

DOMAIN = "clickbot"
LANGUAGES: tuple[str, ...] = ("en", "es", "de", "ru")
"""Every language we ship, each with a complete catalog."""
DEFAULT_LANGUAGE = "en"


class CatalogError(Exception):
    """Raised when the shipped catalogs are incomplete or inconsistent."""


class Markup(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    """Escape any value for Telegram HTML (``Markup`` passes through untouched)."""
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


def placeholders(text: str) -> set[str]:
    """Return the named ``{placeholders}`` in a catalog string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Catalogs:
    """Every language's messages, keyed by message id."""

    messages: Mapping[str, Mapping[str, str]]
    template: frozenset[str]

    def translator(self, language: str) -> Translator:
        """Return the translator for ``language`` (the default language if unknown)."""
        if language not in self.messages:
            language = DEFAULT_LANGUAGE
        return Translator(language, self.messages[language])


@dataclass(frozen=True)
class Translator:
    """Renders message ids in one language."""

    language: str
    messages: Mapping[str, str]

    def __call__(self, key: str, /, **params: Any) -> str:
        """Render ``key`` with ``params`` escaped for Telegram HTML."""
        text = self.messages[key]
        if not params:
            return text
        return text.format_map({name: escape(value) for name, value in params.items()})

    def plain(self, key: str, /, **params: Any) -> str:
        """Render ``key`` for a place that takes plain text (button labels, callback answers)."""
        text = self.messages[key]
        return text.format_map({name: str(value) for name, value in params.items()})


def _read_catalog(text: str) -> dict[str, str]:
    catalog = read_po(iter(text.splitlines(keepends=True)))
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and not message.fuzzy
    }


def _read_template_ids(text: str) -> frozenset[str]:
    catalog = read_po(iter(text.splitlines(keepends=True)))
    return frozenset(str(message.id) for message in catalog if message.id)


def catalog_problems(
    template: Iterable[str], messages: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """List every way the catalogs disagree with the template or with English."""
    problems: list[str] = []
    keys = set(template)
    english = messages.get(DEFAULT_LANGUAGE, {})
    for language in LANGUAGES:
        catalog = messages.get(language)
        if catalog is None:
            problems.append(f"{language}: no catalog")
            continue
        for key in sorted(keys - set(catalog)):
            problems.append(f"{language}: missing {key}")
        for key in sorted(set(catalog) - keys):
            problems.append(f"{language}: {key} is not in the template")
        for key in sorted(keys & set(catalog)):
            text = catalog[key]
            if not text.strip():
                problems.append(f"{language}: {key} is empty")
            elif key in english and placeholders(text) != placeholders(english[key]):
                problems.append(f"{language}: {key} placeholders differ from English")
    return problems


def load_catalogs() -> Catalogs:
    """Read the template and every language's catalog; refuse incomplete ones."""
    root = resources.files("locales")
    template = _read_template_ids((root / f"{DOMAIN}.pot").read_text(encoding="utf-8"))
    messages = {
        language: _read_catalog(
            (root / language / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")
        )
        for language in LANGUAGES
    }
    problems = catalog_problems(template, messages)
    if problems:
        raise CatalogError("locale catalogs are inconsistent:\n" + "\n".join(problems))
    return Catalogs(messages=messages, template=template)


def negotiate(
    saved: str | None, telegram_code: str | None, default: str = DEFAULT_LANGUAGE
) -> str:
    """Pick the language: saved choice, then Telegram's ``language_code``, then the default."""
    for candidate in (saved, telegram_code):
        if candidate:
            base = candidate.replace("_", "-").split("-")[0].lower()
            if base in LANGUAGES:
                return base
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


current_translator: ContextVar[Translator] = ContextVar("current_translator")
"""The translator for the update being handled; set by the app's first handler group."""
