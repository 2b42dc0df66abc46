"""Recognise calendar dates written in English and Russian transcript text.

Only complete dates are recognised: day, month and year (spelled-out or numeric), or an ISO
date. A bare year ("in 2014"), a month and year, a fraction ("1/2"), a decimal ("3.5") or a
phone number is never taken for a date, because a dateline that is wrong is worse than none.

Supported forms (the ``form`` names reported by :func:`find_date`):

``month-name``        "April 11, 2024", "Apr. 11, 2024", "April 11 2024", "Thursday, April 11, 2024"
``day-month-name``    "11 April 2024", "11 April, 2024", "11th of April 2024"
``ru-month-name``     "11 апреля 2024 года", "11 апреля 2024 г.", "четверг, 11 апреля 2024"
``iso``               "2024-04-11", "2024-04-11T10:00:00+03:00"
``us-numeric``        "4/11/24", "4/11/2024" read month/day/year
``slashed-day-first`` "11/4/24" read day/month/year
``dotted-day-first``  "11.04.2024", "11.04.24 г." (always day first: European/Russian habit)

Any Unicode horizontal space (NBSP, thin space, ...) may separate the parts. Two-digit years
00-69 mean 2000-2069 and 70-99 mean 1970-1999. Impossible dates are skipped, never raised.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["DateMatch", "find_date", "parse_date"]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text: the calendar date, where it is written, and in which form."""

    date: datetime.date
    start: int  # offsets of the matched date expression in the searched text
    end: int
    form: str  # short name of the form matched, e.g. "month-name", "us-numeric", "iso"


# --- vocabulary -------------------------------------------------------------------------------

_EN_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_EN_MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(_EN_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_EN_MONTH_NAMES, start=1)},
    "sept": 9,
}

# Nominative and genitive ("апрель", "апреля") plus the usual abbreviations ("апр.").
_RU_MONTH_FORMS: tuple[tuple[str, ...], ...] = (
    ("январь", "января", "янв"),
    ("февраль", "февраля", "фев", "февр"),
    ("март", "марта", "мар"),
    ("апрель", "апреля", "апр"),
    ("май", "мая"),
    ("июнь", "июня", "июн"),
    ("июль", "июля", "июл"),
    ("август", "августа", "авг"),
    ("сентябрь", "сентября", "сен", "сент"),
    ("октябрь", "октября", "окт"),
    ("ноябрь", "ноября", "ноя", "нояб"),
    ("декабрь", "декабря", "дек"),
)
_RU_MONTHS: dict[str, int] = {
    form: number for number, forms in enumerate(_RU_MONTH_FORMS, start=1) for form in forms
}

_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WEEKDAY_ABBREVIATIONS = (
    *("mon", "tue", "tues", "wed", "thu", "thur", "thurs"),
    *("fri", "sat", "sun"),
)
# Nominative and accusative ("в среду, 11 апреля") full names.
_RU_WEEKDAYS = (
    *("понедельник", "вторник", "среда", "среду", "четверг", "пятница", "пятницу"),
    *("суббота", "субботу", "воскресенье"),
)
_RU_WEEKDAY_ABBREVIATIONS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so "sept" is tried before "sep"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# --- patterns ---------------------------------------------------------------------------------

# Horizontal whitespace only: any Unicode space (NBSP U+00A0, thin U+2009, narrow NBSP U+202F)
# but not a line break, so parts of two different lines are never glued into one date.
_H = r"[^\S\r\n]"
# ASCII digits only: Python's \d also matches e.g. Arabic-Indic digits, which no transcript
# we parse uses for dates and which would make the reported span misleading.
_DAY = r"(?P<day>[0-9]{1,2})"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR4 = r"(?P<year>[0-9]{4})(?![0-9])"
_COMMA = rf"(?:{_H}*,{_H}*|{_H}+)"
# A day number must start a word and must not be the fraction of a decimal ("3.11 April").
_DAY_START = r"(?<!\w)(?<![0-9][.,])"
# Numeric dates must not continue a longer number, path, version or IP address ...
_NUM_START = r"(?<![\w./])"
# ... nor be continued by one ("4/11/24/7", "10.10.10.10"); a trailing full stop is fine.
_NUM_END = r"(?![0-9]|[./][0-9])"


