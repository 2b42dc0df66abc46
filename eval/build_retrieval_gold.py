"""Build the gold queries for the retrieval evaluation (full-text, semantic, hybrid, quotes).

Run from anywhere:

* ``python eval/build_retrieval_gold.py candidates`` -- samples (seeded) the sentences and
  pairs to work on by hand and writes them under ``eval/gold/retrieval/candidates/``.
* ``python eval/build_retrieval_gold.py build`` (the default) -- joins the stored candidate
  files with the hand-written inputs in ``eval/gold/retrieval/`` and writes
  ``retrieval_gold.jsonl``; it verifies every gold span against the parsed corpus and exits 1
  on any mismatch. It also samples again and warns if the sampling no longer reproduces the
  stored candidates (``candidates`` then refuses to overwrite them without ``--force``: the
  hand-written inputs refer to candidates by id).

The corpora are read from ``$ONRECORD_SHARED`` or, if unset, ``<repo root>/../shared``;
nothing there is written. Every random choice comes from ``random.Random(SEED)`` streams, and
documents and sentences are visited in a fixed order, so the output is the same on every run.

Hand-written inputs (see ``eval/gold/retrieval/README.md``):

* ``paraphrases.jsonl`` -- ``{"candidate", "query"}``: a paraphrase of a sampled sentence.
* ``misquotes_rejected.jsonl`` -- ``{"candidate", "reason"}``: generated misquotes dropped on
  review (every other generated misquote was read and kept).
* ``translations.jsonl`` -- ``{"pair", "ru", "en", "note"}``: a Russian sentence (or run of
  sentences) and the English one that translates it, as printed (non-breaking spaces may be
  written as plain spaces); gives one query each way.
* ``ru_translations.jsonl`` -- ``{"candidate", "query"}``: a Russian translation, written by
  hand, of a sampled English sentence.
* ``repeats_checked.jsonl`` -- ``{"candidate", "verdict", "gold", "note"}``: each sampled
  repeat candidate, ``verdict`` ``keep`` or ``drop``; ``gold`` lists the earlier occurrences
  kept (indices into the candidate's ``earlier``).
* ``negatives.jsonl`` -- ``{"id", "query", "language", "note"}``: statements nobody in the
  corpus made; the build refuses one that shares four 5-word sequences (a run of eight words)
  or half of its content words with a corpus sentence.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onrecord import Document, TurnKind, parse_path
from onrecord.enrich.sentences import split_sentences

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO_ROOT / "eval" / "gold" / "retrieval"
CANDIDATE_DIR = GOLD_DIR / "candidates"
GOLD_FILE = GOLD_DIR / "retrieval_gold.jsonl"
SEED = 20261201

KREMLIN_EN = Path("corpora/kremlin_en/kremlin_en_dev.jsonl")
KREMLIN_RU = Path("corpora/kremlin_ru/kremlin_ru_dev.jsonl")
PAIRS = Path("corpora/kremlin_ru/kremlin_ru_en_pairs.jsonl")
PAIRS_EN_HTML = Path("corpora/kremlin_ru/pairs_en_html")
EXAMPLE = Path("examples/putin-lukashenko-2024-04-11.txt")

N_PARAPHRASE = 140  # candidates; a few may be skipped by hand (target >= 120)
N_MISQUOTE = 150  # generated; some are dropped on review (target >= 120)
N_RU_TRANSLATION = 26
N_REPEAT = 70  # candidates to check by hand (target >= 40 kept) ...
N_REPEAT_EXTRA = 70  # ... and a second, stricter round
_FORMULA_WORDS = (
    "happy",
    "glad",
    "pleased",
    "thank",
    "grateful",
    "congratulat",
    "wish",
    "welcome",
    "opportunity",
    "condolence",
    "floor",
    "range of",
    "sidelines",
    "good afternoon",
)
MIN_WORDS, MAX_WORDS = 12, 60
MIN_CONTENT_WORDS = 6
MAX_SHARED_5GRAMS = 4  # a negative may share stock phrases, not an 8-word run
RARE_SHINGLE_DOCS = 3  # a 5-gram found in at most this many documents is "rare"

_WORD = re.compile(r"[\w’'-]+")
_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    throughout across within among along beyond towards toward upon via including despite
    around behind inside outside
    let us say said well course think know like one also very much many must may might shall
    going go get got want would make made really yes mr ms today now
    """.split()
)
_SKIP_OPENINGS = (
    "thank",
    "good afternoon",
    "good morning",
    "good evening",
    "colleagues",
    "friends",
    "ladies and gentlemen",
    "dear",
    "i would like to thank",
)


def shared_root() -> Path:
    env = os.environ.get("ONRECORD_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def source_paths(root: Path | None = None) -> list[Path]:
    """Every input of the evaluation corpus, in a fixed order."""
    root = root or shared_root()
    htmls = sorted((root / PAIRS_EN_HTML).glob("*.html"))
    return [root / KREMLIN_EN, root / KREMLIN_RU, *htmls, root / EXAMPLE]


def load_documents(root: Path | None = None) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for path in source_paths(root):
        for document in parse_path(path):
            if document.id in documents:
                raise SystemExit(f"duplicate document id {document.id} in {path}")
            documents[document.id] = document
    return documents


def norm(text: str) -> str:
    """Text with non-breaking spaces as spaces: same length, so offsets carry over."""
    return text.replace("\u00a0", " ")


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= 3 and w not in _STOPWORDS and not w.isdigit()}


