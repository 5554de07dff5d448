"""From the raw gold corpora to the packaged NER pipeline in models/ner/model, in one call.

Steps: read the gold files (`pipeline.train.corpora`), write `train`/`valid`/`dev` DocBins tokenized
by the annotation pipeline (`pipeline.train.docbins`), train with spaCy on `train` choosing the
checkpoint on `valid`, copy the best pipeline to the output folder and record what it was made from
in `training.json` beside it. `dev` is never seen by training: bench/train_score.py scores it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from pipeline.resources import model_path
from pipeline.train.corpora import LABELS, read_all, source_digests
from pipeline.train.docbins import write_docbins

DEFAULT_CONFIG = model_path("ner/config.cfg")
DEFAULT_OUTPUT = model_path("ner/model")
DEFAULT_WORK_DIR = Path("build/ner")
RECORD_NAME = "training.json"


def convert(corpora_dir: Path, work_dir: Path) -> dict[str, Any]:
    """Write the DocBins of every split into `work_dir/corpus`; returns their counts."""
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(components=("trialgraph_sentences", "abbreviation_detector", "trialgraph_lexicon"))
    return write_docbins(nlp, read_all(corpora_dir), work_dir / "corpus")


def train_ner(
    corpora_dir: Path,
    output_dir: Path = DEFAULT_OUTPUT,
    work_dir: Path = DEFAULT_WORK_DIR,
    config_path: Path = DEFAULT_CONFIG,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Convert, train and package; returns the record written to `output_dir/../training.json`."""
    from spacy.cli.train import train
    from spacy.util import load_config
    from thinc.api import get_current_ops, set_current_ops

    from pipeline.nlp.trained_ner import blas_ops, reuse_freed_memory

    started = time.time()
    counts = convert(corpora_dir, work_dir)
    corpus = work_dir / "corpus"
    settings = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "valid.spacy"), **(overrides or {})}
    training_dir = work_dir / "training"
    shutil.rmtree(training_dir, ignore_errors=True)
    reuse_freed_memory()
    previous_ops = get_current_ops()
    set_current_ops(blas_ops())  # the ops the component predicts with (pipeline/nlp/trained_ner.py:load_model)
    try:
        train(config_path, training_dir, use_gpu=-1, overrides=settings)
    finally:
        set_current_ops(previous_ops)
    best = training_dir / "model-best"
    shutil.rmtree(output_dir, ignore_errors=True)
    shutil.copytree(best, output_dir)
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    config = load_config(config_path, overrides=settings, interpolate=True)
    record = {
        "labels": list(LABELS),
        "seed": config["training"]["seed"],
        "config": Path(config_path).name,
        "config_sha256": hashlib.sha256(Path(config_path).read_bytes()).hexdigest()[:16],
        "overrides": {k: v for k, v in settings.items() if not k.startswith("paths.")},
        "sources": source_digests(corpora_dir),
        "texts": counts,
        "valid_scores": {k: meta["performance"].get(k) for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
        "spacy_version": meta.get("spacy_version"),
        "minutes": round((time.time() - started) / 60, 1),
    }
    (output_dir.parent / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record
