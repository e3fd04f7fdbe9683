"""The forms' exact reasons and bounds, the session's state, and the redactor's masks."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.clickbook import ClientFile, FieldError, Registration, Session
from bot.clickbook.redaction import NO_SECRETS, Redactor
from tests.clickbook.test_models import make_session


def reasons(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return each (field, reason, shown input) of the Registration that ``data`` fails."""
    with pytest.raises(ValidationError) as caught:
        Registration(**data)
    return [
        (str(error["loc"][0]), error["msg"].removeprefix("Value error, "), error["input"])
        for error in caught.value.errors()
    ]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("first_name", "", "must be 1 to 100 characters long"),
        ("last_name", "x" * 101, "must be 1 to 100 characters long"),
        ("first_name", "Ann ", "must not start or end with a space"),
        ("last_name", "Mc  Lee", "must not contain two spaces in a row"),
        (
            "first_name",
            "Ann_Lee",
            "may hold only letters, digits, spaces, apostrophes, hyphens and dots, not '_'",
        ),
        ("last_name", "\u0308", "must contain a letter or a digit"),
        ("phone", "12345", "must be 6 to 15 digits, with no '+', spaces or punctuation"),
        ("mobile", "+61412345678", "must be 6 to 15 digits, with no '+', spaces or punctuation"),
        ("email", "ann", "is not a valid email address: An email address must have an @-sign."),
        ("password", "7-chars", "must be at least 8 characters long"),
        ("password", "eight\x1fch", "contains a control character"),
        ("agree_terms", False, "the terms must be agreed to"),
        (
            "timezone",
            "Z=-10$DO=1$ZX=66$ZN=AUS Eastern",
            "time zone value 'Z=-10$DO=1$ZX=66$ZN=AUS Eastern' observes DST but lacks DL",
        ),
        ("country", "x" * 101, "must be a country name of 1 to 100 characters"),
        ("country", "Australia ", "must be a country name of 1 to 100 characters"),
        ("country", "Austr\nalia", "contains a control character"),
    ],
)
def test_each_rule_gives_its_reason_and_hides_the_input(
    registration_data: dict[str, Any], field: str, value: object, reason: str
) -> None:
    [(where, why, shown)] = reasons({**registration_data, field: value})
    assert where == field
    assert why == reason
    assert shown == "<hidden>"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "007"),
        ("last_name", "\u674e\u0308"),
        ("first_name", "x" * 100),
        ("password", "8-chars!"),
        ("password", " tab\tand newline\n "),
        ("country", "x" * 100),
        ("country", "C"),
    ],
)
def test_values_at_the_bounds_pass_unchanged(
    registration_data: dict[str, Any], field: str, value: str
) -> None:
    registration = Registration(**{**registration_data, field: value})
    kept = getattr(registration, field)
    assert (kept.get_secret_value() if isinstance(kept, SecretStr) else kept) == value


def test_a_client_file_gives_the_same_reasons(client_file_data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        ClientFile(**{**client_file_data, "email": "bo@", "first_name": " Bo"})
    assert [(e["loc"], e["msg"], e["input"]) for e in caught.value.errors()] == [
        (("first_name",), "Value error, must not start or end with a space", "<hidden>"),
        (
            ("email",),
            "Value error, is not a valid email address: There must be something after the @-sign.",
            "<hidden>",
        ),
    ]


def test_a_field_error_needs_a_field() -> None:
    assert FieldError(field="x", message="").field == "x"
    with pytest.raises(ValidationError):
        FieldError(field="", message="m")


def test_a_new_session_is_signed_in_until_signed_out() -> None:
    session = make_session()
    assert session.signed_out is False
    assert repr(session) == (
        "Session(user='CN=Sam Staff/O=ClickBook', usercn='Sam Staff', email='staff@example.com')"
    )
    session.mark_signed_out()
    assert session.signed_out is True
    assert repr(session).endswith("email='staff@example.com', signed out)")


def test_a_session_has_one_renewal_lock() -> None:
    session = make_session()
    assert isinstance(session.renewal_lock, asyncio.Lock)
    assert session.renewal_lock is session.renewal_lock
    assert make_session().renewal_lock is not session.renewal_lock


def test_a_session_takes_secret_strings_and_the_new_names() -> None:
    session = Session(
        user="CN=Ann/O=ClickBook",
        usercn="Ann",
        cookie=SecretStr("COOKIE-1"),
        email="ann@example.com",
        password=SecretStr("pw-long-1"),
    )
    assert (session.cookie.get_secret_value(), session.password.get_secret_value()) == (
        "COOKIE-1",
        "pw-long-1",
    )
    session.replace_cookie(SecretStr("COOKIE-2"), user="CN=Ann Lee/O=ClickBook", usercn="Ann L")
    assert session.to_json() == {
        "user": "CN=Ann Lee/O=ClickBook",
        "usercn": "Ann L",
        "cookie": "COOKIE-2",
        "email": "ann@example.com",
        "password": "pw-long-1",
    }
    with pytest.raises(ValueError, match="^the cookie must not be empty$"):
        session.replace_cookie("", user="CN=Ann/O=ClickBook", usercn="Ann")
    assert session.cookie.get_secret_value() == "COOKIE-2"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"user": ""}, "^user must be a non-empty string$"),
        ({"user": None}, "^user must be a non-empty string$"),
        ({"cookie": ""}, "^the cookie must not be empty$"),
        ({"password": SecretStr("")}, "^the password must not be empty$"),
    ],
)
def test_a_session_refuses_empty_credentials(changes: dict[str, Any], message: str) -> None:
    data: dict[str, Any] = {
        "user": "CN=Ann/O=ClickBook",
        "usercn": "Ann",
        "cookie": "COOKIE-1",
        "email": "ann@example.com",
        "password": "pw-long-1",
        **changes,
    }
    with pytest.raises(ValueError, match=message):
        Session(**data)