def year_of(document: Document) -> str:
    return (document.date or "0000")[:4]


# ----------------------------------------------------------------------------- sentences


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    paragraph_id: str
    start: int
    end: int
    text: str
    speaker_id: str | None
    year: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "paragraph_id": self.paragraph_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker_id": self.speaker_id,
            "year": self.year,
        }


def speech_sentences(document: Document) -> Iterator[Sentence]:
    """Sentences of the speech turns (labels excluded), in document order."""
    for paragraph in document.paragraphs:
        turn = document.turns[paragraph.turn]
        if turn.kind != TurnKind.SPEECH:
            continue
        begin = max(paragraph.start, turn.start)
        end = min(paragraph.end, turn.end)
        if begin >= end:
            continue
        for start, stop in split_sentences(document.text, begin, end):
            yield Sentence(
                document.id,
                paragraph.id,
                start,
                stop,
                document.text[start:stop],
                turn.speaker_id,
                year_of(document),
            )


def is_content_bearing(sentence: Sentence) -> bool:
    text = norm(sentence.text)
    n = len(words(text))
    if not MIN_WORDS <= n <= MAX_WORDS:
        return False
    if text.endswith("?") or "\n" in text or "<" in text or "[" in text:
        return False
    if text.casefold().startswith(_SKIP_OPENINGS):
        return False
    if not text[0].isupper() or text[-1] not in ".!":
        return False
    return len(content_words(text)) >= MIN_CONTENT_WORDS


def english_pool(documents: dict[str, Document]) -> dict[str, list[Sentence]]:
    """Content-bearing English speech sentences, by document, for every English document."""
    pool: dict[str, list[Sentence]] = {}
    for doc_id in sorted(documents):
        document = documents[doc_id]
        if document.language != "en":
            continue
        kept = [s for s in speech_sentences(document) if is_content_bearing(s)]
        if kept:
            pool[doc_id] = kept
    return pool


def stratified_sample(
    pool: dict[str, list[Sentence]], n: int, rng: random.Random, used_docs: set[str]
) -> list[Sentence]:
    """``n`` sentences, at most one per document, spread across years.

    Each year gets ``n / years`` slots at first (fewer if it has fewer documents); the slots
    left over go to the years with documents left, in proportion to what they have left.
    ``used_docs`` (documents already drawn from) is updated.
    """
    by_year: dict[str, list[str]] = defaultdict(list)
    for doc_id in sorted(pool):
        if doc_id not in used_docs:
            by_year[year_of_id(pool, doc_id)].append(doc_id)
    for doc_ids in by_year.values():
        rng.shuffle(doc_ids)
    years = sorted(by_year)
    quota = {y: min(len(by_year[y]), n // len(years)) for y in years}
    while sum(quota.values()) < n:
        spare = [y for y in years if quota[y] < len(by_year[y])]
        if not spare:
            break
        weights = [len(by_year[y]) - quota[y] for y in spare]
        quota[rng.choices(spare, weights)[0]] += 1
    chosen: list[Sentence] = []
    for year in years:
        for doc_id in by_year[year][: quota[year]]:
            chosen.append(rng.choice(pool[doc_id]))
            used_docs.add(doc_id)
    return chosen


def year_of_id(pool: dict[str, list[Sentence]], doc_id: str) -> str:
    return pool[doc_id][0].year


# ----------------------------------------------------------------------------- misquotes

# Hand-made near-synonym table: a word swapped for one a person might remember instead.
_SUBSTITUTES = {
    "important": "significant",
    "significant": "important",
    "big": "large",
    "large": "big",
    "country": "nation",
    "believe": "think",
    "problem": "issue",
    "problems": "issues",
    "issue": "question",
    "issues": "matters",
    "great": "huge",
    "huge": "enormous",
    "main": "key",
    "key": "main",
    "serious": "grave",
    "quickly": "rapidly",
    "begin": "start",
    "started": "began",
    "began": "started",
    "create": "build",
    "achieve": "reach",
    "achieved": "reached",
    "ensure": "guarantee",
    "current": "present",
    "difficult": "hard",
    "possible": "feasible",
    "certainly": "definitely",
    "definitely": "certainly",
    "obviously": "clearly",
    "clearly": "obviously",
    "absolutely": "completely",
    "goal": "aim",
    "goals": "aims",
    "region": "area",
    "regions": "areas",
    "people": "citizens",
    "result": "outcome",
    "results": "outcomes",
    "strengthen": "reinforce",
    "today": "now",
    "almost": "nearly",
    "nearly": "almost",
    "agreed": "decided",
}
_FILLERS = ("really", "certainly", "of course", "indeed", "very", "also", "just")
_INSERT_AFTER = frozenset({"is", "are", "was", "were", "will", "can", "must", "should", "have"})
_MOVABLE = frozenset({"also", "always", "already", "certainly"})
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "will", "would", "can", "could", "have", "has", "had", "must"}
)
_DROPPABLE = frozenset(
    {
        "the",
        "that",
        "very",
        "really",
        "also",
        "just",
        "certainly",
        "indeed",
        "already",
        "here",
        "quite",
        "truly",
        "simply",
        "absolutely",
        "definitely",
        "actually",
        "now",
        "well",
    }
)
_PROTECTED = frozenset({"not", "no", "never", "nor", "without", "only", "all", "none", "any"})
_ISE_STEMS = (
    "real organ recogn emphas priorit stabil modern character critic summar apolog util normal "
    "final minim maxim mobil harmon special author neutral symbol visual optim digital legal "
    "privat capital global central subsid jeopard democrat moral revital industrial computer "
    "categor item standard synchron monopol memor sympath scrutin"
).split()
_SPELLING = [
    (re.compile(r"\b(" + "|".join(_ISE_STEMS) + r")is(e|es|ed|ing)\b", re.I), r"\1iz\2"),
    (re.compile(r"\b(\w{2,})isation(s?)\b"), r"\1ization\2"),
    (re.compile(r"\b(lab|favo|neighbo|hono|behavio|colo|harbo|endeavo)ur"), r"\1r"),
    (re.compile(r"\bcentre(s?)\b"), r"center\1"),
    (re.compile(r"\bprogramme(s?)\b"), r"program\1"),
    (re.compile(r"\bdefence\b"), "defense"),
    (re.compile(r"\bcatalogue\b"), "catalog"),
    (re.compile(r"\banalyse(s|d)?\b"), r"analyze\1"),
]
_SPELLING_EXCEPTIONS = frozenset(
    {"rise", "wise", "otherwise", "likewise", "promise", "precise", "concise", "expertise"}
)
_NUMBER_WORDS = {
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
    "10": "ten",
    "12": "twelve",
    "15": "fifteen",
    "20": "twenty",
    "30": "thirty",
    "50": "fifty",
    "100": "a hundred",
}
_WORD_NUMBERS = {v: k for k, v in _NUMBER_WORDS.items() if " " not in v and v != "one"}
_CONTRACTIONS = [
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("did not", "didn't"),
    ("cannot", "can't"),
    ("will not", "won't"),
    ("is not", "isn't"),
    ("are not", "aren't"),
    ("it is", "it's"),
    ("we are", "we're"),
    ("we have", "we've"),
    ("I am", "I'm"),
    ("we will", "we'll"),
]
_TOKENS = re.compile(r"\d+(?:[.,]\d+)*|[\w’'-]+")


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str


