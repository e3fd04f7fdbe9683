"""SOAP conventions of the contract (section 3): envelopes, faults, escaping, hostile input."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.sandbox.clickbook.soap import MAX_BODY_BYTES
from bot.sandbox.clickbook.state import SandboxState
from tests.sandbox.wire import (
    ADMIN,
    API_KEY,
    PRIVATE,
    PUBLIC,
    SOAPENV,
    STAFF,
    URN,
    envelope,
    get_time_zone_info,
    get_user_fields,
    read_answer,
    read_fault,
    registration,
    set_user_fields,
    sign_in,
    soap,
)


async def test_literal_request_gets_contract_shaped_answer(client: httpx.AsyncClient) -> None:
    body = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}" xmlns:urn="{URN}">\n'
        "  <soapenv:Header/>\n  <soapenv:Body>\n"
        "    <urn:GETTIMEZONEINFO>\n      <APIKEY></APIKEY>\n    </urn:GETTIMEZONEINFO>\n"
        "  </soapenv:Body>\n</soapenv:Envelope>"
    )
    response = await soap(client, PUBLIC, body)
    answer = read_answer(response, "GETTIMEZONEINFO")
    assert (answer.code, answer.info, answer.errors) == (200, "", None)
    assert answer.timezones
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f'xmlns:urn="{URN}"' in response.text
    assert "<urn:GETTIMEZONEINFOResponse><GETTIMEZONEINFOReturn><CODE>200</CODE>" in response.text


async def test_envelope_without_header_and_other_prefixes_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<op:GETTIMEZONEINFO xmlns:op="urn:DefaultNamespace"><APIKEY/></op:GETTIMEZONEINFO>'
        "</s:Body></s:Envelope>"
    )
    assert read_answer(await soap(client, PUBLIC, body), "GETTIMEZONEINFO").code == 200


def _tz_call(inner: str) -> str:
    return envelope("GETTIMEZONEINFO").replace(
        "<urn:GETTIMEZONEINFO></urn:GETTIMEZONEINFO>", inner
    )


@pytest.mark.parametrize(
    ("path", "body", "fault_words"),
    [
        pytest.param(PUBLIC, "this is not xml", "not well-formed", id="not-xml"),
        pytest.param(PUBLIC, "", "not well-formed", id="empty-body"),
        pytest.param(
            PUBLIC,
            "<Envelope><Body/></Envelope>",
            "not a SOAP 1.1 envelope",
            id="no-soap-namespace",
        ),
        pytest.param(
            PUBLIC,
            '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            "not a SOAP 1.1 envelope",
            id="soap-1.2",
        ),
        pytest.param(
            PUBLIC,
            f'<e:Envelope xmlns:e="{SOAPENV}"><e:Body></e:Body></e:Envelope>',
            "exactly one operation",
            id="empty-body-element",
        ),
        pytest.param(
            PUBLIC, envelope("GETBOOKINGS", ("APIKEY", "")), "Unknown operation", id="unknown-op"
        ),
        pytest.param(
            PUBLIC,
            envelope("gettimezoneinfo", ("APIKEY", "")),
            "Unknown operation",
            id="lower-case-op",
        ),
        pytest.param(ADMIN, get_time_zone_info(), "Unknown operation", id="op-of-another-service"),
        pytest.param(
            PUBLIC,
            _tz_call('<GETTIMEZONEINFO xmlns="urn:Other"><APIKEY/></GETTIMEZONEINFO>'),
            "Unknown operation",
            id="wrong-op-namespace",
        ),
        pytest.param(
            PUBLIC,
            _tz_call("<urn:GETTIMEZONEINFO><urn:APIKEY/></urn:GETTIMEZONEINFO>"),
            "unqualified parameters",
            id="qualified-parameter",
        ),
        pytest.param(
            PUBLIC, envelope("GETTIMEZONEINFO"), "unqualified parameters", id="missing-param"
        ),
        pytest.param(
            PUBLIC,
            envelope("GETTIMEZONEINFO", ("APIKEY", ""), ("EXTRA", "")),
            "unqualified parameters",
            id="extra-param",
        ),
        pytest.param(
            ADMIN,
            envelope("PROCESSREGSTUB", ("STUBID", "STUB-1"), ("APIKEY", API_KEY)),
            "APIKEY, STUBID in this order",
            id="wrong-order",
        ),
        pytest.param(
            PUBLIC,
            envelope("GETTIMEZONEINFO", ("apikey", "")),
            "unqualified parameters",
            id="lower-case-param",
        ),
        pytest.param(
            PUBLIC,
            set_user_fields([]).replace("<FIELDS></FIELDS>", "<FIELDS><ITEM/></FIELDS>"),
            "FIELD elements of NAME then VALUE",
            id="bad-fields-item",
        ),
        pytest.param(
            PUBLIC,
            set_user_fields([("inp-firstname", "Ann")]).replace(
                "<VALUE>Ann</VALUE>", "<VALUE><b>Ann</b></VALUE>"
            ),
            "text only",
            id="markup-in-value",
        ),
        pytest.param(
            PUBLIC,
            _tz_call("<urn:GETTIMEZONEINFO>stray<APIKEY/></urn:GETTIMEZONEINFO>"),
            "Unexpected text",
            id="stray-text",
        ),
    ],
)
async def test_malformed_request_gets_soap_fault(
    client: httpx.AsyncClient, path: str, body: str, fault_words: str
) -> None:
    faultcode, faultstring = read_fault(await soap(client, path, body))
    assert faultcode == "soapenv:Client"
    assert fault_words in faultstring


async def test_malformed_private_call_with_session_gets_fault(client: httpx.AsyncClient) -> None:
    session = await sign_in(client, *STAFF)
    _, faultstring = read_fault(await soap(client, PRIVATE, "<oops", session=session))
    assert "not well-formed" in faultstring


@pytest.mark.parametrize(
    "content_type", [None, "application/soap+xml; charset=utf-8", "application/json"]
)
async def test_content_type_must_be_text_xml(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(PUBLIC, content=get_time_zone_info(), headers=headers)
    assert "text/xml" in read_fault(response)[1]
    plain = await client.post(
        PUBLIC, content=get_time_zone_info(), headers={"Content-Type": "text/xml"}
    )
    assert read_answer(plain, "GETTIMEZONEINFO").code == 200


async def test_unknown_service_is_404(client: httpx.AsyncClient) -> None:
    response = await soap(client, "/wsapi/latest/ClickBook3P", get_time_zone_info())
    assert response.status_code == 404


async def test_billion_laughs_is_refused_not_expanded(client: httpx.AsyncClient) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}" xmlns:urn="{URN}"><soapenv:Body>'
        "<urn:GETTIMEZONEINFO><APIKEY>&lol9;</APIKEY></urn:GETTIMEZONEINFO>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    faultcode, faultstring = read_fault(await soap(client, PUBLIC, body))
    assert faultcode == "soapenv:Client"
    assert "not allowed" in faultstring


async def test_external_entity_is_refused(client: httpx.AsyncClient) -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}" xmlns:urn="{URN}"><soapenv:Body>'
        "<urn:GETTIMEZONEINFO><APIKEY>&xxe;</APIKEY></urn:GETTIMEZONEINFO>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    _, faultstring = read_fault(await soap(client, PUBLIC, body))
    assert "not allowed" in faultstring
    assert "root:" not in faultstring


async def test_oversize_body_is_refused(client: httpx.AsyncClient, state: SandboxState) -> None:
    padding = "x" * (MAX_BODY_BYTES + 1)
    body = set_user_fields(registration(first_name=padding))
    faultcode, faultstring = read_fault(await soap(client, PUBLIC, body))
    assert faultcode == "soapenv:Client"
    assert "larger than" in faultstring
    assert state.stubs == {}


async def test_oversize_streamed_body_without_length_is_refused(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"<" + b"x" * 1023

    response = await client.post(PUBLIC, content=chunks())
    assert "larger than" in read_fault(response)[1]


async def test_body_just_under_the_bound_is_parsed(client: httpx.AsyncClient) -> None:
    body = get_time_zone_info()
    filler = " " * (MAX_BODY_BYTES - len(body.encode()))
    padded = body.replace("<soapenv:Body>", filler + "<soapenv:Body>")
    response = await soap(client, PUBLIC, padded)
    assert read_answer(response, "GETTIMEZONEINFO").code == 200


HOSTILE = "</VALUE></FIELD><FIELD><NAME>inp-regstatus</NAME><VALUE>Registered & <b>done</b>"


async def test_markup_in_a_field_name_round_trips_as_literal_text(
    client: httpx.AsyncClient,
) -> None:
    items = [*registration(), (HOSTILE, "x")]
    response = await soap(client, PUBLIC, set_user_fields(items))
    answer = read_answer(response, "SETUSERFIELDS")
    assert answer.code == 400
    assert answer.errors == {HOSTILE: "Unknown field for NewUserRegistration."}


async def test_markup_in_values_is_text_both_ways(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    response = await soap(client, PUBLIC, set_user_fields(registration(first_name=HOSTILE)))
    answer = read_answer(response, "SETUSERFIELDS")
    assert answer.code == 400
    assert answer.errors is not None
    assert set(answer.errors) == {"inp-firstname"}
    assert "</VALUE>" not in response.text.replace("&lt;/VALUE&gt;", "")
    session = await sign_in(client, *STAFF)
    created = read_answer(
        await soap(
            client,
            PRIVATE,
            set_user_fields(
                [("inp-firstname", "Bea"), ("inp-lastname", "Moss"), ("inp-telfixed", "123456")],
                group="NewClientFile",
                api_key=API_KEY,
            ),
            session=session,
        ),
        "SETUSERFIELDS",
    )
    state.client_files[created.info].last_name = HOSTILE + "\r\n\x01"
    answer = read_answer(
        await soap(client, PRIVATE, get_user_fields(created.info), session=session),
        "GETUSERFIELDS",
    )
    assert answer.fields is not None
    values = dict(answer.fields)
    assert values["inp-lastname"] == HOSTILE + "\r\n\ufffd"
    assert values["inp-regstatus"] == "Invited"
    assert [name for name, _ in answer.fields].count("inp-regstatus") == 1


async def test_escaped_request_values_arrive_as_text(
    client: httpx.AsyncClient, state: SandboxState
) -> None:
    items = registration(last_name="O'Brien-Smith", email_address1=None, email_address2=None)
    items += [("inp-emailaddress1", "a&b@example.com"), ("inp-emailaddress2", "a&b@example.com")]
    answer = read_answer(await soap(client, PUBLIC, set_user_fields(items)), "SETUSERFIELDS")
    assert answer.code == 200
    stub = state.stubs[answer.info]
    assert stub.fields["inp-emailaddress1"] == "a&b@example.com"
    assert stub.fields["inp-lastname"] == "O'Brien-Smith"
