"""Field validation for the NewUserRegistration and NewClientFile schemas (contract section 5).

Every failing field is reported, each with one message in English: the first rule it breaks.
Unknown and repeated field names are errors too. The rules for checks that need the sandbox's
records (an email that is already registered) live with the operations.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.sandbox.clickbook.countries import COUNTRY_NAMES
from bot.sandbox.clickbook.timezones import TIME_ZONE_VALUES

NAME_MAX_LENGTH = 100
PHONE_DIGITS = (6, 15)
PASSWORD_MIN_LENGTH = 8

_COUNTRIES = frozenset(COUNTRY_NAMES.values())
_NAME_PUNCTUATION = frozenset(" -'\u2019.")
_EMAIL_ATEXT = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~")


@dataclass(frozen=True)
class FieldError:
    """One failing field: the field's name and a message in English."""

    field: str
    message: str


Rule = Callable[[str, str], str | None]
"""Check one value (given the field's label); return an error message or None."""


def _name(label: str, value: str) -> str | None:
    if len(value) > NAME_MAX_LENGTH:
        return f"{label} must be 1 to {NAME_MAX_LENGTH} characters long."
    for char in value:
        category = unicodedata.category(char)
        if char not in _NAME_PUNCTUATION and category[0] not in "LM" and category != "Nd":
            return (
                f"{label} may contain only letters, digits, spaces, hyphens, apostrophes "
                "and periods."
            )
    return None


def _numeric(label: str, value: str) -> str | None:
    low, high = PHONE_DIGITS
    if not (value.isascii() and value.isdigit() and low <= len(value) <= high):
        return (
            f"{label} must be {low} to {high} digits, with no +, spaces or punctuation "
            "(for example 61412345678)."
        )
    return None


def is_valid_email(value: str) -> bool:
    """Return whether ``value`` is a syntactically valid email address (addr-spec, dot-atom)."""
    if len(value) > 254 or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not 1 <= len(local) <= 64:
        return False
    for atom in local.split("."):
        if not atom or not all(
            c in _EMAIL_ATEXT or (not c.isascii() and c.isalnum()) for c in atom
        ):
            return False
    labels = domain.split(".")
    if len(labels) < 2 or len(labels[-1]) < 2 or labels[-1].isdigit():
        return False
    return all(
        1 <= len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(c.isalnum() or c == "-" for c in label)
        for label in labels
    )


def _email(label: str, value: str) -> str | None:
    if not is_valid_email(value):
        return f"{label} is not a valid email address (for example ann.lee@example.com)."
    return None


def _password(label: str, value: str) -> str | None:
    if len(value) < PASSWORD_MIN_LENGTH:
        return f"{label} must be at least {PASSWORD_MIN_LENGTH} characters long."
    return None


def _agreement(label: str, value: str) -> str | None:
    if value not in ("1", "0"):
        return f"{label} must be 1 (true) or 0 (false)."
    if value != "1":
        return "You must agree to the terms and conditions."
    return None


def _country(label: str, value: str) -> str | None:
    if value not in _COUNTRIES:
        return (
            f"{label} must be the English short name of a country as in ISO 3166 "
            "(for example Australia or United Kingdom)."
        )
    return None


def _time_zone(label: str, value: str) -> str | None:
    if value not in TIME_ZONE_VALUES:
        return f"{label} must be exactly one of the values returned by GETTIMEZONEINFO."
    return None


@dataclass(frozen=True)
class FieldSpec:
    """One schema item: its name, label, whether it is mandatory, and its value rule."""

    name: str
    label: str
    mandatory: bool
    rule: Rule
    same_as: str | None = None
    """The field this one must equal (the second copy of an email or a password)."""


@dataclass(frozen=True)
class Schema:
    """A schema (group) of items that SETUSERFIELDS accepts."""

    name: str
    items: tuple[FieldSpec, ...]

    def spec(self, name: str) -> FieldSpec | None:
        """Return the item called ``name``, if the schema has it."""
        return next((item for item in self.items if item.name == name), None)


_PERSON = (
    FieldSpec("inp-firstname", "First name", True, _name),
    FieldSpec("inp-lastname", "Last name", True, _name),
    FieldSpec("inp-telfixed", "Phone", True, _numeric),
    FieldSpec("inp-telmobile", "Mobile phone", False, _numeric),
)

NEW_USER_REGISTRATION = Schema(
    "NewUserRegistration",
    (
        *_PERSON,
        FieldSpec("inp-emailaddress1", "Email address", True, _email),
        FieldSpec("inp-emailaddress2", "Email address (again)", True, _email, "inp-emailaddress1"),
        FieldSpec("inp-password1", "Password", True, _password),
        FieldSpec("inp-password2", "Password (again)", True, _password, "inp-password1"),
        FieldSpec("inp-agreeterms", "Agree to terms", True, _agreement),
        FieldSpec("inp-timezone", "Time zone", True, _time_zone),
        FieldSpec("inp-country", "Country", True, _country),
    ),
)
"""Self-service registration (form ``UReg``), sent to the Public service."""

NEW_CLIENT_FILE = Schema(
    "NewClientFile",
    (
        *_PERSON,
        FieldSpec("inp-newemailaddress1", "Email address", False, _email),
        FieldSpec(
            "inp-newemailaddress2", "Email address (again)", False, _email, "inp-newemailaddress1"
        ),
    ),
)
"""A Client File created by signed-in staff (form ``ClientFile``), sent to the Private service."""

_SECRET_FIELDS = frozenset({"inp-password1", "inp-password2"})


def is_secret_field(name: str) -> bool:
    """Return whether the field holds a password (never stored in clear or shown)."""
    return name in _SECRET_FIELDS


def validate(schema: Schema, items: Sequence[tuple[str, str]]) -> list[FieldError]:
    """Return every failing field of ``items`` against ``schema`` (empty when all is well)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in items:
        if name in values or name in errors:
            errors[name] = "This field is given more than once."
        elif schema.spec(name) is None:
            errors[name] = f"Unknown field for {schema.name}."
        else:
            values[name] = value
    for spec in schema.items:
        if spec.name in errors:
            continue
        message = _check(schema, spec, values, errors)
        if message is not None:
            errors[spec.name] = message
    order = [spec.name for spec in schema.items] + [name for name, _ in items]
    return [FieldError(name, errors[name]) for name in dict.fromkeys(order) if name in errors]


def _check(
    schema: Schema, spec: FieldSpec, values: dict[str, str], errors: dict[str, str]
) -> str | None:
    value = values.get(spec.name, "")
    other = schema.spec(spec.same_as) if spec.same_as else None
    if not value.strip() and spec.mandatory:
        return f"{spec.label} is required."
    if value.strip():
        message = spec.rule(spec.label, value)
        if message is not None:
            return message
    # Comparing with a copy that failed its own checks would only repeat that error.
    if (
        other is not None
        and other.name not in errors
        and _given(value) != _given(values.get(other.name, ""))
    ):
        return f"{spec.label} must be the same as {other.label}."
    return None


def _given(value: str) -> str:
    """Return ``value``, or "" when it is only whitespace (an item left empty)."""
    return value if value.strip() else ""
