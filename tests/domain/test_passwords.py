"""Tests for the local password rules."""

import pytest

from bot.domain import FieldError, check_password, looks_like_password

SECRET = "s3cret-Passw0rd"


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("abcdefg1", id="shortest"),
        pytest.param("  spaced 1  ", id="spaces-kept"),
        pytest.param("пароль123", id="cyrillic"),
        pytest.param("a1" + "x" * 126, id="longest"),
        pytest.param("Ab1!@#$%^&*()<>", id="symbols"),
    ],
)
def test_valid_passwords_come_back_unchanged(password: str) -> None:
    assert check_password(password) == password


@pytest.mark.parametrize(
    ("password", "code", "params"),
    [
        pytest.param("", "password.blank", {}, id="empty"),
        pytest.param("         ", "password.blank", {}, id="whitespace"),
        pytest.param("abcdef1\n2", "password.invalid_characters", {}, id="newline"),
        pytest.param("abcdef1\x00", "password.invalid_characters", {}, id="nul"),
        pytest.param("abcde1", "password.too_short", {"min": 8}, id="short"),
        pytest.param("abcdef1", "password.too_short", {"min": 8}, id="one-short"),
        pytest.param("a1" + "x" * 127, "password.too_long", {"max": 128}, id="long"),
        pytest.param("12345678", "password.no_letter", {}, id="digits"),
        pytest.param("password", "password.no_digit", {}, id="letters"),
        pytest.param("!!!!!!!!", "password.no_letter", {}, id="symbols"),
    ],
)
def test_invalid_passwords(password: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(FieldError) as caught:
        check_password(password)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    "password",
    [
        pytest.param(SECRET[:5], id="too-short"),
        pytest.param("secret-Password", id="no-digit"),
        pytest.param("1234567890123", id="no-letter"),
        pytest.param(SECRET + "\t", id="control"),
        pytest.param("x" * 200 + SECRET, id="too-long"),
    ],
)
def test_the_password_never_appears_in_the_error(password: str) -> None:
    with pytest.raises(FieldError) as caught:
        check_password(password)
    error = caught.value
    shown = " ".join([str(error), repr(error), str(error.args), str(error.params)])
    assert password not in shown
    assert password.strip()[:5] not in shown


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Str0ng-Passw0rd!", id="strong"),
        pytest.param("p@ssw0rd-2024", id="symbols-and-digits"),
        pytest.param("/Secret1234", id="slash"),
        pytest.param("hunter-two", id="letters-and-a-symbol"),
        pytest.param("my secret 1", id="spaces-but-valid"),
        pytest.param("UTC+10", id="offset-search-is-not-quoted-either"),
    ],
)
def test_text_that_could_be_a_password_is_recognised(text: str) -> None:
    assert looks_like_password(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Sydney", id="one-word"),
        pytest.param("New York", id="two-words"),
        pytest.param("Aus", id="short"),
        pytest.param("+10", id="offset"),
        pytest.param("Ciudad de México", id="accents"),
        pytest.param("12345678", id="digits-only"),
    ],
)
def test_ordinary_answers_do_not_look_like_a_password(text: str) -> None:
    assert not looks_like_password(text)
