"""Tests for geo_tracker.text (sentences, numbers) and geo_tracker.dates."""

from __future__ import annotations

import datetime as dt

import pytest

from geo_tracker.dates import find_dates, resolve_date
from geo_tracker.text import normalize_digits, parse_number, sentence_spans

D = dt.date


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# ---------------------------------------------------------------- sentences


def test_sentences_keep_abbreviations_and_decimals() -> None:
    text = "U.S. forces moved 2.5 km. north on Feb. 8 near the base. Then Gen. Smith left!"
    assert _sentences(text) == [
        "U.S. forces moved 2.5 km. north on Feb. 8 near the base.",
        "Then Gen. Smith left!",
    ]


def test_sentences_split_arabic_punctuation_and_newlines() -> None:
    text = "دخلت قافلة؟ نعم۔ وصلت القافلة.\nHeadline without stop\nSecond line."
    assert _sentences(text) == ["دخلت قافلة؟", "نعم۔", "وصلت القافلة.", "Headline without stop", "Second line."]


def test_sentence_spans_are_offsets_into_text() -> None:
    text = "  One.  Two?  "
    assert sentence_spans(text) == [(2, 6), (8, 12)]


def test_unit_abbreviation_ends_sentence_before_capital() -> None:
    assert _sentences("It moved 20 km. The convoy stopped.") == ["It moved 20 km.", "The convoy stopped."]


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("45", 45), ("١٢٠", 120), ("1,200", 1200), ("fifty", 50), ("twenty-five", 25), ("a dozen", 12),
     ("two hundred and fifty", 250), ("خمسين", 50), ("ثلاثين", 30), ("خمسة وعشرين", 25), ("خمسة عشر", 15),
     ("مئة", 100), ("trucks", None)],
)
def test_parse_number(phrase: str, value: int | None) -> None:
    assert parse_number(phrase) == value


def test_normalize_digits_keeps_length() -> None:
    assert normalize_digits("٨ شباط ٢٠٢١") == "8 شباط 2021"


# ---------------------------------------------------------------- absolute dates

PUB = D(2021, 2, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On February 8, a convoy entered.", D(2021, 2, 8)),
        ("on 8 February 2021 it entered", D(2021, 2, 8)),
        ("on Feb. 8 it entered", D(2021, 2, 8)),
        ("on the 8th of February", D(2021, 2, 8)),
        ("dated 8/2/2021 by the source", D(2021, 2, 8)),
        ("dated 08-02-21", D(2021, 2, 8)),
        ("on 2021-02-08", D(2021, 2, 8)),
        ("في 8 شباط 2021", D(2021, 2, 8)),
        ("في ٨ شباط/فبراير ٢٠٢١", D(2021, 2, 8)),
        ("يوم 8 فبراير", D(2021, 2, 8)),
        ("في 3 كانون الثاني", D(2021, 1, 3)),
        ("في 25 كانون الأول 2020", D(2020, 12, 25)),
        ("on 12/25/2020", D(2020, 12, 25)),  # impossible day-first reading falls back to month-first
    ],
)
def test_absolute_day_dates(text: str, expected: dt.date) -> None:
    value = resolve_date(text, PUB)
    assert value is not None
    assert (value.value, value.granularity) == (expected, "day")


def test_day_first_numeric_date() -> None:
    value = resolve_date("On 3/4/2021 a convoy arrived.", None)
    assert value is not None and value.value == D(2021, 4, 3)


def test_year_inference_takes_latest_date_not_after_publication() -> None:
    assert resolve_date("On December 28 a convoy entered.", D(2021, 1, 5)).value == D(2020, 12, 28)  # type: ignore[union-attr]
    assert resolve_date("On January 3 a convoy entered.", D(2021, 1, 5)).value == D(2021, 1, 3)  # type: ignore[union-attr]


def test_day_month_without_year_and_publication_is_dropped() -> None:
    assert resolve_date("On February 8 a convoy entered.", None) is None


def test_impossible_date_keeps_only_the_month() -> None:
    found = find_dates("on 31 February 2021", PUB)
    assert [(d.value, d.granularity) for _, _, d in found] == [(D(2021, 2, 1), "month")]


