"""The encryption of stored sign-ins: round trip, wrong or missing key, nothing in reprs."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.clickbook import Session
from bot.crypto import (
    CredentialCipher,
    KeyState,
    UnreadableCredentialsError,
    load_cipher,
    new_secret_key,
)

PASSWORD = "pa55-word-for-test"  # noqa: S105 - a test value
COOKIE = "COOKIE-VALUE-123"


def session() -> Session:
    """A session with recognisable secrets."""
    return Session(
        user="CN=Sam Staff/O=ClickBook",
        usercn="Sam Staff",
        cookie=COOKIE,
        email="staff@example.com",
        password=PASSWORD,
    )


def test_a_sealed_session_opens_to_the_same_session() -> None:
    cipher = CredentialCipher(SecretStr(new_secret_key()))

    opened = cipher.open(cipher.seal(session()))

    assert opened.to_json() == session().to_json()


def test_the_sealed_blob_shows_no_secret() -> None:
    blob = CredentialCipher(SecretStr(new_secret_key())).seal(session())

    for secret in (PASSWORD, COOKIE, "staff@example.com"):
        assert secret.encode() not in blob


def test_another_key_cannot_open_a_blob() -> None:
    blob = CredentialCipher(SecretStr(new_secret_key())).seal(session())

    with pytest.raises(UnreadableCredentialsError) as error:
        CredentialCipher(SecretStr(new_secret_key())).open(blob)

    assert PASSWORD not in str(error.value)


def test_a_tampered_blob_is_refused() -> None:
    cipher = CredentialCipher(SecretStr(new_secret_key()))
    blob = bytearray(cipher.seal(session()))
    blob[-5] ^= 1

    with pytest.raises(UnreadableCredentialsError):
        cipher.open(bytes(blob))


@pytest.mark.parametrize(
    ("key", "state"),
    [
        pytest.param(None, KeyState.MISSING, id="unset"),
        pytest.param("  ", KeyState.MISSING, id="blank"),
        pytest.param("too-short", KeyState.INVALID, id="not-base64-32-bytes"),
        pytest.param(new_secret_key(), KeyState.READY, id="fernet-key"),
    ],
)
def test_load_cipher_says_why_there_is_none(key: str | None, state: KeyState) -> None:
    cipher, found = load_cipher(SecretStr(key) if key is not None else None)

    assert found is state
    assert (cipher is not None) is (state is KeyState.READY)


def test_an_invalid_key_is_not_echoed() -> None:
    with pytest.raises(ValueError, match="not a valid Fernet key") as error:
        CredentialCipher(SecretStr("my-secret-but-wrong"))

    assert "my-secret-but-wrong" not in str(error.value)


def test_the_cipher_repr_hides_the_key() -> None:
    key = new_secret_key()

    assert repr(CredentialCipher(SecretStr(key))) == "CredentialCipher(<key hidden>)"


def test_a_key_list_opens_old_and_new_blobs_and_seals_with_the_first() -> None:
    old, new = new_secret_key(), new_secret_key()
    old_blob = CredentialCipher(SecretStr(old)).seal(session())
    both = CredentialCipher(SecretStr(f"{new}, {old}"))

    new_blob = both.seal(session())
    rotated = both.rotate(old_blob)

    assert both.open(old_blob).to_json() == session().to_json()
    for blob in (new_blob, rotated):
        assert CredentialCipher(SecretStr(new)).open(blob).to_json() == session().to_json()
        with pytest.raises(UnreadableCredentialsError):
            CredentialCipher(SecretStr(old)).open(blob)


def test_rotating_a_blob_no_key_opens_is_refused() -> None:
    blob = CredentialCipher(SecretStr(new_secret_key())).seal(session())

    with pytest.raises(UnreadableCredentialsError) as error:
        CredentialCipher(SecretStr(new_secret_key())).rotate(blob)

    assert str(error.value) == "the stored sign-in cannot be read"


def test_a_blob_that_opens_but_holds_no_session_is_refused() -> None:
    key = new_secret_key()
    cipher = CredentialCipher(SecretStr(key))

    for content in (b"not json", b'["a list"]', b'{"user": "only one field"}'):
        with pytest.raises(UnreadableCredentialsError) as error:
            cipher.open(Fernet(key.encode()).encrypt(content))
        assert str(error.value) == "the stored sign-in cannot be read"


def test_the_account_fingerprint_is_the_emails_keyed_hash_trimmed_and_case_folded() -> None:
    key = new_secret_key()
    cipher = CredentialCipher(SecretStr(key))
    # The scheme is part of the stored data: a change would forget every counted failure.
    mac_key = hashlib.sha256(b"clickbot account fingerprint\0" + key.encode()).digest()
    expected = hmac.new(mac_key, b"staff@example.com", hashlib.sha256).hexdigest()

    assert cipher.account_fingerprint("  Staff@Example.COM\n") == expected
    assert cipher.account_fingerprint("other@example.com") != expected
    assert (
        CredentialCipher(SecretStr(new_secret_key())).account_fingerprint("staff@example.com")
        != expected
    )


def test_a_key_list_fingerprints_under_every_key_the_first_first() -> None:
    old, new = new_secret_key(), new_secret_key()
    both = CredentialCipher(SecretStr(f" {new} ,, {old} "))

    prints = both.account_fingerprints("staff@example.com")

    assert prints == (
        CredentialCipher(SecretStr(new)).account_fingerprint("staff@example.com"),
        CredentialCipher(SecretStr(old)).account_fingerprint("staff@example.com"),
    )
    assert both.account_fingerprint("staff@example.com") == prints[0]


HINT = "is not a valid Fernet key (32 url-safe base64-encoded bytes; `clickbot secret` makes one)"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param(" , ,", "CLICKBOT_SECRET_KEY is empty", id="only-commas"),
        pytest.param("wrong", f"CLICKBOT_SECRET_KEY: the key {HINT}", id="one"),
        pytest.param(
            f"{new_secret_key()},wrong", f"CLICKBOT_SECRET_KEY: key 2 of 2 {HINT}", id="second"
        ),
    ],
)
def test_a_bad_key_list_is_refused_naming_the_setting_and_position(key: str, message: str) -> None:
    with pytest.raises(ValueError, match="CLICKBOT_SECRET_KEY") as error:
        CredentialCipher(SecretStr(key))

    assert str(error.value) == message


def test_only_commas_is_no_key() -> None:
    assert load_cipher(SecretStr(" ,, ")) == (None, KeyState.MISSING)
