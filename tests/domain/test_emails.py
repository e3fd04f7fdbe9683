"""Tests for parsing email addresses and suggesting fixes for common domain typos."""

import pytest

from bot.domain import FieldError, parse_email, suggest_email_fix
from bot.domain.emails import TYPO_TARGETS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ann@example.com", "ann@example.com", id="plain"),
        pytest.param("  ann@example.com \n", "ann@example.com", id="trimmed"),
        pytest.param("Ann.Lee@GMAIL.COM", "Ann.Lee@gmail.com", id="domain-lowercased"),
        pytest.param("ann+tag@sub.example.co.uk", "ann+tag@sub.example.co.uk", id="tag"),
        pytest.param("mailto:ann@example.com", "ann@example.com", id="mailto"),
        pytest.param("ann@пример.рф", "ann@пример.рф", id="idn-domain"),
        pytest.param("ann@gmail.con", "ann@gmail.con", id="typo-is-not-an-error"),
    ],
)
def test_valid_addresses(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "email.empty", id="empty"),
        pytest.param("   ", "email.empty", id="blank"),
        pytest.param("mailto:", "email.empty", id="bare-mailto"),
        pytest.param("ann.example.com", "email.missing_at", id="no-at"),
        pytest.param("анна@mail.ru", "email.non_latin_local_part", id="cyrillic-local"),
        pytest.param("ann@@example.com", "email.invalid", id="double-at"),
        pytest.param("ann@localhost", "email.invalid", id="no-dot"),
        pytest.param("ann lee@example.com", "email.invalid", id="space"),
        pytest.param("ann@example..com", "email.invalid", id="double-dot"),
        pytest.param("@example.com", "email.invalid", id="no-local-part"),
        pytest.param("ann@", "email.invalid", id="no-domain"),
        pytest.param("<ann@example.com>", "email.invalid", id="brackets"),
    ],
)
def test_invalid_addresses(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_email(text)
    assert caught.value.code == code
    assert caught.value.__cause__ is None


def test_too_long_address() -> None:
    text = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
    assert len(text) > 254
    with pytest.raises(FieldError) as caught:
        parse_email(text)
    assert (caught.value.code, caught.value.params) == ("email.too_long", {"max": 254})


def test_longest_address_is_accepted() -> None:
    domain = ".".join(["b" * 61] * 3) + ".com"
    text = "a" * (254 - len(domain) - 1) + "@" + domain
    assert len(text) == 254
    assert parse_email(text) == text


@pytest.mark.parametrize(
    ("email", "suggestion"),
    [
        pytest.param("ann@gmial.com", "ann@gmail.com", id="swap"),
        pytest.param("ann@gmail.con", "ann@gmail.com", id="tld"),
        pytest.param("ann@gmai.com", "ann@gmail.com", id="missing"),
        pytest.param("ann@gnail.com", "ann@gmail.com", id="substitution"),
        pytest.param("ann@gmaill.co", "ann@gmail.com", id="two-edits"),
        pytest.param("Ann.Lee@GMIAL.COM", "Ann.Lee@gmail.com", id="case"),
        pytest.param("ann@yaho.com", "ann@yahoo.com", id="yahoo"),
        pytest.param("ann@hotmial.com", "ann@hotmail.com", id="hotmail"),
        pytest.param("ann@outlok.com", "ann@outlook.com", id="outlook"),
        pytest.param("ann@iclod.com", "ann@icloud.com", id="icloud"),
        pytest.param("ann@mail.r", "ann@mail.ru", id="mail-ru"),
        pytest.param("ann@yandex.ry", "ann@yandex.ru", id="yandex"),
        pytest.param("ann@gmx.ed", "ann@gmx.de", id="gmx"),
        pytest.param("ann@wbe.de", "ann@web.de", id="web-de"),
    ],
)
def test_typos_get_a_suggestion(email: str, suggestion: str) -> None:
    assert suggest_email_fix(email) == suggestion


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("ann@gmail.com", id="correct"),
        pytest.param("ann@example.com", id="unrelated"),
        pytest.param("ann@mail.com", id="mail-com-is-real"),
        pytest.param("ann@ymail.com", id="ymail-is-real"),
        pytest.param("ann@gmx.at", id="gmx-at-is-real"),
        pytest.param("ann@mi.com", id="short-real"),
        pytest.param("ann@gmx.es", id="short-domains-allow-one-edit-only"),
        pytest.param("ann@company.com", id="far"),
        pytest.param("not-an-email", id="no-at"),
        pytest.param("@gmial.com", id="no-local-part"),
    ],
)
def test_no_suggestion(email: str) -> None:
    assert suggest_email_fix(email) is None


def test_every_target_is_a_fixed_point() -> None:
    for domain in TYPO_TARGETS:
        assert suggest_email_fix(f"ann@{domain}") is None


def test_the_mailbox_is_everything_before_the_last_at() -> None:
    with pytest.raises(FieldError) as caught:
        parse_email('"ann@é"@example.com')

    assert caught.value.code == "email.non_latin_local_part"
    assert suggest_email_fix('"ann@b"@gmial.com') == '"ann@b"@gmail.com'


@pytest.mark.parametrize(
    ("email", "suggestion"),
    [
        pytest.param("ann@aol.com.", None, id="known-domain-with-a-trailing-dot"),
        pytest.param("ann@gyyyl.com", None, id="three-edits-is-too-far"),
        pytest.param("ann@gmx.ne", "ann@gmx.de", id="a-tie-goes-to-the-first-target"),
    ],
)
def test_suggestion_edges(email: str, suggestion: str | None) -> None:
    assert suggest_email_fix(email) == suggestion
