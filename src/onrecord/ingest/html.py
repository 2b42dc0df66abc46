"""HTML pages of official sites: text with paragraph structure, metadata, labels.

kremlin.ru and en.kremlin.ru pages carry the title, date and place in
known places and mark speaker labels as the bold run that opens a
paragraph; those bold runs become :class:`~onrecord.model.LabelHint` s.
Any other site goes through a generic reader: the largest block of
paragraphs, metadata from the usual ``<meta>`` tags.

The text is built the way the shared corpora were: one paragraph per
block element, paragraphs separated by a blank line, layout whitespace
collapsed, non-breaking spaces kept, ``<br>`` as a single newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from onrecord.errors import FormatError
from onrecord.model import LabelHint, ParseWarning, RawDocument

__all__ = ["read_html"]

_BLOCK_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd", "figcaption"]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "iframe", "svg", "button", "form", "nav"]
)
_IGNORED_CLASSES = frozenset({"masha-ignore", "hidden-copy"})
_BOLD_TAGS = frozenset({"b", "strong"})
_NOTE_THEN_COLON = re.compile(r"\s*(?:\([^()]{1,80}\)\s*)?:")
_LAYOUT_SPACE = re.compile(r"[ \t\r\n\f\v]+")


@dataclass
class _TextBuilder:
    """Accumulates paragraphs and the bold label runs that open them."""

    paragraphs: list[str] = field(default_factory=list)
    labels: list[int | None] = field(default_factory=list)  # label length per paragraph

    def add(self, text: str, label_length: int | None) -> None:
        stripped = text.strip(" \n")
        if not stripped:
            return
        leading = len(text) - len(text.lstrip(" \n"))
        if label_length is not None:
            label_length = max(0, label_length - leading)
        self.paragraphs.append(stripped)
        self.labels.append(label_length or None)

    def text_and_hints(self) -> tuple[str, tuple[LabelHint, ...]]:
        hints: list[LabelHint] = []
        position = 0
        for paragraph, label_length in zip(self.paragraphs, self.labels, strict=True):
            if label_length:
                # The hint starts where the paragraph's words do (after any NBSP),
                # which is where the parser's paragraph span starts.
                indent = len(paragraph) - len(paragraph.lstrip())
                hints.append(LabelHint(position + indent, position + label_length))
            position += len(paragraph) + 2
        return "\n\n".join(self.paragraphs), tuple(hints)


def read_html(html: str, source: str, sha256: str) -> RawDocument:
    """One document from an HTML page (see module docstring)."""
    tree = LexborHTMLParser(html)
    if tree.body is None:
        raise FormatError(source, "malformed HTML: no <body>")
    if tree.css_first("div.entry-content") is not None:
        return _read_kremlin(tree, source, sha256)
    return _read_generic(tree, source, sha256)


def _read_kremlin(tree: LexborHTMLParser, source: str, sha256: str) -> RawDocument:
    body = tree.css_first("div.entry-content")
    assert body is not None
    builder = _TextBuilder()
    _collect_blocks(body, builder)
    text, hints = builder.text_and_hints()
    if not text:
        raise FormatError(source, "the page's article body (div.entry-content) holds no text")
    published = tree.css_first("time.read__published")
    lead = _node_text(tree.css_first(".read__lead"))
    meta: dict[str, Any] = {"summary": lead} if lead else {}
    return RawDocument(
        text=text,
        source=source,
        input_sha256=sha256,
        reader="html-kremlin",
        source_url=_meta_content(tree, 'meta[property="og:url"]'),
        title=_node_text(tree.css_first("h1.entry-title")) or _meta_content(tree, "title"),
        date=published.attributes.get("datetime") if published is not None else None,
        place=_node_text(tree.css_first(".read__place")) or None,
        language=_page_language(tree),
        meta=meta,
        label_hints=hints or None,
    )


def _read_generic(tree: LexborHTMLParser, source: str, sha256: str) -> RawDocument:
    container = _main_container(tree)
    builder = _TextBuilder()
    _collect_blocks(container, builder)
    text, hints = builder.text_and_hints()
    if not text:
        raise FormatError(source, "the page holds no paragraph text")
    # Bold openings are labels only on sites that use them that way, which
    # shows as several of them; otherwise leave labels to the text parser.
    trusted = hints if len(hints) >= 2 else None
    notes = (ParseWarning("generic-html", "page read with the generic HTML reader"),)
    published = tree.css_first("time[datetime]")
    return RawDocument(
        text=text,
        source=source,
        input_sha256=sha256,
        reader="html-generic",
        source_url=_meta_content(tree, 'meta[property="og:url"]')
        or _link_href(tree, 'link[rel="canonical"]'),
        title=_meta_content(tree, 'meta[property="og:title"]')
        or _node_text(tree.css_first("h1"))
        or _node_text(tree.css_first("title")),
        date=_meta_content(tree, 'meta[property="article:published_time"]')
        or (published.attributes.get("datetime") if published is not None else None),
        language=_page_language(tree),
        label_hints=trusted,
        notes=notes,
    )


def _main_container(tree: LexborHTMLParser) -> LexborNode:
    for selector in ("article", "main", '[role="main"]'):
        node = tree.css_first(selector)
        if node is not None and node.css_first("p") is not None:
            return node
    best: LexborNode | None = None
    best_count = 0
    for node in tree.css("div, section"):
        count = sum(1 for child in node.iter() if child.tag == "p")  # direct children
        if count > best_count:
            best, best_count = node, count
    body = tree.body
    assert body is not None
    return best if best is not None else body


def _collect_blocks(node: LexborNode, builder: _TextBuilder) -> None:
    """Walk ``node``: every block element becomes a paragraph."""
    loose: list[str] = []
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            loose.append(_collapse(child.text_content or ""))
            continue
        if _ignored(child):
            continue
        if tag in _BLOCK_TAGS:
            builder.add("".join(loose), None)
            loose.clear()
            text, label_length = _block_text(child)
            builder.add(text, label_length)
        elif tag == "br":
            loose.append("\n")
        else:
            builder.add("".join(loose), None)
            loose.clear()
            _collect_blocks(child, builder)
    builder.add("".join(loose), None)


def _block_text(node: LexborNode) -> tuple[str, int | None]:
    """The text of a block and the length of its opening bold label, if any."""
    leaves = list(_leaves(node, bold=False))
    parts: list[str] = []
    bold_end: int | None = None  # where the bold words that open the block end
    for index, (piece, bold) in enumerate(leaves):
        if bold_end is None and not bold and piece.strip() and not _slipped_initial(leaves, index):
            bold_end = len("".join(parts))
        parts.append(piece)
    text = "".join(parts)
    # A paragraph that is all bold is a heading, not a label.
    label_length = _label_length(text, bold_end) if bold_end else None
    return re.sub(r" *\n *", "\n", text), label_length


def _slipped_initial(leaves: list[tuple[str, bool]], index: int) -> bool:
    """``<p>V<b>ladimir Putin:</b>``: the first letter of a bold label left out of the bold."""
    piece = leaves[index][0]
    following = leaves[index + 1] if index + 1 < len(leaves) else ("", False)
    starts_word = following[0][:1].isalpha()
    return index == 0 and len(piece) == 1 and piece.isupper() and following[1] and starts_word


def _leaves(node: LexborNode, bold: bool) -> Iterator[tuple[str, bool]]:
    """The visible text of ``node`` piece by piece, each with whether it is bold."""
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            yield _collapse(child.text_content or ""), bold
        elif child.tag == "br":
            yield "\n", bold
        elif not _ignored(child):
            yield from _leaves(child, bold or child.tag in _BOLD_TAGS)


def _label_length(text: str, bold_end: int) -> int | None:
    """Length of the label when the bold run (plus a note and a colon) ends in ':'."""
    bold = text[:bold_end]
    if not bold.strip():
        return None
    if bold.rstrip().endswith(":"):
        return len(bold.rstrip())
    note = _NOTE_THEN_COLON.match(text, bold_end)
    # "<b>Name </b>(<i>retranslated</i>):" or "<b>Name</b>:"
    return note.end() if note is not None else None


def _ignored(node: LexborNode) -> bool:
    if node.tag in _SKIP_TAGS or node.tag == "-comment":
        return True
    classes = (node.attributes.get("class") or "").split()
    return any(c in _IGNORED_CLASSES for c in classes)


def _collapse(text: str) -> str:
    return _LAYOUT_SPACE.sub(" ", text)


def _node_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    value = _collapse(node.text()).strip()
    return value or None


def _meta_content(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    if node.tag == "title":
        return _node_text(node)
    value = node.attributes.get("content")
    return value.strip() if value and value.strip() else None


def _link_href(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    href = node.attributes.get("href") if node is not None else None
    return href if href and href.startswith("http") else None


def _page_language(tree: LexborHTMLParser) -> str | None:
    root = tree.css_first("html")
    lang = root.attributes.get("lang") if root is not None else None
    return lang.split("-")[0].lower() if lang else None
