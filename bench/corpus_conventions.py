"""How the annotation conventions of the three gold corpora pull the NER model apart (issue 6).

    OMP_NUM_THREADS=1 .venv/bin/python bench/corpus_conventions.py [--shared ../shared]
        [--variants all,bc5cdr,ade_tac,ade_bc5cdr,bc5cdr_twice] [--work build/conventions] [--table]

Each variant trains the NER model of models/ner/config.cfg on some of the corpora (`trialgraph train --only ner
--ner-corpora ...`, without the tok2vec pretraining: 3 to 9 minutes a variant on one core), then the combined
pipeline with that model, and the committed role and relation models, annotates the dev splits of all three
corpora, scored by ../shared/tools/score.py (strict spans; `bench/train_score.py:score`). A variant writes
bench/results/conventions/{variant}.json, so variants can run in separate processes (one per core); the table
gathers every variant file present.
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

OUT = ROOT / "bench" / "results" / "conventions"
VARIANTS = {  # name -> --ner-corpora
    "all": "ade,bc5cdr,tac",
    "bc5cdr": "bc5cdr",
    "ade_tac": "ade,tac",
    "ade_bc5cdr": "ade,bc5cdr",
    "bc5cdr_twice": "ade,bc5cdr:2,tac",
}


def run_variant(shared: Path, name: str, work: Path) -> dict:
    """Train the variant's NER model and score the dev splits with it; returns the variant's record."""
    from pipeline.nlp.language import COMPONENTS, build_nlp
    from pipeline.train.corpora import corpus_choice
    from pipeline.train.ner import train_ner

    started = time.time()
    model_dir = work / name / "model"
    ner = train_ner(shared / "corpora", model_dir, work / name / "work", overrides={"pretraining.max_epochs": 0},
                    corpora=corpus_choice(VARIANTS[name]))
    nlp = build_nlp(components=COMPONENTS)
    nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config={"model_dir": str(model_dir)})
    reports = {kind: score(shared, kind, gold, nlp, f"conventions_{name}") for kind, gold in split_gold(shared).items()}
    return {"variant": name, "ner_corpora": VARIANTS[name], "ner_valid_f1": round(ner["valid_scores"]["ents_f"], 4),
            "reports": reports, "minutes": round((time.time() - started) / 60, 1)}


def table() -> str:
    """Markdown table of every variant file in bench/results/conventions: one column per variant, dev F1."""
    records = [json.loads(p.read_text(encoding="utf-8")) for name in VARIANTS if (p := OUT / f"{name}.json").exists()]
    lines = ["| corpus | label | " + " | ".join(f"`{r['ner_corpora']}`" for r in records) + " |",
             "|---|---|" + "---|" * len(records)]
    for kind, group, label, title in ROWS:
        cells = [r["reports"][kind].get(group, {}).get(label) for r in records]
        lines.append(f"| {title.format(split='dev')} | " + " | ".join(f"{c['f1']:.3f}" if c else "–" for c in cells) + " |")
    lines.append("| NER `valid` F1 (its own corpora) | | " + " | ".join(f"{r['ner_valid_f1']:.3f}" for r in records) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, among {', '.join(VARIANTS)}")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "conventions", help="models and DocBins")
    parser.add_argument("--table", action="store_true", help="only print the table of the variants already run")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.table:
        for name in args.variants.split(","):
            if name not in VARIANTS:
                parser.error(f"unknown variant {name!r}: choose among {', '.join(VARIANTS)}")
            record = run_variant(args.shared, name, args.work)
            (OUT / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            print(json.dumps({k: v for k, v in record.items() if k != "reports"}), flush=True)
    print(table())


if __name__ == "__main__":
    main()
