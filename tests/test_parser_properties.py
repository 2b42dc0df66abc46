"""Properties of the parser that hold for any input (Hypothesis)."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from onrecord import Document, OnrecordError, TurnKind
from onrecord.model import RawDocument
from onrecord.parse.parser import parse

NBSP = "\u00a0"
_labels = st.sampled_from(
    [
        "Vladimir Putin",
        f"President of{NBSP}Russia Vladimir Putin",
        "Question",
        "В.Путин",
        "Вопрос",
        "TRUMP",
        "For example",
        "Dmitry Peskov",
        "(APPLAUSE) CLINTON",
    ]
)
_words = st.text(
    alphabet=st.sampled_from(list("abcdefgh ABCDEF:,.;!?()[]<>…*-\u00a0\nабвгдВП'\"«»\t")),
    max_size=80,
)
_paragraph = st.one_of(
    _words,
    st.builds(lambda label, words: f"{label}: {words}", _labels, _words),
    st.builds(lambda label, words: f"{label}:{NBSP}{words}", _labels, _words),
    st.just("* * *"),
    st.just("<…>"),
    st.just("(Applause.)"),
    st.just("Continue reading here."),
)
transcripts = st.lists(_paragraph, max_size=12).map("\n\n".join)


def _raw(text: str) -> RawDocument:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return RawDocument(text=text, source="<test>", input_sha256=digest, reader="text")


def _parse_or_none(text: str) -> Document | None:
    try:
        return parse(_raw(text))
    except OnrecordError:
        return None


def _check_offsets(document: Document) -> None:
    text = document.text
    size = len(text)
    previous_end = 0
    for index, turn in enumerate(document.turns):
        assert turn.index == index
        assert 0 <= turn.start <= turn.end <= size
        assert turn.start >= previous_end or turn.continues is not None or turn.start == turn.end
        previous_end = max(previous_end, turn.end)
        if turn.kind is TurnKind.SPEECH:
            assert turn.label is not None and turn.speaker_id
            assert turn.label_start is not None and turn.label_end is not None
            assert 0 <= turn.label_start < turn.label_end <= size
            assert text[turn.label_start : turn.label_end] == turn.label
        else:
            assert turn.label is None and turn.speaker_id is None
    last = 0
    for number, paragraph in enumerate(document.paragraphs, start=1):
        assert paragraph.id == f"{document.id}#p{number}"
        assert last <= paragraph.start < paragraph.end <= size
        last = paragraph.end
        turn = document.turns[paragraph.turn]
        assert turn.start <= paragraph.start and paragraph.end <= turn.end
        assert text[paragraph.start : paragraph.end].strip()


@given(st.text(max_size=400))
def test_no_text_makes_the_parser_raise_anything_but_its_own_error(text: str) -> None:
    document = _parse_or_none(text)
    if document is not None:
        _check_offsets(document)


@given(transcripts)
def test_offsets_stay_inside_the_text_and_cite_it(text: str) -> None:
    document = _parse_or_none(text)
    if document is None:
        assert not text.strip()
        return
    _check_offsets(document)
    # Every non-blank character of the text is in a paragraph, a label, or a warning.
    covered = [False] * len(text)
    spans = [(p.start, p.end) for p in document.paragraphs]
    spans += [(t.label_start, t.label_end) for t in document.turns if t.label_start is not None]
    spans += [(w.start, w.end) for w in document.warnings if w.start is not None]
    for start, end in spans:
        assert start is not None and end is not None
        for i in range(start, end):
            covered[i] = True
    dropped = "".join(c for c, seen in zip(text, covered, strict=True) if not seen)
    assert not dropped.replace(":", "").strip(), repr(dropped)


@given(transcripts)
def test_parsing_is_deterministic_and_round_trips_through_json(text: str) -> None:
    first, second = _parse_or_none(text), _parse_or_none(text)
    assert first == second
    if first is not None:
        assert Document.from_dict(first.to_dict()) == first


@given(st.binary(max_size=300))
def test_no_bytes_make_the_reader_crash(data: bytes) -> None:
    from onrecord.ingest.sources import _read_single

    for kind in ("text", "html", "json"):
        for item in _read_single(data, "<bytes>", kind):
            if isinstance(item, RawDocument):
                _parse_or_none(item.text)
