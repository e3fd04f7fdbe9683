"""Tests for text folding and the bounded edit distance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import edit_distance, fold, sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Côte d’Ivoire", "cote d ivoire"),
        ("  São   Tomé & Príncipe ", "sao tome principe"),
        ("Österreich", "osterreich"),
        ("Straße", "strasse"),
        ("Россия", "россия"),
        ("Йемен", "иемен"),
        ("ＡＢＣ", "abc"),
        ("Nuku'alofa", "nuku alofa"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_sort_key_orders_accents_with_their_letter() -> None:
    names = ["Zambia", "Åland Islands", "Albania", "Éire", "Estonia"]
    assert sorted(names, key=sort_key) == ["Åland Islands", "Albania", "Éire", "Estonia", "Zambia"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("gmail.com", "gmail.com", 0),
        ("gmial.com", "gmail.com", 1),
        ("gmai.com", "gmail.com", 1),
        ("gmaill.com", "gmail.com", 1),
        ("gnail.com", "gmail.com", 1),
        ("gmaill.co", "gmail.com", 2),
        ("abc", "", 3),
        ("", "", 0),
    ],
)
def test_edit_distance_examples(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, limit=5) == distance


def reference_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook full-table way."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        table[i][0] = i
    for j in range(len(b) + 1):
        table[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[len(a)][len(b)]


short_text = st.text(alphabet="abcde.", max_size=8)


@given(a=short_text, b=short_text, limit=st.integers(min_value=0, max_value=4))
def test_edit_distance_matches_the_reference_up_to_the_limit(a: str, b: str, limit: int) -> None:
    assert edit_distance(a, b, limit=limit) == min(reference_distance(a, b), limit + 1)


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [
        pytest.param("ab", "ba", 1, 1, id="swap-at-the-start"),
        pytest.param("aaa", "a", 2, 2, id="two-deletions-at-the-limit"),
        pytest.param("aa", "bbbb", 2, 3, id="over-the-limit-in-the-last-row"),
    ],
)
def test_edit_distance_at_the_edges(a: str, b: str, limit: int, distance: int) -> None:
    assert edit_distance(a, b, limit=limit) == distance
