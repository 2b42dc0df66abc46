"""Tests for onrecord.parse.dates: every supported form, the negatives, ambiguity, and fuzzing."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.parse.dates import DateMatch, find_date, parse_date

D = datetime.date
NBSP = "\u00a0"
THIN = "\u2009"
NARROW_NBSP = "\u202f"

# (expression, date, form). Each expression is the whole date, so parse_date must accept it
# and find_date must report it with the span covering all of it.
FORMS: list[tuple[str, datetime.date, str]] = [
    ("April 11, 2024", D(2024, 4, 11), "month-name"),
    ("Apr. 11, 2024", D(2024, 4, 11), "month-name"),
    ("Apr 11, 2024", D(2024, 4, 11), "month-name"),
    ("April 11 2024", D(2024, 4, 11), "month-name"),
    ("April 11th, 2024", D(2024, 4, 11), "month-name"),
    ("Thursday, April 11, 2024", D(2024, 4, 11), "month-name"),
    ("Sept. 9, 1999", D(1999, 9, 9), "month-name"),
    ("DECEMBER 31, 2023", D(2023, 12, 31), "month-name"),
    ("11 April 2024", D(2024, 4, 11), "day-month-name"),
    ("11 April, 2024", D(2024, 4, 11), "day-month-name"),
    ("11th of April 2024", D(2024, 4, 11), "day-month-name"),
    ("1 May 2024", D(2024, 5, 1), "day-month-name"),
    ("Thursday, 11 April 2024", D(2024, 4, 11), "day-month-name"),
    ("Thu, April 11, 2024", D(2024, 4, 11), "month-name"),
    ("Thu. 11 April 2024", D(2024, 4, 11), "day-month-name"),
    ("4/11/24", D(2024, 4, 11), "us-numeric"),
    ("4/11/2024", D(2024, 4, 11), "us-numeric"),
    ("04/11/2024", D(2024, 4, 11), "us-numeric"),
    ("2024-04-11", D(2024, 4, 11), "iso"),
    ("2024-04-11T10:00:00+03:00", D(2024, 4, 11), "iso"),
    ("2024-04-11T23:30:00.123Z", D(2024, 4, 11), "iso"),
    ("11 апреля 2024 года", D(2024, 4, 11), "ru-month-name"),
    ("11 апреля 2024 г.", D(2024, 4, 11), "ru-month-name"),
    ("11 апреля 2024г.", D(2024, 4, 11), "ru-month-name"),
    ("11 апреля 2024", D(2024, 4, 11), "ru-month-name"),
    ("11 апрель 2024", D(2024, 4, 11), "ru-month-name"),
    ("четверг, 11 апреля 2024 года", D(2024, 4, 11), "ru-month-name"),
    ("среда, 10 апреля 2024 года", D(2024, 4, 10), "ru-month-name"),
    ("Чт, 11 апреля 2024 года", D(2024, 4, 11), "ru-month-name"),
    ("11 апр. 2024", D(2024, 4, 11), "ru-month-name"),
    ("15 января 2000 года", D(2000, 1, 15), "ru-month-name"),
    ("29 февраля 2024 года", D(2024, 2, 29), "ru-month-name"),
    ("8 марта 2021 года", D(2021, 3, 8), "ru-month-name"),
    ("9 мая 2025 года", D(2025, 5, 9), "ru-month-name"),
    ("12 июня 2023 года", D(2023, 6, 12), "ru-month-name"),
    ("3 июля 2022 года", D(2022, 7, 3), "ru-month-name"),
    ("19 августа 1991 года", D(1991, 8, 19), "ru-month-name"),
    ("1 сентября 2020 года", D(2020, 9, 1), "ru-month-name"),
    ("7 октября 2019 года", D(2019, 10, 7), "ru-month-name"),
    ("4 ноября 2018 года", D(2018, 11, 4), "ru-month-name"),
    ("31 декабря 1999 года", D(1999, 12, 31), "ru-month-name"),
    ("11.04.2024", D(2024, 4, 11), "dotted-day-first"),
    ("11.04.24", D(2024, 4, 11), "dotted-day-first"),
    ("1.4.2024", D(2024, 4, 1), "dotted-day-first"),
    ("11.04.2024 г.", D(2024, 4, 11), "dotted-day-first"),
]


def _space_variants(cases: list[tuple[str, datetime.date, str]]) -> list[tuple[str, D, str]]:
    """Each case as written and with every plain space replaced by NBSP, thin or narrow NBSP."""
    out = list(cases)
    for space in (NBSP, THIN, NARROW_NBSP):
        out += [(text.replace(" ", space), date, form) for text, date, form in cases if " " in text]
    return out


ALL_FORMS = _space_variants(FORMS)


@pytest.mark.parametrize(("text", "expected", "form"), ALL_FORMS)
def test_parse_date_reads_every_form(text: str, expected: datetime.date, form: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected", "form"), ALL_FORMS)
def test_find_date_reports_whole_expression(text: str, expected: datetime.date, form: str) -> None:
    prefix, suffix = "Moscow, ", " — transcript follows."
    found = find_date(prefix + text + suffix)
    assert found == DateMatch(expected, len(prefix), len(prefix) + len(text), form)


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        ("Kremlin, 4/11/24", D(2024, 4, 11), "4/11/24"),
        ("Дата публикации: 15 января 2000 года, 14:53", D(2000, 1, 15), "15 января 2000 года"),
        ("June 5, 2017  03:00  St Petersburg", D(2017, 6, 5), "June 5, 2017"),
        ("June\u00a05,\u00a02017\u00a0\u00a003:00", D(2017, 6, 5), "June\u00a05,\u00a02017"),
        ("Novo-Ogaryovo, Moscow Region, 11.04.2024г.", D(2024, 4, 11), "11.04.2024г."),
        (
            "The White House, 2024-04-11T10:00:00-04:00.",
            D(2024, 4, 11),
            "2024-04-11T10:00:00-04:00",
        ),
        ("Dated 11 April, 2024.", D(2024, 4, 11), "11 April, 2024"),
        # A bare "sun"/"sat"/"wed" is an English word, not a weekday abbreviation.
        ("Under the sun 11 April 2024 was hot", D(2024, 4, 11), "11 April 2024"),
        ("Sat, 11 April 2024", D(2024, 4, 11), "Sat, 11 April 2024"),
        # A range: the first complete date expression is the end of it.
        ("10–11 апреля 2024 года", D(2024, 4, 11), "11 апреля 2024 года"),
    ],
)
def test_real_lines(text: str, expected: datetime.date, span: str) -> None:
    found = find_date(text)
    assert found is not None
    assert found.date == expected
    assert text[found.start : found.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "",
        "in 2014",
        "1/2 of the budget",
        "3.5 per cent",
        "3,5 процента",
        "+7 (495) 606-36-02",
        "+1 202-456-1111",
        "call 495.606.3602",
        "100/200",
        "24/7",
        "April 2024",
        "апрель 2024",
        "11 апреля",
        "April 11",
        "13/45/2024",
        "31 February 2024",
        "February 30, 2024",
        "29.02.2023",
        "12.25.2024",
        "2024-13-01",
        "10.10.10.10",
        "version 1.2.3",
        "4/11/24/7",
        "4/11/202",
        "20240411",
        "2024/04/11",
        "311.04.2024",
        "11.04.2024.5",
        "April 11, 20245",
        "1,000/10/24",
    ],
)
def test_not_a_date(text: str) -> None:
    assert find_date(text) is None
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    ["Kremlin, 4/11/24", "on April 11, 2024", "11 April 2024 in Moscow", "2024-04-11 10:00"],
)
def test_parse_date_rejects_text_around_the_date(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_ignores_surrounding_whitespace() -> None:
    assert parse_date(f"{NBSP} April 11, 2024\n") == D(2024, 4, 11)


@pytest.mark.parametrize(
    ("text", "kwargs", "expected", "form"),
    [
        ("4/11/24", {}, D(2024, 4, 11), "us-numeric"),
        ("4/11/24", {"day_first": False}, D(2024, 4, 11), "us-numeric"),
        ("4/11/24", {"day_first": True}, D(2024, 11, 4), "slashed-day-first"),
        ("4/11/24", {"language": "ru"}, D(2024, 11, 4), "slashed-day-first"),
        ("4/11/24", {"language": "ru-RU"}, D(2024, 11, 4), "slashed-day-first"),
        ("4/11/24", {"language": "en"}, D(2024, 4, 11), "us-numeric"),
        ("4/11/24", {"language": "ru", "day_first": False}, D(2024, 4, 11), "us-numeric"),
        # Only one reading exists: use it whatever the preference.
        ("25/12/2024", {}, D(2024, 12, 25), "slashed-day-first"),
        ("12/25/2024", {"day_first": True}, D(2024, 12, 25), "us-numeric"),
        ("12/25/2024", {"language": "ru"}, D(2024, 12, 25), "us-numeric"),
        # Dotted dates are day first regardless of the preference.
        ("04.11.2024", {}, D(2024, 11, 4), "dotted-day-first"),
        ("04.11.2024", {"day_first": False}, D(2024, 11, 4), "dotted-day-first"),
    ],
)
def test_ambiguity_rules(
    text: str, kwargs: dict[str, bool | str], expected: datetime.date, form: str
) -> None:
    day_first = kwargs.get("day_first")
    language = kwargs.get("language")
    assert day_first is None or isinstance(day_first, bool)
    assert language is None or isinstance(language, str)
    found = find_date(text, day_first=day_first, language=language)
    assert found == DateMatch(expected, 0, len(text), form)
    if language is None:
        assert parse_date(text, day_first=day_first) == expected


def test_parse_date_day_first() -> None:
    assert parse_date("4/11/2024", day_first=True) == D(2024, 11, 4)
    assert parse_date("4/11/2024", day_first=False) == D(2024, 4, 11)
    assert parse_date("13/45/2024", day_first=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1.00", D(2000, 1, 1)),
        ("1/1/69", D(2069, 1, 1)),
        ("1.1.69", D(2069, 1, 1)),
        ("1.1.70", D(1970, 1, 1)),
        ("31.12.99", D(1999, 12, 31)),
        ("12/31/99", D(1999, 12, 31)),
    ],
)
def test_two_digit_years(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


def test_impossible_candidate_is_skipped() -> None:
    text = "Issued 31 February 2024, corrected on 1 March 2024."
    found = find_date(text)
    assert found is not None
    assert found.date == D(2024, 3, 1)
    assert text[found.start : found.end] == "1 March 2024"


def test_earliest_date_wins_across_forms() -> None:
    text = "Posted 2024-04-12; meeting of 11 April 2024; see 10.04.2024"
    found = find_date(text)
    assert found is not None
    assert (found.date, found.form) == (D(2024, 4, 12), "iso")


def test_date_after_ordinary_numbers() -> None:
    text = "In 2014, 1/2 of the budget (3.5 per cent, tel. 606-36-02) was spent by 4/11/24."
    found = find_date(text)
    assert found is not None
    assert found.date == D(2024, 4, 11)
    assert text[found.start : found.end] == "4/11/24"


def test_non_ascii_digits_are_not_dates() -> None:
    # Arabic-Indic and full-width digits: \d would accept them, the parser must not.
    assert find_date("٤/١١/٢٤") is None
    assert find_date("１１.０４.２０２４") is None


_EN_MONTHS = [
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
]

_FRAGMENTS = st.sampled_from(
    [
        "April",
        "Apr.",
        "Sept",
        "May",
        "Thursday",
        "февраля",
        "апреля",
        "года",
        "г.",
        "of",
        "th",
        "T10:00:00+03:00",
        "Z",
        "0",
        "04",
        "11",
        "13",
        "29",
        "31",
        "45",
        "99",
        "2024",
        "2023",
        "0000",
        "/",
        ".",
        "-",
        ",",
        ":",
        " ",
        NBSP,
        THIN,
        "\n",
        "٤",
        "ſ",
    ]
)
_TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=3)), max_size=25).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, day_first=st.sampled_from([None, True, False]))
def test_fuzz_find_date_never_raises_and_span_is_the_date(
    text: str, day_first: bool | None
) -> None:
    found = find_date(text, day_first=day_first)
    if found is None:
        return
    span = text[found.start : found.end]
    assert 0 <= found.start < found.end <= len(text)
    assert str(found.date.day) in span
    assert parse_date(span, day_first=day_first) == found.date


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, day_first=st.sampled_from([None, True, False]))
def test_fuzz_parse_date_never_raises(text: str, day_first: bool | None) -> None:
    result = parse_date(text, day_first=day_first)
    assert result is None or isinstance(result, datetime.date)


@settings(max_examples=200, deadline=None)
@given(date=st.dates(min_value=D(1000, 1, 1)), day_first=st.booleans())
def test_fuzz_round_trip_formats(date: datetime.date, day_first: bool) -> None:
    month = _EN_MONTHS[date.month - 1]  # not strftime("%B"): that follows the locale
    written = [
        date.isoformat(),
        f"{month} {date.day}, {date.year}",
        f"{date.day} {month} {date.year}",
        f"{date.day:02d}.{date.month:02d}.{date.year}",
        f"{date.day}{NBSP}{month}{NBSP}{date.year}",
    ]
    for text in written:
        assert parse_date(text, day_first=day_first) == date, text
        assert find_date(f"x {text} y", day_first=day_first) is not None, text
