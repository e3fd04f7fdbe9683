"""Text folding for accent- and case-insensitive matching and for collation-friendly sorting."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Fold text for matching: no accents, casefolded, punctuation as single spaces.

    ``"Côte d’Ivoire"`` and ``"cote d'ivoire"`` both become ``"cote d ivoire"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).casefold().split())


def sort_key(text: str) -> tuple[str, str]:
    """Return a key that sorts names alphabetically regardless of accents and case."""
    return fold(text), text


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Count insertions, deletions, substitutions and adjacent swaps turning ``a`` into ``b``.

    This is the optimal string alignment distance; any result above ``limit`` is reported as
    ``limit + 1`` so far-apart strings are rejected cheaply.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []  # pragma: no mutate: row 2 sets it before it is read
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)  # pragma: no mutate: each cell is set before it is read
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[-1], limit + 1)
