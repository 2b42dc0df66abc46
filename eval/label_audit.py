"""Hand-checked audit of speaker-label detection on documents the parser was not tuned on.

Run as ``python eval/label_audit.py --sample`` to draw the sample, or ``python
eval/label_audit.py`` (``--score``) to score it once every row is judged. Corpora come from
``$ONRECORD_SHARED`` or ``<repo root>/../shared``; nothing there is written.

Rounds: ``--round N`` (default 1) selects an independent sample. Once the parser has been
fixed on what a round found, that round no longer measures it, so a new round is drawn with
the parser of the day: round 1 is ``eval/gold/label_audit_sample.jsonl`` (results
``eval/results/label_audit.json``), round N > 1 is ``eval/gold/label_audit_sample_N.jsonl``
(results ``eval/results/label_audit_N.json``). Each round has its own fixed seed
(``round_seed``), and round N's draw leaves out every (document, paragraph start) already in
rounds 1 .. N-1, so its rows are new; its strata are the remaining paragraphs, so its
re-weighted figures are for the population minus the earlier rounds' rows (each row also
records ``stratum_excluded``, how many of its stratum were left out).

Population: every paragraph (the text split on blank lines, as ``paragraph_spans`` does) of
the Kremlin English documents *except* the 60 tuning pages kept as raw HTML, and of all the
Kremlin Russian documents, that opens with a label candidate (``find_label_candidate``).
Each candidate is *accepted* when a parser turn opens with a label printed at the paragraph
start. The sample is stratified by language and decision (quotas in ``QUOTAS``; fixed
``SEED``); each row keeps its stratum and the stratum's size so that per-row weights
(size / sampled) re-weight the figures to the whole population.

``eval/gold/label_audit_sample.jsonl``, one row per sampled paragraph: ``doc_id``,
``language``, ``stratum``, ``stratum_size``, ``stratum_sampled``, ``start``/``end`` (the
paragraph), ``candidate`` (as printed), ``paragraph_head`` (first 160 characters), the
parser's decision at sampling time (``parser_accepted``, ``parser_speaker``,
``parser_speaker_id``, ``parser_name`` -- the name part of its split -- and
``parser_role``), ``sha256_text``, and the human judgement: ``is_label``, ``name``,
``role``, ``note``.

Scoring re-runs the *current* parser on the sampled documents, so the same judged sample
measures later parser versions; rows whose decision changed since sampling are counted.
A parser name counts as right when it equals the judged name (whitespace and case
normalised) either as split from the label or as the displayed speaker (the alias table
may display ``В.Путин`` as ``Vladimir Putin``). Results go to
``eval/results/label_audit.json``; ``evaluate(repo_root)`` returns them without writing.
Without a mode flag the script scores, or draws the sample when there is none yet.

Judging conventions: a label is a speaker attribution printed by the publisher, not the
speaker's own words ending in a colon (``My question is:``), not a list entry (``Minister of
Transport: Yevgeny Ditrikh.``) and not a question read out with its sender. ``name`` is the
person or voice as printed, without role (``В.Путин``, ``Question``, ``ИТАР-ТАСС``), with a
publisher's typo mended (``VladimirPutin`` -> ``Vladimir Putin``); ``role`` is everything the
label says they are -- offices, ranks and titles included (``Sr Lieutenant``), a
parenthetical saying who or where they are included (``Daghestan``), speech notes such as
``(retranslated)`` excluded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import onrecord
from onrecord import parse_path
from onrecord.parse.labels import find_label_candidate, judge_label
from onrecord.parse.text import paragraph_spans

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NAME = Path("eval/gold/label_audit_sample.jsonl")
RESULTS_NAME = Path("eval/results/label_audit.json")
GOLD_DIR = SAMPLE_NAME.parent
RESULTS_DIR = RESULTS_NAME.parent
CORPORA = {
    "en": Path("corpora/kremlin_en/kremlin_en_dev.jsonl"),
    "ru": Path("corpora/kremlin_ru/kremlin_ru_dev.jsonl"),
}
TUNING_HTML = Path("corpora/kremlin_en_html")
SEED = 20250611  # round 1; later rounds: ``round_seed``
QUOTAS = {"en-accepted": 200, "en-rejected": 100, "ru-accepted": 100, "ru-rejected": 60}
HEAD_CHARS = 160
TOP_SPEAKERS = 15
JUDGEMENT_FIELDS = ("is_label", "name", "role", "note")


@dataclass(frozen=True, slots=True)
class Decision:
    """What the parser made of one paragraph's label candidate."""

    accepted: bool
    speaker: str | None
    speaker_id: str | None
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A paragraph that opens with a label candidate, and the parser's decision on it."""

    doc_id: str
    language: str
    start: int
    end: int
    candidate: str
    paragraph_head: str
    sha256_text: str
    decision: Decision

    @property
    def stratum(self) -> str:
        return f"{self.language}-{'accepted' if self.decision.accepted else 'rejected'}"

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_id, self.start)


