"""Every validation rule of contract section 5, through SETUSERFIELDS on the wire."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.wire import (
    API_KEY,
    PRIVATE,
    PUBLIC,
    STAFF,
    Answer,
    client_file,
    read_answer,
    registration,
    set_user_fields,
    sign_in,
    soap,
)


async def _check_registration(client: httpx.AsyncClient, items: list[tuple[str, str]]) -> Answer:
    body = set_user_fields(items, validation_mode="1")
    return read_answer(await soap(client, PUBLIC, body), "SETUSERFIELDS")


async def _check_client_file(client: httpx.AsyncClient, items: list[tuple[str, str]]) -> Answer:
    session = await sign_in(client, *STAFF)
    body = set_user_fields(items, group="NewClientFile", api_key=API_KEY, validation_mode="1")
    return read_answer(await soap(client, PRIVATE, body, session=session), "SETUSERFIELDS")


def _only_error(answer: Answer) -> tuple[str, str]:
    assert answer.code == 400
    assert answer.errors is not None
    assert len(answer.errors) == 1, answer.errors
    ((field, message),) = answer.errors.items()
    assert message[0].isupper(), message
    assert message.endswith("."), message
    return field, message


VALID_REGISTRATION_CHANGES = [
    pytest.param({}, id="defaults"),
    pytest.param({"first_name": "A"}, id="one-letter-name"),
    pytest.param({"first_name": "A" * 100}, id="100-char-name"),
    pytest.param({"first_name": "Zoë"}, id="accented"),
    pytest.param({"first_name": "José-María"}, id="hyphen"),
    pytest.param({"last_name": "O'Neil"}, id="apostrophe"),
    pytest.param({"last_name": "D\u2019Arcy"}, id="typographic-apostrophe"),
    pytest.param({"first_name": "Dr. Ann"}, id="period-and-space"),
    pytest.param({"first_name": "李"}, id="cjk"),
    pytest.param({"first_name": "Мария"}, id="cyrillic"),
    pytest.param({"first_name": "Ngu\u0303gi\u0303"}, id="combining-marks"),
    pytest.param({"last_name": "Lee 3rd"}, id="digits"),
    pytest.param({"tel_fixed": "123456"}, id="6-digit-phone"),
    pytest.param({"tel_fixed": "1" * 15}, id="15-digit-phone"),
    pytest.param({"tel_mobile": ""}, id="no-mobile"),
    pytest.param({"tel_mobile": None}, id="mobile-left-out"),
    pytest.param(
        {
            "email_address1": "ann+tag@mail.example.co.uk",
            "email_address2": "ann+tag@mail.example.co.uk",
        },
        id="plus-and-subdomains",
    ),
    pytest.param(
        {"email_address1": "o'brien@bücher.de", "email_address2": "o'brien@bücher.de"},
        id="apostrophe-and-idn",
    ),
    pytest.param({"password1": "12345678", "password2": "12345678"}, id="8-char-password"),
    pytest.param({"password1": " sp ace s ", "password2": " sp ace s "}, id="spaces-in-password"),
    pytest.param({"country": "United States"}, id="united-states"),
    pytest.param({"country": "United Kingdom"}, id="united-kingdom"),
    pytest.param({"country": "Côte d\u2019Ivoire"}, id="cldr-curly-apostrophe"),
    pytest.param({"country": "Hong Kong SAR China"}, id="cldr-hong-kong"),
    pytest.param({"time_zone": "Z=0$DO=1$DL=3 -1 1 10 -1 1$ZX=50$ZN=GMT"}, id="gmt"),
    pytest.param({"time_zone": "Z=-5.75$DO=0$ZX=106$ZN=Nepal"}, id="nepal"),
]


@pytest.mark.parametrize("changes", VALID_REGISTRATION_CHANGES)
async def test_valid_registration_passes(
    client: httpx.AsyncClient, state: SandboxState, changes: dict[str, str | None]
) -> None:
    answer = await _check_registration(client, registration(**changes))
    assert (answer.code, answer.info, answer.errors) == (200, "", None)
    assert state.stubs == {}


INVALID_REGISTRATION_CHANGES = [
    # Mandatory items
    pytest.param({"first_name": ""}, "inp-firstname", "First name is required", id="first-empty"),
    pytest.param({"first_name": None}, "inp-firstname", "is required", id="first-missing"),
    pytest.param({"first_name": "   "}, "inp-firstname", "is required", id="first-blank"),
    pytest.param({"last_name": ""}, "inp-lastname", "Last name is required", id="last-empty"),
    pytest.param({"tel_fixed": None}, "inp-telfixed", "Phone is required", id="phone-missing"),
    pytest.param({"email_address1": None}, "inp-emailaddress1", "is required", id="email-missing"),
    pytest.param({"password1": ""}, "inp-password1", "Password is required", id="pw-empty"),
    pytest.param({"agree_terms": None}, "inp-agreeterms", "is required", id="terms-missing"),
    pytest.param({"time_zone": ""}, "inp-timezone", "Time zone is required", id="tz-empty"),
    pytest.param({"country": None}, "inp-country", "Country is required", id="country-missing"),
    # Names
    pytest.param({"first_name": "A" * 101}, "inp-firstname", "1 to 100", id="name-101"),
    pytest.param({"first_name": "Ann<b>"}, "inp-firstname", "may contain only", id="name-markup"),
    pytest.param({"last_name": "Lee>"}, "inp-lastname", "may contain only", id="name-gt"),
    pytest.param({"first_name": "Ann\tLee"}, "inp-firstname", "may contain only", id="name-tab"),
    pytest.param({"first_name": "Ann\nLee"}, "inp-firstname", "may contain only", id="name-nl"),
    pytest.param({"first_name": "Ann;"}, "inp-firstname", "may contain only", id="name-semi"),
    pytest.param({"first_name": "a@b"}, "inp-firstname", "may contain only", id="name-at"),
    pytest.param({"last_name": "Lee/Ng"}, "inp-lastname", "may contain only", id="name-slash"),
    pytest.param({"first_name": "Ann\U0001f600"}, "inp-firstname", "only", id="name-emoji"),
    # Numeric
    pytest.param({"tel_fixed": "+61298765432"}, "inp-telfixed", "digits", id="phone-plus"),
    pytest.param({"tel_fixed": "02 9876 5432"}, "inp-telfixed", "digits", id="phone-spaces"),
    pytest.param({"tel_fixed": "02-9876-5432"}, "inp-telfixed", "digits", id="phone-dashes"),
    pytest.param({"tel_fixed": "12345"}, "inp-telfixed", "6 to 15", id="phone-5-digits"),
    pytest.param({"tel_fixed": "1" * 16}, "inp-telfixed", "6 to 15", id="phone-16-digits"),
    pytest.param(
        {"tel_fixed": "\u0661\u0662\u0663\u0664\u0665\u0666"},
        "inp-telfixed",
        "digits",
        id="phone-arabic-indic-digits",
    ),
    pytest.param({"tel_mobile": "0412 345"}, "inp-telmobile", "digits", id="mobile-space"),
    pytest.param({"tel_mobile": "12"}, "inp-telmobile", "6 to 15", id="mobile-short"),
    # Email
    *(
        pytest.param(
            {"email_address1": bad},
            "inp-emailaddress1",
            "not a valid email address",
            id=f"email-{bad}",
        )
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann lee@example.com",
            "ann@@example.com",
            "ann..lee@example.com",
            ".ann@example.com",
            "ann@-example.com",
            "ann@example.c",
            "ann@example.123",
            "<ann@example.com>",
            "ann@exa_mple.com",
            "a" * 65 + "@example.com",
        ]
    ),
    pytest.param(
        {"email_address2": "anne.lee@example.com"},
        "inp-emailaddress2",
        "must be the same as Email address",
        id="emails-differ",
    ),
    pytest.param(
        {"email_address2": "Ann.Lee@example.com"},
        "inp-emailaddress2",
        "must be the same",
        id="emails-differ-in-case",
    ),
    pytest.param({"email_address2": ""}, "inp-emailaddress2", "is required", id="email2-empty"),
    # Password
    pytest.param({"password2": "correct horsE"}, "inp-password2", "same as", id="pw-differ"),
    pytest.param({"password2": None}, "inp-password2", "is required", id="pw2-missing"),
    # Terms
    pytest.param({"agree_terms": "0"}, "inp-agreeterms", "must agree", id="terms-0"),
    pytest.param({"agree_terms": "yes"}, "inp-agreeterms", "1 (true) or 0", id="terms-yes"),
    pytest.param({"agree_terms": "true"}, "inp-agreeterms", "1 (true) or 0", id="terms-true"),
    pytest.param({"agree_terms": " 1"}, "inp-agreeterms", "1 (true) or 0", id="terms-space"),
    # Country
    pytest.param({"country": "australia"}, "inp-country", "ISO 3166", id="country-case"),
    pytest.param({"country": "UK"}, "inp-country", "ISO 3166", id="country-code"),
    pytest.param({"country": "AU"}, "inp-country", "ISO 3166", id="country-alpha2"),
    pytest.param({"country": "Russian Federation"}, "inp-country", "ISO 3166", id="iso-long"),
    pytest.param({"country": "European Union"}, "inp-country", "ISO 3166", id="not-a-country"),
    pytest.param({"country": "Kosovo"}, "inp-country", "ISO 3166", id="not-iso-3166-1"),
    # Time zone
    pytest.param({"time_zone": "AUS Eastern"}, "inp-timezone", "GETTIMEZONEINFO", id="tz-name"),
    pytest.param({"time_zone": "Australia/Sydney"}, "inp-timezone", "GETTIMEZONEINFO", id="iana"),
    pytest.param(
        {"time_zone": "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern "},
        "inp-timezone",
        "GETTIMEZONEINFO",
        id="tz-trailing-space",
    ),
    pytest.param(
        {"time_zone": "Z=-10$DO=0$ZX=66$ZN=AUS Eastern"},
        "inp-timezone",
        "GETTIMEZONEINFO",
        id="tz-altered",
    ),
]


@pytest.mark.parametrize(("changes", "field", "words"), INVALID_REGISTRATION_CHANGES)
async def test_each_rule_rejects_its_field(
    client: httpx.AsyncClient, changes: dict[str, str | None], field: str, words: str
) -> None:
    answer = await _check_registration(client, registration(**changes))
    error_field, message = _only_error(answer)
    assert error_field == field
    assert words in message


async def test_short_passwords_fail_on_both_copies(client: httpx.AsyncClient) -> None:
    answer = await _check_registration(
        client, registration(password1="1234567", password2="1234567")
    )
    assert answer.code == 400
    assert answer.errors == {
        "inp-password1": "Password must be at least 8 characters long.",
        "inp-password2": "Password (again) must be at least 8 characters long.",
    }


async def test_every_failing_field_is_reported_at_once(client: httpx.AsyncClient) -> None:
    items = [
        ("inp-firstname", "<x>"),
        ("inp-lastname", ""),
        ("inp-telfixed", "+1"),
        ("inp-telmobile", "abc"),
        ("inp-emailaddress1", "nope"),
        ("inp-emailaddress2", "nope2"),
        ("inp-password1", "short"),
        ("inp-password2", "other"),
        ("inp-agreeterms", "0"),
        ("inp-timezone", "GMT"),
        ("inp-country", "Atlantis"),
        ("inp-favourite-colour", "blue"),
    ]
    answer = await _check_registration(client, items)
    assert answer.code == 400
    assert answer.errors is not None
    assert list(answer.errors) == [name for name, _ in items]
    assert answer.info


async def test_unknown_and_repeated_fields_are_rejected(client: httpx.AsyncClient) -> None:
    items = [*registration(), ("inp-firstname", "Ann"), ("inp-newemailaddress1", "a@b.cd")]
    answer = await _check_registration(client, items)
    assert answer.errors == {
        "inp-firstname": "This field is given more than once.",
        "inp-newemailaddress1": "Unknown field for NewUserRegistration.",
    }


async def test_read_only_regstatus_cannot_be_set(client: httpx.AsyncClient) -> None:
    answer = await _check_registration(client, [*registration(), ("inp-regstatus", "Registered")])
    assert _only_error(answer)[0] == "inp-regstatus"


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        pytest.param({"group": "NewClientFile"}, "GROUPNAME", id="other-group"),
        pytest.param({"group": ""}, "GROUPNAME", id="empty-group"),
        pytest.param({"context_form": "UReg"}, "CONTEXTFORM", id="context-form"),
        pytest.param({"context_id": "STUB-1"}, "CONTEXTID", id="context-id"),
        pytest.param({"validation_mode": "0"}, "VALIDATIONMODE", id="validation-mode-0"),
        pytest.param({"validation_mode": "true"}, "VALIDATIONMODE", id="validation-mode-true"),
    ],
)
async def test_bad_parameters_are_400(
    client: httpx.AsyncClient, state: SandboxState, parameters: dict[str, str], field: str
) -> None:
    response = await soap(client, PUBLIC, set_user_fields(registration(), **parameters))
    answer = read_answer(response, "SETUSERFIELDS")
    assert _only_error(answer)[0] == field
    assert state.stubs == {}


# NewClientFile


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="with-email"),
        pytest.param({"new_email_address1": "", "new_email_address2": ""}, id="no-email"),
        pytest.param(
            {"new_email_address1": None, "new_email_address2": None}, id="emails-left-out"
        ),
        pytest.param({"tel_mobile": "61412345678"}, id="with-mobile"),
        pytest.param({"tel_mobile": None}, id="mobile-left-out"),
    ],
)
async def test_valid_client_file_passes(
    client: httpx.AsyncClient, state: SandboxState, changes: dict[str, str | None]
) -> None:
    answer = await _check_client_file(client, client_file(**changes))
    assert (answer.code, answer.info, answer.errors) == (200, "", None)
    assert state.client_files == {}
    assert state.outbox == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param({"first_name": ""}, "inp-firstname", "is required", id="first-empty"),
        pytest.param({"last_name": "<Moss>"}, "inp-lastname", "may contain only", id="markup"),
        pytest.param({"tel_fixed": ""}, "inp-telfixed", "is required", id="phone-empty"),
        pytest.param({"tel_fixed": "(02) 98765"}, "inp-telfixed", "digits", id="phone-format"),
        pytest.param({"tel_mobile": "+614"}, "inp-telmobile", "digits", id="mobile-format"),
        pytest.param(
            {"new_email_address1": "bea"},
            "inp-newemailaddress1",
            "not a valid email address",
            id="email-syntax",
        ),
        pytest.param(
            {"new_email_address2": ""},
            "inp-newemailaddress2",
            "must be the same",
            id="second-copy-missing",
        ),
        pytest.param(
            {"new_email_address1": ""},
            "inp-newemailaddress2",
            "must be the same",
            id="first-copy-missing",
        ),
        pytest.param(
            {"new_email_address2": "bee.moss@example.com"},
            "inp-newemailaddress2",
            "must be the same",
            id="copies-differ",
        ),
    ],
)
async def test_client_file_rules(
    client: httpx.AsyncClient, changes: dict[str, str | None], field: str, words: str
) -> None:
    answer = await _check_client_file(client, client_file(**changes))
    error_field, message = _only_error(answer)
    assert (error_field, words in message) == (field, True)


async def test_client_file_rejects_registration_only_fields(client: httpx.AsyncClient) -> None:
    items = [*client_file(), ("inp-password1", "secret-secret"), ("inp-country", "Australia")]
    answer = await _check_client_file(client, items)
    assert answer.errors == {
        "inp-password1": "Unknown field for NewClientFile.",
        "inp-country": "Unknown field for NewClientFile.",
    }
