"""What goes into and comes out of the ClickBook client: forms, statuses and the session.

``Registration`` and ``ClientFile`` enforce the schema flags and the contract's rules when
they are built, so nothing that ClickBook must reject is ever sent. Their inputs are hidden
from validation messages, and the password is a ``SecretStr``, so a ``ValidationError``
never shows it.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Self

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    SecretStr,
    StrictBool,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.clickbook.timezones import TimeZone

__all__ = [
    "ClientFile",
    "FieldError",
    "RegStatus",
    "Registration",
    "Session",
]

NAME_MAX_LENGTH = 100
"""First and last names are 1 to 100 characters long."""

PHONE_DIGITS_MIN = 6
PHONE_DIGITS_MAX = 15
PASSWORD_MIN_LENGTH = 8
COUNTRY_MAX_LENGTH = 100

_NAME_PUNCTUATION = frozenset(" '-.\u2019")
"""Besides letters, marks and decimal digits: spaces, apostrophes (' and ’), hyphens, dots."""

_PHONE = re.compile(rf"[0-9]{{{PHONE_DIGITS_MIN},{PHONE_DIGITS_MAX}}}")


def is_xml_char(char: str) -> bool:
    """Tell whether XML 1.0 can carry ``char`` unchanged (``\\r`` would become ``\\n``)."""
    code = ord(char)
    return (
        code in (0x9, 0xA)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def check_name(value: str) -> str:
    """Return ``value`` if it is a valid first or last name; raise ValueError otherwise."""
    if not 1 <= len(value) <= NAME_MAX_LENGTH:
        raise ValueError(f"must be 1 to {NAME_MAX_LENGTH} characters long")
    if value != value.strip():
        raise ValueError("must not start or end with a space")
    if "  " in value:
        raise ValueError("must not contain two spaces in a row")
    for char in value:
        if not _is_name_char(char):
            raise ValueError(
                f"may hold only letters, digits, spaces, apostrophes, hyphens and dots, "
                f"not {char!r}"
            )
    if not any(unicodedata.category(char)[0] == "L" or char.isdecimal() for char in value):
        raise ValueError("must contain a letter or a digit")
    return value


def _is_name_char(char: str) -> bool:
    """Tell whether ``char`` may appear in a name (letter, mark, decimal digit, punctuation)."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char in _NAME_PUNCTUATION


def check_phone(value: str) -> str:
    """Return ``value`` if it is 6 to 15 ASCII digits; raise ValueError otherwise."""
    if not _PHONE.fullmatch(value):
        raise ValueError(
            f"must be {PHONE_DIGITS_MIN} to {PHONE_DIGITS_MAX} digits, "
            "with no '+', spaces or punctuation"
        )
    return value


def check_email(value: str) -> str:
    """Return ``value`` if it is a syntactically valid email address; raise ValueError."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address: {exc}") from None
    return value


def check_password(value: SecretStr) -> SecretStr:
    """Return ``value`` if it is long enough and XML can carry it; raise ValueError."""
    plain = value.get_secret_value()
    if len(plain) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"must be at least {PASSWORD_MIN_LENGTH} characters long")
    if not all(is_xml_char(char) for char in plain):
        raise ValueError("contains a control character")
    return value


def check_timezone(value: str) -> str:
    """Return ``value`` if it is a Domino time zone string; raise ValueError otherwise."""
    TimeZone.parse(value, "")
    return value


def check_country(value: str) -> str:
    """Return ``value`` if it looks like an English country name; raise ValueError otherwise.

    The option list itself is ClickBook's; only ClickBook can say whether a name is on it.
    """
    if not 1 <= len(value) <= COUNTRY_MAX_LENGTH or value != value.strip():
        raise ValueError(f"must be a country name of 1 to {COUNTRY_MAX_LENGTH} characters")
    if not all(char.isprintable() for char in value):
        raise ValueError("contains a control character")
    return value


