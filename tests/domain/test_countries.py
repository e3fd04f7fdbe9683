"""Tests for country names (ClickBook's English and the user's language), sorting and search."""

import pytest
from babel import Locale

from bot.domain.countries import (
    ISO_COUNTRY_CODES,
    Country,
    all_countries,
    country_name,
    country_name_en,
    is_country_code,
    search_countries,
)
from bot.domain.text import fold


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("GB", "United Kingdom"),
        ("US", "United States"),
        ("RU", "Russia"),
        ("AU", "Australia"),
        ("DE", "Germany"),
        ("gb", "United Kingdom"),
    ],
)
def test_english_name_for_clickbook(code: str, name: str) -> None:
    assert country_name_en(code) == name


@pytest.mark.parametrize(
    ("code", "locale", "name"),
    [
        ("DE", "de", "Deutschland"),
        ("DE", "es", "Alemania"),
        ("DE", "pt-br", "Alemanha"),
        ("RU", "ru", "Россия"),
        ("JP", "ja", "日本"),
        ("EG", "ar", "مصر"),
        ("DE", "zh-hans", "德国"),
        ("DE", "en-GB", "Germany"),
        ("DE", "xx", "Germany"),
        ("DE", "", "Germany"),
    ],
)
def test_localized_name(code: str, locale: str, name: str) -> None:
    assert country_name(code, locale) == name


@pytest.mark.parametrize("code", ["EU", "001", "ZZ", "QO", "XK", "AC", "", "GBR"])
def test_regions_and_unassigned_codes_are_not_countries(code: str) -> None:
    assert not is_country_code(code)
    with pytest.raises(KeyError):
        country_name_en(code)


def test_the_iso_list_is_complete_and_named_by_cldr() -> None:
    english = Locale("en").territories
    assert len(ISO_COUNTRY_CODES) == 249
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in ISO_COUNTRY_CODES)
    assert all(code in english for code in ISO_COUNTRY_CODES)


@pytest.mark.parametrize("locale", ["en", "ru", "de", "es", "fr", "ar", "zh"])
def test_all_countries_are_sorted_by_folded_localized_name(locale: str) -> None:
    countries = all_countries(locale)
    assert {country.code for country in countries} == ISO_COUNTRY_CODES
    keys = [fold(country.name) for country in countries]
    assert keys == sorted(keys)
    assert all(country.name == country_name(country.code, locale) for country in countries)


def test_accented_names_sort_with_their_base_letter() -> None:
    names = [country.name for country in all_countries("en")]
    assert names.index("Åland Islands") < names.index("Albania")
    assert names.index("Côte d’Ivoire") < names.index("Croatia")
    assert names[0] == "Afghanistan"


@pytest.mark.parametrize(
    ("query", "locale", "first"),
    [
        pytest.param("germ", "en", "DE", id="english-prefix"),
        pytest.param("GERMANY", "en", "DE", id="case"),
        pytest.param("alem", "es", "DE", id="spanish-prefix"),
        pytest.param("росс", "ru", "RU", id="cyrillic"),
        pytest.param("germany", "ru", "DE", id="english-name-in-any-language"),
        pytest.param("de", "en", "DE", id="code"),
        pytest.param("au", "ru", "AU", id="code-in-any-language"),
        pytest.param("cote d'ivoire", "en", "CI", id="accents-and-apostrophes"),
        pytest.param("osterreich", "de", "AT", id="umlaut"),
        pytest.param("kingdom", "en", "GB", id="word-prefix"),
        pytest.param("uk", "en", "GB", id="alias-uk"),
        pytest.param("usa", "en", "US", id="alias-usa"),
        pytest.param("  new   zeal ", "en", "NZ", id="spaces"),
        pytest.param("россия", "ru", "RU", id="exact"),
    ],
)
def test_search_puts_the_best_match_first(query: str, locale: str, first: str) -> None:
    results = search_countries(query, locale)
    assert results
    assert results[0].code == first


def test_prefix_then_word_prefix_then_substring() -> None:
    codes = [country.code for country in search_countries("ger", "en", limit=10)]
    assert codes[0] == "DE"  # Germany starts with it
    assert set(codes[1:]) == {"DZ", "NE", "NG"}  # Algeria, Niger, Nigeria contain it
    land = search_countries("land", "en", limit=60)
    assert land[0].code == "TF"  # French Southern and Antarctic *Lands*: a word starts with it
    rest = [fold(country.name) for country in land[1:]]
    assert rest == sorted(rest)
    assert {"FI", "IS", "IE", "PL", "CH", "TH", "NZ"} <= {country.code for country in land}


def test_equal_ranks_keep_alphabetical_order() -> None:
    codes = [country.code for country in search_countries("sw", "en")]
    assert codes == ["SE", "CH", "BW", "SZ"]  # Sweden, Switzerland; Botswana, Eswatini


def test_a_name_starting_with_the_query_comes_before_a_word_starting_with_it() -> None:
    assert [country.code for country in search_countries("guin", "en")] == [
        "GN",  # Guinea
        "GW",  # Guinea-Bissau
        "GQ",  # Equatorial Guinea
        "PG",  # Papua New Guinea
    ]


def test_a_country_ranks_by_its_best_matching_name() -> None:
    # French Polynesia's Spanish name starts with "pol", its English one only has a word that
    # does: it ranks with Polonia, and alphabetically comes first.
    assert search_countries("pol", "es") == [
        Country("PF", "Polinesia Francesa"),
        Country("PL", "Polonia"),
    ]


def test_search_respects_limit_and_empty_queries() -> None:
    assert len(search_countries("a", "en", limit=5)) == 5
    assert search_countries("", "en") == []
    assert search_countries("  ' ", "en") == []
    assert search_countries("zzzz", "en") == []
    assert search_countries("a", "en", limit=0) == []


def test_country_is_a_plain_value() -> None:
    assert search_countries("australia", "en") == [Country("AU", "Australia")]


def test_codes_are_recognised_in_any_case() -> None:
    assert is_country_code("au")
    assert is_country_code("Au")
    assert not is_country_code("zz")


def test_a_limit_of_one_gives_the_best_match_only() -> None:
    assert search_countries("au", "en", limit=1) == [Country(code="AU", name="Australia")]
    assert search_countries("au", "en", limit=0) == []


def test_an_unknown_code_names_itself_in_the_error() -> None:
    with pytest.raises(KeyError) as caught:
        country_name("xk", "de")

    assert caught.value.args == ("XK",)
