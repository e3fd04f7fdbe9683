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