# ----------------------------------------------------------------------------- rounds


def _check_round(number: int) -> None:
    if number < 1:
        raise ValueError(f"audit rounds are numbered from 1, not {number}")


def sample_name(number: int = 1) -> Path:
    """The judged sample of round ``number``, relative to the repository root."""
    _check_round(number)
    return SAMPLE_NAME if number == 1 else GOLD_DIR / f"{SAMPLE_NAME.stem}_{number}.jsonl"


def results_name(number: int = 1) -> Path:
    """Where the scores of round ``number`` are written, relative to the repository root."""
    _check_round(number)
    return RESULTS_NAME if number == 1 else RESULTS_DIR / f"{RESULTS_NAME.stem}_{number}.json"


def round_seed(number: int = 1) -> int:
    """The fixed seed of round ``number``: ``SEED`` for round 1, a different one after."""
    _check_round(number)
    return SEED if number == 1 else SEED + 7919 * (number - 1)


def earlier_keys(repo_root: Path, number: int) -> frozenset[tuple[str, int]]:
    """(doc id, paragraph start) of every row of rounds 1 .. ``number`` - 1.

    Raises ``FileNotFoundError`` if an earlier round has not been drawn.
    """
    keys: set[tuple[str, int]] = set()
    for earlier in range(1, number):
        path = repo_root / sample_name(earlier)
        if not path.exists():
            raise FileNotFoundError(f"round {earlier} ({path}) must be drawn before round {number}")
        keys.update((row["doc_id"], int(row["start"])) for row in read_jsonl(path))
    return frozenset(keys)


# ----------------------------------------------------------------------------- reading


def default_shared_dir(repo_root: Path) -> Path:
    """``$ONRECORD_SHARED`` if set, else ``<repo root>/../shared``."""
    env = os.environ.get("ONRECORD_SHARED")
    return Path(env) if env else repo_root.parent / "shared"


