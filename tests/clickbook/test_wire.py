"""The pure SOAP codec against recorded envelopes in tests/data/clickbook."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.clickbook import (
    ClickBookAPIError,
    ClickBookExpiredError,
    ClickBookFaultError,
    ClickBookForbiddenError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookValidationError,
    FieldError,
    wire,
)
from bot.clickbook.redaction import Redactor

DATA = Path(__file__).parent.parent / "data" / "clickbook"
SOAPENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
URN = "{urn:DefaultNamespace}"
AEST = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"
INJECTION = "</VALUE></FIELD><FIELD><NAME>inp-password1</NAME><VALUE>x"


def recorded(name: str) -> bytes:
    return (DATA / name).read_bytes()


def shape(element: ET.Element) -> tuple[object, ...]:
    """Return an element tree as nested tuples; layout whitespace counts as no text."""
    text = element.text if element.text and element.text.strip() else None
    return (element.tag, dict(element.attrib), text, [shape(child) for child in element])


def response(operation: str, code: int, info: str = "", extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:urn="urn:DefaultNamespace"><soapenv:Body>'
        f"<urn:{operation}Response><{operation}Return><CODE>{code}</CODE><INFO>{info}</INFO>"
        f"{extra}</{operation}Return></urn:{operation}Response>"
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


REGISTRATION_ITEMS = [
    ("inp-firstname", "Ann"),
    ("inp-lastname", "Lee"),
    ("inp-telfixed", "61298765432"),
    ("inp-telmobile", "61412345678"),
    ("inp-emailaddress1", "ann.lee@example.com"),
    ("inp-emailaddress2", "ann.lee@example.com"),
    ("inp-password1", "correct horse 1"),
    ("inp-password2", "correct horse 1"),
    ("inp-agreeterms", "1"),
    ("inp-timezone", AEST),
    ("inp-country", "Australia"),
]


@pytest.mark.parametrize(
    ("operation", "params", "recording"),
    [
        pytest.param(
            "GETTIMEZONEINFO",
            {"APIKEY": "test-api-key"},
            "request_gettimezoneinfo.xml",
            id="gettimezoneinfo",
        ),
        pytest.param(
            "SETUSERFIELDS",
            {
                "FIELDS": REGISTRATION_ITEMS,
                "VALIDATIONMODE": "",
                "CONTEXTID": "",
                "CONTEXTFORM": "",
                "GROUPNAME": "NewUserRegistration",
                "APIKEY": "test-api-key",
            },
            "request_setuserfields_registration.xml",
            id="setuserfields-registration",
        ),
        pytest.param(
            "SETUSERFIELDS",
            {
                "APIKEY": "test-api-key",
                "GROUPNAME": "NewClientFile",
                "CONTEXTFORM": "",
                "CONTEXTID": "",
                "VALIDATIONMODE": "",
                "FIELDS": [
                    ("inp-firstname", "Bo"),
                    ("inp-lastname", "Chan"),
                    ("inp-telfixed", "442071234567"),
                    ("inp-newemailaddress1", "bo.chan@example.com"),
                    ("inp-newemailaddress2", "bo.chan@example.com"),
                ],
            },
            "request_setuserfields_clientfile.xml",
            id="setuserfields-clientfile",
        ),
        pytest.param(
            "PROCESSREGSTUB",
            {"STUBID": "STUB-0001", "APIKEY": "test-api-key"},
            "request_processregstub.xml",
            id="processregstub",
        ),
        pytest.param(
            "GETUSERFIELDS",
            {
                "CONTEXTID": "CF-0001",
                "APIKEY": "test-api-key",
                "GROUPNAME": "BasicDetailsClientFile",
                "CONTEXTFORM": "ClientFile",
            },
            "request_getuserfields.xml",
            id="getuserfields",
        ),
    ],
)
def test_envelope_matches_the_recording(
    operation: str, params: dict[str, object], recording: str
) -> None:
    built = ET.fromstring(wire.build_envelope(operation, params))  # type: ignore[arg-type]
    assert shape(built) == shape(ET.fromstring(recorded(recording)))


@pytest.mark.parametrize("operation", list(wire.Operation))
def test_parameters_come_in_the_contract_order_with_apikey_first(
    operation: wire.Operation,
) -> None:
    expected = wire.PARAMETERS[operation]
    params = {name: ([] if name == "FIELDS" else f"v-{name}") for name in reversed(expected)}
    root = ET.fromstring(wire.build_envelope(operation, params))
    call = root.find(f"{SOAPENV}Body/{URN}{operation}")
    assert call is not None
    assert [child.tag for child in call] == list(expected)
    assert expected[0] == "APIKEY"


def test_envelope_declares_utf8_and_the_soap_namespaces() -> None:
    body = wire.build_envelope("PROCESSREGSTUB", {"APIKEY": "k", "STUBID": "s"})
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' in body
    assert b'xmlns:urn="urn:DefaultNamespace"' in body
    assert b"<urn:PROCESSREGSTUB>" in body


def test_a_value_that_looks_like_markup_stays_literal_text() -> None:
    body = wire.build_envelope(
        "SETUSERFIELDS",
        {
            "APIKEY": "k",
            "GROUPNAME": "NewClientFile",
            "CONTEXTFORM": "",
            "CONTEXTID": "",
            "VALIDATIONMODE": "",
            "FIELDS": [("inp-firstname", INJECTION), ("inp-lastname", "Lee & <Sons>")],
        },
    )
    assert b"<NAME>inp-password1</NAME>" not in body
    fields = ET.fromstring(body).find(f"{SOAPENV}Body/{URN}SETUSERFIELDS/FIELDS")
    assert fields is not None
    items = [(f.findtext("NAME"), f.findtext("VALUE")) for f in fields]
    assert items == [("inp-firstname", INJECTION), ("inp-lastname", "Lee & <Sons>")]


def test_field_values_leave_untrimmed() -> None:
    # A password's surrounding spaces are part of it: trimmed, the account gets another one.
    password = "  spaced out 1 "
    body = wire.build_envelope(
        "SETUSERFIELDS",
        {
            "APIKEY": "k",
            "GROUPNAME": "NewUserRegistration",
            "CONTEXTFORM": "",
            "CONTEXTID": "",
            "VALIDATIONMODE": "",
            "FIELDS": [("inp-password1", password), ("inp-password2", password)],
        },
    )
    fields = ET.fromstring(body).find(f"{SOAPENV}Body/{URN}SETUSERFIELDS/FIELDS")
    assert fields is not None
    assert [f.findtext("VALUE") for f in fields] == [password, password]


def test_a_text_parameter_is_escaped_too() -> None:
    body = wire.build_envelope("PROCESSREGSTUB", {"APIKEY": "k", "STUBID": "a</STUBID><X>"})
    assert ET.fromstring(body).findtext(f"{SOAPENV}Body/{URN}PROCESSREGSTUB/STUBID") == (
        "a</STUBID><X>"
    )


@pytest.mark.parametrize("bad", ["nul\x00", "bell\x07", "cr\r", "\ufffe"])
def test_a_value_xml_cannot_carry_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="XML cannot carry"):
        wire.build_envelope("PROCESSREGSTUB", {"APIKEY": "k", "STUBID": bad})


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"APIKEY": "k"}, id="missing"),
        pytest.param({"APIKEY": "k", "STUBID": "s", "EXTRA": "x"}, id="unknown"),
        pytest.param({"APIKEY": "k", "STUBID": [("a", "b")]}, id="items-for-text"),
    ],
)
def test_wrong_parameters_are_a_programmer_error(params: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="PROCESSREGSTUB"):
        wire.build_envelope("PROCESSREGSTUB", params)  # type: ignore[arg-type]


def test_fields_parameter_refuses_plain_text() -> None:
    params = {name: "" for name in wire.PARAMETERS[wire.Operation.SETUSERFIELDS]}
    with pytest.raises(ValueError, match="FIELDS takes"):
        wire.build_envelope("SETUSERFIELDS", params)


def test_timezones_are_read_in_order() -> None:
    result = wire.parse_response("GETTIMEZONEINFO", recorded("response_gettimezoneinfo.xml"))
    assert result.code == 200
    assert result.has_timezones
    assert result.timezones == (
        (AEST, "(GMT+10:00) Canberra, Melbourne, Sydney"),
        ("Z=0$DO=1$DL=3 -1 1 10 -1 1$ZX=50$ZN=GMT", "(GMT) Dublin, Edinburgh, Lisbon, London"),
        ("Z=-5.5$DO=0$ZX=23$ZN=India", "(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi"),
    )


def test_info_carries_the_stub_id() -> None:
    result = wire.parse_response("SETUSERFIELDS", recorded("response_setuserfields_ok.xml"))
    assert (result.code, result.info, result.errors) == (200, "STUB-0001", ())
    assert wire.raise_for_code(result, success=(200,)) is result


def test_fields_come_back_unescaped_and_untrimmed() -> None:
    result = wire.parse_response("GETUSERFIELDS", recorded("response_getuserfields.xml"))
    values = result.field_values()
    assert values["inp-firstname"] == "Zoë & <Ann>"
    assert values["inp-lastname"] == "  O’Brien-سلمى  "
    assert values["inp-telmobile"] == ""
    assert values["inp-note"] == "line one\r\nline two"
    assert values[wire.ITEM_REGSTATUS] == "Invited"
    assert [name for name, _ in result.fields][0] == "inp-firstname"


def test_every_field_error_is_kept() -> None:
    result = wire.parse_response("SETUSERFIELDS", recorded("response_setuserfields_invalid.xml"))
    with pytest.raises(ClickBookValidationError) as caught:
        wire.raise_for_code(result, success=(200,))
    error = caught.value
    assert error.code == 400
    assert error.info == "Validation failed"
    assert error.errors == [
        FieldError(field="inp-emailaddress1", message="Email address is already registered"),
        FieldError(
            field="inp-telfixed", message="Phone must be 6 to 15 digits & no <punctuation>"
        ),
    ]
    assert error.fields == ["inp-emailaddress1", "inp-telfixed"]
    assert "inp-emailaddress1: Email address is already registered" in str(error)


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        pytest.param(403, ClickBookForbiddenError, id="403-forbidden"),
        pytest.param(404, ClickBookNotFoundError, id="404-not-found"),
        pytest.param(409, ClickBookAPIError, id="409-already-processed"),
        pytest.param(410, ClickBookExpiredError, id="410-expired"),
        pytest.param(500, ClickBookAPIError, id="500-unknown"),
        pytest.param(499, ClickBookAPIError, id="499-unknown"),
    ],
)
def test_failure_codes_map_to_their_errors(
    code: int, error_class: type[ClickBookAPIError]
) -> None:
    result = wire.parse_response("PROCESSREGSTUB", response("PROCESSREGSTUB", code, "why"))
    with pytest.raises(ClickBookAPIError) as caught:
        wire.raise_for_code(result, success=(301,))
    assert type(caught.value) is error_class
    assert (caught.value.code, caught.value.info, caught.value.operation) == (
        code,
        "why",
        "PROCESSREGSTUB",
    )
    assert str(caught.value).startswith(f"ClickBook PROCESSREGSTUB: CODE {code}")


def test_code_400_without_errors_still_is_a_validation_error() -> None:
    result = wire.parse_response("SETUSERFIELDS", response("SETUSERFIELDS", 400, "bad"))
    with pytest.raises(ClickBookValidationError) as caught:
        wire.raise_for_code(result, success=(200,))
    assert caught.value.errors == []
    assert "bad" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "success"), [(301, (301, 409)), (409, (301, 409)), (200, (200,))]
)
def test_success_codes_pass(code: int, success: tuple[int, ...]) -> None:
    result = wire.parse_response("PROCESSREGSTUB", response("PROCESSREGSTUB", code))
    assert wire.raise_for_code(result, success=success).code == code


def test_an_unexpected_success_code_is_an_unusable_answer() -> None:
    result = wire.parse_response("PROCESSREGSTUB", response("PROCESSREGSTUB", 200))
    with pytest.raises(ClickBookResponseError, match="unexpected CODE 200"):
        wire.raise_for_code(result, success=(301,))


@pytest.mark.parametrize(
    ("recording", "code", "client_fault"),
    [
        ("response_fault_server.xml", "soapenv:Server", False),
        ("response_fault_client_echo.xml", "soapenv:Client", True),
    ],
)
def test_a_fault_raises_with_code_and_string(
    recording: str, code: str, client_fault: bool
) -> None:
    with pytest.raises(ClickBookFaultError) as caught:
        wire.parse_response("GETUSERFIELDS", recorded(recording), http_status=500)
    assert caught.value.fault_code == code
    assert caught.value.is_client_fault is client_fault
    assert caught.value.http_status == 500
    assert str(caught.value).startswith(f"ClickBook GETUSERFIELDS: SOAP fault {code}: ")


def test_a_fault_echoing_secrets_is_scrubbed() -> None:
    redact = Redactor(["hunter2-secret", "test-api-key"])
    with pytest.raises(ClickBookFaultError) as caught:
        wire.parse_response(
            "SETUSERFIELDS", recorded("response_fault_client_echo.xml"), redact=redact
        )
    text = f"{caught.value} {caught.value!r} {caught.value.fault_string}"
    assert "hunter2-secret" not in text
    assert "test-api-key" not in text
    assert "Cannot parse" in text


@pytest.mark.parametrize(
    "recording", ["response_billion_laughs.xml", "response_external_entity.xml"]
)
def test_dtds_and_entities_are_refused(recording: str) -> None:
    with pytest.raises(ClickBookResponseError, match="DTD or entities"):
        wire.parse_response("GETTIMEZONEINFO", recorded(recording), http_status=200)


def test_a_bare_dtd_is_refused() -> None:
    # No entity in it: only the DTD itself is there to refuse.
    plain = response("GETTIMEZONEINFO", 200)
    declaration, _, rest = plain.partition(b"?>")
    body = declaration + b"?><!DOCTYPE soapenv:Envelope [<!ELEMENT CODE (#PCDATA)>]>" + rest
    assert wire.parse_response("GETTIMEZONEINFO", plain).code == 200

    with pytest.raises(ClickBookResponseError, match="DTD or entities"):
        wire.parse_response("GETTIMEZONEINFO", body, http_status=200)


def test_an_oversized_body_is_refused_unparsed() -> None:
    padding = "x" * wire.MAX_BODY_BYTES
    body = response("GETTIMEZONEINFO", 200, padding)
    with pytest.raises(ClickBookResponseError, match="exceeds") as caught:
        wire.parse_response("GETTIMEZONEINFO", body, http_status=200)
    assert caught.value.http_status == 200


def test_a_body_just_under_the_limit_is_parsed() -> None:
    empty = response("GETTIMEZONEINFO", 200, "")
    info = "y" * (wire.MAX_BODY_BYTES - len(empty))
    result = wire.parse_response("GETTIMEZONEINFO", response("GETTIMEZONEINFO", 200, info))
    assert result.info == info


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(recorded("response_login_page.html"), "HTML where XML", id="html"),
        pytest.param(b"<a><b></a>", "not well-formed", id="broken"),
        pytest.param(b"<Envelope/>", "expected a SOAP Envelope", id="no-soap"),
        pytest.param(
            response("SETUSERFIELDS", 200), "expected <urn:GETUSERFIELDSResponse>", id="other-op"
        ),
        pytest.param(response("GETUSERFIELDS", 0).replace(b">0<", b">OK<"), "CODE", id="code"),
        pytest.param(
            response("GETUSERFIELDS", 200).replace(b"GETUSERFIELDSReturn", b"Other"),
            "no <GETUSERFIELDSReturn>",
            id="no-return",
        ),
        pytest.param(
            response(
                "GETUSERFIELDS", 200, extra="<FIELDS><FIELD><VALUE>v</VALUE></FIELD></FIELDS>"
            ),
            "has no NAME",
            id="field-without-name",
        ),
        pytest.param(
            response(
                "SETUSERFIELDS", 400, extra="<ERRORS><ERROR><MESSAGE>m</MESSAGE></ERROR></ERRORS>"
            ),
            "has no FIELD",
            id="error-without-field",
        ),
    ],
)
def test_unusable_answers_raise_response_errors(body: bytes, message: str) -> None:
    operation = "SETUSERFIELDS" if b"SETUSERFIELDSReturn><CODE>400" in body else "GETUSERFIELDS"
    with pytest.raises(ClickBookResponseError, match=message) as caught:
        wire.parse_response(operation, body, http_status=200)
    assert caught.value.http_status == 200
    assert len(caught.value.excerpt) <= wire.EXCERPT_CHARS
    assert caught.value.excerpt


def test_an_excerpt_masks_secrets_even_when_unknown() -> None:
    body = (
        b"<soapenv:Envelope><APIKEY>live-key-123</APIKEY><FIELD><NAME>inp-password1</NAME>"
        b"<VALUE>pw-123456</VALUE></FIELD>Set-Cookie: DomAuthSessId=ABCDEF123; path=/"
    )
    text = wire.excerpt(body)
    for secret in ("live-key-123", "pw-123456", "ABCDEF123"):
        assert secret not in text
    assert "<APIKEY>***" in text
