"""``GET <service>?WSDL``: a WSDL 1.1 document describing exactly the contract's operations."""

from __future__ import annotations

from xml.etree import ElementTree

import httpx
import pytest

from tests.sandbox.wire import URN

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"


@pytest.mark.parametrize(
    ("service", "operations"),
    [
        ("ClickBookPublic", ["GETTIMEZONEINFO", "SETUSERFIELDS"]),
        ("ClickBookPrivate", ["SETUSERFIELDS", "GETUSERFIELDS"]),
        ("ClickBookAdmin", ["PROCESSREGSTUB"]),
    ],
)
@pytest.mark.parametrize("query", ["WSDL", "wsdl", "Wsdl"])
async def test_wsdl_lists_the_services_operations(
    client: httpx.AsyncClient, service: str, operations: list[str], query: str
) -> None:
    response = await client.get(f"/wsapi/latest/{service}?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == URN
    port_type = root.find(f"{{{WSDL}}}portType")
    assert port_type is not None
    assert [op.get("name") for op in port_type] == operations
    binding = root.find(f"{{{WSDL}}}binding/{{{SOAP_BINDING}}}binding")
    assert binding is not None
    assert binding.get("style") == "document"
    address = root.find(f"{{{WSDL}}}service/{{{WSDL}}}port/{{{SOAP_BINDING}}}address")
    assert address is not None
    assert address.get("location") == f"http://sandbox.test/wsapi/latest/{service}"
    schema = root.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    assert schema is not None
    assert schema.get("elementFormDefault") == "unqualified"


async def test_wsdl_gives_the_parameter_order(client: httpx.AsyncClient) -> None:
    response = await client.get("/wsapi/latest/ClickBookPublic?WSDL")
    root = ElementTree.fromstring(response.content)
    schema = root.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    assert schema is not None
    element = schema.find(f"{{{XSD}}}element[@name='SETUSERFIELDS']")
    assert element is not None
    names = [e.get("name") for e in element.iter(f"{{{XSD}}}element")][1:]
    assert names == ["APIKEY", "GROUPNAME", "CONTEXTFORM", "CONTEXTID", "VALIDATIONMODE", "FIELDS"]


async def test_get_without_wsdl_is_a_hint(client: httpx.AsyncClient) -> None:
    response = await client.get("/wsapi/latest/ClickBookPublic")
    assert response.status_code == 200
    assert "?WSDL" in response.text
