"""Tests for parsing typed and shared phone numbers into ClickBook's digits-only form."""

import pytest

from bot.domain import FieldError, ParsedPhone, parse_contact_phone, parse_phone
from bot.domain.phones import _is_country, implied_zones


@pytest.mark.parametrize(
    ("text", "region", "digits", "implied_region"),
    [
        pytest.param("+61 412 345 678", None, "61412345678", "AU", id="au-international"),
        pytest.param("0412 345 678", "AU", "61412345678", "AU", id="au-national"),
        pytest.param("+61 (0)412-345-678", None, "61412345678", "AU", id="au-trunk-in-brackets"),
        pytest.param("+1 212 555 0100", None, "12125550100", "US", id="us-valid"),
        pytest.param("0061 412 345 678", "AU", "61412345678", "AU", id="00-in-au"),
        pytest.param("0061 412 345 678", None, "61412345678", "AU", id="00-without-region"),
        pytest.param("00 44 20 7946 0000", None, "442079460000", "GB", id="00-no-region"),
        pytest.param("00 44 20 7946 0000", "GB", "442079460000", "GB", id="00-gb"),
        pytest.param("00 44 20 7946 0000", "US", "442079460000", "GB", id="00-from-us"),
        pytest.param("0011 44 20 7946 0000", "AU", "442079460000", "GB", id="au-idd"),
        pytest.param("+44 (0) 20 7946 0000", None, "442079460000", "GB", id="gb-trunk"),
        pytest.param("020 7946 0000", "gb", "442079460000", "GB", id="lowercase-region"),
        pytest.param("+7 912 345-67-89", None, "79123456789", "RU", id="ru"),
        pytest.param("+7 701 123 4567", None, "77011234567", "KZ", id="kz-shares-plus-7"),
        pytest.param("8 (912) 345-67-89", "RU", "79123456789", "RU", id="ru-trunk-8"),
        pytest.param("+49 30 901820", None, "4930901820", "DE", id="de-short-landline"),
        pytest.param("+33.1.23.45.67.89", None, "33123456789", "FR", id="dots"),
        pytest.param("+61\u00a0412\u2011345\u2011678", None, "61412345678", "AU", id="nbsp"),
        pytest.param("＋６１４１２３４５６７８", None, "61412345678", "AU", id="fullwidth"),
        pytest.param("+800 1234 5678", None, "80012345678", None, id="non-geographic"),
    ],
)
def test_valid_numbers(text: str, region: str | None, digits: str, implied_region: str) -> None:
    parsed = parse_phone(text, region)
    assert parsed.digits == digits
    assert parsed.e164 == "+" + digits
    assert parsed.region == implied_region
    assert parsed.digits.isdigit()
    assert 6 <= len(parsed.digits) <= 15


def test_international_format_is_for_reading() -> None:
    assert parse_phone("0412345678", "AU") == ParsedPhone(
        digits="61412345678",
        region="AU",
        e164="+61412345678",
        international="+61 412 345 678",
    )


