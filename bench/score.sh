#!/usr/bin/env bash
# Scores `trialgraph annotate` on the shared gold sets with ../shared/tools/score.py.
#   bash bench/score.sh [SHARED_DIR]      -> bench/results/{ade,bc5cdr_train,bc5cdr_dev,tac}.json
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
SCORE="python3 $SHARED/tools/score.py"
OUT=bench/results
mkdir -p "$OUT"
run() {  # name, gold kind, gold path
    $SCORE inputs "$2" "$3" > "$OUT/$1.in.jsonl"
    .venv/bin/trialgraph annotate "$OUT/$1.in.jsonl" -o "$OUT/$1.pred.jsonl" || echo "(some lines failed: see their error field)"
    $SCORE "$2" "$3" "$OUT/$1.pred.jsonl" > "$OUT/$1.json"
    echo "== $1"; python3 - "$OUT/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for group in ("entities", "entities_strict", "relations", "relations_with_negatives"):
    for label, s in r.get(group, {}).items():
        print(f"  {group:<26} {label:<18} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}")
PY
}
run ade ade "$SHARED/corpora/ade_corpus_v2"
run bc5cdr_train bc5cdr "$SHARED/corpora/bc5cdr/CDR_TrainingSet.PubTator.txt"
run bc5cdr_dev bc5cdr "$SHARED/corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt"
run tac tac "$SHARED/corpora/tac2017_adr/train_xml"
