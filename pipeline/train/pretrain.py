"""Pretraining of the NER model's tok2vec on unlabeled text, before the NER itself is trained on gold.

spaCy's `pretrain` with its characters objective: the tok2vec learns to predict the first and last
characters of each word from the words around it, on every text of the training groups (never a dev
group): ADE-Corpus-V2's sentences, its negative sentences included (no gold mentions, but real prose),
BC5CDR's training abstracts, the TAC 2017 label sections and, when the corpora folder has them, the Chia
eligibility criteria. The texts are tokenized and lexicon-tagged by the same components as the gold
DocBins (`pipeline.train.ner.convert`), so the tok2vec sees the lexicon feature here too. The weights of
the last epoch start the NER training (`paths.init_tok2vec`).
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import DocBin

from pipeline.train.corpora import ADE_DIR, GoldText, ade_negative_sentences, split_of
from pipeline.train.docbins import sentence_docs, set_lexicon_tags

CHIA_DIR = "chia"


def unlabeled_texts(corpora_dir: Path, golds: Iterable[GoldText]) -> dict[str, list[str]]:
    """The texts of the training groups, by source: the gold texts outside `dev`, ADE-Corpus-V2's negative
    sentences of training PMIDs (when `golds` hold ADE-Corpus-V2) and the Chia criteria files (when
    `corpora_dir/chia` exists)."""
    corpora_dir = Path(corpora_dir)
    texts: dict[str, list[str]] = {}
    read = set()
    for gold in golds:
        read.add(gold.corpus)
        if gold.split != "dev":
            texts.setdefault(gold.corpus, []).append(gold.text)
    if "ade" in read:
        texts["ade_negative"] = [
            text for pmid, text in ade_negative_sentences(corpora_dir / ADE_DIR) if split_of("ade", pmid) != "dev"
        ]
    chia = corpora_dir / CHIA_DIR
    if chia.is_dir():
        texts["chia"] = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(chia.glob("*.txt"))]
    return texts


def write_unlabeled_docbin(nlp: Language, texts: dict[str, list[str]], path: Path) -> dict[str, int]:
    """One sentence Doc per sentence, with the lexicon tags as TAG, in the DocBin `path`; returns the
    number of texts per source and the words in all."""
    docbin = DocBin(attrs=["ORTH", "SPACY", "TAG"])
    counts = {source: len(items) for source, items in texts.items()}
    words = 0
    for doc in nlp.pipe((text for items in texts.values() for text in items), batch_size=64):
        words += sum(not t.is_space for t in doc)
        for sentence in sentence_docs(set_lexicon_tags(doc)):
            docbin.add(sentence)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return {**counts, "words": words}


def pretrain_tok2vec(config_path: Path, settings: dict[str, Any], output_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Runs spaCy's pretraining of the config's `[pretraining]` on `settings["paths.raw_text"]`; returns the
    weights of the last epoch and a record of the run (epochs, words seen, last epoch's loss, minutes)."""
    import srsly
    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    started = time.time()
    config = load_config(config_path, overrides=settings, interpolate=True)
    output_dir.mkdir(parents=True, exist_ok=True)
    for old in output_dir.glob("model*.bin"):
        old.unlink()
    (output_dir / "log.jsonl").unlink(missing_ok=True)
    pretrain(config, output_dir)
    # one line per saved epoch, then one at the end whose epoch loss is already reset to 0
    log = list(srsly.read_jsonl(output_dir / "log.jsonl"))
    record = {
        "epochs": config["pretraining"]["max_epochs"],
        "words_seen": log[-1]["nr_word"] if log else 0,
        "last_epoch_loss": round(log[-2]["epoch_loss"], 1) if len(log) > 1 else None,
        "minutes": round((time.time() - started) / 60, 1),
    }
    return output_dir / "model-last.bin", record
