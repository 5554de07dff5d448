"""TAC 2017 ADVERSE_EVENT, cross-validated over the five fifths of the training labels (issue 6).

    OMP_NUM_THREADS=1 .venv/bin/python bench/tac_crossval.py [--shared ../shared] [--folds 0,1,2,3,4]
        [--work build/tac_cv] [--pretraining-epochs 0]

Fold k holds out the TAC 2017 labels hashing into fifth k (pipeline/train/corpora.py:split_of with
dev_fold=k; fold 0 is the dev split of bench/train_score.py); ADE-Corpus-V2 and BC5CDR keep their splits. For
each fold the NER model is trained with models/ner/config.cfg (the tok2vec pretraining off unless
--pretraining-epochs says otherwise: it takes 16 minutes a fold), the role model is fitted on that model's
mentions, and the combined pipeline with these two models annotates the held-out labels, scored by
../shared/tools/score.py (strict spans; `bench/train_score.py:score`). Each fold writes
bench/results/tac_cv/fold{k}.json, so folds can run in separate processes (one per core) and an interrupted
run keeps the folds it finished; the table at the end gathers every fold file present.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_score import score  # noqa: E402

OUT = ROOT / "bench" / "results" / "tac_cv"


def held_out_gold(shared: Path, fold: int) -> Path:
    """A folder with the TAC label files of fifth `fold`, as score.py reads them."""
    from pipeline.train.corpora import split_of, tac_folder

    gold = OUT / f"gold_fold{fold}"
    shutil.rmtree(gold, ignore_errors=True)
    gold.mkdir(parents=True)
    for path in sorted(tac_folder(shared / "corpora").glob("*.xml")):
        if split_of("tac", path.stem, dev_fold=fold) == "dev":
            (gold / path.name).write_bytes(path.read_bytes())
    return gold


def run_fold(shared: Path, fold: int, work: Path, pretraining_epochs: int) -> dict:
    """Train the fold's NER and role models, score its held-out labels; returns the fold's record."""
    from pipeline.nlp.language import COMPONENTS, build_nlp
    from pipeline.train.ner import train_ner
    from pipeline.train.roles import train_roles

    started = time.time()
    corpora = shared / "corpora"
    fold_dir = work / f"fold{fold}"
    ner_dir, role_path = fold_dir / "model", fold_dir / "event_role.json.gz"
    ner = train_ner(corpora, ner_dir, fold_dir / "work", overrides={"pretraining.max_epochs": pretraining_epochs},
                    tac_dev_fold=fold)
    roles = train_roles(corpora, role_path, tac_dev_fold=fold, ner_model_dir=ner_dir)
    nlp = build_nlp(components=COMPONENTS)
    nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config={"model_dir": str(ner_dir)})
    nlp.replace_pipe("trialgraph_event_roles", "trialgraph_event_roles", config={"model_path": str(role_path)})
    gold = held_out_gold(shared, fold)
    report = score(shared, "tac", gold, nlp, f"tac_cv_fold{fold}")  # predictions in bench/results/train
    return {
        "fold": fold,
        "labels": len(list(gold.glob("*.xml"))),
        "sections": report["sections"],
        "strict": report["entities_strict"]["ADVERSE_EVENT"],
        "overlap": report["entities_overlap"]["ADVERSE_EVENT"],
        "ner_valid_f1": round(ner["valid_scores"]["ents_f"], 4),
        "role_threshold": roles["threshold"],
        "pretraining_epochs": pretraining_epochs,
        "minutes": round((time.time() - started) / 60, 1),
    }


def table() -> str:
    """Markdown table of every fold file in bench/results/tac_cv, with the mean and the pooled counts."""
    folds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(OUT.glob("fold[0-9].json"))]
    lines = ["| fold | labels | sections | P | R | F1 (strict) | F1 (overlap) | pretraining epochs |", "|---|---|---|---|---|---|---|---|"]
    for f in folds:
        s = f["strict"]
        lines.append(f"| {f['fold']} | {f['labels']} | {f['sections']} | {s['p']:.3f} | {s['r']:.3f} | **{s['f1']:.3f}** | "
                     f"{f['overlap']['f1']:.3f} | {f['pretraining_epochs']} |")
    if folds:
        tp, fp, fn = (sum(f["strict"][k] for f in folds) for k in ("tp", "fp", "fn"))
        mean = sum(f["strict"]["f1"] for f in folds) / len(folds)
        pooled = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        lines.append(f"| mean of {len(folds)} folds | | | | | **{mean:.3f}** | | |")
        lines.append(f"| pooled counts (tp {tp}, fp {fp}, fn {fn}) | | | | | **{pooled:.3f}** | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--folds", default="0,1,2,3,4", help="comma-separated folds (0-4) to run in this process")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "tac_cv", help="models and DocBins of each fold")
    parser.add_argument("--pretraining-epochs", type=int, default=0)
    parser.add_argument("--table", action="store_true", help="only print the table of the folds already run")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.table:
        for fold in (int(f) for f in args.folds.split(",")):
            record = run_fold(args.shared, fold, args.work, args.pretraining_epochs)
            (OUT / f"fold{fold}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            print(json.dumps(record), flush=True)
    print(table())


if __name__ == "__main__":
    main()
