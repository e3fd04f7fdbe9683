"""The sandbox's own SOAP 1.1 codec: read a request envelope, write responses and faults.

Requests are parsed with defusedxml with DTDs forbidden (so no entity expansion, no external
references) after the body has been bounded in size. Every value written into a response is
escaped as text; carriage returns are written as character references so they survive the
client's line-end normalisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.sandbox.clickbook.services import (
    LIST_PARAMETERS,
    OPERATION_NAMESPACE,
    OPERATIONS,
    SOAP_ENV_NAMESPACE,
    Operation,
    Service,
)
from bot.sandbox.clickbook.validation import FieldError

MAX_BODY_BYTES = 256 * 1024
"""Largest request body the SOAP services accept."""

_ENVELOPE = f"{{{SOAP_ENV_NAMESPACE}}}Envelope"
_HEADER = f"{{{SOAP_ENV_NAMESPACE}}}Header"
_BODY = f"{{{SOAP_ENV_NAMESPACE}}}Body"
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class SoapRequestError(Exception):
    """Raised when a request is not a well-formed call of one of the service's operations."""


@dataclass(frozen=True)
class SoapCall:
    """A parsed operation call: its text parameters and its FIELDS items, in order."""

    operation: Operation
    params: dict[str, str]
    fields: tuple[tuple[str, str], ...]

    def __repr__(self) -> str:
        # Parameters hold the API key and field values hold passwords: never show them.
        return f"SoapCall({self.operation.name}, fields={[name for name, _ in self.fields]})"


def parse_request(body: bytes, service: Service) -> SoapCall:
    """Parse ``body`` as a call of one of ``service``'s operations."""
    if len(body) > MAX_BODY_BYTES:
        raise SoapRequestError(f"Request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SoapRequestError("DTDs, entities and external references are not allowed") from exc
    except ParseError as exc:
        raise SoapRequestError(f"Request is not well-formed XML: {exc}") from exc
    if root.tag != _ENVELOPE:
        raise SoapRequestError("Request is not a SOAP 1.1 envelope")
    _expect_no_text(root)
    parts = [child.tag for child in root]
    if parts not in ([_BODY], [_HEADER, _BODY]):
        raise SoapRequestError("Envelope must hold an optional Header and one Body")
    body_element = root[len(parts) - 1]
    _expect_no_text(body_element)
    if len(body_element) != 1:
        raise SoapRequestError("Body must hold exactly one operation element")
    return _parse_operation(body_element[0], service)


def _parse_operation(element: Element, service: Service) -> SoapCall:
    namespace, _, name = element.tag[1:].partition("}") if element.tag[0] == "{" else ("", "", "")
    operation = OPERATIONS[service].get(name) if namespace == OPERATION_NAMESPACE else None
    if operation is None:
        raise SoapRequestError(
            f"Unknown operation {element.tag} for ClickBook{service.value}; "
            f"expected one of {', '.join(OPERATIONS[service])} in {OPERATION_NAMESPACE}"
        )
    _expect_no_text(element)
    given = [child.tag for child in element]
    if given != list(operation.parameters):
        raise SoapRequestError(
            f"{operation.name} expects the unqualified parameters "
            f"{', '.join(operation.parameters)} in this order; got {', '.join(given) or 'none'}"
        )
    params: dict[str, str] = {}
    fields: tuple[tuple[str, str], ...] = ()
    for child in element:
        if child.tag in LIST_PARAMETERS:
            fields = _parse_fields(child)
        else:
            params[child.tag] = _text_of(child)
    return SoapCall(operation=operation, params=params, fields=fields)


def _parse_fields(element: Element) -> tuple[tuple[str, str], ...]:
    _expect_no_text(element)
    items: list[tuple[str, str]] = []
    for field in element:
        if field.tag != "FIELD" or [part.tag for part in field] != ["NAME", "VALUE"]:
            raise SoapRequestError(f"{element.tag} must hold FIELD elements of NAME then VALUE")
        _expect_no_text(field)
        items.append((_text_of(field[0]), _text_of(field[1])))
    return tuple(items)


def _text_of(element: Element) -> str:
    if len(element):
        raise SoapRequestError(f"{element.tag} must hold text only")
    return element.text or ""


def _expect_no_text(element: Element) -> None:
    """Reject text mixed in between elements (whitespace used for layout is fine)."""
    stray = [element.text, *(child.tail for child in element)]
    if any(text and text.strip() for text in stray):
        raise SoapRequestError(f"Unexpected text inside {element.tag}")


def escape_text(value: str) -> str:
    """Escape ``value`` for use as XML character data."""
    value = _NOT_XML_CHAR.sub("\ufffd", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NAMESPACE}" '
        f'xmlns:urn="{OPERATION_NAMESPACE}"><soapenv:Body>{body}</soapenv:Body>'
        "</soapenv:Envelope>"
    ).encode()


def _leaf(name: str, value: str) -> str:
    return f"<{name}>{escape_text(value)}</{name}>"


def build_response(
    operation: str,
    code: int,
    info: str = "",
    *,
    errors: Sequence[FieldError] = (),
    fields: Iterable[tuple[str, str]] | None = None,
    timezones: Iterable[tuple[str, str]] | None = None,
) -> bytes:
    """Return the response envelope ``urn:<OP>Response/<OP>Return`` with its parts."""
    parts = [_leaf("CODE", str(code)), _leaf("INFO", info)]
    if errors:
        items = "".join(
            f"<ERROR>{_leaf('FIELD', error.field)}{_leaf('MESSAGE', error.message)}</ERROR>"
            for error in errors
        )
        parts.append(f"<ERRORS>{items}</ERRORS>")
    if fields is not None:
        items = "".join(
            f"<FIELD>{_leaf('NAME', name)}{_leaf('VALUE', value)}</FIELD>"
            for name, value in fields
        )
        parts.append(f"<FIELDS>{items}</FIELDS>")
    if timezones is not None:
        items = "".join(
            f"<TIMEZONE>{_leaf('VALUE', value)}{_leaf('LABEL', label)}</TIMEZONE>"
            for value, label in timezones
        )
        parts.append(f"<TIMEZONES>{items}</TIMEZONES>")
    inner = "".join(parts)
    return _envelope(
        f"<urn:{operation}Response><{operation}Return>{inner}</{operation}Return>"
        f"</urn:{operation}Response>"
    )


def build_fault(faultstring: str, *, client: bool = True) -> bytes:
    """Return a SOAP 1.1 fault envelope (``soapenv:Client`` or ``soapenv:Server``)."""
    faultcode = "soapenv:Client" if client else "soapenv:Server"
    return _envelope(
        f"<soapenv:Fault>{_leaf('faultcode', faultcode)}{_leaf('faultstring', faultstring)}"
        "</soapenv:Fault>"
    )


def build_truncated(operation: str) -> bytes:
    """Return the first half of a success envelope: the ``malformed`` fault's broken body."""
    whole = build_response(operation, 200)
    return whole[: len(whole) // 2]