def test_month_and_year_granularity() -> None:
    month = resolve_date("In March 2020 the base opened.", PUB)
    year = resolve_date("It has been there since the beginning of 2021.", PUB)
    arabic_month = resolve_date("خلال شهر كانون الثاني 2021", PUB)
    assert (month.value, month.granularity) == (D(2020, 3, 1), "month")  # type: ignore[union-attr]
    assert (year.value, year.granularity) == (D(2021, 1, 1), "year")  # type: ignore[union-attr]
    assert (arabic_month.value, arabic_month.granularity) == (D(2021, 1, 1), "month")  # type: ignore[union-attr]


def test_verb_may_is_not_a_month() -> None:
    assert find_dates("The convoy may 8 times return and troops march on.", PUB) == []


# ---------------------------------------------------------------- relative dates


@pytest.mark.parametrize(
    ("text", "published", "value", "granularity"),
    [
        ("Yesterday a convoy entered.", D(2021, 3, 1), D(2021, 2, 28), "day"),  # month boundary
        ("Yesterday a convoy entered.", D(2021, 1, 1), D(2020, 12, 31), "day"),  # year boundary
        ("دخلت قافلة أمس", D(2021, 1, 1), D(2020, 12, 31), "day"),
        ("وصلت القافلة مساء أمس", D(2021, 2, 10), D(2021, 2, 9), "day"),
        ("today a convoy entered", PUB, PUB, "day"),
        ("دخلت اليوم قافلة", PUB, PUB, "day"),
        ("two days ago a convoy entered", D(2021, 3, 1), D(2021, 2, 27), "day"),
        ("منذ يومين", D(2021, 3, 1), D(2021, 2, 27), "day"),
        ("قبل ثلاثة أيام", D(2021, 1, 2), D(2020, 12, 30), "day"),
        ("last week", PUB, D(2021, 2, 3), "day"),
        ("last month", D(2021, 1, 15), D(2020, 12, 1), "month"),  # year boundary
        ("at the end of last month", D(2021, 2, 17), D(2021, 1, 1), "month"),
        ("الشهر الماضي", D(2021, 3, 5), D(2021, 2, 1), "month"),
        ("earlier this month", PUB, D(2021, 2, 1), "month"),
        ("last year", PUB, D(2020, 1, 1), "year"),
        ("a fortnight ago", PUB, D(2021, 1, 27), "day"),
        ("a year ago", PUB, D(2020, 1, 1), "year"),  # as "one year ago", not a day from dateparser
    ],
)
def test_relative_dates(text: str, published: dt.date, value: dt.date, granularity: str) -> None:
    found = resolve_date(text, published)
    assert found is not None
    assert (found.value, found.granularity) == (value, granularity)


def test_weekday_is_most_recent_on_or_before_publication() -> None:
    assert resolve_date("on Wednesday a convoy entered", PUB).value == PUB  # type: ignore[union-attr]
    assert resolve_date("on Monday a convoy entered", PUB).value == D(2021, 2, 8)  # type: ignore[union-attr]
    assert resolve_date("last Wednesday", PUB).value == D(2021, 2, 3)  # type: ignore[union-attr]
    assert resolve_date("يوم الخميس", PUB).value == D(2021, 2, 4)  # type: ignore[union-attr]
    assert resolve_date("on Friday", D(2021, 1, 2)).value == D(2021, 1, 1)  # type: ignore[union-attr]
    assert resolve_date("on Saturday", D(2021, 1, 1)).value == D(2020, 12, 26)  # type: ignore[union-attr]


def test_relative_dates_need_publication_date() -> None:
    assert find_dates("yesterday, last month and on Monday", None) == []


def test_proper_noun_today_is_not_a_date() -> None:
    assert find_dates("Russia Today reported it.", PUB) == []


def test_find_dates_spans_and_text() -> None:
    text = "أمس، وفي 8 شباط 2021"
    found = find_dates(text, D(2021, 3, 1))
    assert [text[s:e] for s, e, _ in found] == ["أمس", "8 شباط 2021"]
    assert [d.text for _, _, d in found] == ["أمس", "8 شباط 2021"]