def _tokens(text: str) -> list[_Token]:
    """The words of ``text`` with their offsets (numbers like ``8,000`` are one word)."""
    return [_Token(m.start(), m.end(), m.group(0)) for m in _TOKENS.finditer(text)]


def _joined(text: str, a: _Token, b: _Token) -> bool:
    """True when only spaces separate the two words."""
    return text[a.end : b.start].strip() == ""


def _fix_article(text: str, at: int) -> str:
    """Make the ``a``/``an`` before position ``at`` agree with the word now there."""
    match = re.search(r"\b([Aa]n?) +$", text[:at])
    if not match or not text[at : at + 1].isalpha():
        return text
    article = "an" if text[at].casefold() in "aeio" else "a"
    if match.group(1)[0] == "A":
        article = article.capitalize()
    return text[: match.start(1)] + article + text[match.end(1) :]


_SUBJECTS = frozenset("we i the it they this our you there he she all these those russia".split())
_NOUN_SUBSTITUTES = frozenset(
    "problem problems issue issues result results goal goals region regions people".split()
)
_DETERMINERS = frozenset(
    """the a an this that these those our their your its his her key main important other some
    many several major serious all any such every""".split()
)


def _next_word(tokens: Sequence[_Token], i: int) -> str:
    return tokens[i + 1].text.casefold() if i + 1 < len(tokens) else ""