@pytest.mark.parametrize(
    ("text", "region", "code"),
    [
        pytest.param("", None, "phone.empty", id="empty"),
        pytest.param("   ", "AU", "phone.empty", id="blank"),
        pytest.param("+1 800 FLOWERS", None, "phone.invalid_characters", id="vanity"),
        pytest.param("+61 412 345 678 ext 12", None, "phone.invalid_characters", id="extension"),
        pytest.param("+61 412 345 678;", None, "phone.invalid_characters", id="semicolon"),
        pytest.param("phone: 0412345678", "AU", "phone.invalid_characters", id="words"),
        pytest.param("0412 345 678", None, "phone.missing_country_code", id="no-region"),
        pytest.param("+999 1234 5678", None, "phone.invalid_country_code", id="bad-code"),
        pytest.param("+61 412", None, "phone.too_short", id="short"),
        pytest.param("12", "AU", "phone.too_short", id="two-digits"),
        pytest.param("+1 234 567 890 123 456", None, "phone.too_long", id="long"),
        pytest.param("555 0100", "US", "phone.missing_area_code", id="local-only"),
        pytest.param("+", None, "phone.invalid", id="plus-only"),
        pytest.param("-- ()", "AU", "phone.invalid", id="punctuation-only"),
        pytest.param("+" + "1" * 70, None, "phone.too_long", id="huge-input"),
        pytest.param("12345", "AU", "phone.not_in_use", id="possible-but-unassigned"),
        pytest.param("+61 12345", None, "phone.not_in_use", id="unassigned-international"),
        pytest.param("+1 555 010 2000", None, "phone.not_in_use", id="fictional-refused"),
        pytest.param("+44 7700 900123", None, "phone.not_in_use", id="drama-range-refused"),
    ],
)
def test_invalid_numbers(text: str, region: str | None, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_phone(text, region)
    assert caught.value.code == code
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("text", "region", "digits", "implied_region"),
    [
        pytest.param("(555) 010-2000", "US", "15550102000", "US", id="us-fictional-555"),
        pytest.param("+1-555-010-2000", None, "15550102000", "US", id="plus-one-fictional"),
        pytest.param("+1 555 010 2000", "CA", "15550102000", "CA", id="default-shares-code"),
        pytest.param("+44 7700 900123", None, "447700900123", "GB", id="gb-drama-range"),
    ],
)
def test_fictional_numbers_only_when_allowed(
    text: str, region: str | None, digits: str, implied_region: str
) -> None:
    parsed = parse_phone(text, region, allow_fictional=True)
    assert (parsed.digits, parsed.region) == (digits, implied_region)
    with pytest.raises(FieldError) as caught:
        parse_phone(text, region)
    assert caught.value.code == "phone.not_in_use"


def test_allowing_fictional_numbers_still_refuses_impossible_ones() -> None:
    with pytest.raises(FieldError) as caught:
        parse_phone("12", "AU", allow_fictional=True)
    assert caught.value.code == "phone.too_short"


@pytest.mark.parametrize(
    ("digits", "zones"),
    [
        pytest.param("17185550100", ("America/New_York",), id="new-york-718"),
        pytest.param("61298765432", ("Australia/Sydney",), id="sydney-landline"),
        pytest.param("80012345678", (), id="non-geographic"),
    ],
)
def test_the_zones_a_number_implies(digits: str, zones: tuple[str, ...]) -> None:
    assert implied_zones(digits) == zones


@pytest.mark.parametrize(
    ("shared", "digits"),
    [
        pytest.param("61412345678", "61412345678", id="without-plus"),
        pytest.param("+61412345678", "61412345678", id="with-plus"),
        pytest.param(" 12125550100 ", "12125550100", id="spaces"),
    ],
)
def test_shared_contact_numbers_are_international(shared: str, digits: str) -> None:
    assert parse_contact_phone(shared).digits == digits


@pytest.mark.parametrize("region", [None, "US"], ids=["no-region", "region-dialling-011"])
def test_a_leading_00_is_read_as_plus(region: str | None) -> None:
    assert parse_phone("0061 412 345 678", region).digits == "61412345678"


def test_spacing_up_to_64_characters_is_accepted() -> None:
    text = "+61" + " " * 52 + "412345678"

    assert len(text) == 64
    assert parse_phone(text).digits == "61412345678"
    with pytest.raises(FieldError) as caught:
        parse_phone(text + " 0")
    assert caught.value.code == "phone.too_long"


def test_clickbook_takes_6_to_15_digits_even_where_longer_numbers_are_valid() -> None:
    # Germany has valid numbers of up to 17 digits and possible ones of 6.
    assert parse_phone("+49 30 12345678901").digits == "493012345678901"
    with pytest.raises(FieldError) as caught:
        parse_phone("+49 30 123456789012")
    assert caught.value.code == "phone.too_long"
    assert parse_phone("+49 1234", allow_fictional=True).digits == "491234"


@pytest.mark.parametrize(
    ("region", "is_country"),
    [("AU", True), ("ZZ", False), ("001", False), ("A1", False), ("ABC", False)],
)
def test_only_two_letter_regions_other_than_unknown_are_countries(
    region: str, is_country: bool
) -> None:
    # phonenumbers says "ZZ" for an unknown region and "001" for non-geographic numbers.
    assert _is_country(region) is is_country
