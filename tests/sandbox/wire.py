"""Hand-written SOAP for the sandbox tests: here the tests are the ClickBook client.

Envelopes are written as text with explicit escaping; answers are read with ElementTree and
their shape is checked strictly, so a test fails if the sandbox strays from the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import httpx

SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
URN = "urn:DefaultNamespace"
PUBLIC = "/wsapi/latest/ClickBookPublic"
PRIVATE = "/wsapi/latest/ClickBookPrivate"
ADMIN = "/wsapi/latest/ClickBookAdmin"
LOGIN = "/auth/auth.nsf/LoginOK?Open&cacheHack=4711"
API_KEY = "sandbox-api-key"
STAFF = ("staff@sandbox.example", "sandbox-staff-1")
AUS_EASTERN = "Z=-10$DO=1$DL=10 1 1 4 1 1$ZX=66$ZN=AUS Eastern"

Param = tuple[str, "str | Sequence[tuple[str, str]]"]


def fields_xml(items: Sequence[tuple[str, str]]) -> str:
    """Return the ``<FIELD>`` items of a FIELDS parameter."""
    return "".join(
        f"<FIELD><NAME>{escape(name)}</NAME><VALUE>{escape(value)}</VALUE></FIELD>"
        for name, value in items
    )


def envelope(operation: str, *params: Param) -> str:
    """Return a SOAP 1.1 request: ``urn:<operation>`` with unqualified parameters in order."""
    children = "".join(
        f"<{name}>{escape(value) if isinstance(value, str) else fields_xml(value)}</{name}>"
        for name, value in params
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}" xmlns:urn="{URN}">'
        f"<soapenv:Header/><soapenv:Body><urn:{operation}>{children}</urn:{operation}>"
        "</soapenv:Body></soapenv:Envelope>"
    )


def set_user_fields(
    items: Sequence[tuple[str, str]],
    *,
    group: str = "NewUserRegistration",
    api_key: str = "",
    validation_mode: str = "",
    context_form: str = "",
    context_id: str = "",
) -> str:
    """Return a SETUSERFIELDS envelope."""
    return envelope(
        "SETUSERFIELDS",
        ("APIKEY", api_key),
        ("GROUPNAME", group),
        ("CONTEXTFORM", context_form),
        ("CONTEXTID", context_id),
        ("VALIDATIONMODE", validation_mode),
        ("FIELDS", items),
    )


def get_user_fields(client_file_id: str, *, api_key: str = API_KEY) -> str:
    """Return a GETUSERFIELDS envelope for a client file's basic details."""
    return envelope(
        "GETUSERFIELDS",
        ("APIKEY", api_key),
        ("GROUPNAME", "BasicDetailsClientFile"),
        ("CONTEXTFORM", "ClientFile"),
        ("CONTEXTID", client_file_id),
    )


def process_reg_stub(stub_id: str, *, api_key: str = API_KEY) -> str:
    """Return a PROCESSREGSTUB envelope."""
    return envelope("PROCESSREGSTUB", ("APIKEY", api_key), ("STUBID", stub_id))


def get_time_zone_info(api_key: str = "") -> str:
    """Return a GETTIMEZONEINFO envelope."""
    return envelope("GETTIMEZONEINFO", ("APIKEY", api_key))


def registration(**changes: str | None) -> list[tuple[str, str]]:
    """Return valid NewUserRegistration items; ``first_name="X"`` changes ``inp-firstname``.

    A change to None leaves the item out. Keys use the part after ``inp-``, with ``_`` free:
    ``emailaddress1``, ``password2``, ``agreeterms`` ...
    """
    items = {
        "inp-firstname": "Ann",
        "inp-lastname": "Lee",
        "inp-telfixed": "61298765432",
        "inp-telmobile": "61412345678",
        "inp-emailaddress1": "ann.lee@example.com",
        "inp-emailaddress2": "ann.lee@example.com",
        "inp-password1": "correct horse",
        "inp-password2": "correct horse",
        "inp-agreeterms": "1",
        "inp-timezone": AUS_EASTERN,
        "inp-country": "Australia",
    }
    return _apply(items, changes)


