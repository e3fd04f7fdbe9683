"""Tests for FieldError, the one error the field parsers raise."""

from bot.domain import FieldError


def test_code_and_params_are_kept() -> None:
    error = FieldError("name.too_long", max=100)
    assert error.code == "name.too_long"
    assert error.params == {"max": 100}
    assert str(error) == "name.too_long"


def test_repr_shows_code_and_params() -> None:
    assert repr(FieldError("email.typo", suggestion="ann@gmail.com")) == (
        "FieldError('email.typo', suggestion='ann@gmail.com')"
    )
    assert repr(FieldError("phone.empty")) == "FieldError('phone.empty')"
    assert repr(FieldError("name.too_long", max=100, got=101)) == (
        "FieldError('name.too_long', max=100, got=101)"
    )