def _weekday_prefix(names: Iterable[str], abbreviations: Iterable[str]) -> str:
    """An optional leading weekday, which becomes part of the date expression.

    An abbreviation must carry a full stop or comma ("Sun., ", "Thu, "), because bare "sun",
    "sat" and "wed" are ordinary English words.
    """
    full = rf"(?:{_alternation(names)})\.?,?"
    short = rf"(?:{_alternation(abbreviations)})(?:\.,?|,)"
    return rf"(?:(?:{full}|{short}){_H}+)?"


_EN_WEEKDAY = _weekday_prefix(_EN_WEEKDAYS, _EN_WEEKDAY_ABBREVIATIONS)
_RU_WEEKDAY = _weekday_prefix(_RU_WEEKDAYS, _RU_WEEKDAY_ABBREVIATIONS)
_EN_MONTH = rf"(?P<month>{_alternation(_EN_MONTHS)})"
_RU_MONTH = rf"(?P<month>{_alternation(_RU_MONTHS)})"
# Russian writes "года" / "г." after the year ("11.04.2024 г."); it belongs to the expression.
_RU_YEAR_WORD = rf"(?:{_H}*(?:года(?!\w)|г\.|г(?!\w)))?"
_ISO_TIME = r"T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"

_MONTH_NAME_RE = re.compile(
    rf"(?<!\w){_EN_WEEKDAY}{_EN_MONTH}(?:\.{_H}*|{_H}+){_DAY}{_ORDINAL}{_COMMA}{_YEAR4}",
    re.IGNORECASE,
)
_DAY_MONTH_NAME_RE = re.compile(
    rf"{_DAY_START}{_EN_WEEKDAY}{_DAY}{_ORDINAL}{_H}+(?:of{_H}+)?{_EN_MONTH}\.?{_COMMA}{_YEAR4}",
    re.IGNORECASE,
)
_RU_MONTH_NAME_RE = re.compile(
    rf"{_DAY_START}{_RU_WEEKDAY}{_DAY}{_H}+{_RU_MONTH}\.?{_COMMA}{_YEAR4}{_RU_YEAR_WORD}",
    re.IGNORECASE,
)
_ISO_RE = re.compile(
    rf"(?<![\w.])(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{2}})-(?P<day>[0-9]{{2}})"
    rf"(?:{_ISO_TIME})?(?![0-9])"
)
_SLASHED_RE = re.compile(
    rf"{_NUM_START}(?P<first>[0-9]{{1,2}})/(?P<second>[0-9]{{1,2}})/"
    rf"(?P<year>[0-9]{{4}}|[0-9]{{2}}){_NUM_END}"
)
_DOTTED_RE = re.compile(
    rf"{_NUM_START}{_DAY}\.(?P<month>[0-9]{{1,2}})\.(?P<year>[0-9]{{4}}|[0-9]{{2}}){_NUM_END}"
    rf"{_RU_YEAR_WORD}",
    re.IGNORECASE,
)


# --- interpretation ---------------------------------------------------------------------------

_Reading = tuple[datetime.date, str]
_Reader = Callable[[re.Match[str], bool], _Reading | None]


def _year(digits: str) -> int:
    """The year `digits` denote: four digits as written, two by the 00-69/70-99 pivot."""
    value = int(digits)
    if len(digits) == 2:
        return value + (2000 if value < 70 else 1900)
    return value


def _make_date(year: int, month: int | None, day: int) -> datetime.date | None:
    """The date, or None when it does not exist (31 February, month 13, year 0)."""
    if month is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _numeric_reader(form: str) -> _Reader:
    """A reader for patterns whose groups are numeric `year`, `month` and `day`."""

    def read(match: re.Match[str], day_first: bool) -> _Reading | None:
        found = _make_date(_year(match["year"]), int(match["month"]), int(match["day"]))
        return None if found is None else (found, form)

    return read


