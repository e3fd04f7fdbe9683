"""ClickBook's SOAP wire format: build request envelopes and parse response bodies (pure).

Every wire detail that ClickBook does not publish (tagged [ASSUMED] in
``shared/clickbook-contract.md``) lives in this one module, so that it can be corrected
against a real WSDL without touching the flows in ``client.py``:

- the parameter names and their order per operation (``PARAMETERS``);
- the request headers (``SOAP_HEADERS``);
- the response shape: ``urn:<OP>Response`` holding ``<OP>Return`` with ``CODE``, ``INFO``,
  ``ERRORS``, ``FIELDS`` and ``TIMEZONES`` (``parse_response``);
- the ``FIELDS``/``ERRORS``/``TIMEZONES`` payloads;
- the CODE table (``CODE_*`` and ``raise_for_code``).

Requests are built with ElementTree, so every value is XML-escaped and a value can never
become markup. Responses are parsed with ``defusedxml`` (no DTDs, no entities, no external
references) after a size check.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: N817 - only for building; parsing uses defusedxml
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import defusedxml
import defusedxml.ElementTree as SafeET  # noqa: N814

from bot.clickbook.errors import (
    ClickBookAPIError,
    ClickBookExpiredError,
    ClickBookFaultError,
    ClickBookForbiddenError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookValidationError,
)
from bot.clickbook.models import FieldError, is_xml_char
from bot.clickbook.redaction import NO_SECRETS, Redactor

SOAPENV_NS: Final = "http://schemas.xmlsoap.org/soap/envelope/"
URN_NS: Final = "urn:DefaultNamespace"

SOAP_HEADERS: Final[Mapping[str, str]] = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '""',
}
"""Headers of every SOAP request."""

MAX_BODY_BYTES: Final = 1024 * 1024
"""Larger responses are refused unread; no legitimate ClickBook answer comes near this."""

EXCERPT_CHARS: Final = 200
"""How much of an unusable response an error keeps, for diagnosis."""


class Service(StrEnum):
    """The three SOAP services; the value is the last segment of the service URL."""

    PUBLIC = "ClickBookPublic"
    PRIVATE = "ClickBookPrivate"
    ADMIN = "ClickBookAdmin"


class Operation(StrEnum):
    """The SOAP operations the client uses."""

    GETTIMEZONEINFO = "GETTIMEZONEINFO"
    SETUSERFIELDS = "SETUSERFIELDS"
    PROCESSREGSTUB = "PROCESSREGSTUB"
    GETUSERFIELDS = "GETUSERFIELDS"


PARAMETERS: Final[Mapping[Operation, tuple[str, ...]]] = {
    Operation.GETTIMEZONEINFO: ("APIKEY",),
    Operation.SETUSERFIELDS: (
        "APIKEY",
        "GROUPNAME",
        "CONTEXTFORM",
        "CONTEXTID",
        "VALIDATIONMODE",
        "FIELDS",
    ),
    Operation.PROCESSREGSTUB: ("APIKEY", "STUBID"),
    Operation.GETUSERFIELDS: ("APIKEY", "GROUPNAME", "CONTEXTFORM", "CONTEXTID"),
}
"""Each operation's parameters, in the order they must appear; ``APIKEY`` is always first."""

FIELDS_PARAMETER: Final = "FIELDS"
"""The one parameter whose value is a list of schema items rather than text."""

GROUP_NEW_USER_REGISTRATION: Final = "NewUserRegistration"
GROUP_NEW_CLIENT_FILE: Final = "NewClientFile"
GROUP_BASIC_DETAILS_CLIENT_FILE: Final = "BasicDetailsClientFile"
CONTEXT_FORM_CLIENT_FILE: Final = "ClientFile"
VALIDATE_AND_SAVE: Final = ""
VALIDATE_ONLY: Final = "1"
ITEM_REGSTATUS: Final = "inp-regstatus"

CODE_DONE: Final = 200
CODE_STUB_PROCESSED: Final = 301
CODE_VALIDATION_FAILED: Final = 400
CODE_FORBIDDEN: Final = 403
CODE_NOT_FOUND: Final = 404
CODE_ALREADY_PROCESSED: Final = 409
CODE_EXPIRED: Final = 410

_ERROR_FOR_CODE: Final[Mapping[int, type[ClickBookAPIError]]] = {
    CODE_FORBIDDEN: ClickBookForbiddenError,
    CODE_NOT_FOUND: ClickBookNotFoundError,
    CODE_EXPIRED: ClickBookExpiredError,
}

