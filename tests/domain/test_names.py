"""Tests for parsing first and last names."""

import pytest

from bot.domain import FieldError, parse_name
from bot.domain.names import MAX_NAME_LENGTH


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Ann", "Ann", id="plain"),
        pytest.param("  Ann  ", "Ann", id="trimmed"),
        pytest.param("Mary   Jane\tLee", "Mary Jane Lee", id="inner-whitespace"),
        pytest.param("Ann\nLee", "Ann Lee", id="newline"),
        pytest.param("Jean-Luc", "Jean-Luc", id="hyphen"),
        pytest.param("O'Brien", "O'Brien", id="apostrophe"),
        pytest.param("O’Brien", "O’Brien", id="curly-apostrophe"),
        pytest.param("Martin Luther King Jr.", "Martin Luther King Jr.", id="period"),
        pytest.param("Zoë", "Zoë", id="accent"),
        pytest.param("Zoe\u0308", "Zoë", id="nfc"),
        pytest.param("Анна", "Анна", id="cyrillic"),
        pytest.param("محمد", "محمد", id="arabic"),
        pytest.param("שרה", "שרה", id="hebrew"),
        pytest.param("李小龙", "李小龙", id="chinese"),
        pytest.param("अनुष्का", "अनुष्का", id="devanagari-marks"),
        pytest.param("می\u200cخواهم", "می\u200cخواهم", id="persian-zwnj"),
        pytest.param("क्\u200dष", "क्\u200dष", id="devanagari-zwj-after-a-virama"),
        pytest.param("\u200fمحمد\u200e", "محمد", id="direction-marks-dropped"),
        pytest.param("Ann\u200bLee", "AnnLee", id="zero-width-space-dropped"),
        pytest.param("Louis 14", "Louis 14", id="digits"),
        pytest.param("Ann\u00a0Lee", "Ann Lee", id="nbsp"),
        pytest.param("A" * MAX_NAME_LENGTH, "A" * MAX_NAME_LENGTH, id="longest"),
    ],
)
def test_valid_names(text: str, expected: str) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        pytest.param("", "name.empty", {}, id="empty"),
        pytest.param(" \t\n ", "name.empty", {}, id="blank"),
        pytest.param("\u200b", "name.empty", {}, id="only-invisible"),
        pytest.param("A" * 101, "name.too_long", {"max": 100}, id="too-long"),
        pytest.param("<b>Ann</b>", "name.invalid_characters", {"characters": "<>/"}, id="markup"),
        pytest.param('Ann "Al" Lee', "name.invalid_characters", {"characters": '"'}, id="quote"),
        pytest.param("Ann & Lee", "name.invalid_characters", {"characters": "&"}, id="ampersand"),
        pytest.param("Ann 😀", "name.invalid_characters", {"characters": "😀"}, id="emoji"),
        pytest.param("Ann ❤️", "name.invalid_characters", {"characters": "❤\ufe0f"}, id="vs16"),
        pytest.param(
            "1\ufe0f\u20e3 Ann", "name.invalid_characters", {"characters": "\ufe0f\u20e3"}
        ),
        pytest.param("Ann\x00", "name.invalid_characters", {"characters": "\x00"}, id="nul"),
        pytest.param("Ann\x7f", "name.invalid_characters", {"characters": "\x7f"}, id="del"),
        pytest.param(
            "Ann\u202eeeL", "name.invalid_characters", {"characters": "\u202e"}, id="rlo"
        ),
        pytest.param("\u200dAnn", "name.invalid_characters", {"characters": "\u200d"}, id="zwj"),
        pytest.param(
            "Ann\u200d", "name.invalid_characters", {"characters": "\u200d"}, id="trailing-zwj"
        ),
        pytest.param(
            "Ann\u200d Lee", "name.invalid_characters", {"characters": "\u200d"}, id="zwj-space"
        ),
        pytest.param(
            "Ann-\u200dLee", "name.invalid_characters", {"characters": "\u200d"}, id="zwj-hyphen"
        ),
        pytest.param(
            "Ann\u200dLee<", "name.invalid_characters", {"characters": "<"}, id="after-a-zwj"
        ),
        pytest.param("Ann\ufe00", "name.invalid_characters", {"characters": "\ufe00"}, id="vs1"),
        pytest.param(
            "Ann\U000e0100", "name.invalid_characters", {"characters": "\U000e0100"}, id="vs17"
        ),
        pytest.param(
            "Ann\U000e01ef", "name.invalid_characters", {"characters": "\U000e01ef"}, id="vs256"
        ),
        pytest.param("Ann_Lee", "name.invalid_characters", {"characters": "_"}, id="underscore"),
        pytest.param("Ann@Lee", "name.invalid_characters", {"characters": "@"}, id="at"),
        pytest.param("Ann, Lee", "name.invalid_characters", {"characters": ","}, id="comma"),
        pytest.param("12345", "name.no_letter", {}, id="digits-only"),
        pytest.param("-.'", "name.no_letter", {}, id="punctuation-only"),
    ],
)
def test_invalid_names(text: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(FieldError) as caught:
        parse_name(text)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_length_is_counted_after_collapsing_whitespace() -> None:
    text = "A" * 50 + "     " + "B" * 49
    assert len(parse_name(text)) == MAX_NAME_LENGTH
