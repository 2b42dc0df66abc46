"""Stable document ids: from the source URL when known, else from the content."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

__all__ = ["document_id", "kremlin_id"]

_KREMLIN = re.compile(
    r"^(?:https?://)?(?P<en>en\.)?kremlin\.ru/(?:events/president/(?:news|transcripts)"
    r"|catalog/[\w/-]*?events|d)/(?P<number>\d+)/?$",
    re.IGNORECASE,
)
_NON_ID = re.compile(r"[^a-z0-9]+")


def kremlin_id(url: str) -> str | None:
    """``kremlin-en-54688`` for an en.kremlin.ru page, ``kremlin-ru-…`` for kremlin.ru."""
    match = _KREMLIN.match(url.strip())
    if match is None:
        return None
    language = "en" if match.group("en") else "ru"
    return f"kremlin-{language}-{match.group('number')}"


def document_id(text: str, source_url: str | None) -> str:
    """The id of a document that did not bring its own.

    Kremlin pages keep the site's numbering (the same ids the shared corpora
    use); other URLs become a readable slug with a short hash; without a
    URL the id is a hash of the text, so the same text always gets it.
    """
    if source_url:
        known = kremlin_id(source_url)
        if known:
            return known
        parts = urlsplit(source_url.strip())
        slug = _NON_ID.sub("-", f"{parts.netloc}{parts.path}".lower()).strip("-")[:60]
        digest = hashlib.sha256(source_url.strip().encode()).hexdigest()[:8]
        return f"{slug}-{digest}" if slug else f"url-{digest}"
    return "doc-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