def client_file(**changes: str | None) -> list[tuple[str, str]]:
    """Return valid NewClientFile items (with an email), changed as in ``registration``."""
    items = {
        "inp-firstname": "Bea",
        "inp-lastname": "Moss",
        "inp-telfixed": "61298765000",
        "inp-telmobile": "",
        "inp-newemailaddress1": "bea.moss@example.com",
        "inp-newemailaddress2": "bea.moss@example.com",
    }
    return _apply(items, changes)


def _apply(items: dict[str, str], changes: dict[str, str | None]) -> list[tuple[str, str]]:
    for key, value in changes.items():
        name = "inp-" + key.replace("_", "")
        if name not in items:
            raise KeyError(name)
        if value is None:
            del items[name]
        else:
            items[name] = value
    return list(items.items())


@dataclass(frozen=True)
class Answer:
    """The parts of an ``<OP>Return``."""

    code: int
    info: str
    errors: dict[str, str] | None
    fields: list[tuple[str, str]] | None
    timezones: list[tuple[str, str]] | None


_OPTIONAL_PARTS = ("ERRORS", "FIELDS", "TIMEZONES")


def read_answer(response: httpx.Response, operation: str) -> Answer:
    """Check that ``response`` is a contract-shaped answer to ``operation``; return its parts."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{SOAPENV}}}Envelope"
    (body,) = [child for child in root if child.tag == f"{{{SOAPENV}}}Body"]
    (wrapper,) = list(body)
    assert wrapper.tag == f"{{{URN}}}{operation}Response"
    (result,) = list(wrapper)
    assert result.tag == f"{operation}Return"
    tags = [child.tag for child in result]
    assert tags[:2] == ["CODE", "INFO"], tags
    assert all(tag in _OPTIONAL_PARTS for tag in tags[2:]), tags
    parts = {child.tag: child for child in result}

    def pairs(name: str, item: str, first: str, second: str) -> list[tuple[str, str]] | None:
        if name not in parts:
            return None
        out = []
        for element in parts[name]:
            assert element.tag == item
            assert [part.tag for part in element] == [first, second]
            out.append((element[0].text or "", element[1].text or ""))
        return out

    errors = pairs("ERRORS", "ERROR", "FIELD", "MESSAGE")
    return Answer(
        code=int(parts["CODE"].text or ""),
        info=parts["INFO"].text or "",
        errors=dict(errors) if errors is not None else None,
        fields=pairs("FIELDS", "FIELD", "NAME", "VALUE"),
        timezones=pairs("TIMEZONES", "TIMEZONE", "VALUE", "LABEL"),
    )


def read_fault(response: httpx.Response) -> tuple[str, str]:
    """Check that ``response`` is an HTTP 500 SOAP 1.1 fault; return faultcode, faultstring."""
    assert response.status_code == 500, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    fault = root.find(f"{{{SOAPENV}}}Body/{{{SOAPENV}}}Fault")
    assert fault is not None, response.text
    return fault.findtext("faultcode") or "", fault.findtext("faultstring") or ""


def is_login_form(response: httpx.Response) -> bool:
    """Return whether ``response`` is Domino's HTML login page (HTTP 200)."""
    return (
        response.status_code == 200
        and response.headers["content-type"].startswith("text/html")
        and "<form" in response.text
    )


async def soap(
    client: httpx.AsyncClient, path: str, body: str | bytes, *, session: str | None = None
) -> httpx.Response:
    """POST a SOAP request the way the contract says, with the session cookie if given."""
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    if session is not None:
        headers["Cookie"] = f"DomAuthSessId={session}"
    return await client.post(path, content=body, headers=headers)


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> str:
    """Sign in with Basic; return the session id (the client's jar is left empty)."""
    response = await client.get(LOGIN, auth=(email, password))
    assert response.status_code == 200, response.text
    client.cookies.clear()
    cookie = response.headers["set-cookie"]
    name_value = cookie.split(";")[0]
    assert name_value.startswith("DomAuthSessId=")
    return name_value.removeprefix("DomAuthSessId=")
