"""Speaker labels at the start of a paragraph, recognised from evidence.

A label is the text before a colon that opens a paragraph —
``President of Russia Vladimir Putin:``, ``Question:``, ``В.Путин:``,
``TRUMP:`` — but so is the start of ``For example: …``. There is no list of
speakers to match against: a candidate is judged by its shape (does it end
in a personal name, is it a generic voice, an organisation, an all-caps
name) and by signs that it is a sentence instead (pronouns, verbs, sentence
punctuation, a discourse word up front). The parser adds the document's own
evidence: a candidate whose name was already accepted in the document is
accepted even when its shape alone is doubtful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from onrecord.parse.names import (
    OBJECT_CONNECTORS,
    PLACE_WORDS,
    TITLE_WORDS,
    is_name_token,
    name_tail,
    opens_a_sentence,
    role_reads_as_sentence,
)
from onrecord.parse.text import squash_spaces

__all__ = ["LabelCandidate", "LabelShape", "find_label_candidate", "judge_label"]

# Label text, then a colon followed by a space or the end of the paragraph.
# Nothing but the label may stand before it, so a colon inside a sentence
# can never become a label.
_MAX_CANDIDATE = 320
_CANDIDATE = re.compile(r"[^\n:]{1,320}?(?=:(?:[\s\u00a0]|$))")
# US briefing transcripts print the questioner as a bare "Q" with a tab or spaces.
_BARE_Q = re.compile(r"Q(?=\t| {2,}|\u00a0)")

_PARENTHETICAL = re.compile(r"\s*[(\[]([^()\[\]]{1,200})[)\]]\s*$")
# Notes about the act of speaking, not about who speaks.
_SPEECH_NOTE = re.compile(
    r"translat|interpret|retransl|via |by video|speak|in russian|in english|respond|answer|"
    r"address|noise|applause|laugh|transcript|inaudible|off.mic|aside|continu|"
    r"перевод|переведено|по-русски|по‑русски|по-английски|по‑английски|говорит|обращаясь|смех",
    re.IGNORECASE,
)

GENERIC_VOICES: dict[str, str] = {
    # printed form (casefolded) -> canonical generic speaker id
    "question": "question",
    "questions": "question",
    "q": "question",
    "remark": "remark",
    "remarks": "remark",
    "reply": "reply",
    "answer": "reply",
    "response": "reply",
    "comment": "remark",
    "voice": "voice",
    "voices": "voice",
    "voice from the audience": "voice",
    "audience": "audience",
    "audience member": "audience",
    "participant": "participant",
    "participants": "participant",
    "moderator": "moderator",
    "interpreter": "interpreter",
    "translator": "interpreter",
    "host": "moderator",
    "presenter": "moderator",
    "unidentified speaker": "unidentified",
    "operator": "operator",
    "call centre operator": "operator",
    "call center operator": "operator",
    "response from the hall": "voice",
    "question from the audience": "question",
    "question from the floor": "question",
    "speaker": "unidentified",
    "вопрос": "question",
    "вопросы": "question",
    "реплика": "remark",
    "реплики": "remark",
    "ответ": "reply",
    "голос": "voice",
    "голос из зала": "voice",
    "голоса": "voice",
    "ведущий": "moderator",
    "ведущая": "moderator",
    "ведущие": "moderator",
    "модератор": "moderator",
    "переводчик": "interpreter",
    "участник": "participant",
    "участница": "participant",
}

_MEDIA_WORDS = frozenset(
    "телекомпания телеканал агентство газета журнал радиостанция радио информагентство "
    "издание newspaper agency channel radio magazine".split()
)
_HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. sir sen. rep. gov. gen. amb. adm. lt. col. capt. prof. st. jr. "
    "sr. hon.".split()
)
_LEADING_PARENTHETICAL = re.compile(r"^[(\[][^()\[\]]{1,60}[)\]]\s+(?=\S)")
_INNER_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
# Titles that US transcripts print before an all-caps name.
_CAPS_TITLES = frozenset(
    "mr mrs ms dr sen senator rep gov governor amb ambassador gen general secretary president "
    "vice speaker leader chairman chairwoman admiral judge justice".split()
)
_CAPS_CONNECTORS = {"OF": "of", "THE": "the", "AND": "and", "FOR": "for", "TO": "to", "ON": "on",
                    "IN": "in", "AT": "at"}  # fmt: skip
# "Question from Izhevsk", "Вопрос из зала": a generic voice with where it came from.
_GENERIC_FROM = re.compile(
    r"^(?P<voice>question|remark|reply|response|comment|voice|вопрос|реплика|голос)"
    r"\s+(?P<origin>(?:from|из|с)\s.+)$",
    re.IGNORECASE,
)
# Monarchs and clergy: "King Abdullah II of Jordan", "Patriarch Kirill of Moscow and All Russia".
_MONARCH = re.compile(
    r"^(?P<title>(?:(?:Crown|Grand)\s)?(?:King|Queen|Emir|Sultan|Sheikh|Prince|Princess|"
    r"Patriarch|Pope|Metropolitan|Archbishop|Mufti|Catholicos|Ayatollah))\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+(?:[IVX]{1,4}|bin|ibn|Al|al|[A-Z][\w'’-]+)){0,4}?)"
    r"(?:\s+of\s+(?P<place>[A-Z].*))?$"
)
# "Patriarch of Moscow and All Russia Kirill": the title, its see, then the name.
_MONARCH_AFTER = re.compile(
    r"^(?P<title>(?:(?:Crown|Grand)\s)?(?:King|Queen|Emir|Sultan|Sheikh|Prince|Princess|"
    r"Patriarch|Pope|Metropolitan|Archbishop|Mufti|Catholicos|Ayatollah))\s+of\s+"
    r"(?P<place>.+?)\s+(?P<name>[A-Z][\w'’-]+(?:\s+[IVX]{1,4})?)$"
)
_MAX_LABEL_CHARS = 300
_MAX_LABEL_WORDS = 45
_INITIALS_SURNAME = re.compile(
    r"^(?:[A-ZА-ЯЁ]\.\s?){1,2}[A-ZА-ЯЁ][\w'’-]+$"  # В.Путин, В.В.Путин, V. Putin, B.Путин
)
_ALL_CAPS = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ .'’-]*[A-ZА-ЯЁ.]$")
_CYRILLIC_CHAR = re.compile(r"[\u0400-\u04ff]")
_SENTENCE_STOPS = re.compile(r"[?!;]")
_INITIALS = re.compile(r"(?:\w\.)+")


@dataclass(frozen=True, slots=True)
class LabelCandidate:
    """Text before an opening colon: the label as printed and where it is."""

    printed: str
    start: int
    end: int  # end of the printed label (before the colon)
    content_start: int  # where what is said begins (after colon and spaces)


@dataclass(frozen=True, slots=True)
class LabelShape:
    """A candidate judged to be a label, split into its parts.

    ``name`` is the person (or voice, or outlet) with the role removed;
    ``role`` what the label says they are; ``generic`` the id of a generic
    voice such as ``question``.
    """

    name: str
    role: str | None
    note: str | None
    generic: str | None
    strong: bool  # shape alone is convincing (not just plausible)
    office: bool = False  # names an office or a place, not a person ("Minister of Health")


def find_label_candidate(text: str, start: int, end: int) -> LabelCandidate | None:
    """The text before an opening colon of the paragraph ``text[start:end]``."""
    colon = text.find(":", start, min(end, start + _MAX_CANDIDATE + 1))
    # Most paragraphs have no colon near their start: no regex for them.
    no_colon = colon < 0 or "\n" in text[start:colon]
    match = None if no_colon else _CANDIDATE.match(text, start, end)
    if match is None:
        bare = _BARE_Q.match(text, start, end)
        if bare is None:
            return None
        content = _skip_spaces(text, bare.end(), end)
        return LabelCandidate("Q", start, bare.end(), content)
    label_end = match.end()
    content = _skip_spaces(text, label_end + 1, end)
    # Keep the label as printed but without spaces before the colon.
    while label_end > start and text[label_end - 1] in " \t\u00a0":
        label_end -= 1
    if label_end == start:
        return None
    return LabelCandidate(text[start:label_end], start, label_end, content)


def _skip_spaces(text: str, position: int, end: int) -> int:
    while position < end and text[position] in " \t\u00a0\u202f\n\r":
        position += 1
    return position


@lru_cache(maxsize=100_000)
def judge_label(printed: str) -> LabelShape | None:
    """The parts of ``printed`` if its shape is that of a speaker label, else None.

    Pure, and labels repeat ("Vladimir Putin" thousands of times), so cached.
    """
    core = squash_spaces(printed)
    note = None
    # "(APPLAUSE) CLINTON": a stage direction printed before the label.
    core = _LEADING_PARENTHETICAL.sub("", core)
    parenthetical = _PARENTHETICAL.search(core)
    if parenthetical and parenthetical.start() > 0:
        note = parenthetical.group(1).strip()
        core = core[: parenthetical.start()].strip()
    if not core or len(core) > _MAX_LABEL_CHARS or len(core.split()) > _MAX_LABEL_WORDS:
        return None
    generic = _generic_shape(core)
    if generic is not None:
        return _with_note(generic, note)
    if _reads_as_sentences(core):
        return None
    shape = (
        _all_caps_shape(core)
        or _initials_shape(core)
        or _outlet_shape(core)
        or _monarch_shape(core)
        or _person_shape(core)
    )
    return None if shape is None else _with_note(shape, note)


def _generic_shape(core: str) -> LabelShape | None:
    generic = GENERIC_VOICES.get(core.casefold())
    if generic is not None:
        return LabelShape(core, None, None, generic, True)
    extended = _GENERIC_FROM.match(core)
    if extended is not None:
        voice = GENERIC_VOICES[extended.group("voice").casefold()]
        return LabelShape(extended.group("voice"), extended.group("origin"), None, voice, True)
    return None


def _with_note(shape: LabelShape, note: str | None) -> LabelShape:
    if note is None:
        return shape
    latin_lower = note[:1].islower() and not _CYRILLIC_CHAR.search(note)
    if _SPEECH_NOTE.search(note) or len(note) > 80 or latin_lower:
        # "(retranslated)", "(to acting director …)": about the speaking, not the speaker.
        return replace(shape, note=note)
    # "(ведущая «Первого канала»)", "(CNN)": a parenthetical that says who they are.
    role = note if shape.role is None else f"{shape.role} ({note})"
    return replace(shape, role=role, note=None)


def _reads_as_sentences(core: str) -> bool:
    """True when ``core`` has sentence punctuation: ?, !, ; or a full stop after a word.

    Full stops after initials (``V.V. Putin``, ``Adnan Z. Amin``) and
    honorifics (``MR. EARNEST``) do not count.
    """
    if _SENTENCE_STOPS.search(core):
        return True
    tokens = core.split()
    for token in tokens[:-1]:
        if not token.endswith("."):
            continue
        if _INITIALS.fullmatch(token) or token.casefold() in _HONORIFICS:
            continue
        return True
    return False


def _all_caps_shape(core: str) -> LabelShape | None:
    """``TRUMP``, ``MR. EARNEST``, ``SEN. BERNIE SANDERS (D-VT), PRESIDENTIAL CANDIDATE``."""
    name, _, role = core.partition(",")
    name = _INNER_PARENTHETICAL.sub("", name).strip()
    role = role.strip()
    if not _ALL_CAPS.match(name) or sum(c.isalpha() for c in name) < 2:
        return None
    if role and not _ALL_CAPS.match(role.replace(",", "")):
        return None
    tokens = name.split()
    if any(t in _CAPS_CONNECTORS for t in tokens):
        # "GOVERNOR OF CALIFORNIA ARNOLD SCHWARZENEGGER": split like a mixed-case label.
        cased = [_CAPS_CONNECTORS.get(t) or t.capitalize() for t in tokens]
        size = len(name_tail(cased)) or 2
        titles, tokens = tokens[:-size], tokens[-size:]
    else:
        titles = []
        while len(tokens) > 1 and tokens[0].rstrip(".").casefold() in _CAPS_TITLES:
            titles.append(tokens.pop(0))
    roles = [part for part in (" ".join(titles), role) if part]
    return LabelShape(" ".join(tokens), ", ".join(roles) or None, None, None, True)


def _initials_shape(core: str) -> LabelShape | None:
    tokens = core.split()
    tail = tokens[-1]
    # "В. Путин" is "В.Путин"; but "Adnan Z. Amin" has a middle initial.
    separate_initials = len(tokens) >= 2 and re.fullmatch(r"(?:[A-ZА-ЯЁ]\.){1,2}", tokens[-2])
    if separate_initials and (len(tokens) == 2 or _CYRILLIC_CHAR.search(tail)):
        tail = tokens[-2] + tokens[-1]
        tokens = tokens[:-1]
    if not _INITIALS_SURNAME.match(tail):
        return None
    role_tokens = tokens[:-1]
    if role_tokens and role_reads_as_sentence(role_tokens):
        return None
    role = " ".join(role_tokens) or None
    return LabelShape(tail, role, None, None, True)


def _outlet_shape(core: str) -> LabelShape | None:
    """A news outlet asking a question: «Независимая газета», Агентство Рейтер."""
    tokens = core.split()
    first = tokens[0].casefold()
    if (core.startswith("«") and core.endswith("»")) or (
        first in _MEDIA_WORDS and len(tokens) <= 4 and tokens[0][0].isupper()
    ):
        return LabelShape(core, None, None, None, True)
    return None


def _monarch_shape(core: str) -> LabelShape | None:
    match = _MONARCH.match(core) or _MONARCH_AFTER.match(core)
    if match is None:
        return None
    place = match.group("place")
    role = match.group("title") + (f" of {place}" if place else "")
    return LabelShape(match.group("name"), role, None, None, True)


def _person_shape(core: str) -> LabelShape | None:
    """``President of Russia Vladimir Putin`` or ``Yury Kulinkov, ship fitter``.

    With a comma, the office before the name wins when a title stands just
    before the name (``Civil Defence, Emergencies … Minister Vladimir
    Puchkov``); otherwise a name before the comma is the speaker.
    """
    role_then_name = _role_then_name_shape(core)
    if "," not in core:
        return role_then_name
    if role_then_name is not None and role_then_name.role is not None:
        last_role_word = role_then_name.role.split()[-1]
        if last_role_word.casefold().strip(",") in TITLE_WORDS:
            return role_then_name
    return _name_first_shape(core) or role_then_name


def _name_first_shape(core: str) -> LabelShape | None:
    """``Yury Kulinkov, ship fitter``: a name, a comma, then who they are."""
    name, _, role = core.partition(",")
    name_tokens = name.split()
    if len(name_tokens) > 3:
        # "Sports commentator Dmitry Guberniyev, ceremony moderator"
        before = _role_then_name_shape(name)
        if before is None or not before.strong or before.office:
            return None
        rest = role.strip()
        combined = ", ".join(part for part in (before.role, rest) if part)
        return LabelShape(before.name, combined or None, None, None, True)
    if not 2 <= len(name_tokens) <= 3 or not all(is_name_token(t) for t in name_tokens):
        return None
    if opens_a_sentence(name_tokens) or any(t.casefold() in TITLE_WORDS for t in name_tokens):
        return None
    role_tokens = role.replace(",", " ").split()
    if role_reads_as_sentence(role_tokens):
        return None
    described = sum(t.islower() for t in role_tokens) >= 2
    official = any(t.casefold() in TITLE_WORDS or t == "of" for t in role_tokens)
    return LabelShape(name.strip(), role.strip() or None, None, None, described or official)


def _role_then_name_shape(core: str) -> LabelShape | None:
    tokens = core.split()
    if opens_a_sentence(tokens):
        return None
    tail = name_tail(tokens)
    if not tail:
        return None
    role_tokens = tokens[: len(tokens) - len(tail)]
    if role_reads_as_sentence(role_tokens):
        return None
    if (role_tokens and role_tokens[-1].casefold() in OBJECT_CONNECTORS) or (
        tail[-1].casefold() in PLACE_WORDS
    ):
        # "Minister of Natural Resources", "Perm Territory": an office or a place.
        return LabelShape(core, None, None, None, bool(role_tokens), office=True)
    name = " ".join(tail)
    role = " ".join(role_tokens).rstrip(",;: ") or None
    return LabelShape(name, role, None, None, len(tail) >= 2)