def _check_terms(value: bool) -> bool:
    """Return True; the terms must be agreed to."""
    if not value:
        raise ValueError("the terms must be agreed to")
    return value


Name = Annotated[str, AfterValidator(check_name)]
Phone = Annotated[str, AfterValidator(check_phone)]
Email = Annotated[str, AfterValidator(check_email)]
Password = Annotated[SecretStr, AfterValidator(check_password)]


HIDDEN_INPUT = "<hidden>"
"""What a form's validation errors show instead of the rejected input."""


class _Form(BaseModel):
    """Base of the forms sent to ClickBook: frozen, no extra fields, inputs hidden in errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    @model_validator(mode="wrap")
    @classmethod
    def _hide_rejected_inputs(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Re-raise validation errors without their inputs (``errors()`` would show them)."""
        try:
            return handler(data)
        except ValidationError as exc:
            hidden = _without_inputs(exc)
        # Raised outside the except block so the original error is not kept as context.
        raise hidden


def _without_inputs(exc: ValidationError) -> ValidationError:
    """Return a copy of ``exc`` whose line errors carry no input value and no context."""
    # pydantic re-raises these line errors under the model's own title and hide_input.
    return ValidationError.from_exception_data(
        exc.title,  # pragma: no mutate: replaced by the model's title when re-raised
        [
            # Only type, msg and loc are copied: the input and its context stay behind.
            {
                "type": PydanticCustomError(error["type"], error["msg"]),
                "loc": error["loc"],
                "input": HIDDEN_INPUT,
            }
            for error in exc.errors()
        ],
        hide_input=True,  # pragma: no mutate: the model's hide_input_in_errors applies
    )


class Registration(_Form):
    """A NewUserRegistration form: a customer's own ClickBook account."""

    first_name: Name
    last_name: Name
    phone: Phone
    """The fixed phone, ``inp-telfixed``: digits only."""
    mobile: Phone | None = None
    """The mobile phone, ``inp-telmobile``: digits only; optional."""
    email: Email
    password: Password
    agree_terms: Annotated[StrictBool, AfterValidator(_check_terms)]
    timezone: Annotated[str, AfterValidator(check_timezone)]
    """Exactly one of the values GETTIMEZONEINFO returned."""
    country: Annotated[str, AfterValidator(check_country)]
    """The English short name of the country as in ISO 3166, e.g. ``United Kingdom``."""

    def to_items(self) -> list[tuple[str, str]]:
        """Return the NewUserRegistration items, filling the email and password copies.

        The result holds the password in clear: it is meant for the request only.
        """
        password = self.password.get_secret_value()
        items = [
            ("inp-firstname", self.first_name),
            ("inp-lastname", self.last_name),
            ("inp-telfixed", self.phone),
        ]
        if self.mobile is not None:
            items.append(("inp-telmobile", self.mobile))
        items += [
            ("inp-emailaddress1", self.email),
            ("inp-emailaddress2", self.email),
            ("inp-password1", password),
            ("inp-password2", password),
            ("inp-agreeterms", "1" if self.agree_terms else "0"),
            ("inp-timezone", self.timezone),
            ("inp-country", self.country),
        ]
        return items


class ClientFile(_Form):
    """A NewClientFile form: a client that a Service Provider's staff member invites."""

    first_name: Name
    last_name: Name
    phone: Phone
    mobile: Phone | None = None
    email: Email | None = None
    """Where ClickBook emails the invitation; without it no invitation is sent."""

    def to_items(self) -> list[tuple[str, str]]:
        """Return the NewClientFile items, filling the second email copy."""
        items = [
            ("inp-firstname", self.first_name),
            ("inp-lastname", self.last_name),
            ("inp-telfixed", self.phone),
        ]
        if self.mobile is not None:
            items.append(("inp-telmobile", self.mobile))
        if self.email is not None:
            items += [("inp-newemailaddress1", self.email), ("inp-newemailaddress2", self.email)]
        return items


