"""`trialgraph train --corpora DIR`: train the NER model (models/ner/model), the adverse-event-versus-condition
model (models/ner/roles) and the HAS_ADVERSE_EVENT relation model (models/ner/relations) from the raw gold
corpora, in that order: each later model is fitted on what the earlier ones find."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_ERROR, EXIT_OK

STEPS = ("ner", "roles", "relations")


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from pipeline.train.corpora import CORPORA
    from pipeline.train.ner import DEFAULT_CONFIG, DEFAULT_OUTPUT, DEFAULT_WORK_DIR

    train = commands.add_parser(
        "train", help="train the NER model from the gold corpora (ADE-Corpus-V2, BC5CDR, TAC 2017)",
        description="Convert the raw gold files to spaCy DocBins (document-level train/valid/dev splits), pretrain "
        "the NER's tok2vec on the unlabeled texts of the training groups, train "
        "the NER pipeline with fixed seeds on one CPU thread, and package the best checkpoint with a record of its "
        "data (training.json); then fit the adverse-event-versus-condition model on ADE-Corpus-V2 and TAC 2017 "
        "mentions and the HAS_ADVERSE_EVENT relation model on ADE-Corpus-V2 candidates. "
        "The dev split is never trained on; score it with bench/train_score.py.")
    train.add_argument("--corpora", required=True, type=Path, metavar="DIR",
                       help="folder holding ade_corpus_v2/, bc5cdr/ and tac2017_adr/ (raw gold files)")
    train.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                       help="folder of the packaged pipeline (default: %(default)s)")
    train.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="spaCy config (default: %(default)s)")
    train.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                       help="DocBins and checkpoints (default: %(default)s)")
    train.add_argument("--max-epochs", type=int, metavar="N", help="override training.max_epochs of the config")
    train.add_argument("--pretraining-epochs", type=int, metavar="N",
                       help="override pretraining.max_epochs of the config (0 skips the tok2vec pretraining)")
    train.add_argument("--ner-corpora", default=",".join(CORPORA), metavar="NAMES",
                       help=f"comma-separated gold corpora the NER model trains on, among {', '.join(CORPORA)}; "
                       "NAME:N sees a corpus's training texts N times per epoch (default: all, once; the role and "
                       "relation models keep theirs)")
    train.add_argument("--only", choices=STEPS,
                       help="train one model (the others already in place are used as they are)")
    return train


def execute(args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from pipeline.train.corpora import corpus_choice
    from pipeline.train.ner import train_ner
    from pipeline.train.relations import train_relations
    from pipeline.train.roles import train_roles

    if not args.corpora.is_dir():
        print(f"trialgraph train: no such folder: {args.corpora}", file=sys.stderr)
        return EXIT_ERROR
    try:
        corpora = corpus_choice(args.ner_corpora)
    except ValueError as exc:
        print(f"trialgraph train: --ner-corpora: {exc}", file=sys.stderr)
        return EXIT_ERROR
    overrides = {key: value for key, value in (("training.max_epochs", args.max_epochs),
                                                 ("pretraining.max_epochs", args.pretraining_epochs)) if value is not None}
    report = {}
    try:
        steps = (args.only,) if args.only else STEPS
        if "ner" in steps:
            report["ner"] = train_ner(args.corpora, args.output, args.work_dir, args.config, overrides,
                                      corpora=corpora)["valid_scores"]
        if "roles" in steps:
            report["roles"] = train_roles(args.corpora)
        if "relations" in steps:
            report["relations"] = train_relations(args.corpora)
    except FileNotFoundError as exc:
        print(f"trialgraph train: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(report, indent=1))
    return EXIT_OK
