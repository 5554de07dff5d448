"""Train the adverse-event-versus-condition model (pipeline/nlp/event_roles.py).

Examples are the disease mentions the annotation pipeline finds (lexicon, NER model, context cues: what
inference sees) in the `train` and `valid` texts of two corpora that annotate adverse events fully:
- ADE-Corpus-V2 positive sentences: a mention overlapping an annotated adverse effect is an adverse
  event; any other disease mention in such a sentence is not ("a patient with schizophrenia");
- TAC 2017 label sections: a mention overlapping an AdverseReaction is one; others (indications,
  "patients with renal impairment") are not. Mentions touching a discontiguous gold mention are left out.
Logistic regression (scikit-learn, fixed seed) is fitted on `train`; the threshold with the best
adverse-event F1 on `valid` is kept. The `dev` texts are never read here.

    trialgraph train --corpora ../shared/corpora --only roles
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pipeline.nlp.word_classes import DEFAULT_CLASSES, WordClasses
from pipeline.resources import model_path
from pipeline.train.corpora import ADE_DIR, TAC_DIR, GoldText, read_ade, read_tac, tac_folder
from pipeline.train.linear import SEED, fit_linear

DEFAULT_OUTPUT = model_path("ner/roles/event_role.json.gz")
REGULARIZATION = 0.5
_UNTIL = "trialgraph_context"  # the pipeline up to the cue decision the model rescores


def gold_texts(corpora_dir: Path, tac_dev_fold: int = 0) -> list[GoldText]:
    """ADE-Corpus-V2 sentences that annotate an adverse effect and TAC 2017 sections, `train` and `valid` only
    (the TAC labels of fifth `tac_dev_fold` are `dev`)."""
    corpora_dir = Path(corpora_dir)
    ade = [g for g in read_ade(corpora_dir / ADE_DIR) if any(label == "DISEASE" for *_, label in g.spans)]
    return [g for g in ade + read_tac(tac_folder(corpora_dir), tac_dev_fold) if g.split in ("train", "valid")]


def examples(nlp, texts: list[GoldText], classes: WordClasses) -> list[tuple[GoldText, list[str], bool]]:
    """(text, features, is_adverse_event) for every disease mention whose role the model decides."""
    from pipeline.nlp.context import ContextRules
    from pipeline.nlp.event_roles import decided_by_model, role_features
    from pipeline.nlp.sentences import sentences_of_entities

    rules, out = ContextRules.load(), []
    for gold, doc in zip(texts, nlp.pipe((g.text for g in texts), batch_size=32)):
        events = [(s, e) for s, e, label in gold.spans if label == "DISEASE"]
        drugs = [(s, e) for s, e, label in gold.spans if label == "DRUG"]
        for ent, sentence in zip(doc.ents, sentences_of_entities(doc)):
            if not decided_by_model(ent, rules):
                continue
            span = (ent.start_char, ent.end_char)
            if _overlaps(span, gold.unknown) or _overlaps(span, drugs):
                continue
            out.append((gold, role_features(ent, sentence, classes), _overlaps(span, events)))
    return out


def _overlaps(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in ranges)


def _f1(probabilities: list[float], golds: list[bool], threshold: float) -> float:
    tp = sum(p >= threshold and g for p, g in zip(probabilities, golds))
    wrong = sum((p >= threshold) != g for p, g in zip(probabilities, golds))
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def train_roles(corpora_dir: Path, output: Path = DEFAULT_OUTPUT, tac_dev_fold: int = 0,
                ner_model_dir: Path | None = None, classes_path: Path | str = DEFAULT_CLASSES) -> dict[str, Any]:
    """Fit, choose the threshold, save the model; returns its training record. `ner_model_dir` is the NER
    pipeline whose mentions the examples are (default models/ner/model), `classes_path` the word classes of the
    features (default models/vectors')."""
    from pipeline.nlp.language import COMPONENTS, build_nlp

    nlp = build_nlp(components=COMPONENTS[: COMPONENTS.index(_UNTIL) + 1])
    if ner_model_dir is not None:
        nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config={"model_dir": str(ner_model_dir)})
    classes = WordClasses.load(classes_path)
    found = examples(nlp, gold_texts(corpora_dir, tac_dev_fold), classes)
    parts = {split: [x for x in found if x[0].split == split] for split in ("train", "valid")}
    model = fit_linear([f for _, f, _ in parts["train"]], [g for *_, g in parts["train"]], REGULARIZATION)
    probabilities = [model.probability(f) for _, f, _ in parts["valid"]]
    golds = [g for *_, g in parts["valid"]]
    cue_roles = [float("cue_role=ADVERSE_EVENT" in f) for _, f, _ in parts["valid"]]
    thresholds = [t / 20 for t in range(1, 20)]
    model.threshold = max(thresholds, key=lambda t: (_f1(probabilities, golds, t), -abs(t - 0.5)))
    corpora_dir = Path(corpora_dir)
    sources = [corpora_dir / ADE_DIR / "DRUG-AE.rel", *sorted((corpora_dir / TAC_DIR).rglob("*.xml"))]
    record = {
        "seed": SEED,
        "regularization": REGULARIZATION,
        "word_classes": classes.digest(),
        "sources": hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest() for p in sources)).hexdigest()[:16],
        "examples": {split: {"all": len(x), "adverse_event": sum(g for *_, g in x)} for split, x in parts.items()},
        # adverse-event F1 over the valid mentions: the model at its threshold, and the context cues alone
        "valid_f1": round(_f1(probabilities, golds, model.threshold), 4),
        "valid_f1_cues_only": round(_f1(cue_roles, golds, 0.5), 4),
    }
    model.save(Path(output), record)
    return {**record, "threshold": model.threshold, "features": len(model.weights)}

