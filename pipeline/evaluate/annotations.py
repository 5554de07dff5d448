"""`trialgraph evaluate GOLD`: the pipeline's mentions and relations scored against a user's own gold.

Gold comes as PubTator text, BioC XML or JSON (their annotations, types mapped by `pipeline.exchange.labels`),
the ADE-Corpus-V2 folder (drugs and adverse effects, their drug–effect and drug–dose pairs) or a TAC 2017
folder of drug labels (adverse reactions). Each gold text is annotated as `trialgraph annotate` does, and
scored per label, only on the labels and relation labels the gold has:

- strict: a prediction is right when its offsets and label are a gold mention's (for the gold's `DISEASE`,
  BC5CDR's disease type, either of our disease labels, on the reported phrase or the concept's name in it);
- overlap: precision counts the predictions that overlap a gold mention of their label, recall the gold
  mentions overlapped by a prediction of theirs;
- relation pairs, per document: a gold pair (label, head, tail) is found when a predicted relation of that
  label has a head and a tail that name the gold's (an identifier or the words, in any case) and a predicted
  pair is right when it finds a gold one; each distinct predicted pair counts once.

Precision, recall and F1 are None where their denominator is 0. ADE-Corpus-V2 and TAC annotate only some
mentions of their texts, so their precision counts unannotated true mentions as wrong.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.exchange.labels import DISEASE, same_label

FORMATS = ("pubtator", "bioc", "ade", "tac")


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class GoldPair:
    """A related pair: the relation label and the names (identifiers, lower-cased words) of each end."""

    label: str
    head: frozenset[str]
    tail: frozenset[str]


@dataclass(frozen=True)
class GoldDocument:
    id: str
    text: str
    mentions: tuple[GoldMention, ...]
    pairs: tuple[GoldPair, ...]


@dataclass(frozen=True)
class Counts:
    """How many gold and predicted items there are and how many of each were matched."""

    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    matched_predicted: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.gold + other.gold, self.predicted + other.predicted,
                      self.matched_gold + other.matched_gold, self.matched_predicted + other.matched_predicted)

    @property
    def precision(self) -> float | None:
        return self.matched_predicted / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched_gold / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)

    def to_dict(self) -> dict[str, Any]:
        figures = {k: None if v is None else round(v, 4)
                   for k, v in (("precision", self.precision), ("recall", self.recall), ("f1", self.f1))}
        return {"gold": self.gold, "predicted": self.predicted, "matched_gold": self.matched_gold,
                "matched_predicted": self.matched_predicted, **figures}


@dataclass(frozen=True)
class Report:
    """Scores per entity label (strict and overlap) and per relation label."""

    gold: str
    format: str
    documents: int
    strict: dict[str, Counts]
    overlap: dict[str, Counts]
    relations: dict[str, Counts]

    def to_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "format": self.format, "documents": self.documents,
                "entities": {label: {"strict": self.strict[label].to_dict(), "overlap": self.overlap[label].to_dict()}
                             for label in self.strict},
                "relations": {label: counts.to_dict() for label, counts in self.relations.items()}}


# gold ---------------------------------------------------------------------------------------------------

def detect(path: Path) -> str:
    """The gold format of `path`: `ade` or `tac` for their folders, else that of the file's content."""
    if not path.exists():
        raise ValueError(f"no gold at {path}")
    if path.is_dir():
        if (path / "DRUG-AE.rel").is_file():
            return "ade"
        if any(path.glob("*.xml")) or any(path.glob("train_xml/*.xml")):
            return "tac"
        raise ValueError(f"{path}: a folder that is neither ADE-Corpus-V2 (DRUG-AE.rel) nor TAC 2017 (*.xml); "
                         "give --format or a PubTator or BioC file")
    from pipeline.readers import detect_format, read_file_bytes

    found = detect_format(read_file_bytes(path), str(path))
    if found not in ("pubtator", "bioc", "bioc_json"):
        raise ValueError(f"{path}: {found} input, not gold: give a PubTator or BioC file, or an ADE or TAC folder")
    return "pubtator" if found == "pubtator" else "bioc"


def _names(*words: str | Iterable[str]) -> frozenset[str]:
    names: set[str] = set()
    for item in words:
        names.update([item] if isinstance(item, str) else item)
    return frozenset(name.lower() for name in names if name)


def _from_documents(path: Path) -> list[GoldDocument]:
    from pipeline.readers import read_documents

    gold = []
    for document in read_documents(path):
        by_id = {a.id: a for a in document.pre_annotations if a.id}
        pairs = []
        for relation in document.pre_relations:
            ends = [(_names(by_id[ref].text, by_id[ref].norm) if ref in by_id else _names(ref))
                    for _, ref in relation.arguments]
            if relation.label and len(ends) == 2:
                pairs.append(GoldPair(relation.label, *ends))
        mentions = tuple(GoldMention(a.start, a.end, a.label) for a in document.pre_annotations if a.label)
        gold.append(GoldDocument(document.source_path, document.text, mentions, tuple(dict.fromkeys(pairs))))
    return gold


