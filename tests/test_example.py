"""The issue's acceptance example: the Putin–Lukashenko remarks of 11 April 2024."""

from __future__ import annotations

from onrecord import Corpus, Document, TurnKind, parse_path

from .conftest import EXAMPLE


def _example() -> Document:
    (document,) = list(parse_path(EXAMPLE))
    return document


def test_metadata_from_the_header() -> None:
    document = _example()
    assert document.date == "2024-04-11"
    assert document.place == "Kremlin"
    assert document.title is not None and document.title.startswith("Putin’s Remarks at Press")
    assert document.kind.value == "press_conference"
    assert document.language == "en"


def test_narration_before_the_separator() -> None:
    document = _example()
    first = document.turns[0]
    assert first.kind is TurnKind.NARRATION
    narration = document.text[first.start : first.end]
    assert narration.startswith("Putin’s Remarks")
    assert narration.rstrip().endswith("* * *")
    assert "working lunch" in narration


def test_six_speech_turns_alternate_between_two_speakers() -> None:
    document = _example()
    speech = [t for t in document.turns if t.kind is TurnKind.SPEECH]
    assert [t.speaker_id for t in speech] == ["vladimir-putin", "alexander-lukashenko"] * 3
    assert {t.speaker for t in speech} == {"Vladimir Putin", "Alexander Lukashenko"}
    roles = {t.speaker_id: t.role for t in speech if t.role}
    assert roles == {
        "vladimir-putin": "President of Russia",
        "alexander-lukashenko": "President of the Republic of Belarus",
    }
    # Labels are kept exactly as printed, non-breaking spaces included.
    assert speech[0].label == "President of\u00a0Russia Vladimir Putin"
    assert speech[2].label == "Vladimir Putin"
    for turn in speech:
        assert document.text[turn.label_start : turn.label_end] == turn.label


def test_truncation_is_a_warning_and_in_no_turn() -> None:
    document = _example()
    (warning,) = [w for w in document.warnings if w.code == "truncated"]
    assert document.text[warning.start : warning.end] == "Continue reading here."
    for turn in document.turns:
        assert "Continue reading" not in document.text[turn.start : turn.end]
    for paragraph in document.paragraphs:
        assert "Continue reading" not in document.paragraph_text(paragraph)


def test_search_finds_lukashenkos_initialled_paragraph(example_corpus: Corpus) -> None:
    hits = example_corpus.search('"initialled"')
    assert len(hits) == 1
    hit = hits[0]
    assert hit.speaker_id == "alexander-lukashenko"
    document = example_corpus.document(hit.citation.doc_id)
    cited = document.text[hit.citation.start : hit.citation.end]
    assert "It was the\u00a0initialled document." in cited
    assert [document.text[s:e] for s, e in hit.matches] == ["initialled"]
    assert hit.citation.paragraph_id.startswith(document.id + "#p")


def test_quote_finds_putins_paragraph_with_the_matching_span(example_corpus: Corpus) -> None:
    matches = example_corpus.quote("the document was initialed by both sides")
    assert matches, "the quotation should be found"
    best = matches[0]
    assert best.speaker_id == "vladimir-putin"
    document = example_corpus.document(best.citation.doc_id)
    paragraph = document.text[best.citation.start : best.citation.end]
    assert "We initialed it on\u00a0both sides" in paragraph
    span = document.text[best.match_start : best.match_end]
    assert span == best.matched_text
    assert "initialed" in span
    assert 0.6 <= best.similarity < 1.0 and not best.verbatim


def test_verbatim_quote_is_exact(example_corpus: Corpus) -> None:
    (best, *_) = example_corpus.quote("Ukraine also initialed it.")
    assert best.verbatim and best.similarity == 1.0
    document = example_corpus.document(best.citation.doc_id)
    assert document.text[best.match_start : best.match_end] == "Ukraine also initialed it."


def test_quote_says_plainly_when_nothing_matches(example_corpus: Corpus) -> None:
    assert list(example_corpus.quote("penguins migrate across the Sahara every spring")) == []
