"""Train the HAS_ADVERSE_EVENT relation model (pipeline/nlp/trained_relations.py) on ADE-Corpus-V2 and
BC5CDR.

Candidates are the rule relations within a sentence that the annotation pipeline proposes (its own
entities, so training sees what inference sees), in the `train` and `valid` documents of
- ADE-Corpus-V2: positive sentences (DRUG-AE.rel) and negative ones (ADE-NEG.txt, every candidate a
  negative). A candidate is positive when its drug and event texts form a gold pair of the sentence;
- BC5CDR's training abstracts: a candidate is positive when the MeSH ids of the gold mentions under its
  drug and its event form one of the abstract's chemical-induced-disease pairs.
Logistic regression (scikit-learn, fixed seed) is fitted on `train`; the threshold that maximizes the
sum of two F1 on ADE-Corpus-V2's `valid` pairs is kept: over the positive sentences only (the scorer's
HAS_ADVERSE_EVENT) and with negative sentences counted. BC5CDR's development file and the ADE-Corpus-V2
`dev` PMIDs are never read here.

    trialgraph train --corpora ../shared/corpora --only relations
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.nlp.word_classes import DEFAULT_CLASSES, WordClasses
from pipeline.resources import model_path
from pipeline.train.corpora import ADE_DIR, BC5CDR_DIR, GoldText, ade_negative_sentences, read_bc5cdr, split_of
from pipeline.train.linear import SEED, fit_linear

if TYPE_CHECKING:
    from spacy.tokens import Span

    from pipeline.nlp.sentences import EntitySentence

DEFAULT_OUTPUT = model_path("ner/relations/has_adverse_event.json.gz")
REGULARIZATION = 1.0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@dataclass
class Sentence:
    pmid: str
    text: str
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (drug, event), normalized texts
    negative: bool = False  # from ADE-NEG.txt: no adverse event is stated


def read_ade_sentences(folder: Path) -> list[Sentence]:
    """Positive sentences with their gold drug-event pairs, then the negative sentences (no pairs)."""
    sentences: dict[tuple[str, str], Sentence] = {}
    for line in (folder / "DRUG-AE.rel").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) >= 8:
            sentence = sentences.setdefault((parts[0], parts[1]), Sentence(parts[0], parts[1]))
            sentence.pairs.add((_norm(parts[5]), _norm(parts[2])))
    for pmid, text in ade_negative_sentences(folder):
        sentences.setdefault((pmid, text), Sentence(pmid, text, negative=True))
    return list(sentences.values())


def _sentence_pairs(nlp, texts: list[str], batch_size: int) -> Iterator[tuple[int, Span, Span, EntitySentence]]:
    """(text index, drug, event, the event's sentence) for every rule HAS_ADVERSE_EVENT relation the pipeline
    proposes between two mentions of one sentence."""
    from pipeline.nlp.sentences import sentences_of_entities

    for index, doc in enumerate(nlp.pipe(texts, batch_size=batch_size)):
        ents, ent_sentences = list(doc.ents), sentences_of_entities(doc)
        for relation in doc._.relations or []:
            event_sentence = ent_sentences[relation.tail]
            if relation.label == "HAS_ADVERSE_EVENT" and ent_sentences[relation.head] is event_sentence:
                yield index, ents[relation.head], ents[relation.tail], event_sentence


def candidates(nlp, sentences: list[Sentence], classes: WordClasses) -> list[tuple[Sentence, list[str], bool]]:
    """(sentence, features, is_gold_pair) for every rule HAS_ADVERSE_EVENT relation within a sentence."""
    from pipeline.nlp.trained_relations import pair_features

    out = []
    for index, drug, event, event_sentence in _sentence_pairs(nlp, [s.text for s in sentences], 64):
        sentence = sentences[index]
        gold = (_norm(drug.text), _norm(event.text)) in sentence.pairs
        out.append((sentence, pair_features(drug, event, event_sentence, classes), gold))
    return out


def induced_candidates(nlp, abstracts: list[GoldText], classes: WordClasses) -> list[tuple[GoldText, list[str], bool]]:
    """(abstract, features, is_induced) for every rule HAS_ADVERSE_EVENT relation within a sentence of
    BC5CDR abstracts: is the pair of its mentions' gold MeSH ids a chemical-induced disease of the abstract?"""
    from pipeline.nlp.trained_relations import pair_features

    def gold_ids(abstract: GoldText, span: Span, label: str) -> set[str]:
        return {mesh for start, end, gold_label in abstract.spans
                if gold_label == label and start < span.end_char and span.start_char < end
                for mesh in abstract.mesh.get((start, end), ())}

    out = []
    for index, drug, event, event_sentence in _sentence_pairs(nlp, [a.text for a in abstracts], 16):
        abstract = abstracts[index]
        induced = any((chemical, disease) in abstract.induced for chemical in gold_ids(abstract, drug, "DRUG")
                      for disease in gold_ids(abstract, event, "DISEASE"))
        out.append((abstract, pair_features(drug, event, event_sentence, classes), induced))
    return out


def _f1(probabilities, golds, missed: int, threshold: float) -> float:
    tp = sum(p >= threshold and g for p, g in zip(probabilities, golds))
    fp = sum(p >= threshold and not g for p, g in zip(probabilities, golds))
    fn = sum(g and p < threshold for p, g in zip(probabilities, golds)) + missed
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train_relations(corpora_dir: Path, output: Path = DEFAULT_OUTPUT, ner_model_dir: Path | None = None,
                    role_model_path: Path | None = None, classes_path: Path | str = DEFAULT_CLASSES) -> dict[str, Any]:
    """Fit, choose the threshold, save the model; returns its training record. `ner_model_dir` and
    `role_model_path` are the NER pipeline and role model whose mentions the candidates are (default those
    under models/ner); `classes_path` the word classes of the features (default models/vectors')."""
    from pipeline.nlp.language import COMPONENTS, build_nlp

    folder = Path(corpora_dir) / ADE_DIR
    sentences = [s for s in read_ade_sentences(folder) if split_of("ade", s.pmid) in ("train", "valid")]
    nlp = build_nlp(components=tuple(c for c in COMPONENTS if c != "trialgraph_relation_scorer"))
    if ner_model_dir is not None:
        nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config={"model_dir": str(ner_model_dir)})
    if role_model_path is not None:
        nlp.replace_pipe("trialgraph_event_roles", "trialgraph_event_roles", config={"model_path": str(role_model_path)})
    classes = WordClasses.load(classes_path)
    found = candidates(nlp, sentences, classes)
    parts = {split: [c for c in found if split_of("ade", c[0].pmid) == split] for split in ("train", "valid")}
    bc5cdr_dir = Path(corpora_dir) / BC5CDR_DIR
    abstracts = [a for a in read_bc5cdr(bc5cdr_dir) if a.split in ("train", "valid")] if bc5cdr_dir.is_dir() else []
    induced = induced_candidates(nlp, abstracts, classes)
    induced_parts = {split: [c for c in induced if c[0].split == split] for split in ("train", "valid")}
    train = parts["train"] + induced_parts["train"]
    model = fit_linear([f for _, f, _ in train], [g for _, _, g in train], REGULARIZATION)
    valid = parts["valid"]
    probabilities = [model.probability(f) for _, f, _ in valid]
    golds = [g for _, _, g in valid]
    positive = [not s.negative for s, _, _ in valid]
    valid_pairs = sum(len(s.pairs) for s in sentences if split_of("ade", s.pmid) == "valid")
    missed = valid_pairs - sum(golds)  # gold pairs the pipeline proposed no candidate for

    def both_f1(threshold: float) -> tuple[float, float]:
        in_positive = [(p, g) for p, g, pos in zip(probabilities, golds, positive) if pos]
        return (_f1([p for p, _ in in_positive], [g for _, g in in_positive], missed, threshold),
                _f1(probabilities, golds, missed, threshold))

    thresholds = [t / 20 for t in range(1, 19)]
    model.threshold = max(thresholds, key=lambda t: (sum(both_f1(t)), -abs(t - 0.5)))
    record = {
        "seed": SEED,
        "regularization": REGULARIZATION,
        "word_classes": classes.digest(),
        "source": {name: hashlib.sha256(path.read_bytes()).hexdigest()[:16] for name, path in (
            ("DRUG-AE.rel", folder / "DRUG-AE.rel"), ("ADE-NEG.txt", folder / "ADE-NEG.txt"),
            ("CDR_TrainingSet.PubTator.txt", bc5cdr_dir / "CDR_TrainingSet.PubTator.txt")) if path.exists()},
        "candidates": {split: {"all": len(c), "gold": sum(g for *_, g in c)} for split, c in parts.items()},
        "bc5cdr_candidates": {split: {"all": len(c), "induced": sum(g for *_, g in c)} for split, c in induced_parts.items()},
        # F1 of the valid pairs: (positive sentences only, negative sentences counted)
        "valid_f1_at_threshold": [round(f, 4) for f in both_f1(model.threshold)],
        "valid_f1_rules_only": [round(f, 4) for f in both_f1(0.0)],
    }
    model.save(Path(output), record)
    return {**record, "threshold": model.threshold, "features": len(model.weights)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder holding ade_corpus_v2/ and bc5cdr/")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    print(json.dumps(train_relations(args.corpora, args.output), indent=1))


if __name__ == "__main__":
    main()