def tuning_ids(shared: Path) -> frozenset[str]:
    """Ids of the English documents the parser was tuned on (those kept as raw HTML)."""
    return frozenset(f"kremlin-en-{path.stem}" for path in (shared / TUNING_HTML).glob("*.html"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audited_documents(shared: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(language, Document.to_dict())`` for every non-tuning document."""
    excluded = tuning_ids(shared)
    for language, relative in CORPORA.items():
        for document in parse_path(shared / relative):
            data = document.to_dict()
            if data["id"] not in excluded:
                yield language, data


def label_starts(data: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    """Turns that open at a printed label, keyed by where the label starts."""
    return {
        turn["label_start"]: turn
        for turn in data["turns"]
        if turn.get("label") is not None and turn.get("continues") is None
    }


def decision_for(turn: Mapping[str, Any] | None, printed: str) -> Decision:
    if turn is None:
        return Decision(False, None, None, None, None)
    shape = judge_label(printed)
    name = shape.name if shape is not None else None
    return Decision(True, turn["speaker"], turn["speaker_id"], name, turn["role"])


def document_candidates(language: str, data: Mapping[str, Any]) -> Iterator[Candidate]:
    text: str = data["text"]
    turns = label_starts(data)
    digest = sha256_text(text)
    for start, end in paragraph_spans(text):
        found = find_label_candidate(text, start, end)
        if found is None:
            continue
        decision = decision_for(turns.get(start), found.printed)
        head = text[start : min(end, start + HEAD_CHARS)]
        yield Candidate(data["id"], language, start, end, found.printed, head, digest, decision)


def all_candidates(shared: Path) -> list[Candidate]:
    return [
        candidate
        for language, data in audited_documents(shared)
        for candidate in document_candidates(language, data)
    ]


# ----------------------------------------------------------------------------- sampling


def draw_sample(
    candidates: Sequence[Candidate],
    seed: int = SEED,
    exclude: frozenset[tuple[str, int]] = frozenset(),
) -> list[dict[str, Any]]:
    """Rows for a stratified random sample, in corpus order, judgement fields empty.

    Candidates whose key is in ``exclude`` (earlier rounds) are not part of the population;
    with an exclusion, each row says how many of its stratum were left out.
    """
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for stratum, quota in QUOTAS.items():
        everyone = [c for c in candidates if c.stratum == stratum]
        members = sorted((c for c in everyone if c.key not in exclude), key=_order)
        chosen = rng.sample(members, min(quota, len(members)))
        left_out = len(everyone) - len(members)
        for candidate in chosen:
            row = _sample_row(candidate, len(members), len(chosen))
            if exclude:
                row["stratum_excluded"] = left_out
            rows.append(row)
    rows.sort(key=lambda row: (row["language"], _doc_number(row["doc_id"]), row["start"]))
    return rows


def _order(candidate: Candidate) -> tuple[int, int]:
    return (_doc_number(candidate.doc_id), candidate.start)


def _doc_number(doc_id: str) -> int:
    match = re.search(r"(\d+)$", doc_id)
    return int(match.group(1)) if match else 0


def _sample_row(candidate: Candidate, size: int, sampled: int) -> dict[str, Any]:
    decision = asdict(candidate.decision)
    return {
        "doc_id": candidate.doc_id,
        "language": candidate.language,
        "stratum": candidate.stratum,
        "stratum_size": size,
        "stratum_sampled": sampled,
        "start": candidate.start,
        "end": candidate.end,
        "candidate": candidate.candidate,
        "paragraph_head": candidate.paragraph_head,
        **{f"parser_{key}": value for key, value in decision.items()},
        "sha256_text": candidate.sha256_text,
        **dict.fromkeys(JUDGEMENT_FIELDS),
    }


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def is_judged(row: Mapping[str, Any]) -> bool:
    return isinstance(row.get("is_label"), bool)


# ----------------------------------------------------------------------------- scoring


def normalise(value: str | None) -> str:
    """NBSP and runs of whitespace become one space; case folded; ends trimmed."""
    return " ".join((value or "").replace("\xa0", " ").split()).casefold()


def name_correct(row: Mapping[str, Any], decision: Decision) -> bool:
    judged = normalise(row["name"])
    return judged in {normalise(decision.name), normalise(decision.speaker)}


def role_correct(row: Mapping[str, Any], decision: Decision) -> bool:
    return normalise(row["role"]) == normalise(decision.role)


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def weight(row: Mapping[str, Any]) -> float:
    return float(row["stratum_size"]) / float(row["stratum_sampled"])


def detection_figures(
    rows: Sequence[Mapping[str, Any]], decisions: Sequence[Decision]
) -> dict[str, Any]:
    """Precision, recall and name/role accuracy on ``rows``, raw and re-weighted."""
    pairs = list(zip(rows, decisions, strict=True))
    tp = [(r, d) for r, d in pairs if r["is_label"] and d.accepted]
    fp = sum(1 for r, d in pairs if not r["is_label"] and d.accepted)
    fn = sum(1 for r, d in pairs if r["is_label"] and not d.accepted)
    w_tp = sum(weight(r) for r, _ in tp)
    w_fp = sum(weight(r) for r, d in pairs if not r["is_label"] and d.accepted)
    w_fn = sum(weight(r) for r, d in pairs if r["is_label"] and not d.accepted)
    names = sum(1 for r, d in tp if name_correct(r, d))
    roles = sum(1 for r, d in tp if role_correct(r, d))
    return {
        "rows": len(pairs),
        "judged_labels": len(tp) + fn,
        "true_positives": len(tp),
        "false_positives": fp,
        "false_negatives": fn,
        "precision": ratio(len(tp), len(tp) + fp),
        "recall": ratio(len(tp), len(tp) + fn),
        "weighted_precision": ratio(w_tp, w_tp + w_fp),
        "weighted_recall": ratio(w_tp, w_tp + w_fn),
        "name_correct": names,
        "name_accuracy": ratio(names, len(tp)),
        "role_correct": roles,
        "role_accuracy": ratio(roles, len(tp)),
    }


def stratum_figures(rows: Sequence[Mapping[str, Any]], decisions: Sequence[Decision]) -> Any:
    """Per stratum (as drawn): size, sampled, sampling rate, labels found, agreement."""
    out: dict[str, Any] = {}
    for stratum in QUOTAS:
        picked = [(r, d) for r, d in zip(rows, decisions, strict=True) if r["stratum"] == stratum]
        if not picked:
            continue
        size, sampled = picked[0][0]["stratum_size"], picked[0][0]["stratum_sampled"]
        labels = sum(1 for r, _ in picked if r["is_label"])
        agree = sum(1 for r, d in picked if r["is_label"] == d.accepted)
        excluded = picked[0][0].get("stratum_excluded")
        out[stratum] = {
            "population": size,
            **({} if excluded is None else {"excluded_earlier_rounds": excluded}),
            "sampled": sampled,
            "sampling_rate": ratio(sampled, size),
            "judged_labels": labels,
            "share_labels": ratio(labels, sampled),
            "parser_agrees": agree,
            "agreement": ratio(agree, sampled),
            **_stratum_accuracy(picked),
        }
    return out


def _stratum_accuracy(picked: Sequence[tuple[Mapping[str, Any], Decision]]) -> dict[str, Any]:
    tp = [(r, d) for r, d in picked if r["is_label"] and d.accepted]
    return {
        "name_accuracy": ratio(sum(1 for r, d in tp if name_correct(r, d)), len(tp)),
        "role_accuracy": ratio(sum(1 for r, d in tp if role_correct(r, d)), len(tp)),
    }


def disagreements(
    rows: Sequence[Mapping[str, Any]], decisions: Sequence[Decision]
) -> list[dict[str, Any]]:
    """Every row where the parser's decision, name or role differs from the judgement."""
    found: list[dict[str, Any]] = []
    for row, decision in zip(rows, decisions, strict=True):
        kinds = _disagreement_kinds(row, decision)
        if kinds:
            found.append(
                {
                    "doc_id": row["doc_id"],
                    "start": row["start"],
                    "kinds": kinds,
                    "candidate": row["candidate"],
                    "parser": asdict(decision),
                    "judged": {key: row[key] for key in JUDGEMENT_FIELDS},
                }
            )
    return found


def _disagreement_kinds(row: Mapping[str, Any], decision: Decision) -> list[str]:
    if row["is_label"] != decision.accepted:
        return ["false_positive" if decision.accepted else "false_negative"]
    if not decision.accepted:
        return []
    kinds = [] if name_correct(row, decision) else ["name"]
    return kinds if role_correct(row, decision) else [*kinds, "role"]


def current_decisions(
    rows: Sequence[Mapping[str, Any]], shared: Path
) -> tuple[list[Decision], list[str]]:
    """The current parser's decision for every row, and ids whose text changed."""
    wanted = {row["doc_id"] for row in rows}
    found: dict[tuple[str, int], Candidate] = {}
    digests: dict[str, str] = {}
    for language, data in audited_documents(shared):
        if data["id"] in wanted:
            digests[data["id"]] = sha256_text(data["text"])
            found.update((c.key, c) for c in document_candidates(language, data))
    changed = sorted(
        {row["doc_id"] for row in rows if digests.get(row["doc_id"]) != row["sha256_text"]}
    )
    missing = Decision(False, None, None, None, None)
    decisions = [
        found[key].decision if (key := (row["doc_id"], row["start"])) in found else missing
        for row in rows
    ]
    return decisions, changed


def sampling_decision(row: Mapping[str, Any]) -> Decision:
    return Decision(
        bool(row["parser_accepted"]),
        row["parser_speaker"],
        row["parser_speaker_id"],
        row["parser_name"],
        row["parser_role"],
    )


def score_rows(rows: Sequence[Mapping[str, Any]], decisions: Sequence[Decision]) -> dict[str, Any]:
    """Figures per language and pooled, per stratum, and every disagreement."""
    per_language: dict[str, Any] = {}
    for language in sorted({row["language"] for row in rows}):
        indices = [i for i, row in enumerate(rows) if row["language"] == language]
        per_language[language] = detection_figures(
            [rows[i] for i in indices], [decisions[i] for i in indices]
        )
    return {
        "languages": per_language,
        "pooled": detection_figures(rows, decisions),
        "strata": stratum_figures(rows, decisions),
        "disagreements": disagreements(rows, decisions),
        "changed_since_sampling": sum(
            1
            for row, decision in zip(rows, decisions, strict=True)
            if sampling_decision(row).accepted != decision.accepted
        ),
    }


# ----------------------------------------------------------------------------- corpus overview


@dataclass(slots=True)
class SpeakerTally:
    """How often one speaker id opens a turn, and one example of it."""

    turns: int
    speaker: str
    label: str
    content: str
    languages: set[str]


def speaker_overview(shared: Path) -> dict[str, Any]:
    """Documents with speech, the most frequent speaker ids, and ids that look wrong."""
    documents: Counter[str] = Counter()
    with_speech: Counter[str] = Counter()
    tallies: dict[str, SpeakerTally] = {}
    for language, data in audited_documents(shared):
        documents[language] += 1
        opened = [t for t in data["turns"] if t.get("label") and t.get("continues") is None]
        with_speech[language] += bool(opened)
        for turn in opened:
            _tally(tallies, turn, data["text"], language)
    ranked = sorted(tallies.items(), key=lambda item: (-item[1].turns, item[0]))
    return {
        "documents": dict(documents),
        "documents_with_speech": dict(with_speech),
        "distinct_speaker_ids": len(tallies),
        "top_speaker_ids": [
            {"speaker_id": sid, "speaker": tally.speaker, "labelled_turns": tally.turns}
            for sid, tally in ranked[:TOP_SPEAKERS]
        ],
        "suspicious_speaker_ids": [
            {
                "speaker_id": sid,
                "speaker": tally.speaker,
                "example_label": tally.label,
                "labelled_turns": tally.turns,
                "why": reason,
            }
            for sid, tally in sorted(tallies.items())
            if (reason := suspicion(sid, tally)) is not None
        ],
    }


def _tally(
    tallies: dict[str, SpeakerTally], turn: Mapping[str, Any], text: str, language: str
) -> None:
    content = text[turn["start"] : turn["start"] + 40]
    label = " ".join(str(turn["label"]).split())
    tally = tallies.setdefault(
        turn["speaker_id"], SpeakerTally(0, turn["speaker"], label, content, set())
    )
    tally.turns += 1
    tally.languages.add(language)


_GLUED = re.compile(r"[a-zа-яё][A-ZА-ЯЁ]")
_QUOTE_OPENERS = tuple('“«"„‘')
# Ranks, occupations and titles that a label should give as the role, not the name.
_TITLE_WORDS = frozenset(
    "lieutenant commander cosmonaut journalist major colonel captain general paramedic writer "
    "moderator archpriest president governor minister deputy director of the".split()
)
_PARTICLE_BEFORE = re.compile(r"\b(?:bin|ibn|bint|de|van|von|al|el)\s+$", re.IGNORECASE)
_MAX_ID_PARTS = 5


def suspicion(speaker_id: str, tally: SpeakerTally) -> str | None:
    """Why ``speaker_id`` looks like a parsing error, or None (heuristic, for review)."""
    words = tally.speaker.split()
    label = _PARENTHETICAL_TAIL.sub("", tally.label)
    checks = (
        (speaker_id.count("-") >= _MAX_ID_PARTS, "very long id: role not split from the name"),
        (bool(_GLUED.search(tally.speaker)), "glued words (missing space): not resolved"),
        (
            len(words) > 2 and words[0].casefold() in _TITLE_WORDS,
            "name starts with a title or role word",
        ),
        (_truncated(label, tally.speaker), "name cut after a particle (bin, von, ...)"),
        (tally.content.lstrip().startswith(_QUOTE_OPENERS), "turn opens with a quotation"),
        (tally.speaker.isupper() and len(words) > 1, "name displayed in capitals"),
    )
    return next((why for flagged, why in checks if flagged), None)


_PARENTHETICAL_TAIL = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _truncated(label: str, speaker: str) -> bool:
    """``Tamim bin Hamad Al Thani`` read as ``Hamad Al Thani``: a particle just before."""
    if not label.endswith(speaker) or label == speaker:
        return False
    return _PARTICLE_BEFORE.search(label[: -len(speaker)]) is not None


# ----------------------------------------------------------------------------- entry points


def parser_state(repo_root: Path) -> dict[str, Any]:
    """Which parser was scored: module path, repository commit, and the parser files
    (``parse/*.py``, ``data/*.toml``) that differ from that commit."""
    package = Path(onrecord.__file__).resolve().parent
    head = _git(repo_root, "rev-parse", "HEAD").strip() or None
    differing = [
        relative
        for path in sorted([*package.glob("parse/*.py"), *package.glob("data/*.toml")])
        if (relative := path.relative_to(package).as_posix())
        and _git(repo_root, "show", f"HEAD:src/onrecord/{relative}") != path.read_text("utf-8")
    ]
    return {
        "module": str(package),
        "version": onrecord.__version__,
        "git_head": head,
        "parser_files_differing_from_head": differing,
    }


def _git(repo_root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo_root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout


def evaluate(
    repo_root: Path = REPO_ROOT, shared: Path | None = None, round: int = 1
) -> dict[str, Any]:
    """Score round ``round``'s judged sample with the current parser; raises if a row is
    not judged."""
    shared = shared or default_shared_dir(repo_root)
    path = repo_root / sample_name(round)
    rows = read_jsonl(path)
    unjudged = [f"{r['doc_id']}@{r['start']}" for r in rows if not is_judged(r)]
    if unjudged:
        raise ValueError(f"{len(unjudged)} sample rows are not judged, e.g. {unjudged[:5]}")
    decisions, changed = current_decisions(rows, shared)
    result = score_rows(rows, decisions)
    result["documents_changed_since_sampling"] = changed
    result["parser"] = parser_state(repo_root)
    if round != 1:
        result["round"] = round
        result["sample"] = sample_name(round).as_posix()
    result["seed"] = round_seed(round)
    result["quotas"] = QUOTAS
    result["sample_sha256"] = sha256_text(path.read_text(encoding="utf-8"))
    result["corpus"] = speaker_overview(shared)
    return result


def make_sample(repo_root: Path, shared: Path, force: bool, number: int = 1) -> int:
    path = repo_root / sample_name(number)
    if path.exists() and any(is_judged(r) for r in read_jsonl(path)) and not force:
        print(f"{path} already holds judgements; pass --force to redraw", file=sys.stderr)
        return 1
    try:
        exclude = earlier_keys(repo_root, number)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    rows = draw_sample(all_candidates(shared), round_seed(number), exclude)
    write_jsonl(path, rows)
    counts = Counter(row["stratum"] for row in rows)
    print(f"wrote {len(rows)} rows to {path}: {dict(counts)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--sample", action="store_true", help="draw the sample (judgements empty)")
    mode.add_argument("--score", action="store_true", help="score the judged sample (default)")
    parser.add_argument("--force", action="store_true", help="redraw over a judged sample")
    parser.add_argument(
        "--round", type=int, default=1, metavar="N", help="audit round (default 1; see above)"
    )
    parser.add_argument("--shared", type=Path, help="folder holding corpora/ (default ../shared)")
    args = parser.parse_args(argv)
    if args.round < 1:
        parser.error("--round counts from 1")
    shared = args.shared or default_shared_dir(REPO_ROOT)
    sample = REPO_ROOT / sample_name(args.round)
    if args.sample or (not args.score and not sample.exists()):
        return make_sample(REPO_ROOT, shared, args.force, args.round)
    unjudged = sum(1 for row in read_jsonl(sample) if not is_judged(row))
    if unjudged:
        print(f"{unjudged} rows of {sample} are not judged yet", file=sys.stderr)
        return 1
    result = evaluate(REPO_ROOT, shared, round=args.round)
    out = REPO_ROOT / results_name(args.round)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("languages", "strata")}, indent=2))
    print(f"{len(result['disagreements'])} disagreements; written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
