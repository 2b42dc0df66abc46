"""Score the parser's speaker attribution against the gold in ``eval/gold``.

Run as ``python eval/speaker_attribution.py`` (``--selftest`` checks the scoring on a tiny
hand-made parser output instead). The parser is reached through its Python API,
``onrecord.parse_path(path)``, which yields ``Document`` objects whose ``to_dict()`` follows
the JSON contract (``turns`` with ``index``/``kind``/``label``/``speaker_id``/``continues``,
``paragraphs`` with ``start``/``end``/``turn``). Corpora come from ``$ONRECORD_SHARED`` or
``<repo root>/../shared``. Results go to ``eval/results/speaker_attribution.json``.

Each gold paragraph is mapped to the parser paragraph that overlaps it most (a parser
paragraph may start after the label). Metrics, per corpus and pooled over all:

* speaker accuracy: share of gold paragraphs whose predicted governing label equals the gold
  ``speaker`` (see ``governing_labels``); also split into gold speech and gold narration;
* turn boundaries: precision/recall/F1 of "a labelled turn starts at this paragraph";
* speaker identity: gold persons spread over several ``speaker_id`` s, and ``speaker_id`` s
  covering several gold persons, within a document.

A document the parser did not return, or returned with a different text (sha256), scores
every gold paragraph as wrong and every gold boundary as missed.
"""

import argparse
import bisect
import hashlib
import importlib
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any, cast

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO_ROOT / "eval" / "gold"
RESULTS_PATH = REPO_ROOT / "eval" / "results" / "speaker_attribution.json"
MAX_ERRORS_SHOWN = 20
MAX_IDENTITY_SHOWN = 10

ParseFn = Callable[[str], Iterable[Any]]


@dataclass(frozen=True, slots=True)
class Corpus:
    """A gold file and the JSONL source (relative to the shared folder) it was built on."""

    name: str
    gold_file: str
    source: Path


CORPORA = (
    Corpus(
        "kremlin_en_html",
        "speakers_kremlin_en_html.jsonl",
        Path("corpora/kremlin_en/kremlin_en_dev.jsonl"),
    ),
    Corpus("clef_us", "speakers_clef_us.jsonl", Path("corpora/clef_us/clef_us_dev.jsonl")),
)

# Voices that are not one person: never reported as "split over several speaker ids".
GENERIC_VOICES = frozenset(
    {
        "question",
        "questions",
        "q",
        "remark",
        "remarks",
        "reply",
        "answer",
        "response",
        "comment",
        "voice",
        "voices",
        "voice from the audience",
        "audience",
        "audience member",
        "audience members",
        "participant",
        "participants",
        "unidentified male",
        "unidentified female",
        "unidentified speaker",
        "system",
    }
)
_NOTE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# US style "NAME (PARTY-STATE), ROLE": the name is what precedes the note.
_NAME_NOTE_ROLE = re.compile(r"(?P<name>[^()\[\],]+?)\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*,")


# ----------------------------------------------------------------------------- input


@dataclass(frozen=True, slots=True)
class GoldParagraph:
    """A gold paragraph span with its printed label and governing speaker."""

    start: int
    end: int
    label: str | None
    speaker: str | None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """Gold for one document, valid only for the text with hash ``sha256_text``."""

    id: str
    sha256_text: str
    paragraphs: tuple[GoldParagraph, ...]


@dataclass(frozen=True, slots=True)
class PredTurn:
    """The fields of a parser turn that scoring needs."""

    index: int
    kind: str
    label: str | None
    speaker_id: str | None
    continues: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PredParagraph:
    """A parser paragraph span and the index of its turn."""

    start: int
    end: int
    turn: int


@dataclass(frozen=True, slots=True)
class PredDoc:
    """A parser document reduced to what scoring needs; ``turns`` keyed by turn index."""

    id: str
    sha256_text: str
    turns: Mapping[int, PredTurn]
    paragraphs: tuple[PredParagraph, ...]


def normalise_ws(value: str) -> str:
    """NBSP becomes a space, runs of whitespace become one space, ends trimmed."""
    return " ".join(value.replace("\xa0", " ").split())


