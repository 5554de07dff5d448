"""NER trainings side by side: a choice of the gold corpora, another seed, another schedule (issue 6).

    OMP_NUM_THREADS=1 .venv/bin/python bench/ner_variants.py [--shared ../shared] [--variants all,bc5cdr,...]
        [--work build/ner_variants] [--table] [--split dev|valid]

Each variant trains the NER model of models/ner/config.cfg with its corpora (`trialgraph train --only ner
--ner-corpora ...`) and config overrides, without the tok2vec pretraining (2 to 8 minutes a variant on one
core); then the combined pipeline with that model, and the committed role and relation models, annotates the dev
and the `valid` groups of all three corpora, scored by ../shared/tools/score.py (strict spans;
`bench/train_score.py:score`). A variant writes bench/results/ner_variants/{variant}.json, so variants can run in
separate processes (one per core); the table gathers every variant file present, for the split asked.
- `all`, `bc5cdr`, `ade_tac`, `ade_bc5cdr`, `bc5cdr_twice`: how the corpora's annotation conventions pull one
  model apart (models/ner/README.md, "One model, three conventions").
- `all_seed1`, `all_seed2`: the default corpora and config with other seeds: the spread of one training.
- `decay_seed0` to `decay_seed2`: the learning rate warmed up over 250 steps, then decayed linearly to 0.
- `rows_seed0`, `rows_seed1`: hash embedding tables twice as large.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_score import ROWS, score, split_gold  # noqa: E402

OUT = ROOT / "bench" / "results" / "ner_variants"
_DECAY = {"@schedules": "warmup_linear.v1", "warmup_steps": 250, "total_steps": 3800, "initial_rate": 0.001}
_ROWS = [20000, 5000, 10000, 5000, 64]  # NORM, PREFIX, SUFFIX, SHAPE, TAG: config.cfg's doubled, TAG's kept
VARIANTS: dict[str, tuple[str, dict]] = {  # name -> (--ner-corpora, config overrides)
    "all": ("ade,bc5cdr,tac", {}),
    "bc5cdr": ("bc5cdr", {}),
    "ade_tac": ("ade,tac", {}),
    "ade_bc5cdr": ("ade,bc5cdr", {}),
    "bc5cdr_twice": ("ade,bc5cdr:2,tac", {}),
    "all_seed1": ("ade,bc5cdr,tac", {"system.seed": 1}),
    "all_seed2": ("ade,bc5cdr,tac", {"system.seed": 2}),
    **{f"decay_seed{seed}": ("ade,bc5cdr,tac", {"system.seed": seed, "training.optimizer.learn_rate": _DECAY})
       for seed in range(3)},
    **{f"rows_seed{seed}": ("ade,bc5cdr,tac", {"system.seed": seed, "components.tok2vec.model.embed.rows": _ROWS})
       for seed in range(2)},
}


def run_variant(shared: Path, name: str, work: Path, golds: dict[str, dict[str, Path]]) -> dict:
    """Train the variant's NER model and score the gold files of `golds` (split -> corpus -> path, from
    `split_gold`) with it; returns the variant's record."""
    from pipeline.nlp.language import COMPONENTS, build_nlp
    from pipeline.train.corpora import corpus_choice
    from pipeline.train.ner import train_ner

    started = time.time()
    corpora, overrides = VARIANTS[name]
    model_dir = work / name / "model"
    ner = train_ner(shared / "corpora", model_dir, work / name / "work",
                    overrides={"pretraining.max_epochs": 0, **overrides}, corpora=corpus_choice(corpora))
    nlp = build_nlp(components=COMPONENTS)
    nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config={"model_dir": str(model_dir)})
    reports = {split: {kind: score(shared, kind, gold, nlp, f"ner_variants_{name}_{split}")
                       for kind, gold in paths.items()} for split, paths in golds.items()}
    return {"variant": name, "ner_corpora": corpora, "overrides": overrides,
            "ner_valid_f1": round(ner["valid_scores"]["ents_f"], 4), "reports": reports,
            "minutes": round((time.time() - started) / 60, 1)}


def table(split: str = "dev") -> str:
    """Markdown table of every variant file in bench/results/ner_variants: one column per variant, F1 on `split`."""
    records = [json.loads(p.read_text(encoding="utf-8")) for name in VARIANTS if (p := OUT / f"{name}.json").exists()]
    lines = ["| corpus | label | " + " | ".join(f"`{r['variant']}`" for r in records) + " |",
             "|---|---|" + "---|" * len(records)]
    for kind, group, label, title in ROWS:
        cells = [r["reports"][split][kind].get(group, {}).get(label) for r in records]
        lines.append(f"| {title.format(split=split)} | " + " | ".join(f"{c['f1']:.3f}" if c else "–" for c in cells) + " |")
    lines.append("| NER `valid` F1 (its own corpora) | | " + " | ".join(f"{r['ner_valid_f1']:.3f}" for r in records) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, among {', '.join(VARIANTS)}")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "ner_variants", help="models and DocBins")
    parser.add_argument("--split", choices=("dev", "valid"), default="dev", help="the groups the table shows")
    parser.add_argument("--table", action="store_true", help="only print the table of the variants already run")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.table:
        names = args.variants.split(",")
        unknown = [name for name in names if name not in VARIANTS]
        if unknown:
            parser.error(f"unknown variant {unknown[0]!r}: choose among {', '.join(VARIANTS)}")
        golds = {split: split_gold(args.shared, split) for split in ("dev", "valid")}
        for name in names:
            record = run_variant(args.shared, name, args.work, golds)
            (OUT / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            print(json.dumps({k: v for k, v in record.items() if k != "reports"}), flush=True)
    print(table(args.split))


if __name__ == "__main__":
    main()
