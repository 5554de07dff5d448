"""Lexicon-only vs trained vs combined pipelines on the dev splits the NER model never trained on.

    .venv/bin/python bench/train_score.py [--shared ../shared] [--pipelines lexicon,trained,combined]
        [--corpora ade,bc5cdr,tac] [--split dev|valid] [--ner-model DIR] [--tag NAME]

Dev splits (pipeline/train/corpora.py): BC5CDR's development file; the ADE-Corpus-V2 PMIDs and TAC
2017 drug labels that hash into the dev fifth. Their gold files are written to bench/results/train/gold/
so that ../shared/tools/score.py scores them as it scores the full sets (strict spans). Prints a
Markdown table and writes bench/results/train/scores.json. `--split valid` scores the `valid` groups
instead (the tenth of the training groups that chooses checkpoints and thresholds), to compare training
configs without looking at dev.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.nlp.language import COMPONENTS, TRAINED_COMPONENTS, build_nlp  # noqa: E402

OUT = ROOT / "bench" / "results" / "train"

PIPELINES = {  # (component lists, from the default pipeline's; options of the trained NER component)
    "lexicon": (lambda components: tuple(c for c in components if c not in TRAINED_COMPONENTS), {}),
    # the model's spans alone: the lexicon matches are its input feature and its normalizer, no output
    "trained": (lambda components: components, {"keep_lexicon": []}),
    "combined": (lambda components: components, {}),
    # the combined entities with the rule relations only: what the relation model adds
    "combined_rule_relations": (lambda components: tuple(c for c in components if c != "trialgraph_relation_scorer"), {}),
}
ROWS = [  # (gold, report group, label, table name with the split scored)
    ("ade", "entities", "DRUG", "ADE {split} | DRUG"),
    ("ade", "entities", "ADVERSE_EVENT", "ADE {split} | ADVERSE_EVENT"),
    ("ade", "entities", "DOSE", "ADE {split} | DOSE"),
    ("ade", "relations", "HAS_ADVERSE_EVENT", "ADE {split} | HAS_ADVERSE_EVENT"),
    ("ade", "relations_with_negatives", "HAS_ADVERSE_EVENT", "ADE {split} | HAS_ADVERSE_EVENT, negatives counted"),
    ("ade", "relations", "HAS_DOSE", "ADE {split} | HAS_DOSE"),
    ("bc5cdr", "entities_strict", "Chemical", "BC5CDR {split} | Chemical"),
    ("bc5cdr", "entities_strict", "Disease", "BC5CDR {split} | Disease"),
    ("bc5cdr", "relations", "CID", "BC5CDR {split} | CID (document level, MeSH pairs)"),
    ("tac", "entities_strict", "ADVERSE_EVENT", "TAC {split} | ADVERSE_EVENT"),
]


def split_gold(shared: Path, split: str = "dev") -> dict[str, Path]:
    """Gold files of a split's groups (`dev` or `valid`), in the layouts score.py reads. Each file is replaced
    whole (`atomic_write`), so processes scoring side by side never read one half-written."""
    from pipeline.atomic import atomic_write
    from pipeline.train.corpora import BC5CDR_FILES, split_of

    def write(path: Path, data: bytes) -> None:
        with atomic_write(path, binary=True) as handle:
            handle.write(data)

    corpora = shared / "corpora"
    ade = OUT / "gold" / f"ade_{split}"
    ade.mkdir(parents=True, exist_ok=True)
    for name, pmid_of in (("DRUG-AE.rel", lambda l: l.split("|", 1)[0]), ("DRUG-DOSE.rel", lambda l: l.split("|", 1)[0]),
                          ("ADE-NEG.txt", lambda l: l.split(" ", 1)[0])):
        lines = (corpora / "ade_corpus_v2" / name).read_text(encoding="utf-8", errors="replace").splitlines()
        kept = [line for line in lines if line.strip() and split_of("ade", pmid_of(line)) == split]
        write(ade / name, ("\n".join(kept) + "\n").encode("utf-8"))
    tac = OUT / "gold" / f"tac_{split}"
    tac.mkdir(parents=True, exist_ok=True)
    for path in sorted((corpora / "tac2017_adr" / "train_xml").glob("*.xml")):
        if split_of("tac", path.stem) == split:
            write(tac / path.name, path.read_bytes())
    bc5cdr = OUT / "gold" / f"bc5cdr_{split}.PubTator.txt"
    blocks = [block for name, given in BC5CDR_FILES.items()
              for block in (corpora / "bc5cdr" / name).read_text(encoding="utf-8").strip().split("\n\n")
              if split_of("bc5cdr", block.split("|", 1)[0], given) == split]
    write(bc5cdr, ("\n\n".join(blocks) + "\n").encode("utf-8"))
    return {"ade": ade, "bc5cdr": bc5cdr, "tac": tac}


def score(shared: Path, gold_kind: str, gold: Path, nlp, name: str) -> dict:
    from pipeline.nlp.serialize import doc_annotations

    scorer = [sys.executable, str(shared / "tools" / "score.py")]
    inputs = [json.loads(line) for line in subprocess.run(
        [*scorer, "inputs", gold_kind, str(gold)], check=True, capture_output=True, text=True).stdout.splitlines()]
    pred = OUT / f"{gold_kind}.{name}.pred.jsonl"
    with pred.open("w", encoding="utf-8") as handle:
        for record, doc in zip(inputs, nlp.pipe((r["text"] for r in inputs), batch_size=64)):
            handle.write(json.dumps({"id": record["id"], **doc_annotations(doc)}, ensure_ascii=False) + "\n")
    report = subprocess.run([*scorer, gold_kind, str(gold), str(pred)], check=True, capture_output=True, text=True)
    return json.loads(report.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--pipelines", default=",".join(PIPELINES))
    parser.add_argument("--corpora", default="ade,bc5cdr,tac", help="which corpora to score")
    parser.add_argument("--split", choices=("dev", "valid"), default="dev", help="which groups to score")
    parser.add_argument("--ner-model", help="a trained NER pipeline other than models/ner/model (a candidate)")
    parser.add_argument("--tag", default="", help="suffix of the output files, to keep candidates apart")
    args = parser.parse_args()
    golds = {kind: gold for kind, gold in split_gold(args.shared, args.split).items() if kind in args.corpora.split(",")}
    suffix = "" if args.split == "dev" else f".{args.split}"
    reports: dict[str, dict[str, dict]] = {}
    for name in args.pipelines.split(","):
        components, ner_options = PIPELINES[name]
        nlp = build_nlp(components=components(COMPONENTS))
        ner_options = {**ner_options, **({"model_dir": args.ner_model} if args.ner_model else {})}
        if ner_options and "trialgraph_trained_ner" in nlp.pipe_names:
            nlp.replace_pipe("trialgraph_trained_ner", "trialgraph_trained_ner", config=ner_options)
        label = f"{name}{args.tag}{suffix}"
        reports[label] = {kind: score(args.shared, kind, gold, nlp, label) for kind, gold in golds.items()}
    (OUT / f"scores{args.tag}{suffix}.json").write_text(json.dumps(reports, indent=1) + "\n", encoding="utf-8")
    names = list(reports)
    print("| corpus | label | " + " | ".join(f"{n} P / R / F1" for n in names) + " |")
    print("|---|---|" + "---|" * len(names))
    for kind, group, label, title in ROWS:
        if kind not in golds:
            continue
        cells = []
        for n in names:
            s = reports[n][kind].get(group, {}).get(label)
            cells.append(f"{s['p']:.3f} / {s['r']:.3f} / **{s['f1']:.3f}**" if s else "–")
        print(f"| {title.format(split=args.split)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