def sha256_text(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_shared_dir() -> Path:
    """``$ONRECORD_SHARED`` if set, else ``<repo root>/../shared``."""
    env = os.environ.get("ONRECORD_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def load_gold(path: Path) -> list[GoldDoc]:
    """Read a gold JSONL file written by ``build_speaker_gold.py``."""
    docs: list[GoldDoc] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            data = json.loads(line)
            paragraphs = tuple(
                GoldParagraph(p["start"], p["end"], p["label"], p["speaker"])
                for p in data["paragraphs"]
            )
            docs.append(GoldDoc(data["id"], data["sha256_text"], paragraphs))
    return docs


def pred_doc(data: Mapping[str, Any]) -> PredDoc:
    """Reduce a ``Document.to_dict()`` to a ``PredDoc``; a turn without ``index`` gets its
    position in the list."""
    turns: dict[int, PredTurn] = {}
    for position, turn in enumerate(data.get("turns") or []):
        index = turn.get("index", position)
        turns[index] = PredTurn(
            index=index,
            kind=str(turn.get("kind") or "speech"),
            label=turn.get("label"),
            speaker_id=turn.get("speaker_id"),
            continues=turn.get("continues"),
            start=int(turn.get("start", 0)),
            end=int(turn.get("end", 0)),
        )
    paragraphs = tuple(
        PredParagraph(int(p["start"]), int(p["end"]), int(p["turn"]))
        for p in data.get("paragraphs") or []
    )
    return PredDoc(str(data["id"]), sha256_text(str(data["text"])), turns, paragraphs)


def load_parse_path() -> ParseFn:
    """``onrecord.parse_path``; raises ``ImportError`` when the package does not offer it."""
    module = importlib.import_module("onrecord")
    parse_path = getattr(module, "parse_path", None)
    if not callable(parse_path):
        raise ImportError("onrecord has no parse_path() yet")
    return cast(ParseFn, parse_path)


def parse_documents(parse_path: ParseFn, source: Path, wanted: set[str]) -> dict[str, PredDoc]:
    """Parse ``source`` and keep the documents whose id is in ``wanted``."""
    docs: dict[str, PredDoc] = {}
    for document in parse_path(str(source)):
        doc_id = getattr(document, "id", None)
        if doc_id is not None and doc_id not in wanted:
            continue
        data = document.to_dict()
        if data["id"] in wanted:
            docs[data["id"]] = pred_doc(data)
    return docs


# ----------------------------------------------------------------------------- mapping


class SpanIndex:
    """Spans sorted by start, answering "which span overlaps [start, end) most"."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._order = sorted(range(len(spans)), key=lambda i: spans[i])
        self._spans = [spans[i] for i in self._order]
        self._starts = [span[0] for span in self._spans]
        self._max_end: list[int] = []
        for _, end in self._spans:
            self._max_end.append(max(end, self._max_end[-1]) if self._max_end else end)

    def best(self, start: int, end: int) -> int | None:
        """Index (in the original order) of the span overlapping ``[start, end)`` most, or None
        if none overlaps; ties go to the earlier span."""
        best_index: int | None = None
        best_overlap = 0
        position = bisect.bisect_left(self._starts, end) - 1
        while position >= 0 and self._max_end[position] > start:
            span_start, span_end = self._spans[position]
            overlap = min(end, span_end) - max(start, span_start)
            if overlap > 0 and overlap >= best_overlap:
                best_index, best_overlap = self._order[position], overlap
            position -= 1
        return best_index


def governing_labels(doc: PredDoc) -> dict[int, str | None]:
    """The predicted governing label of each turn, whitespace-normalised.

    Narration turns govern nothing (None). A speech turn is governed by its own label; a
    speech turn without a label by the label of the nearest earlier labelled speech turn with
    the same non-null ``speaker_id``, else None.
    """
    result: dict[int, str | None] = {}
    last_label: dict[str, str] = {}
    for index in sorted(doc.turns):
        turn = doc.turns[index]
        if turn.kind == "narration":
            result[index] = None
            continue
        label = normalise_ws(turn.label) if turn.label is not None else None
        if label is None and turn.speaker_id is not None:
            label = last_label.get(turn.speaker_id)
        if label is not None and turn.speaker_id is not None:
            last_label[turn.speaker_id] = label
        result[index] = label
    return result


def turn_first_spans(doc: PredDoc) -> dict[int, tuple[int, int]]:
    """Span of each turn's first paragraph; the turn's own span when it has no paragraph."""
    first: dict[int, tuple[int, int]] = {}
    for para in doc.paragraphs:
        if para.turn not in first or para.start < first[para.turn][0]:
            first[para.turn] = (para.start, para.end)
    for index, turn in doc.turns.items():
        first.setdefault(index, (turn.start, max(turn.end, turn.start + 1)))
    return first


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class ErrorExample:
    """A gold paragraph whose predicted governing label is wrong."""

    doc_id: str
    start: int
    end: int
    gold: str | None
    predicted: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc_id,
            "start": self.start,
            "end": self.end,
            "gold": self.gold,
            "predicted": self.predicted,
            "text": self.text,
        }


@dataclass(slots=True)
class Tally:
    """Counts that add up over documents and corpora."""

    documents: int = 0
    missing: int = 0
    text_mismatch: int = 0
    paragraphs: int = 0
    correct: int = 0
    speech: int = 0
    speech_correct: int = 0
    narration: int = 0
    narration_correct: int = 0
    gold_boundaries: int = 0
    predicted_boundaries: int = 0
    matched_boundaries: int = 0
    splits: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ErrorExample] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        """Add ``other``'s counts and lists to this tally."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def metrics(self) -> dict[str, Any]:
        """The figures for the results file (rates rounded to 4 places; None when undefined)."""
        both = self.gold_boundaries + self.predicted_boundaries
        return {
            "documents": self.documents,
            "documents_missing": self.missing,
            "documents_text_mismatch": self.text_mismatch,
            "paragraphs": self.paragraphs,
            "speaker_correct": self.correct,
            "speaker_accuracy": _ratio(self.correct, self.paragraphs),
            "speech_paragraphs": self.speech,
            "speech_accuracy": _ratio(self.speech_correct, self.speech),
            "narration_paragraphs": self.narration,
            "narration_accuracy": _ratio(self.narration_correct, self.narration),
            "boundaries": {
                "gold": self.gold_boundaries,
                "predicted": self.predicted_boundaries,
                "matched": self.matched_boundaries,
                "precision": _ratio(self.matched_boundaries, self.predicted_boundaries),
                "recall": _ratio(self.matched_boundaries, self.gold_boundaries),
                "f1": _ratio(2 * self.matched_boundaries, both),
            },
            "identity": {
                "split_speakers": len(self.splits),
                "merged_speaker_ids": len(self.merges),
            },
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` rounded to 4 places, None when the denominator is 0."""
    return round(numerator / denominator, 4) if denominator else None


def score_paragraphs(
    gold: GoldDoc, pred: PredDoc | None, text: str | None, tally: Tally
) -> list[int | None]:
    """Score speaker accuracy; return the predicted turn index of each gold paragraph."""
    turn_of: list[int | None] = [None] * len(gold.paragraphs)
    labels: dict[int, str | None] = {}
    if pred is not None:
        index = SpanIndex([(p.start, p.end) for p in pred.paragraphs])
        labels = governing_labels(pred)
        for position, para in enumerate(gold.paragraphs):
            best = index.best(para.start, para.end)
            turn_of[position] = pred.paragraphs[best].turn if best is not None else None
    for para, turn in zip(gold.paragraphs, turn_of, strict=True):
        predicted = labels.get(turn) if turn is not None else None
        right = pred is not None and turn is not None and predicted == para.speaker
        tally.paragraphs += 1
        tally.correct += right
        if para.speaker is None:
            tally.narration += 1
            tally.narration_correct += right
        else:
            tally.speech += 1
            tally.speech_correct += right
        if not right:
            snippet = text[para.start : para.end][:80] if text is not None else ""
            shown = predicted if turn is not None else "<no paragraph>"
            tally.errors.append(
                ErrorExample(gold.id, para.start, para.end, para.speaker, shown, snippet)
            )
    return turn_of


def score_boundaries(gold: GoldDoc, pred: PredDoc | None, tally: Tally) -> None:
    """Count gold and predicted turn boundaries and those that match one-to-one.

    A predicted boundary is the first paragraph of a turn with a label that does not
    ``continues`` an earlier turn; it matches the gold paragraph it overlaps most, if that
    paragraph has a gold label not matched already.
    """
    gold_starts = {i for i, p in enumerate(gold.paragraphs) if p.label is not None}
    tally.gold_boundaries += len(gold_starts)
    if pred is None:
        return
    index = SpanIndex([(p.start, p.end) for p in gold.paragraphs])
    first = turn_first_spans(pred)
    matched: set[int] = set()
    for turn in pred.turns.values():
        if turn.label is None or turn.continues is not None:
            continue
        tally.predicted_boundaries += 1
        target = index.best(*first[turn.index])
        if target in gold_starts and target not in matched:
            matched.add(target)
    tally.matched_boundaries += len(matched)


def person_keys(names: Iterable[str]) -> dict[str, str]:
    """Group gold names that denote one person; map each name to its group's key.

    Notes in brackets and anything after a comma are dropped, then names are compared by
    case-folded words: two names are one person when one's words end the other's
    (``Vladimir Putin`` and ``President of Russia Vladimir Putin``). The key is the shortest
    word sequence of the group.
    """
    words = {name: _name_words(name) for name in set(names)}
    parent = {name: name for name in words}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    ordered = sorted(words, key=lambda n: (len(words[n]), n))
    for i, short in enumerate(ordered):
        for long in ordered[i + 1 :]:
            if words[long][len(words[long]) - len(words[short]) :] == words[short]:
                parent[root(long)] = root(short)
    return {name: " ".join(words[root(name)]) for name in words}


def _name_words(name: str) -> tuple[str, ...]:
    """Case-folded words of a name without bracketed notes or commas; in ``NAME (NOTE), ROLE``
    only ``NAME`` counts."""
    match = _NAME_NOTE_ROLE.match(name)
    core = _NOTE.sub(" ", match.group("name") if match else name).replace(",", " ")
    words = tuple(core.casefold().split())
    return words or tuple(name.casefold().split())


def is_generic(key: str) -> bool:
    """True when a person key (see ``person_keys``) is a generic voice such as ``question``."""
    return key in GENERIC_VOICES


def score_identity(
    gold: GoldDoc, pred: PredDoc, turn_of: Sequence[int | None], tally: Tally
) -> None:
    """Record gold persons split over speaker ids and speaker ids merging gold persons."""
    pairs: list[tuple[str, str]] = []
    for para, turn_index in zip(gold.paragraphs, turn_of, strict=True):
        turn = pred.turns.get(turn_index) if turn_index is not None else None
        if para.speaker is None or turn is None or turn.kind == "narration":
            continue
        if turn.speaker_id is not None:
            pairs.append((para.speaker, turn.speaker_id))
    keys = person_keys(name for name, _ in pairs)
    ids_of: dict[str, set[str]] = defaultdict(set)
    names_of: dict[str, set[str]] = defaultdict(set)
    persons_of: dict[str, set[str]] = defaultdict(set)
    for name, speaker_id in pairs:
        ids_of[keys[name]].add(speaker_id)
        names_of[keys[name]].add(name)
        persons_of[speaker_id].add(keys[name])
    for key in sorted(ids_of):
        if len(ids_of[key]) > 1 and not is_generic(key):
            tally.splits.append(
                {
                    "doc": gold.id,
                    "person": key,
                    "names": sorted(names_of[key]),
                    "speaker_ids": sorted(ids_of[key]),
                }
            )
    for speaker_id in sorted(persons_of):
        if len(persons_of[speaker_id]) > 1:
            tally.merges.append(
                {
                    "doc": gold.id,
                    "speaker_id": speaker_id,
                    "persons": sorted(persons_of[speaker_id]),
                }
            )


def score_document(gold: GoldDoc, pred: PredDoc | None, text: str | None) -> Tally:
    """All metrics for one document; a missing or text-mismatched prediction scores nothing."""
    tally = Tally(documents=1)
    if pred is None:
        tally.missing = 1
    elif pred.sha256_text != gold.sha256_text:
        tally.text_mismatch = 1
        pred = None
    turn_of = score_paragraphs(gold, pred, text, tally)
    score_boundaries(gold, pred, tally)
    if pred is not None:
        score_identity(gold, pred, turn_of, tally)
    return tally


def score_corpus(
    golds: Sequence[GoldDoc], preds: Mapping[str, PredDoc], texts: Mapping[str, str]
) -> Tally:
    """Sum of ``score_document`` over the gold documents."""
    total = Tally()
    for gold in golds:
        total.add(score_document(gold, preds.get(gold.id), texts.get(gold.id)))
    return total


def source_texts(path: Path, wanted: set[str]) -> dict[str, str]:
    """``text`` of the wanted documents of a JSONL corpus (for error snippets)."""
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                data = json.loads(line)
                if data["id"] in wanted:
                    texts[data["id"]] = data["text"]
    return texts


# ----------------------------------------------------------------------------- report


def results(tallies: Mapping[str, Tally], gold_hashes: Mapping[str, str]) -> dict[str, Any]:
    """The JSON-ready results: metrics per corpus and overall, examples, identity issues."""
    overall = Tally()
    for tally in tallies.values():
        overall.add(tally)
    quotas = _quotas([len(t.errors) for t in tallies.values()], MAX_ERRORS_SHOWN)
    examples = [
        e.to_dict()
        for t, quota in zip(tallies.values(), quotas, strict=True)
        for e in t.errors[:quota]
    ]
    return {
        "parser_version": _parser_version(),
        "gold": dict(gold_hashes),
        "corpora": {name: tally.metrics() for name, tally in tallies.items()},
        "overall": overall.metrics(),
        "error_examples": examples,
        "identity_splits": overall.splits,
        "identity_merges": overall.merges,
    }


def _quotas(available: Sequence[int], limit: int) -> list[int]:
    """Share ``limit`` slots round-robin among groups holding ``available`` items each."""
    quotas = [0] * len(available)
    while sum(quotas) < limit and any(q < a for q, a in zip(quotas, available, strict=True)):
        for group, count in enumerate(available):
            if quotas[group] < count and sum(quotas) < limit:
                quotas[group] += 1
    return quotas


def _parser_version() -> str | None:
    """Installed version of ``onrecord``, if any."""
    try:
        return metadata.version("onrecord")
    except metadata.PackageNotFoundError:
        return None


def _fmt(value: float | None) -> str:
    """A rate for the table, or a dash."""
    return f"{value:.4f}" if value is not None else "-"


def print_report(report: Mapping[str, Any]) -> None:
    """Table of metrics, error examples and identity issues on stdout."""
    header = (
        f"{'corpus':<16}{'docs':>5}{'miss':>5}{'paras':>7}{'spk_acc':>9}{'speech':>8}"
        f"{'narr':>8}{'bnd_P':>8}{'bnd_R':>8}{'bnd_F1':>8}{'splits':>7}{'merges':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = [*report["corpora"].items(), ("overall", report["overall"])]
    for name, m in rows:
        b = m["boundaries"]
        print(
            f"{name:<16}{m['documents']:>5}"
            f"{m['documents_missing'] + m['documents_text_mismatch']:>5}{m['paragraphs']:>7}"
            f"{_fmt(m['speaker_accuracy']):>9}{_fmt(m['speech_accuracy']):>8}"
            f"{_fmt(m['narration_accuracy']):>8}{_fmt(b['precision']):>8}"
            f"{_fmt(b['recall']):>8}{_fmt(b['f1']):>8}"
            f"{m['identity']['split_speakers']:>7}{m['identity']['merged_speaker_ids']:>7}"
        )
    print("\nerror examples (doc start-end: gold -> predicted | text):")
    for e in report["error_examples"]:
        print(f"  {e['doc']} {e['start']}-{e['end']}: {e['gold']!r} -> {e['predicted']!r}")
        print(f"      | {e['text']!r}")
    for title, key in (("split speakers", "identity_splits"), ("merged ids", "identity_merges")):
        items = report[key]
        print(f"\n{title}: {len(items)}")
        for item in items[:MAX_IDENTITY_SHOWN]:
            print(f"  {json.dumps(item, ensure_ascii=False)}")


def evaluate(
    shared_dir: str | os.PathLike[str] | None = None, parse_path: ParseFn | None = None
) -> dict[str, Any]:
    """Parse each gold corpus with ``parse_path`` (default ``onrecord.parse_path``) and score it.

    Returns the results dict that ``main`` writes to ``eval/results/speaker_attribution.json``:
    ``corpora`` and ``overall`` metrics (see ``Tally.metrics``), ``error_examples``,
    ``identity_splits`` and ``identity_merges``. Raises ``ImportError`` when no parser exists.
    """
    shared = Path(shared_dir) if shared_dir is not None else default_shared_dir()
    parse = parse_path if parse_path is not None else load_parse_path()
    tallies: dict[str, Tally] = {}
    hashes: dict[str, str] = {}
    for corpus in CORPORA:
        gold_path = GOLD_DIR / corpus.gold_file
        golds = load_gold(gold_path)
        wanted = {g.id for g in golds}
        preds = parse_documents(parse, shared / corpus.source, wanted)
        texts = source_texts(shared / corpus.source, wanted)
        tallies[corpus.name] = score_corpus(golds, preds, texts)
        hashes[corpus.gold_file] = hashlib.sha256(gold_path.read_bytes()).hexdigest()
    return results(tallies, hashes)


# ----------------------------------------------------------------------------- self-test


_SELFTEST_TEXT = (
    "Intro.\n\n* * *\n\nPresident of\xa0Russia Vladimir Putin: Hello.\n\nMore.\n\n"
    "(Applause.)\n\nStill him.\n\nIvan Petrov: Hi.\n\nVladimir Putin: Back.\n\nAnd on."
)


def _selftest_gold() -> GoldDoc:
    """Hand-written gold for ``_SELFTEST_TEXT``."""
    putin_long, putin, petrov = (
        "President of Russia Vladimir Putin",
        "Vladimir Putin",
        "Ivan Petrov",
    )
    rows: list[tuple[str, str | None, str | None]] = [
        ("Intro.", None, None),
        ("* * *", None, None),
        (
            "President of\xa0Russia Vladimir Putin: Hello.",
            "President of\xa0Russia Vladimir Putin",
            putin_long,
        ),
        ("More.", None, putin_long),
        ("(Applause.)", None, None),
        ("Still him.", None, putin_long),
        ("Ivan Petrov: Hi.", petrov, petrov),
        ("Vladimir Putin: Back.", putin, putin),
        ("And on.", None, putin),
    ]
    paragraphs = []
    for body, label, speaker in rows:
        start = _SELFTEST_TEXT.index(body)
        paragraphs.append(GoldParagraph(start, start + len(body), label, speaker))
    return GoldDoc("doc-1", sha256_text(_SELFTEST_TEXT), tuple(paragraphs))


def _selftest_turn(
    index: int, kind: str, label: str | None, speaker_id: str | None, continues: int | None = None
) -> dict[str, Any]:
    """A turn of the fake parser output (turn offsets are not used by the scoring)."""
    return {
        "index": index,
        "kind": kind,
        "label": label,
        "speaker_id": speaker_id,
        "start": 0,
        "end": 0,
        "continues": continues,
    }


def _selftest_prediction() -> dict[str, Any]:
    """A parser output with known faults: the last label is missed (``Back.`` stays in
    Petrov's turn, ``And on.`` is an unlabelled turn of Petrov's id ``p``), so Petrov and
    Putin share ``p``; Putin's turn resumed after the stage direction repeats his label (not
    a new boundary) under another id, ``vp2``. Labelled paragraphs start after the label."""
    turns = [
        _selftest_turn(0, "narration", None, None),
        _selftest_turn(1, "speech", "President of\xa0Russia Vladimir Putin", "vp"),
        _selftest_turn(2, "narration", None, None),
        _selftest_turn(3, "speech", "President of\xa0Russia Vladimir Putin", "vp2", continues=1),
        _selftest_turn(4, "speech", "Ivan Petrov", "p"),
        _selftest_turn(5, "speech", None, "p"),
    ]
    layout = [  # paragraph, its turn, whether the parser span starts after a label
        ("Intro.", 0, False),
        ("* * *", 0, False),
        ("President of\xa0Russia Vladimir Putin: Hello.", 1, True),
        ("More.", 1, False),
        ("(Applause.)", 2, False),
        ("Still him.", 3, False),
        ("Ivan Petrov: Hi.", 4, True),
        ("Vladimir Putin: Back.", 4, False),
        ("And on.", 5, False),
    ]
    paragraphs = []
    for number, (body, turn_index, after_label) in enumerate(layout, start=1):
        start = _SELFTEST_TEXT.index(body)
        skip = body.index(": ") + 2 if after_label else 0
        span = {"start": start + skip, "end": start + len(body)}
        paragraphs.append({"id": f"doc-1#p{number}", **span, "turn": turn_index})
    return {"id": "doc-1", "text": _SELFTEST_TEXT, "turns": turns, "paragraphs": paragraphs}


def selftest() -> list[str]:
    """Check the scoring on the hand-made case; return the failed checks (empty if all pass)."""
    gold = _selftest_gold()
    pred = pred_doc(_selftest_prediction())
    texts = {gold.id: _SELFTEST_TEXT}
    tally = score_corpus([gold], {gold.id: pred}, texts)
    m = tally.metrics()
    missing = score_corpus([gold], {}, texts).metrics()
    altered = pred_doc({**_selftest_prediction(), "text": _SELFTEST_TEXT + " "})
    mismatch = score_corpus([gold], {gold.id: altered}, texts).metrics()
    checks: list[tuple[str, object, object]] = [
        # Wrong: "Back." and "And on." (Petrov's label, the latter inherited through "p").
        ("governing label inherited", governing_labels(pred)[5], "Ivan Petrov"),
        ("correct paragraphs", m["speaker_correct"], 7),
        ("accuracy", m["speaker_accuracy"], round(7 / 9, 4)),
        ("speech accuracy", m["speech_accuracy"], round(4 / 6, 4)),
        ("narration accuracy", m["narration_accuracy"], 1.0),
        ("boundaries", (m["boundaries"]["gold"], m["boundaries"]["predicted"]), (3, 2)),
        ("matched boundaries", m["boundaries"]["matched"], 2),
        ("boundary precision", m["boundaries"]["precision"], 1.0),
        ("boundary recall", m["boundaries"]["recall"], round(2 / 3, 4)),
        ("boundary f1", m["boundaries"]["f1"], 0.8),
        ("splits", [s["speaker_ids"] for s in tally.splits], [["p", "vp", "vp2"]]),
        ("merges", [s["persons"] for s in tally.merges], [["ivan petrov", "vladimir putin"]]),
        (
            "errors listed",
            [(e.start, e.predicted) for e in tally.errors],
            [(109, "Ivan Petrov"), (132, "Ivan Petrov")],
        ),
        ("missing doc", (missing["documents_missing"], missing["speaker_correct"]), (1, 0)),
        ("missing doc recall", missing["boundaries"]["recall"], 0.0),
        (
            "text mismatch",
            (mismatch["documents_text_mismatch"], mismatch["speaker_correct"]),
            (1, 0),
        ),
        ("generic voice", is_generic("question") and not is_generic("vladimir putin"), True),
        (
            "person keys",
            person_keys(["SEN. BERNIE SANDERS (D-VT), X", "SANDERS"])["SANDERS"],
            "sanders",
        ),
    ]
    return [f"{name}: got {got!r}, want {want!r}" for name, got, want in checks if got != want]


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate and write the results file (0), run ``--selftest`` (0 or 1), or report that
    the parser API is missing (2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--selftest", action="store_true", help="check the scoring only")
    parser.add_argument("--shared", type=Path, default=None, help="shared data folder")
    args = parser.parse_args(argv)
    if args.selftest:
        failures = selftest()
        for failure in failures:
            print(f"FAIL {failure}")
        print("selftest passed" if not failures else f"selftest: {len(failures)} failures")
        return 1 if failures else 0
    try:
        report = evaluate(args.shared)
    except ImportError as error:
        print(f"cannot evaluate: {error}", file=sys.stderr)
        return 2
    print_report(report)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