def _alter_drop(text: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _tokens(text)
    options = [
        i
        for i, t in enumerate(tokens[1:], 1)
        if t.text in _DROPPABLE
        and (t.text != "that" or _next_word(tokens, i) in _SUBJECTS)
        and not (t.text == "the" and _next_word(tokens, i) in ("like", "same", "other"))
        and _joined(text, tokens[i - 1], t)
    ]
    if not options:
        return None
    weights = [0.3 if tokens[i].text == "the" else 1.0 for i in options]
    t = tokens[rng.choices(options, weights)[0]]
    left, right = text[: t.start].rstrip(" "), text[t.end :].lstrip(" ")
    new = left + ("" if right[:1] in ".,:;!?)–" else " ") + right
    at = len(left) + 1
    return _fix_article(new, at) if at < len(new) else new, f"dropped '{t.text}'"


def _alter_substitute(text: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _tokens(text)
    options = [
        t
        for i, t in enumerate(tokens)
        if t.text in _SUBSTITUTES
        and (t.text not in _NOUN_SUBSTITUTES or (i > 0 and tokens[i - 1].text in _DETERMINERS))
        and not (t.text == "believe" and _next_word(tokens, i) == "in")
    ]
    if not options:
        return None
    t = rng.choice(options)
    word = _SUBSTITUTES[t.text]
    new = _fix_article(text[: t.start] + word + text[t.end :], t.start)
    return new, f"'{t.text}' -> '{word}'"


def _alter_add(text: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _tokens(text)
    options = [
        t
        for t, nxt in itertools.pairwise(tokens)
        if t.text in _INSERT_AFTER
        and nxt.text not in _FILLERS
        and nxt.text not in ("not", "to", "been")
        and nxt.text.islower()
        and _joined(text, t, nxt)
    ]
    if not options:
        return None
    t = rng.choice(options)
    filler = rng.choice(_FILLERS[:4])
    return text[: t.end] + " " + filler + text[t.end :], f"added '{filler}'"


def _same_class(a: str, b: str) -> bool:
    """Crude part-of-speech agreement: both plural, or the same ending."""
    endings = ("ing", "ed", "al", "ic", "ive", "ous", "ion", "ity", "ment", "ness", "ly")
    if a.endswith("s") and b.endswith("s") and not a.endswith("ss") and not b.endswith("ss"):
        return True
    return any(a.endswith(e) and b.endswith(e) for e in endings)


def _alter_order(text: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _tokens(text)

    def plain(t: _Token) -> bool:
        return t.text.isalpha() and t.text.islower() and t.text not in _STOPWORDS

    def edge(inner: _Token, outer: _Token, before: bool) -> bool:
        gap = text[outer.end : inner.start] if before else text[inner.end : outer.start]
        return gap.strip() != "" or outer.text in _STOPWORDS

    pairs = [
        i
        for i in range(2, len(tokens) - 2)
        if tokens[i].text == "and"
        and plain(tokens[i - 1])
        and plain(tokens[i + 1])
        and _same_class(tokens[i - 1].text, tokens[i + 1].text)
        and _joined(text, tokens[i - 1], tokens[i])
        and _joined(text, tokens[i], tokens[i + 1])
        and edge(tokens[i - 1], tokens[i - 2], True)
        and edge(tokens[i + 1], tokens[i + 2], False)
    ]
    if pairs:
        i = rng.choice(pairs)
        x, y = tokens[i - 1], tokens[i + 1]
        new = text[: x.start] + y.text + text[x.end : y.start] + x.text + text[y.end :]
        return new, f"swapped '{x.text} and {y.text}'"
    movable = [
        (a, b)
        for a, b in itertools.pairwise(tokens)
        if _joined(text, a, b)
        and (
            (a.text in _MOVABLE and b.text in _AUXILIARIES)
            or (b.text in _MOVABLE and a.text in _AUXILIARIES)
        )
    ]
    if not movable:
        return None
    a, b = rng.choice(movable)
    new = text[: a.start] + b.text + text[a.end : b.start] + a.text + text[b.end :]
    moved = a.text if a.text in _MOVABLE else b.text
    return new, f"moved '{moved}'"


def _alter_spelling(text: str) -> tuple[str, str] | None:
    for pattern, replacement in _SPELLING:
        for match in pattern.finditer(text):
            word = match.group(0)
            if word.casefold() in _SPELLING_EXCEPTIONS or word.endswith("wise"):
                continue
            new = text[: match.start()] + match.expand(replacement) + text[match.end() :]
            return new, f"spelling '{word}' -> '{match.expand(replacement)}'"
    return None


def _alter_number(text: str) -> tuple[str, str] | None:
    for match in re.finditer(r"\b(\d{1,3}(?:,\d{3})+|\d+)(\s?)(percent|per cent|%)?", text):
        digits, _, unit = match.groups()
        if unit:
            new_unit = "%" if unit != "%" else " percent"
            new = text[: match.start()] + digits + new_unit + text[match.end() :]
            return new, f"'{match.group(0)}' -> '{digits}{new_unit}'"
        if "," in digits:
            new = text[: match.start(1)] + digits.replace(",", "") + text[match.end(1) :]
            return new, f"'{digits}' -> '{digits.replace(',', '')}'"
        if re.search(r"\b[A-Z]\w*[ -]$", text[: match.start(1)]):
            continue  # a name: "Sakhalin 1", "Su-27"
        context = text[match.start(1) - 1 : match.start(1)] + text[match.end(1) : match.end(1) + 1]
        if digits in _NUMBER_WORDS and not re.search(r"[\w.,:–-]", context):
            word = _NUMBER_WORDS[digits]
            return text[: match.start(1)] + word + text[match.end(1) :], f"'{digits}' -> '{word}'"
    for match in re.finditer(r"(?<![\w-])(" + "|".join(_WORD_NUMBERS) + r")(?![\w-])", text):
        digits = _WORD_NUMBERS[match.group(1)]
        new = text[: match.start()] + digits + text[match.end() :]
        return new, f"'{match.group(1)}' -> '{digits}'"
    return None


def _alter_contraction(text: str) -> tuple[str, str] | None:
    for full, short in _CONTRACTIONS:
        match = re.search(r"\b" + full + r"\b(?= \w)", text)
        if match:
            new = text[: match.start()] + short + text[match.end() :]
            return new, f"'{full}' -> '{short}'"
    return None


MISQUOTE_TYPES = ("drop", "substitute", "add", "order", "spelling", "number", "contraction")


def misquote(text: str, kind: str, rng: random.Random) -> tuple[str, str] | None:
    """``text`` altered one way (``kind``), with a note; None when it does not apply."""
    if kind == "spelling":
        return _alter_spelling(text)
    if kind == "number":
        return _alter_number(text)
    if kind == "contraction":
        return _alter_contraction(text)
    alter = {
        "drop": _alter_drop,
        "substitute": _alter_substitute,
        "add": _alter_add,
        "order": _alter_order,
    }[kind]
    return alter(text, rng)


def generate_misquotes(
    pool: dict[str, list[Sentence]], used_docs: set[str], rng: random.Random
) -> list[dict[str, Any]]:
    """``N_MISQUOTE`` misquotes, types taken in turn, one sentence per document."""
    doc_ids = [d for d in sorted(pool) if d not in used_docs]
    rng.shuffle(doc_ids)
    out: list[dict[str, Any]] = []
    for doc_id in doc_ids:
        if len(out) >= N_MISQUOTE:
            break
        kind = MISQUOTE_TYPES[len(out) % len(MISQUOTE_TYPES)]
        sentences = list(pool[doc_id])
        rng.shuffle(sentences)
        for sentence in sentences:
            text = norm(sentence.text)
            first = misquote(text, kind, rng)
            if first is None:
                continue
            query, note = first
            label = kind
            if rng.random() < 0.35:  # a second, different slip
                others = [k for k in MISQUOTE_TYPES if k not in (kind, "substitute")]
                second_kind = rng.choice(others)
                second = misquote(query, second_kind, rng)
                if second is not None:
                    query, note = second[0], f"{note}; {second[1]}"
                    label = f"{kind}+{second_kind}"
            if query == text:
                continue
            out.append(
                {
                    "candidate": f"mis-{len(out) + 1:04d}",
                    "alteration": label,
                    "query": query,
                    "note": note,
                    **sentence.to_dict(),
                }
            )
            used_docs.add(doc_id)
            break
    return out


# ----------------------------------------------------------------------------- repeats


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    ws = words(norm(text))
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def repeat_candidates(documents: dict[str, Document], rng: random.Random) -> list[dict[str, Any]]:
    """Sentences said again in a later document: a shared rare 5-gram and shared vocabulary.

    A 5-gram is rare when at most ``RARE_SHINGLE_DOCS`` documents hold it (talking points, not
    formulas). The later sentence is the query; every earlier one sharing a rare 5-gram and
    at least 40 % of the content words (Jaccard) is a candidate gold. One candidate per pair
    of documents; a seeded sample of ``N_REPEAT`` is kept for checking by hand.
    """
    sentences: list[Sentence] = []
    order: dict[str, tuple[str, str]] = {}
    for doc_id in sorted(documents):
        document = documents[doc_id]
        if document.language != "en":
            continue
        order[doc_id] = (document.date or "0000", doc_id)
        sentences.extend(s for s in speech_sentences(document) if is_content_bearing(s))
    index: dict[tuple[str, ...], set[int]] = defaultdict(set)
    shingles = [_shingles(s.text) for s in sentences]
    for i, sh in enumerate(shingles):
        for g in sh:
            index[g].add(i)
    rare = {
        g: ids
        for g, ids in index.items()
        if 1 < len({sentences[i].doc_id for i in ids}) <= RARE_SHINGLE_DOCS
    }
    partners: dict[int, set[int]] = defaultdict(set)
    for ids in rare.values():
        for i in ids:
            partners[i].update(j for j in ids if sentences[j].doc_id != sentences[i].doc_id)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for i in sorted(partners):
        query = sentences[i]
        qwords = content_words(query.text)
        earlier = []
        for j in sorted(partners[i]):
            other = sentences[j]
            if order[other.doc_id] >= order[query.doc_id]:
                continue
            owords = content_words(other.text)
            jaccard = len(qwords & owords) / len(qwords | owords)
            if jaccard >= 0.4:
                earlier.append((other, round(jaccard, 3)))
        if not earlier:
            continue
        key = (query.doc_id, min(e[0].doc_id for e in earlier))
        if key in groups:
            continue
        groups[key] = {
            "query": query.to_dict(),
            "earlier": [dict(e.to_dict(), jaccard=jac) for e, jac in earlier],
        }
    keys = sorted(groups)
    rng.shuffle(keys)
    # At most one candidate per query document, and prefer variety of earlier documents.
    chosen: list[dict[str, Any]] = []
    seen_docs: set[str] = set()
    for key in keys:
        if key[0] in seen_docs or key[1] in seen_docs:
            continue
        seen_docs.update(key)
        chosen.append(groups[key])
        if len(chosen) >= N_REPEAT:
            break
    # A second round: specific statements only (no courtesy formulas, which recur too often
    # for the earlier occurrences to be listed completely), documents may be reused.
    taken = {id(g) for g in chosen}
    for key in keys:
        group = groups[key]
        if len(chosen) >= N_REPEAT + N_REPEAT_EXTRA or id(group) in taken:
            continue
        text = group["query"]["text"].casefold()
        if any(word in text for word in _FORMULA_WORDS):
            continue
        if max(e["jaccard"] for e in group["earlier"]) < 0.45:
            continue
        chosen.append(group)
    for n, group in enumerate(chosen, 1):
        group["candidate"] = f"rep-{n:04d}"
    return [{"candidate": g["candidate"], **g} for g in chosen]


# ----------------------------------------------------------------------------- sampling


@dataclass(slots=True)
class Candidates:
    paraphrase: list[dict[str, Any]]
    misquote: list[dict[str, Any]]
    ru_translation: list[dict[str, Any]]
    repeat: list[dict[str, Any]]


def sample_candidates(documents: dict[str, Document]) -> Candidates:
    pool = english_pool(documents)
    used: set[str] = set()
    paraphrase = stratified_sample(pool, N_PARAPHRASE, random.Random(SEED), used)
    ru = stratified_sample(pool, N_RU_TRANSLATION, random.Random(SEED + 1), used)
    misquotes = generate_misquotes(pool, used, random.Random(SEED + 2))
    repeats = repeat_candidates(documents, random.Random(SEED + 3))
    return Candidates(
        paraphrase=[
            {"candidate": f"para-{n:04d}", **s.to_dict()} for n, s in enumerate(paraphrase, 1)
        ],
        misquote=misquotes,
        ru_translation=[{"candidate": f"ru-{n:04d}", **s.to_dict()} for n, s in enumerate(ru, 1)],
        repeat=repeats,
    )


def pair_sentences(documents: dict[str, Document], root: Path) -> list[dict[str, Any]]:
    """The sentences of both versions of each RU/EN pair, to align by hand."""
    out = []
    for line in (root / PAIRS).read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        for side in ("id_ru", "id_en"):
            document = documents[pair[side]]
            for paragraph in document.paragraphs:
                for start, end in split_sentences(document.text, paragraph.start, paragraph.end):
                    out.append(
                        {
                            "pair": pair["id_ru"].rsplit("-", 1)[1],
                            "doc_id": document.id,
                            "paragraph_id": paragraph.id,
                            "start": start,
                            "end": end,
                            "text": norm(document.text[start:end]),
                        }
                    )
    return out


# ----------------------------------------------------------------------------- assembling


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{n}: {error}") from error
    return rows


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


class GoldBuilder:
    """Makes gold spans from the parsed corpus and checks each one."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.errors: list[str] = []
        self._verbatim: dict[str, list[tuple[str, int, int]]] | None = None

    def paragraph_id(self, doc_id: str, start: int, end: int) -> str:
        for paragraph in self.documents[doc_id].paragraphs:
            if paragraph.start <= start and end <= paragraph.end:
                return paragraph.id
        raise ValueError(f"{doc_id} [{start}:{end}] is not inside one paragraph")

    def span(self, doc_id: str, start: int, end: int) -> dict[str, Any]:
        text = self.documents[doc_id].text[start:end]
        return {
            "doc_id": doc_id,
            "paragraph_id": self.paragraph_id(doc_id, start, end),
            "start": start,
            "end": end,
            "text": text,
        }

    def find(self, doc_id: str, snippet: str) -> dict[str, Any]:
        """The one span of ``doc_id`` whose text is ``snippet`` (NBSP-insensitive)."""
        text = norm(self.documents[doc_id].text)
        wanted = norm(snippet).strip()
        start = text.find(wanted)
        if start < 0 or text.find(wanted, start + 1) >= 0:
            raise ValueError(
                f"{doc_id}: {wanted[:60]!r} found {'twice' if start >= 0 else 'nowhere'}"
            )
        return self.span(doc_id, start, start + len(wanted))

    def verbatim_copies(self, doc_id: str, start: int, end: int) -> list[dict[str, Any]]:
        """Other documents' sentences identical to this one (same gold, other place)."""
        if self._verbatim is None:
            self._verbatim = defaultdict(list)
            for did in sorted(self.documents):
                for s in speech_sentences(self.documents[did]):
                    if len(words(s.text)) >= MIN_WORDS:
                        self._verbatim[" ".join(words(norm(s.text)))].append(
                            (s.doc_id, s.start, s.end)
                        )
        key = " ".join(words(norm(self.documents[doc_id].text[start:end])))
        return [self.span(d, s, e) for d, s, e in self._verbatim.get(key, []) if d != doc_id]

    def check(self, query: dict[str, Any]) -> None:
        for gold in query["gold"]:
            document = self.documents.get(gold["doc_id"])
            if document is None:
                self.errors.append(f"{query['id']}: no document {gold['doc_id']}")
                continue
            if document.text[gold["start"] : gold["end"]] != gold["text"]:
                self.errors.append(f"{query['id']}: text mismatch at {gold['doc_id']}")
            if (
                self.paragraph_id(gold["doc_id"], gold["start"], gold["end"])
                != gold["paragraph_id"]
            ):
                self.errors.append(f"{query['id']}: wrong paragraph id")
            if gold["doc_id"] == query["exclude_doc"]:
                self.errors.append(f"{query['id']}: gold in the excluded document")
        if not query["query"].strip():
            self.errors.append(f"{query['id']}: empty query")


def _query(
    qid: str,
    kind: str,
    query: str,
    language: str,
    gold: list[dict[str, Any]],
    *,
    exclude_doc: str | None = None,
    source: dict[str, Any] | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "id": qid,
        "kind": kind,
        "query": unicodedata.normalize("NFC", query),
        "query_language": language,
        "gold": gold,
        "exclude_doc": exclude_doc,
        "source": source,
        "note": note,
    }


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": row["doc_id"], "start": row["start"], "end": row["end"]}


def assemble(documents: dict[str, Document], candidates: Candidates) -> list[dict[str, Any]]:
    builder = GoldBuilder(documents)
    queries: list[dict[str, Any]] = []

    def target(row: dict[str, Any]) -> list[dict[str, Any]]:
        main = builder.span(row["doc_id"], row["start"], row["end"])
        if main["text"] != row["text"]:
            builder.errors.append(f"{row['candidate']}: candidate text differs from corpus")
        return [main, *builder.verbatim_copies(row["doc_id"], row["start"], row["end"])]

    by_id = {c["candidate"]: c for c in candidates.paraphrase}
    for n, row in enumerate(read_jsonl(GOLD_DIR / "paraphrases.jsonl"), 1):
        cand = by_id[row["candidate"]]
        queries.append(
            _query(
                f"paraphrase-{n:04d}",
                "paraphrase",
                row["query"],
                "en",
                target(cand),
                source=_source(cand),
                note=f"hand paraphrase of {row['candidate']}. {row.get('note', '')}".strip(),
            )
        )

    rejected = {r["candidate"] for r in read_jsonl(GOLD_DIR / "misquotes_rejected.jsonl")}
    n = 0
    for cand in candidates.misquote:
        if cand["candidate"] in rejected:
            continue
        n += 1
        queries.append(
            _query(
                f"misquote-{n:04d}",
                "misquote",
                cand["query"],
                "en",
                target(cand),
                source=_source(cand),
                note=f"{cand['candidate']} ({cand['alteration']}): {cand['note']}",
            )
        )

    n = 0
    for row in read_jsonl(GOLD_DIR / "translations.jsonl"):
        try:
            ru = builder.find(f"kremlin-ru-{row['pair']}", row["ru"])
            en = builder.find(f"kremlin-en-{row['pair']}", row["en"])
        except ValueError as error:
            builder.errors.append(f"translations.jsonl: {error}")
            continue
        note = row.get("note", "")
        n += 1
        queries.append(
            _query(
                f"translation-{n:04d}",
                "translation",
                norm(ru["text"]),
                "ru",
                [en],
                exclude_doc=ru["doc_id"],
                source=_source(ru),
                note=f"ru->en, hand-aligned kremlin pair {row['pair']}. {note}".strip(),
            )
        )
        n += 1
        queries.append(
            _query(
                f"translation-{n:04d}",
                "translation",
                norm(en["text"]),
                "en",
                [ru],
                exclude_doc=en["doc_id"],
                source=_source(en),
                note=f"en->ru, hand-aligned kremlin pair {row['pair']}. {note}".strip(),
            )
        )
    by_id = {c["candidate"]: c for c in candidates.ru_translation}
    for row in read_jsonl(GOLD_DIR / "ru_translations.jsonl"):
        cand = by_id[row["candidate"]]
        n += 1
        queries.append(
            _query(
                f"translation-{n:04d}",
                "translation",
                row["query"],
                "ru",
                target(cand),
                source=None,
                note=f"ru->en, hand translation of {row['candidate']} (written for this set)",
            )
        )

    by_id = {c["candidate"]: c for c in candidates.repeat}
    n = 0
    for row in read_jsonl(GOLD_DIR / "repeats_checked.jsonl"):
        if row["verdict"] != "keep":
            continue
        cand = by_id[row["candidate"]]
        q = cand["query"]
        gold = [
            builder.span(
                cand["earlier"][i]["doc_id"], cand["earlier"][i]["start"], cand["earlier"][i]["end"]
            )
            for i in row.get("gold", range(len(cand["earlier"])))
        ]
        for extra in row.get("extra_gold", []):
            span = builder.span(extra["doc_id"], extra["start"], extra["end"])
            if span["text"] != extra["text"]:
                builder.errors.append(f"{row['candidate']}: extra gold text differs from corpus")
            when = (documents[extra["doc_id"]].date or "", extra["doc_id"])
            if when >= (documents[q["doc_id"]].date or "", q["doc_id"]):
                builder.errors.append(f"{row['candidate']}: extra gold is not earlier")
            gold.append(span)
        gold = list({(g["doc_id"], g["start"]): g for g in gold}.values())
        n += 1
        queries.append(
            _query(
                f"repeat-{n:04d}",
                "repeat",
                norm(q["text"]),
                "en",
                gold,
                exclude_doc=q["doc_id"],
                source=_source(q),
                note=f"{row['candidate']}: {row.get('note', '')}".strip(),
            )
        )

    for n, row in enumerate(read_jsonl(GOLD_DIR / "negatives.jsonl"), 1):
        problem = negative_problem(documents, row["query"])
        if problem:
            builder.errors.append(f"negative {row['id']}: {problem}")
        queries.append(
            _query(
                f"negative-{n:04d}",
                "negative",
                row["query"],
                row.get("language", "en"),
                [],
                note=row.get("note", ""),
            )
        )

    for query in queries:
        builder.check(query)
    if builder.errors:
        for message in builder.errors:
            print("ERROR", message, file=sys.stderr)
        raise SystemExit(1)
    return queries


_NEAREST_CACHE: dict[int, list[tuple[str, str, set[str], set[tuple[str, ...]]]]] = {}


def _all_sentences(
    documents: dict[str, Document],
) -> list[tuple[str, str, set[str], set[tuple[str, ...]]]]:
    key = id(documents)
    if key not in _NEAREST_CACHE:
        rows = []
        for doc_id in sorted(documents):
            document = documents[doc_id]
            for paragraph in document.paragraphs:
                for s, e in split_sentences(document.text, paragraph.start, paragraph.end):
                    text = norm(document.text[s:e])
                    rows.append((doc_id, text, content_words(text), _shingles(text)))
        _NEAREST_CACHE[key] = rows
    return _NEAREST_CACHE[key]


def nearest(documents: dict[str, Document], query: str) -> tuple[float, int, str, str]:
    """The corpus sentence closest to ``query``: (Jaccard, shared 5-grams, doc id, text)."""
    qwords = content_words(query)
    qshingles = _shingles(query)
    best = (0.0, 0, "", "")
    for doc_id, text, cwords, shingles in _all_sentences(documents):
        if not cwords:
            continue
        jaccard = len(qwords & cwords) / len(qwords | cwords)
        shared = len(qshingles & shingles)
        if (shared, jaccard) > (best[1], best[0]):
            best = (round(jaccard, 3), shared, doc_id, text)
    return best


def negative_problem(documents: dict[str, Document], query: str) -> str | None:
    jaccard, shared, doc_id, text = nearest(documents, query)
    if shared >= MAX_SHARED_5GRAMS:
        return f"shares {shared} 5-word sequences with {doc_id}: {text[:100]!r}"
    if jaccard >= 0.5:
        return f"shares {jaccard:.0%} of its content words with {doc_id}: {text[:100]!r}"
    return None


# ----------------------------------------------------------------------------- main


_CANDIDATE_FILES = {
    "paraphrase": "paraphrase.jsonl",
    "misquote": "misquote.jsonl",
    "ru_translation": "ru_translation.jsonl",
    "repeat": "repeat.jsonl",
}


def stored_candidates() -> Candidates:
    """The candidate files the hand-written inputs were made from (the build's input)."""
    rows = {kind: read_jsonl(CANDIDATE_DIR / name) for kind, name in _CANDIDATE_FILES.items()}
    missing = [name for kind, name in _CANDIDATE_FILES.items() if not rows[kind]]
    if missing:
        raise SystemExit(f"no candidates in {CANDIDATE_DIR}: {missing}; run 'candidates' first")
    return Candidates(**rows)


def sampling_drift(stored: Candidates, fresh: Candidates) -> list[str]:
    """Candidate files that the seeded sampling no longer reproduces."""
    return [
        name
        for kind, name in _CANDIDATE_FILES.items()
        if getattr(stored, kind) != json.loads(json.dumps(getattr(fresh, kind)))
    ]


def write_candidates(documents: dict[str, Document], root: Path, force: bool = False) -> int:
    """Write the candidate files; refuse to replace ones that differ unless ``force``.

    The hand-written inputs refer to candidates by id, so silently replacing a candidate file
    (after a change to the parser or the sentence splitter, say) would attach them to other
    sentences.
    """
    candidates = sample_candidates(documents)
    if not force and (CANDIDATE_DIR / "paraphrase.jsonl").exists():
        drift = sampling_drift(stored_candidates(), candidates)
        if drift:
            print(
                f"the sampling no longer reproduces {drift}; the hand-written inputs refer to "
                "the stored files. Re-run with --force only to start the hand work again.",
                file=sys.stderr,
            )
            return 1
    for name, rows in (
        ("paraphrase.jsonl", candidates.paraphrase),
        ("misquote.jsonl", candidates.misquote),
        ("ru_translation.jsonl", candidates.ru_translation),
        ("repeat.jsonl", candidates.repeat),
        ("pair_sentences.jsonl", pair_sentences(documents, root)),
    ):
        print(f"{name}: {write_jsonl(CANDIDATE_DIR / name, rows)} rows")
    negatives = read_jsonl(GOLD_DIR / "negatives.jsonl")
    rows = []
    for row in negatives:
        jaccard, shared, doc_id, text = nearest(documents, row["query"])
        rows.append(
            {
                "id": row["id"],
                "query": row["query"],
                "nearest_doc": doc_id,
                "nearest": text,
                "jaccard": jaccard,
                "shared_5grams": shared,
            }
        )
    if rows:
        n = write_jsonl(CANDIDATE_DIR / "negatives_nearest.jsonl", rows)
        print(f"negatives_nearest.jsonl: {n} rows")
    return 0


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else "build"
    root = shared_root()
    documents = load_documents(root)
    if command == "candidates":
        return write_candidates(documents, root, force="--force" in argv[1:])
    if command != "build":
        print(f"unknown command {command!r}: use 'candidates' or 'build'", file=sys.stderr)
        return 2
    stored = stored_candidates()
    drift = sampling_drift(stored, sample_candidates(documents))
    if drift:
        print(
            f"warning: the seeded sampling no longer reproduces {drift} (parser or sentence "
            "splitter changed?); building from the stored candidates, every span re-verified",
            file=sys.stderr,
        )
    queries = assemble(documents, stored)
    write_jsonl(GOLD_FILE, queries)
    counts: dict[str, int] = defaultdict(int)
    for query in queries:
        counts[f"{query['kind']}/{query['query_language']}"] += 1
    print(f"{GOLD_FILE.relative_to(REPO_ROOT)}: {len(queries)} queries")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
