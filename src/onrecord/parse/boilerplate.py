"""Republishers' trailing boilerplate: "Continue reading here.", share links.

Aggregators cut a transcript short and append a link line. That line is not
anyone's words, so it must stay out of every turn; the cut itself is news
to the reader of the record, so it becomes a ``truncated`` warning.
"""

from __future__ import annotations

import re

__all__ = ["trailing_boilerplate"]

_TRAILER = re.compile(
    r"""^(?:
        (?:continue|keep)\s+reading(?:\s+(?:here|on|at)\b.*)?
      | read\s+(?:more\b.*|the\s+(?:full|rest|whole|original)\b.*|on\b.*)
      | (?:click|tap)\s+here\b.*
      | (?:full|original)\s+(?:text|transcript|article|story)\s*(?:here|at|on|:).*
      | (?:source|via)\s*:\s*\S.{0,200}
      | share\s+(?:this|on)\b.*
      | (?:share|tweet|email|print)
        (?:\s*[|/·•]\s*(?:share|tweet|email|print|facebook|twitter|telegram|vk))+
      | читать\s+(?:далее|дальше|полностью|продолжение).*
      | продолжение\s+(?:читайте|следует).*
      | (?:подробнее|источник)\s*:?.{0,200}
      | \[?(?:…|\.\.\.)\]?\s*(?:more|далее)
    )\s*[.…!:»]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_TRAILER_CHARS = 240


def trailing_boilerplate(text: str, spans: list[tuple[int, int]]) -> int:
    """How many of the last paragraphs ``spans`` are republisher boilerplate (0–3)."""
    count = 0
    for start, end in reversed(spans[-3:]):
        chunk = text[start:end]
        if len(chunk) > _MAX_TRAILER_CHARS or not _TRAILER.match(chunk.replace("\u00a0", " ")):
            break
        count += 1
    # A document that is nothing but such lines is not boilerplate: keep it.
    return count if count < len(spans) else 0
