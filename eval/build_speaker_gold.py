"""Build gold speaker attribution for the plain-text transcripts.

Run from anywhere as ``python eval/build_speaker_gold.py``. The corpora are read from
``$ONRECORD_SHARED`` or, if unset, ``<repo root>/../shared``; nothing there is written.

Writes, under ``eval/gold/``:

* ``speakers_kremlin_en_html.jsonl`` -- for the 60 en.kremlin.ru pages kept as raw HTML, gold
  labels for the *JSONL plain text* of the same documents. The HTML marks a label as the bold
  run that opens a ``<p>``; each HTML paragraph is aligned to a JSONL paragraph by normalised
  text, and the label is then read off the JSONL paragraph exactly as printed there.
* ``speakers_clef_us.jsonl`` -- the CLEF CheckThat! documents, whose text was built as one
  ``SPEAKER: ...`` paragraph per turn, so the label is that upper-case prefix; it is
  cross-checked against the independent per-sentence speakers in ``meta.checkworthy_sentences``.
* ``README.md`` -- how the gold was derived, the conventions, counts and source hashes.

One line per document: ``{"id", "sha256_text", "paragraphs": [{"start", "end", "label",
"speaker"}]}``. Paragraphs are the text split on ``\\n\\n`` (empty ones skipped), ``start``/``end``
are ``str`` offsets with ``text[start:end]`` the paragraph without surrounding whitespace.
``label`` is the label printed at the start of the paragraph (no colon) or null; ``speaker`` is
the governing label, whitespace-normalised, or null for narration (see ``assign_speakers``).

The script prints what it could not align, bold runs it did not take as labels, and the CLEF
agreement, and exits 1 if any gold label is not literally at the start of its paragraph.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO_ROOT / "eval" / "gold"
KREMLIN_JSONL = Path("corpora/kremlin_en/kremlin_en_dev.jsonl")
KREMLIN_HTML_DIR = Path("corpora/kremlin_en_html")
CLEF_JSONL = Path("corpora/clef_us/clef_us_dev.jsonl")
KREMLIN_GOLD = "speakers_kremlin_en_html.jsonl"
CLEF_GOLD = "speakers_clef_us.jsonl"
MAX_EXAMPLES = 8

_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li"})
_BOLD_TAGS = frozenset({"b", "strong"})
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})
_LAYOUT_SPACES = frozenset(" \t\n\r\f")
_BREAK = "\x00"  # stands for <br> until layout whitespace is collapsed
_SCENE_BREAK = re.compile(r"\*(?:\s*\*)+")
_OMISSION = re.compile(r"<\s*(?:…|\.\.\.)\s*>|…|\.\.\.")
# A short non-bold stub glued to the bold run, as in ``<p>V<b>ladimir Putin: </b>``.
_PARTIAL_BOLD_STUB = re.compile(r"\S{1,2}")
# A note after the bold name and before the colon: ``<b>Name </b>(retranslated):``.
_TRAILING_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
# CLEF: "SPEAKER: ..." -- an upper-case prefix (no lower-case letter, no colon).
_CLEF_LABEL = re.compile(r"(?P<label>[^a-z:\n]*[A-Z][^a-z:\n]*?):(?:\s|$)")


# ----------------------------------------------------------------------------- shared helpers


@dataclass(frozen=True, slots=True)
class GoldParagraph:
    """One paragraph of a document's text and who governs it."""

    start: int
    end: int
    label: str | None
    speaker: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "speaker": self.speaker}


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """The gold attribution of one document, tied to its exact text by hash."""

    id: str
    sha256_text: str
    paragraphs: tuple[GoldParagraph, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256_text": self.sha256_text,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


def shared_dir() -> Path:
    """The shared data folder: ``$ONRECORD_SHARED`` if set, else ``<repo root>/../shared``."""
    env = os.environ.get("ONRECORD_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def normalise_ws(value: str) -> str:
    """NBSP becomes a space, runs of whitespace become one space, ends trimmed."""
    return " ".join(value.replace("\xa0", " ").split())


def sha256_text(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON object on each non-blank line of ``path``."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-empty ``\\n\\n``-separated paragraphs, surrounding whitespace excluded.

    Whitespace is what ``str.strip`` removes, so a leading NBSP is not part of the paragraph.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in text.split("\n\n"):
        stripped = piece.strip()
        if stripped:
            start = position + (len(piece) - len(piece.lstrip()))
            spans.append((start, start + len(stripped)))
        position += len(piece) + 2
    return spans


def is_scene_break(paragraph: str) -> bool:
    """True for ``* * *`` or ``***``: narration follows until the next label."""
    return _SCENE_BREAK.fullmatch(paragraph.strip()) is not None


def is_omission(paragraph: str) -> bool:
    """True for a paragraph that is only an omission mark: ``<…>``, ``…``, ``<...>``."""
    return _OMISSION.fullmatch(paragraph.strip()) is not None


def is_stage_direction(paragraph: str) -> bool:
    """True when the paragraph is wholly one ``(...)`` or ``[...]`` group.

    A final full stop after the closing bracket is allowed (``(Mr Shokhin went on ...).``);
    ``(In Russian) Thank you.`` or ``(Speaks German.) Hallo. [Hello.]`` are not wholly enclosed.
    """
    text = paragraph.strip().rstrip(".").rstrip()
    if len(text) < 2 or text[0] not in "([":
        return False
    closer = ")" if text[0] == "(" else "]"
    depth = 0
    for position, char in enumerate(text):
        if char == text[0]:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return position == len(text) - 1
    return False


def assign_speakers(texts: Sequence[str], labels: Sequence[str | None]) -> list[str | None]:
    """The governing speaker of each paragraph, given the labels that open paragraphs.

    A label sets the speaker (whitespace-normalised) for its paragraph and the unlabelled
    paragraphs after it. Before the first label there is narration (None). A ``* * *``
    paragraph is narration and ends the current turn. A paragraph that is only an omission
    mark or wholly a bracketed stage direction is narration but does not end the turn.
    """
    speakers: list[str | None] = []
    current: str | None = None
    for text, label in zip(texts, labels, strict=True):
        if label is not None:
            current = normalise_ws(label)
            speakers.append(current)
        elif is_scene_break(text):
            current = None
            speakers.append(None)
        elif is_omission(text) or is_stage_direction(text):
            speakers.append(None)
        else:
            speakers.append(current)
    return speakers


def make_gold_doc(doc_id: str, text: str, labels_by_span: dict[int, str]) -> GoldDoc:
    """Gold for one text, given the printed label of each labelled paragraph (by index)."""
    spans = paragraph_spans(text)
    texts = [text[start:end] for start, end in spans]
    labels = [labels_by_span.get(index) for index in range(len(spans))]
    speakers = assign_speakers(texts, labels)
    paragraphs = tuple(
        GoldParagraph(start, end, label, speaker)
        for (start, end), label, speaker in zip(spans, labels, speakers, strict=True)
    )
    return GoldDoc(doc_id, sha256_text(text), paragraphs)


def label_is_literal(text: str, paragraph: GoldParagraph) -> bool:
    """True when the gold label opens the paragraph verbatim and a colon follows it."""
    if paragraph.label is None:
        return True
    body = text[paragraph.start : paragraph.end]
    return body.startswith(paragraph.label) and body[len(paragraph.label) :].lstrip().startswith(
        ":"
    )


# ----------------------------------------------------------------------------- HTML labels


@dataclass(frozen=True, slots=True)
class StrayBold:
    """A bold run in an HTML paragraph that is not a speaker label."""

    kind: str  # "opening-no-colon" or "mid-paragraph"
    text: str


@dataclass(frozen=True, slots=True)
class HtmlParagraph:
    """One HTML paragraph: its text (layout whitespace collapsed) and the label it opens with.

    ``label`` is the label text up to (not including) the colon, whitespace-normalised;
    ``note`` says when the label needed a rule beyond "bold run then colon".
    """

    text: str
    label: str | None
    note: str | None
    strays: tuple[StrayBold, ...]


def _styled_chars(node: LexborNode, bold: bool, out: list[tuple[str, bool]]) -> None:
    """Append each character under ``node`` with whether it is bold; ``<br>`` gives ``_BREAK``."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.extend((char, bold) for char in child.text_content or "")
        elif tag == "br":
            out.append((_BREAK, bold))
        elif tag is not None and not tag.startswith("-") and tag not in _SKIPPED_TAGS:
            _styled_chars(child, bold or tag in _BOLD_TAGS, out)


def _collapse(chars: Sequence[tuple[str, bool]]) -> tuple[str, list[bool]]:
    """Collapse layout whitespace to one space (NBSP kept), ``<br>`` to ``\\n``, trim the ends."""
    text: list[str] = []
    bold: list[bool] = []
    for char, is_bold in chars:
        if char == _BREAK:
            char = "\n"
        elif char in _LAYOUT_SPACES:
            if text and text[-1] == " ":
                continue
            char = " "
        text.append(char)
        bold.append(is_bold)
    joined = "".join(text)
    left = len(joined) - len(joined.lstrip())
    right = len(joined.rstrip())
    return joined[left:right], bold[left:right]


def _bold_runs(text: str, bold: Sequence[bool]) -> list[tuple[int, int]]:
    """Maximal spans of bold text (whitespace inside may be either), from bold to bold char."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    last = -1
    for position, char in enumerate(text):
        if bold[position] and not char.isspace():
            if start is None:
                start = position
            last = position
        elif not char.isspace() and start is not None:
            runs.append((start, last + 1))
            start = None
    if start is not None:
        runs.append((start, last + 1))
    return runs


def detect_label(text: str, bold: Sequence[bool]) -> tuple[str | None, str | None, int]:
    """The label a paragraph opens with: ``(label, note, end of the label's colon)``.

    A label is the bold run that opens the paragraph, up to the first colon (bold or not).
    Two repairs are allowed and reported in ``note``: a non-bold ``(...)`` note between the
    bold name and the colon (``annotation``), and a one- or two-character non-bold stub glued
    to the bold run (``partial-bold``). Anything else non-bold before the colon means there
    is no label; then the result is ``(None, None, 0)``.
    """
    colon = text.find(":")
    if colon <= 0:
        return None, None, 0
    head = text[:colon]
    core = _TRAILING_NOTE.sub("", head)
    first_bold = next((i for i, c in enumerate(core) if bold[i] and not c.isspace()), None)
    if first_bold is None:
        return None, None, 0
    stub = core[:first_bold]
    if stub and not _PARTIAL_BOLD_STUB.fullmatch(stub):
        return None, None, 0
    if _has_plain(text, bold, first_bold, len(core)):
        return None, None, 0
    note = "partial-bold" if stub else None
    if _has_plain(text, bold, len(core), colon):
        note = "annotation"
    return normalise_ws(head), note, colon + 1


def _has_plain(text: str, bold: Sequence[bool], start: int, end: int) -> bool:
    """True when ``text[start:end]`` holds a non-bold, non-space character."""
    return any(not bold[i] and not text[i].isspace() for i in range(start, end))


def read_html_paragraph(node: LexborNode) -> HtmlParagraph:
    """Text, label and stray bold runs of one paragraph element."""
    chars: list[tuple[str, bool]] = []
    _styled_chars(node, node.tag in _BOLD_TAGS, chars)
    text, bold = _collapse(chars)
    label, note, label_end = detect_label(text, bold)
    strays = []
    for start, end in _bold_runs(text, bold):
        if end <= label_end:
            continue
        start = max(start, label_end)
        kind = "opening-no-colon" if start == 0 else "mid-paragraph"
        strays.append(StrayBold(kind, normalise_ws(text[start:end])))
    return HtmlParagraph(text, label, note, tuple(s for s in strays if s.text))


def html_paragraphs(html: str) -> list[HtmlParagraph]:
    """Non-empty paragraphs of ``div.entry-content``, ``masha-ignore``/``hidden-copy`` removed."""
    tree = LexborHTMLParser(html)
    body = tree.css_first("div.entry-content")
    if body is None:
        return []
    for hidden in body.css(".masha-ignore, .hidden-copy"):
        hidden.decompose()
    result: list[HtmlParagraph] = []
    inside: LexborNode | None = None
    for node in body.traverse(include_text=False):
        if node.tag not in _PARAGRAPH_TAGS or _is_within(node, inside):
            continue
        inside = node
        paragraph = read_html_paragraph(node)
        if paragraph.text:
            result.append(paragraph)
    return result


def _is_within(node: LexborNode, ancestor: LexborNode | None) -> bool:
    """True when ``ancestor`` is ``node``'s parent, grandparent, ..."""
    if ancestor is None:
        return False
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def align(left: Sequence[str], right: Sequence[str]) -> tuple[dict[int, int], list[int], list[int]]:
    """Map equal items of two sequences in order: ``(right index -> left index, unmatched
    left indexes, unmatched right indexes)``."""
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mapping[block.b + offset] = block.a + offset
    matched_left = set(mapping.values())
    unmatched_left = [i for i in range(len(left)) if i not in matched_left]
    unmatched_right = [i for i in range(len(right)) if i not in mapping]
    return mapping, unmatched_left, unmatched_right


def printed_label(paragraph: str, label: str) -> str | None:
    """The label as printed at the start of ``paragraph``, matching ``label`` up to whitespace."""
    wanted = normalise_ws(label)
    for match in re.finditer(":", paragraph):
        prefix = paragraph[: match.start()]
        if normalise_ws(prefix) == wanted:
            return prefix.rstrip()
        if len(normalise_ws(prefix)) > len(wanted):
            break
    return None


@dataclass(slots=True)
class KremlinReport:
    """What building the Kremlin gold found, for the console and the README."""

    docs: int = 0
    paragraphs: int = 0
    labels: int = 0
    html_paragraphs: int = 0
    unaligned_html: list[str] = field(default_factory=list)
    unaligned_jsonl: list[str] = field(default_factory=list)
    unprintable_labels: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    not_literal: list[str] = field(default_factory=list)
    mid_scene_breaks: int = 0
    stage_directions: list[str] = field(default_factory=list)


def kremlin_gold_doc(doc: dict[str, Any], html: str, report: KremlinReport) -> GoldDoc:
    """Gold for one Kremlin JSONL document, with labels taken from its HTML page."""
    text: str = doc["text"]
    spans = paragraph_spans(text)
    html_paras = html_paragraphs(html)
    mapping, lost_html, lost_jsonl = align(
        [normalise_ws(p.text) for p in html_paras],
        [normalise_ws(text[s:e]) for s, e in spans],
    )
    doc_id: str = doc["id"]
    report.html_paragraphs += len(html_paras)
    report.unaligned_html += [f"{doc_id} html#{i}: {html_paras[i].text[:80]!r}" for i in lost_html]
    report.unaligned_jsonl += [
        f"{doc_id} {spans[i]}: {text[slice(*spans[i])][:80]!r}" for i in lost_jsonl
    ]
    for para in html_paras:
        report.strays += [f"{doc_id} [{s.kind}] {s.text[:80]!r}" for s in para.strays]
        if para.note:
            report.repaired.append(f"{doc_id} [{para.note}] {para.label!r}")
    labels: dict[int, str] = {}
    for index, html_index in mapping.items():
        label = html_paras[html_index].label
        if label is None:
            continue
        printed = printed_label(text[slice(*spans[index])], label)
        if printed is None:
            report.unprintable_labels.append(f"{doc_id} {spans[index]}: {label!r}")
        else:
            labels[index] = printed
    return make_gold_doc(doc_id, text, labels)


def build_kremlin(shared: Path) -> tuple[list[GoldDoc], KremlinReport]:
    """Gold for every HTML page in ``kremlin_en_html``, in JSONL order."""
    html_dir = shared / KREMLIN_HTML_DIR
    pages = {f"kremlin-en-{path.stem}": path for path in sorted(html_dir.glob("*.html"))}
    report = KremlinReport()
    golds: list[GoldDoc] = []
    for doc in read_jsonl(shared / KREMLIN_JSONL):
        page = pages.pop(doc["id"], None)
        if page is None:
            continue
        gold = kremlin_gold_doc(doc, page.read_text(encoding="utf-8"), report)
        golds.append(gold)
        _tally(gold, doc["text"], report)
    report.unaligned_html += [f"{doc_id}: page has no JSONL document" for doc_id in pages]
    return golds, report


def _tally(gold: GoldDoc, text: str, report: KremlinReport) -> None:
    """Add one document's counts and checks to the report."""
    report.docs += 1
    report.paragraphs += len(gold.paragraphs)
    report.labels += sum(p.label is not None for p in gold.paragraphs)
    seen_label = False
    for para in gold.paragraphs:
        body = text[para.start : para.end]
        if not label_is_literal(text, para):
            report.not_literal.append(f"{gold.id} {para.start}-{para.end}: {para.label!r}")
        if is_scene_break(body) and seen_label:
            report.mid_scene_breaks += 1
        if is_stage_direction(body):
            report.stage_directions.append(body)
        seen_label = seen_label or para.label is not None


# ----------------------------------------------------------------------------- CLEF


@dataclass(slots=True)
class ClefReport:
    """What building the CLEF gold found, for the console and the README."""

    docs: int = 0
    paragraphs: int = 0
    labels: int = 0
    unlabelled: list[str] = field(default_factory=list)
    agree: int = 0
    agree_inherited: int = 0
    disagree: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    not_literal: list[str] = field(default_factory=list)


def clef_labels(text: str) -> dict[int, str]:
    """The ``SPEAKER`` prefix of each paragraph that has one, by paragraph index."""
    labels: dict[int, str] = {}
    for index, (start, end) in enumerate(paragraph_spans(text)):
        match = _CLEF_LABEL.match(text, start, end)
        if match:
            labels[index] = match.group("label")
    return labels


def check_sentences(
    gold: GoldDoc, text: str, sentences: Iterable[dict[str, Any]], report: ClefReport
) -> None:
    """Find each check-worthy sentence in order and compare its speaker with the gold speaker."""
    starts = [p.start for p in gold.paragraphs]
    cursor = 0
    for item in sorted(sentences, key=lambda s: int(s["line"])):
        sentence = str(item["sentence"]).strip()
        where = text.find(sentence, cursor)
        if where < 0:
            where = text.find(sentence)
        if where < 0:
            report.not_found.append(f"{gold.id} line {item['line']}: {sentence[:80]!r}")
            continue
        cursor = where + len(sentence)
        para = gold.paragraphs[bisect.bisect_right(starts, where) - 1]
        expected = normalise_ws(str(item["speaker"]))
        if para.speaker == expected:
            report.agree += 1
            report.agree_inherited += para.label is None
        else:
            report.disagree.append(
                f"{gold.id} line {item['line']} sentence speaker {expected!r}, "
                f"gold {para.speaker!r} (label {para.label!r}): {sentence[:60]!r}"
            )


def build_clef(shared: Path) -> tuple[list[GoldDoc], ClefReport]:
    """Gold for every CLEF document, with the check-worthy sentences as a cross-check."""
    report = ClefReport()
    golds: list[GoldDoc] = []
    for doc in read_jsonl(shared / CLEF_JSONL):
        text: str = doc["text"]
        gold = make_gold_doc(doc["id"], text, clef_labels(text))
        golds.append(gold)
        report.docs += 1
        report.paragraphs += len(gold.paragraphs)
        report.labels += sum(p.label is not None for p in gold.paragraphs)
        for para in gold.paragraphs:
            if para.label is None:
                body = text[para.start : para.end]
                report.unlabelled.append(f"{gold.id} {para.start}-{para.end}: {body[:80]!r}")
            elif not label_is_literal(text, para):
                report.not_literal.append(f"{gold.id} {para.start}-{para.end}: {para.label!r}")
        check_sentences(gold, text, doc["meta"].get("checkworthy_sentences", []), report)
    return golds, report


# ----------------------------------------------------------------------------- output


def write_jsonl(path: Path, docs: Iterable[GoldDoc]) -> None:
    """One compact JSON object per line, UTF-8, no ASCII escaping."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for doc in docs:
            handle.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


def _print_list(title: str, items: Sequence[str], limit: int = MAX_EXAMPLES) -> None:
    """Print a count and up to ``limit`` examples."""
    print(f"  {title}: {len(items)}")
    for item in items[:limit]:
        print(f"    - {item}")
    if len(items) > limit:
        print(f"    ... and {len(items) - limit} more")


def print_kremlin(report: KremlinReport) -> None:
    """Console summary of the Kremlin gold."""
    counts = f"{report.docs} docs, {report.paragraphs} paragraphs, {report.labels} labels"
    print(f"kremlin_en_html: {counts}")
    print(f"  HTML paragraphs read: {report.html_paragraphs}")
    _print_list("unaligned HTML paragraphs", report.unaligned_html)
    _print_list("unaligned JSONL paragraphs", report.unaligned_jsonl)
    _print_list("bold runs that are not labels", report.strays)
    _print_list("labels needing a repair rule (check these)", report.repaired, 20)
    _print_list(
        "HTML labels not found at the start of the JSONL paragraph", report.unprintable_labels
    )
    _print_list("gold labels not literally at the start of their paragraph", report.not_literal)
    print(f"  '* * *' after the first label: {report.mid_scene_breaks}")
    _print_list(
        "stage-direction paragraphs (narration, turn continues)", report.stage_directions, 5
    )


def print_clef(report: ClefReport) -> None:
    """Console summary of the CLEF gold."""
    print(f"clef_us: {report.docs} docs, {report.paragraphs} paragraphs, {report.labels} labels")
    _print_list("paragraphs without a SPEAKER prefix", report.unlabelled)
    _print_list("gold labels not literally at the start of their paragraph", report.not_literal)
    checked = report.agree + len(report.disagree)
    print(
        f"  check-worthy sentences: {report.agree}/{checked} agree "
        f"({report.agree_inherited} via an inherited speaker), {len(report.disagree)} disagree, "
        f"{len(report.not_found)} not found"
    )
    _print_list("disagreements", report.disagree)
    _print_list("sentences not found", report.not_found)


def readme_text(shared: Path, kremlin: KremlinReport, clef: ClefReport) -> str:
    """The gold README: derivation, conventions, counts and source hashes."""
    html_files = sorted((shared / KREMLIN_HTML_DIR).glob("*.html"), key=lambda p: int(p.stem))
    hashes = [(str(KREMLIN_JSONL), sha256_file(shared / KREMLIN_JSONL))]
    hashes.append((str(CLEF_JSONL), sha256_file(shared / CLEF_JSONL)))
    hashes += [(str(KREMLIN_HTML_DIR / p.name), sha256_file(p)) for p in html_files]
    hash_lines = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in hashes)
    checked = clef.agree + len(clef.disagree)
    return README_TEMPLATE.format(
        k_docs=kremlin.docs,
        k_paras=kremlin.paragraphs,
        k_labels=kremlin.labels,
        k_unaligned=len(kremlin.unaligned_html) + len(kremlin.unaligned_jsonl),
        k_strays=len(kremlin.strays),
        k_repaired=len(kremlin.repaired),
        c_docs=clef.docs,
        c_paras=clef.paragraphs,
        c_labels=clef.labels,
        c_unlabelled=len(clef.unlabelled),
        c_agree=clef.agree,
        c_checked=checked,
        c_not_found=len(clef.not_found),
        hashes=hash_lines,
    )


README_TEMPLATE = """\
# Gold speaker attribution

Written by `python eval/build_speaker_gold.py` (do not edit by hand); scored by
`python eval/speaker_attribution.py`. Sources are read from `$ONRECORD_SHARED`
or `../shared`; no corpus text is copied here, only offsets and labels.

## Format

One JSON object per line and document:
`{{"id", "sha256_text", "paragraphs": [{{"start", "end", "label", "speaker"}}]}}`.

* `sha256_text`: sha256 (UTF-8) of the document's JSONL `text`; gold offsets
  are only valid for exactly that text.
* paragraphs: `text` split on `\\n\\n`, empty pieces skipped; `start`/`end` are
  Python `str` offsets, `text[start:end]` is the paragraph without surrounding
  whitespace (as `str.strip` removes it, NBSP included).
* `label`: the speaker label printed at the start of the paragraph, exactly as
  in the JSONL text (NBSPs kept), without the colon; null when the paragraph
  does not open with a label.
* `speaker`: the governing label, whitespace-normalised (NBSP to space, runs
  collapsed); null for narration.

## Conventions (the parser follows the same ones)

* A labelled paragraph starts a turn; unlabelled paragraphs continue it.
* Paragraphs before the first label are narration.
* A `* * *` (or `***`) paragraph is narration and ends the current turn:
  unlabelled paragraphs after it are narration until the next label.
* A paragraph that is only an omission mark (`<…>`, `…`, `<...>`) or is wholly
  enclosed in one pair of parentheses or square brackets (a final full stop
  after the bracket allowed, e.g. `(Applause.)`, `(Mr X went on to ...).`) is
  narration but does not end the current turn.
* A label keeps a note printed between the name and the colon, e.g.
  `President of Egypt Mohamed Morsi (retranslated)`.

## kremlin_en_html ({k_docs} documents, {k_paras} paragraphs, {k_labels} labels)

The 60 raw en.kremlin.ru pages are the source of truth for labels; the gold is
for the plain text of the same documents in `kremlin_en_dev.jsonl`. In
`div.entry-content` (minus `.masha-ignore` and `.hidden-copy`), a label is the
bold run (`<b>`/`<strong>`, possibly split over several elements and links)
that opens a `<p>`, up to the first colon, bold or not. Two repairs are
accepted and listed by the build script ({k_repaired} cases): a non-bold
`(...)` note between the bold name and the colon, and a one- or two-letter
non-bold stub glued to the bold run (`<p>V<b>ladimir Putin: </b>`). Bold runs
with no colon (`* * *`, headings) or in the middle of a paragraph are not
labels ({k_strays} such runs). HTML paragraphs are aligned to JSONL paragraphs
by whitespace-normalised text with `difflib` (not by position); unaligned
paragraphs: {k_unaligned}. Each label is then read off the JSONL paragraph as
printed and checked to open it literally, followed by a colon.

## clef_us ({c_docs} documents, {c_paras} paragraphs, {c_labels} labels)

The text was built as one `SPEAKER: ...` paragraph per turn, so the label is
the upper-case prefix before the first colon (no lower-case letters), kept as
printed: `SYSTEM` (the source's pseudo-speaker for `(APPLAUSE)` and the like)
is a label like any other, and so are source oddities such as `SYSYTEM`,
`(APPLAUSE) CLINTON` and `SEN. BERNIE SANDERS (D-VT), PRESIDENTIAL CANDIDATE`.
Paragraphs without a prefix: {c_unlabelled} (a source sentence contained a
blank line); they inherit the previous speaker. Cross-check against
`meta.checkworthy_sentences` (each sentence found in the text, in line order):
{c_agree}/{c_checked} lie in a paragraph whose gold speaker equals the
sentence's speaker; {c_not_found} not found.

## Scoring

`python eval/speaker_attribution.py` maps each gold paragraph to the parser
paragraph overlapping it most and reports speaker accuracy, turn-boundary
precision/recall/F1 and speaker-id consistency; see its docstring.

## Source files (sha256)

| file (under the shared folder) | sha256 |
| --- | --- |
{hashes}
"""


def main() -> int:
    """Build both gold files and the README; 1 if a gold label is not literal, else 0."""
    shared = shared_dir()
    kremlin_docs, kremlin = build_kremlin(shared)
    clef_docs, clef = build_clef(shared)
    write_jsonl(GOLD_DIR / KREMLIN_GOLD, kremlin_docs)
    write_jsonl(GOLD_DIR / CLEF_GOLD, clef_docs)
    (GOLD_DIR / "README.md").write_text(readme_text(shared, kremlin, clef), encoding="utf-8")
    print_kremlin(kremlin)
    print_clef(clef)
    print(f"wrote {GOLD_DIR / KREMLIN_GOLD}, {GOLD_DIR / CLEF_GOLD}, {GOLD_DIR / 'README.md'}")
    return 1 if kremlin.not_literal or clef.not_literal or kremlin.unprintable_labels else 0


if __name__ == "__main__":
    sys.exit(main())