def load_gold(path: str | Path, fmt: str | None = None) -> list[GoldDocument]:
    """The gold texts of `path` in `fmt` (`FORMATS`; detected when None)."""
    path = Path(path)
    fmt = fmt or detect(path)
    if not path.exists():
        raise ValueError(f"no gold at {path}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown gold format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("pubtator", "bioc"):
        return _from_documents(path)
    from pipeline.train.corpora import read_ade, read_tac

    if not path.is_dir():
        raise ValueError(f"{path}: {fmt} gold is a folder (ADE-Corpus-V2's, or TAC 2017's of label XML files)")
    texts = read_ade(path) if fmt == "ade" else read_tac(path / "train_xml" if (path / "train_xml").is_dir() else path)
    out = []
    for number, gold in enumerate(texts, 1):
        mentions = tuple(GoldMention(s, e, "ADVERSE_EVENT" if label == DISEASE else label)  # their diseases are AEs
                         for s, e, label in gold.spans)
        pairs = tuple(GoldPair(label, _names(head), _names(tail)) for label, head, tail in sorted(gold.pairs))
        out.append(GoldDocument(f"{gold.group}#{number}", gold.text, mentions, pairs))
    return out


# scoring ------------------------------------------------------------------------------------------------

def _spans(entity: dict[str, Any], gold_label: str) -> set[tuple[int, int]]:
    """The spans a predicted entity may be matched on for a gold label (the concept's name too, for DISEASE)."""
    spans = {(entity["start"], entity["end"])}
    if gold_label == DISEASE and "concept_start" in entity:
        spans.add((entity["concept_start"], entity["concept_end"]))
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _mention_counts(gold: Sequence[GoldMention], predicted: Sequence[dict[str, Any]],
                    label: str) -> tuple[Counts, Counts]:
    wanted = {(m.start, m.end) for m in gold if m.label == label}
    found = [_spans(e, label) for e in predicted if same_label(label, e["label"])]
    strict_predicted = sum(1 for spans in found if spans & wanted)
    strict_gold = len({span for spans in found for span in spans} & wanted)
    overlap_predicted = sum(1 for spans in found if any(_overlaps(s, w) for s in spans for w in wanted))
    overlap_gold = sum(1 for w in wanted if any(_overlaps(s, w) for spans in found for s in spans))
    return (Counts(len(wanted), len(found), strict_gold, strict_predicted),
            Counts(len(wanted), len(found), overlap_gold, overlap_predicted))


def _pair_counts(gold: Sequence[GoldPair], result: dict[str, Any], label: str) -> Counts:
    entities = result["entities"]
    predicted = {GoldPair(label, _names(entities[r["head"]]["text"], entities[r["head"]].get("norm") or ()),
                          _names(entities[r["tail"]]["text"], entities[r["tail"]].get("norm") or ()))
                 for r in result["relations"] if r["label"] == label}
    wanted = [p for p in gold if p.label == label]

    def finds(guess: GoldPair, pair: GoldPair) -> bool:
        return bool(guess.head & pair.head) and bool(guess.tail & pair.tail)

    return Counts(len(wanted), len(predicted), sum(1 for p in wanted if any(finds(g, p) for g in predicted)),
                  sum(1 for g in predicted if any(finds(g, p) for p in wanted)))


def score(gold: Sequence[GoldDocument], results: Sequence[dict[str, Any]], source: str = "",
          fmt: str = "") -> Report:
    """Scores of `results` (the `annotate` contract's `{"entities", "relations"}`, one per gold document, in order)."""
    if len(gold) != len(results):
        raise ValueError(f"{len(results)} results for {len(gold)} gold documents")
    labels = sorted({m.label for doc in gold for m in doc.mentions})
    relation_labels = sorted({p.label for doc in gold for p in doc.pairs})
    strict: dict[str, Counts] = defaultdict(Counts)
    overlap: dict[str, Counts] = defaultdict(Counts)
    relations: dict[str, Counts] = defaultdict(Counts)
    for doc, result in zip(gold, results):
        for label in labels:
            exact, loose = _mention_counts(doc.mentions, result["entities"], label)
            strict[label] += exact
            overlap[label] += loose
        for label in relation_labels:
            relations[label] += _pair_counts(doc.pairs, result, label)
    return Report(source, fmt, len(gold), {label: strict[label] for label in labels},
                  {label: overlap[label] for label in labels}, {label: relations[label] for label in relation_labels})


def evaluate(path: str | Path, fmt: str | None = None, batch_size: int = 64) -> Report:
    """Annotate every gold text of `path` with the full pipeline and score the result."""
    from pipeline.nlp.language import default_nlp
    from pipeline.nlp.serialize import doc_annotations

    fmt = fmt or detect(Path(path))
    gold = load_gold(path, fmt)
    nlp = default_nlp()
    results = [doc_annotations(doc) for doc in nlp.pipe((g.text for g in gold), batch_size=batch_size)]
    return score(gold, results, str(path), fmt)


def render(report: Report) -> str:
    """The report as a table for people."""
    def cell(value: float | None) -> str:
        return "    -" if value is None else f"{value:.3f}"

    lines = [f"{report.gold} ({report.format}): {report.documents} documents",
             f"{'label':<20} {'match':<8} {'gold':>6} {'pred':>6}  {'P':>5}  {'R':>5}  {'F1':>5}"]
    rows = [(label, mode, counts) for label in report.strict
            for mode, counts in (("strict", report.strict[label]), ("overlap", report.overlap[label]))]
    rows += [(label, "pairs", counts) for label, counts in report.relations.items()]
    for label, mode, c in rows:
        lines.append(f"{label:<20} {mode:<8} {c.gold:>6} {c.predicted:>6}  {cell(c.precision)}  {cell(c.recall)}  "
                     f"{cell(c.f1)}")
    return "\n".join(lines)
