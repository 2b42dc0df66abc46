"""Sentence splitting keeps offsets into the text and knows abbreviations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onrecord.enrich.sentences import split_sentences

NBSP = "\u00a0"


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_english_sentences_and_abbreviations() -> None:
    text = (
        f"Mr Putin, thank you. We met in{NBSP}Istanbul. Mr. Smith arrived from the U.S. "
        "Yesterday? Yes! V. Putin said so… And then “Ukraine also initialed it.” It was 2014."
    )
    assert _sentences(text) == [
        "Mr Putin, thank you.",
        f"We met in{NBSP}Istanbul.",
        "Mr. Smith arrived from the U.S. Yesterday?",
        "Yes!",
        "V. Putin said so…",
        "And then “Ukraine also initialed it.”",
        "It was 2014.",
    ]


def test_russian_sentences_and_initials() -> None:
    text = (
        "В.В.Путин сказал: «Нет». Т.е. переговоры продолжатся. "
        "Встреча прошла 11 апреля 2024 г. В Москве."
    )
    assert _sentences(text) == [
        "В.В.Путин сказал: «Нет».",
        "Т.е. переговоры продолжатся.",
        "Встреча прошла 11 апреля 2024 г. В Москве.",
    ]


def test_offsets_inside_a_paragraph() -> None:
    text = "Narration.\n\nVladimir Putin: First point. Second point."
    start = text.index("First")
    spans = split_sentences(text, start, len(text))
    assert [text[s:e] for s, e in spans] == ["First point.", "Second point."]


@given(st.text(alphabet=st.sampled_from(list("ab AB.?!…\u00a0\n«»“”()Мм1")), max_size=200))
def test_sentences_cover_the_text_in_order(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        last = end
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())
