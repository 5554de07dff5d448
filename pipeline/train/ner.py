"""From the raw gold corpora to the packaged NER pipeline in models/ner/model, in one call.

Steps: read the gold files (`pipeline.train.corpora`), write `train`/`valid`/`dev` DocBins tokenized
by the annotation pipeline (`pipeline.train.docbins`), pretrain the tok2vec on the unlabeled texts of the
training groups when the config has a `[pretraining]` (`pipeline.train.pretrain`), train with spaCy on
`train` choosing the checkpoint on `valid`, copy the best pipeline to the output folder and record what
it was made from in `training.json` beside it. The static vectors table the config names (`paths.vectors`,
models/vectors, from `trialgraph train vectors`) is not copied into the packaged model: it reads the table from
models/vectors when it loads (`pipeline.nlp.trained_ner.attach_vectors`). `dev` is never seen by training: bench/train_score.py scores it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.resources import model_path
from pipeline.train.corpora import CORPORA, LABELS, corpus_names, read_all, source_digests
from pipeline.train.docbins import write_docbins
from pipeline.train.pretrain import pretrain_tok2vec, unlabeled_texts, write_unlabeled_docbin

DEFAULT_CONFIG = model_path("ner/config.cfg")
DEFAULT_OUTPUT = model_path("ner/model")
DEFAULT_WORK_DIR = Path("build/ner")
ALL_ONCE = MappingProxyType(dict.fromkeys(CORPORA, 1))  # every corpus, its training texts seen once per epoch
RECORD_NAME = "training.json"


def convert(corpora_dir: Path, work_dir: Path, unlabeled: bool = False, tac_dev_fold: int = 0,
            corpora: Mapping[str, int] = ALL_ONCE) -> dict[str, Any]:
    """Write the DocBins of every split of `corpora` (name -> times its training texts are seen per epoch) into
    `work_dir/corpus`, and with `unlabeled` the pretraining texts (`unlabeled.spacy`); returns their counts. The
    TAC 2017 labels of fifth `tac_dev_fold` are `dev`."""
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(components=("trialgraph_sentences", "abbreviation_detector", "trialgraph_lexicon"))
    golds = read_all(corpora_dir, tac_dev_fold, corpora)
    counts = write_docbins(nlp, golds, work_dir / "corpus", corpora)
    if unlabeled:
        texts = unlabeled_texts(corpora_dir, golds)
        counts["unlabeled"] = write_unlabeled_docbin(nlp, texts, work_dir / "corpus" / "unlabeled.spacy")
    return counts


def pretraining_epochs(config_path: Path, overrides: dict[str, Any]) -> int:
    """`pretraining.max_epochs` of the config (0 when it has no `[pretraining]`)."""
    from spacy.util import load_config

    config = load_config(config_path, overrides=overrides, interpolate=False)
    return int((config.get("pretraining") or {}).get("max_epochs") or 0)


def vectors_table(config_path: Path, overrides: dict[str, Any]) -> Path | None:
    """The vectors table of the config's `paths.vectors` (a relative path is below models/), or None when the config
    names none; `FileNotFoundError` with the command that builds it when it is missing."""
    from spacy.util import load_config

    name = load_config(config_path, overrides=overrides, interpolate=False)["paths"].get("vectors")
    if not name:
        return None
    path = model_path(name)
    if not (path / "vocab" / "vectors").exists():
        raise FileNotFoundError(f"no vectors table in {path} (paths.vectors of {config_path}): run "
                                "`trialgraph train vectors --corpora DIR` first, or set paths.vectors = null")
    return path


def vectors_record(table: Path | None) -> dict[str, Any] | None:
    """What the NER's record says of its vectors table: folder, name, rows, width, digest."""
    if table is None:
        return None
    from pipeline.train.vectors import RECORD_NAME as VECTORS_RECORD, table_digest

    made = table / VECTORS_RECORD
    info = json.loads(made.read_text(encoding="utf-8")) if made.exists() else {}
    return {"table": table.name, "name": info.get("settings", {}).get("name"), "rows": info.get("rows"),
            "width": info.get("width"), "table_sha256": table_digest(table)}


def drop_vector_files(model_dir: Path) -> None:
    """Removes the vectors table from a saved pipeline's vocab/: the packaged model reads models/vectors."""
    from pipeline.nlp.trained_ner import VECTOR_FILES

    for name in VECTOR_FILES:
        (model_dir / "vocab" / name).unlink(missing_ok=True)


def train_ner(
    corpora_dir: Path,
    output_dir: Path = DEFAULT_OUTPUT,
    work_dir: Path = DEFAULT_WORK_DIR,
    config_path: Path = DEFAULT_CONFIG,
    overrides: dict[str, Any] | None = None,
    tac_dev_fold: int = 0,
    corpora: Mapping[str, int] = ALL_ONCE,
) -> dict[str, Any]:
    """Convert, train and package; returns the record written to `output_dir/../training.json`.
    `tac_dev_fold` holds out another fifth of the TAC 2017 labels, for cross-validation; `corpora` maps the
    gold corpora trained on to the times their training texts are seen per epoch (default: all three, once;
    other choices serve studies of their annotation conventions, models/ner/README.md)."""
    from spacy.cli.train import train
    from spacy.util import load_config
    from thinc.api import get_current_ops, set_current_ops

    from pipeline.nlp.trained_ner import blas_ops

    started = time.time()
    overrides = overrides or {}
    pretraining = pretraining_epochs(config_path, overrides) > 0
    corpora = {name: corpora[name] for name in corpus_names(corpora)}
    table = vectors_table(config_path, overrides)
    counts = convert(corpora_dir, work_dir, unlabeled=pretraining, tac_dev_fold=tac_dev_fold, corpora=corpora)
    corpus = work_dir / "corpus"
    settings = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "valid.spacy"),
                "paths.raw_text": str(corpus / "unlabeled.spacy"), **overrides}
    if table is not None:  # below the working folder, as relative as the other paths the packaged config records
        settings["paths.vectors"] = str(table.relative_to(Path.cwd()) if table.is_relative_to(Path.cwd()) else table)
    pretrained = None
    training_dir = work_dir / "training"
    shutil.rmtree(training_dir, ignore_errors=True)
    previous_ops = get_current_ops()
    set_current_ops(blas_ops())  # the ops the component predicts with (pipeline/nlp/trained_ner.py:load_model)
    try:
        if pretraining:
            weights, pretrained = pretrain_tok2vec(config_path, settings, work_dir / "pretraining")
            settings["paths.init_tok2vec"] = str(weights)
        train(config_path, training_dir, use_gpu=-1, overrides=settings)
    finally:
        set_current_ops(previous_ops)
    best = training_dir / "model-best"
    shutil.rmtree(output_dir, ignore_errors=True)
    shutil.copytree(best, output_dir)
    if table is not None:
        drop_vector_files(output_dir)
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    config = load_config(config_path, overrides=settings, interpolate=True)
    record = {
        "labels": list(LABELS),
        "seed": config["training"]["seed"],
        "config": Path(config_path).name,
        "config_sha256": hashlib.sha256(Path(config_path).read_bytes()).hexdigest()[:16],
        "overrides": {k: v for k, v in settings.items() if not k.startswith("paths.")},
        "corpora": corpora,
        "sources": source_digests(corpora_dir, corpora),
        "texts": counts,
        "pretraining": pretrained,
        "vectors": vectors_record(table),
        "valid_scores": {k: meta["performance"].get(k) for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
        "spacy_version": meta.get("spacy_version"),
        "minutes": round((time.time() - started) / 60, 1),
    }
    (output_dir.parent / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record
