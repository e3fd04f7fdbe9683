"""The SOAP codec at its edges: limits, odd but valid answers, and the exact error texts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.clickbook import (
    ClickBookAPIError,
    ClickBookResponseError,
    ClickBookValidationError,
    FieldError,
    wire,
)
from bot.clickbook.redaction import Redactor
from tests.clickbook.test_wire import SOAPENV, URN, response

ENVELOPE = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:urn="urn:DefaultNamespace">{}</soapenv:Envelope>'
)


def unusable(body: bytes, operation: str = "PROCESSREGSTUB") -> ClickBookResponseError:
    with pytest.raises(ClickBookResponseError) as caught:
        wire.parse_response(operation, body, http_status=200)
    return caught.value


def test_a_body_of_one_mebibyte_is_read_and_one_byte_more_is_refused() -> None:
    empty = response("PROCESSREGSTUB", 301)
    at_limit = response("PROCESSREGSTUB", 301, "i" * (1_048_576 - len(empty)))
    assert len(at_limit) == 1_048_576
    assert wire.parse_response("PROCESSREGSTUB", at_limit).code == 301

    error = unusable(at_limit.replace(b"<INFO>", b"<INFO>i"))
    assert error.message == "response of 1048577 bytes exceeds the 1048576-byte limit"
    assert error.excerpt == ""


def test_an_excerpt_is_the_first_200_characters_even_of_multibyte_text() -> None:
    error = unusable(b"<p>" + "\u00e9".encode() * 300 + b"</p>")
    assert error.excerpt == "<p>" + "\u00e9" * 197


def test_an_excerpt_of_bytes_that_are_not_utf8_shows_replacement_characters() -> None:
    # A proxy's error page in Latin-1: the excerpt must still be made, not raise.
    error = unusable(b"<p>caf\xe9</p>")
    assert error.message.startswith("response is not well-formed XML")
    assert error.excerpt == "<p>caf\ufffd</p>"


def test_an_excerpt_is_scrubbed_of_the_calls_secrets() -> None:
    redact = Redactor(["stub-secret-1"])
    with pytest.raises(ClickBookResponseError) as caught:
        wire.parse_response("PROCESSREGSTUB", b"<p>stub-secret-1</p>", redact=redact)
    assert caught.value.excerpt == "<p>***</p>"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html><body>Login</body></html>", id="lowercase"),
        pytest.param(b"\r\n  <HTML><BODY>Login</BODY></HTML>", id="uppercase-after-space"),
        pytest.param(b"<!doctype HTML><p>Login</p>", id="doctype"),
    ],
)
def test_an_html_page_is_named_as_such(body: bytes) -> None:
    error = unusable(body)
    assert error.message == "HTML where XML was expected"
    assert error.excerpt == body.decode()


def test_markup_that_only_mentions_html_later_is_not_called_html() -> None:
    error = unusable(b"<page><html/></page>")
    assert error.message == "expected a SOAP Envelope, got <page>"


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        pytest.param("", "expected a SOAP Body with exactly one element", id="no-body"),
        pytest.param(
            "<soapenv:Body/>", "expected a SOAP Body with exactly one element", id="empty-body"
        ),
        pytest.param(
            "<soapenv:Body><urn:PROCESSREGSTUBResponse/><urn:PROCESSREGSTUBResponse/>"
            "</soapenv:Body>",
            "expected a SOAP Body with exactly one element",
            id="two-elements",
        ),
        pytest.param(
            "<soapenv:Body><urn:PROCESSREGSTUBResponse/></soapenv:Body>",
            "<PROCESSREGSTUBResponse> has no <PROCESSREGSTUBReturn>",
            id="no-return",
        ),
        pytest.param(
            "<soapenv:Body><PROCESSREGSTUBResponse/></soapenv:Body>",
            "expected <urn:PROCESSREGSTUBResponse>, got <PROCESSREGSTUBResponse>",
            id="response-without-namespace",
        ),
    ],
)
def test_an_envelope_of_the_wrong_shape_is_unusable(inner: str, message: str) -> None:
    assert unusable(ENVELOPE.format(inner).encode()).message == message


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("", "CODE '' is not a number", id="empty"),
        pytest.param(
            "\u0663\u0660\u0661", "CODE '\u0663\u0660\u0661' is not a number", id="arabic"
        ),
        pytest.param("-1", "CODE '-1' is not a number", id="negative"),
    ],
)
def test_a_code_that_is_not_ascii_digits_is_unusable(code: str, message: str) -> None:
    body = response("PROCESSREGSTUB", 0).replace(
        b"<CODE>0</CODE>", f"<CODE>{code}</CODE>".encode()
    )
    assert unusable(body).message == message


def test_a_code_and_payloads_laid_out_on_lines_are_read() -> None:
    body = response(
        "GETUSERFIELDS",
        0,
        extra=(
            "<FIELDS>\n  <FIELD><NAME>inp-firstname</NAME><VALUE> Ann </VALUE></FIELD>\n</FIELDS>"
        ),
    ).replace(b"<CODE>0</CODE>", b"<CODE>\n  200\n</CODE>")
    result = wire.parse_response("GETUSERFIELDS", body)
    assert (result.code, result.fields) == (200, (("inp-firstname", " Ann "),))
    assert result.has_fields
    assert not result.has_timezones


def test_absent_info_and_payloads_read_as_empty() -> None:
    body = ENVELOPE.format(
        "<soapenv:Body><urn:PROCESSREGSTUBResponse><PROCESSREGSTUBReturn><CODE>301</CODE>"
        "</PROCESSREGSTUBReturn></urn:PROCESSREGSTUBResponse></soapenv:Body>"
    ).encode()
    result = wire.parse_response("PROCESSREGSTUB", body)
    assert result == wire.Result(operation="PROCESSREGSTUB", code=301)
    assert (result.info, result.has_fields, result.has_timezones) == ("", False, False)


def test_empty_payload_elements_are_present_but_hold_nothing() -> None:
    body = response("GETTIMEZONEINFO", 200, extra="<TIMEZONES/><FIELDS/><ERRORS/>")
    result = wire.parse_response("GETTIMEZONEINFO", body)
    assert (result.info, result.timezones, result.fields, result.errors) == ("", (), (), ())
    assert (result.has_fields, result.has_timezones) == (True, True)


def test_payload_items_missing_their_optional_parts_read_as_empty() -> None:
    body = response(
        "SETUSERFIELDS",
        400,
        extra=(
            "<ERRORS><ERROR><FIELD>inp-country</FIELD></ERROR><OTHER/></ERRORS>"
            "<FIELDS><FIELD><NAME>inp-telmobile</NAME></FIELD></FIELDS>"
            "<TIMEZONES><TIMEZONE><VALUE>Z=0$DO=0$ZX=1$ZN=UTC</VALUE></TIMEZONE></TIMEZONES>"
        ),
    )
    result = wire.parse_response("SETUSERFIELDS", body)
    assert result.errors == (FieldError(field="inp-country", message=""),)
    assert result.fields == (("inp-telmobile", ""),)
    assert result.timezones == (("Z=0$DO=0$ZX=1$ZN=UTC", ""),)


def test_a_timezone_without_a_value_is_unusable() -> None:
    body = response(
        "GETTIMEZONEINFO",
        200,
        extra="<TIMEZONES><TIMEZONE><LABEL>x</LABEL></TIMEZONE></TIMEZONES>",
    )
    assert unusable(body, "GETTIMEZONEINFO").message == "<TIMEZONE> has no VALUE"


def test_field_errors_are_scrubbed_of_the_calls_secrets() -> None:
    body = response(
        "SETUSERFIELDS",
        400,
        extra=(
            "<ERRORS><ERROR><FIELD>inp-password1 pw-secret-9</FIELD>"
            "<MESSAGE>pw-secret-9 is too common</MESSAGE></ERROR></ERRORS>"
        ),
    )
    result = wire.parse_response("SETUSERFIELDS", body, redact=Redactor(["pw-secret-9"]))
    assert result.errors == (FieldError(field="inp-password1 ***", message="*** is too common"),)


MEANINGS = {
    403: "API key missing or not allowed for this service",
    404: "unknown StubID or ClientFileID",
    409: "registration stub already processed",
    410: "registration stub expired",
    500: "failed",
}


@pytest.mark.parametrize(("code", "meaning"), MEANINGS.items())
def test_a_failure_code_says_what_it_means(code: int, meaning: str) -> None:
    with_info = wire.parse_response("PROCESSREGSTUB", response("PROCESSREGSTUB", code, "why"))
    with pytest.raises(ClickBookAPIError) as caught:
        wire.raise_for_code(with_info, success=(301,))
    assert caught.value.message == f"CODE {code}: {meaning} (why)"

    bare = wire.parse_response("PROCESSREGSTUB", response("PROCESSREGSTUB", code))
    with pytest.raises(ClickBookAPIError) as caught:
        wire.raise_for_code(bare, success=(301,))
    assert (caught.value.message, caught.value.info) == (f"CODE {code}: {meaning}", "")


def test_a_failure_codes_info_is_scrubbed_of_the_calls_secrets() -> None:
    result = wire.parse_response(
        "PROCESSREGSTUB", response("PROCESSREGSTUB", 404, "no stub stub-secret-7")
    )
    with pytest.raises(ClickBookAPIError) as caught:
        wire.raise_for_code(result, success=(301,), redact=Redactor(["stub-secret-7"]))
    assert (caught.value.message, caught.value.info) == (
        "CODE 404: unknown StubID or ClientFileID (no stub ***)",
        "no stub ***",
    )


def test_a_validation_failure_keeps_its_scrubbed_info() -> None:
    result = wire.parse_response(
        "SETUSERFIELDS", response("SETUSERFIELDS", 400, "key api-secret-3 refused")
    )
    with pytest.raises(ClickBookValidationError) as caught:
        wire.raise_for_code(result, success=(200,), redact=Redactor(["api-secret-3"]))
    assert (caught.value.code, caught.value.info) == (400, "key *** refused")


@pytest.mark.parametrize("code", [200, 301, 399])
def test_an_unexpected_code_below_400_keeps_its_scrubbed_info(code: int) -> None:
    result = wire.parse_response(
        "GETUSERFIELDS", response("GETUSERFIELDS", code, "cookie ck-secret-5")
    )
    with pytest.raises(ClickBookResponseError) as caught:
        wire.raise_for_code(result, success=(201,), redact=Redactor(["ck-secret-5"]))
    assert str(caught.value) == f"ClickBook GETUSERFIELDS: unexpected CODE {code}"
    assert caught.value.excerpt == "cookie ***"


def test_an_envelope_is_exactly_the_contracts_bytes() -> None:
    body = wire.build_envelope(
        "SETUSERFIELDS",
        {
            "APIKEY": "k",
            "GROUPNAME": "NewClientFile",
            "CONTEXTFORM": "",
            "CONTEXTID": "",
            "VALIDATIONMODE": "1",
            "FIELDS": [("inp-firstname", ' "Bo" & <Co> ')],
        },
    )
    assert body == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:urn="urn:DefaultNamespace"><soapenv:Header /><soapenv:Body><urn:SETUSERFIELDS>'
        b"<APIKEY>k</APIKEY><GROUPNAME>NewClientFile</GROUPNAME><CONTEXTFORM /><CONTEXTID />"
        b"<VALIDATIONMODE>1</VALIDATIONMODE><FIELDS><FIELD><NAME>inp-firstname</NAME>"
        b'<VALUE> "Bo" &amp; &lt;Co&gt; </VALUE></FIELD></FIELDS>'
        b"</urn:SETUSERFIELDS></soapenv:Body></soapenv:Envelope>"
    )


def test_the_request_headers_are_the_contracts() -> None:
    assert dict(wire.SOAP_HEADERS) == {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '""',
    }


ACCEPTED = ["\t", "\n", " ", "\ud7ff", "\ue000", "\ufffd", "\U00010000", "\U0010ffff"]
REFUSED = ["\x08", "\x0b", "\x1f", "\ud800", "\udfff", "\uffff"]


@pytest.mark.parametrize("char", ACCEPTED, ids=[f"U+{ord(c):04X}" for c in ACCEPTED])
def test_every_character_xml_carries_reaches_the_wire(char: str) -> None:
    body = wire.build_envelope("PROCESSREGSTUB", {"APIKEY": "k", "STUBID": f"a{char}b"})
    found = ET.fromstring(body).findtext(f"{SOAPENV}Body/{URN}PROCESSREGSTUB/STUBID")
    assert found == f"a{char}b"


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_character_xml_cannot_carry_is_refused_by_name(char: str) -> None:
    with pytest.raises(ValueError, match="XML cannot carry") as caught:
        wire.build_envelope(
            "SETUSERFIELDS",
            {
                "APIKEY": "k",
                "GROUPNAME": "NewClientFile",
                "CONTEXTFORM": "",
                "CONTEXTID": "",
                "VALIDATIONMODE": "",
                "FIELDS": [("inp-lastname", f"Lee{char}")],
            },
        )
    assert str(caught.value) == f"inp-lastname contains U+{ord(char):04X}, which XML cannot carry"


def test_a_text_parameter_xml_cannot_carry_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="XML cannot carry") as caught:
        wire.build_envelope("PROCESSREGSTUB", {"APIKEY": "k", "STUBID": "STUB\x00"})
    assert str(caught.value) == "STUBID contains U+0000, which XML cannot carry"


def test_a_dtd_is_refused_with_its_reason() -> None:
    body = b"<!DOCTYPE x [<!ELEMENT x ANY>]><x/>"
    assert unusable(body).message == "response uses a DTD or entities, which are refused"


def test_wrong_parameters_are_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="parameters") as caught:
        wire.build_envelope("GETUSERFIELDS", {"APIKEY": "k", "GROUPNAME": "g", "STUBID": "s"})
    assert str(caught.value) == (
        "GETUSERFIELDS parameters: missing ['CONTEXTFORM', 'CONTEXTID'], unknown ['STUBID']"
    )


def test_a_field_item_that_is_not_text_is_refused() -> None:
    params: dict[str, object] = {
        "APIKEY": "k",
        "GROUPNAME": "NewClientFile",
        "CONTEXTFORM": "",
        "CONTEXTID": "",
        "VALIDATIONMODE": "",
        "FIELDS": [("inp-telfixed", 442071234567)],
    }
    with pytest.raises(ValueError, match="text") as caught:
        wire.build_envelope("SETUSERFIELDS", params)  # type: ignore[arg-type]
    assert str(caught.value) == "inp-telfixed must be text"
