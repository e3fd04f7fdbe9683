"""The error tree: shape, messages, reprs and scrubbing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.clickbook import (
    ClickBookAPIError,
    ClickBookAuthError,
    ClickBookConnectError,
    ClickBookCredentialsError,
    ClickBookError,
    ClickBookExpiredError,
    ClickBookFaultError,
    ClickBookForbiddenError,
    ClickBookLockedOutError,
    ClickBookNotFoundError,
    ClickBookResponseError,
    ClickBookSignedOutError,
    ClickBookTimeoutError,
    ClickBookTransportError,
    ClickBookValidationError,
    FieldError,
)
from bot.clickbook import errors as errors_module
from bot.clickbook.redaction import MASK, Redactor

TREE = {
    ClickBookTransportError: ClickBookError,
    ClickBookConnectError: ClickBookTransportError,
    ClickBookTimeoutError: ClickBookTransportError,
    ClickBookResponseError: ClickBookError,
    ClickBookFaultError: ClickBookError,
    ClickBookAPIError: ClickBookError,
    ClickBookValidationError: ClickBookAPIError,
    ClickBookNotFoundError: ClickBookAPIError,
    ClickBookForbiddenError: ClickBookAPIError,
    ClickBookExpiredError: ClickBookAPIError,
    ClickBookAuthError: ClickBookAPIError,
    ClickBookCredentialsError: ClickBookAuthError,
    ClickBookLockedOutError: ClickBookAuthError,
    ClickBookSignedOutError: ClickBookAuthError,
}


@pytest.mark.parametrize(("child", "parent"), TREE.items(), ids=[c.__name__ for c in TREE])
def test_the_tree(child: type[ClickBookError], parent: type[ClickBookError]) -> None:
    assert child.__bases__ == (parent,)
    assert child.__name__ in (errors_module.__doc__ or "")
    assert child.__doc__


def test_message_format_and_repr() -> None:
    error = ClickBookNotFoundError("PROCESSREGSTUB", "CODE 404: unknown", code=404, info="x")
    assert str(error) == "ClickBook PROCESSREGSTUB: CODE 404: unknown"
    assert repr(error) == (
        "ClickBookNotFoundError(operation='PROCESSREGSTUB', code=404, message='CODE 404: unknown')"
    )
    assert ClickBookError("LOGIN", "m").args == ("m",)


def test_validation_error_lists_fields() -> None:
    error = ClickBookValidationError(
        "SETUSERFIELDS",
        [FieldError(field="inp-a", message="bad"), FieldError(field="inp-a", message="worse")],
    )
    assert error.fields == ["inp-a"]
    assert str(error) == "ClickBook SETUSERFIELDS: validation failed: inp-a: bad; inp-a: worse"


def test_known_secret_shapes_are_masked_in_any_error() -> None:
    leaky = "<APIKEY>k-123456</APIKEY> Cookie: DomAuthSessId=ABC123456; Basic dXNlcjpwYXNz"
    for error in (
        ClickBookError("X", leaky),
        ClickBookResponseError("X", "m", excerpt=leaky),
        ClickBookFaultError("X", "c", leaky),
        ClickBookAPIError("X", "m", info=leaky),
    ):
        text = f"{error} {error!r} {vars(error)}"
        for secret in ("k-123456", "ABC123456", "dXNlcjpwYXNz"):
            assert secret not in text


def test_the_redactor_masks_literal_and_escaped_secrets() -> None:
    redact = Redactor([SecretStr("p&ss<word>"), "api-key-1", None, "abc"])
    text = redact("p&ss<word> p&amp;ss&lt;word&gt; api-key-1 abc")
    assert text == f"{MASK} {MASK} {MASK} abc"
    assert "api" not in repr(redact)


@pytest.mark.parametrize(
    ("fault_code", "client_fault"),
    [
        ("soapenv:Client", True),
        ("Client", True),
        ("soap:Client.Authentication", True),
        ("soapenv:Server", False),
        ("Server.Client", False),
        ("ns:Client:Server", False),
        ("soapenv:ClientX", False),
    ],
)
def test_a_fault_blames_the_request_only_when_its_code_is_client(
    fault_code: str, client_fault: bool
) -> None:
    assert ClickBookFaultError("X", fault_code, "s").is_client_fault is client_fault


def test_each_error_states_its_fields_exactly() -> None:
    response = ClickBookResponseError("LOGIN", "odd", http_status=502, excerpt="<p>")
    assert (response.operation, response.message, response.http_status, response.excerpt) == (
        "LOGIN",
        "odd",
        502,
        "<p>",
    )
    assert repr(response) == (
        "ClickBookResponseError(operation='LOGIN', message='odd', http_status=502)"
    )
    assert (
        ClickBookResponseError("X", "m").http_status,
        ClickBookResponseError("X", "m").excerpt,
    ) == (
        None,
        "",
    )
    fault = ClickBookFaultError("GETUSERFIELDS", "soapenv:Server", "boom", http_status=500)
    assert str(fault) == "ClickBook GETUSERFIELDS: SOAP fault soapenv:Server: boom"
    assert (fault.fault_code, fault.fault_string, fault.http_status) == (
        "soapenv:Server",
        "boom",
        500,
    )
    assert repr(fault) == (
        "ClickBookFaultError(operation='GETUSERFIELDS', fault_code='soapenv:Server', "
        "fault_string='boom')"
    )
    assert ClickBookFaultError("X", "c", "s").http_status is None
    api = ClickBookAPIError("X", "m")
    assert (api.code, api.info) == (None, "")
    assert repr(ClickBookError("LOGIN", "m")) == "ClickBookError(operation='LOGIN', message='m')"


def test_a_validation_error_without_field_errors_tells_clickbooks_info() -> None:
    bare = ClickBookValidationError("SETUSERFIELDS", [], info="Sandbox fault")
    assert (bare.code, bare.info, bare.fields) == (400, "Sandbox fault", [])
    assert bare.message == "validation failed: Sandbox fault"
    assert ClickBookValidationError("X", []).message == "validation failed"
    listed = ClickBookValidationError(
        "X", [FieldError(field="inp-b", message="bad")], code=None, info="ignored"
    )
    assert (listed.message, listed.code) == ("validation failed: inp-b: bad", None)
    assert listed.errors == [FieldError(field="inp-b", message="bad")]


def test_secrets_in_field_errors_and_fault_codes_are_masked() -> None:
    leak = "DomAuthSessId=ABC123456"
    error = ClickBookValidationError("X", [FieldError(field=leak, message=f"bad {leak}")])
    assert error.errors == [
        FieldError(field=f"DomAuthSessId={MASK}", message=f"bad DomAuthSessId={MASK}")
    ]
    fault = ClickBookFaultError("X", leak, leak)
    assert (fault.fault_code, fault.fault_string) == (f"DomAuthSessId={MASK}",) * 2