@pytest.mark.parametrize(
    "data",
    [
        {"user": "u", "usercn": "c", "cookie": "k", "email": "e", "password": "p", "x": "y"},
        {"user": "u", "usercn": "c", "cookie": "k", "email": "e", "password": None},
    ],
)
def test_a_stored_session_needs_exactly_its_string_fields(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="stored session") as caught:
        Session.from_json(data)
    assert str(caught.value) == (
        "a stored session needs exactly the string fields "
        "('user', 'usercn', 'cookie', 'email', 'password')"
    )


def test_literal_secrets_of_four_characters_or_more_are_masked_longest_first() -> None:
    # "wxyz" sorts after "a-wxyz-b": only length order masks the longer one whole.
    redact = Redactor(["wxyz", "a-wxyz-b", "xyz", ""])
    assert redact("a-wxyz-b wxyz wxy xyz") == "*** *** wxy xyz"
    assert repr(redact) == "Redactor(<2 secrets>)"


def test_secrets_are_masked_in_their_xml_escaped_forms() -> None:
    redact = Redactor([SecretStr("""a"b'c&d<e>""")])
    assert redact("a&quot;b&apos;c&amp;d&lt;e&gt; and a\"b'c&d<e>") == "*** and ***"


def test_a_redactor_with_more_secrets_keeps_the_ones_it_had() -> None:
    redact = Redactor(["first-secret"]).with_secrets(SecretStr("second-secret"), None)
    assert redact("first-secret second-secret") == "*** ***"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            '<urn:APIKEY xsi:type="xsd:string">live-key</urn:APIKEY>',
            '<urn:APIKEY xsi:type="xsd:string">***</urn:APIKEY>',
        ),
        (
            "<apikey>live-key</apikey><APIKEYS>x</APIKEYS>",
            "<apikey>***</apikey><APIKEYS>x</APIKEYS>",
        ),
        (
            "<NAME> inp-password2 </NAME>\n<VALUE>pw 1</VALUE><NAME>inp-passwordx</NAME><VALUE>v",
            "<NAME> inp-password2 </NAME>\n<VALUE>***</VALUE><NAME>inp-passwordx</NAME><VALUE>v",
        ),
        (
            "<n:NAME>INP-PASSWORD</n:NAME><n:VALUE>pw</n:VALUE>",
            "<n:NAME>INP-PASSWORD</n:NAME><n:VALUE>***</n:VALUE>",
        ),
        ("Cookie: domauthsessid = AB12; x=1", "Cookie: domauthsessid = ***; x=1"),
        ("DomAuthSessId=AB12'>", "DomAuthSessId=***'>"),
        ("Authorization: basic dXNlcjpwYXNz= next", "Authorization: basic *** next"),
        ("a basically harmless hunter2", "a basically harmless hunter2"),
    ],
)
def test_known_secret_shapes_are_masked_exactly(text: str, masked: str) -> None:
    assert NO_SECRETS(text) == masked


def test_a_validation_error_names_the_form_and_shows_no_input(
    registration_data: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError) as caught:
        Registration(**{**registration_data, "phone": "1"})
    assert str(caught.value) == (
        "1 validation error for Registration\nphone\n"
        "  Value error, must be 6 to 15 digits, with no '+', spaces or punctuation"
        " [type=value_error]"
    )
