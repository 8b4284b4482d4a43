"""Find and resolve dates in English and Arabic news text.

Absolute dates ("8 February 2021", "Feb. 8", "8/2/2021" read day-first,
"2021-02-08", "8 شباط/فبراير 2021", "الخامس من آذار") and dates relative to the publication date
("yesterday", "on Wednesday", "last month", "two days ago", "أمس",
"الشهر الماضي") become :class:`DateValue` objects that keep their granularity
(day, month or year) and the matched text.

Rules:

* A day and month without a year is the latest such date not after publication.
* A weekday ("on Wednesday", "يوم الأربعاء", "الأربعاء", "اليوم الاثنين") is the most recent such
  weekday *on or before* the publication date (a report published on a Wednesday that
  says "on Wednesday" means that same day). "الاثنين" and "الأحد" are dates only after a day
  word ("يوم", "اليوم", "أمس", "صباح"…): alone they also mean "both" and "the one".
* A day of the current or previous month ("في 19 من الشهر الحالي", "الخامس من الشهر الماضي",
  "the 19th of this month") is that day of the publication month or the month before.
* "last week" / "N weeks ago" are publication minus 7·N days at 'day'
  granularity: an estimate, the phrase is kept in ``DateValue.text``.
* Relative dates need a publication date; without one they are skipped.

The module's own regexes find every candidate; ``dateparser`` is only asked about
the short "<quantity> <unit> ago" candidates whose quantity our number words do
not cover ("several weeks ago"), so it never scans whole texts.

Example:
    >>> import datetime as dt
    >>> resolve_date("On February 8, a convoy entered Syria.", dt.date(2021, 2, 10))
    DateValue(value=datetime.date(2021, 2, 8), granularity='day', text='February 8')
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from .models import DateValue
from .text import NUMBER_PATTERN, arabic_pattern, normalize_digits, parse_number

__all__ = ["find_dates", "resolve_date"]

_GRANULARITY_RANK = {"day": 0, "month": 1, "year": 2}

# ---------------------------------------------------------------- vocabularies

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_AR_MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "آذار": 3, "مارس": 3,
    "نيسان": 4, "أبريل": 4, "إبريل": 4, "أيار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6,
    "يونيه": 6, "تموز": 7, "يوليو": 7, "يوليه": 7, "آب": 8, "أغسطس": 8, "أيلول": 9,
    "سبتمبر": 9, "تشرين الأول": 10, "أكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11,
    "كانون الأول": 12, "ديسمبر": 12,
}
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}
_AR_WEEKDAYS = {
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
_AR_AMBIGUOUS_WEEKDAYS = (0, 6)
"""Weekdays whose Arabic names are also common words ("الاثنين" both, "الأحد" the one): a date only
after a day word ("يوم الاثنين", "اليوم الأحد", "أمس الاثنين")."""
_UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "fortnight": "fortnight", "fortnights": "fortnight",
    "يوم": "day", "أيام": "day", "ايام": "day", "أسبوع": "week", "اسبوع": "week",
    "أسابيع": "week", "اسابيع": "week", "شهر": "month", "أشهر": "month", "شهور": "month",
    "عام": "year", "أعوام": "year", "سنة": "year", "سنوات": "year",
}
_AR_DUALS = {"يومين": ("day", 2), "أسبوعين": ("week", 2), "شهرين": ("month", 2), "عامين": ("year", 2), "سنتين": ("year", 2)}
_AR_UNIT_ORDINALS = ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")
_AR_ORDINALS = {
    **{word: n for n, word in enumerate(_AR_UNIT_ORDINALS, 1)},
    "العاشر": 10, "الحادي عشر": 11,
    **{f"{word} عشر": 10 + n for n, word in enumerate(_AR_UNIT_ORDINALS, 1) if n > 1},
    "العشرين": 20, "الثلاثين": 30, "الواحد والعشرين": 21, "الواحد والثلاثين": 31,
    **{f"{'الحادي' if n == 1 else word} والعشرين": 20 + n for n, word in enumerate(_AR_UNIT_ORDINALS, 1)},
    "الحادي والثلاثين": 31,
}
"""Masculine Arabic ordinals as used for days of the month ("في الخامس من آذار", "الحادي والعشرين")."""


def _alternation(words: dict[str, object], arabic: bool = False) -> str:
    """Longest-first regex alternation of dictionary keys."""
    keys = sorted(words, key=len, reverse=True)
    return "|".join(arabic_pattern(k) if arabic else re.escape(k) for k in keys)


def _fold(word: str) -> str:
    """Canonical spelling for dictionary look-up (alef/ya/ta-marbuta folded, lower case)."""
    word = re.sub(r"\s+", " ", word.strip().lower())
    return re.sub("[أإآ]", "ا", word).replace("ى", "ي").replace("ة", "ه")


def _folded(words: dict[str, int]) -> dict[str, int]:
    return {_fold(k): v for k, v in words.items()}


_MONTH_LOOKUP = {**_folded(_EN_MONTHS), **_folded(_AR_MONTHS)}
_ORDINAL_LOOKUP = _folded(_AR_ORDINALS)
_WEEKDAY_LOOKUP = {**_folded(_EN_WEEKDAYS), **_folded(_AR_WEEKDAYS)}
_DAYS_PER_UNIT = {"week": 7, "fortnight": 14}
_UNIT_LOOKUP = {_fold(k): v for k, v in _UNITS.items()}
_DUAL_LOOKUP = {_fold(k): v for k, v in _AR_DUALS.items()}

_EN_MONTH = rf"(?i:{_alternation(_EN_MONTHS)})\.?"
_AR_MONTH = rf"(?:{_alternation(_AR_MONTHS, arabic=True)})"
_AR_MONTH_PAIR = rf"{_AR_MONTH}(?:\s*[/(-]\s*{_AR_MONTH}\)?)?"
_MONTH = rf"(?:{_EN_MONTH}|{_AR_MONTH_PAIR})"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_B = r"(?<![\w/.-])"  # left boundary that also refuses the middle of 8/2/2021
_E = r"(?![\w/-])"


# ---------------------------------------------------------------- date arithmetic


def _shift_months(day: dt.date, months: int) -> dt.date:
    """First day of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    """``date(year, month, day)`` or None when the calendar has no such day."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return dt.date(year, month, day)


def _infer_year(month: int, day: int | None, published: dt.date | None) -> dt.date | None:
    """The latest (month, day) not after publication; None without a publication date."""
    if published is None:
        return None
    for year in (published.year, published.year - 1):
        candidate = _safe_date(year, month, day or 1)
        if candidate is not None and candidate <= published:
            return candidate
    return None


def _month_of(phrase: str) -> int | None:
    """Month number for an English or Arabic month name (the first of "شباط/فبراير")."""
    first = re.split(r"[/(-]", phrase.rstrip(".)"))[0]
    return _MONTH_LOOKUP.get(_fold(first).rstrip("."))


# ---------------------------------------------------------------- handlers

Handler = Callable[[re.Match[str], "dt.date | None"], "DateValue | None"]


def _value(match: re.Match[str], day: dt.date | None, granularity: str) -> DateValue | None:
    return None if day is None else DateValue(day, granularity, match.group(0).strip())  # type: ignore[arg-type]


def _iso(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    y, m, d = (int(g) for g in match.group("y", "m", "d"))
    return _value(match, _safe_date(y, m, d), "day")


def _numeric(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """Day-first numeric date; falls back to month-first when the day-first reading is impossible."""
    a, b, y = (int(g) for g in match.group("a", "b", "y"))
    year = y + 2000 if y < 100 else y
    day = _safe_date(year, b, a) or _safe_date(year, a, b)
    return _value(match, day, "day")


def _day_month(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    month = _month_of(match.group("mon"))
    if month is None or not _plausible_month_word(match.group("mon")):
        return None
    day_number = int(match.group("d"))
    if match.group("y"):
        return _value(match, _safe_date(int(match.group("y")), month, day_number), "day")
    return _value(match, _infer_year(month, day_number, published), "day")


def _ordinal_day_month(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """"الخامس من آذار": an Arabic ordinal word for the day; not after a definite noun it
    qualifies ("الأسبوع الأول من آذار" is the first week, not the first day)."""
    if re.search(r"(?<!\w)[وفبلك]?ال\w+\s+$", match.string[max(0, match.start() - 30) : match.start()]):
        return None
    month = _month_of(match.group("mon"))
    day_number = _ORDINAL_LOOKUP.get(_fold(match.group("ord")))
    if month is None or day_number is None:
        return None
    if match.group("y"):
        return _value(match, _safe_date(int(match.group("y")), month, day_number), "day")
    return _value(match, _infer_year(month, day_number, published), "day")


def _day_of_relative_month(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """"في 19 من الشهر الحالي", "الخامس من الشهر الماضي", "the 19th of this month": that day of the
    publication month or of the month before."""
    if published is None:
        return None
    if match.group("ord") is not None:
        if re.search(r"(?<!\w)[وفبلك]?ال\w+\s+$", match.string[max(0, match.start() - 30) : match.start()]):
            return None  # "الأسبوع الأول من الشهر الحالي": the first week
        day_number = _ORDINAL_LOOKUP.get(_fold(match.group("ord")))
    else:
        day_number = int(match.group("d") or match.group("d2"))
    rel = match.group("rel") or match.group("rel2")
    month = _shift_months(published, -1 if re.search(r"last|الماضي|الفائت|المنصرم|السابق", rel, re.I) else 0)
    return _value(match, day_number and _safe_date(month.year, month.month, day_number), "day")


def _month_year(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    month = _month_of(match.group("mon"))
    if month is None or not _plausible_month_word(match.group("mon"), standalone=True):
        return None
    if match.group("y"):
        return _value(match, dt.date(int(match.group("y")), month, 1), "month")
    return _value(match, _infer_year(month, None, published), "month")


def _plausible_month_word(word: str, standalone: bool = False) -> bool:
    """Refuse the verbs "may"/"march" and bare abbreviations standing alone."""
    bare = word.rstrip(".")
    if bare.lower() in ("may", "march") and not bare[0].isupper():
        return False
    if standalone and bare.isascii() and len(bare) <= 4 and bare.lower() not in ("may", "june", "july"):
        return False
    return True


def _year(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    return _value(match, dt.date(int(match.group("y")), 1, 1), "year")


def _relative_days(days: int) -> Handler:
    def handler(match: re.Match[str], published: dt.date | None) -> DateValue | None:
        return _value(match, published and published + dt.timedelta(days=days), "day")

    return handler


def _relative_month(months: int) -> Handler:
    def handler(match: re.Match[str], published: dt.date | None) -> DateValue | None:
        return _value(match, published and _shift_months(published, months), "month")

    return handler


def _relative_year(years: int) -> Handler:
    def handler(match: re.Match[str], published: dt.date | None) -> DateValue | None:
        return _value(match, published and dt.date(published.year + years, 1, 1), "year")

    return handler


def _weekday(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """Most recent such weekday on or before publication ("last X" forces a week back if same day)."""
    if published is None:
        return None
    target = _WEEKDAY_LOOKUP[_fold(match.group("wd"))]
    back = (published.weekday() - target) % 7
    if back == 0 and re.search(r"last|الماضي|الفائت|المنصرم", match.group(0), re.I):
        back = 7
    return _value(match, published - dt.timedelta(days=back), "day")


def _ago(match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """"<N> <unit> ago", "قبل <N> <unit>", "منذ يومين"."""
    if published is None:
        return None
    quantity, unit = match.group("n"), match.group("unit")
    dual = _DUAL_LOOKUP.get(_fold(unit))
    if dual:
        kind, count = dual
    else:
        single = not quantity or quantity.lower() in ("a", "an")  # "a year ago" is "one year ago"
        kind, count = _UNIT_LOOKUP.get(_fold(unit), "day"), 1 if single else parse_number(quantity)
    if count is None:
        return _value(match, _dateparser_fallback(match.group(0), published), "day")
    return _value(match, *_subtract(published, kind, count))


def _subtract(published: dt.date, unit: str, count: int) -> tuple[dt.date, str]:
    """Publication minus ``count`` units, with the granularity that unit supports."""
    if unit == "month":
        return _shift_months(published, -count), "month"
    if unit == "year":
        return dt.date(published.year - count, 1, 1), "year"
    return published - dt.timedelta(days=count * _DAYS_PER_UNIT.get(unit, 1)), "day"


@lru_cache(maxsize=1024)
def _dateparser_fallback(phrase: str, published: dt.date) -> dt.date | None:
    """Ask dateparser about one short relative phrase (cached; never whole texts)."""
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
    }
    parsed = dateparser.parse(phrase, languages=["en", "ar"], settings=settings)
    return parsed.date() if parsed else None


# ---------------------------------------------------------------- patterns


def _ar(*phrases: str) -> str:
    return "|".join(arabic_pattern(p) for p in phrases)


_AR_PREFIX = r"(?<![\w])[وب]?"  # Arabic conjunction/preposition clitics
_EN_WD = rf"(?i:{_alternation(_EN_WEEKDAYS)})"
_AR_WD = rf"(?:{_alternation(_AR_WEEKDAYS, arabic=True)})"
_AR_WD_BARE = rf"(?:{_alternation({k: v for k, v in _AR_WEEKDAYS.items() if v not in _AR_AMBIGUOUS_WEEKDAYS}, arabic=True)})"
_AR_TIME_OF_DAY = _ar("يوم", "مساء", "صباح", "فجر", "ليلة", "ليل", "ظهر", "عصر", "ظهيرة")
_UNIT_WORDS = rf"(?:{_alternation(_UNITS, arabic=True)})"
_AR_DUAL = rf"(?:{_alternation(_AR_DUALS, arabic=True)})"
_AR_ORDINAL = rf"(?:{_alternation(_AR_ORDINALS, arabic=True)})"

_PATTERNS: list[tuple[str, Handler]] = [
    (rf"{_B}(?P<y>{_YEAR})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_E}", _iso),
    (rf"{_B}(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-](?P<y>{_YEAR}|\d{{2}}){_E}", _numeric),
    (
        rf"(?<!\w)(?P<d>{_DAY}){_ORD}\s+(?:of\s+|{_ar('من')}\s+)?(?:{_ar('شهر')}\s+)?"
        rf"(?P<mon>{_MONTH})(?:\s*,?\s*(?:{_ar('عام', 'سنة', 'العام')}\s+)?(?P<y>{_YEAR}))?(?!\w)",
        _day_month,
    ),
    (
        rf"(?<!\w)(?P<ord>{_AR_ORDINAL})\s+(?:{_ar('من')}\s+)?(?:{_ar('شهر')}\s+)?"
        rf"(?P<mon>{_AR_MONTH_PAIR})(?:\s*،?\s*(?:{_ar('عام', 'سنة', 'العام')}\s+)?(?P<y>{_YEAR}))?(?!\w)",
        _ordinal_day_month,
    ),
    (
        rf"(?<!\w)(?:(?P<d>{_DAY})|(?P<ord>{_AR_ORDINAL}))\s+(?:{_ar('من')}\s+)?"
        rf"(?P<rel>{_ar('الشهر الحالي', 'الشهر الجاري', 'هذا الشهر', 'الشهر الماضي', 'الشهر الفائت', 'الشهر المنصرم', 'الشهر السابق')})(?!\w)"
        rf"|(?i:\bthe\s+(?P<d2>{_DAY}){_ORD}\s+of\s+(?P<rel2>this|last|the\s+current|the\s+previous)\s+month\b)",
        _day_of_relative_month,
    ),
    (
        rf"(?<!\w)(?P<mon>{_EN_MONTH})\s+(?P<d>{_DAY}){_ORD}(?:\s*,?\s*(?P<y>{_YEAR}))?(?![\w:])",
        _day_month,
    ),
    (
        rf"(?<!\w)(?:{_ar('شهر')}\s+)?(?P<mon>{_MONTH})(?:\s*,?\s*(?:of\s+)?(?:{_ar('عام', 'العام')}\s+)?(?P<y>{_YEAR}))?(?!\w)",
        _month_year,
    ),
    (
        rf"(?i:since|in|during|throughout|of|early|late|mid|until|before|after|beginning of|start of|end of)"
        rf"\s+(?P<y>{_YEAR})(?!\w)",
        _year,
    ),
    (rf"{_AR_PREFIX}(?:{_ar('عام', 'العام', 'سنة', 'مطلع', 'بداية', 'نهاية', 'أواخر', 'أوائل')})\s+(?P<y>{_YEAR})(?!\w)", _year),
    (r"(?i:the\s+day\s+before\s+yesterday)|" + _ar("أول أمس", "أول من أمس", "قبل أمس"), _relative_days(-2)),
    (r"(?i:\byesterday\b|\blast\s+night\b)|" + _AR_PREFIX + "(?:" + _ar("أمس", "الأمس", "البارحة") + r")(?!\w)", _relative_days(-1)),
    (r"\btoday\b|(?<![A-Z][a-z]\s)(?<![A-Z][a-z]{2}\s)(?<![A-Z][a-z]{3}\s)(?<![A-Z][a-z]{4}\s)(?<![A-Z][a-z]{5}\s)(?<![A-Z][a-z]{6}\s)\bToday\b"  # not "Russia Today"
     r"|(?i:\btonight\b|\bthis\s+(?:morning|afternoon|evening)\b)|" + _AR_PREFIX + "(?:" + _ar("اليوم") + r")(?!\w)", _relative_days(0)),
    (r"(?i:\btomorrow\b)|" + _AR_PREFIX + "(?:" + _ar("غدا", "غداً") + r")(?!\w)", _relative_days(1)),
    (r"(?i:\blast\s+week\b|\bthe\s+(?:past|previous)\s+week\b)|" + _ar("الأسبوع الماضي", "الأسبوع الفائت", "الأسبوع المنصرم"), _relative_days(-7)),
    (
        r"(?i:\b(?:(?:at\s+the\s+)?(?:end|beginning|start|middle)\s+of\s+|(?:early|late|mid)[\s-]+)?"
        r"(?:last|the\s+(?:past|previous))\s+month\b)|"
        + _ar("الشهر الماضي", "الشهر الفائت", "الشهر المنصرم", "الشهر السابق"),
        _relative_month(-1),
    ),
    (
        r"(?i:\b(?:earlier|later|early|late)?\s*this\s+month\b)|"
        + _ar("الشهر الجاري", "الشهر الحالي", "هذا الشهر"),
        _relative_month(0),
    ),
    (
        r"(?i:\b(?:(?:at\s+the\s+)?(?:end|beginning|start|middle)\s+of\s+|(?:early|late)\s+)?last\s+year\b)|"
        + _ar("العام الماضي", "السنة الماضية", "العام الفائت", "العام المنصرم"),
        _relative_year(-1),
    ),
    (
        r"(?i:\b(?:since\s+)?(?:the\s+)?(?:beginning|start)\s+of\s+(?:this|the)\s+year\b|\b(?:earlier\s+)?this\s+year\b)|"
        + _ar("العام الجاري", "العام الحالي", "هذا العام", "السنة الحالية", "بداية العام", "مطلع العام"),
        _relative_year(0),
    ),
    (
        rf"(?:(?i:\b(?:on\s+|last\s+)?)(?P<wd>{_EN_WD})\b(?i:\s+(?:morning|evening|night|afternoon))?)"
        rf"|(?:(?:{_AR_TIME_OF_DAY}|{_ar('اليوم', 'أمس')})\s+(?P<wd2>{_AR_WD})(?:\s+(?:{_ar('الماضي', 'الفائت')}))?)"
        rf"|(?:{_AR_PREFIX}(?P<wd3>{_AR_WD_BARE})(?:\s+(?:{_ar('الماضي', 'الفائت')}))?(?!\w))",
        _weekday,
    ),
    (
        rf"(?i:\b(?P<n>{NUMBER_PATTERN}|a|an|a\s+couple\s+of|a\s+few|several|few)\s+(?P<unit>days?|weeks?|months?|years?|fortnight)\s+ago\b)"
        rf"|(?:{_ar('قبل', 'منذ')})\s+(?:(?P<n2>{NUMBER_PATTERN})\s+)?(?P<unit2>{_AR_DUAL}|{_UNIT_WORDS})(?!\w)",
        _ago,
    ),
]
_COMPILED = [(re.compile(p), h) for p, h in _PATTERNS]


def _call(handler: Handler, match: re.Match[str], published: dt.date | None) -> DateValue | None:
    """Run ``handler``, mapping the Arabic alternative groups onto the English names.

    A date the calendar cannot hold (a relative date before year 1 or after 9999) stays unknown.
    """
    try:
        return _call_handler(handler, match, published)
    except (OverflowError, ValueError):  # date arithmetic past date.min/date.max, or year 0
        return None


def _call_handler(handler: Handler, match: re.Match[str], published: dt.date | None) -> DateValue | None:
    groups = match.groupdict()
    if "wd2" in groups and groups["wd"] is None and (groups["wd2"] or groups["wd3"]) is not None:
        return handler(_GroupView(match, {"wd": groups["wd2"] or groups["wd3"]}), published)  # type: ignore[arg-type]
    if "unit2" in groups and groups["unit"] is None:
        return handler(_GroupView(match, {"n": groups["n2"], "unit": groups["unit2"]}), published)  # type: ignore[arg-type]
    return handler(match, published)


class _GroupView:
    """A match whose named groups are overridden (for patterns with bilingual branches)."""

    def __init__(self, match: re.Match[str], overrides: dict[str, str | None]) -> None:
        self._match, self._overrides = match, overrides

    def group(self, *names: int | str) -> object:
        values = [self._overrides[n] if n in self._overrides else self._match.group(n) for n in names or (0,)]
        return values[0] if len(values) == 1 else tuple(values)


# ---------------------------------------------------------------- public API


def find_dates(text: str, published: dt.date | None = None) -> list[tuple[int, int, DateValue]]:
    """Every date expression in ``text`` as ``(start, end, DateValue)``, in text order.

    Overlapping candidates keep the longest ("8 February 2021" beats "February
    2021"). Relative expressions resolve against ``published`` and are dropped
    when it is None; so are day-month dates without a year.

    Example:
        >>> import datetime as dt
        >>> [(d.value.isoformat(), d.granularity) for _, _, d in
        ...  find_dates("أمس، وفي 8 شباط 2021 وخلال الشهر الماضي", dt.date(2021, 3, 1))]
        [('2021-02-28', 'day'), ('2021-02-08', 'day'), ('2021-02-01', 'month')]
    """
    normal = normalize_digits(text)
    found: list[tuple[int, int, DateValue]] = []
    for pattern, handler in _COMPILED:
        for match in pattern.finditer(normal):
            value = _call(handler, match, published)
            if value is not None:
                start, end = _trim(normal, match.start(), match.end())
                found.append((start, end, DateValue(value.value, value.granularity, text[start:end])))
    return _non_overlapping(found)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _non_overlapping(found: list[tuple[int, int, DateValue]]) -> list[tuple[int, int, DateValue]]:
    """Keep the longest of overlapping spans, then sort by position.

    The kept spans are held sorted by start, so a candidate is checked against
    its two neighbours only (a line of thousands of dates stays fast).
    """
    kept: list[tuple[int, int, DateValue]] = []
    starts: list[int] = []
    for item in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        i = bisect.bisect_right(starts, item[0])
        if i > 0 and kept[i - 1][1] > item[0]:
            continue  # overlaps the kept span that starts before it
        if i < len(kept) and kept[i][0] < item[1]:
            continue  # overlaps the kept span that starts after it
        starts.insert(i, item[0])
        kept.insert(i, item)
    return kept


@lru_cache(maxsize=4096)  # event extraction asks again for the sentences before each event
def resolve_date(sentence: str, published: dt.date | None = None) -> DateValue | None:
    """The event date of one sentence: its most precise date, the earliest on ties.

    Returns None when the sentence states no date; callers then decide on a
    fallback (the event extractors use the publication date, see
    :func:`geo_tracker.events.event_date`).

    Example:
        >>> import datetime as dt
        >>> resolve_date("Since the beginning of 2021, a convoy entered on Wednesday.", dt.date(2021, 2, 10))
        DateValue(value=datetime.date(2021, 2, 10), granularity='day', text='on Wednesday')
    """
    dates = find_dates(sentence, published)
    if not dates:
        return None
    return min(dates, key=lambda f: (_GRANULARITY_RANK[f[2].granularity], f[0]))[2]
