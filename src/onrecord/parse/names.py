"""The shape of personal names and roles in speaker labels.

What is here is knowledge of how names and offices are written — particles
(``van der``, ``bin``, ``el-``), initials, titles (``First Deputy Prime
Minister``), words that only sentences use — never a list of speakers.
"""

from __future__ import annotations

import re

__all__ = [
    "OBJECT_CONNECTORS",
    "PLACE_WORDS",
    "SENTENCE_OPENERS",
    "SENTENCE_WORDS",
    "TITLE_WORDS",
    "is_initials",
    "is_name_token",
    "name_tail",
    "opens_a_sentence",
    "role_reads_as_sentence",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-case words that give a sentence away: pronouns, auxiliaries, verbs of saying.
SENTENCE_WORDS = _words(
    """
    i we you he she it they me us him them my our your his her its their this that these those
    there here is are was were be been being am have has had do does did will would shall should
    can could may might must said say says tell told asked ask note noted repeat like want think
    know mean believe hope see quote wrote added stated declared follows following example what
    why how who when where which whom whose if then because so but or not no yes also just only
    very really я мы вы ты он она оно они мне нам вам его ее её их это этот эта эти тот та те
    там здесь что как где когда почему кто если то не ни же бы ли уже еще ещё тоже также только
    есть был была было были будет говорит говорил сказал сказала хочу хотел повторю повторяю
    """
)
# Capitalised words that open sentences, never labels.
SENTENCE_OPENERS = SENTENCE_WORDS | _words(
    """
    and as now today yesterday tomorrow thus therefore however finally first firstly second
    secondly third thirdly next last let well thank thanks dear friends colleagues ladies
    gentlemen one two three four five for in on at to with from after before during by about
    unfortunately fortunately clearly obviously indeed of all some many most every each
    а и но или ну вот теперь сегодня поэтому итак наконец во-первых во-вторых в на по для из
    уважаемые уважаемый друзья коллеги
    """
)
# Words that name an office or occupation, never a person: they open a role.
TITLE_WORDS = _words(
    """
    president vice prime minister deputy first spokesperson spokesman spokeswoman secretary
    chairman chairwoman chair governor mayor senator ambassador envoy director head chief ceo
    general admiral colonel lieutenant major captain sergeant commander officer sr jr adviser
    advisor aide press speaker chancellor king queen prince princess emperor sheikh emir sultan
    premier commissioner representative patriarch metropolitan archbishop bishop archpriest
    priest father rector professor judge justice mr mrs ms dr sir lord lady acting foreign
    defence defense finance interior economy health cosmonaut astronaut journalist
    correspondent anchor host presenter moderator writer paramedic pilot engineer teacher
    student worker doctor nurse coach athlete champion actor actress singer director-general
    secretary-general editor-in-chief co-chair chairperson
    """
)
_NAME_PARTICLES = _words(
    "de da di del della der den des du dos la le van von ter ten bin ibn bint al el ul abu"
)
# Particles that join a father's name: "Tamim bin Hamad Al Thani".
_PATRONYMIC = _words("bin ibn bint")
# First parts of compound Arabic given names: "Abdul Hakeem", "Abdel Fattah".
_COMPOUND_GIVEN = _words("abdul abdel abd abu")
# Last words of places and bodies, never of a person's name: "Perm Territory".
PLACE_WORDS = _words(
    """
    territory region republic oblast krai district city province state federation area
    council committee commission ministry agency corporation company bank foundation fund
    union association society centre center institute university academy school team
    """
)
# Words after which the capitalised words that follow name an office's object
# ("Minister of Natural Resources"), not a person.
OBJECT_CONNECTORS = _words("of for and on to the in at from")
_JOINED_PARTICLE = re.compile(r"^(?:al|el|ul|bin|ibn|abu|d)[-'’]\w")
_INITIALS = re.compile(r"(?:\w\.)+")


def is_initials(token: str) -> bool:
    """``V.``, ``V.V.``: initials written with full stops."""
    return bool(_INITIALS.fullmatch(token)) and token[0].isupper()


def is_name_token(token: str) -> bool:
    """A capitalised word in any script, a joined particle form, or an initial."""
    if is_initials(token) or _JOINED_PARTICLE.match(token):
        return True
    return token[0].isupper() and all(c.isalpha() or c in "-'’`." for c in token)


def _is_particle(token: str) -> bool:
    return token.casefold() in _NAME_PARTICLES


def _is_title(token: str) -> bool:
    return token.casefold().strip(".,") in TITLE_WORDS


def opens_a_sentence(tokens: list[str]) -> bool:
    """True when the first word opens sentences ("For", "The", "I") rather than a role.

    "First" opens a sentence, but not before an office: "First Deputy Prime Minister".
    """
    first = tokens[0].casefold()
    if first not in SENTENCE_OPENERS:
        return False
    return not (len(tokens) > 1 and _is_title(tokens[1]) and first != "i")


def role_reads_as_sentence(role_tokens: list[str]) -> bool:
    """A role holds capitalised names and offices; a lower-case pronoun or verb, or
    the pronoun "I", shows a sentence instead ("Mr President, my question is")."""
    for token in role_tokens:
        bare = token.strip(",«»\"'()")
        if not bare:
            continue
        if bare == "I" or (bare.islower() and bare in SENTENCE_WORDS and bare != "i"):
            return True
    return False


def name_tail(tokens: list[str]) -> list[str]:
    """The personal name that ends a label: given name(s), particles, surname.

    ``Alexander Van der Bellen``, ``Tamim bin Hamad Al Thani``, ``Adnan Z.
    Amin``, ``Abdel Fattah el-Sisi``; a label of no more than three name
    words (after any titles) is all name: ``Recep Tayyip Erdogan``.
    """
    if not tokens or not is_name_token(tokens[-1]) or _is_title(tokens[-1]):
        return []
    untitled = list(tokens)
    while len(untitled) > 1 and _is_title(untitled[0]):
        untitled = untitled[1:]
    if len(untitled) <= 3 and all(is_name_token(t) or _is_particle(t) for t in untitled):
        return untitled if is_name_token(untitled[0]) else []
    return tokens[_given_name_start(tokens) :]


def _given_name_start(tokens: list[str]) -> int:
    position = len(tokens) - 1  # the surname
    while True:
        while position > 0 and _is_particle(tokens[position - 1]):
            position -= 1
        if position > 0 and is_initials(tokens[position - 1]):
            position -= 1
            if position > 0 and _plain_given(tokens[position - 1]):
                position -= 1  # "Adnan Z. Amin"
            return position
        if position > 0 and _plain_given(tokens[position - 1]):
            position -= 1
            if position > 0 and tokens[position - 1].casefold() in _COMPOUND_GIVEN:
                position -= 1
        if position > 1 and tokens[position - 1].casefold() in _PATRONYMIC:
            position -= 1  # "… bin Hamad": go on to the person's own name
            continue
        return position


def _plain_given(token: str) -> bool:
    return is_name_token(token) and not _is_title(token) and not is_initials(token)