class FieldError(BaseModel):
    """One field that ClickBook rejected, and why."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(min_length=1)
    """The schema item, e.g. ``inp-emailaddress1``."""
    message: str


class RegStatus(StrEnum):
    """Whether an invited client has accepted (``inp-regstatus`` of a Client File)."""

    INVITED = "Invited"
    REGISTERED = "Registered"


class Session:
    """A signed-in ClickBook session and the credentials that can renew it.

    Unlike the forms, a session is mutable in one respect: when the session cookie expires
    the client signs in again with the stored credentials and replaces the cookie *in this
    object*. Callers keep one ``Session`` per signed-in person and pass it to every call,
    so every holder sees the renewed cookie at once, and the per-session lock makes
    concurrent calls that all hit the expiry share a single sign-in instead of each signing
    in (and counting towards ClickBook's lockout). A client's ``on_session_renewed`` hook
    tells the owner to store the new cookie.

    ``to_json`` returns the secrets in clear: the caller must encrypt that dict before it
    is written anywhere.
    """

    __slots__ = ("_cookie", "_lock", "_password", "_signed_out", "email", "user", "usercn")

    def __init__(
        self,
        *,
        user: str,
        usercn: str,
        cookie: SecretStr | str,
        email: str,
        password: SecretStr | str,
    ) -> None:
        if not isinstance(user, str) or not user:
            raise ValueError("user must be a non-empty string")
        self.user = user
        """The canonical name, e.g. ``CN=Ann Lee/O=ClickBook``."""
        self.usercn = usercn
        """The common name, e.g. ``Ann Lee``."""
        self.email = email
        self._cookie = _secret(cookie, "cookie")
        self._password = _secret(password, "password")
        self._lock = asyncio.Lock()
        self._signed_out = False

    @property
    def cookie(self) -> SecretStr:
        """Return the current ``DomAuthSessId`` value."""
        return self._cookie

    @property
    def password(self) -> SecretStr:
        """Return the password the session was signed in with."""
        return self._password

    @property
    def signed_out(self) -> bool:
        """Tell whether the session was signed out and may no longer be used."""
        return self._signed_out

    @property
    def renewal_lock(self) -> asyncio.Lock:
        """Return the lock that the client holds while it renews this session."""
        return self._lock

    def replace_cookie(self, cookie: SecretStr | str, *, user: str, usercn: str) -> None:
        """Take over the cookie (and names) of a fresh sign-in with the same credentials."""
        self._cookie = _secret(cookie, "cookie")
        self.user = user
        self.usercn = usercn

    def mark_signed_out(self) -> None:
        """Remember that the session was signed out; later calls with it fail."""
        self._signed_out = True

    def to_json(self) -> dict[str, str]:
        """Return a plain dict including the cookie and password in clear; encrypt it."""
        return {
            "user": self.user,
            "usercn": self.usercn,
            "cookie": self._cookie.get_secret_value(),
            "email": self.email,
            "password": self._password.get_secret_value(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Session:
        """Rebuild a session from ``to_json``'s dict; raise ValueError if it is not one."""
        keys = ("user", "usercn", "cookie", "email", "password")
        if set(data) != set(keys) or not all(isinstance(data[key], str) for key in keys):
            raise ValueError(f"a stored session needs exactly the string fields {keys}")
        return cls(**{key: data[key] for key in keys})

    def __repr__(self) -> str:
        state = ", signed out" if self._signed_out else ""
        return f"Session(user={self.user!r}, usercn={self.usercn!r}, email={self.email!r}{state})"


def _secret(value: SecretStr | str, what: str) -> SecretStr:
    """Wrap ``value`` as a non-empty SecretStr; raise ValueError if it is empty."""
    secret = value if isinstance(value, SecretStr) else SecretStr(value)
    if not secret.get_secret_value():
        raise ValueError(f"the {what} must not be empty")
    return secret
