"""The forms enforce ClickBook's schema rules before anything is sent; Session keeps secrets."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.clickbook import ClientFile, Registration, RegStatus, Session
from tests.clickbook.conftest import AEST, PASSWORD


def test_a_registration_fills_both_copies_in_schema_order(
    registration_data: dict[str, Any],
) -> None:
    items = Registration(**registration_data).to_items()
    assert items == [
        ("inp-firstname", "Ann"),
        ("inp-lastname", "Lee"),
        ("inp-telfixed", "61298765432"),
        ("inp-telmobile", "61412345678"),
        ("inp-emailaddress1", "ann.lee@example.com"),
        ("inp-emailaddress2", "ann.lee@example.com"),
        ("inp-password1", PASSWORD),
        ("inp-password2", PASSWORD),
        ("inp-agreeterms", "1"),
        ("inp-timezone", AEST),
        ("inp-country", "Australia"),
    ]


def test_a_registration_without_mobile_leaves_it_out(registration_data: dict[str, Any]) -> None:
    registration_data.pop("mobile")
    names = [name for name, _ in Registration(**registration_data).to_items()]
    assert "inp-telmobile" not in names
    assert len(names) == 10


def test_a_client_file_fills_the_second_email(client_file_data: dict[str, Any]) -> None:
    assert ClientFile(**client_file_data, mobile="61412345678").to_items() == [
        ("inp-firstname", "Bo"),
        ("inp-lastname", "Chan"),
        ("inp-telfixed", "442071234567"),
        ("inp-telmobile", "61412345678"),
        ("inp-newemailaddress1", "bo.chan@example.com"),
        ("inp-newemailaddress2", "bo.chan@example.com"),
    ]


def test_a_client_file_without_email_sends_no_email_items() -> None:
    items = ClientFile(first_name="Bo", last_name="Chan", phone="442071234567").to_items()
    assert [name for name, _ in items] == ["inp-firstname", "inp-lastname", "inp-telfixed"]


@pytest.mark.parametrize(
    "name",
    [
        "A",
        "O'Brien",
        "O’Brien",
        "Jean-Luc",
        "St. John",
        "Zoë",
        "Zoe\u0308",
        "سلمى",
        "שרה",
        "李",
        "Anne Marie",
        "Louis 14",
        "x" * 100,
    ],
)
def test_valid_names_pass(client_file_data: dict[str, Any], name: str) -> None:
    client_file = ClientFile(**{**client_file_data, "first_name": name, "last_name": name})
    assert (client_file.first_name, client_file.last_name) == (name, name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "1 to 100"),
        ("x" * 101, "1 to 100"),
        (" Ann", "start or end"),
        ("Ann ", "start or end"),
        ("Ann  Lee", "two spaces"),
        ("Ann<b>", "only letters"),
        ("Ann_Lee", "only letters"),
        ("Ann\tLee", "only letters"),
        ("½", "only letters"),
        ("'-.", "a letter or a digit"),
    ],
)
def test_invalid_names_fail(client_file_data: dict[str, Any], name: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        ClientFile(**{**client_file_data, "last_name": name})


@pytest.mark.parametrize(
    "phone", ["12345", "1234567890123456", "+61412345678", "0412 345 678", "٠١٢٣٤٥٦٧"]
)
def test_phones_must_be_6_to_15_ascii_digits(client_file_data: dict[str, Any], phone: str) -> None:
    with pytest.raises(ValidationError, match="6 to 15 digits"):
        ClientFile(**{**client_file_data, "phone": phone})
    with pytest.raises(ValidationError, match="6 to 15 digits"):
        ClientFile(**{**client_file_data, "mobile": phone})


@pytest.mark.parametrize("phone", ["123456", "123456789012345"])
def test_phone_length_bounds_pass(client_file_data: dict[str, Any], phone: str) -> None:
    assert ClientFile(**{**client_file_data, "phone": phone}).phone == phone


@pytest.mark.parametrize(
    "email", ["ann", "ann@", "@example.com", "ann@@example.com", "ann lee@x.com"]
)
def test_emails_must_be_valid(registration_data: dict[str, Any], email: str) -> None:
    with pytest.raises(ValidationError, match="not a valid email"):
        Registration(**{**registration_data, "email": email})


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"password": "short1!"}, "at least 8"),
        ({"password": "longenough\x00"}, "control character"),
        ({"agree_terms": False}, "terms must be agreed"),
        ({"agree_terms": "yes"}, "valid boolean"),
        ({"timezone": "Sydney"}, "time zone value"),
        ({"country": ""}, "country name"),
        ({"country": " Australia"}, "country name"),
        ({"unknown": "x"}, "Extra inputs"),
    ],
)
def test_registration_rules(
    registration_data: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        Registration(**{**registration_data, **changes})


@pytest.mark.parametrize("password", ["short1!", "contains\x01control"])
def test_a_rejected_password_never_shows_in_the_error(
    registration_data: dict[str, Any], password: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Registration(**{**registration_data, "password": password})
    text = f"{caught.value}\n{caught.value!r}\n{caught.value.errors()}\n{caught.value.json()}"
    assert password not in text
    assert "password" in text


def test_no_input_shows_in_any_validation_error(registration_data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        Registration(**{**registration_data, "phone": "not-a-phone", "first_name": "<b>"})
    assert "not-a-phone" not in str(caught.value)
    assert len(caught.value.errors()) == 2


def test_a_valid_registration_hides_its_password(registration_data: dict[str, Any]) -> None:
    registration = Registration(**registration_data)
    assert isinstance(registration.password, SecretStr)
    assert PASSWORD not in repr(registration)
    assert PASSWORD not in str(registration)
    assert PASSWORD not in registration.model_dump_json()


def test_forms_are_frozen(registration_data: dict[str, Any]) -> None:
    registration = Registration(**registration_data)
    with pytest.raises(ValidationError, match="frozen"):
        registration.first_name = "Bob"  # type: ignore[misc]


def test_reg_status_values() -> None:
    assert [status.value for status in RegStatus] == ["Invited", "Registered"]


def make_session() -> Session:
    return Session(
        user="CN=Sam Staff/O=ClickBook",
        usercn="Sam Staff",
        cookie="COOKIE-abcdef123",
        email="staff@example.com",
        password="staff-password-1",
    )


def test_session_repr_shows_no_secret() -> None:
    session = make_session()
    for text in (repr(session), str(session)):
        assert "COOKIE-abcdef123" not in text
        assert "staff-password-1" not in text
        assert "Sam Staff" in text


def test_session_json_round_trip_keeps_the_secrets() -> None:
    session = make_session()
    data = session.to_json()
    assert data == {
        "user": "CN=Sam Staff/O=ClickBook",
        "usercn": "Sam Staff",
        "cookie": "COOKIE-abcdef123",
        "email": "staff@example.com",
        "password": "staff-password-1",
    }
    restored = Session.from_json(data)
    assert restored.to_json() == data
    assert restored.cookie.get_secret_value() == "COOKIE-abcdef123"


@pytest.mark.parametrize(
    "data",
    [
        {"user": "u", "usercn": "c", "cookie": "k", "email": "e"},
        {"user": "u", "usercn": "c", "cookie": 1, "email": "e", "password": "p"},
        {"user": "", "usercn": "c", "cookie": "k", "email": "e", "password": "p"},
        {"user": "u", "usercn": "c", "cookie": "", "email": "e", "password": "p"},
    ],
)
def test_session_from_json_refuses_bad_data(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="session|user|cookie"):
        Session.from_json(data)


def test_replacing_the_cookie_updates_the_session_in_place() -> None:
    session = make_session()
    session.replace_cookie("COOKIE-new", user="CN=Sam Staff/O=ClickBook", usercn="Sam S")
    assert session.cookie.get_secret_value() == "COOKIE-new"
    assert session.usercn == "Sam S"
    assert session.password.get_secret_value() == "staff-password-1"