_CODE_MEANINGS: Final[Mapping[int, str]] = {
    CODE_FORBIDDEN: "API key missing or not allowed for this service",
    CODE_NOT_FOUND: "unknown StubID or ClientFileID",
    CODE_ALREADY_PROCESSED: "registration stub already processed",
    CODE_EXPIRED: "registration stub expired",
}

Items = Sequence[tuple[str, str]]
"""Schema items as (name, value) pairs, e.g. ``("inp-firstname", "Ann")``."""


@dataclass(frozen=True)
class Result:
    """The ``<OP>Return`` of a response: its CODE, INFO and whichever payloads it had."""

    operation: str
    code: int
    info: str = ""
    errors: tuple[FieldError, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    """The ``FIELDS`` items as (name, value) pairs, in ClickBook's order."""
    timezones: tuple[tuple[str, str], ...] = ()
    """The ``TIMEZONES`` entries as (value, label) pairs, in ClickBook's order."""
    has_fields: bool = field(default=False, compare=False)
    has_timezones: bool = field(default=False, compare=False)

    def field_values(self) -> dict[str, str]:
        """Return the ``FIELDS`` items as a dict (a repeated item keeps its last value)."""
        return dict(self.fields)


def build_envelope(operation: Operation | str, params: Mapping[str, str | Items]) -> bytes:
    """Return the SOAP 1.1 request for ``operation`` with ``params`` in the contract's order.

    ``params`` must name exactly the operation's parameters; ``FIELDS`` takes schema items,
    every other parameter text. Raise ValueError for a missing or unknown parameter, or for
    a value XML 1.0 cannot carry unchanged (control characters, ``\\r``).
    """
    operation = Operation(operation)
    expected = PARAMETERS[operation]
    if set(params) != set(expected):
        missing = sorted(set(expected) - set(params))
        unknown = sorted(set(params) - set(expected))
        raise ValueError(f"{operation} parameters: missing {missing}, unknown {unknown}")

    envelope = ET.Element("soapenv:Envelope", {"xmlns:soapenv": SOAPENV_NS, "xmlns:urn": URN_NS})
    ET.SubElement(envelope, "soapenv:Header")
    body = ET.SubElement(envelope, "soapenv:Body")
    call = ET.SubElement(body, f"urn:{operation}")
    for name in expected:
        value = params[name]
        element = ET.SubElement(call, name)
        if name == FIELDS_PARAMETER:
            if isinstance(value, str):
                raise ValueError(f"{operation} {name} takes (name, value) items, not text")
            for item_name, item_value in value:
                item = ET.SubElement(element, "FIELD")
                ET.SubElement(item, "NAME").text = _xml_text(item_name, name)
                ET.SubElement(item, "VALUE").text = _xml_text(item_value, item_name)
        else:
            if not isinstance(value, str):
                raise ValueError(f"{operation} {name} takes text")
            element.text = _xml_text(value, name)
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def _xml_text(value: str, what: str) -> str:
    """Return ``value`` if XML 1.0 carries it unchanged; raise ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    for char in value:
        if not is_xml_char(char):
            raise ValueError(f"{what} contains U+{ord(char):04X}, which XML cannot carry")
    return value


def excerpt(body: bytes, redact: Redactor = NO_SECRETS) -> str:
    """Return the start of ``body`` as text, scrubbed of secrets, for an error message."""
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return redact(text)[:EXCERPT_CHARS]


def parse_response(
    operation: Operation | str,
    body: bytes,
    *,
    http_status: int | None = None,
    redact: Redactor = NO_SECRETS,
) -> Result:
    """Parse a SOAP response body into its ``Result``.

    Raise ClickBookFaultError when the body is a SOAP Fault, and ClickBookResponseError when
    it is too big, not well-formed XML, uses a DTD or entities, or has the wrong shape.
    ``http_status`` and ``redact`` only go into those errors.
    """
    operation = str(operation)

    def unusable(message: str) -> ClickBookResponseError:
        return ClickBookResponseError(
            operation, message, http_status=http_status, excerpt=excerpt(body, redact)
        )

    if len(body) > MAX_BODY_BYTES:
        raise ClickBookResponseError(
            operation,
            f"response of {len(body)} bytes exceeds the {MAX_BODY_BYTES}-byte limit",
            http_status=http_status,
        )
    if _looks_like_html(body):
        raise unusable("HTML where XML was expected")
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise unusable("response uses a DTD or entities, which are refused") from None
    except ET.ParseError as exc:
        raise unusable(f"response is not well-formed XML ({exc})") from None

    if root.tag != f"{{{SOAPENV_NS}}}Envelope":
        raise unusable(f"expected a SOAP Envelope, got <{_local(root.tag)}>")
    soap_body = root.find(f"{{{SOAPENV_NS}}}Body")
    if soap_body is None or len(soap_body) != 1:
        raise unusable("expected a SOAP Body with exactly one element")
    content = soap_body[0]

    if content.tag == f"{{{SOAPENV_NS}}}Fault":
        raise ClickBookFaultError(
            operation,
            redact(_child_text(content, "faultcode")),
            redact(_child_text(content, "faultstring")),
            http_status=http_status,
        )
    if content.tag != f"{{{URN_NS}}}{operation}Response":
        raise unusable(f"expected <urn:{operation}Response>, got <{_local(content.tag)}>")
    returned = _child(content, f"{operation}Return")
    if returned is None:
        raise unusable(f"<{operation}Response> has no <{operation}Return>")

    code_text = _child_text(returned, "CODE").strip()
    if not code_text.isascii() or not code_text.isdigit():
        raise unusable(f"CODE {code_text!r} is not a number")

    errors_element = _child(returned, "ERRORS")
    fields_element = _child(returned, "FIELDS")
    timezones_element = _child(returned, "TIMEZONES")
    errors = tuple(
        FieldError(
            field=redact(_required_text(error, "FIELD", unusable)),
            message=redact(_child_text(error, "MESSAGE")),
        )
        for error in _children(errors_element, "ERROR")
    )
    fields = tuple(
        (_required_text(item, "NAME", unusable), _child_text(item, "VALUE"))
        for item in _children(fields_element, "FIELD")
    )
    timezones = tuple(
        (_required_text(zone, "VALUE", unusable), _child_text(zone, "LABEL"))
        for zone in _children(timezones_element, "TIMEZONE")
    )
    return Result(
        operation=operation,
        code=int(code_text),
        info=_child_text(returned, "INFO"),
        errors=errors,
        fields=fields,
        timezones=timezones,
        has_fields=fields_element is not None,
        has_timezones=timezones_element is not None,
    )


def raise_for_code(
    result: Result, *, success: Collection[int], redact: Redactor = NO_SECRETS
) -> Result:
    """Return ``result`` if its CODE is one of ``success``; raise the error it means otherwise.

    CODE 400 raises ClickBookValidationError with every ERROR, the table's codes their own
    ClickBookAPIError subclass, any other code of 400 or more a plain ClickBookAPIError,
    and an unexpected code below 400 ClickBookResponseError.
    """
    code = result.code
    if code in success:
        return result
    info = redact(result.info)
    operation = result.operation
    if code == CODE_VALIDATION_FAILED:
        raise ClickBookValidationError(operation, result.errors, code=code, info=info)
    if code < CODE_VALIDATION_FAILED:
        raise ClickBookResponseError(operation, f"unexpected CODE {code}", excerpt=info)
    error_class = _ERROR_FOR_CODE.get(code, ClickBookAPIError)
    meaning = _CODE_MEANINGS.get(code, "failed")
    message = f"CODE {code}: {meaning}" + (f" ({info})" if info else "")
    raise error_class(operation, message, code=code, info=info)


def _looks_like_html(body: bytes) -> bool:
    """Tell whether ``body`` starts like an HTML page (e.g. Domino's login form)."""
    start = body[:64].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _local(tag: str) -> str:
    """Return a tag without its ``{namespace}``."""
    return tag.rpartition("}")[2]


def _child(parent: ET.Element | None, name: str) -> ET.Element | None:
    """Return the first child named ``name`` (namespace ignored), or None."""
    if parent is None:
        return None
    return next((child for child in parent if _local(child.tag) == name), None)


def _children(parent: ET.Element | None, name: str) -> list[ET.Element]:
    """Return every child named ``name`` (namespace ignored)."""
    if parent is None:
        return []
    return [child for child in parent if _local(child.tag) == name]


def _child_text(parent: ET.Element, name: str) -> str:
    """Return the text of the child named ``name``, or "" if it is absent or empty."""
    child = _child(parent, name)
    if child is None or child.text is None:
        return ""
    return child.text


def _required_text(parent: ET.Element, name: str, unusable: Callable[[str], Exception]) -> str:
    """Return the non-empty text of the child ``name``; raise ``unusable(...)`` if missing."""
    text = _child_text(parent, name)
    if not text:
        raise unusable(f"<{_local(parent.tag)}> has no {name}")
    return text
