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
from dataclasses import dataclass

from onrecord.parse.text import squash_spaces

__all__ = ["LabelCandidate", "LabelShape", "find_label_candidate", "judge_label"]

# Label text, then a colon followed by a space or the end of the paragraph.
# Nothing but the label may stand before it, so a colon inside a sentence
# can never become a label.
_CANDIDATE = re.compile(r"[^\n:]{1,320}?(?=:(?:[\s\u00a0]|$))")
# US briefing transcripts print the questioner as a bare "Q" with a tab or spaces.
_BARE_Q = re.compile(r"Q(?=\t| {2,}|\u00a0)")

_PARENTHETICAL = re.compile(r"\s*[(\[]([^()\[\]]{1,80})[)\]]\s*$")
# Notes about the act of speaking, not about who speaks.
_SPEECH_NOTE = re.compile(
    r"translat|interpret|retransl|via |by video|speaking|in russian|in english|"
    r"перевод|переведено|по-русски|по‑русски|по-английски|по‑английски|говорит",
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

# Lower-case words that may sit inside a role ("Minister of Defence of the ...").
_CONNECTORS = frozenset(
    """
    of the and for on in to at a an with under & - de da di del der des du la le van von bin ibn
    al el y e и по при в во на для из с со к ко
    """.split()
)
# Words that give a sentence away: pronouns, auxiliaries, verbs of saying.
_SENTENCE_WORDS = frozenset(
    """
    i we you he she it they me us him them my our your his her its their this that these those
    there here is are was were be been being am have has had do does did will would shall should
    can could may might must said say says tell told asked ask note noted repeat like want think
    know mean believe hope see quote wrote added stated declared follows following example what
    why how who when where which whom whose if then because so but or not no yes also just only
    very really я мы вы ты он она оно они мне нам вам его ее её их это этот эта эти тот та те
    там здесь что как где когда почему кто если то не ни же бы ли уже еще ещё тоже также только
    есть был была было были будет говорит говорил сказал сказала хочу хотел повторю повторяю
    """.split()
)
# Capitalised words that open sentences, never labels.
_SENTENCE_OPENERS = _SENTENCE_WORDS | frozenset(
    """
    and as now today yesterday tomorrow thus therefore however finally first firstly second
    secondly third thirdly next last let well thank thanks dear friends colleagues ladies
    gentlemen one two three four five for in on at to with from after before during by about
    unfortunately fortunately clearly obviously indeed of all some many most every each а и но
    или ну вот теперь сегодня поэтому итак наконец во-первых во-вторых в на по для из уважаемые
    уважаемый друзья коллеги
    """.split()
)
_MEDIA_WORDS = frozenset(
    """
    телекомпания телеканал агентство газета журнал радиостанция радио информагентство издание
    newspaper agency channel radio magazine
    """.split()
)
_HONORIFICS = frozenset(
    """
    mr mr. mrs mrs. ms ms. dr dr. sir sen. rep. gov. gen. amb. adm. lt. col. capt. prof. st. jr.
    sr. hon.
    """.split()
)

_NAME_PARTICLES = frozenset(
    "de da di del della der den des du dos la le van von ter ten bin ibn al el ul abu".split()
)
# "el-Sisi", "al-Assad", "bin-Salman": a lower-case particle joined to the name.
_JOINED_PARTICLE = re.compile(r"^(?:al|el|ul|bin|ibn|abu|d)[-'’]\w")
_LEADING_PARENTHETICAL = re.compile(r"^[(\[][^()\[\]]{1,60}[)\]]\s+(?=\S)")
_INNER_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
# Titles that US transcripts print before an all-caps name.
_CAPS_TITLES = frozenset(
    "mr mrs ms dr sen senator rep gov governor amb ambassador gen general secretary president "
    "vice speaker leader chairman chairwoman admiral judge justice".split()
)
# Words that name an office, never a person: they open a role, not a name.
_TITLE_WORDS = frozenset(
    """
    president vice prime minister deputy first spokesperson spokesman spokeswoman secretary
    chairman chairwoman chair governor mayor senator ambassador envoy director head chief ceo
    general admiral colonel adviser advisor aide press speaker chancellor king queen prince
    princess emperor sheikh emir sultan premier commissioner representative patriarch
    metropolitan bishop rector professor judge justice mr mrs ms dr sir lord lady acting foreign
    defence defense finance interior economy health
    """.split()
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


def find_label_candidate(text: str, start: int, end: int) -> LabelCandidate | None:
    """The text before an opening colon of the paragraph ``text[start:end]``."""
    match = _CANDIDATE.match(text, start, end)
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


def judge_label(printed: str) -> LabelShape | None:
    """The parts of ``printed`` if its shape is that of a speaker label, else None."""
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
    generic = GENERIC_VOICES.get(core.casefold())
    if generic is not None:
        return _with_note(LabelShape(core, None, None, generic, True), note)
    if _reads_as_sentences(core):
        return None
    shape = (
        _all_caps_shape(core)
        or _initials_shape(core)
        or _outlet_shape(core)
        or _name_first_shape(core)
        or _role_then_name_shape(core)
    )
    return None if shape is None else _with_note(shape, note)


def _with_note(shape: LabelShape, note: str | None) -> LabelShape:
    if note is None:
        return shape
    if _SPEECH_NOTE.search(note):
        return LabelShape(shape.name, shape.role, note, shape.generic, shape.strong)
    # "(ведущая «Первого канала»)", "(CNN)": a parenthetical that says who they are.
    role = note if shape.role is None else f"{shape.role} ({note})"
    return LabelShape(shape.name, role, None, shape.generic, shape.strong)


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
    titles: list[str] = []
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
    if role_tokens and not _role_ok(role_tokens):
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
    if any(t.startswith("«") for t in tokens) and len(tokens) <= 3 and first in _MEDIA_WORDS:
        return LabelShape(core, None, None, None, True)
    return None


def _name_first_shape(core: str) -> LabelShape | None:
    """``Yury Kulinkov, ship fitter``: a name, a comma, then who they are."""
    if "," not in core:
        return None
    name, _, role = core.partition(",")
    name_tokens = name.split()
    if not 2 <= len(name_tokens) <= 3 or not all(_is_name_token(t) for t in name_tokens):
        return None
    if name_tokens[0].casefold() in _SENTENCE_OPENERS:
        return None
    role_tokens = role.replace(",", " ").split()
    if any(t.casefold().strip("«»\"'") in _SENTENCE_WORDS for t in role_tokens):
        return None
    return LabelShape(name.strip(), role.strip() or None, None, None, False)


def _role_then_name_shape(core: str) -> LabelShape | None:
    """``President of Russia Vladimir Putin``, ``Dmitry Peskov``, ``Minister X Y``."""
    tokens = core.split()
    tail = _name_tail(tokens)
    if not tail:
        return None
    role_tokens = tokens[: len(tokens) - len(tail)]
    if tokens[0].casefold() in _SENTENCE_OPENERS and tokens[0].casefold() not in _HONORIFICS:
        return None
    if role_tokens and not _role_ok(role_tokens):
        return None
    name = " ".join(tail)
    role = " ".join(role_tokens) or None
    return LabelShape(name, role, None, None, len(tail) >= 2)


def _name_tail(tokens: list[str]) -> list[str]:
    """The personal name that ends a label: given name, particles, surname.

    ``Alexander Van der Bellen``, ``Abdel Fattah el-Sisi``, ``Adnan Z. Amin``;
    a label that is nothing but two or three name tokens is all name
    (``Recep Tayyip Erdogan``).
    """
    if not tokens or not _is_name_token(tokens[-1]):
        return []
    if len(tokens) <= 3 and all(_is_name_token(t) or _is_particle(t) for t in tokens):
        while len(tokens) > 1 and tokens[0].casefold() in _TITLE_WORDS:
            tokens = tokens[1:]  # "Spokesperson Anna Example", "Minister Sergei Lavrov"
        return tokens if _is_name_token(tokens[0]) else []
    position = len(tokens) - 1  # the surname
    while position > 0 and _is_particle(tokens[position - 1]):
        position -= 1
    if position > 0 and _INITIALS.fullmatch(tokens[position - 1]):
        position -= 1  # a middle initial
    if position > 0 and _is_name_token(tokens[position - 1]):
        position -= 1  # the given name
    return tokens[position:]


def _is_particle(token: str) -> bool:
    return token.casefold() in _NAME_PARTICLES


def _is_name_token(token: str) -> bool:
    """A capitalised word (any script), a joined particle form, or an initial."""
    if token.casefold() in _SENTENCE_OPENERS:
        return False
    if _INITIALS.fullmatch(token):
        return token[0].isupper()
    if _JOINED_PARTICLE.match(token):
        return True
    first = token[0]
    return first.isupper() and all(c.isalpha() or c in "-'’`." for c in token)


def _role_ok(role_tokens: list[str]) -> bool:
    """A role is capitalised words and connectors, with no sign of a sentence."""
    for token in role_tokens:
        bare = token.strip(",«»\"'()").casefold()
        if not bare:
            continue
        if bare in _SENTENCE_WORDS:
            return False
    return True
