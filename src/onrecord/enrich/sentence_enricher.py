"""The sentence enricher: every paragraph split into sentences, with offsets."""

from __future__ import annotations

from collections.abc import Sequence

from onrecord.enrich.sentences import split_sentences
from onrecord.model import Annotation, Document

__all__ = ["SentenceEnricher"]


class SentenceEnricher:
    """Sentences of each paragraph (narration included), layer ``sentence``."""

    name: str = "sentences"
    version: str = "1"
    requires: tuple[str, ...] = ("paragraphs",)
    assigns: tuple[str, ...] = ("sentences",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        return [
            Annotation("sentence", start, end, None, None, self.name, self.version)
            for paragraph in document.paragraphs
            for start, end in split_sentences(document.text, paragraph.start, paragraph.end)
        ]