def test_resolve_prefers_most_precise_date() -> None:
    found = resolve_date("The 11th convoy since the start of 2021 entered yesterday.", PUB)
    assert found is not None and (found.value, found.granularity) == (D(2021, 2, 9), "day")


def test_resolve_returns_none_without_dates() -> None:
    assert resolve_date("A convoy entered Syria.", PUB) is None


# ---------------------------------------------------------------- Arabic ordinal days

_AR_ORDINAL_DAYS = [
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر", "السادس عشر", "السابع عشر",
    "الثامن عشر", "التاسع عشر", "العشرين", "الحادي والعشرين", "الثاني والعشرين", "الثالث والعشرين",
    "الرابع والعشرين", "الخامس والعشرين", "السادس والعشرين", "السابع والعشرين", "الثامن والعشرين",
    "التاسع والعشرين", "الثلاثين", "الحادي والثلاثين",
]


@pytest.mark.parametrize(("day", "word"), list(enumerate(_AR_ORDINAL_DAYS, 1)))
def test_arabic_ordinal_day_words(day: int, word: str) -> None:
    # "في الخامس من آذار" is 5 March, not the month of March.
    value = resolve_date(f"دخلت قافلة في {word} من آذار عبر معبر الوليد", D(2021, 4, 2))
    assert value is not None and (value.value, value.granularity) == (D(2021, 3, day), "day")


def test_arabic_ordinal_day_variants() -> None:
    pub = D(2021, 3, 20)
    assert resolve_date("في الخامس من آذار", pub).text == "الخامس من آذار"  # type: ignore[union-attr]
    assert resolve_date("يوم الثانى عشر من شهر شباط/فبراير 2020", pub).value == D(2020, 2, 12)  # type: ignore[union-attr]
    assert resolve_date("الواحد والعشرين من تشرين الأول", pub).value == D(2020, 10, 21)  # type: ignore[union-attr]
    assert resolve_date("الثاني من كانون الثاني", pub).value == D(2021, 1, 2)  # type: ignore[union-attr]
    # An ordinal qualifying a noun is not a day: "the first week of March" stays the month.
    week = resolve_date("خلال الأسبوع الأول من آذار", pub)
    assert week is not None and (week.value, week.granularity) == (D(2021, 3, 1), "month")
    assert resolve_date("القرن الحادي والعشرين", pub) is None


def test_arabic_day_of_the_current_or_previous_month() -> None:
    thursday = D(2021, 3, 25)
    assert resolve_date("دخلت القافلة في 19 من الشهر الحالي", thursday).value == D(2021, 3, 19)  # type: ignore[union-attr]
    assert resolve_date("وصلت القافلة في 7 الشهر الجاري", thursday).value == D(2021, 3, 7)  # type: ignore[union-attr]
    assert resolve_date("غادرت في الخامس من الشهر الماضي", thursday).value == D(2021, 2, 5)  # type: ignore[union-attr]
    assert resolve_date("arrived on the 19th of this month", thursday).value == D(2021, 3, 19)  # type: ignore[union-attr]
    first_week = resolve_date("خلال الأسبوع الأول من الشهر الحالي", thursday)  # a week, not the first day
    assert first_week.granularity == "month"  # type: ignore[union-attr]


def test_arabic_weekday_names_are_relative_to_publication() -> None:
    thursday = D(2021, 3, 25)
    assert resolve_date("خرجت القافلة الثلاثاء من القاعدة", thursday).value == D(2021, 3, 23)  # type: ignore[union-attr]
    assert resolve_date("وصلت أمس الأربعاء", thursday).value == D(2021, 3, 24)  # type: ignore[union-attr]
    assert resolve_date("دخلت اليوم الاثنين", D(2021, 3, 22)).value == D(2021, 3, 22)  # type: ignore[union-attr]
    # alone, "الاثنين" is also "both" and "الأحد" "the one": no date
    assert resolve_date("اتفق الاثنين على ذلك", thursday) is None