def _named_reader(months: dict[str, int], form: str) -> _Reader:
    """A reader for patterns whose `month` group is a word looked up in `months`."""

    def read(match: re.Match[str], day_first: bool) -> _Reading | None:
        # casefold + get: IGNORECASE also matches oddities such as "ſept" (long s), which
        # must simply fail to be a month rather than raise KeyError.
        month = months.get(match["month"].casefold())
        found = _make_date(_year(match["year"]), month, int(match["day"]))
        return None if found is None else (found, form)

    return read


def _read_slashed(match: re.Match[str], day_first: bool) -> _Reading | None:
    """Read a/b/y in the preferred order, falling back to the other when that is impossible."""
    year, first, second = _year(match["year"]), int(match["first"]), int(match["second"])
    readings = [(first, second, "us-numeric"), (second, first, "slashed-day-first")]
    if day_first:
        readings.reverse()
    for month, day, form in readings:
        found = _make_date(year, month, day)
        if found is not None:
            return found, form
    return None


# Order matters only for parse_date, where the first pattern that reads the whole string wins;
# the shapes are disjoint, so in practice at most one of them matches.
_PATTERNS: tuple[tuple[re.Pattern[str], _Reader], ...] = (
    (_ISO_RE, _numeric_reader("iso")),
    (_MONTH_NAME_RE, _named_reader(_EN_MONTHS, "month-name")),
    (_DAY_MONTH_NAME_RE, _named_reader(_EN_MONTHS, "day-month-name")),
    (_RU_MONTH_NAME_RE, _named_reader(_RU_MONTHS, "ru-month-name")),
    (_SLASHED_RE, _read_slashed),
    (_DOTTED_RE, _numeric_reader("dotted-day-first")),
)


def _prefers_day_first(day_first: bool | None, language: str | None) -> bool:
    """Whether an ambiguous slashed date is read day first.

    An explicit `day_first` wins; otherwise Russian text ("ru", "ru-RU", "ru_RU") is read day
    first and everything else month first, because US aggregators write 4/11/24.
    """
    if day_first is not None:
        return day_first
    if language is None:
        return False
    return language.strip().lower().replace("_", "-").split("-")[0] == "ru"


def _first_in(
    pattern: re.Pattern[str], reader: _Reader, text: str, day_first: bool
) -> DateMatch | None:
    """The first match of `pattern` in `text` that is a real date, or None."""
    for match in pattern.finditer(text):
        reading = reader(match, day_first)
        if reading is not None:
            return DateMatch(reading[0], match.start(), match.end(), reading[1])
    return None


# --- public API -------------------------------------------------------------------------------


def parse_date(value: str, *, day_first: bool | None = None) -> datetime.date | None:
    """Parse a string that is (only) a date expression, or None.

    Surrounding whitespace is ignored; anything else around the date makes it not a date.
    `day_first` chooses how an ambiguous slashed date is read (default: month first); when
    only one reading exists it is used. Dotted dates are always day first. Never raises.
    """
    stripped = value.strip()
    prefer = _prefers_day_first(day_first, None)
    for pattern, reader in _PATTERNS:
        match = pattern.fullmatch(stripped)
        if match is not None:
            reading = reader(match, prefer)
            if reading is not None:
                return reading[0]
    return None


def find_date(
    text: str, *, day_first: bool | None = None, language: str | None = None
) -> DateMatch | None:
    """The first date expression in `text` (e.g. a dateline 'Kremlin, 4/11/24'), or None.

    "First" means the real date that starts earliest; impossible candidates are skipped.
    `day_first` and `language` only decide ambiguous slashed dates (see `_prefers_day_first`).
    The span covers the whole expression, including a leading weekday, a trailing "года"/"г."
    and an ISO time part. Never raises.
    """
    prefer = _prefers_day_first(day_first, language)
    best: DateMatch | None = None
    for pattern, reader in _PATTERNS:
        found = _first_in(pattern, reader, text, prefer)
        if found is not None and (
            best is None or (found.start, -found.end) < (best.start, -best.end)
        ):
            best = found
    return best
