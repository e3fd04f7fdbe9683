"""The country list: exactly CLDR's English short names of the ISO 3166-1 countries."""

from __future__ import annotations

import babel

from bot.sandbox.clickbook.countries import COUNTRY_NAMES

NOT_ISO_3166_1 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB"}
NOT_ISO_3166_1 |= {"XK", "ZZ"}


def test_names_are_babels_english_names() -> None:
    territories = babel.Locale("en").territories
    expected = {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166_1
    }
    assert expected == COUNTRY_NAMES


def test_list_has_every_officially_assigned_code() -> None:
    assert len(COUNTRY_NAMES) == 249
    for code, name in {
        "AU": "Australia",
        "GB": "United Kingdom",
        "US": "United States",
        "DE": "Germany",
        "RU": "Russia",
        "ES": "Spain",
    }.items():
        assert COUNTRY_NAMES[code] == name
