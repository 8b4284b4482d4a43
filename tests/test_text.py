"""Sentence splitting (geo_tracker.text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo_tracker.text import _CLOSERS, _TERMINATORS, _boundaries, _is_abbreviation, _next_visible


def _boundaries_char_by_char(text: str) -> list[int]:
    """The sentence ends by visiting every character: the oracle for the jumping scan."""
    ends, i, n = [], 0, len(text)
    while i < n:
        if text[i] == "\n":
            ends.append(i)
        elif text[i] in _TERMINATORS:
            j = i + 1
            while j < n and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
                j += 1
            nxt = _next_visible(text, j)
            if not (text[i] == "." and _is_abbreviation(text, i, nxt)) and not nxt.islower() and not nxt.isdigit():
                ends.append(j)
            i = j
            continue
        i += 1
    return ends + [n]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["A convoy", " entered", ".", "!", "?", "؟", "۔", "\n", " ", '"', ")", "’", "U.S.",
                                 " km.", " Feb.", "2.5", " the", " Syria", "...", "دخلت", "»"]), max_size=25))
def test_sentence_ends_found_by_jumping_equal_a_character_scan(parts: list[str]) -> None:
    text = "".join(parts)
    assert _boundaries(text) == _boundaries_char_by_char(text)


def test_fold_case_equates_what_ignorecase_equates() -> None:
    """``fold_case`` turns every character that ``re.IGNORECASE`` matches to an ASCII letter into
    that letter, one for one (checked over all of Unicode), and keeps every length."""
    import re
    import string
    import sys

    from geo_tracker.text import fold_case

    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in string.ascii_lowercase:
        for char in re.findall(letter, everything, re.IGNORECASE):
            assert fold_case(char) == letter, (letter, hex(ord(char)))
    assert len(fold_case(everything)) == len(everything)
