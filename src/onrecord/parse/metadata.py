"""Document metadata found in the text when the source did not supply it.

Plain-text transcripts open with a header: a title line, a place-and-date
line (``Kremlin, 4/11/24``), sometimes a bare date. These functions read
that header; they never look past the narration that precedes the first
speaker label, so a date quoted in a speech cannot become the event's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onrecord.model import DocumentKind
from onrecord.parse.dates import find_date, parse_date
from onrecord.parse.text import cyrillic_share, squash_spaces

__all__ = ["HeaderInfo", "detect_language", "guess_kind", "normalise_date", "read_header"]

_MAX_TITLE_CHARS = 300
_MAX_DATELINE_CHARS = 120

# Checked in order: the first genre named in the title (then the narration) wins.
_KIND_PATTERNS: tuple[tuple[DocumentKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            DocumentKind.PRESS_CONFERENCE,
            r"press[\s-]+conference|news conference|press statements|press approach|"
            r"(?:answers?|answered|replies|replied) to (?:\w+\s)?(?:journalists|media|press)|"
            r"answered (?:\w+\s)*questions from|"
            r"пресс-конференц|заявления для прессы|заявления для СМИ|ответы на вопросы журналистов",
        ),
        (DocumentKind.DEBATE, r"\bdebate|дебаты"),
        (DocumentKind.INTERVIEW, r"\binterview|интервью"),
        (DocumentKind.BRIEFING, r"\bbriefing|брифинг"),
        (DocumentKind.ADDRESS, r"\baddress\b|обращени|послани"),
        (
            DocumentKind.MEETING,
            r"\bmeeting|\btalks\b|\bsession\b|\bsummit|\bconference\b|\bconsultations\b|"
            r"\bconversation\b|videoconference|video conference|"
            r"встреч|совещани|переговор|заседани|саммит|беседа",
        ),
        (
            DocumentKind.SPEECH,
            r"\bspeech|\bremarks\b|\bstatement\b|\bspeaks?\b|\brally\b|"
            r"выступлени|речь|заявлени",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    """What the header paragraphs say, with the paragraph each came from."""

    title: str | None = None
    date: str | None = None
    place: str | None = None


def detect_language(text: str) -> str:
    """``ru`` when Cyrillic dominates the letters, else ``en``."""
    return "ru" if cyrillic_share(text) > 0.3 else "en"


def normalise_date(value: str, language: str) -> str | None:
    """A supplied date in any supported form as ISO ``YYYY-MM-DD``, or None."""
    parsed = parse_date(squash_spaces(value), day_first=True if language == "ru" else None)
    return parsed.isoformat() if parsed else None


def read_header(text: str, header: list[tuple[int, int]], language: str) -> HeaderInfo:
    """Title, date and place from the narration paragraphs that open a text.

    The title is the first paragraph when it is one short line; the date and
    place come from the first short paragraph holding a full date (a
    dateline such as ``Kremlin, 4/11/24`` or ``Moscow, 11 April 2024``); a
    title that itself ends in a date gives the date when no dateline does.
    """
    title = date = place = None
    day_first = True if language == "ru" else None
    for position, (start, end) in enumerate(header[:6]):
        chunk = text[start:end]
        if position == 0 and _looks_like_title(chunk):
            title = squash_spaces(chunk)
        if len(chunk) > _MAX_DATELINE_CHARS and not (position == 0 and title):
            continue
        found = find_date(chunk, day_first=day_first, language=language)
        if found is None:
            continue
        if position == 0 and title and date is None:
            date = found.date.isoformat()  # a date in the title; a dateline may still come
            continue
        date = found.date.isoformat()
        place = _place_before(chunk[: found.start]) or place
        break
    return HeaderInfo(title, date, place)


def _looks_like_title(chunk: str) -> bool:
    return "\n" not in chunk.strip() and len(chunk) <= _MAX_TITLE_CHARS


def _place_before(prefix: str) -> str | None:
    """``Kremlin, `` → ``Kremlin``: what precedes the date on a dateline."""
    place = squash_spaces(prefix).rstrip(",;:–—- ").strip()
    if not place or len(place) > 80 or not place[0].isupper():
        return None
    return place


def guess_kind(title: str | None, narration: str) -> DocumentKind:
    """The most specific genre the title names, else the opening narration."""
    for source in (title or "", narration[:2000]):
        for kind, pattern in _KIND_PATTERNS:
            if pattern.search(source):
                return kind
    return DocumentKind.OTHER
